"""Uncertainty and sensitivity analysis of the ranks and classes (OECD/JRC Handbook 2008, step 7).

Monte Carlo: N runs, each drawing every declared uncertain choice — weights perturbed by
± x %, normalisation, aggregation, imputation, outlier treatment on/off — and recomputing the
*whole* chain (imputation → outliers → normalisation → weighting → aggregation → exclusions →
rank → class) with the very functions :func:`~petarawan.index.composite.build_index` uses.  COINr's
users report sensitivity runs that silently skip steps; here a run is, by construction and by
test (``tests/test_uncertainty.py``), the base run with other choices: with zero perturbation
every run reproduces the base ranks exactly, and any single run equals ``build_index`` on the
configuration :func:`run_config` returns for it.

Per area: median rank and the 5th–95th percentile rank band over the runs, and the probability
of each class (Saisana, Saltelli & Tarantola 2005, "Uncertainty and sensitivity analysis
techniques as tools for the quality assessment of composite indicators", JRSS A 168(2)).

Sensitivity: Sobol first-order (S1) and total (ST) indices of the ranks to each uncertain choice,
from a Saltelli design (SALib ``sample.sobol``, ``analyze.sobol``; Saltelli et al. 2010, CPC 181).
Discrete choices are factors uniform on [0, 1) mapped to their alternatives (as COINr's
``get_sensitivity`` does); the weights are one factor that picks one of K pre-drawn perturbed
weight sets.

Speed: runs that share (imputation, outliers, normalisation, aggregation) share one treated and
normalised matrix, and their weight sets are aggregated together as one matrix product
(n × m) · (m × R) — see :mod:`petarawan.index.aggregate`.

Public functions and their contract (kept stable for callers and for a faster inner loop):

- :func:`factors` (config) → the uncertain choices and their alternatives, base choice first.
- :func:`sample_design` / :func:`design_from_unit` → a :class:`Design` of R runs (Monte Carlo
  draws, or a Saltelli sample mapped to the alternatives).
- :func:`evaluate` (raw, config, design) → ranks (n, R) and class codes (n, R) of every run; run r
  must equal ``build_index(raw, run_config(config, design, r, raw))`` then ``rank``/``classify``
  exactly (tested), whatever the implementation.
- :func:`run_config` → the configuration of one run (the reference for that equality).
- :func:`summarise` → per-area median rank, 5–95 % rank band, class probabilities.
- :func:`rank_desc_min` → ranks as :func:`petarawan.classify.rank`, column-wise.
- :func:`sobol_indices` → S1 and ST of many outputs (SALib's estimators).

Order conventions: indicators in ``config.indicators`` order (``Design.w_mult`` columns, the
``raw`` columns used), dimensions in ``config.dimensions`` order — every dimension, sub-dimensions
included (``Design.d_mult`` columns).  Every run applies the base run's rules: the availability
threshold, constant indicators left out (decided per run on that run's treated values and
normalisation — see :func:`petarawan.index.composite.normalise_frame`), dimensions of any depth.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..classify import class_from_score, classify
from ..config import CLASSES, StudyConfig
from .aggregate import aggregate_framework
from .composite import nominal_weights, normalise_frame
from .treat import availability, impute, treat_outliers

__all__ = ["Design", "sample_design", "design_from_unit", "evaluate", "evaluate_with_draws", "summarise", "rank_desc_min", "run_config",
           "sobol_indices", "factors"]

WEIGHT_SETS = 256
"""K: perturbed weight sets the Sobol weights factor chooses from."""


@dataclass
class Design:
    """The choices of R runs.

    Attributes
    ----------
    imputation : ndarray (R,) of str — an imputation name (``IMPUTERS``)
    normalisation : ndarray (R,) of str — replaces ``[index] normalisation`` for the indicators
        without their own
    outliers : ndarray (R,) of bool — outlier treatment on (``index.outlier_method``) or off
    aggregation : ndarray (R,) of str — ``"below|index"``: the method of every level below the
        index and the method of the index level
    w_mult : ndarray (R, m) — multipliers of the nominal indicator weights (indicator order)
    d_mult : ndarray (R, d) — multipliers of the nominal dimension weights (every dimension, in
        ``config.dimensions`` order); weights are renormalised within each group after multiplying
    """

    imputation: np.ndarray
    outliers: np.ndarray
    normalisation: np.ndarray
    aggregation: np.ndarray
    w_mult: np.ndarray
    d_mult: np.ndarray

    def __len__(self) -> int:
        return len(self.imputation)

    def take(self, runs: np.ndarray) -> "Design":
        """The design of the runs ``runs`` only (same order)."""
        return Design(*(getattr(self, f.name)[runs] for f in fields(self)))


def _alternatives(base, extra) -> list:
    out = [base]
    for e in extra:
        if e not in out:
            out.append(e)
    return out


def factors(config: StudyConfig) -> dict[str, list]:
    """Uncertain choices and their alternatives (base choice first); only factors that vary.

    Returns ``{"weights": [x]}`` when weights are perturbed by ± x, and for ``normalisation``,
    ``aggregation`` (``"below|index"`` pairs; an alternative applies at every level),
    ``imputation``, ``outliers`` (bools) the list of alternatives from ``[uncertainty]`` (names of
    the method registries)."""
    ix, u = config.index, config.uncertainty
    base_agg = f"{ix.level_aggregation('dimension')}|{ix.level_aggregation('index')}"
    aggs = _alternatives(base_agg, [f"{a}|{a}" for a in u.aggregation])
    out: dict[str, list] = {}
    if u.weights > 0:
        out["weights"] = [u.weights]
    for name, alts in (("normalisation", _alternatives(ix.normalisation, u.normalisation)),
                       ("aggregation", aggs),
                       ("imputation", _alternatives(ix.imputation, u.imputation)),
                       ("outliers", _alternatives(ix.outliers, [not ix.outliers] if u.outliers else []))):
        if len(alts) > 1:
            out[name] = alts
    return out


def _base_design(config: StudyConfig, R: int) -> Design:
    ix = config.index
    m, d = len(config.indicators), len(config.dimensions)
    agg = f"{ix.level_aggregation('dimension')}|{ix.level_aggregation('index')}"
    return Design(np.array([ix.imputation] * R, dtype=object), np.array([ix.outliers] * R),
                  np.array([ix.normalisation] * R, dtype=object), np.array([agg] * R, dtype=object),
                  np.ones((R, m)), np.ones((R, d)))


def sample_design(config: StudyConfig, runs: int, rng: np.random.Generator) -> Design:
    """Monte Carlo design: each choice independently and uniformly among its alternatives;
    weight multipliers uniform on [1 − x, 1 + x] (one per indicator and per dimension)."""
    des = _base_design(config, runs)
    f = factors(config)
    x = config.uncertainty.weights
    # draw in a fixed order so that the same seed gives the same design
    des.w_mult = 1 + x * (2 * rng.random(des.w_mult.shape) - 1)
    des.d_mult = 1 + x * (2 * rng.random(des.d_mult.shape) - 1)
    for name in ("normalisation", "aggregation", "imputation", "outliers"):
        alts = f.get(name)
        pick = rng.integers(0, len(alts), runs) if alts else None
        if alts:
            arr = np.array(alts, dtype=object)[pick]
            setattr(des, name, arr.astype(bool) if name == "outliers" else arr)
    return des


def design_from_unit(config: StudyConfig, unit: np.ndarray, names: list[str], rng: np.random.Generator) -> Design:
    """Design from points of the unit hypercube (Saltelli sample): column ``names[j]`` ∈ [0, 1)
    picks alternative ``floor(u · n_alternatives)``; the weights column picks one of
    :data:`WEIGHT_SETS` perturbed weight sets drawn from ``rng``."""
    R = unit.shape[0]
    des = _base_design(config, R)
    f = factors(config)
    x = config.uncertainty.weights
    for j, name in enumerate(names):
        u = np.clip(unit[:, j], 0, 1 - 1e-12)
        if name == "weights":
            wm = 1 + x * (2 * rng.random((WEIGHT_SETS, des.w_mult.shape[1])) - 1)
            dm = 1 + x * (2 * rng.random((WEIGHT_SETS, des.d_mult.shape[1])) - 1)
            k = (u * WEIGHT_SETS).astype(int)
            des.w_mult, des.d_mult = wm[k], dm[k]
        else:
            alts = f[name]
            arr = np.array(alts, dtype=object)[(u * len(alts)).astype(int)]
            setattr(des, name, arr.astype(bool) if name == "outliers" else arr)
    return des


def _rank_rows(key: np.ndarray) -> np.ndarray:
    """Min-ranks (1-based) along each row of ``key`` (R, n) in ascending order, float32."""
    order = np.argsort(key, axis=1)
    sv = np.take_along_axis(key, order, axis=1)
    n = key.shape[1]
    new = np.ones(sv.shape, bool)
    new[:, 1:] = sv[:, 1:] != sv[:, :-1]
    first = np.maximum.accumulate(np.where(new, np.arange(n, dtype=np.int64)[None, :], 0), axis=1)
    ranks = np.empty(key.shape, np.float32)
    np.put_along_axis(ranks, order, (first + 1).astype(np.float32), axis=1)
    return ranks


def rank_desc_min(score: np.ndarray) -> np.ndarray:
    """Ranks of each column of ``score`` (n, R): 1 = highest, ties share the lowest rank number
    (as :func:`petarawan.classify.rank`, scores compared at 9 decimals), NaN stays NaN.
    Returns float32 (n, R).  Columns are ranked in parallel threads (numpy releases the GIL
    while sorting)."""
    s = np.round(np.asarray(score, float), 9)
    if s.ndim == 1:
        return rank_desc_min(s[:, None])[:, 0]
    nan = np.isnan(s)
    key = np.ascontiguousarray(np.where(nan, np.inf, -s).T)  # (R, n): sort along contiguous rows
    R = key.shape[0]
    workers = min(R, os.cpu_count() or 1)
    if workers > 1 and key.size > 200_000:
        from concurrent.futures import ThreadPoolExecutor

        parts = np.array_split(np.arange(R), workers)
        with ThreadPoolExecutor(workers) as ex:
            res = list(ex.map(lambda p: _rank_rows(key[p]), parts))
        ranks = np.concatenate(res, axis=0).T
    else:
        ranks = _rank_rows(key).T
    ranks = np.ascontiguousarray(ranks)
    ranks[nan] = np.nan
    return ranks


def _treated(raw, config, imputation, outliers, groups):
    ix = config.index
    t, _, _ = impute(raw, imputation, groups=groups)
    if outliers:
        t, _, _ = treat_outliers(t, max_winsorise=ix.outlier_max_winsorise, skew_threshold=ix.skew_threshold,
                                 kurtosis_threshold=ix.kurtosis_threshold, method=ix.outlier_method)
    return t


def _excluded_by_availability(raw: pd.DataFrame, config: StudyConfig) -> np.ndarray:
    if config.index.min_availability <= 0:
        return np.zeros(len(raw), bool)
    return (availability(raw) < config.index.min_availability).to_numpy()


def evaluate(raw: pd.DataFrame, config: StudyConfig, design: Design, *, groups: pd.Series | None = None,
             progress=None, chunk: int | None = None, presence: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Run every run of ``design``.

    Parameters
    ----------
    raw : DataFrame (n × m), the values that enter the index (index code) — exactly the base
        run's ``IndexResult.raw`` (rates where an indicator has a denominator)
    presence : DataFrame (n × m) | None
        Values as entered, for BNN's count rule (``present_at`` compares values as entered);
        default ``raw``
    config : StudyConfig
    design : Design of R runs
    groups : Series | None, for group imputation
    progress : callable(advance: int) | None
    chunk : runs aggregated together (default: about 2·10⁷ numbers per block)

    Returns
    -------
    ranks : float32 (n, R), NaN where the area has no score in that run
    classes : int8 (n, R), 0 = Bahaya … 3 = Aman, −1 = no score
    """
    codes = [i.code for i in config.indicators]
    raw = raw[codes].astype(float)
    n, R = len(raw), len(design)
    ranks = np.empty((n, R), np.float32)
    classes = np.empty((n, R), np.int8)
    excl = _excluded_by_availability(raw, config)
    count_rule = config.classification.method == "count_rule"
    if count_rule:
        as_entered = raw if presence is None else presence[codes].reindex(raw.index)
        fixed = classify(pd.Series(0.0, index=raw.index), as_entered, config)["class"]
        fixed_code = np.array([CLASSES.index(c) for c in fixed.astype(object)], np.int8)
    d = len(config.dimensions)
    fw = config.framework
    chunk = chunk or max(1, int(2e7 // max(1, n * (d + 2))))
    keys = pd.DataFrame({"imp": design.imputation, "out": design.outliers, "norm": design.normalisation,
                         "agg": design.aggregation})
    for (imp, out), g1 in keys.groupby(["imp", "out"], sort=False):
        treated = _treated(raw, config, imp, bool(out), groups)
        for norm_m, g2 in g1.groupby("norm", sort=False):
            norm, _, _, dropped = normalise_frame(treated, config, norm_m)
            iw, dw, _ = nominal_weights(config, pd.DataFrame(norm, index=raw.index, columns=codes), dropped=dropped)
            iw_v = np.array([iw[c] for c in codes])
            dw_v = np.array([dw[x.code] for x in config.dimensions])
            cache: dict = {}
            for agg, g3 in g2.groupby("agg", sort=False):
                spec = config.index.aggregation_spec(*agg.split("|"))
                idx = g3.index.to_numpy()
                for s in range(0, len(idx), chunk):
                    runs = idx[s:s + chunk]
                    IW = iw_v[:, None] * design.w_mult[runs].T
                    DW = dw_v[:, None] * design.d_mult[runs].T
                    _, score, _ = aggregate_framework(norm, fw, IW, DW, spec, active=~dropped, cache=cache)
                    score[excl] = np.nan
                    ranks[:, runs] = rank_desc_min(score)
                    if count_rule:
                        c = np.repeat(fixed_code[:, None], len(runs), axis=1)
                        c[np.isnan(score)] = -1
                    else:
                        c = class_from_score(score, config)
                    classes[:, runs] = c
                    if progress:
                        progress(len(runs))
    return ranks, classes


def evaluate_with_draws(raw: pd.DataFrame, config: StudyConfig, design: Design, draws: np.ndarray, replicate, *,
                        groups: pd.Series | None = None, progress=None,
                        presence: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`evaluate` where run r also takes survey draw ``draws[r]``: the columns of
    ``replicate(draws[r])`` (index code; e.g. a bootstrap replicate of the IKRN survey scores,
    :attr:`petarawan.ikrn.stage.IkrnStageResult.replicates`) replace those columns of ``raw`` and
    of ``presence`` for that run, so class probabilities combine sampling and method uncertainty.
    A draw of −1 keeps the estimate.  Same returns as :func:`evaluate`.
    """
    n, R = len(raw), len(design)
    ranks = np.empty((n, R), np.float32)
    classes = np.empty((n, R), np.int8)
    for b in np.unique(draws):
        runs = np.flatnonzero(draws == b)
        r_raw, r_pres = raw, presence
        if b >= 0:
            rep = replicate(int(b))
            cols = [c for c in rep.columns if c in raw.columns]
            r_raw = raw.copy()
            r_raw[cols] = rep[cols].reindex(raw.index)
            if presence is not None:
                r_pres = presence.copy()
                r_pres[cols] = rep[cols].reindex(presence.index)
        ranks[:, runs], classes[:, runs] = evaluate(r_raw, config, design.take(runs), groups=groups, progress=progress,
                                                    presence=r_pres)
    return ranks, classes


def summarise(ranks: np.ndarray, classes: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """Per area: ``rank_median``, ``rank_p05``, ``rank_p95`` (percentiles over the runs in which
    the area has a score; linear interpolation, R type 7 as COINr) and ``p_bahaya`` …
    ``p_aman`` (share of all runs in that class)."""
    nan_rows = np.isnan(ranks).any(axis=1)
    q = np.full((len(index), 3), np.nan)
    if (~nan_rows).any():
        q[~nan_rows] = np.quantile(ranks[~nan_rows], [0.5, 0.05, 0.95], axis=1).T
    if nan_rows.any():
        with np.errstate(all="ignore"):
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                q[nan_rows] = np.nanquantile(ranks[nan_rows].astype(float), [0.5, 0.05, 0.95], axis=1).T
    out = pd.DataFrame(q, index=index, columns=["rank_median", "rank_p05", "rank_p95"])
    R = classes.shape[1]
    for k, c in enumerate(CLASSES):
        out[f"p_{c.lower()}"] = (classes == k).sum(axis=1) / R
    return out


def run_config(config: StudyConfig, design: Design, r: int, data: pd.DataFrame,
               groups: pd.Series | None = None) -> StudyConfig:
    """The configuration whose ``build_index`` equals run ``r`` of ``design`` (manual weights =
    nominal weights of that run's normalised data × the run's multipliers)."""
    ix = config.index
    a_dim, a_idx = design.aggregation[r].split("|")
    codes = [i.code for i in config.indicators]
    treated = _treated(data[codes].astype(float), config, design.imputation[r], bool(design.outliers[r]), groups)
    norm, _, _, dropped = normalise_frame(treated, config, design.normalisation[r])
    iw, dw, _ = nominal_weights(config, pd.DataFrame(norm, index=treated.index, columns=codes), dropped=dropped)
    inds = [i.model_copy(update={"weight": iw[i.code] * design.w_mult[r, k]}) for k, i in enumerate(config.indicators)]
    dims = [x.model_copy(update={"weight": dw[x.code] * design.d_mult[r, k]}) for k, x in enumerate(config.dimensions)]
    new_ix = ix.model_copy(update={"normalisation": design.normalisation[r], "aggregation": a_dim,
                                   "index_aggregation": a_idx, "imputation": design.imputation[r],
                                   "outliers": bool(design.outliers[r]),
                                   "weighting": ix.weighting.model_copy(update={"indicators": "manual", "dimensions": "manual"})})
    return config.model_copy(update={"indicators": inds, "dimensions": dims, "index": new_ix})


def sobol_indices(y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Sobol S1 and ST of many outputs at once from a Saltelli design without second order.

    ``y`` (n_outputs, N(k + 2)) in SALib's row order (A, AB_1 … AB_k, B per base sample).  The
    estimators are SALib's own (``SALib.analyze.sobol.first_order`` / ``total_order``, Saltelli
    et al. 2010, Table 2 (b) and (f)): S1_i = mean(B (AB_i − A)) / var([A; B]),
    ST_i = ½ mean((A − AB_i)²) / var([A; B]) — applied to all outputs in one call (they work
    column-wise), each output standardised first as ``analyze.sobol`` does.  Outputs with no
    variance get 0.  Returns two arrays (n_outputs, k).
    """
    import warnings

    from SALib.analyze.sobol import first_order, total_order

    if len(y) > 4096:  # bound the memory: float64 work arrays per block of outputs
        parts = [sobol_indices(y[i:i + 4096], k) for i in range(0, len(y), 4096)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    y = np.asarray(y, float)
    step = k + 2
    mu = y.mean(axis=1, keepdims=True)
    sd = y.std(axis=1, keepdims=True)
    z = np.divide(y - mu, sd, out=np.zeros_like(y), where=sd > 0).T  # (runs, outputs)
    A, B = z[0::step], z[step - 1::step]
    s1 = np.zeros((y.shape[0], k))
    st = np.zeros((y.shape[0], k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Constant values encountered": every output constant → 0
        for i in range(k):
            AB = z[i + 1::step]
            s1[:, i] = first_order(A, AB, B)
            st[:, i] = total_order(A, AB, B)
    return s1, st
