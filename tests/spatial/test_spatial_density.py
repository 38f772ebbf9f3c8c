"""Kernel density grid: the surface integrates to the number of points, and peaks where they are."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from petarawan.errors import InputError
from petarawan.spatial.density import kernel_density


def test_density_integrates_to_point_count_and_peaks_at_cluster():
    rng = np.random.default_rng(3)
    # 10 km × 10 km study area; 200 points around (3 km, 7 km) with sd 500 m
    area = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10_000, 10_000)], index=pd.Index(["x"], name="code"),
                            crs="EPSG:32748")
    xy = rng.normal([3000, 7000], 500, size=(200, 2))
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs="EPSG:32748")
    d = kernel_density(pts, area, cell_size=200)
    cell_km2 = (200 / 1000) ** 2  # 0.04 km²
    # Σ density (per km²) × cell area ≈ number of points (all mass lies well inside the area)
    assert (d.grid["density"] * cell_km2).sum() == pytest.approx(200, rel=0.02)
    peak = d.grid.geometry.centroid[d.grid["density"].idxmax()]
    assert abs(peak.x - 3000) < 400 and abs(peak.y - 7000) < 400
    assert d.n_points == 200 and d.cell_size == 200
    # Scott's factor n^(−1/6) times the sample sd (~500 m): 200^(−1/6) · 500 ≈ 207 m
    assert d.bandwidth_m == pytest.approx(200 ** (-1 / 6) * np.std(xy[:, 0], ddof=1), rel=1e-6)


def test_density_needs_points():
    area = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 10, 10)], crs="EPSG:32748")
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([1, 1], [2, 2]), crs="EPSG:32748")
    with pytest.raises(InputError, match="3"):
        kernel_density(pts, area)
