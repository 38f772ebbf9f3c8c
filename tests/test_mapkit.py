"""The shared map kit: scale-bar length, metric CRS, and a layout without empty bands."""

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import box

from petarawan.report.mapkit import DPI, MapFrame, draw_categories, is_metric, metric, nice_length

PNG = b"\x89PNG"


@pytest.mark.parametrize("span, length", [
    (23_000, 2_000),  # 23 000 / 5 = 4 600 → 10^3; 5 000 > 4 600, 2 000 ≤ 4 600
    (10_000, 2_000),  # 10 000 / 5 = 2 000 → 2 × 10^3 exactly
    (51, 10),         # 51 / 5 = 10.2 → 10^1; 50 and 20 > 10.2, 10 ≤ 10.2
    (4_999, 500),     # 4 999 / 5 = 999.8 → 10^2; 500 ≤ 999.8
], ids=["23km", "10km", "51m", "4999m"])
def test_nice_length(span, length):
    assert nice_length(span) == pytest.approx(length)


def test_metric_crs_only_when_axes_are_metres():
    assert not is_metric(CRS.from_epsg(4326))
    assert is_metric(CRS.from_epsg(32748))
    assert is_metric(CRS.from_epsg(27700))
    local = CRS.from_wkt('LOCAL_CS["arbitrary",LOCAL_DATUM["x",32767],UNIT["unknown",1.0],'
                         'AXIS["Easting",EAST],AXIS["Northing",NORTH]]')
    assert not is_metric(local)  # no scale bar on unknown units
    # Pangkalpinang (106.1° E, 2.1° S) falls in UTM zone 48 south = EPSG:32748
    g = metric(gpd.GeoDataFrame(geometry=[box(106.1, -2.15, 106.15, -2.1)], crs=4326))
    assert g.crs.to_epsg() == 32748


def _squares(n_x: int, n_y: int) -> gpd.GeoDataFrame:
    cells = [box(x * 1000, y * 1000, (x + 1) * 1000, (y + 1) * 1000) for x in range(n_x) for y in range(n_y)]
    return gpd.GeoDataFrame(geometry=cells, index=[f"a{i}" for i in range(len(cells))], crs=32748)


def test_frame_fits_the_map_without_empty_bands():
    # a wide area 4 km × 1 km: map 7.5 in wide → 7.5 × ((1.06 + 0.10 strip) / 4.24) = 2.05 in, raised to the 4.5 in minimum;
    # header 0.55 + 0.2 (one subtitle line) + 0.1 = 0.85 in; footer 0.15 + 0.15 = 0.3 in → figure 5.65 in high
    g = _squares(4, 1)
    frame = MapFrame(g, title="T", subtitle="Data: 2025", footer="note", watermark="data ilustratif", side=2.0)
    assert frame.fig.get_size_inches()[1] == pytest.approx(5.65)
    assert frame.ax.get_position().height * 5.65 == pytest.approx(4.5)
    # a square area 2 km × 2 km: the map is 2.32 km high with the margins and the strip below the areas for the
    # scale bar and north arrow (2 × (1.06 + 0.10)) and 2.12 km wide: 7.5 × 2.32 / 2.12 = 8.21 in, capped at 8 in;
    # so the map is 8 / (0.85 + 8 + 0.3) of the figure height
    g = _squares(2, 2)
    frame = MapFrame(g, title="T", subtitle="Data: 2025", footer="note")
    handles = draw_categories(frame.ax, g, pd.Series({"a0": "x", "a1": "y"}), {"x": "#ff0000", "y": "#0000ff"},
                              {"x": "X", "y": "Y"}, missing_label="tanpa data")
    # legend counts: one area each, the other two missing
    assert [h.get_label() for h in handles] == ["X (1)", "Y (1)", "tanpa data (2)"]
    frame.legend(handles)
    png = frame.png()
    assert png.startswith(PNG)
    assert frame.fig.get_size_inches()[1] == pytest.approx(9.15)
    assert frame.ax.get_position().height == pytest.approx(8 / 9.15)
    # the saved image is cropped tight: no taller than the figure (9.15 in × DPI) plus the 0.12 in padding
    height_px = int.from_bytes(png[20:24], "big")
    assert height_px <= round((9.15 + 0.24) * DPI)
