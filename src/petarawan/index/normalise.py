"""Normalisation: bring indicators measured in different units onto one scale.

Every normaliser takes a matrix ``x`` (n areas × m indicators, float, NaN = missing) whose
columns have already been multiplied by their direction (+1/−1; OECD/JRC Handbook 2008, §5:
"direction applied first", so that higher always means more prone) and returns a matrix of the
same shape.  NaN stays NaN.  Functions are vectorised over columns; they never mutate ``x``.

Sources: OECD/JRC *Handbook on Constructing Composite Indicators* (2008), §5 (Table 3);
COINr ``R/normalise.R`` (``n_minmax``, ``n_zscore``, ``n_rank``, ``n_prank``, ``n_goalposts``,
``n_dist2ref``, ``n_dist2targ``); CDC/ATSDR SVI documentation (percentile rank).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..methods import MethodRegistry

__all__ = ["NORMALISERS", "NormSpec", "apply_direction", "minmax", "minmax_directed", "zscore", "rank", "percentile",
           "goalposts", "target", "reference", "constant_columns"]


def apply_direction(x: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """``x * direction`` column-wise: higher = more prone for every indicator.

    Parameters
    ----------
    x : ndarray (n, m)
    direction : ndarray (m,) of +1/−1
    """
    return np.asarray(x, float) * np.asarray(direction, float)[None, :]


def constant_columns(x: np.ndarray) -> np.ndarray:
    """Boolean (m,): columns whose non-missing values are all equal (or that have < 2 values)."""
    lo, hi = _colmin(x), _colmax(x)
    return ~(hi > lo)


def _colmin(x: np.ndarray) -> np.ndarray:
    """Column minimum ignoring NaN (NaN for an all-NaN column), without copying ``x``."""
    return np.fmin.reduce(x, axis=0) if x.shape[0] else np.full(x.shape[1], np.nan)


def _colmax(x: np.ndarray) -> np.ndarray:
    return np.fmax.reduce(x, axis=0) if x.shape[0] else np.full(x.shape[1], np.nan)


def minmax(x: np.ndarray, lo: float = 0.0, hi: float = 100.0, *, bounds: tuple | None = None) -> np.ndarray:
    r"""Min–max normalisation to ``[lo, hi]``.

    .. math:: x' = lo + (hi - lo)\,\frac{x - \min x}{\max x - \min x}

    (OECD/JRC Handbook 2008, §5, "min–max"; COINr ``n_minmax(x, l_u = c(lo, hi))``.)
    With the direction applied first, an indicator of direction −1 becomes
    ``lo + (hi − lo)(max − x)/(max − min)``.

    A *constant* column (all non-missing values equal) has no spread to scale: it gets the
    midpoint ``(lo + hi)/2`` here; :func:`petarawan.index.composite.build_index` drops such an
    indicator from its dimension for the run (COINr: NaN) and reports it.

    Parameters
    ----------
    x : ndarray (n, m), direction applied
    lo, hi : float, lo < hi
    bounds : (min, max) per column, if already computed

    Returns
    -------
    ndarray (n, m) in ``[lo, hi]``; NaN where ``x`` is NaN.
    """
    x = np.asarray(x, float)
    with np.errstate(all="ignore"):
        mn, mx = bounds if bounds is not None else (_colmin(x), _colmax(x))
        span = mx - mn
        const = ~(span > 0)
        out = x - mn
        out *= (hi - lo) / np.where(const, 1.0, span)
        out += lo
    if const.any():
        mid = (lo + hi) / 2.0
        out[:, const] = np.where(np.isnan(x[:, const]), np.nan, mid)
    return out


def minmax_directed(x: np.ndarray, direction: np.ndarray, lo: float = 0.0, hi: float = 100.0) -> tuple[np.ndarray, np.ndarray]:
    """:func:`minmax` of ``apply_direction(x, direction)`` as one fused affine map per column,
    ``x' = a_j x + b_j`` with ``a_j = d_j (hi − lo)/(max − min)`` and ``b_j = lo − a_j min`` (d = +1)
    or ``lo − a_j max`` (d = −1) — the same formula, one pass over the data instead of four.

    Returns the normalised matrix and the boolean (m,) of constant columns (set to the midpoint).
    """
    x = np.asarray(x, float)
    d = np.asarray(direction, float)
    mn, mx = _colmin(x), _colmax(x)
    span = mx - mn
    const = ~(span > 0)
    with np.errstate(all="ignore"):
        a = d * (hi - lo) / np.where(const, 1.0, span)
        b = lo - a * np.where(d > 0, mn, mx)
    a = np.where(const, 0.0, a)
    b = np.where(const, (lo + hi) / 2.0, b)
    out = np.multiply(x, a[None, :])
    out += b[None, :]
    return out, const


def zscore(x: np.ndarray, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
    r"""Standardisation: :math:`x' = m + s\,(x - \bar x)/\sigma_x` with the sample standard
    deviation (ddof = 1), as COINr ``n_zscore(x, m_sd = c(m, s))`` (R's ``sd``).  Handbook §5.

    Constant columns become ``mean`` (with a warning from ``build_index``).
    """
    x = np.asarray(x, float)
    with np.errstate(all="ignore"):
        mu = np.nanmean(x, axis=0)
        n = np.sum(~np.isnan(x), axis=0)
        sig = np.sqrt(np.nansum((x - mu) ** 2, axis=0) / np.maximum(n - 1, 1))
        const = ~(sig > 0)
        out = mean + sd * (x - mu) / np.where(const, 1.0, sig)
    if const.any():
        out[:, const] = np.where(np.isnan(x[:, const]), np.nan, mean)
    return out


def _rank_min(x: np.ndarray) -> np.ndarray:
    """Column-wise ascending ranks 1..n_j, ties take the lowest rank, NaN kept.

    As ``scipy.stats.rankdata(method="min")`` of each column's present values, computed from one
    ``argsort`` per column (rank of a value = 1 + position of the first equal value in sorted
    order) without rankdata's general machinery — the percentile normalisation of every Monte
    Carlo combination calls it."""
    out = np.full(x.shape, np.nan)
    for j in range(x.shape[1]):
        col = x[:, j]
        ok = ~np.isnan(col)
        v = col[ok]
        if not len(v):
            continue
        order = np.argsort(v, kind="stable")
        sv = v[order]
        new = np.empty(len(v), bool)
        new[0] = True
        np.not_equal(sv[1:], sv[:-1], out=new[1:])
        first = np.maximum.accumulate(np.where(new, np.arange(1, len(v) + 1, dtype=float), 0.0))
        r = np.empty(len(v))
        r[order] = first
        out[ok, j] = r
    return out


def rank(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n (ascending: the highest value gets rank n), ties take the lowest rank.

    COINr ``n_rank`` (ties "min").  The result is not on a fixed range (its maximum is the
    number of non-missing values).
    """
    return _rank_min(np.asarray(x, float))


def percentile(x: np.ndarray, lo: float = 0.0, hi: float = 100.0) -> np.ndarray:
    r"""Percentile rank as the CDC/ATSDR Social Vulnerability Index defines it, scaled to
    ``[lo, hi]``:

    .. math:: p = \frac{\mathrm{rank} - 1}{n - 1},\qquad x' = lo + (hi - lo)\,p

    where rank is ascending, ties take the *lowest* rank (Excel ``PERCENTRANK.INC``), n the
    number of non-missing values (CDC/ATSDR SVI 2020 documentation, "percentile ranking
    values ... Percentile Rank = (Rank − 1)/(N − 1)").  With n = 1 the area gets the midpoint.
    """
    x = np.asarray(x, float)
    r = _rank_min(x)
    n = np.sum(~np.isnan(x), axis=0).astype(float)
    with np.errstate(all="ignore"):
        p = (r - 1.0) / (n - 1.0)
    p = np.where((n <= 1)[None, :] & ~np.isnan(x), 0.5, p)
    return lo + (hi - lo) * p


def goalposts(x: np.ndarray, low: np.ndarray, high: np.ndarray, lo: float = 0.0, hi: float = 100.0) -> np.ndarray:
    r"""Goalpost normalisation (COINr ``n_goalposts``; Handbook §5 "distance to a reference"):

    .. math:: x' = lo + (hi - lo)\,\min\!\left(1, \max\!\left(0, \frac{x - g_{low}}{g_{high} - g_{low}}\right)\right)

    ``low``/``high`` (m,) are the goalposts *in the direction-applied units*: for an indicator
    of direction −1 with goalposts (a, b) in its own units, pass ``low = -b``, ``high = -a``
    (done by ``build_index``).  Values beyond the goalposts are capped.
    """
    x = np.asarray(x, float)
    low = np.asarray(low, float)[None, :]
    high = np.asarray(high, float)[None, :]
    return lo + (hi - lo) * np.clip((x - low) / (high - low), 0.0, 1.0)


def target(x: np.ndarray, tgt: np.ndarray, lo: float = 0.0, hi: float = 100.0) -> np.ndarray:
    r"""Distance to a target (COINr ``n_dist2targ`` with ``cap_max = TRUE``):

    .. math:: x' = lo + (hi - lo)\,\min\!\left(1, \frac{x - \min x}{t - \min x}\right)

    ``t`` (m,) is the target in direction-applied units (the value at which an area counts as
    fully prone); areas at or beyond the target score ``hi``.  A target at or below the minimum
    is rejected by ``build_index``.
    """
    x = np.asarray(x, float)
    tgt = np.asarray(tgt, float)[None, :]
    with np.errstate(all="ignore"):
        mn = _colmin(x)[None, :]
        return lo + (hi - lo) * np.minimum(1.0, (x - mn) / (tgt - mn))


def reference(x: np.ndarray, ref_row: int, lo: float = 0.0, hi: float = 100.0) -> np.ndarray:
    r"""Distance to a reference area (COINr ``n_dist2ref(type = "ratio")``; Handbook §5):
    the ratio of each (direction-applied, min–max-shifted) value to the reference area's,
    .. math:: x' = lo + (hi - lo)\,\frac{x - \min x}{x_{ref} - \min x} \cdot \tfrac12

    so the reference area scores the midpoint of ``[lo, hi]``; areas twice as far above the
    minimum score ``hi``; values are capped at ``hi``.  Shifting by the minimum first keeps the
    ratio defined for indicators that take negative values after the direction is applied.
    If the reference value equals the minimum, the column is set to the midpoint (warned).
    """
    x = np.asarray(x, float)
    with np.errstate(all="ignore"):
        mn = _colmin(x)
        den = x[ref_row] - mn
        bad = ~(den > 0)
        out = lo + (hi - lo) * np.minimum(1.0, 0.5 * (x - mn) / np.where(bad, 1.0, den))
    if bad.any():
        out[:, bad] = np.where(np.isnan(x[:, bad]), np.nan, (lo + hi) / 2)
    return out


# ---------------------------------------------------------------------------------------- registry

@dataclass(frozen=True)
class NormSpec:
    """Parameters of one normalisation call (COINr's ``global_specs`` + ``indiv_specs``).

    Attributes
    ----------
    lo, hi : float
        Output range (``index.range``).
    goalposts : ndarray (k, 2) | None
        Per column, ``[least prone, most prone]`` in the indicator's own units.
    target : ndarray (k,) | None
        Per column, the value at which an area counts as fully prone (own units).
    reference_row : int | None
        Row of the reference area.
    """

    lo: float = 0.0
    hi: float = 100.0
    goalposts: np.ndarray | None = None
    target: np.ndarray | None = None
    reference_row: int | None = None


def _with_direction(f):
    def apply(x, d, spec):
        return f(apply_direction(x, d), spec)
    return apply


def _apply_goalposts(x, d, spec):
    g = np.asarray(spec.goalposts, float)
    a, b = d * g[:, 0], d * g[:, 1]  # direction-applied units
    return goalposts(apply_direction(x, d), np.minimum(a, b), np.maximum(a, b), spec.lo, spec.hi)


NORMALISERS: MethodRegistry = MethodRegistry("normalisation", "norm")
"""Normalisations.  Each :class:`~petarawan.methods.Method` has ``func`` (the pure function on
direction-applied values) and ``apply(x, direction, spec: NormSpec)`` (values as treated, before
the direction), and the properties ``on_range`` (scores on ``[lo, hi]``, so score bands apply),
``data_relative`` (the value depends on the spread of the data, so a constant indicator carries
no information and is dropped) and ``needs`` (per-indicator or study settings it requires)."""

NORMALISERS.add("minmax", minmax, apply=lambda x, d, s: minmax_directed(x, d, s.lo, s.hi)[0],
                on_range=True, data_relative=True, needs=(),
                source="Handbook §5 (Table 3); COINr n_minmax")
NORMALISERS.add("zscore", zscore, apply=_with_direction(lambda x, s: zscore(x)),
                on_range=False, data_relative=True, needs=(),
                source="Handbook §5; COINr n_zscore")
NORMALISERS.add("rank", rank, apply=_with_direction(lambda x, s: rank(x)),
                on_range=False, data_relative=True, needs=(),
                source="COINr n_rank")
NORMALISERS.add("percentile", percentile, apply=_with_direction(lambda x, s: percentile(x, s.lo, s.hi)),
                on_range=True, data_relative=True, needs=(),
                source="CDC/ATSDR SVI documentation; COINr n_prank")
NORMALISERS.add("goalposts", goalposts, apply=_apply_goalposts,
                on_range=True, data_relative=False, needs=("goalposts",),
                source="Handbook §5; COINr n_goalposts")
NORMALISERS.add("target", target, apply=lambda x, d, s: target(apply_direction(x, d), d * np.asarray(s.target, float),
                                                                 s.lo, s.hi),
                on_range=True, data_relative=True, needs=("target",),
                source="COINr n_dist2targ")
NORMALISERS.add("reference", reference,
                apply=_with_direction(lambda x, s: reference(x, s.reference_row, s.lo, s.hi)),
                on_range=True, data_relative=True, needs=("reference_area",),
                source="Handbook §5; COINr n_dist2ref")
