"""The hot-spot analysis on in-memory data: counts → rates → Moran / LISA / Gi* → emerging hot
spots (no files read or written).  :func:`analyse_hotspots` → :class:`HotspotAnalysis`."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import Finding, InputError
from .config import HotspotConfig
from .emerging import EmergingResult, emerging_hotspots
from .hotspots import (
    GiStarResult,
    GlobalMoranResult,
    LocalMoranResult,
    gi_star,
    global_moran,
    local_moran,
    resolution_findings,
    small_n_findings,
)
from .rates import RateResult, compute_rates
from .weights import WeightsResult, build_weights


@dataclass(frozen=True)
class HotspotAnalysis:
    """Everything the stage computed.

    Attributes
    ----------
    variable, measure, period : str
    value : Series
        Analysed value per area code (areas with data only).
    weights : WeightsResult
    moran : GlobalMoranResult
    lisa : LocalMoranResult
    gi : GiStarResult
    rates : RateResult | None
    emerging : EmergingResult | None
    excluded : tuple[str, ...]
        Area codes without data (not analysed).
    findings : list[Finding]
    seeds : dict[str, int]
    """

    variable: str
    measure: str
    period: str
    value: pd.Series
    counts: pd.DataFrame
    weights: WeightsResult
    moran: GlobalMoranResult
    lisa: LocalMoranResult
    gi: GiStarResult
    rates: RateResult | None
    emerging: EmergingResult | None
    excluded: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    seeds: dict[str, int] = field(default_factory=dict)

    def area_table(self) -> pd.DataFrame:
        """Per-area results (index code, areas with data only)."""
        v = self.variable
        d = pd.DataFrame(index=self.value.index)
        d.index.name = "code"
        if self.rates is not None or self.measure == "count":
            d[f"count_{v}"] = self.counts[self.period] if self.period in self.counts.columns else self.counts.sum(axis=1)
        if self.rates is not None:
            d[f"rate_{v}"] = self.rates.rate
            d[f"eb_rate_{v}"] = self.rates.eb_spatial if self.measure == "eb_spatial" and self.rates.eb_spatial is not None \
                else self.rates.eb_global
        d["lisa_i"] = pd.Series(self.lisa.Is, index=self.lisa.ids)
        d["lisa_p"] = pd.Series(self.lisa.p, index=self.lisa.ids)
        d["lisa_cluster"] = pd.Series(self.lisa.labels, index=self.lisa.ids).astype(str)
        d["gi_z"] = pd.Series(self.gi.z, index=self.gi.ids)
        d["gi_p"] = pd.Series(self.gi.p, index=self.gi.ids)
        d["gi_bin"] = pd.Series(self.gi.bins, index=self.gi.ids).astype(int)
        if self.emerging is not None:
            e = self.emerging
            d["trend_pattern"] = pd.Series(e.pattern, index=e.ids).astype(str)
            d["trend_tau"] = pd.Series(e.tau, index=e.ids)
            d["trend_p"] = pd.Series(e.trend_p, index=e.ids)
            d["hot_periods"] = pd.Series(e.hot.sum(axis=1), index=e.ids).astype(int)
            d["cold_periods"] = pd.Series(e.cold.sum(axis=1), index=e.ids).astype(int)
        return d


def _choose_period(counts: pd.DataFrame, period: str | None) -> tuple[pd.Series, str]:
    if period == "all" or list(counts.columns) == ["all"]:
        return counts.sum(axis=1, min_count=1), "all"
    if period is None:
        period = str(counts.columns[-1])
    if period not in counts.columns:
        raise InputError(Finding("error", "hotspot_period", "periode tidak ada", message_en="period not found",
                                 value=period, expected=f"salah satu dari {list(counts.columns)} atau 'all'",
                                 expected_en=f"one of {list(counts.columns)} or 'all'"))
    return counts[period], period


def analyse_hotspots(areas: gpd.GeoDataFrame, counts: pd.DataFrame, cfg: HotspotConfig, *,
                     population: pd.Series | None = None,
                     seed: int | np.random.Generator = 0) -> HotspotAnalysis:
    """The whole hot-spot analysis on in-memory data (no files read or written).

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons indexed by canonical code.
    counts : DataFrame
        Index code, columns periods in time order (one column ``"all"`` for a single value).
        Areas absent from ``counts`` or with a missing value are excluded (warning).
    cfg : HotspotConfig
    population : Series, optional
        Population by code (needed for rates).
    seed : int | Generator
        Master seed; each random step gets its own seed drawn from ``np.random.default_rng(seed)``.

    Returns
    -------
    HotspotAnalysis

    Raises
    ------
    InputError
        Too few areas with data, constant values, population missing for an analysed area.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    findings: list[Finding] = []
    counts = counts.reindex(columns=counts.columns)  # copy
    complete = counts.index[counts.notna().all(axis=1)]
    use = areas.index[areas.index.isin(complete)]
    if population is not None and cfg.measure != "count":
        use = use[use.isin(population.index)]
        no_pop = areas.index[areas.index.isin(complete) & ~areas.index.isin(population.index)]
        for code in no_pop[:50]:
            findings.append(Finding("warning", "no_population", "wilayah tanpa data penduduk; tidak dianalisis",
                                    message_en="area without population; not analysed", value=code,
                                    expected="baris penduduk untuk kode ini",
                                    expected_en="a population row for this code"))
    excluded = tuple(str(c) for c in areas.index.difference(use, sort=False))
    if excluded:
        shown = ", ".join(excluded[:20]) + (" …" if len(excluded) > 20 else "")
        findings.append(Finding("warning", "hotspot_no_data",
                                f"{len(excluded)} wilayah tanpa data {cfg.variable}, tidak dianalisis hot spot: "
                                f"{shown}",
                                message_en=f"{len(excluded)} area(s) without {cfg.variable} data, left out of the "
                                           f"hot-spot analysis: {shown}", value=len(excluded),
                                expected="nilai untuk setiap periode", expected_en="a value for every period"))
    if len(use) < 3:
        raise InputError(Finding("error", "hotspot_too_few", "terlalu sedikit wilayah dengan data untuk hot spot",
                                 message_en="too few areas with data for hot spots", value=len(use),
                                 expected="≥ 3 (dianjurkan ≥ 30)", expected_en="≥ 3 (≥ 30 recommended)"))
    findings.extend(small_n_findings(len(use)))
    sub = areas.loc[use]
    counts = counts.loc[use]
    ws = cfg.weights
    weights = build_weights(sub, ws.kind, transformation=ws.transformation, k=ws.k, threshold=ws.threshold,
                            contiguity=ws.contiguity, snap_tolerance=ws.snap_tolerance)
    findings.extend(weights.findings())
    raw, period = _choose_period(counts, cfg.period)
    rates = None
    value = raw.astype(float)
    if population is not None:
        rates = compute_rates(raw.astype(float), population.reindex(use).astype(float),
                              graph=weights.graph if cfg.measure == "eb_spatial" else None)
        findings.extend(rates.findings)
        value = {"count": raw.astype(float), "rate": rates.rate, "eb_global": rates.eb_global,
                 "eb_spatial": rates.eb_spatial}[cfg.measure]
    seeds = {k: int(rng.integers(0, 2**31 - 1)) for k in ("moran", "lisa", "gi", "emerging")}
    moran = global_moran(value, weights.graph, transformation=ws.transformation, permutations=cfg.permutations,
                         seed=seeds["moran"])
    findings.extend(resolution_findings(len(use), cfg.permutations, cfg.alpha, cfg.fdr, cfg.inference))
    lisa = local_moran(value, weights.graph, transformation=ws.transformation, permutations=cfg.permutations,
                       seed=seeds["lisa"], alpha=cfg.alpha, fdr=cfg.fdr, inference=cfg.inference)
    gi = gi_star(value, weights.graph, permutations=cfg.permutations, seed=seeds["gi"], fdr=cfg.fdr,
                 inference=cfg.inference)
    emerging = None
    n_periods = 0 if list(counts.columns) == ["all"] else counts.shape[1]
    if cfg.emerging and n_periods >= 4:
        series = counts
        if population is not None and cfg.measure != "count":
            series = counts.div(population.reindex(use), axis=0) * 10_000
        emerging = emerging_hotspots(series, weights.graph, permutations=cfg.permutations, seed=seeds["emerging"],
                                     alpha=cfg.alpha, trend_alpha=cfg.trend_alpha, fdr=cfg.fdr, inference=cfg.inference)
        findings.extend(emerging.findings)
    elif cfg.emerging and n_periods > 1:
        findings.append(Finding("info", "emerging_skipped", f"hanya {n_periods} periode; hot spot berkembang butuh ≥ 4",
                                message_en=f"only {n_periods} periods; emerging hot spots need ≥ 4", value=n_periods))
    return HotspotAnalysis(cfg.variable, cfg.measure, period, value, counts, weights, moran, lisa, gi, rates, emerging,
                           excluded, findings, seeds)
