"""Sampling uncertainty of the area survey scores: bootstrap of respondents within strata.

Each area × instrument is a stratum (residents, the village head and the officers are sampled
separately in each village).  A replicate resamples, in every stratum h with n_h ≥ 2
respondents, m_h = n_h − 1 respondents **with replacement** and takes their mean; the area
score is then recombined exactly as the estimate is (:func:`petarawan.ikrn.aggregate.combine`,
same instruments, same weights).  This is the rescaling bootstrap of Rao & Wu (1988, *JASA*
83(401), 231–241) with m_h = n_h − 1, for which the rescaling factor √(m_h / (n_h − 1)) is 1
(McCarthy & Snowden 1985): for a stratum mean its bootstrap variance is exactly s_h² / n_h, the
usual unbiased variance estimate, where the naive bootstrap (m_h = n_h) would give
(n_h − 1) / n_h · s_h² / n_h (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, §6).
A stratum with one respondent (e.g. the village head, the whole population of its stratum)
contributes its value unchanged: no sampling variance.

The standard error of an area score is the standard deviation of its B replicates (Efron &
Tibshirani 1993, eq. 6.6).  Replicates are also the survey draws of the Monte Carlo class
probabilities (:mod:`petarawan.index.uncertainty`): every run takes one replicate, so class
probabilities combine sampling and method uncertainty.

Vectorised: one replicate is one random draw of Σ m_h positions, one gather and one
segment sum (``np.add.reduceat``); no Python loop over respondents or areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .aggregate import RespondentScores, combine, stratum_means
from .bank import INSTRUMENTS

__all__ = ["BootstrapResult", "bootstrap_areas"]


@dataclass(frozen=True)
class BootstrapResult:
    """``replicates`` float32 (B, n_areas, K) — NaN where the area has no score — and ``se``
    float64 (n_areas, K), the standard deviation over replicates (ddof = 1; NaN with B < 2)."""

    replicates: np.ndarray
    se: np.ndarray
    seed: int | list[int]
    method: str = "Rao-Wu rescaling bootstrap, m_h = n_h - 1, strata = area x instrument"


def bootstrap_areas(resp: RespondentScores, n_areas: int, *, used: np.ndarray, scored: np.ndarray,
                    weights: dict[str, float], replicates: int, seed: int | list[int]) -> BootstrapResult:
    """Bootstrap replicates of every area survey indicator.

    Parameters
    ----------
    resp : RespondentScores (sorted by area, instrument)
    used : bool (n_areas, 3)
        Instruments counted in each area (:attr:`AreaScores.used`).
    scored : bool (n_areas,)
        Areas with a survey score; others stay NaN in every replicate.
    weights : instrument → weight
    replicates : B
    seed : int
        ``np.random.default_rng(seed)``; the same seed gives the same replicates.

    Returns
    -------
    BootstrapResult
    """
    rng = np.random.default_rng(seed)
    K = resp.values.shape[1]
    S = n_areas * len(INSTRUMENTS)
    key = resp.area.astype(np.int64) * len(INSTRUMENTS) + resp.instrument
    w = np.array([float(weights.get(k, 0.0)) for k in INSTRUMENTS])
    counts, base_means = stratum_means(resp, n_areas)
    size = np.bincount(key, minlength=S)                      # respondents per stratum
    start = np.concatenate([[0], np.cumsum(size)[:-1]])       # resp is sorted by key
    m = np.where(size >= 2, size - 1, 0)                      # draws per stratum
    strata = np.flatnonzero(m)
    slot_stratum = np.repeat(strata, m[strata])
    slot_start = start[slot_stratum]
    slot_n = size[slot_stratum].astype(np.float64)
    seg = np.concatenate([[0], np.cumsum(m[strata])[:-1]]) if len(strata) else np.empty(0, np.int64)
    vals = resp.values
    finite = np.isfinite(vals)
    vz = np.where(finite, vals, 0.0)
    single = K == 1 and bool(finite.all())
    out = np.empty((replicates, n_areas, K), np.float32)
    base = base_means.reshape(S, K)
    for b in range(replicates):
        means = base.copy()
        if len(slot_start):
            idx = slot_start + (rng.random(len(slot_start)) * slot_n).astype(np.int64)
            if single:
                s = np.add.reduceat(vz[idx, 0], seg)
                means[strata, 0] = s / m[strata]
            else:
                s = np.add.reduceat(vz[idx], seg, axis=0)
                c = np.add.reduceat(finite[idx].astype(np.int32), seg, axis=0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    means[strata] = np.where(c > 0, s / np.maximum(c, 1), np.nan)
        rep = combine(means.reshape(n_areas, len(INSTRUMENTS), K), used, w)
        rep[~scored] = np.nan
        out[b] = rep
    se = np.full((n_areas, K), np.nan)
    if replicates >= 2:
        se[scored] = out[:, scored].astype(np.float64).std(axis=0, ddof=1)
    return BootstrapResult(out, se, seed)
