"""Counts and rates per 10,000 residents, raw and empirical-Bayes smoothed.

A raw rate over a small population is unstable: one case among 200 residents is a rate of 50
per 10,000.  Empirical Bayes (EB) smoothing shrinks each raw rate towards a reference mean, the
more so the smaller the population, so that small areas are not ranked worst by chance.

Sources
-------
- Raw rate r_i = e_i / b_i × 10,000 (e = events, b = population at risk).
- Global EB: Marshall, R. J. (1991), "Mapping disease and mortality rates using empirical Bayes
  estimators", *Applied Statistics* 40(2), 283–294; Anselin, Lozano & Koschinsky (2006),
  "Rate transformations and smoothing", GeoDa Center.  With global mean m = Σe / Σb and prior
  variance s² = Σ b_i (r_i − m)² / Σb − m / b̄, the smoothed rate is
  θ_i = w_i r_i + (1 − w_i) m with w_i = s² / (s² + m / b_i).
  Implementation: ``esda.smoothing.Empirical_Bayes``.
- Spatial EB: the same with m and s² computed over each area's neighbourhood (the area and its
  neighbours), negative prior variances set to 0.  Implementation:
  ``esda.smoothing.Spatial_Empirical_Bayes``; a neighbourhood without events (mean 0, variance
  0, which esda returns as 0/0) gets the smoothed rate 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from esda.smoothing import Empirical_Bayes, Spatial_Empirical_Bayes
from libpysal.graph import Graph

from ..errors import Finding, InputError

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
        The global prior variance s² (per resident²); negative means the raw rates vary less
        than Poisson noise alone would make them, and global EB then shrinks unreliably.
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


def _check(count: pd.Series, population: pd.Series) -> None:
    bad: list[Finding] = []
    if not count.index.equals(population.index):
        raise InputError(Finding("error", "rate_index", "jumlah dan penduduk tidak selaras",
                                 message_en="counts and population are not indexed by the same area codes",
                                 expected="kode yang sama dengan urutan yang sama",
                                 expected_en="the same codes in the same order"))
    for code, v in count.items():
        if not np.isfinite(v) or v < 0:
            bad.append(Finding("error", "negative_count", "jumlah kasus harus ≥ 0", message_en="count must be ≥ 0",
                               value=code, column="count", expected="jumlah ≥ 0", expected_en="a count ≥ 0"))
    for code, v in population.items():
        if not np.isfinite(v) or v <= 0:
            bad.append(Finding("error", "population_not_positive",
                               f"penduduk harus > 0 untuk menghitung laju (wilayah {code})",
                               message_en=f"population must be > 0 to compute a rate (area {code})", value=v,
                               column="population", expected="penduduk > 0", expected_en="a population > 0"))
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
    eb = Empirical_Bayes(e, b)
    eb_global = pd.Series(eb.r.ravel() * per, index=count.index, name="eb_global")
    # the prior variance esda uses (Marshall 1991, eq. for s²), reported so users can judge the shrinkage
    m = e.sum() / b.sum()
    s2 = float((b * (e / b - m) ** 2).sum() / b.sum() - m / b.mean())
    findings: list[Finding] = []
    if s2 < 0:
        findings.append(Finding("warning", "eb_negative_variance",
                                "varians prior EB global negatif: laju mentah lebih seragam daripada derau Poisson; "
                                "laju EB global kurang andal",
                                message_en="global EB prior variance is negative: raw rates vary less than Poisson "
                                           "noise; global EB rates are unreliable", value=s2,
                                expected="sebaiknya eb_spatial atau jumlah mentah",
                                expected_en="prefer eb_spatial or raw counts"))
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
    return RateResult(count, population, rate, eb_global, eb_spatial, per, s2, findings)
