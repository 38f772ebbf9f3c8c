"""Reading the inputs of ``[hotspots]``: per-area counts (a wide or long table, or incident
points assigned to areas) and populations, each file read through :mod:`petarawan.io` and every
problem of a file reported at once, naming file, row, column, value and what was expected.
The count and population tables are read and validated by :mod:`petarawan.io.hotspots`
(``counts_from_table`` / ``population_from_table`` are re-exported here); this module only
orchestrates (files named by the configuration → validated frames)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ..errors import Finding, InputError
from ..i18n import Msg
from ..io.hotspots import PERIOD_NAME, counts_from_table, population_from_table, read_counts, read_population  # noqa: F401
from ..io.readers import resolve
from ..stages import StudyContext
from .config import HotspotConfig
from .incidents import Incidents, assign_points, count_by_area, period_label, read_incidents


def _study_bounds(areas: gpd.GeoDataFrame, crs: str) -> tuple[float, float, float, float] | None:
    """The areas' bounds in ``crs`` (None when the areas cannot be transformed, e.g. local units)."""
    try:
        return tuple(float(v) for v in areas.to_crs(crs).total_bounds)
    except Exception:  # noqa: BLE001 - no CRS / engineering CRS: the swapped-columns check is skipped
        return None


def load_counts(ctx: StudyContext, cfg: HotspotConfig) -> tuple[pd.DataFrame, Incidents | None, list[Finding]]:
    """Read the per-area, per-period values the stage analyses.

    Returns
    -------
    counts : DataFrame
        Index = canonical area codes of the boundary file (some may be missing — reported as
        warnings by the analysis); columns = periods.
    incidents : Incidents | None
    findings : list[Finding]
        Warnings and information (points outside every area, points on a border).

    Raises
    ------
    InputError
        Unreadable files, missing columns, bad values, codes not in the boundary file, swapped
        coordinate columns — every problem of the file at once.
    """
    findings: list[Finding] = []
    incidents = None
    if cfg.counts is not None:
        path = resolve(ctx.study_dir, cfg.counts.file, "jumlah kasus / counts")
        counts = read_counts(path, cfg.counts, cfg.counts.file, known=ctx.areas.index)
    elif cfg.incidents is not None:
        spec = cfg.incidents
        path = resolve(ctx.study_dir, spec.file, "incidents")
        incidents = read_incidents(path, x_column=spec.x_column, y_column=spec.y_column, crs=spec.crs,
                                   date_column=spec.date_column, type_column=spec.type_column, sheet=spec.sheet,
                                   label=spec.file, study_bounds=_study_bounds(ctx.areas, spec.crs),
                                   style=spec.number_style(), encoding=spec.encoding)
        pts = incidents.points
        if spec.types is not None:
            pts = pts[pts["type"].isin(spec.types)]
        assigned = assign_points(pts, ctx.areas, label=spec.file)
        findings.extend(assigned.findings)
        n_border = int(assigned.on_border.sum())
        if n_border:
            findings.append(Finding("info", "point_on_border",
                                    Msg("f.point_on_border", n_border=n_border), file=spec.file, value=n_border))
        periods = period_label(pts["date"], spec.period) if spec.date_column else None
        counts = count_by_area(assigned.code, ctx.areas.index, periods)
        # keep the counted points only (outside ones are reported above), with their area and period
        pts = pts.assign(code=assigned.code, period=periods if periods is not None else "all")
        incidents = Incidents(pts[pts["code"].notna()], incidents.file, incidents.findings)
    else:
        if cfg.variable not in ctx.data.columns:
            raise InputError(Finding("error", "hotspot_variable",
                                     Msg("f.hotspot_variable", variable=cfg.variable),
                                     value=cfg.variable,
                                     expected=Msg("x.hotspot_variable", columns=list(ctx.data.columns))))
        counts = ctx.data[[cfg.variable]].rename(columns={cfg.variable: "all"})
        counts = counts[counts["all"].notna()]
    return counts, incidents, findings


def load_population(ctx: StudyContext, cfg: HotspotConfig) -> tuple[pd.Series | None, list[Finding]]:
    """Population per canonical area code from ``[hotspots.population]``.

    Returns
    -------
    population : Series | None
        ``None`` if not configured.
    findings : list[Finding]
        Warnings (codes not in the boundary file).

    Raises
    ------
    InputError
        Every error of the file at once (see :func:`population_from_table`).
    """
    spec = cfg.population
    if spec is None:
        return None, []
    path = resolve(ctx.study_dir, spec.file, "penduduk / population")
    return read_population(path, spec, spec.file, known=ctx.areas.index)
