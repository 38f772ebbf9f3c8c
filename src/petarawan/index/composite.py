"""The composite index: treatment → normalisation → weighting → aggregation → score.

:func:`build_index` is the single entry point the pipeline calls.  Each step is a pure function
of the previous step's table (COINr's chain Raw → Treated → Normalised → Aggregated); every
choice is recorded in ``IndexResult.steps`` for ``run.json`` and the Excel method sheet, and
every data problem is a :class:`~petarawan.errors.Finding`.

Sources: OECD/JRC *Handbook on Constructing Composite Indicators* (2008), steps 3 (imputation,
outliers), 5 (normalisation), 6 (weighting and aggregation); COINr (JRC) ``R/treat.R``,
``R/impute.R``, ``R/normalise.R``, ``R/aggregate.R``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..config import StudyConfig
from ..errors import ConfigError, Finding, InputError
from ..i18n import Msg
from . import normalise as nz
from .aggregate import aggregate_framework
from .normalise import NORMALISERS, NormSpec
from .treat import availability, impute, treat_outliers
from .weights import WEIGHTINGS, WeightInputs, effective_weights, rescale

__all__ = ["IndexResult", "NormalisedFrame", "build_index", "normalise_frame", "nominal_weights", "weights_table",
           "direction_vector"]


@dataclass(frozen=True)
class IndexResult:
    """Result of :func:`build_index`.  Every frame is indexed by area ``code`` (str).

    Attributes
    ----------
    raw : DataFrame (n × m)
        Indicator values as given (NaN = missing).
    treated : DataFrame (n × m)
        After imputation and outlier treatment (equal to ``raw`` when both are off).
    normalised : DataFrame (n × m)
        Direction applied (higher = more prone), on ``index.range`` (0–100 default) for
        min–max, percentile, goalposts, target and reference normalisation.
    dimensions : DataFrame (n × d)
        Dimension scores.
    score : Series (n,)
        Composite score, higher = more prone; NaN where the area gets no score.
    excluded : Series
        code → reason (Bahasa Indonesia / English) for every area with a NaN score.
    weights : DataFrame
        One row per indicator: ``indicator``, ``dimension``, ``weight`` (nominal, within
        dimension), ``dimension_weight``, ``overall_weight`` (product, sums to 1),
        ``effective_weight`` (share of the score's variance, see
        :func:`petarawan.index.weights.effective_weights`).
    steps : list[dict]
        Ordered log ``{"step", "method", "params"}``.
    findings : list[Finding]
        Warnings and notes (constant indicators, imputation, outliers, exclusions, shifts).
    treatment : DataFrame
        Per indicator: what the outlier treatment did and to which areas (empty when off).
    dropped : tuple[str, ...]
        Indicators left out of this run because they are constant (see :func:`normalise_frame`).
    dimension_weights : Series
        Dimension code → weight within its parent (or within the index), as used.
    """

    raw: pd.DataFrame
    treated: pd.DataFrame
    normalised: pd.DataFrame
    dimensions: pd.DataFrame
    score: pd.Series
    excluded: pd.Series
    weights: pd.DataFrame
    steps: list[dict]
    findings: list[Finding]
    treatment: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped: tuple[str, ...] = ()
    dimension_weights: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))


def direction_vector(config: StudyConfig, codes: list[str]) -> np.ndarray:
    return np.array([config.indicator(c).direction for c in codes], float)


class NormalisedFrame(NamedTuple):
    """Result of :func:`normalise_frame`."""

    values: np.ndarray
    """(n, m) normalised values, direction applied; NaN for missing cells and dropped indicators."""
    findings: list[Finding]
    params: dict
    dropped: np.ndarray
    """Boolean (m,): indicators left out of this run (constant under a data-relative normalisation)."""


def _constant_finding(code: str, dimension: str, dropped: bool) -> Finding:
    if dropped:
        return Finding(
            "warning", "constant_indicator",
            Msg("f.constant_indicator", code=code, dimension=dimension), column=code,
            expected=Msg("x.constant_indicator"))
    return Finding(
        "info", "constant_indicator_goalposts",
        Msg("f.constant_indicator_goalposts", code=code),
        column=code)


def normalise_frame(treated: pd.DataFrame, config: StudyConfig, method: str | None = None) -> NormalisedFrame:
    """Normalise a treated table (n × m), each indicator with its own normalisation (its
    ``normalisation`` if set, else ``method``, else ``[index] normalisation``), the direction
    applied first.

    A **constant** indicator (all present values equal, or fewer than two values) carries no
    information under a normalisation relative to the data (every one but goalposts: its
    min–max span, standard deviation or ranks are degenerate).  It is *dropped* for the run: its
    normalised values are NaN (COINr's ``n_minmax`` gives NaN too) and the aggregation leaves it
    out, renormalising the weights of the other indicators of its dimension (COINr ``a_amean``
    skips NaN).  Under goalposts its value on the fixed scale is kept.  Either way a finding
    names it.

    Parameters
    ----------
    treated : DataFrame, index code, columns indicator codes
    config : StudyConfig
    method : str | None
        Replaces ``[index] normalisation`` for the indicators without their own (a Monte Carlo
        alternative).

    Returns
    -------
    NormalisedFrame(values (n, m), findings, params, dropped (m,))

    Raises
    ------
    ConfigError
        Goalposts/target missing for an indicator, reference area unknown or without data, a
        target not beyond the least prone value.
    """
    ix = config.index
    lo, hi = ix.range
    codes = list(treated.columns)
    specs = [config.indicator(c) for c in codes]
    methods = [config.normalisation_of(c, method) for c in codes]
    d = direction_vector(config, codes)
    x = treated.to_numpy(float)
    out = np.empty_like(x)
    params: dict = {"range": [lo, hi]}
    overrides = {c: m for c, m, s in zip(codes, methods, specs) if s.normalisation}
    if overrides:
        params["per_indicator"] = overrides
    const = nz.constant_columns(x)
    ref_row = None
    for m in dict.fromkeys(methods):
        cols = np.array([k for k, mk in enumerate(methods) if mk == m])
        sub = [specs[k] for k in cols]
        gp = tg = None
        if m == "goalposts":
            missing = [s.code for s in sub if s.goalposts is None]
            if missing:
                raise ConfigError(Msg("cfg.goalposts_missing", codes=", ".join(missing)))
            gp = np.array([s.goalposts for s in sub], float)
            params["goalposts"] = {s.code: list(s.goalposts) for s in sub}
        elif m == "target":
            missing = [s.code for s in sub if s.target is None]
            if missing:
                raise ConfigError(Msg("cfg.target_missing", codes=", ".join(missing)))
            tg = np.array([s.target for s in sub], float)
            xd = nz.apply_direction(x[:, cols], d[cols])
            bad = [s.code for s, t, mn in zip(sub, d[cols] * tg, nz._colmin(xd)) if not t > mn]
            if bad:
                raise ConfigError(Msg("cfg.target_not_beyond", codes=", ".join(bad)))
            params["target"] = {s.code: s.target for s in sub}
        elif m == "reference":
            ref = ix.reference_area
            if ref not in treated.index:
                raise ConfigError(Msg("cfg.reference_not_area", ref=str(ref)))
            ref_row = int(np.flatnonzero(treated.index == ref)[0])
            nan_cols = [s.code for s, v in zip(sub, x[ref_row, cols]) if np.isnan(v)]
            if nan_cols:
                raise ConfigError(Msg("cfg.reference_no_value", ref=str(ref), codes=", ".join(nan_cols)))
            params["reference_area"] = ref
        spec = NormSpec(lo, hi, goalposts=gp, target=tg, reference_row=ref_row)
        out[:, cols] = NORMALISERS[m].apply(x[:, cols], d[cols], spec)
    relative = np.array([NORMALISERS[m].data_relative for m in methods])
    dropped = const & relative
    out[:, dropped] = np.nan
    findings = [_constant_finding(c, s.dimension, bool(dr)) for c, s, k, dr in zip(codes, specs, const, dropped) if k]
    if dropped.any():
        params["dropped_constant"] = [c for c, dr in zip(codes, dropped) if dr]
    return NormalisedFrame(out, findings, params, dropped)


def nominal_weights(config: StudyConfig, normalised: pd.DataFrame | None = None, *,
                    dropped: np.ndarray | None = None) -> tuple[dict[str, float], dict[str, float], list[dict]]:
    """Indicator weights (within their dimension) and dimension weights (within their parent or
    the index), each group summing to 1, by the methods of ``[index.weighting]`` (registry
    :data:`petarawan.index.weights.WEIGHTINGS`).

    Parameters
    ----------
    config : StudyConfig
    normalised : DataFrame | None
        Normalised indicators (data-driven weightings such as PCA read them).
    dropped : bool ndarray (m,) | None
        Indicators left out of the run: weight 0, the others of their dimension renormalised; a
        dimension with nothing left gets 0 and its siblings are renormalised.

    Returns
    -------
    ind_w : dict indicator → weight within its dimension
    dim_w : dict dimension → weight within its parent (or the index)
    steps : list of {"step", "method", "params"} records

    Raises
    ------
    ConfigError
        AHP matrix inconsistent (CR > 0.10) or not matching the framework; budget allocation
        naming unknown items; weights of a group summing to 0.
    """
    ws = config.index.weighting
    fw = config.framework
    codes = list(fw.indicators)
    off = set() if dropped is None else {c for c, dr in zip(codes, dropped) if dr}
    active_dim = dict(zip(fw.dimensions, fw.active_dimensions(None if dropped is None else ~np.asarray(dropped))))
    manual_i = {i.code: i.weight for i in config.indicators}
    manual_d = {x.code: x.weight for x in config.dimensions}
    ind_w: dict[str, float] = {}
    steps: list[dict] = []

    def weigh(items: list[str], live: list[str], method: str, key: str, manual: dict, level: str) -> dict[str, float]:
        m = WEIGHTINGS[method]
        data = None
        if m.data_driven:
            if normalised is None:
                raise ConfigError(Msg("cfg.weighting_needs_data", where="index.weighting.indicators", method=str(method)))
            data = normalised
        inputs = WeightInputs(key=key, where="index.weighting", manual=manual, ahp=ws.ahp, budget=ws.budget, data=data)
        w, params = m.apply(live if m.data_driven else items, inputs)
        w = {c: (float(w.get(c, 0.0)) if c in live else 0.0) for c in items}
        if sum(w.values()) <= 0:
            if not live:
                return w
            raise ConfigError(Msg("cfg.weights_zero", level=str(level), key=str(key)))
        w = rescale(w)
        rec = {"level": level, **({"dimension": key} if level == "indicator" else {}), "weights": w, **params}
        if len(live) < len(items):
            rec["dropped"] = [c for c in items if c not in live]
        steps.append({"step": "weighting", "method": method, "params": rec})
        return w

    for k in fw.leaves:
        dim = fw.dimensions[k]
        items = [codes[i] for i in fw.members(k)]
        ind_w.update(weigh(items, [c for c in items if c not in off], ws.indicators, dim, manual_i, "indicator"))
    dim_w: dict[str, float] = {}
    for parent, children in fw.siblings().items():
        items = [fw.dimensions[j] for j in children]
        key = "dimensions" if parent < 0 else fw.dimensions[parent]
        dim_w.update(weigh(items, [c for c in items if active_dim[c]], ws.dimensions, key, manual_d, "dimension"))
    return ind_w, dim_w, steps


def weights_table(config: StudyConfig, ind_w: dict[str, float], dim_w: dict[str, float]) -> pd.DataFrame:
    """One row per indicator: ``indicator``, ``dimension``, ``weight`` (within its dimension),
    ``dimension_weight`` (of its dimension within the parent), ``overall_weight`` (product of the
    weights up to the index; sums to 1)."""
    path = config.framework.path_weight(dim_w)
    rows = [{"indicator": ind.code, "dimension": ind.dimension, "weight": ind_w[ind.code],
             "dimension_weight": dim_w[ind.dimension], "overall_weight": ind_w[ind.code] * path[ind.dimension]}
            for ind in config.indicators]
    return pd.DataFrame(rows)


def no_area_scored(raw: pd.DataFrame, reasons: dict, min_availability: float,
                   sparse: pd.Series) -> Finding:
    """The error when no area gets a score, naming the real cause.

    When areas were held back by ``index.min_availability`` (``sparse``: area → share of
    indicators with data, below the setting), the finding names the setting, its value, how many
    areas it held back and the best-covered area's share; otherwise it says that every area lacks
    data on some dimension (or has none at all)."""
    n = len(raw)
    if len(sparse):
        best = float(sparse.max())
        # settings are quoted as TOML writes them (0.41), rounded down so the suggestion admits the area
        p = dict(n=len(sparse), total=n, share=min_availability, setting=f"{min_availability:g}", best=best,
                 k=len(raw.columns), have=int(round(best * len(raw.columns))))
        low = f"{np.floor(best * 100) / 100:.2f}"
        return Finding("error", "no_area_scored", Msg("f.no_area_scored.availability", **p),
                       column="index.min_availability", file="petarawan.toml",
                       expected=Msg("f.no_area_scored.availability.expected", low=low))
    return Finding("error", "no_area_scored", Msg("f.no_area_scored.dimension", total=n),
                   expected=Msg("f.no_area_scored.dimension.expected"))


def build_index(data: pd.DataFrame, config: StudyConfig, *, groups: pd.Series | None = None) -> IndexResult:
    """Build the composite index of a study.

    Parameters
    ----------
    data : DataFrame
        Index = area code (str); one float column per indicator code of ``config.indicators``
        (raw values, NaN = missing).  Extra columns are ignored.
    config : StudyConfig
        ``[index]`` sets imputation, outliers, normalisation, weighting and aggregation.
    groups : Series | None
        Area attribute (e.g. kecamatan), same index, for group-mean/median imputation.

    Returns
    -------
    IndexResult

    Raises
    ------
    InputError
        An indicator column is missing from ``data``; no area can be scored.
    ConfigError
        Method settings that cannot apply to this data (see :func:`normalise_frame`,
        :func:`petarawan.index.weights.nominal_weights`).

    Notes
    -----
    Missing values.  Within a dimension the weighted mean skips missing indicators and
    renormalises the weights of the present ones (COINr ``a_amean`` behaviour).  An area with no
    value at all on some dimension gets **no score** (a dimension cannot be guessed from the
    others), nor does an area below ``index.min_availability`` (share of indicators with data,
    counted before imputation).  Each such area is listed in ``excluded`` with its reason.
    """
    ix = config.index
    codes = [i.code for i in config.indicators]
    missing_cols = [c for c in codes if c not in data.columns]
    if missing_cols:
        raise InputError([Finding("error", "missing_column", Msg("f.missing_column.composite"), column=c,
                                  expected=Msg("x.missing_column.composite")) for c in missing_cols])
    raw = data[codes].astype(float)
    if not raw.index.dtype == object and not pd.api.types.is_string_dtype(raw.index.dtype):
        raw.index = raw.index.astype(str)
    findings: list[Finding] = []
    steps: list[dict] = []
    reasons: dict[str, Msg] = {}  # code → why it has no score

    # 1. data availability (before imputation)
    steps.append({"step": "availability", "method": "share_of_indicators", "params": {"min_availability": ix.min_availability}})
    sparse = pd.Series(dtype=float)
    if ix.min_availability > 0:
        avail = availability(raw)
        sparse = avail[(avail < ix.min_availability) & (avail > 0)]
        for code in sparse.index:
            reasons[code] = Msg("f.no_score.availability", share=float(avail[code]), threshold=ix.min_availability)
    # 2. imputation
    treated, imp_findings, imp_params = impute(raw, ix.imputation, groups=groups)
    findings += imp_findings
    steps.append({"step": "imputation", "method": ix.imputation, "params": imp_params})
    # 3. outliers
    treatment = pd.DataFrame()
    if ix.outliers:
        treated, treatment, out_findings = treat_outliers(
            treated, max_winsorise=ix.outlier_max_winsorise, skew_threshold=ix.skew_threshold,
            kurtosis_threshold=ix.kurtosis_threshold, method=ix.outlier_treatment)
        findings += out_findings
    steps.append({"step": "outliers", "method": ix.outlier_treatment,
                  "params": {"max_winsorise": ix.outlier_max_winsorise, "skew_threshold": ix.skew_threshold,
                             "kurtosis_threshold": ix.kurtosis_threshold} if ix.outliers else {}})
    # 4. normalisation (direction applied first); constant indicators dropped for the run
    norm, nf, nparams, dropped = normalise_frame(treated, config)
    findings += nf
    steps.append({"step": "normalisation", "method": ix.normalisation,
                  "params": {"direction_first": True, **nparams,
                             "directions": {c: int(config.indicator(c).direction) for c in codes}}})
    normalised = pd.DataFrame(norm, index=raw.index, columns=codes, copy=False)
    # 5. weighting
    ind_w, dim_w, wsteps = nominal_weights(config, normalised, dropped=dropped)
    steps += wsteps
    # 6. aggregation
    fw = config.framework
    active_dim = fw.active_dimensions(~dropped)
    for k in np.flatnonzero(~active_dim):
        code = fw.dimensions[k]
        findings.append(Finding(
            "warning", "dimension_dropped",
            Msg("f.dimension_dropped", code=code),
            expected=Msg("x.dimension_dropped")))
    dims, score, records = aggregate_framework(norm, fw, np.array([ind_w[c] for c in codes]),
                                               np.array([dim_w[d] for d in fw.dimensions]), ix.aggregation_spec(),
                                               active=~dropped)
    for rec in records:
        if np.any(rec["shift"]):
            findings.append(Finding("info", "aggregation_shift",
                                    Msg("f.aggregation_shift", rec_method=rec['method'], rec_level=rec['level'], rec_shift=rec['shift'])))
    steps.append({"step": "aggregation", "method": ix.level_aggregation("dimension"),
                  "params": {"level": "indicator→dimension", "missing": "skip_and_renormalise", "power": ix.power,
                             "zero_handling": ix.zero_handling,
                             "shifts": {r["level"]: r["shift"] for r in records if r["level"] != "index"}}})
    steps.append({"step": "aggregation", "method": ix.level_aggregation("index"),
                  "params": {"level": "dimension→index", "power": ix.power, "zero_handling": ix.zero_handling,
                             "shift": next((r["shift"] for r in records if r["level"] == "index"), 0.0)}})
    dim_codes = [d.code for d in config.dimensions]
    dimensions = pd.DataFrame(dims, index=raw.index, columns=dim_codes)
    score_s = pd.Series(score, index=raw.index, name="score")
    for code in raw.index[np.isnan(score)]:
        if code in reasons:
            continue
        if raw.loc[code].isna().all():
            reasons[code] = Msg("f.no_score.no_data")
        else:
            empty = [d for d, a in zip(dim_codes, active_dim) if a and np.isnan(dimensions.at[code, d])]
            reasons[code] = Msg("f.no_score.dimensions", dims=", ".join(empty))
    order = raw.index[:0]
    if reasons:
        hit = raw.index.isin(list(reasons))
        score_s[hit] = np.nan
        order = raw.index[hit]
    excluded = pd.Series([" / ".join(reasons[c].both().values()) for c in order], index=order, dtype="str",
                         name="reason")
    for code in order:
        if reasons[code].key == "f.no_score.no_data":
            continue  # already reported by validation (no_data) — one finding per fact
        findings.append(Finding("warning", "no_score", Msg("f.no_score", why=reasons[code]), value=code,
                                expected=Msg("x.no_score")))
    if score_s.notna().sum() == 0:
        raise InputError([no_area_scored(raw, reasons, ix.min_availability, sparse)])
    wt = weights_table(config, ind_w, dim_w)
    wt["effective_weight"] = wt["indicator"].map(effective_weights(normalised, score_s))
    return IndexResult(raw=raw, treated=treated, normalised=normalised, dimensions=dimensions, score=score_s,
                       excluded=excluded, weights=wt, steps=steps, findings=findings, treatment=treatment,
                       dropped=tuple(c for c, dr in zip(codes, dropped) if dr),
                       dimension_weights=pd.Series(dim_w, name="weight", dtype=float).reindex(dim_codes))
