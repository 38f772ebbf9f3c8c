"""Fixtures for the spatial tests: the Columbus data bundled with libpysal (offline)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def columbus() -> gpd.GeoDataFrame:
    from libpysal import examples

    g = gpd.read_file(examples.get_path("columbus.shp"))
    g.index = pd.Index([str(i) for i in g["POLYID"]], name="code")
    return g
