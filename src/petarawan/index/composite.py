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

import numpy as np
import pandas as pd

from ..config import StudyConfig
from ..errors import ConfigError, Finding, InputError
from . import normalise as nz
from .aggregate import aggregate_framework
from .treat import availability, impute, treat_outliers
from .weights import effective_weights, nominal_weights, weights_table

__all__ = ["IndexResult", "build_index", "normalise_frame", "direction_vector"]


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


def direction_vector(config: StudyConfig, codes: list[str]) -> np.ndarray:
    return np.array([config.indicator(c).direction for c in codes], float)


def normalise_frame(treated: pd.DataFrame, config: StudyConfig, method: str | None = None) -> tuple[np.ndarray, list[Finding], dict]:
    """Normalise a treated table (n × m) with its directions applied first.

    Parameters
    ----------
    treated : DataFrame, index code, columns indicator codes
    config : StudyConfig
    method : str | None
        Override of ``config.index.normalisation`` (used by the Monte Carlo runs).

    Returns
    -------
    values : ndarray (n, m)
    findings : list[Finding]
        A warning per constant indicator (set to the midpoint of the range, or the mean for
        z-scores, instead of COINr's silent NaN).
    params : dict
        Parameters recorded in the step log.

    Raises
    ------
    ConfigError
        Goalposts/target missing for an indicator, reference area unknown or without data.
    """
    ix = config.index
    method = method or ix.normalisation
    lo, hi = ix.range
    codes = list(treated.columns)
    d = direction_vector(config, codes)
    findings: list[Finding] = []
    params: dict = {"range": [lo, hi]}
    if method == "minmax":  # fused: direction and scaling in one pass
        out, const = nz.minmax_directed(treated.to_numpy(float), d, lo, hi)
        x = None
    else:
        x = nz.apply_direction(treated.to_numpy(float), d)
        const = nz.constant_columns(x)
    if method in ("minmax", "zscore", "percentile", "rank"):
        for c in np.asarray(codes)[const]:
            if method == "minmax":
                value = (lo + hi) / 2
            elif method == "zscore":
                value = 0.0
            elif method == "percentile":
                value = (lo + hi) / 2 if int(treated[c].notna().sum()) <= 1 else lo
            else:
                value = 1.0
            findings.append(Finding(
                "warning", "constant_indicator",
                f"indikator '{c}' bernilai sama di semua wilayah: tidak membedakan wilayah; nilai ternormalisasi = "
                f"{value:g} untuk semua",
                message_en=f"indicator '{c}' has the same value in every area: it does not discriminate; normalised "
                           f"value = {value:g} for all", column=c,
                expected="indikator yang nilainya berbeda antarwilayah (atau hapus dari [[indicators]])",
                expected_en="an indicator that varies between areas (or remove it from [[indicators]])"))
    if method == "minmax":
        pass  # computed above
    elif method == "zscore":
        out = nz.zscore(x)
        params = {"mean": 0.0, "sd": 1.0}
    elif method == "rank":
        out = nz.rank(x)
        params = {"ties": "min"}
    elif method == "percentile":
        out = nz.percentile(x, lo, hi)
        params["ties"] = "min"
    elif method in ("goalposts", "target"):
        specs = [config.indicator(c) for c in codes]
        if method == "goalposts":
            missing = [s.code for s in specs if s.goalposts is None]
            if missing:
                raise ConfigError(f"index.normalisation = 'goalposts' needs goalposts = [low, high] for indicator(s) {missing}")
            # goalposts in the indicator's own units; convert to direction-applied units
            low = np.array([min(s.direction * s.goalposts[0], s.direction * s.goalposts[1]) for s in specs])
            high = np.array([max(s.direction * s.goalposts[0], s.direction * s.goalposts[1]) for s in specs])
            out = nz.goalposts(x, low, high, lo, hi)
            params["goalposts"] = {s.code: list(s.goalposts) for s in specs}
        else:
            missing = [s.code for s in specs if s.target is None]
            if missing:
                raise ConfigError(f"index.normalisation = 'target' needs target = <value> for indicator(s) {missing}")
            tgt = np.array([s.direction * s.target for s in specs])
            mn = nz._colmin(x)
            bad = [c for c, t, m in zip(codes, tgt, mn) if not t > m]
            if bad:
                raise ConfigError(f"index.normalisation = 'target': the target of indicator(s) {bad} is not beyond the "
                                  f"least prone value in the data; set a target that marks 'fully prone'")
            out = nz.target(x, tgt, lo, hi)
            params["target"] = {s.code: s.target for s in specs}
    elif method == "reference":
        ref = ix.reference_area
        if ref not in treated.index:
            raise ConfigError(f"index.reference_area = '{ref}' is not an area code of the study")
        row = int(np.flatnonzero(treated.index == ref)[0])
        nan_cols = [c for c, v in zip(codes, x[row]) if np.isnan(v)]
        if nan_cols:
            raise ConfigError(f"index.reference_area = '{ref}' has no value for indicator(s) {nan_cols}")
        out = nz.reference(x, row, lo, hi)
        params["reference_area"] = ref
    else:  # pragma: no cover - pydantic restricts the values
        raise ConfigError(f"index.normalisation: unknown method {method!r}")
    return out, findings, params


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
        raise InputError([Finding("error", "missing_column", "kolom indikator tidak ada",
                                  message_en="indicator column missing", column=c,
                                  expected="kolom dengan kode indikator ini",
                                  expected_en="a column with this indicator code") for c in missing_cols])
    raw = data[codes].astype(float)
    if not raw.index.dtype == object and not pd.api.types.is_string_dtype(raw.index.dtype):
        raw.index = raw.index.astype(str)
    findings: list[Finding] = []
    steps: list[dict] = []
    reasons: dict[str, tuple[str, str]] = {}  # code → (Bahasa Indonesia, English)

    # 1. data availability (before imputation)
    steps.append({"step": "availability", "method": "share_of_indicators", "params": {"min_availability": ix.min_availability}})
    if ix.min_availability > 0:
        avail = availability(raw)
        for code in avail.index[(avail < ix.min_availability) & (avail > 0)]:
            reasons[code] = (f"data tersedia untuk {avail[code]:.0%} indikator, di bawah ambang {ix.min_availability:.0%}",
                             f"data for {avail[code]:.0%} of indicators, below the threshold {ix.min_availability:.0%}")
    # 2. imputation
    treated, imp_findings, imp_params = impute(raw, ix.imputation, groups=groups)
    findings += imp_findings
    steps.append({"step": "imputation", "method": ix.imputation, "params": imp_params})
    # 3. outliers
    treatment = pd.DataFrame()
    if ix.outliers:
        treated, treatment, out_findings = treat_outliers(
            treated, max_winsorise=ix.outlier_max_winsorise, skew_threshold=ix.skew_threshold,
            kurtosis_threshold=ix.kurtosis_threshold, directions=dict(zip(codes, direction_vector(config, codes))))
        findings += out_findings
    steps.append({"step": "outliers", "method": "coinr_winsorise_log" if ix.outliers else "none",
                  "params": {"max_winsorise": ix.outlier_max_winsorise, "skew_threshold": ix.skew_threshold,
                             "kurtosis_threshold": ix.kurtosis_threshold} if ix.outliers else {}})
    # 4. normalisation (direction applied first)
    norm, nf, nparams = normalise_frame(treated, config)
    findings += nf
    steps.append({"step": "normalisation", "method": ix.normalisation,
                  "params": {"direction_first": True, **nparams,
                             "directions": {c: int(config.indicator(c).direction) for c in codes}}})
    normalised = pd.DataFrame(norm, index=raw.index, columns=codes, copy=False)
    # 5. weighting
    ind_w, dim_w, wsteps = nominal_weights(config, normalised)
    steps += wsteps
    # 6. aggregation
    fw = config.framework
    dims, score, records = aggregate_framework(norm, fw, np.array([ind_w[c] for c in codes]),
                                               np.array([dim_w[d] for d in fw.dimensions]), ix.aggregation_spec())
    for rec in records:
        if np.any(rec["shift"]):
            findings.append(Finding("info", "aggregation_shift",
                                    f"rata-rata {rec['method']} ({rec['level']}): nilai ≤ 0 ditangani dengan "
                                    f"pergeseran c = {rec['shift']:g}",
                                    message_en=f"{rec['method']} mean ({rec['level']}): values ≤ 0 handled by the "
                                               f"shift c = {rec['shift']:g}"))
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
            reasons[code] = ("tidak ada data indikator", "no indicator data")
        else:
            empty = [d for d in dim_codes if np.isnan(dimensions.at[code, d])]
            reasons[code] = (f"tidak ada data untuk dimensi {', '.join(empty)}", f"no data for dimension(s) {', '.join(empty)}")
    order = raw.index[:0]
    if reasons:
        hit = raw.index.isin(list(reasons))
        score_s[hit] = np.nan
        order = raw.index[hit]
    excluded = pd.Series([" / ".join(reasons[c]) for c in order], index=order, dtype="str", name="reason")
    for code in order:
        why_id, why_en = reasons[code]
        if why_en == "no indicator data":
            continue  # already reported by validation (no_data) — one finding per fact
        findings.append(Finding("warning", "no_score", f"wilayah tanpa skor: {why_id}", value=code,
                                message_en=f"area has no score: {why_en}",
                                expected="isi indikator yang kosong, atau atur index.imputation",
                                expected_en="fill the missing indicators, or set index.imputation"))
    if score_s.notna().sum() == 0:
        raise InputError([Finding("error", "no_area_scored", "tidak ada wilayah yang dapat diberi skor",
                                  message_en="no area could be scored",
                                  expected="data indikator untuk setidaknya satu wilayah di setiap dimensi",
                                  expected_en="indicator data for at least one area in every dimension")])
    wt = weights_table(config, ind_w, dim_w)
    wt["effective_weight"] = wt["indicator"].map(effective_weights(normalised, score_s))
    return IndexResult(raw=raw, treated=treated, normalised=normalised, dimensions=dimensions, score=score_s,
                       excluded=excluded, weights=wt, steps=steps, findings=findings, treatment=treatment)
