"""Emerging hot spots: Gi* per period + a Mann–Kendall trend per area → ArcGIS pattern names.

For each period t, Gi* (:func:`petarawan.spatial.hotspots.gi_star`) marks every area as a
significant hot spot (p ≤ cut-off and z > 0), a significant cold spot (z < 0) or neither; the
cut-off is ``alpha`` or its FDR version per period, as ArcGIS applies FDR per time slice.  A
Mann–Kendall test (:func:`mann_kendall`, the statistics of ``pymannkendall.original_test`` for
all areas at once) on each area's series of Gi* z-scores gives the trend in the intensity of
clustering.  :func:`classify_series` then names the pattern.

Source of the rules
-------------------
Esri, ArcGIS Pro documentation, *How Emerging Hot Spot Analysis works* (``learnmoreemerging.htm``,
table "Pattern name / Definition"), read in its 2.8, 3.2 and ArcGIS AllSource (latest) versions.
Cross-checked with the open implementation in the R package ``sfdep``
(``R/emerging-hostpot-classifications.R``, J. Parry), which cites the same page.  With T periods,
H = set of hot periods, "90 %" means |H| ≥ 0.9·T, and a significant trend means Mann–Kendall
p < ``trend_alpha``:

=================  =====================================================================
pattern            rule (hot; cold is the mirror image with hot ↔ cold, up ↔ down)
=================  =====================================================================
new                final period hot; never hot (nor cold) before.
consecutive        final run of ≥ 2 hot periods; never hot (nor cold) before that run;
                   < 90 % of periods hot.
intensifying       ≥ 90 % hot, final period hot, significant *increasing* trend in z.
persistent         ≥ 90 % hot, final period hot, no significant trend.
diminishing        ≥ 90 % hot, final period hot, significant *decreasing* trend in z.
sporadic           final period hot; < 90 % hot; hot before, but not in one unbroken final
                   run (on again, off again); never cold.
oscillating        final period hot; < 90 % hot; cold in at least one earlier period.
historical         final period not hot; ≥ 90 % of periods hot.
no pattern         none of the above.
=================  =====================================================================

Where Esri's wording leaves a choice, we decide as follows (and sfdep agrees): a final hot run
preceded by a cold period is *oscillating*, not *new*/*consecutive* ("never been a hot spot
before" is read together with the oscillating rule, which is the more specific); an area hot in
≥ 90 % of periods whose final period is not hot is *historical* (Esri's *persistent* is read as
including the final period, as intensifying and diminishing explicitly do).

Differences from ArcGIS (documented, deliberate): ArcGIS's space-time Gi* also counts the same
area's neighbours in the previous ``Neighborhood Time Step`` periods; here each period's Gi* uses
spatial neighbours only (time window 0).  Esri recommends at least 10 periods; fewer gives a
warning, fewer than 4 an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from libpysal.graph import Graph
from scipy.stats import norm

from ..errors import Finding, InputError
from .hotspots import Inference, Label, gi_star, islands_of, seed_from, significance_cutoff
from ..i18n import Msg

PATTERNS: tuple[str, ...] = (
    "new_hot", "consecutive_hot", "intensifying_hot", "persistent_hot", "diminishing_hot",
    "sporadic_hot", "oscillating_hot", "historical_hot",
    "new_cold", "consecutive_cold", "intensifying_cold", "persistent_cold", "diminishing_cold",
    "sporadic_cold", "oscillating_cold", "historical_cold",
    "no_pattern",
)
MIN_PERIODS = 4
RECOMMENDED_PERIODS = 10


def _final_run(flags: np.ndarray) -> int:
    """Length of the unbroken run of True at the end of ``flags``."""
    n = 0
    for f in flags[::-1]:
        if not f:
            break
        n += 1
    return n


def _classify_side(on: np.ndarray, other: np.ndarray, trend: int, side: str) -> str | None:
    """Pattern for one side (``on`` = hot flags, ``other`` = cold flags for side "hot")."""
    T = len(on)
    share = on.sum() / T
    if on[-1]:
        if share >= 0.9:
            if trend > 0:
                return f"intensifying_{side}" if side == "hot" else f"diminishing_{side}"
            if trend < 0:
                return f"diminishing_{side}" if side == "hot" else f"intensifying_{side}"
            return f"persistent_{side}"
        if other.any():
            return f"oscillating_{side}"
        run = _final_run(on)
        if on.sum() == run:
            return f"new_{side}" if run == 1 else f"consecutive_{side}"
        return f"sporadic_{side}"
    if share >= 0.9:
        return f"historical_{side}"
    return None


def classify_series(hot, cold, trend: int) -> str:
    """Name the emerging-hot-spot pattern of one area.

    Parameters
    ----------
    hot, cold : array-like of bool, shape (T,)
        Per period, whether the area is a significant hot / cold spot (never both).
    trend : {-1, 0, 1}
        Sign of a *significant* Mann–Kendall trend of the Gi* z-scores; 0 when not significant.
        For cold spots an increasing z (towards 0) means the cold spot is diminishing, a
        decreasing z that it is intensifying.

    Returns
    -------
    str
        One of :data:`PATTERNS`.  Rules and source: module docstring.
    """
    hot = np.asarray(hot, dtype=bool)
    cold = np.asarray(cold, dtype=bool)
    if hot.shape != cold.shape or hot.ndim != 1:
        raise ValueError("hot and cold must be 1-D arrays of the same length")
    if (hot & cold).any():
        raise ValueError("a period cannot be both hot and cold")
    if hot[-1] or (not cold[-1] and hot.sum() >= 0.9 * len(hot)):
        return _classify_side(hot, cold, trend, "hot") or "no_pattern"
    return _classify_side(cold, hot, trend, "cold") or "no_pattern"


def mann_kendall(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann–Kendall trend test of every row of ``x`` at once (no Sen's slope).

    Parameters
    ----------
    x : ndarray (n, T), float, no NaN
        One series per row, in time order.

    Returns
    -------
    s : ndarray (n,) int — Mann–Kendall score S = Σ_{k<j} sign(x_j − x_k)
    tau : ndarray (n,) — Kendall's τ = S / (T(T − 1)/2)
    p : ndarray (n,) — two-sided p-value of Z = (S − sign(S)) / √var(S) (0 when S = 0),
        ``2 (1 − Φ(|Z|))``, with var(S) = [T(T − 1)(2T + 5) − Σ_g t_g(t_g − 1)(2t_g + 5)] / 18
        over the groups g of tied values of sizes t_g.

    Source: Mann (1945), Kendall (1975), Gilbert (1987) §16.4; the very formulas of
    ``pymannkendall.original_test`` (Hussain & Mahmud 2019), which computes them one series at a
    time plus a Sen's slope the trend does not need; equal to it on real series
    (``tests/spatial/test_mann_kendall.py``).
    """
    x = np.asarray(x, dtype=float)
    n, T = x.shape
    diff = x[:, None, :] - x[:, :, None]  # [i, k, j] = x_j − x_k
    upper = np.triu(np.ones((T, T), dtype=bool), 1)  # pairs k < j
    s = np.sign(diff[:, upper]).sum(axis=1).astype(np.int64)
    # ties: an element in a group of t equal values sees t equal values (itself included);
    # Σ_g t(t − 1)(2t + 5) = Σ_elements (t − 1)(2t + 5)
    t = (diff == 0).sum(axis=2)
    ties = ((t - 1) * (2 * t + 5)).sum(axis=1)
    var_s = (T * (T - 1) * (2 * T + 5) - ties) / 18
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var_s), np.where(s < 0, (s + 1) / np.sqrt(var_s), 0.0))
    p = 2 * (1 - norm.cdf(np.abs(z)))
    tau = s / (0.5 * T * (T - 1))
    return s, tau, p


@dataclass(frozen=True)
class EmergingResult:
    """Emerging hot spot analysis of n areas over T periods.

    Attributes
    ----------
    ids : Index (n,)
    periods : tuple[str, ...] (T,)
    z, p : ndarray (n, T)
        Gi* z-scores and the p-values that decided significance (an island — no neighbour — has
        z NaN and p 1 in every period, no trend (τ and p NaN) and ``no_pattern``).
    hot, cold : ndarray (n, T) of bool
    tau, trend_p : ndarray (n,)
        Mann–Kendall τ and p-value of each area's z-score series.
    trend : ndarray (n,) of int
        +1 / −1 significant increasing / decreasing trend, 0 none.
    pattern : ndarray (n,) of str
        One of :data:`PATTERNS`.
    params : dict
        Every choice (alpha, trend_alpha, fdr, inference, permutations, per-period seeds and cut-offs).
    findings : list[Finding]
    """

    ids: pd.Index
    periods: tuple[str, ...]
    z: np.ndarray
    p: np.ndarray
    hot: np.ndarray
    cold: np.ndarray
    tau: np.ndarray
    trend_p: np.ndarray
    trend: np.ndarray
    pattern: np.ndarray
    params: dict
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        return {k: int((self.pattern == k).sum()) for k in PATTERNS if (self.pattern == k).any()}


def emerging_hotspots(counts: pd.DataFrame, graph: Graph, *, permutations: int = 999,
                      seed: int | np.random.Generator = 0, alpha: float = 0.05, trend_alpha: float = 0.05,
                      fdr: bool = True, inference: Inference = "permutation", label: Label = "y") -> EmergingResult:
    """Emerging hot spot analysis.

    Parameters
    ----------
    counts : DataFrame (n, T)
        Index = area codes (all in ``graph``), columns = periods in time order; values ≥ 0.
    graph : libpysal.graph.Graph
        Spatial neighbours (used as binary weights with w_ii = 1 for Gi*).
    permutations, seed, fdr, inference
        As :func:`petarawan.spatial.hotspots.gi_star`; each period gets its own seed drawn from
        ``np.random.default_rng(seed)`` (recorded in ``params``).
    alpha : float
        Significance level of a hot / cold spot in one period.
    trend_alpha : float
        Significance level of the Mann–Kendall trend.
    label : str | (str, str)
        The values' name in messages (the indicator's label; Bahasa Indonesia, English).

    Returns
    -------
    EmergingResult

    Raises
    ------
    InputError
        Fewer than 4 periods; missing or negative values.
    """
    T = counts.shape[1]
    periods = tuple(str(c) for c in counts.columns)
    if T < MIN_PERIODS:
        raise InputError(Finding("error", "emerging_periods", Msg("f.emerging_periods"), value=T,
                                 expected=Msg("x.emerging_periods", min_periods=MIN_PERIODS, recommended_periods=RECOMMENDED_PERIODS)))
    findings: list[Finding] = []
    if T < RECOMMENDED_PERIODS:
        findings.append(Finding("warning", "emerging_few_periods", Msg("f.emerging_few_periods", t=T), value=T,
                                expected=Msg("x.emerging_few_periods")))
    ids = pd.Index(graph.unique_ids)
    data = counts.reindex(ids)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed_from(seed))
    n = len(ids)
    islands = islands_of(graph)  # no local statistic in any period: z NaN, never hot or cold, no trend
    z = np.zeros((n, T))
    p = np.ones((n, T))
    hot = np.zeros((n, T), dtype=bool)
    cold = np.zeros((n, T), dtype=bool)
    seeds, cutoffs = [], []
    for t, col in enumerate(data.columns):
        y = data[col]
        s = seed_from(rng)
        seeds.append(s)
        if y.notna().all() and y.nunique() == 1:  # nothing to cluster in this period
            findings.append(Finding("info", "emerging_constant_period",
                                    Msg("f.emerging_constant_period", periods_t=periods[t]), column=periods[t]))
            cutoffs.append(None)
            continue
        # analytical inference needs no permutations: skip them (the z-scores are the same)
        g = gi_star(y, graph, permutations=0 if inference == "analytical" else permutations, seed=s, fdr=fdr,
                    inference=inference, label=label)
        cut = significance_cutoff(g.p, alpha, fdr, tested=~islands)
        cutoffs.append(cut)
        sig = g.p <= cut
        z[:, t], p[:, t] = g.z, g.p
        hot[:, t], cold[:, t] = sig & (g.z > 0), sig & (g.z < 0)
    z[islands] = np.nan
    tau = np.where(islands, np.nan, 0.0)
    tp = np.where(islands, np.nan, 1.0)
    trend = np.zeros(n, dtype=int)
    with np.errstate(invalid="ignore"):
        tested = ~islands & np.isfinite(z).all(axis=1) & (np.ptp(z, axis=1) > 0)  # a flat series has no trend
    if tested.any():
        s_mk, tau[tested], tp[tested] = mann_kendall(z[tested])
        trend[tested] = np.where(tp[tested] < trend_alpha, np.sign(s_mk), 0)
    pattern = np.empty(n, dtype=object)
    for i in range(n):
        pattern[i] = classify_series(hot[i], cold[i], trend[i])
    params = {"periods": list(periods), "alpha": alpha, "trend_alpha": trend_alpha, "fdr": fdr,
              "inference": inference, "permutations": permutations, "period_seeds": seeds,
              "period_cutoffs": [None if c is None else round(float(c), 8) for c in cutoffs],
              "islands": [str(i) for i in ids[islands]],
              "trend_test": "Mann-Kendall (formulas of pymannkendall.original_test) on Gi* z-scores",
              "time_window": 0, "rules": "Esri, How Emerging Hot Spot Analysis works (ArcGIS Pro)"}
    return EmergingResult(ids, periods, z, p, hot, cold, tau, tp, trend, pattern, params, findings)
