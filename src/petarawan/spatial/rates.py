"""Counts and rates per 10,000 residents, raw and empirical-Bayes smoothed.

A raw rate over a small population is unstable: one case among 200 residents is a rate of 50
per 10,000.  Empirical Bayes (EB) smoothing shrinks each raw rate towards a reference mean, the
more so the smaller the population, so that small areas are not ranked worst by chance.

Sources
-------
- Raw rate r_i = e_i / b_i × 10,000 (e = events, b = population at risk).
- Global EB: Marshall, R. J. (1991), "Mapping disease and mortality rates using empirical Bayes
  estimators", *Applied Statistics* 40(2), 283–294; Anselin, Lozano & Koschinsky (2006),
  "Rate transformations and smoothing", GeoDa Center.  With global mean m = Σe / Σb and the
  moment estimate of the between-area variance s² = Σ b_i (r_i − m)² / Σb − m / b̄, the smoothed
  rate is θ_i = w_i r_i + (1 − w_i) m with w_i = s² / (s² + m / b_i) (Marshall 1991,
  pp. 284–285; Bailey & Gatrell 1995, *Interactive Spatial Data Analysis*, pp. 303–306).  **A
  negative s² is set to 0**, the conventional truncation of the moment estimator (GeoDa's
  ``empiricalBayes``: "if σ² is negative, sets it to 0"; esda and GeoDa truncate the spatial
  version the same way): the raw rates then vary no more than Poisson noise would make them, there
  is no between-area variation to keep, w_i = 0 and every θ_i = m.  With s² ≥ 0 each w_i lies in [0, 1], so θ_i lies between r_i and m.
  ``esda.smoothing.Empirical_Bayes`` computes the same without the truncation (a negative s²
  gives weights outside [0, 1] and rates beyond the raw rate, even negative ones), so the
  estimator is written out here (:func:`global_eb`); it equals esda's whenever s² ≥ 0 (tested).
- Spatial EB: the same with m_i and s²_i computed over each area's neighbourhood (the area and its
  neighbours), negative prior variances set to 0 — the same truncation.  Implementation:
  ``esda.smoothing.Spatial_Empirical_Bayes``; a neighbourhood without events (mean 0, variance
  0, which esda returns as 0/0) gets the smoothed rate 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from esda.smoothing import Spatial_Empirical_Bayes
from libpysal.graph import Graph

from ..errors import Finding, InputError
from ..i18n import Msg

PER = 10_000
"""Rates are per 10,000 residents."""


@dataclass(frozen=True)
class RateResult:
    """Counts, raw rates and smoothed rates, all indexed by area code.

    Attributes
    ----------
    count : Series
        Events per area (n,).
    population : Series
        Population at risk per area (n,), > 0.
    rate : Series
        Raw rate per ``per`` residents (n,).
    eb_global : Series
        Global empirical Bayes rate per ``per`` residents (n,).
    eb_spatial : Series | None
        Spatial empirical Bayes rate per ``per`` residents (n,), when weights were given.
    per : int
    prior_variance : float
        The moment estimate of the global between-area variance s² (per resident²) before
        truncation; negative means the raw rates vary less than Poisson noise alone would make
        them, and the global EB rates then all equal the overall rate ``mean``.
    mean : float
        The overall rate m = Σe / Σb per ``per`` residents.
    findings : list[Finding]
    """

    count: pd.Series
    population: pd.Series
    rate: pd.Series
    eb_global: pd.Series
    eb_spatial: pd.Series | None
    per: int
    prior_variance: float
    findings: list[Finding]
    mean: float = float("nan")

    @property
    def truncated(self) -> bool:
        """The global between-area variance was negative and set to 0 (every global EB rate = m)."""
        return bool(self.prior_variance < 0)


def global_eb(e: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Global empirical Bayes rates (Marshall 1991) with the between-area variance truncated at 0.

    Parameters
    ----------
    e : ndarray (n,)
        Events ≥ 0.
    b : ndarray (n,)
        Population at risk > 0.

    Returns
    -------
    theta : ndarray (n,)
        Smoothed rates per resident: θ_i = w_i r_i + (1 − w_i) m, w_i = s²₊ / (s²₊ + m / b_i),
        s²₊ = max(s², 0); θ_i lies between r_i and m.  With no event at all (m = 0) θ_i = 0.
    m : float
        Overall rate Σe / Σb per resident.
    s2 : float
        Moment estimate s² = Σ b_i (r_i − m)² / Σb − m / b̄ before truncation.
    """
    e = np.asarray(e, dtype=float)
    b = np.asarray(b, dtype=float)
    m = e.sum() / b.sum()
    r = e / b
    s2 = float((b * (r - m) ** 2).sum() / b.sum() - m / b.mean())
    s2_plus = max(s2, 0.0)
    if s2_plus == 0.0:  # no between-area variation (or no event): every area gets the overall rate
        return np.full(len(e), m), float(m), s2
    w = s2_plus / (s2_plus + m / b)
    return w * r + (1.0 - w) * m, float(m), s2


def _check(count: pd.Series, population: pd.Series) -> None:
    bad: list[Finding] = []
    if not count.index.equals(population.index):
        raise InputError(Finding("error", "rate_index", Msg("f.rate_index"),
                                 expected=Msg("x.rate_index")))
    for code, v in count.items():
        if not np.isfinite(v) or v < 0:
            bad.append(Finding("error", "negative_count", Msg("f.negative_count", code=code), value=v, expected=Msg("x.negative_count")))
    for code, v in population.items():
        if not np.isfinite(v) or v <= 0:
            bad.append(Finding("error", "population_not_positive",
                               Msg("f.population_not_positive", code=code), value=v,
                               expected=Msg("x.population_not_positive")))
    if bad:
        raise InputError(bad)


def compute_rates(count: pd.Series, population: pd.Series, *, graph: Graph | None = None,
                  per: int = PER) -> RateResult:
    """Raw and empirical-Bayes-smoothed rates per ``per`` residents.

    Parameters
    ----------
    count : Series
        (n,) events per area, index = area code; ≥ 0.
    population : Series
        (n,) population at risk, same index; > 0.
    graph : libpysal.graph.Graph, optional
        Weights over the same ids, for the spatial EB rate (transformation does not matter:
        only who is a neighbour is used).
    per : int
        Rate multiplier (10,000 by default).

    Returns
    -------
    RateResult

    Raises
    ------
    InputError
        A negative or missing count, a population ≤ 0 or missing, or misaligned indexes.
    """
    count = count.astype(float)
    population = population.astype(float)
    _check(count, population)
    e, b = count.to_numpy(), population.to_numpy()
    rate = pd.Series(e / b * per, index=count.index, name="rate")
    theta, m, s2 = global_eb(e, b)
    eb_global = pd.Series(theta * per, index=count.index, name="eb_global")
    findings: list[Finding] = []
    if s2 < 0:
        findings.append(Finding("warning", "eb_negative_variance",
                                Msg("f.eb_negative_variance", s2=s2, mean=m * per, per=per), value=s2,
                                expected=Msg("x.eb_negative_variance")))
    eb_spatial = None
    if graph is not None:
        w = graph.transform("b").to_W()
        w.id_order = list(count.index)
        with np.errstate(divide="ignore", invalid="ignore"):
            seb = Spatial_Empirical_Bayes(e, b, w)
        r = seb.r.ravel()
        # A neighbourhood without any event has mean 0 and prior variance 0, and esda returns
        # 0/0 = NaN; its smoothed rate is that neighbourhood mean, 0 (the area's own rate is 0 too).
        r = np.where(np.isnan(r) & (e == 0), 0.0, r)
        eb_spatial = pd.Series(r * per, index=count.index, name="eb_spatial")
    return RateResult(count, population, rate, eb_global, eb_spatial, per, s2, findings, m * per)
