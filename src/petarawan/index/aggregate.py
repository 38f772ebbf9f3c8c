"""Aggregation: combine normalised indicators into a dimension score, dimensions into the index.

Every function takes ``x`` (n areas × k components, NaN = missing) and weights ``w`` of shape
(k,) — or (k, R) to aggregate R weight sets at once (the Monte Carlo runs) — and returns
(n,) — or (n, R).  Missing components are skipped and the weights of the present ones
renormalised to sum to 1, as COINr's ``a_amean``/``a_gmean``/``a_hmean`` do (``w[is.na(x)] <- NA``
then divide by ``sum(w, na.rm = TRUE)``).  An area with no present component gets NaN.

Sources: OECD/JRC *Handbook on Constructing Composite Indicators* (2008), §6.2 (linear and
geometric aggregation); COINr ``R/aggregate.R`` (``a_amean``, ``a_gmean``, ``a_hmean``,
``a_genmean``, ``outrankMatrix``/``a_copeland``).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["aggregate", "arithmetic", "geometric", "harmonic", "generalised", "copeland", "shift_constant", "METHODS"]

METHODS = ("arithmetic", "geometric", "harmonic", "generalised", "copeland")


def _wsum(values: np.ndarray, present: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Σ_k w_k v_ik and Σ_k w_k over the present components (matrix products).

    ``values`` (n, k) with ``w`` (k,) or (k, R); or ``values`` (n, k, R) with ``w`` (k, R) —
    run r of the Monte Carlo aggregates slice ``[:, :, r]`` with ``w[:, r]``."""
    v = np.where(present, values, 0.0)
    p = present.astype(float)
    if v.ndim == 3:
        return np.einsum("nkr,kr->nr", v, w), np.einsum("nkr,kr->nr", p, w)
    return v @ w, p @ w


def _finish(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def arithmetic(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""Weighted arithmetic mean :math:`\sum_k w_k x_k / \sum_k w_k` over present components
    (Handbook §6.2 eq. linear aggregation; COINr ``a_amean``)."""
    x = np.asarray(x, float)
    ok = ~np.isnan(x)
    return _finish(*_wsum(x, ok, np.asarray(w, float)))


def shift_constant(x: np.ndarray, scale: float) -> float | np.ndarray:
    r"""The shift ``c`` used by :func:`geometric` and :func:`harmonic` when ``x`` has values ≤ 0:
    :math:`c = s - \min x` where ``s = scale`` (1 % of the normalisation range: 1 on 0–100), so
    the smallest shifted value is ``s``; 0 when every value is already positive.

    For ``x`` of shape (n, k, R) (R Monte Carlo runs) one ``c`` per run, shape (R,), so a run's
    result never depends on the other runs."""
    x = np.asarray(x, float)
    if x.ndim == 3:
        with np.errstate(all="ignore"):
            mn = np.nanmin(np.where(np.isnan(x), np.inf, x), axis=(0, 1))
        mn = np.where(np.isfinite(mn), mn, 1.0)
        return np.where(mn <= 0, scale - mn, 0.0)
    with np.errstate(all="ignore"):
        mn = np.nanmin(x) if np.any(~np.isnan(x)) else 1.0
    return float(scale - mn) if mn <= 0 else 0.0


def geometric(x: np.ndarray, w: np.ndarray, shift: float = 0.0) -> np.ndarray:
    r"""Weighted geometric mean, shifted when needed:

    .. math:: G_c(x) = \exp\!\Big(\sum_k w_k \ln(x_k + c) \big/ \sum_k w_k\Big) - c

    With ``c = 0`` this is the Handbook's geometric aggregation (§6.2; COINr ``a_gmean``),
    defined only for positive values.  COINr stops with an error on any zero; min–max to
    0–100 always produces zeros (the minimum of every indicator), so petarawan applies the
    *shifted* geometric mean with ``c`` from :func:`shift_constant` (``zero_handling =
    "shift"``, default; ``build_index`` records ``c`` and warns) or raises (``"error"``).
    Subtracting ``c`` afterwards keeps the result on the scale of ``x`` (``G_c`` of equal values
    is that value).  Caller guarantees ``x + c > 0``.
    """
    x = np.asarray(x, float)
    ok = ~np.isnan(x)
    with np.errstate(all="ignore"):
        lx = np.log(np.where(ok, x + shift, 1.0))
    return np.exp(_finish(*_wsum(lx, ok, np.asarray(w, float)))) - shift


def harmonic(x: np.ndarray, w: np.ndarray, shift: float = 0.0) -> np.ndarray:
    r"""Weighted harmonic mean, shifted like :func:`geometric`:
    :math:`H_c = \sum_k w_k / \sum_k \frac{w_k}{x_k + c} - c` (COINr ``a_hmean`` for ``c = 0``)."""
    x = np.asarray(x, float)
    ok = ~np.isnan(x)
    with np.errstate(all="ignore"):
        inv = np.where(ok, 1.0 / (x + shift), 0.0)
    num, den = _wsum(inv, ok, np.asarray(w, float))
    with np.errstate(all="ignore"):
        return np.where(den > 0, den / num, np.nan) - shift


def generalised(x: np.ndarray, w: np.ndarray, p: float = 2.0, shift: float = 0.0) -> np.ndarray:
    r"""Weighted generalised (power) mean :math:`M_p = \big(\sum_k w_k (x_k+c)^p / \sum_k w_k\big)^{1/p} - c`
    (COINr ``a_genmean``; p = 1 arithmetic, p → 0 geometric, p = −1 harmonic).  Values must be
    ≥ 0 for non-integer p; ``c`` as in :func:`geometric`."""
    x = np.asarray(x, float)
    ok = ~np.isnan(x)
    with np.errstate(all="ignore"):
        xp = np.where(ok, (x + shift) ** p, 0.0)
        return _finish(*_wsum(xp, ok, np.asarray(w, float))) ** (1.0 / p) - shift


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
    x = np.asarray(x, float)
    if x.ndim == 3:
        return np.stack([copeland(x[:, :, i], np.asarray(w)[:, i], lo, hi) for i in range(x.shape[2])], axis=1)
    ok = ~np.isnan(x)
    r = np.full(x.shape, np.nan)
    for k in range(x.shape[1]):
        col = x[:, k]
        m = ok[:, k]
        n = int(m.sum())
        if n > 1:
            r[m, k] = (rankdata(col[m], method="average") - 1.0) / (n - 1.0)
        elif n == 1:
            r[m, k] = 0.5
    return lo + (hi - lo) * arithmetic(r, w)


def aggregate(x: np.ndarray, w: np.ndarray, method: str, *, power: float = 2.0, shift: float = 0.0,
              lo: float = 0.0, hi: float = 100.0) -> np.ndarray:
    """Dispatch to one of :data:`METHODS`.  ``shift`` applies to geometric, harmonic and
    generalised means; ``lo``/``hi`` to Copeland."""
    if method == "arithmetic":
        return arithmetic(x, w)
    if method == "geometric":
        return geometric(x, w, shift)
    if method == "harmonic":
        return harmonic(x, w, shift)
    if method == "generalised":
        return generalised(x, w, power, shift)
    if method == "copeland":
        return copeland(x, w, lo, hi)
    raise ValueError(f"unknown aggregation {method!r}; choose one of {METHODS}")
