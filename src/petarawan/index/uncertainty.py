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

Speed: runs that share (imputation, outliers, normalisation, aggregation) — a *combination* —
share one treated and normalised matrix (:func:`_combinations`), and their weight sets are
aggregated together in batches (:func:`iter_runs`): one matrix product per batch when every level
is arithmetic (an area with all its values has a score linear in them), the framework aggregation
(:mod:`petarawan.index.aggregate`) otherwise; each run is ranked by one sort of packed 64-bit keys
(:func:`_rank_rows`); batches run in two threads on large studies; no per-run Python objects.

Extension points (for further uncertain inputs, e.g. counts or presence thresholds):

- a per-run *input* (values that differ between runs): group the runs by it and call
  :func:`iter_runs` per group on the replaced input, as :func:`evaluate_with_draws` does;
- a per-run *choice*: a new ndarray field (R, …) of :class:`Design` (``take`` slices every
  field), filled by :func:`sample_design` / :func:`design_from_unit`, read inside
  :func:`iter_runs`'s ``batch`` for the runs of the batch;
- the count rule's classes are fixed per area (``fixed_code`` in :func:`iter_runs`); a per-run
  presence threshold replaces it by an (r, n) array computed in ``batch``.

Public functions and their contract (kept stable for callers and for a faster inner loop):

- :func:`factors` (config) → the uncertain choices and their alternatives, base choice first.
- :func:`sample_design` / :func:`design_from_unit` → a :class:`Design` of R runs (Monte Carlo
  draws, or a Saltelli sample mapped to the alternatives).
- :func:`iter_runs` (raw, config, design) → the same, batch by batch (runs along rows), for
  callers that fold the runs as they come (:func:`sobol_ranks`) instead of holding all of them.
- :func:`evaluate` (raw, config, design) → ranks (n, R) and class codes (n, R) of every run; run r
  must equal ``build_index(raw, run_config(config, design, r, raw))`` then ``rank``/``classify``
  exactly (tested), whatever the implementation.
- :func:`run_config` → the configuration of one run (the reference for that equality).
- :func:`summarise` → per-area median rank, 5–95 % rank band, class probabilities.
- :func:`rank_desc_min` → ranks as :func:`petarawan.classify.rank`, column-wise.
- :func:`sobol_indices` → S1 and ST of many outputs (SALib's estimators).
- :func:`sobol_ranks` → a Saltelli design run and folded into per-area S1/ST of the ranks and each
  run's mean absolute rank shift, holding only the A and B runs' ranks.

Order conventions: indicators in ``config.indicators`` order (``Design.w_mult`` columns, the
``raw`` columns used), dimensions in ``config.dimensions`` order — every dimension, sub-dimensions
included (``Design.d_mult`` columns).  Every run applies the base run's rules: the availability
threshold, constant indicators left out (decided per run on that run's treated values and
normalisation — see :func:`petarawan.index.composite.normalise_frame`), dimensions of any depth.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ..classify import class_from_score, classify
from ..config import CLASSES, StudyConfig
from .aggregate import aggregate_framework, one_blas_thread
from .composite import nominal_weights, normalise_frame
from .treat import availability, impute, treat_outliers

__all__ = ["Design", "sample_design", "design_from_unit", "evaluate", "evaluate_with_draws", "iter_runs", "summarise", "rank_desc_min", "run_config",
           "sobol_indices", "factors", "sobol_ranks", "SobolRanks"]

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


def _rank_rows(score: np.ndarray) -> np.ndarray:
    """Ranks along each row of ``score`` (r, n): 1 = highest, ties (at 9 decimals) share the
    lowest rank number, NaN stays NaN.  float32 (r, n).

    One sort per row of 64-bit keys that carry both the score and the area: the score rounded
    at 9 decimals is the integer ``rint(score · 10⁹)`` — exactly the intermediate of
    ``np.round(score, 9)``, so order and ties are those of :func:`petarawan.classify.rank` — and
    the area's position fills the low bits.  A plain sort of such keys is faster than an
    ``argsort`` and gives the order and the tie groups at once.  Scores too large for the
    packing (|score| ≳ 10⁴ with 10⁵ areas) take the ``argsort`` of the rounded scores instead.
    """
    r, n = score.shape
    if n == 0 or r == 0:
        return np.full(score.shape, np.nan, np.float32)
    bits = max(1, int(n - 1).bit_length())
    q = np.multiply(score, -1e9)  # descending: the highest score first
    np.rint(q, out=q)
    nan = np.isnan(q)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a run in which no area has a score
        lo = np.nanmin(q, axis=1, keepdims=True)
        hi = np.nanmax(q, axis=1, keepdims=True)
    lo = np.where(np.isnan(lo), 0.0, lo)
    span = np.where(np.isnan(hi), 0.0, hi - lo)
    if not float(span.max()) + 1 < 2.0 ** (63 - bits):
        return _rank_rows_argsort(q, nan)
    q -= lo
    np.copyto(q, span + 1, where=nan)  # NaN last
    key = q.astype(np.uint64)
    del q
    key <<= np.uint64(bits)
    key |= np.arange(n, dtype=np.uint64)[None, :]
    key.sort(axis=1)
    order = (key & np.uint64((1 << bits) - 1)).astype(np.intp)
    key >>= np.uint64(bits)
    new = np.empty(key.shape, bool)
    new[:, 0] = True
    np.not_equal(key[:, 1:], key[:, :-1], out=new[:, 1:])
    del key
    first = np.where(new, np.arange(1, n + 1, dtype=np.float32)[None, :], np.float32(0))
    np.maximum.accumulate(first, axis=1, out=first)
    ranks = np.empty((r, n), np.float32)
    np.put_along_axis(ranks, order, first, axis=1)
    ranks[nan] = np.nan
    return ranks


def _rank_rows_argsort(q: np.ndarray, nan: np.ndarray) -> np.ndarray:
    """:func:`_rank_rows` by ``argsort`` of the negated rounded scores ``q`` (NaN where ``nan``)."""
    key = np.where(nan, np.inf, q)
    order = np.argsort(key, axis=1)
    sv = np.take_along_axis(key, order, axis=1)
    n = key.shape[1]
    new = np.ones(sv.shape, bool)
    new[:, 1:] = sv[:, 1:] != sv[:, :-1]
    first = np.maximum.accumulate(np.where(new, np.arange(n, dtype=np.int64)[None, :], 0), axis=1)
    ranks = np.empty(key.shape, np.float32)
    np.put_along_axis(ranks, order, (first + 1).astype(np.float32), axis=1)
    ranks[nan] = np.nan
    return ranks


def rank_desc_min(score: np.ndarray) -> np.ndarray:
    """Ranks of each column of ``score`` (n, R): 1 = highest, ties share the lowest rank number
    (as :func:`petarawan.classify.rank`, scores compared at 9 decimals), NaN stays NaN.
    Returns float32 (n, R) (or (n,) for a 1-D ``score``)."""
    s = np.asarray(score, float)
    if s.ndim == 1:
        return _rank_rows(s[None, :])[0]
    return _rank_rows(np.ascontiguousarray(s.T)).T


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


@dataclass
class _Combination:
    """One (imputation, outliers, normalisation, aggregation) of a design: its normalised matrix
    and nominal weights, computed once for all its runs."""

    runs: np.ndarray
    norm: np.ndarray
    iw: np.ndarray
    dw: np.ndarray
    active: np.ndarray
    spec: object
    cache: dict
    linear: bool = False
    complete: np.ndarray | None = None  # rows with every active indicator (linear path)
    complete_t: np.ndarray | None = None  # their normalised values, transposed (m, n_complete)
    rest: np.ndarray | None = None  # other scored rows (general path)
    rest_groups: list | None = None  # two levels: per active dimension (position, columns, values, presence)


def _combinations(raw: pd.DataFrame, config: StudyConfig, design: Design, groups, excl: np.ndarray):
    """The combinations of discrete choices in ``design``, each prepared once (generator)."""
    codes = [i.code for i in config.indicators]
    keys = pd.DataFrame({"imp": design.imputation, "out": design.outliers, "norm": design.normalisation,
                         "agg": design.aggregation})
    fw = config.framework
    for (imp, out), g1 in keys.groupby(["imp", "out"], sort=False):
        treated = _treated(raw, config, imp, bool(out), groups)
        for norm_m, g2 in g1.groupby("norm", sort=False):
            norm, _, _, dropped = normalise_frame(treated, config, norm_m)
            iw, dw, _ = nominal_weights(config, pd.DataFrame(norm, index=raw.index, columns=codes), dropped=dropped)
            iw_v = np.array([iw[c] for c in codes])
            dw_v = np.array([dw[x.code] for x in config.dimensions])
            active = ~np.asarray(dropped, bool)
            cache: dict = {}
            for agg, g3 in g2.groupby("agg", sort=False):
                a_dim, a_idx = agg.split("|")
                combo = _Combination(g3.index.to_numpy(), norm, iw_v, dw_v, active,
                                     config.index.aggregation_spec(a_dim, a_idx), cache)
                if a_dim == a_idx == "arithmetic":
                    _split_linear(combo, excl, fw)
                yield combo


def _split_linear(c: _Combination, excl: np.ndarray, fw) -> None:
    """Arithmetic means at every level make the score linear in the normalised values of an area
    with every active indicator: score = Σ_j e_j x_j, e_j the product of the renormalised weights
    on the path from indicator j to the index.  Those rows take one matrix product per batch of
    runs.  The others (some value missing) take, in a two-level framework, two products per
    dimension (weighted sum of the present values and of their weights); in deeper frameworks
    the framework aggregation."""
    x = c.norm[:, c.active]
    full = ~np.isnan(x).any(axis=1) & ~excl
    c.linear = True
    c.complete = np.flatnonzero(full)
    c.rest = np.flatnonzero(~full & ~excl)
    xt = np.where(c.active[:, None], np.nan_to_num(c.norm[c.complete].T, nan=0.0), 0.0)
    c.complete_t = np.ascontiguousarray(xt)
    if len(c.rest) and fw.depth == 1:
        rest = c.norm[c.rest].T  # (m, n_rest)
        dim_active = fw.active_dimensions(c.active)
        c.rest_groups = []
        for k in range(len(fw.dimensions)):
            cols = np.array([j for j in fw.members(k) if c.active[j]], int)
            if dim_active[k] and len(cols):
                v = rest[cols]
                c.rest_groups.append((k, cols, np.ascontiguousarray(np.nan_to_num(v, nan=0.0)),
                                      np.ascontiguousarray((~np.isnan(v)).astype(float))))


def _two_level_rest(c: _Combination, IW: np.ndarray, DW: np.ndarray) -> np.ndarray:
    """Scores (r, n_rest) of the rows with a missing value, two-level arithmetic framework: per
    dimension the weighted mean of the present values (weights renormalised over them), the index
    the weighted mean of the active dimensions; NaN where an active dimension has no value
    (as :func:`~petarawan.index.aggregate.aggregate_framework`)."""
    dims = [k for k, *_ in c.rest_groups]
    dwa = DW[dims]  # (G, r)
    dwa = dwa / dwa.sum(axis=0, keepdims=True)
    out = np.zeros((IW.shape[1], len(c.rest)))
    missing = np.zeros(out.shape, bool)
    with np.errstate(all="ignore"):
        for g, (k, cols, vals, pres) in enumerate(c.rest_groups):
            w = IW[cols].T  # (r, k_g)
            num = w @ vals
            den = w @ pres
            missing |= ~(den > 0)
            num /= den
            num *= dwa[g][:, None]
            out += num
    out[missing] = np.nan
    return out


def _scores(c: _Combination, fw, IW: np.ndarray, DW: np.ndarray, n: int, excl: np.ndarray) -> np.ndarray:
    """Scores of a batch of runs of one combination, runs along rows: (r, n), NaN = no score."""
    r = IW.shape[1]
    if not c.linear:
        _, score, _ = aggregate_framework(c.norm, fw, IW, DW, c.spec, active=c.active, cache=c.cache)
        out = np.ascontiguousarray(score.T)
        out[:, excl] = np.nan
        return out
    out = np.full((r, n), np.nan)
    m = c.norm.shape[1]
    # the weight each indicator carries into the index in each run: the aggregation of unit vectors
    _, e, _ = aggregate_framework(np.eye(m), fw, IW, DW, c.spec, active=c.active)
    out[:, c.complete] = e.T @ c.complete_t
    if c.rest_groups is not None:
        out[:, c.rest] = _two_level_rest(c, IW, DW)
    elif len(c.rest):
        _, score, _ = aggregate_framework(c.norm[c.rest], fw, IW, DW, c.spec, active=c.active)
        out[:, c.rest] = score.T
    return out


def _workers(n: int, R: int) -> int:
    """Threads for the runs: numpy releases the GIL in the products and sorts, so two cores
    give nearly twice the speed — worth it only for large studies."""
    return min(os.cpu_count() or 1, 4) if n * R >= 2_000_000 else 1


def iter_runs(raw: pd.DataFrame, config: StudyConfig, design: Design, *, groups: pd.Series | None = None,
              chunk: int | None = None, presence: pd.DataFrame | None = None, workers: int | None = None,
              with_scores: bool = False):
    """Run every run of ``design`` and yield the results batch by batch, in no fixed order.

    Yields ``(runs, ranks, classes)``: the positions of a batch of runs in ``design`` (int
    array (r,)), their ranks float32 (r, n) and class codes int8 (r, n) — runs along rows —
    and, with ``with_scores``, their scores float (r, n) as a fourth item.
    Arguments as :func:`evaluate`; ``workers`` threads (default: 2 on two cores for large
    studies, 1 otherwise).  Memory stays at a few batches, whatever the number of runs.
    """
    codes = [i.code for i in config.indicators]
    raw = raw[codes].astype(float)
    n, R = len(raw), len(design)
    excl = _excluded_by_availability(raw, config)
    count_rule = config.classification.method == "count_rule"
    fixed_code = None
    if count_rule:
        as_entered = raw if presence is None else presence[codes].reindex(raw.index)
        fixed = classify(pd.Series(0.0, index=raw.index), as_entered, config)["class"]
        fixed_code = np.array([CLASSES.index(c) for c in fixed.astype(object)], np.int8)
    d = len(config.dimensions)
    fw = config.framework
    workers = workers or _workers(n, R)

    def batch_size(c: _Combination) -> int:
        # about 4·10⁶ numbers per work array (n × runs, or n × dimensions × runs in the general
        # path): small enough to be reused by the allocator instead of mapped afresh each time
        return chunk or max(1, min(64, int(4e6 // max(1, n * (1 if c.linear else d + 1)))))

    def batch(c: _Combination, runs: np.ndarray):
        IW = c.iw[:, None] * design.w_mult[runs].T
        DW = c.dw[:, None] * design.d_mult[runs].T
        score = _scores(c, fw, IW, DW, n, excl)
        ranks = _rank_rows(score)
        if count_rule:
            classes = np.where(np.isnan(score), np.int8(-1), fixed_code[None, :]).astype(np.int8)
        else:
            classes = np.ascontiguousarray(class_from_score(score.T, config).T)
        return (runs, ranks, classes, score) if with_scores else (runs, ranks, classes)

    with one_blas_thread():
        if workers == 1:
            for c in _combinations(raw, config, design, groups, excl):
                size = batch_size(c)
                for s in range(0, len(c.runs), size):
                    yield batch(c, c.runs[s:s + size])
            return
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        pending: set = set()
        with ThreadPoolExecutor(workers) as ex:
            for c in _combinations(raw, config, design, groups, excl):
                size = batch_size(c)
                for s in range(0, len(c.runs), size):
                    while len(pending) >= 2 * workers:  # bounded memory: a few batches in flight
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for f in done:
                            yield f.result()
                    pending.add(ex.submit(batch, c, c.runs[s:s + size]))
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    yield f.result()


def evaluate(raw: pd.DataFrame, config: StudyConfig, design: Design, *, groups: pd.Series | None = None,
             progress=None, chunk: int | None = None, presence: pd.DataFrame | None = None,
             workers: int | None = None) -> tuple[np.ndarray, np.ndarray]:
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
    chunk : runs aggregated together (default: about 4·10⁶ numbers per work array, at most 64 runs)
    workers : threads (default: :func:`iter_runs`)

    Returns
    -------
    ranks : float32 (n, R), NaN where the area has no score in that run
    classes : int8 (n, R), 0 = Bahaya … 3 = Aman, −1 = no score

    Both are transposed views of run-major arrays (R, n) — one run's ranks are contiguous.

    How (results are those of the reference, run by run — ``tests/test_uncertainty.py``): runs
    sharing (imputation, outliers, normalisation) share one treated and normalised matrix; a
    batch of runs is aggregated by :func:`~petarawan.index.aggregate.aggregate_framework` at
    once, and when every level is arithmetic an area with all its values takes one matrix
    product (its score is linear in its values); each run is ranked by one sort (:func:`_rank_rows`).
    """
    n, R = len(raw), len(design)
    ranks = np.empty((R, n), np.float32)
    classes = np.empty((R, n), np.int8)
    for runs, rk, cl in iter_runs(raw, config, design, groups=groups, chunk=chunk, presence=presence,
                                  workers=workers):
        ranks[runs] = rk
        classes[runs] = cl
        if progress:
            progress(len(runs))
    return ranks.T, classes.T


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
    ranks = np.empty((R, n), np.float32)
    classes = np.empty((R, n), np.int8)
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
        for part, rk, cl in iter_runs(r_raw, config, design.take(runs), groups=groups, presence=r_pres):
            ranks[runs[part]] = rk
            classes[runs[part]] = cl
            if progress:
                progress(len(part))
    return ranks.T, classes.T


RANK_QUANTILES = (0.5, 0.05, 0.95)
"""The rank percentiles :func:`summarise` reports: median, 5th and 95th."""


def _partition_rows(x: np.ndarray, kth: list[int]) -> None:
    """``x.partition(kth, axis=1)`` in place, blocks of rows in parallel threads (numpy releases
    the GIL while partitioning)."""
    workers = min(os.cpu_count() or 1, 4) if x.size >= 2_000_000 else 1
    if workers == 1:
        x.partition(kth, axis=1)
        return
    from concurrent.futures import ThreadPoolExecutor

    bounds = np.linspace(0, len(x), 4 * workers + 1).astype(int)
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(lambda k: x[bounds[k]:bounds[k + 1]].partition(kth, axis=1), range(len(bounds) - 1)))


def summarise(ranks: np.ndarray, classes: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """Per area: ``rank_median``, ``rank_p05``, ``rank_p95`` (percentiles over the runs in which
    the area has a score; linear interpolation, R type 7 as COINr and ``numpy.quantile``) and
    ``p_bahaya`` … ``p_aman`` (share of all runs in that class).

    ``ranks`` float (n, R) and ``classes`` int8 (n, R), any memory layout (:func:`evaluate`'s
    run-major views included).  The percentiles of an area are its order statistics ⌊h⌋ and
    ⌊h⌋ + 1, h = (R − 1)·q, found by one partial sort of its runs (``numpy.partition``)."""
    n, R = ranks.shape
    qs = np.array(RANK_QUANTILES)
    q = np.full((n, 3), np.nan)
    if R:
        x = np.array(ranks, dtype=np.float32, order="C")  # own copy: partitioned in place
        nan_rows = np.isnan(x).any(axis=1)
        h = (R - 1) * qs
        lo = np.floor(h).astype(int)
        hi = np.minimum(lo + 1, R - 1)
        _partition_rows(x, sorted(set(lo) | set(hi)))
        a, b = x[:, lo].astype(float), x[:, hi].astype(float)
        g = h - lo
        q = np.where(g >= 0.5, b - (b - a) * (1 - g), a + (b - a) * g)  # numpy's linear interpolation
        if nan_rows.any():  # quantiles over the runs with a score (order does not matter)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                q[nan_rows] = np.nanquantile(x[nan_rows].astype(float), qs, axis=1).T
    out = pd.DataFrame(q, index=index, columns=["rank_median", "rank_p05", "rank_p95"])
    for k, c in enumerate(CLASSES):
        out[f"p_{c.lower()}"] = (classes == k).sum(axis=1) / R if R else np.nan
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


@dataclass(frozen=True)
class SobolRanks:
    """Sobol sensitivity of every area's rank (:func:`sobol_ranks`).

    Attributes
    ----------
    shift : ndarray (R,)
        Per run, the mean absolute rank shift from the base run over the areas with a score.
    full : ndarray (n,) of bool
        Areas with a score in every run (the others get no indices).
    moving : ndarray (n_full,) of bool
        Of those, the areas whose rank is not the same in every run.
    s1, st : ndarray (n_full, k)
        First-order and total Sobol indices of each such area's rank, as :func:`sobol_indices`.
    """

    shift: np.ndarray
    full: np.ndarray
    moving: np.ndarray
    s1: np.ndarray
    st: np.ndarray


def sobol_ranks(raw: pd.DataFrame, config: StudyConfig, design: Design, k: int, base_rank: np.ndarray, *,
                groups: pd.Series | None = None, presence: pd.DataFrame | None = None, progress=None) -> SobolRanks:
    """Run a Saltelli design (:func:`design_from_unit` of SALib's ``sample.sobol`` without second
    order: rows A, AB_1 … AB_k, B per base sample) and return the Sobol indices of every area's
    rank and each run's mean absolute rank shift from ``base_rank`` (n,) — without holding the
    ranks of every run: only the A and B runs are kept (2N × n), each AB_i run is folded into
    per-area sums as it comes.

    With y an area's rank, μ and σ its mean and standard deviation over all runs, and
    d_j = AB_ij − A_j: S1_i = (Σ_j B_j d_j − μ Σ_j d_j) / (N · var[A; B]) and
    ST_i = ½ Σ_j d_j² / (N · var[A; B]) — SALib's estimators (``first_order``, ``total_order``;
    Saltelli et al. 2010, Table 2 (b) and (f)) on y standardised by μ and σ, as
    :func:`sobol_indices` computes them from the whole matrix (0 where the standardised
    variance of [A; B] is ≤ machine epsilon).

    Raises
    ------
    ValueError
        ``len(design)`` is not a multiple of k + 2.
    """
    step = k + 2
    R = len(design)
    if R % step:
        raise ValueError(f"a Saltelli design without second order has N·(k + 2) runs; got {R} runs for k = {k}")
    N = R // step
    n = len(raw)
    base = np.asarray(base_rank, float)
    shift = np.empty(R)
    total = np.zeros(n)
    total_sq = np.zeros(n)
    a_b = np.arange(N) * step
    ab_runs = np.setdiff1d(np.arange(R), np.concatenate([a_b, a_b + step - 1]))

    def fold(orig: np.ndarray, ranks: np.ndarray) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a run in which no area has a score
            shift[orig] = np.nanmean(np.abs(ranks - base[None, :]), axis=1)
        y = ranks.astype(float)
        total[:] += y.sum(axis=0)
        total_sq[:] += (y * y).sum(axis=0)
        if progress:
            progress(len(orig))

    # 1. the A and B runs, kept (float32)
    ab_design = design.take(np.concatenate([a_b, a_b + step - 1]))
    kept = np.empty((2 * N, n), np.float32)
    for part, rk, _ in iter_runs(raw, config, ab_design, groups=groups, presence=presence):
        kept[part] = rk
        fold(np.where(part < N, a_b[part % N], a_b[part % N] + step - 1), rk)
    A, B = kept[:N], kept[N:]
    # 2. the AB_i runs, folded into per-area sums as they come
    s_bd = np.zeros((k, n))
    s_d = np.zeros((k, n))
    s_dd = np.zeros((k, n))
    for part, rk, _ in iter_runs(raw, config, design.take(ab_runs), groups=groups, presence=presence):
        orig = ab_runs[part]
        fold(orig, rk)
        j, i = np.divmod(orig, step)
        for row, jj, ii in zip(rk, j, i - 1):
            d = row.astype(float) - A[jj]
            s_bd[ii] += B[jj] * d
            s_d[ii] += d
            s_dd[ii] += d * d
    full = np.isfinite(total)
    mu = total[full] / R
    sd = np.sqrt(np.maximum(total_sq[full] / R - mu * mu, 0.0))
    moving = sd > 0
    # var([A; B]) per area, two passes in float64 (blocks of areas bound the memory)
    cols = np.flatnonzero(full)
    var_ab = np.empty(len(cols))
    for s in range(0, len(cols), 8192):
        c = cols[s:s + 8192]
        y = np.concatenate([A[:, c], B[:, c]]).astype(float)
        var_ab[s:s + 8192] = y.var(axis=0)
    with np.errstate(all="ignore"):
        ok = (var_ab / np.where(moving, sd * sd, 1.0) > np.finfo(float).eps) & moving
        den = np.where(ok, N * var_ab, 1.0)[None, :]
        s1 = np.where(ok[None, :], (s_bd[:, full] - mu[None, :] * s_d[:, full]) / den, 0.0).T
        st = np.where(ok[None, :], 0.5 * s_dd[:, full] / den, 0.0).T
    return SobolRanks(shift, full, moving, s1, st)
