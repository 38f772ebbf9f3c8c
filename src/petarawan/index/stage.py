"""Stage ``index``: validated indicator values → composite index → BNN classes and ranks.

Always on.  It uses the ``"indicators"`` that other stages provide (they run first) and provides
``"index"`` and ``"classes"`` to the stages that require them.  The computations are
:func:`petarawan.index.build_index` and :mod:`petarawan.classify`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..classify import CLASSES, classify, rank
from ..errors import Finding, InputError
from ..i18n import Join, Msg
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


def unreachable_classes(cfg) -> list[Finding]:
    """Warnings for classes the configured framework can never give, whatever the data.

    Count rule (rules tried Bahaya, Waspada, Siaga): a rule needing more main or supporting
    indicators than the study has (``bnn = "main"|"supporting"``, switched-on indicators only);
    a rule that an earlier (worse) rule's minima already cover (every area meeting it meets the
    earlier one first); a class without a rule; Aman when a rule needs nothing (0 and 0).
    Score bands: a lower bound above the top of ``index.range``; Aman when the Siaga bound is at or
    below the bottom of the range."""
    c = cfg.classification
    out: list[Finding] = []

    def warn(key: str, cls: str, **p) -> None:
        out.append(Finding("warning", "class_unreachable", Msg(key, cls=cls, **p), file="petarawan.toml",
                           column="classification", expected=Msg("f.class_unreachable.expected")))

    if c.method == "count_rule":
        have = {k: sum(1 for i in cfg.indicators if i.bnn == k) for k in ("main", "supporting")}
        rules = sorted(c.count_rule, key=lambda r: CLASSES.index(r.cls))
        for j, r in enumerate(rules):
            if r.main > have["main"] or r.supporting > have["supporting"]:
                warn("f.class_unreachable.count", r.cls, main=r.main, supporting=r.supporting,
                     have_main=have["main"], have_supporting=have["supporting"])
                continue
            cover = next((q for q in rules[:j] if q.main <= r.main and q.supporting <= r.supporting), None)
            if cover is not None:
                warn("f.class_unreachable.shadowed", r.cls, other=cover.cls, main=cover.main,
                     supporting=cover.supporting)
        for cls in CLASSES[:3]:
            if not any(r.cls == cls for r in rules):
                warn("f.class_unreachable.no_rule", cls)
        if any(r.main == 0 and r.supporting == 0 for r in rules):
            warn("f.class_unreachable.no_aman", "Aman")
    elif c.method == "bands":
        lo, hi = cfg.index.range
        for cls in CLASSES[:3]:
            if c.bands[cls] > hi:
                warn("f.class_unreachable.band", cls, bound=c.bands[cls], top=hi)
        if c.bands["Siaga"] <= lo:
            warn("f.class_unreachable.band_aman", "Aman", bound=c.bands["Siaga"], bottom=lo)
    return out


def rescaled_weights(cfg) -> list[Finding]:
    """An info finding for each group of ``manual`` weights that look like percentages or
    fractions but do not add up: a total within 10 % of 100 or of 1 without being it — e.g.
    dimension weights 40/35/20 (a typo for 25) are used as shares 0.42/0.37/0.21 (tester
    finding 23: the rescaling was silent).  Relative weights such as 3/1 say nothing.  Groups: the top dimensions and
    each dimension's child dimensions (``index.weighting.dimensions = "manual"``), each leaf dimension's
    indicators (``index.weighting.indicators = "manual"``).  Weights are normalised to sum to 1 within
    their group (OECD/JRC Handbook 2008, step 6), which this does not change."""
    out: list[Finding] = []

    def check(where, codes: list[str], weights: list[float], column: str) -> None:
        total = float(sum(weights))
        near = [t for t in (1.0, 100.0) if 0.9 * t <= total <= 1.1 * t]
        if len(set(weights)) < 2 or not near or abs(total - near[0]) <= 1e-9 * near[0]:
            return
        shares = Join([Msg("f.weight_share", code=c, share=w / total) for c, w in zip(codes, weights)])
        out.append(Finding("info", "weights_rescaled", Msg("f.weights_rescaled", where=where, total=total, shares=shares),
                           file="petarawan.toml", column=column, expected=Msg("x.weights_rescaled")))

    fw = cfg.framework
    if cfg.index.weighting.dimensions == "manual":
        weight = {d.code: d.weight for d in cfg.dimensions}
        for parent, children in fw.siblings().items():
            codes = [fw.dimensions[j] for j in children]
            where = Msg("f.weights_where.index") if parent < 0 else Msg("f.weights_where.dimension", dim=fw.dimensions[parent])
            check(where, codes, [weight[c] for c in codes], "dimensions.weight")
    if cfg.index.weighting.indicators == "manual":
        for k in fw.leaves:
            d = fw.dimensions[k]
            items = [i for i in cfg.indicators if i.dimension == d]
            check(Msg("f.weights_where.dimension", dim=d), [i.code for i in items], [i.weight for i in items],
                  "indicators.weight")
    return out


def classification_findings(result: pd.DataFrame, cfg) -> list[Finding]:
    """Warnings about the classes: an Aman area with main indicators present (count rule), no
    area reaching Waspada (score bands), too few scored areas for a relative index, and every
    class the framework makes unreachable (:func:`unreachable_classes`)."""
    findings: list[Finding] = unreachable_classes(cfg) + rescaled_weights(cfg)
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
