r"""Aggregation: combine normalised indicators into dimension scores, dimensions into the index.

This module is the **one** implementation of aggregation: :func:`build_index` and every Monte
Carlo run call :func:`aggregate_framework`, which calls :func:`aggregate_groups`, which the
single-level helpers (:func:`aggregate`, :func:`arithmetic`, :func:`geometric`, …) call too.

Every mean is a weighted *quasi-arithmetic* mean over the present (non-missing) components,
.. math:: M(x) = g^{-1}\Big(\sum_k w_k\, g(x_k) \Big/ \sum_k w_k\Big),
with :math:`g(x) = x` (arithmetic), :math:`\ln(x + c)` (geometric), :math:`1/(x + c)` (harmonic),
:math:`(x + c)^p` (generalised) and :math:`g^{-1}` shifting back by :math:`c` (see
:func:`shift_constant`).  Copeland's score is the weighted mean of each indicator's mid-rank
fraction, rescaled to ``[lo, hi]``.  Missing components are skipped and the weights of the
present ones renormalised, as COINr's ``a_amean``/``a_gmean``/``a_hmean`` do (``w[is.na(x)] <- NA``
then divide by ``sum(w, na.rm = TRUE)``); an area with no present component gets NaN.

Because :math:`\sum_k w_k g(x_k)` is a matrix product, one product with a block weight matrix
aggregates every group (dimension) of every weight set (Monte Carlo run) at once.

Sources: OECD/JRC *Handbook on Constructing Composite Indicators* (2008), §6.2 (linear and
geometric aggregation); COINr ``R/aggregate.R`` (``a_amean``, ``a_gmean``, ``a_hmean``,
``a_genmean``, ``outrankMatrix``/``a_copeland``); Hardy, Littlewood & Pólya (1934),
*Inequalities*, ch. III (quasi-arithmetic means).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

from ..errors import Finding, InputError
from ..i18n import Msg
from ..methods import MethodRegistry
from .framework import Framework

__all__ = ["AGGREGATORS", "AggregationSpec", "aggregate", "aggregate_groups", "aggregate_framework", "arithmetic",
           "geometric", "harmonic", "generalised", "copeland", "shift_constant", "group_shifts", "METHODS"]


# ---------------------------------------------------------------------------------------- g and g⁻¹

def _identity(x, shift, power):
    return x


def _log(x, shift, power):
    with np.errstate(all="ignore"):
        return np.log(x + shift)


def _exp(y, shift, power, lo, hi):
    with np.errstate(all="ignore"):
        return np.exp(y) - shift


def _recip(x, shift, power):
    with np.errstate(all="ignore"):
        return 1.0 / (x + shift)


def _recip_back(y, shift, power, lo, hi):
    with np.errstate(all="ignore"):
        return 1.0 / y - shift


def _pow(x, shift, power):
    with np.errstate(all="ignore"):
        return (x + shift) ** power


def _root(y, shift, power, lo, hi):
    with np.errstate(all="ignore"):
        return y ** (1.0 / power) - shift


def _same(y, shift, power, lo, hi):
    return y


def midrank_fraction(x: np.ndarray) -> np.ndarray:
    r"""Column-wise :math:`(\bar r - 1)/(n - 1)`, :math:`\bar r` the mid (average) rank among the
    present values of the column, ``n`` their number (0.5 when n = 1); NaN stays NaN.  For
    ``x`` of shape (n, k, R) each (column, run) is ranked on its own (along axis 0)."""
    x = np.asarray(x, float)
    r = rankdata(x, axis=0, nan_policy="omit") if x.size else x.copy()
    n = np.sum(~np.isnan(x), axis=0).astype(float)
    with np.errstate(all="ignore"):
        out = (r - 1.0) / (n - 1.0)
    return np.where((n == 1) & ~np.isnan(x), 0.5, out)


def _copeland_t(x, shift, power):
    return midrank_fraction(x)


def _copeland_back(y, shift, power, lo, hi):
    return lo + (hi - lo) * y


def _domain_none(power):
    return "any"


def _domain_positive(power):
    return "positive"


def _domain_generalised(power):
    return "positive" if power < 0 else "nonnegative"


AGGREGATORS: MethodRegistry = MethodRegistry("aggregation", "agg")
"""Aggregation methods.  Each :class:`~petarawan.registry.Method` has ``func`` (g, the
elementwise — Copeland: column-wise — transform ``g(x, shift, power)``), ``inverse``
(``g⁻¹(y, shift, power, lo, hi)``) and ``domain(power)``: ``"any"``, ``"positive"`` (values must be
> 0: shifted when not) or ``"nonnegative"``."""

AGGREGATORS.add("arithmetic", _identity, inverse=_same, domain=_domain_none,
                source="Handbook §6.2 (linear aggregation); COINr a_amean")
AGGREGATORS.add("geometric", _log, inverse=_exp, domain=_domain_positive,
                source="Handbook §6.2 (geometric aggregation); COINr a_gmean; INFORM")
AGGREGATORS.add("harmonic", _recip, inverse=_recip_back, domain=_domain_positive,
                source="COINr a_hmean")
AGGREGATORS.add("generalised", _pow, inverse=_root, domain=_domain_generalised,
                source="COINr a_genmean")
AGGREGATORS.add("copeland", _copeland_t, inverse=_copeland_back, domain=_domain_none,
                source="COINr a_copeland (row sums of outrankMatrix)")

METHODS = AGGREGATORS.names()


@dataclass(frozen=True)
class AggregationSpec:
    """Explicit parameters of the aggregation (no configuration object).

    Attributes
    ----------
    dimension : str
        Method below the index: indicators → dimension and dimension → parent dimension.
    index : str
        Method of the top dimensions → index.
    power : float
        p of the generalised mean.
    lo, hi : float
        The normalisation range: Copeland scores are put on it; the shift scale is 1 % of it.
    zero_handling : {"shift", "error"}
        Values ≤ 0 in a mean that needs positive values: shift (and report) or raise.
    """

    dimension: str = "arithmetic"
    index: str = "arithmetic"
    power: float = 2.0
    lo: float = 0.0
    hi: float = 100.0
    zero_handling: str = "shift"

    @property
    def scale(self) -> float:
        """The smallest shifted value: 1 % of the range width (1 on 0–100)."""
        return (self.hi - self.lo) / 100.0


# ---------------------------------------------------------------------------------------- shifts

def _nanmin_cols(x: np.ndarray) -> np.ndarray:
    """Minimum over axis 0 of x (n, k[, R]) ignoring NaN; +inf for an all-NaN slice."""
    return np.fmin.reduce(np.where(np.isnan(x), np.inf, x), axis=0) if x.shape[0] else np.full(x.shape[1:], np.inf)


def shift_constant(x: np.ndarray, scale: float, domain: str = "positive") -> float | np.ndarray:
    r"""The shift ``c`` of a mean that needs positive (or non-negative) values:
    :math:`c = s - \min x` with ``s = scale`` (1 % of the normalisation range: 1 on 0–100) when
    the values fail the domain (``"positive"``: min ≤ 0; ``"nonnegative"``: min < 0), so the
    smallest shifted value is ``s``; otherwise 0.  ``domain = "any"`` gives 0.

    For ``x`` of shape (n, k, R) (R Monte Carlo runs) one ``c`` per run, shape (R,), so a run's
    result never depends on the other runs."""
    x = np.asarray(x, float)
    if domain == "any":
        return np.zeros(x.shape[2]) if x.ndim == 3 else 0.0
    mn = _nanmin_cols(x.reshape(x.shape[0] * x.shape[1], *x.shape[2:]) if x.ndim >= 2 else x[:, None])
    mn = np.where(np.isfinite(mn), mn, 1.0)
    bad = mn <= 0 if domain == "positive" else mn < 0
    c = np.where(bad, scale - mn, 0.0)
    return c if x.ndim == 3 else float(np.asarray(c).reshape(-1)[0])


def group_shifts(x: np.ndarray, groups: np.ndarray, n_groups: int, method: str, power: float,
                 scale: float) -> np.ndarray:
    """:func:`shift_constant` of each group of columns of ``x``: (G,) for x (n, k), (G, R) for
    x (n, k, R)."""
    domain = AGGREGATORS[method].domain(power)
    x = np.asarray(x, float)
    out = np.zeros((n_groups,) + x.shape[2:])
    if domain == "any":
        return out
    for g in range(n_groups):
        cols = np.flatnonzero(groups == g)
        if len(cols):
            out[g] = shift_constant(x[:, cols], scale, domain)
    return out


# ---------------------------------------------------------------------------------------- core

try:  # OpenBLAS spins all its threads on the skinny products below: one thread is 10× faster
    from threadpoolctl import ThreadpoolController

    _BLAS = ThreadpoolController()
except Exception:  # pragma: no cover - optional speed-up
    _BLAS = None


def one_blas_thread():
    """Context manager limiting BLAS to one thread (faster for skinny matrix products)."""
    return _BLAS.limit(limits=1, user_api="blas") if _BLAS is not None else contextlib.nullcontext()


def transform(x: np.ndarray, groups: np.ndarray, method: str, shifts: np.ndarray, power: float
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """``g(x)`` with missing cells set to 0, and the presence mask as floats (None when nothing is
    missing): the two operands of the weighted sums.  ``shifts`` per group, (G,) or (G, R)."""
    x = np.asarray(x, float)
    shifts = np.asarray(shifts, float)
    col_shift = shifts[groups]  # (k,) or (k, R)
    if col_shift.ndim == 1:
        col_shift = col_shift[None, :] if x.ndim == 2 else col_shift[None, :, None]
    elif x.ndim == 3:
        col_shift = col_shift[None, :, :]
    else:
        raise ValueError("per-run shifts (G, R) need x of shape (n, k, R)")
    t = AGGREGATORS[method].func(x, col_shift, power)
    missing = np.isnan(x)
    if missing.any():
        return np.where(missing, 0.0, t), (~missing).astype(float)
    return t, None


def weighted_group_means(t: np.ndarray, p: np.ndarray | None, groups: np.ndarray, n_groups: int,
                         w: np.ndarray) -> np.ndarray:
    r""":math:`\sum_{k \in g} w_k t_k / \sum_{k \in g,\ present} w_k` for every group g.

    ``t`` (n, k) with ``w`` (k,) → (n, G); ``t`` (n, k) with ``w`` (k, R) → (n, G, R) (one block
    matrix product); ``t`` (n, k, R) with ``w`` (k, R) → (n, G, R).  NaN where a group has no
    present component."""
    w = np.asarray(w, float)
    n, k = t.shape[:2]
    if t.ndim == 3 and w.ndim == 1:
        w = np.repeat(w[:, None], t.shape[2], axis=1)
    multi = w.ndim == 2
    R = w.shape[1] if multi else 1
    w2 = w if multi else w[:, None]
    block = np.zeros((k, n_groups, R))
    block[np.arange(k), groups, :] = w2
    with one_blas_thread():
        if t.ndim == 3 and n_groups == 1:
            num = np.einsum("nkr,kr->nr", t, w2)[:, None, :]
            den = np.einsum("nkr,kr->nr", p, w2)[:, None, :] if p is not None else None
        elif t.ndim == 3:
            num = np.einsum("nkr,kgr->ngr", t, block)
            den = np.einsum("nkr,kgr->ngr", p, block) if p is not None else None
        elif multi and n_groups > 1:  # many weight sets: one product per group, not one with the zeros
            num = np.empty((n, n_groups, R))
            den = np.empty((n, n_groups, R)) if p is not None else None
            for g in range(n_groups):
                cols = np.flatnonzero(groups == g)
                num[:, g, :] = t[:, cols] @ w2[cols]
                if p is not None:
                    den[:, g, :] = p[:, cols] @ w2[cols]
        else:
            b2 = block.reshape(k, n_groups * R)
            num = (t @ b2).reshape(n, n_groups, R)
            den = (p @ b2).reshape(n, n_groups, R) if p is not None else None
    with np.errstate(all="ignore"):
        if den is None:  # nothing missing: the denominators are the weight sums of the groups
            total = block.sum(axis=0)[None]
            ok = total > 0
            mean = num / np.where(ok, total, 1.0)
            if not ok.all():
                mean = np.where(ok, mean, np.nan)
        else:
            mean = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return mean if (multi or t.ndim == 3) else mean[:, :, 0]


def _inverse(mean: np.ndarray, method: str, shifts: np.ndarray, power: float, lo: float, hi: float) -> np.ndarray:
    s = np.asarray(shifts, float)
    s = s[None, :] if mean.ndim == 2 else (s[None, :, :] if s.ndim == 2 else s[None, :, None])
    return AGGREGATORS[method].inverse(mean, s, power, lo, hi)


def aggregate_groups(x: np.ndarray, groups: np.ndarray, w: np.ndarray, method: str, *, shifts=None,
                     power: float = 2.0, lo: float = 0.0, hi: float = 100.0, n_groups: int | None = None) -> np.ndarray:
    """Aggregate the columns of ``x`` by group with one weighted quasi-arithmetic mean each.

    Parameters
    ----------
    x : ndarray (n, k) or (n, k, R), NaN = missing
    groups : int ndarray (k,), the group (0 … G−1) of each column
    w : ndarray (k,) or (k, R), weights (need not sum to 1; renormalised over present columns)
    method : a name in :data:`AGGREGATORS`
    shifts : (G,) or (G, R) shift ``c`` per group (default 0: the caller decides, see
        :func:`group_shifts`)
    power : p of the generalised mean; lo, hi : Copeland's output range

    Returns
    -------
    ndarray (n, G), or (n, G, R) when ``x`` is 3-D or ``w`` 2-D.
    """
    groups = np.asarray(groups, int)
    G = int(groups.max()) + 1 if n_groups is None else n_groups
    x = np.asarray(x, float)
    if shifts is None:
        shifts = np.zeros((G,) + x.shape[2:])
    shifts = np.asarray(shifts, float)
    if shifts.ndim == 0:
        shifts = np.full(G, float(shifts))
    t, p = transform(x, groups, method, shifts, power)
    mean = weighted_group_means(t, p, groups, G, w)
    return _inverse(mean, method, shifts, power, lo, hi)


def aggregate(x: np.ndarray, w: np.ndarray, method: str, *, power: float = 2.0, shift: float = 0.0,
              lo: float = 0.0, hi: float = 100.0) -> np.ndarray:
    """One weighted mean of all columns of ``x`` (n, k) — or (n, k, R) — with weights ``w``
    (k,) — or (k, R).  Returns (n,) or (n, R).  ``shift`` (scalar, or (R,) for 3-D ``x``) as in
    :func:`shift_constant`; ``lo``/``hi`` for Copeland."""
    x = np.asarray(x, float)
    s = np.asarray(shift, float)
    shifts = s.reshape(1, -1) if s.ndim else np.full((1,) + x.shape[2:], float(s))
    out = aggregate_groups(x, np.zeros(x.shape[1], int), w, method, shifts=shifts, power=power, lo=lo, hi=hi,
                           n_groups=1)
    return out[:, 0]


def arithmetic(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""Weighted arithmetic mean :math:`\sum_k w_k x_k / \sum_k w_k` over present components
    (Handbook §6.2, linear aggregation; COINr ``a_amean``)."""
    return aggregate(x, w, "arithmetic")


def geometric(x: np.ndarray, w: np.ndarray, shift: float = 0.0) -> np.ndarray:
    r"""Weighted geometric mean, shifted when needed:

    .. math:: G_c(x) = \exp\!\Big(\sum_k w_k \ln(x_k + c) \big/ \sum_k w_k\Big) - c

    With ``c = 0`` this is the Handbook's geometric aggregation (§6.2; COINr ``a_gmean``),
    defined only for positive values.  COINr stops with an error on any zero; min–max to
    0–100 always produces zeros (the minimum of every indicator), so petarawan applies the
    *shifted* geometric mean with ``c`` from :func:`shift_constant` (``zero_handling =
    "shift"``, default; recorded and reported) or raises (``"error"``).  Subtracting ``c``
    afterwards keeps the result on the scale of ``x`` (``G_c`` of equal values is that value).
    """
    return aggregate(x, w, "geometric", shift=shift)


def harmonic(x: np.ndarray, w: np.ndarray, shift: float = 0.0) -> np.ndarray:
    r"""Weighted harmonic mean, shifted like :func:`geometric`:
    :math:`H_c = \sum_k w_k / \sum_k \frac{w_k}{x_k + c} - c` (COINr ``a_hmean`` for ``c = 0``)."""
    return aggregate(x, w, "harmonic", shift=shift)


def generalised(x: np.ndarray, w: np.ndarray, p: float = 2.0, shift: float = 0.0) -> np.ndarray:
    r"""Weighted generalised (power) mean :math:`M_p = \big(\sum_k w_k (x_k+c)^p / \sum_k w_k\big)^{1/p} - c`
    (COINr ``a_genmean``; p = 1 arithmetic, p → 0 geometric, p = −1 harmonic)."""
    return aggregate(x, w, "generalised", power=p, shift=shift)


def copeland(x: np.ndarray, w: np.ndarray, lo: float = 0.0, hi: float = 100.0) -> np.ndarray:
    r"""Copeland score as COINr computes it (``a_copeland``: row sums of the outranking matrix
    :math:`O_{ij} = \sum_k w_k [x_{ik} > x_{jk}] + \tfrac12 \sum_k w_k [x_{ik} = x_{jk}]`,
    weights summing to 1), rescaled to ``[lo, hi]``.

    Row sums need no n × n matrix: for indicator k, :math:`\sum_{j \ne i} [x_{ik} > x_{jk}] +
    \tfrac12 [x_{ik} = x_{jk}] = \bar r_{ik} - 1`, with :math:`\bar r` the *average* (mid) rank
    among the areas with a value.  So :math:`S_i = \sum_k w_k (\bar r_{ik} - 1)`, O(n log n),
    and petarawan reports :math:`lo + (hi - lo)\,\sum_k w_k (\bar r_{ik} - 1)/(n_k - 1) / \sum_k w_k`
    over present components (an area that beats every other area on every indicator gets ``hi``).
    """
    return aggregate(x, w, "copeland", lo=lo, hi=hi)


# ---------------------------------------------------------------------------------------- framework

def _shift_record(level: str, method: str, c) -> dict:
    return {"level": level, "method": method, "shift": c if np.ndim(c) else float(c)}


def _check_shift(c, x: np.ndarray, method: str, level: str, spec: AggregationSpec) -> None:
    if np.any(c) and spec.zero_handling == "error":
        mn = float(np.nanmin(x)) if np.any(~np.isnan(x)) else float("nan")
        raise InputError([Finding(
            "error", "aggregation_nonpositive",
            Msg("f.aggregation_nonpositive", method=method, level=level, mn=mn),
            expected=Msg("x.aggregation_nonpositive"))])


def aggregate_framework(norm: np.ndarray, framework: Framework, ind_w: np.ndarray, dim_w: np.ndarray,
                        spec: AggregationSpec, *, active: np.ndarray | None = None,
                        cache: dict | None = None) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    r"""Aggregate normalised indicators up a framework of any depth: indicators → leaf dimensions
    → parent dimensions … → index.

    Leaf dimensions use ``spec.dimension`` over their indicators; a dimension with child
    dimensions uses ``spec.dimension`` over its children's scores; the dimensions without a
    parent are combined into the index with ``spec.index``.  At every node missing components
    are skipped and the present weights renormalised.  The shift ``c`` of a mean that needs
    positive values is computed per node over its inputs (per Monte Carlo run when the inputs
    differ between runs).

    Parameters
    ----------
    norm : ndarray (n, m), columns in ``framework.indicators`` order; NaN = missing or dropped
    framework : Framework
    ind_w : ndarray (m,) or (m, R): weight of each indicator within its dimension
    dim_w : ndarray (d,) or (d, R): weight of each dimension within its parent (or the index)
    spec : AggregationSpec
    active : bool ndarray (m,) | None
        Indicators that take part (False = dropped for this run, e.g. constant).  A dimension with
        no active indicator below it is dropped too: NaN for every area and skipped by its parent.
    cache : dict reused between calls on the same ``norm`` (Monte Carlo runs)

    Returns
    -------
    dims : ndarray (n, d) or (n, d, R), every dimension's score in ``framework.dimensions`` order
    score : ndarray (n,) or (n, R); NaN where an active dimension has no present component
    records : list of {"level", "method", "shift"} for every node whose mean is not arithmetic

    Raises
    ------
    InputError
        ``spec.zero_handling = "error"`` and a mean that needs positive values meets a value ≤ 0.
    """
    fw = framework
    n, m = norm.shape
    d = len(fw.dimensions)
    ind_w = np.asarray(ind_w, float)
    dim_w = np.asarray(dim_w, float)
    multi = ind_w.ndim == 2 or dim_w.ndim == 2
    R = ind_w.shape[1] if ind_w.ndim == 2 else (dim_w.shape[1] if dim_w.ndim == 2 else 1)
    dim_active = fw.active_dimensions(active)
    records: list[dict] = []
    a_dim, a_idx = spec.dimension, spec.index

    # -- indicators → leaf dimensions (cached per norm and method: the Monte Carlo reuses it)
    cache = {} if cache is None else cache
    key = ("leaf", a_dim)
    leaves = fw.leaves
    if key not in cache:
        if active is not None and not np.all(active):
            norm = np.where(np.asarray(active, bool)[None, :], norm, np.nan)
        leaf_of = {k: g for g, k in enumerate(leaves)}
        groups = np.array([leaf_of[p] for p in fw.indicator_parent], int)
        shifts = group_shifts(norm, groups, len(leaves), a_dim, spec.power, spec.scale)
        recs = []
        if a_dim != "arithmetic":
            for g, k in enumerate(leaves):
                _check_shift(shifts[g], norm[:, groups == g], a_dim, fw.dimensions[k], spec)
                recs.append(_shift_record(fw.dimensions[k], a_dim, shifts[g]))
        t, p = transform(norm, groups, a_dim, shifts, spec.power)
        cache[key] = (t, p, groups, shifts, recs)
    t, p, groups, shifts, recs = cache[key]
    records += recs
    leaf_mean = weighted_group_means(t, p, groups, len(leaves), ind_w)
    leaf_scores = _inverse(leaf_mean, a_dim, shifts, spec.power, spec.lo, spec.hi)
    if multi and leaf_scores.ndim == 2:
        leaf_scores = np.repeat(leaf_scores[:, :, None], R, axis=2)
    if leaves == tuple(range(d)):  # two levels: every dimension is a leaf, in order (no copy)
        dims = leaf_scores
    else:
        dims = np.full((n, d, R) if multi else (n, d), np.nan)
        dims[:, list(leaves)] = leaf_scores
    if dim_w.ndim == 1 and multi:
        dim_w = np.repeat(dim_w[:, None], R, axis=1)

    def combine(children: tuple[int, ...], method: str, level: str) -> np.ndarray:
        x = dims if children == tuple(range(d)) else dims[:, list(children)]
        live = dim_active[list(children)]
        if not live.all():
            x = np.where(live[None, :, None] if x.ndim == 3 else live[None, :], x, np.nan)
        c = shift_constant(x, spec.scale, AGGREGATORS[method].domain(spec.power))
        if method != "arithmetic":
            _check_shift(c, x, method, level, spec)
            records.append(_shift_record(level, method, c))
        shifts1 = np.asarray(c, float).reshape(1, -1) if np.ndim(c) else np.array([float(c)])
        out = aggregate_groups(x, np.zeros(len(children), int), dim_w[list(children)], method, shifts=shifts1,
                               power=spec.power, lo=spec.lo, hi=spec.hi, n_groups=1)
        return out[:, 0]

    # -- dimensions → parent dimensions, lowest first
    for level in fw.internal_levels:
        for k in level:
            dims[:, k] = combine(fw.children(k), a_dim, fw.dimensions[k])
    # -- top dimensions → index
    score = combine(fw.top, a_idx, "index")
    # an area with no data on a whole (active) dimension gets no score (see build_index)
    act = dim_active[None, :, None] if dims.ndim == 3 else dim_active[None, :]
    any_missing = (np.isnan(dims) & act).any(axis=1)
    score = np.where(any_missing, np.nan, score)
    return dims, score, records
