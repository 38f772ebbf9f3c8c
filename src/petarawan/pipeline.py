"""The main job: validated inputs → composite index → classes → stages → outputs.

:func:`analyse` is pure (no files written); :func:`run` adds the atomic writing of every output.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from . import __version__
from .config import CLASSES, StudyConfig
from .errors import Finding
from .i18n import has, t
from .index.stage import IndexStageResult
from .privacy import publication_of
from .registry import STAGES
from .stages import StageResult, StudyContext
from .validate import Study, load_study

Progress = Callable[[str], None]


@dataclass
class RunResult:
    """Everything a run computed, before writing.

    Attributes
    ----------
    study : Study
    index : IndexResult
        ``index.raw`` holds the values that entered the index (rates where a denominator is set).
    result : DataFrame
        Index ``code``: ``name``, ``group``?, ``score``, ``class``, ``rank``, ``n_main``,
        ``n_supporting``, each dimension score, the reference label if configured, then every
        stage's ``area_columns``.
    data : DataFrame
        Indicator values as entered (and as computed by stages before the index), index ``code``.
    stages : dict[str, StageResult]
        The result of every stage but the index, in run order.
    findings : list[Finding]
    lang : str
    started : str
        ISO timestamp (UTC) of the run.
    inputs : dict[str, str]
        File name → sha256 of every input read: the study's own files, then each stage's.
    """

    study: Study
    index: Any
    result: pd.DataFrame
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    stages: dict[str, StageResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    lang: str = "id"
    started: str = ""
    inputs: dict[str, str] = field(default_factory=dict)

    def class_counts(self) -> dict[str, int]:
        vc = self.result["class"].value_counts()
        out = {c: int(vc.get(c, 0)) for c in CLASSES}
        out["none"] = int(self.result["class"].isna().sum())
        return out


def _say_stage(name: str, lang: str) -> str:
    if name == "index":
        return t("step.index", lang)
    key = f"stage.{name}"
    return t("step.stage", lang, name=t(key, lang) if has(key) else name)


def analyse(study: Study, *, lang: str | None = None, progress: Progress | None = None,
            post: bool = True) -> RunResult:
    """Run every computation on a validated study: the enabled stages of
    :data:`petarawan.registry.STAGES` in the order their requirements give.

    Parameters
    ----------
    post : bool
        Run the stages after the index too (uncertainty, audit, plan…).  ``petarawan validate``
        uses ``post=False``: only the index and the stages it needs, so it checks everything that
        feeds the index and the classes, quickly.

    Returns
    -------
    RunResult

    Raises
    ------
    ConfigError
        A stage requires another one that is not configured (e.g. ``[plan]`` without ``[potential]``).
    InputError
        A stage found unusable input, or an indicator that a stage should provide is missing.
    """
    cfg = study.config
    lang = lang or cfg.study.lang
    say = progress or (lambda _msg: None)
    started = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    ctx = StudyContext(cfg, study.study_dir, lang, study.areas, study.data.copy(), denominators=study.denominators,
                       reference=study.reference)
    results: dict[str, StageResult] = {}
    for stage in STAGES.order(cfg, until=None if post else "index"):
        say(_say_stage(stage.name, lang))
        res = stage.run(ctx)
        results[stage.name] = res
        data = ctx.data
        if res.indicators is not None:
            data = data.copy()
            for col in res.indicators.columns:
                data[col] = res.indicators[col].reindex(data.index)
        if isinstance(res, IndexStageResult):
            ctx = replace(ctx, index=res.index, result=res.table)
        ctx = replace(ctx, data=data, stage_results=dict(results))
    core = results.pop("index")
    assert isinstance(core, IndexStageResult)
    result = core.table.copy()
    findings = list(study.findings) + list(core.findings)
    inputs = dict(study.input_hashes)
    for res in results.values():
        findings.extend(res.findings)
        inputs.update(res.inputs)
        if res.area_columns is not None:
            for col in res.area_columns.columns:
                result[col] = res.area_columns[col].reindex(result.index)
    res = RunResult(study, core.index, result, core.data, results, findings, lang, started, inputs)
    res.findings.extend(publication_of(res).findings)  # what the published outputs withhold, and why
    return res


def with_dpi(study: Study, dpi: int) -> Study:
    """``study`` with ``[maps] dpi`` replaced (validated as the setting: 72–600)."""
    cfg = study.config
    maps = type(cfg.maps).model_validate({**cfg.maps.model_dump(), "dpi": dpi})
    return replace(study, config=cfg.model_copy(update={"maps": maps}))


def run(study_dir: Path | str, out_dir: Path | str, *, lang: str | None = None,
        progress: Progress | None = None, config: StudyConfig | None = None,
        record: dict[str, Any] | None = None, dpi: int | None = None) -> RunResult:
    """Validate, analyse and write every output of a study into ``out_dir`` atomically.

    The outputs are first written to a temporary sibling folder; only when all of them exist is
    it swapped into place, so a failed run leaves an earlier ``out_dir`` untouched.  The folder
    is locked for the whole run, and what an interrupted run left beside it is repaired first
    (:mod:`petarawan.io.atomic`; a restore is reported as a finding).

    ``config`` replaces the study's ``petarawan.toml`` (``petarawan replay`` passes the resolved
    configuration of the run it replays); ``record`` adds keys to ``run.json``; ``dpi`` replaces
    ``[maps] dpi`` (e.g. 300 for print; recorded in run.json's configuration).

    Raises
    ------
    ConfigError, InputError
        As :func:`petarawan.validate.load_study` and :func:`analyse`; ``out_locked`` when another
        run writes into ``out_dir``; full disk and other file-system errors while writing.
    """
    from .io.atomic import output_lock, prepare_out_dir
    from .outputs import write_outputs

    say = progress or (lambda _msg: None)
    with output_lock(Path(out_dir)):  # one run per output folder; a second one stops at once
        # before any work: repair what an interrupted run left, refuse an unsafe folder
        recovered = prepare_out_dir(Path(out_dir), Path(study_dir))
        say(t("step.validation", lang or "id"))
        study = load_study(study_dir, config=config)
        if dpi is not None:
            study = with_dpi(study, dpi)
        res = analyse(study, lang=lang, progress=progress)
        res.findings[:0] = recovered
        say(t("step.write", res.lang))
        write_outputs(res, Path(out_dir), version=__version__, record=record)
    return res
