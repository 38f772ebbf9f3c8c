"""One map kit for every static map petarawan draws (matplotlib, Agg backend, offline).

Every map — the class map, the hot-spot maps, the potential and plan maps — is laid out the same
way by :class:`MapFrame`:

* the areas projected to a metric CRS (:func:`metric`);
* a figure sized to the shape of the study area, so there is no empty band above or below the
  map: title, subtitle (data date, method) and the "DATA ILUSTRATIF" mark on top, the map, an
  optional side panel on the right (legend, colour bar, numbered key), and a footer;
* a two-segment scale bar in metres or kilometres (only when the CRS is in metres — a bar on
  degrees or unknown units would lie) and a north arrow;
* saved to PNG bytes.

Drawing helpers fill the map: :func:`draw_categories` (categorical choropleth with counts in the
legend) and :func:`draw_continuous` (continuous choropleth with a colour bar).

No tiles, no web fonts: nothing is fetched at run time.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..i18n import t
from ..style import INK, NO_DATA_COLOUR


DPI = 130
MAP_WIDTH_IN = 7.5  # width of the map itself for a wide area, inches
MAP_MAX_HEIGHT_IN = 8.0
MAP_MIN_HEIGHT_IN = 4.5
EDGE_IN = 0.2  # left / right figure margin
GAP_IN = 0.25  # between the map and the side panel
MISSING_HATCH = "///"


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def is_metric(crs: Any) -> bool:
    """True when ``crs`` is projected with axes in metres (a scale bar can be drawn honestly)."""
    if crs is None or crs.is_geographic:
        return False
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    return unit in ("metre", "meter")


def metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` in a metric CRS: the UTM zone of the data when it is geographic.

    Projected data in metres, data without a CRS and data in unknown local units (e.g. the
    Columbus example) are returned unchanged; so is geographic data when no PROJ database is
    available (then :class:`MapFrame` draws no scale bar).
    """
    if gdf.crs is not None and gdf.crs.is_geographic:
        try:
            return gdf.to_crs(gdf.estimate_utm_crs())
        except Exception:  # pragma: no cover - no pyproj database: draw as is, without a scale bar
            return gdf
    return gdf


def nice_length(span: float) -> float:
    """The largest 1, 2 or 5 × 10^k not above a fifth of ``span`` (scale-bar length, same units)."""
    target = span / 5
    exp = 10 ** math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * exp <= target:
            return m * exp
    return exp


def scale_bar(ax) -> None:
    """A two-segment black/white bar in the lower left of ``ax`` (axes in metres), labelled 0 and its length."""
    from matplotlib.patches import Rectangle

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width, height = x1 - x0, y1 - y0
    length = nice_length(width)
    bx, by = x0 + 0.04 * width, y0 + 0.04 * height
    h = 0.012 * height
    for k in range(2):
        ax.add_patch(Rectangle((bx + k * length / 2, by), length / 2, h, facecolor="black" if k == 0 else "white",
                               edgecolor="black", linewidth=0.8, zorder=5))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(bx, by + 1.8 * h, "0", fontsize=7, ha="center", va="bottom", zorder=5)
    ax.text(bx + length, by + 1.8 * h, label, fontsize=7, ha="center", va="bottom", zorder=5)


def north_arrow(ax, lang: str) -> None:
    """An arrow with "U" (utara) / "N" in the upper right of ``ax``."""
    ax.annotate(t("map.north", lang), xy=(0.95, 0.95), xytext=(0.95, 0.86), xycoords="axes fraction",
                arrowprops=dict(facecolor="black", width=3, headwidth=9), ha="center", va="center",
                fontsize=10, fontweight="bold", zorder=5)


def subtitle_with_date(subtitle: str, data_date: str | None, lang: str) -> str:
    """``Data: <date> · subtitle`` (just one of them when the other is empty)."""
    parts = [p for p in (t("map.date", lang, date=data_date) if data_date else "", subtitle) if p]
    return " · ".join(parts)


def _wrap(text: str, width_in: float, fontsize: float) -> list[str]:
    if not text:
        return []
    chars = max(20, int(width_in * 72 / (0.52 * fontsize)))  # DejaVu Sans averages ~0.52 em a character
    return textwrap.wrap(text, chars) or [text]


class MapFrame:
    """A figure laid out around the map of ``areas`` (already metric: see :func:`metric`).

    Parameters
    ----------
    areas : GeoDataFrame
        The areas the map shows; their bounds set the extent and the shape of the figure.
    title, subtitle, footer : str
        Bold title, grey subtitle (data date, method) and small footer (notes, version).
    watermark : str
        When given (e.g. ``t("illustrative")``), drawn in red capitals at the top right and faintly
        across the map.
    side : float
        Width in inches of a panel right of the map for the legend, colour bar or numbered key
        (0 = none; the legend then goes inside the map).
    lang : {"id", "en"}

    Attributes
    ----------
    fig, ax, side_ax
        The figure, the map axes and the side-panel axes (None without a side panel).
    """

    def __init__(self, areas: gpd.GeoDataFrame, *, title: str, subtitle: str = "", footer: str = "",
                 watermark: str = "", side: float = 0.0, lang: str = "id"):
        plt = _plt()
        self.areas, self.lang = areas, lang
        xmin, ymin, xmax, ymax = areas.total_bounds
        w, h = xmax - xmin, ymax - ymin
        self.extent = (xmin - 0.03 * w, xmax + 0.03 * w, ymin - 0.03 * h, ymax + 0.03 * h)
        aspect = (1.06 * h) / (1.06 * w) if w > 0 else 1.0
        map_w = MAP_WIDTH_IN
        map_h = map_w * aspect
        if map_h > MAP_MAX_HEIGHT_IN:
            map_h, map_w = MAP_MAX_HEIGHT_IN, MAP_MAX_HEIGHT_IN / aspect
        map_h = max(map_h, MAP_MIN_HEIGHT_IN)  # a very wide area: the map gets a margin inside its axes
        fig_w = EDGE_IN + map_w + (GAP_IN + side if side else 0.0) + EDGE_IN
        text_w = fig_w - 2 * EDGE_IN - (1.8 if watermark else 0.0)
        sub_lines = _wrap(subtitle, text_w, 9)
        foot_lines = _wrap(footer, fig_w - 2 * EDGE_IN, 7)
        header = 0.55 + 0.2 * len(sub_lines) + 0.1
        foot = 0.15 + 0.15 * len(foot_lines)
        fig_h = header + map_h + foot
        self.fig = fig = plt.figure(figsize=(fig_w, fig_h), dpi=DPI)
        self.ax = ax = fig.add_axes((EDGE_IN / fig_w, foot / fig_h, map_w / fig_w, map_h / fig_h))
        ax.set_axis_off()
        self.side_ax = None
        if side:
            self.side_ax = fig.add_axes(((EDGE_IN + map_w + GAP_IN) / fig_w, foot / fig_h, side / fig_w, map_h / fig_h))
            self.side_ax.set_axis_off()
        top = 1 - 0.3 / fig_h
        fig.text(EDGE_IN / fig_w, top, title, fontsize=14, fontweight="bold", va="center")
        if sub_lines:
            fig.text(EDGE_IN / fig_w, 1 - 0.55 / fig_h, "\n".join(sub_lines), fontsize=9, va="top", color=INK["subtitle"],
                     linespacing=1.3)
        if watermark:
            fig.text(1 - EDGE_IN / fig_w, top, watermark.upper(), fontsize=10, color=INK["watermark"], ha="right",
                     va="center", fontweight="bold")
            ax.text(0.5, 0.5, watermark.upper(), transform=ax.transAxes, fontsize=34, color=INK["watermark"], alpha=0.18,
                    rotation=25, ha="center", va="center", fontweight="bold", zorder=7)
        if foot_lines:
            fig.text(EDGE_IN / fig_w, 0.08 / fig_h, "\n".join(foot_lines), fontsize=7, color=INK["footer"], va="bottom")

    def legend(self, handles: list, *, title: str | None = None, loc: str = "upper left") -> None:
        """The legend in the side panel (at ``loc``) or, without one, in the lower right of the map."""
        kw = dict(handles=handles, fontsize=8, title=title, title_fontsize=8)
        if self.side_ax is not None:
            self.side_ax.legend(loc=loc, frameon=False, borderaxespad=0.0, **kw)
        else:
            self.ax.legend(loc="lower right", framealpha=0.9, **kw)

    def colorbar(self, values: np.ndarray, cmap: str, label: str = "") -> None:
        """A vertical colour bar for ``values`` in the upper part of the side panel."""
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize

        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if not len(v) or self.side_ax is None:
            return
        cax = self.side_ax.inset_axes((0.0, 0.3, 0.09, 0.7))
        sm = ScalarMappable(norm=Normalize(float(v.min()), float(v.max())), cmap=cmap)
        cb = self.fig.colorbar(sm, cax=cax)
        cb.ax.tick_params(labelsize=8)
        if label:
            cb.set_label(label, fontsize=8)

    def png(self) -> bytes:
        """Fix the extent, add the scale bar and north arrow, and return the figure as PNG bytes."""
        plt = _plt()
        ax = self.ax
        x0, x1, y0, y1 = self.extent
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="datalim")
        ax.apply_aspect()
        if is_metric(self.areas.crs):
            scale_bar(ax)
        north_arrow(ax, self.lang)
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.12)
        plt.close(self.fig)
        return buf.getvalue()


def line_width(n_areas: int) -> float:
    """Outline width that keeps small areas visible: thinner as there are more areas."""
    return 0.4 if n_areas <= 1000 else 0.05


def draw_categories(ax, areas: gpd.GeoDataFrame, categories: pd.Series, colours: Mapping, labels: Mapping, *,
                    missing_label: str, missing_colour: str = NO_DATA_COLOUR, missing_hatch: str | None = MISSING_HATCH,
                    edgecolor: str = INK["edge"], linewidth: float | None = None,
                    skip_empty: bool = False) -> list:
    """Fill each area with the colour of its category; return legend handles with counts.

    Parameters
    ----------
    categories : Series
        Category per area code (index); missing or unknown categories are drawn ``missing_colour``
        (hatched when ``missing_hatch``) and counted under ``missing_label``.
    colours, labels : mapping category → fill colour / legend text; legend order follows ``colours``.
    edgecolor, linewidth : outline; above 1,000 areas each area is outlined in its own colour.
    skip_empty : leave categories with no area out of the legend.

    Returns
    -------
    list of matplotlib Patch
        ``"label (n)"`` for each category, then the missing category when any area has it.
    """
    from matplotlib.patches import Patch

    v = categories.reindex(areas.index)
    lw = line_width(len(areas)) if linewidth is None else linewidth
    many = len(areas) > 1000
    known = v.isin(list(colours)).to_numpy()
    handles = []
    for cat, col in colours.items():
        sel = (v == cat).fillna(False).to_numpy(dtype=bool)
        n = int(sel.sum())
        if n:
            areas[sel].plot(ax=ax, facecolor=col, edgecolor=col if many else edgecolor, linewidth=lw)
        if n or not skip_empty:
            handles.append(Patch(facecolor=col, edgecolor=edgecolor, label=f"{labels.get(cat, cat)} ({n})"))
    if (~known).any():
        areas[~known].plot(ax=ax, facecolor=missing_colour, edgecolor=INK["edge_light"], linewidth=lw, hatch=missing_hatch)
        handles.append(Patch(facecolor=missing_colour, edgecolor=INK["edge_light"], hatch=missing_hatch,
                             label=f"{missing_label} ({int((~known).sum())})"))
    if many:  # thin outline of the study region for context
        gpd.GeoSeries([areas.geometry.union_all()], crs=areas.crs).boundary.plot(ax=ax, color=INK["boundary"], linewidth=0.5)
    return handles


def draw_continuous(ax, areas: gpd.GeoDataFrame, values: pd.Series, *, cmap: str, missing_label: str = "",
                    edgecolor: str = "white", linewidth: float | None = None) -> list:
    """Fill each area by its value on ``cmap`` (min → max); missing values grey and hatched.

    Returns legend handles: one for the missing areas when there are any (``"label (n)"``), else none.
    Pair with :meth:`MapFrame.colorbar` for the scale of values.
    """
    from matplotlib.patches import Patch

    v = values.reindex(areas.index).astype(float)
    g = areas.assign(_v=v.to_numpy())
    lw = line_width(len(areas)) if linewidth is None else linewidth
    missing = g["_v"].isna().to_numpy()
    if (~missing).any():
        g[~missing].plot(column="_v", ax=ax, cmap=cmap, edgecolor=edgecolor, linewidth=lw)
    if not missing.any():
        return []
    g[missing].plot(ax=ax, color=INK["missing"], edgecolor=edgecolor, hatch=MISSING_HATCH, linewidth=lw)
    return [Patch(facecolor=INK["missing"], edgecolor=INK["edge_light"], hatch=MISSING_HATCH,
                  label=f"{missing_label} ({int(missing.sum())})")]
