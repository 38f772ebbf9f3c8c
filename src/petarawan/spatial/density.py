"""Kernel density surface of incident points, as a grid of square cells.

The kernel estimate is ``scipy.stats.gaussian_kde`` (a Gaussian product kernel with bandwidth
by Scott's rule n^(−1/(d+4)) times the data's covariance, or a given factor); we only evaluate it
at cell centres and scale it to *expected incidents per km²*:

    density(c) = N · f̂(c) · 10⁶      (f̂ in 1/m², coordinates in metres)

Source: Silverman (1986), *Density Estimation for Statistics and Data Analysis*, ch. 4; Scott
(1992), *Multivariate Density Estimation*; implementation ``scipy.stats.gaussian_kde``.
The grid is a GeoPackage layer of polygons (one per cell, kept where it meets an area).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy.stats import gaussian_kde

from ..errors import Finding, InputError
from .weights import projected
from ..i18n import Msg


@dataclass(frozen=True)
class DensityResult:
    """Kernel density grid.

    Attributes
    ----------
    grid : GeoDataFrame
        One square polygon per cell (projected CRS, metres), column ``density`` = expected
        incidents per km².
    cell_size : float
        Cell side in metres.
    bandwidth : str | float
        ``"scott"``, ``"silverman"`` or the factor given to ``gaussian_kde``.
    bandwidth_m : float
        Resulting kernel standard deviation along x, in metres (for the manifest).
    n_points : int
    """

    grid: gpd.GeoDataFrame
    cell_size: float
    bandwidth: str | float
    bandwidth_m: float
    n_points: int


def kernel_density(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, cell_size: float | None = None,
                   bandwidth: str | float = "scott", max_cells: int = 40_000) -> DensityResult:
    """Kernel density of points on a square grid covering the areas.

    Parameters
    ----------
    points : GeoDataFrame
        Incident points (any CRS; reprojected to the areas' projected CRS).
    areas : GeoDataFrame
        Polygons; the grid covers their extent and keeps cells that meet one.
    cell_size : float, optional
        Cell side in metres; default: the extent's longer side / 100.
    bandwidth : {"scott", "silverman"} | float
        ``bw_method`` of ``scipy.stats.gaussian_kde``.
    max_cells : int
        Upper bound on the number of cells (the cell size grows to respect it).

    Returns
    -------
    DensityResult

    Raises
    ------
    InputError
        Fewer than 3 distinct points (no density can be estimated).
    """
    areas_p = projected(areas)
    pts = points.to_crs(areas_p.crs) if points.crs is not None and areas_p.crs is not None else points
    xy = np.column_stack([pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()])
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(np.unique(xy, axis=0)) < 3:
        raise InputError(Finding("error", "density_points", Msg("f.density_points"), value=len(xy),
                                 expected=Msg("x.density_points")))
    minx, miny, maxx, maxy = areas_p.total_bounds
    span = max(maxx - minx, maxy - miny)
    size = float(cell_size) if cell_size else span / 100.0
    while ((maxx - minx) / size + 1) * ((maxy - miny) / size + 1) > max_cells:
        size *= 1.25
    xs = np.arange(minx, maxx + size, size)
    ys = np.arange(miny, maxy + size, size)
    gx, gy = np.meshgrid(xs[:-1] + size / 2, ys[:-1] + size / 2)
    cells = shapely.box(gx.ravel() - size / 2, gy.ravel() - size / 2, gx.ravel() + size / 2, gy.ravel() + size / 2)
    union = shapely.union_all(areas_p.geometry.values)
    shapely.prepare(union)
    keep = shapely.intersects(union, cells)
    kde = gaussian_kde(xy.T, bw_method=bandwidth)
    centres = np.vstack([gx.ravel()[keep], gy.ravel()[keep]])
    dens = kde(centres) * len(xy) * 1e6
    grid = gpd.GeoDataFrame({"density": dens}, geometry=cells[keep], crs=areas_p.crs)
    grid.index.name = "cell"
    bw_m = float(np.sqrt(kde.covariance[0, 0]))
    return DensityResult(grid, size, bandwidth, bw_m, len(xy))
