"""Hand-built inputs for the spatial tests."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely


def lattice(rows: int, cols: int, ids=None, crs: str | None = "EPSG:3857") -> gpd.GeoDataFrame:
    """rows × cols square cells of side 1000 m, row-major ids ``a, b, c, …`` from the top-left."""
    cells = [shapely.box(c * 1000, (rows - 1 - r) * 1000, (c + 1) * 1000, (rows - r) * 1000)
             for r in range(rows) for c in range(cols)]
    ids = ids or [chr(ord("a") + i) for i in range(rows * cols)]
    return gpd.GeoDataFrame(geometry=cells, index=pd.Index(ids, name="code"), crs=crs)
