"""Static maps of hot-spot results (matplotlib, offline: no tiles, no fonts fetched).

Each function returns PNG bytes.  Colours follow the tools users know: Gi* bins as ArcGIS draws
them (reds hot, blues cold, light grey not significant), LISA clusters as GeoDa draws them
(HH red, LL blue, LH light blue, HL light red, not significant grey).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

NO_DATA = "#ffffff"

GI_COLOURS: dict[int, str] = {3: "#d7301f", 2: "#fc8d59", 1: "#fdcc8a", 0: "#e6e6e6",
                              -1: "#bdd7e7", -2: "#6baed6", -3: "#2171b5"}
LISA_COLOURS: dict[str, str] = {"HH": "#e31a1c", "HL": "#fb9a99", "LH": "#a6cee3", "LL": "#1f78b4", "ns": "#e6e6e6"}
TREND_COLOURS: dict[str, str] = {
    "new_hot": "#67000d", "consecutive_hot": "#a50f15", "intensifying_hot": "#d7301f", "persistent_hot": "#ef6548",
    "diminishing_hot": "#fc8d59", "sporadic_hot": "#fdbb84", "oscillating_hot": "#fdd49e", "historical_hot": "#fff0d9",
    "new_cold": "#08306b", "consecutive_cold": "#08519c", "intensifying_cold": "#2171b5", "persistent_cold": "#4292c6",
    "diminishing_cold": "#6baed6", "sporadic_cold": "#9ecae1", "oscillating_cold": "#c6dbef", "historical_cold": "#deebf7",
    "no_pattern": "#e6e6e6",
}


def _nice_length(span: float) -> float:
    raw = span / 5
    exp = 10 ** np.floor(np.log10(raw))
    for m in (5, 2, 1):
        if m * exp <= raw:
            return m * exp
    return exp


def _scale_bar(ax, crs) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    if crs is None or crs.is_geographic:
        return  # no honest metric bar on degrees
    unit = crs.axis_info[0].unit_name if crs.axis_info else "metre"
    if unit not in ("metre", "meter"):
        return
    length = _nice_length(x1 - x0)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    ax.add_patch(Rectangle((bx, by), length, h, facecolor="black", edgecolor="black", zorder=5))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(bx + length / 2, by + 1.8 * h, label, ha="center", va="bottom", fontsize=8, zorder=5)


def _finish(fig, ax, areas, title: str, subtitle: str, note: str) -> bytes:
    ax.set_axis_off()
    ax.set_aspect("equal")
    _scale_bar(ax, areas.crs)
    ax.set_title(title, fontsize=12, loc="left", fontweight="bold")
    if subtitle:
        fig.text(0.01, 0.955, subtitle, fontsize=8.5, ha="left", va="top", color="#333333")
    if note:
        fig.text(0.01, 0.01, note, fontsize=7.5, ha="left", va="bottom", color="#555555")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def category_map(areas: gpd.GeoDataFrame, values: pd.Series, colours: Mapping, labels: Mapping, *, title: str,
                 subtitle: str = "", note: str = "", no_data_label: str = "no data") -> bytes:
    """Choropleth of categories.

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons indexed by area code.
    values : Series
        Category per area code (missing → drawn white with a grey outline as "no data").
    colours, labels : mapping category → colour / legend text; legend order follows ``colours``.
    title, subtitle, note : str

    Returns
    -------
    bytes
        PNG.
    """
    v = values.reindex(areas.index)
    fig, ax = plt.subplots(figsize=(8.5, 8))
    lw = 0.05 if len(areas) > 1000 else 0.4
    missing = v.isna()
    if missing.any():
        areas[missing.to_numpy()].plot(ax=ax, facecolor=NO_DATA, edgecolor="#999999", linewidth=lw, hatch="///")
    handles = []
    for cat, col in colours.items():
        sel = (v == cat).to_numpy() & ~missing.to_numpy()
        n = int(sel.sum())
        if n:
            areas[sel].plot(ax=ax, facecolor=col, edgecolor="#777777" if len(areas) <= 1000 else col, linewidth=lw)
        handles.append(Patch(facecolor=col, edgecolor="#777777", label=f"{labels.get(cat, cat)} ({n})"))
    if missing.any():
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#999999", hatch="///", label=f"{no_data_label} ({int(missing.sum())})"))
    if len(areas) > 1000:  # thin outline of the study region for context
        gpd.GeoSeries([areas.geometry.union_all()], crs=areas.crs).boundary.plot(ax=ax, color="#444444", linewidth=0.5)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return _finish(fig, ax, areas, title, subtitle, note)


def density_map(grid: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, title: str, legend: str, subtitle: str = "",
                note: str = "") -> bytes:
    """Kernel density grid (``grid['density']``) under the area outlines.  Returns PNG bytes."""
    areas_p = areas.to_crs(grid.crs) if areas.crs != grid.crs else areas
    fig, ax = plt.subplots(figsize=(8.5, 8))
    grid.plot(ax=ax, column="density", cmap="YlOrRd", linewidth=0, legend=True,
              legend_kwds={"label": legend, "shrink": 0.6})
    areas_p.boundary.plot(ax=ax, color="#444444", linewidth=0.3)
    return _finish(fig, ax, areas_p, title, subtitle, note)
