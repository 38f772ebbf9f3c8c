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
from ..i18n import Both, Msg


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
        raise InputError(Finding("error", "hotspot_period", Msg("f.hotspot_period"),
                                 value=period, expected=Msg("x.hotspot_period", columns=list(counts.columns))))
    return counts[period], period




def variable_labels(indicators, v: str) -> tuple[str, str]:
    """(Bahasa Indonesia, English) label of the analysed variable ``v`` as a reader knows it: the
    label of the indicator coded ``v``, else of the stage indicator built from it (``count_v``,
    ``rate_v``, ``eb_rate_v``), else ``v`` itself."""
    by_code = {i.code: i for i in indicators}
    for code in (v, f"count_{v}", f"rate_{v}", f"eb_rate_{v}"):
        if code in by_code:
            return by_code[code].label("id"), by_code[code].label("en")
    return v, v


def _constant_error(value: pd.Series, raw: pd.Series, rates: RateResult | None, measure: str, period: str,
                    label: tuple[str, str]) -> InputError:
    """The error for an analysed value that is the same in every area, with its true cause: no
    event at all, global EB rates all equal to the overall rate (between-area variance truncated
    at 0), or simply equal values."""
    n = len(value)
    x = float(value.iloc[0])
    shown = Msg("f.value_per", value=x, per=rates.per) if rates is not None and measure != "count" \
        else Msg("f.value", value=x)
    if (raw.fillna(0) == 0).all():
        cause = Msg("f.hotspot_constant.no_event", n=n, period=period)
    elif measure == "eb_global" and rates is not None and rates.truncated:
        cause = Msg("f.hotspot_constant.eb_truncated")
    else:
        cause = Msg("f.hotspot_constant.equal", n=n, shown=shown, period=period)
    return InputError(Finding(
        "error", "hotspot_constant",
        Msg("f.hotspot_constant", what=Both(*label), measure=Msg(f"hs.measure.{measure}"), shown=shown, cause=cause),
        value=x, expected=Msg("x.hotspot_constant")))


def analyse_hotspots(areas: gpd.GeoDataFrame, counts: pd.DataFrame, cfg: HotspotConfig, *,
                     population: pd.Series | None = None,
                     seed: int | np.random.Generator = 0,
                     label: tuple[str, str] | None = None) -> HotspotAnalysis:
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
        Population by code (needed for rates).  An area without population is left out of the
        rates only when ``measure = "count"`` (its count is still analysed), and out of the whole
        analysis for a rate measure; either way a ``no_population`` warning names the area and
        the population file's column (``docs/method_spatial.md`` §1).
    seed : int | Generator
        Master seed; each random step gets its own seed drawn from ``np.random.default_rng(seed)``.
    label : (str, str), optional
        The variable's label in Bahasa Indonesia and English for messages (default: ``cfg.variable``).

    Returns
    -------
    HotspotAnalysis

    Raises
    ------
    InputError
        Too few areas with data; an analysed value that is the same in every area
        (``hotspot_constant``, naming the variable by its label and the cause).
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    findings: list[Finding] = []
    counts = counts.reindex(columns=counts.columns)  # copy
    complete = counts.index[counts.notna().all(axis=1)]
    label = label or (cfg.variable, cfg.variable)
    use = areas.index[areas.index.isin(complete)]
    if population is not None:
        no_pop = [str(c) for c in areas.index[areas.index.isin(complete) & ~areas.index.isin(population.index)]]
        if cfg.measure != "count":
            use = use[use.isin(population.index)]
        if no_pop:
            spec = cfg.population
            shown = ", ".join(no_pop[:20]) + (" …" if len(no_pop) > 20 else "")
            left = Msg("f.no_population.count" if cfg.measure == "count" else "f.no_population.rate")
            findings.append(Finding("warning", "no_population",
                                    Msg("f.no_population.hotspots", n=len(no_pop), left=left, shown=shown),
                                    value=len(no_pop), file=spec.file if spec is not None else None,
                                    column=spec.column if spec is not None else None,
                                    expected=Msg("x.no_population")))
    excluded = tuple(str(c) for c in areas.index.difference(use, sort=False))
    if excluded:
        shown = ", ".join(excluded[:20]) + (" …" if len(excluded) > 20 else "")
        findings.append(Finding("warning", "hotspot_no_data",
                                Msg("f.hotspot_no_data", n=len(excluded), what=Both(*label), shown=shown),
                                value=len(excluded), expected=Msg("x.hotspot_no_data")))
    if len(use) < 3:
        raise InputError(Finding("error", "hotspot_too_few", Msg("f.hotspot_too_few"), value=len(use),
                                 expected=Msg("x.hotspot_too_few")))
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
        # rates over the areas with a population (all of ``use`` unless measure = "count")
        with_pop = use[use.isin(population.index)]
        rates = compute_rates(raw.reindex(with_pop).astype(float), population.reindex(with_pop).astype(float),
                              graph=weights.graph if cfg.measure == "eb_spatial" else None)
        findings.extend(rates.findings)
        value = {"count": raw.astype(float), "rate": rates.rate, "eb_global": rates.eb_global,
                 "eb_spatial": rates.eb_spatial}[cfg.measure]
    if value.nunique() == 1:
        raise _constant_error(value, raw, rates, cfg.measure, period, label)
    seeds = {k: int(rng.integers(0, 2**31 - 1)) for k in ("moran", "lisa", "gi", "emerging")}
    moran = global_moran(value, weights.graph, transformation=ws.transformation, permutations=cfg.permutations,
                         seed=seeds["moran"], label=label)
    findings.extend(resolution_findings(len(use), cfg.permutations, cfg.alpha, cfg.fdr, cfg.inference))
    lisa = local_moran(value, weights.graph, transformation=ws.transformation, permutations=cfg.permutations,
                       seed=seeds["lisa"], alpha=cfg.alpha, fdr=cfg.fdr, inference=cfg.inference, label=label)
    gi = gi_star(value, weights.graph, permutations=cfg.permutations, seed=seeds["gi"], fdr=cfg.fdr,
                 inference=cfg.inference, label=label)
    emerging = None
    n_periods = 0 if list(counts.columns) == ["all"] else counts.shape[1]
    if cfg.emerging and n_periods >= 4:
        series = counts
        if population is not None and cfg.measure != "count":
            series = counts.div(population.reindex(use), axis=0) * 10_000
        emerging = emerging_hotspots(series, weights.graph, permutations=cfg.permutations, seed=seeds["emerging"],
                                     alpha=cfg.alpha, trend_alpha=cfg.trend_alpha, fdr=cfg.fdr, inference=cfg.inference,
                                     label=label)
        findings.extend(emerging.findings)
    elif cfg.emerging and n_periods > 1:
        findings.append(Finding("info", "emerging_skipped", Msg("f.emerging_skipped", n_periods=n_periods), value=n_periods))
    return HotspotAnalysis(cfg.variable, cfg.measure, period, value, counts, weights, moran, lisa, gi, rates, emerging,
                           excluded, findings, seeds)
