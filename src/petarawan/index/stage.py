"""Stage ``index``: validated indicator values → composite index → BNN classes and ranks.

Always on.  It uses the ``"indicators"`` that other stages provide (they run first) and provides
``"index"`` and ``"classes"`` to the stages that require them.  The computations are
:func:`petarawan.index.build_index` and :mod:`petarawan.classify`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..classify import classify, rank
from ..errors import Finding, InputError
from ..i18n import Msg
from ..stages import Stage, StageResult, StudyContext
from .composite import IndexResult, build_index


MIN_AREAS = 10
"""Below this many scored areas a relative index and its classes mean little (warning)."""


@dataclass(frozen=True, kw_only=True)
class IndexStageResult(StageResult):
    """The composite index and the classes.

    Attributes
    ----------
    index : IndexResult
        ``index.raw`` holds the values that entered the index (rates where a denominator is set).
    table : DataFrame
        Index ``code`` (every area): ``name``, ``group``?, ``score``, ``class``, ``rank``,
        ``n_main``, ``n_supporting``, ``dim_<dimension>`` per dimension, ``reference`` if
        configured.
    data : DataFrame
        The indicator values as entered (and as provided by other stages), index ``code``, one
        column per ``[[indicators]]`` entry.
    """

    index: IndexResult
    table: pd.DataFrame
    data: pd.DataFrame


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


def _check_stage_indicators(cfg, data: pd.DataFrame) -> None:
    missing = [i.code for i in cfg.indicators if i.stage is not None and i.code not in data.columns]
    if missing:
        raise InputError([Finding("error", "stage_indicator_missing",
                                  Msg("f.stage_indicator_missing", code=c, stage=cfg.indicator(c).stage), column=c,
                                  expected=Msg("x.stage_indicator_missing", code=c, stage=cfg.indicator(c).stage))
                          for c in missing])


def classification_findings(result: pd.DataFrame, cfg) -> list[Finding]:
    """Warnings about the classes: an Aman area with main indicators present (count rule), no
    area reaching Waspada (score bands), too few scored areas for a relative index."""
    findings: list[Finding] = []
    if cfg.classification.method == "count_rule":
        quiet = result.index[(result["class"] == "Aman") & (result["n_main"] > 0)]
        for code in quiet:
            n = int(result.at[code, "n_main"])
            findings.append(Finding(
                "warning", "aman_with_main", Msg("f.aman_with_main", at=result.at[code, 'name'], n=n),
                value=code,
                expected=Msg("x.aman_with_main")))
    scored = int(result["score"].notna().sum())
    if cfg.classification.method == "bands" and scored and not result["class"].isin(["Bahaya", "Waspada"]).any():
        top = float(result["score"].max())
        findings.append(Finding(
            "warning", "bands_unreached",
            Msg("f.bands_unreached", p=cfg.classification.bands['Waspada'], top=top),
            expected=Msg("x.bands_unreached")))
    if 0 < scored < MIN_AREAS:
        findings.append(Finding(
            "warning", "few_areas", Msg("f.few_areas", scored=scored, min_areas=MIN_AREAS),
            expected=Msg("x.few_areas", min_areas=MIN_AREAS)))
    return findings


def run_index(ctx: StudyContext) -> IndexStageResult:
    """Build the composite index and classify every area.

    Raises
    ------
    InputError
        An ``[[indicators]]`` entry with ``stage = "…"`` whose column no stage provided.
    """
    cfg = ctx.config
    _check_stage_indicators(cfg, ctx.data)
    data = ctx.data[[i.code for i in cfg.indicators]]
    groups = ctx.areas["group"] if "group" in ctx.areas.columns else None
    index = build_index(index_input(data, ctx.denominators, cfg), cfg, groups=groups)
    cls = classify(index.score, data, cfg)
    result = pd.DataFrame(index=ctx.areas.index)
    result["name"] = ctx.areas["name"]
    if groups is not None:
        result["group"] = groups
    result["score"] = index.score.reindex(result.index)
    result["class"] = cls["class"].reindex(result.index)
    result["rank"] = rank(result["score"])
    for c in ("n_main", "n_supporting"):
        result[c] = cls[c].reindex(result.index)
    for dim in index.dimensions.columns:
        result[f"dim_{dim}"] = index.dimensions[dim].reindex(result.index)
    if ctx.reference is not None:
        result["reference"] = ctx.reference
    findings = list(index.findings) + list(cls.attrs.get("findings", [])) + classification_findings(result, cfg)
    return IndexStageResult(name="index", findings=findings,
                            index=index, table=result, data=data)


STAGE = Stage(name="index", run=run_index, uses=("indicators",), provides=("index", "classes"), always=True)
