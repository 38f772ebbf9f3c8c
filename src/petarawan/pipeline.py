"""The main job: validated inputs → composite index → classes → stages → outputs.

:func:`analyse` is pure (no files written); :func:`run` adds the atomic writing of every output.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from . import __version__
from .classify import classify, rank
from .config import CLASSES
from .errors import Finding, InputError
from .i18n import register, t
from .index import build_index
from .stages import STAGES, StageResult, StudyContext
from .validate import Study, load_study

Progress = Callable[[str], None]
MIN_AREAS = 10
"""Below this many scored areas a relative index and its classes mean little (warning)."""

register({
    "stage.hotspots": {"id": "hot spot", "en": "hot spots"},
    "stage.potential": {"id": "potensi masyarakat", "en": "community potential"},
    "stage.plan": {"id": "rencana intervensi", "en": "intervention plan"},
    "stage.uncertainty": {"id": "ketidakpastian", "en": "uncertainty"},
    "stage.audit": {"id": "audit statistik", "en": "statistical audit"},
    "step.validation": {"id": "validasi masukan", "en": "validating inputs"},
    "step.stage": {"id": "tahap: {name}", "en": "stage: {name}"},
    "step.index": {"id": "indeks komposit", "en": "composite index"},
    "step.classification": {"id": "klasifikasi", "en": "classification"},
    "step.write": {"id": "menulis keluaran", "en": "writing outputs"},
})


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
        Indicator values as entered (and as computed by pre-index stages), index ``code``.
    stages : dict[str, StageResult]
    findings : list[Finding]
    lang : str
    started : str
        ISO timestamp (UTC) of the run.
    """

    study: Study
    index: Any
    result: pd.DataFrame
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    stages: dict[str, StageResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    lang: str = "id"
    started: str = ""

    def class_counts(self) -> dict[str, int]:
        vc = self.result["class"].value_counts()
        out = {c: int(vc.get(c, 0)) for c in CLASSES}
        out["none"] = int(self.result["class"].isna().sum())
        return out


def _call(target: str) -> Callable[[StudyContext], StageResult]:
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)


def index_input(data: pd.DataFrame, denominators: pd.DataFrame, cfg) -> pd.DataFrame:
    """Values entering the composite index: each indicator with a ``denominator`` becomes a rate
    ``value / denominator × per`` (default per 10,000), so large areas do not look worst merely
    for being large; the others pass unchanged.  BNN presence (classification) uses the values
    as entered."""
    out = data.copy()
    for spec in cfg.indicators:
        if spec.denominator:
            out[spec.code] = data[spec.code] / denominators[spec.denominator] * spec.per
    return out


def analyse(study: Study, *, lang: str | None = None, progress: Progress | None = None,
            post: bool = True) -> RunResult:
    """Run every computation on a validated study.

    Parameters
    ----------
    post : bool
        Run the post-index stages (uncertainty, audit, plan…).  ``petarawan validate`` uses
        ``post=False``: it checks everything that feeds the index and the classes, quickly.

    Returns
    -------
    RunResult

    Raises
    ------
    InputError
        A stage found unusable input, or an indicator that a stage should provide is missing.
    """
    cfg = study.config
    lang = lang or cfg.study.lang
    say = progress or (lambda _msg: None)
    started = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    findings = list(study.findings)
    ctx = StudyContext(cfg, study.study_dir, lang, study.areas, study.data.copy(), input_hashes=study.input_hashes,
                       denominators=study.denominators)

    stages = [(name, phase, target) for name, phase, target in STAGES if getattr(cfg, name, None) is not None]
    for name, phase, target in stages:
        if phase != "pre":
            continue
        say(t("step.stage", lang, name=t(f"stage.{name}", lang)))
        res = _call(target)(ctx)
        ctx.stage_results[name] = res
        if res.indicators is not None:
            for col in res.indicators.columns:
                ctx.data[col] = res.indicators[col].reindex(ctx.data.index)
    missing = [i.code for i in cfg.indicators if i.stage is not None and i.code not in ctx.data.columns]
    if missing:
        raise InputError([Finding("error", "stage_indicator_missing",
                                  f"indikator '{c}' harus dihitung oleh tahap '{cfg.indicator(c).stage}', tetapi tidak ada / "
                                  f"indicator '{c}' should come from stage '{cfg.indicator(c).stage}' but is missing",
                                  column=c, expected=f"a [{cfg.indicator(c).stage}] section that provides '{c}'") for c in missing])

    say(t("step.index", lang))
    data = ctx.data[[i.code for i in cfg.indicators]]
    groups = study.areas["group"] if "group" in study.areas.columns else None
    index = build_index(index_input(data, study.denominators, cfg), cfg, groups=groups)
    findings.extend(index.findings)

    say(t("step.classification", lang))
    cls = classify(index.score, data, cfg)
    result = pd.DataFrame(index=study.areas.index)
    result["name"] = study.areas["name"]
    if groups is not None:
        result["group"] = groups
    result["score"] = index.score.reindex(result.index)
    result["class"] = cls["class"].reindex(result.index)
    result["rank"] = rank(result["score"])
    for c in ("n_main", "n_supporting"):
        result[c] = cls[c].reindex(result.index)
    for dim in index.dimensions.columns:
        result[f"dim_{dim}"] = index.dimensions[dim].reindex(result.index)
    if study.reference is not None:
        result["reference"] = study.reference
    ctx.index, ctx.result = index, result

    if cfg.classification.method == "count_rule":
        quiet = result.index[(result["class"] == "Aman") & (result["n_main"] > 0)]
        for code in quiet:
            n = int(result.at[code, "n_main"])
            findings.append(Finding(
                "warning", "aman_with_main", f"{result.at[code, 'name']}: kelas Aman padahal {n} indikator pokok ada",
                value=code, message_en=f"{result.at[code, 'name']}: class Aman although {n} main indicator(s) are present",
                expected="periksa aturan hitungan (mis. Siaga bila ≥ 1 indikator pokok)",
                expected_en="check the count rule (e.g. Siaga when ≥ 1 main indicator)"))
    scored = int(result["score"].notna().sum())
    if cfg.classification.method == "bands" and scored and not result["class"].isin(["Bahaya", "Waspada"]).any():
        top = float(result["score"].max())
        findings.append(Finding(
            "warning", "bands_unreached",
            f"tidak ada wilayah yang mencapai batas Waspada ({cfg.classification.bands['Waspada']:g}); skor tertinggi "
            f"{top:.1f}. Skor min–maks yang dirata-rata jarang mendekati 100",
            message_en=f"no area reaches the Waspada bound ({cfg.classification.bands['Waspada']:g}); the highest score is "
                       f"{top:.1f}. Averaged min–max scores rarely come near 100",
            expected="sesuaikan classification.bands, atau pakai method = \"quantiles\", \"jenks\" atau \"count_rule\"",
            expected_en="adjust classification.bands, or use method = \"quantiles\", \"jenks\" or \"count_rule\""))
    if 0 < scored < MIN_AREAS:
        findings.append(Finding(
            "warning", "few_areas", f"hanya {scored} wilayah diberi skor: normalisasi dan kelas membandingkan wilayah satu "
            f"sama lain, sehingga tidak bermakna untuk kurang dari {MIN_AREAS} wilayah",
            message_en=f"only {scored} areas are scored: normalisation and classes compare areas with each other and "
                       f"mean little for fewer than {MIN_AREAS} areas",
            expected=f"≥ {MIN_AREAS} wilayah dalam satu studi", expected_en=f"≥ {MIN_AREAS} areas in one study"))
    for name, phase, target in stages:
        if phase != "post" or not post:
            continue
        say(t("step.stage", lang, name=t(f"stage.{name}", lang)))
        ctx.stage_results[name] = _call(target)(ctx)
    for res in ctx.stage_results.values():
        findings.extend(res.findings)
        if res.area_columns is not None:
            for col in res.area_columns.columns:
                result[col] = res.area_columns[col].reindex(result.index)
    return RunResult(study, index, result, data, dict(ctx.stage_results), findings, lang, started)


def run(study_dir: Path | str, out_dir: Path | str, *, lang: str | None = None,
        progress: Progress | None = None) -> RunResult:
    """Validate, analyse and write every output of a study into ``out_dir`` atomically.

    The outputs are first written to a temporary sibling folder; only when all of them exist is
    it swapped into place, so a failed run leaves an earlier ``out_dir`` untouched.

    Raises
    ------
    ConfigError, InputError
        As :func:`petarawan.validate.load_study` and :func:`analyse`.
    """
    from .io.writers import check_out_dir, write_outputs

    say = progress or (lambda _msg: None)
    check_out_dir(Path(out_dir), Path(study_dir))  # before any work: refuse an unsafe folder at once
    say(t("step.validation", lang or "id"))
    study = load_study(study_dir)
    res = analyse(study, lang=lang, progress=progress)
    say(t("step.write", res.lang))
    write_outputs(res, Path(out_dir), version=__version__)
    return res
