"""Pipeline stage ``hotspots`` (before the index: it provides indicators): counts → rates →
Moran / LISA / Gi* → emerging hot spots → kernel density, returned as a
:class:`HotspotsStageResult`.

Reading: :mod:`petarawan.spatial.inputs`; the pure analysis: :func:`petarawan.spatial.analysis.
analyse_hotspots`; presentation (maps, sheets, report sections): :mod:`petarawan.report.hotspots`.

Its ``indicators`` (usable by ``[[indicators]]`` entries with ``stage = "hotspots"``), for
``variable = v``: ``count_v``, ``rate_v``, ``eb_rate_v`` (with population), ``gi_z_v``,
``gi_bin_v``, ``lisa_i_v``, and ``v`` itself (the analysed value) when the counts come from
``[hotspots.counts]`` or ``[hotspots.incidents]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from ..errors import Finding, InputError
from ..io.readers import resolve, sha256
from ..report import hotspots as view
from ..stages import Stage, StageResult, StudyContext
from .analysis import HotspotAnalysis, analyse_hotspots, variable_labels
from .config import HotspotConfig
from .density import DensityResult, kernel_density
from .inputs import load_counts, load_population


def _manifest(a: HotspotAnalysis, cfg: HotspotConfig, density: DensityResult | None, n_points: int | None) -> dict:
    man = {"config": cfg.model_dump(mode="json"), "variable": a.variable, "measure": a.measure, "period": a.period,
           "n_areas": int(len(a.value)), "n_excluded": len(a.excluded), "excluded": list(a.excluded[:100]),
           "weights": a.weights.params, "islands": list(a.weights.islands[:100]), "seeds": a.seeds}
    man.update(a.moran.manifest())
    man["lisa"] = {"counts": a.lisa.counts(), "cutoff": a.lisa.cutoff, "alpha": a.lisa.alpha, "fdr": a.lisa.fdr,
                   "permutations": a.lisa.permutations, "transformation": a.weights.transformation,
                   "inference": a.lisa.inference,
                   "method": "esda.Moran_Local, conditional permutation; p = folded pseudo p_sim (permutation) "
                             "or 2·p_z_sim (analytical)"}
    man["gi_star"] = {"counts": a.gi.counts(), "cutoffs": {str(k): v for k, v in a.gi.cutoffs.items()},
                      "inference": a.gi.inference, "fdr": a.gi.fdr, "permutations": a.gi.permutations,
                      "weights": "binary with self-weight 1 (Ord & Getis 1995)", "method": "esda.G_Local(star=True, transform='B')"}
    if a.rates is not None:
        man["rates"] = {"per": a.rates.per, "eb_prior_variance": a.rates.prior_variance,
                        "eb_variance_truncated": a.rates.truncated, "overall_rate": a.rates.mean,
                        "n_areas": int(len(a.rates.rate)),
                        "method": {"rate": "e/b", "eb_global": "Marshall (1991) global EB, between-area variance "
                                   "truncated at 0 (spatial/rates.py::global_eb)",
                                   "eb_spatial": "esda.smoothing.Spatial_Empirical_Bayes (local variance truncated at 0)"
                                   }[a.measure]
                        if a.measure != "count" else "count analysed; rates reported"}
    if a.emerging is not None:
        man["emerging"] = dict(a.emerging.params, counts=a.emerging.counts())
    if n_points is not None:
        man["incidents"] = {"n_points": n_points}
    if density is not None:
        man["density"] = {"method": "scipy.stats.gaussian_kde", "bandwidth": density.bandwidth,
                          "bandwidth_m": round(density.bandwidth_m, 2), "cell_size_m": round(density.cell_size, 2),
                          "n_cells": int(len(density.grid)), "n_points": density.n_points,
                          "period": a.period, "unit": "expected incidents per km²"}
    return man


@dataclass(frozen=True, kw_only=True)
class HotspotsStageResult(StageResult):
    """The hot-spot stage's result.

    Attributes
    ----------
    analysis : HotspotAnalysis
        Weights, Moran's I, Local Moran, Gi*, rates and emerging hot spots.
    density : DensityResult | None
        Kernel density of the incident points, when ``[hotspots.density]`` is set.
    """

    analysis: HotspotAnalysis
    density: DensityResult | None = None


def _input_hashes(ctx: StudyContext, cfg: HotspotConfig) -> dict[str, str]:
    """sha256 of every file ``[hotspots]`` reads (counts or incidents, population)."""
    files = [(spec.file, what) for spec, what in ((cfg.counts, "counts"),
                                                  (cfg.incidents, "incidents"),
                                                  (cfg.population, "population")) if spec is not None]
    return {name: sha256(resolve(ctx.study_dir, name, what)) for name, what in files}


def run_hotspots(ctx: StudyContext) -> HotspotsStageResult:
    """Pipeline stage ``hotspots`` (runs before the index: it provides indicators); see the
    module docstring.

    Raises
    ------
    InputError
        From reading the inputs or from the analysis.
    """
    cfg: HotspotConfig = ctx.section("hotspots")
    errors: list[Finding] = []  # every input file is read and checked before any error is raised
    counts, incidents, findings, population = None, None, [], None
    try:
        counts, incidents, findings = load_counts(ctx, cfg)
    except InputError as err:
        errors += err.findings
    try:
        population, pop_findings = load_population(ctx, cfg)
        findings = findings + pop_findings
    except InputError as err:
        errors += err.findings
    if errors:
        raise InputError(errors)
    inputs = _input_hashes(ctx, cfg)
    a = analyse_hotspots(ctx.areas, counts, cfg, population=population, seed=ctx.config.study.seed,
                         label=variable_labels(ctx.config.indicators, cfg.variable))
    findings = findings + a.findings
    density = None
    if cfg.density is not None and incidents is not None:
        # the same incidents as the hot-spot maps: the analysed period (all periods for 'all')
        pts = incidents.points if a.period == "all" else incidents.points[incidents.points["period"] == a.period]
        density = kernel_density(pts, ctx.areas, cell_size=cfg.density.cell_size, bandwidth=cfg.density.bandwidth)
    v = a.variable
    tab = a.area_table()
    ind = pd.DataFrame(index=tab.index)
    from_table = cfg.counts is None and cfg.incidents is None
    if not from_table:
        ind[v] = a.value
    for col in (f"count_{v}", f"rate_{v}", f"eb_rate_{v}"):
        if col in tab.columns and col not in ind.columns:
            ind[col] = tab[col].astype(float)
    ind[f"gi_z_{v}"] = tab["gi_z"]
    ind[f"gi_bin_{v}"] = tab["gi_bin"].astype(float)
    ind[f"lisa_i_{v}"] = tab["lisa_i"]
    ind = ind.reindex(ctx.areas.index)
    cols = view.with_labels(tab, ctx.lang).reindex(ctx.areas.index)
    layer = gpd.GeoDataFrame(cols.reset_index(), geometry=ctx.areas.geometry.values, crs=ctx.areas.crs)
    layer.insert(1, "name", ctx.areas["name"].to_numpy())
    layers = {"hotspots": layer}
    per = a.rates.per if a.rates is not None else None
    if density is not None:
        layers["density"] = density.grid.reset_index()
    return HotspotsStageResult(
        name="hotspots",
        area_columns=cols,
        public_columns=view.public_columns(cols.columns),
        column_labels=view.column_labels(cols, v, per, from_table),
        layers=layers,
        sheets=view.sheets(ctx, a, cols, from_table=from_table),
        manifest=_manifest(a, cfg, density, None if incidents is None else len(incidents.points)),
        findings=findings,
        figures=view.figures(ctx, a, cfg, density),
        sections=view.sections(ctx, a, density),
        indicators=ind,
        inputs=inputs,
        analysis=a,
        density=density,
    )


STAGE = Stage(name="hotspots", run=run_hotspots, section=HotspotConfig, provides=("indicators",))
