"""Static maps of hot-spot results (matplotlib, offline: no tiles, no fonts fetched).

Each function returns PNG bytes, laid out by the shared map kit (:mod:`petarawan.report.mapkit`).
Colours (:mod:`petarawan.style`) follow the tools users know: Gi* bins as ArcGIS draws them (reds
hot, blues cold, light grey not significant), LISA clusters as GeoDa draws them (HH red, LL blue,
LH light blue, HL light red, not significant grey).
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from ..report.mapkit import DPI, MapFrame, draw_categories, draw_continuous, metric
from ..style import DENSITY_CMAP, INK, NO_DATA_COLOUR

NO_DATA = NO_DATA_COLOUR
LEGEND_PANEL_IN = 3.0


def category_map(areas: gpd.GeoDataFrame, values: pd.Series, colours: Mapping, labels: Mapping, *, title: str,
                 subtitle: str = "", note: str = "", no_data_label: str = "no data", watermark: str = "",
                 lang: str = "id", key: pd.Series | None = None, key_title: str = "", hatches: Mapping | None = None,
                 dpi: int = DPI) -> bytes:
    """Choropleth of categories on the shared map layout (:class:`~petarawan.report.mapkit.MapFrame`).

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons indexed by area code (projected to a metric CRS for drawing).
    values : Series
        Category per area code (missing → drawn white, hatched, as "no data").
    colours, labels : mapping category → colour / legend text; legend order follows ``colours``.
    title, subtitle, note : str
        ``note`` is the footer (method, weights, permutations).
    watermark : str
        Mark of illustrative data.
    key, key_title : number per area code and what orders it (numbered key below the map).
    hatches : category → hatch pattern (islands).
    dpi : resolution of the PNG.

    Returns
    -------
    bytes
        PNG.
    """
    return category_frame(areas, values, colours, labels, title=title, subtitle=subtitle, note=note,
                          no_data_label=no_data_label, watermark=watermark, lang=lang, key=key, key_title=key_title,
                          hatches=hatches, dpi=dpi).png()


def category_frame(areas, values, colours, labels, *, title, subtitle="", note="", no_data_label="no data",
                   watermark="", lang="id", key=None, key_title="", hatches=None, dpi=DPI) -> MapFrame:
    """:func:`category_map` before saving: the drawn :class:`MapFrame` (tests read its texts)."""
    g = metric(areas)
    frame = MapFrame(g, title=title, subtitle=subtitle, footer=note, watermark=watermark, side=LEGEND_PANEL_IN,
                     key=key, key_title=key_title, lang=lang, dpi=dpi)
    handles = draw_categories(frame.ax, g, values, colours, labels, missing_label=no_data_label, missing_colour=NO_DATA,
                              hatches=hatches)
    frame.legend(handles)
    return frame


def density_map(grid: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, title: str, legend: str, subtitle: str = "",
                note: str = "", watermark: str = "", lang: str = "id", key: pd.Series | None = None,
                key_title: str = "", dpi: int = DPI) -> bytes:
    """Kernel density grid (``grid['density']``, metric CRS) under the area outlines, areas numbered
    by ``key``.  Returns PNG bytes."""
    areas_p = areas.to_crs(grid.crs) if areas.crs != grid.crs else areas
    frame = MapFrame(areas_p, title=title, subtitle=subtitle, footer=note, watermark=watermark, side=LEGEND_PANEL_IN,
                     key=key, key_title=key_title, lang=lang, dpi=dpi)
    draw_continuous(frame.ax, grid, grid["density"], cmap=DENSITY_CMAP, linewidth=0)
    areas_p.boundary.plot(ax=frame.ax, color=INK["boundary"], linewidth=0.3)
    frame.colorbar(grid["density"].to_numpy(), DENSITY_CMAP, legend)
    return frame.png()
