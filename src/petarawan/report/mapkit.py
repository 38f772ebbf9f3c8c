"""One map kit for every static map petarawan draws (matplotlib, Agg backend, offline).

Every map — the class map, the hot-spot maps, the potential and plan maps — is laid out the same
way by :class:`MapFrame`:

* the areas projected to a metric CRS (:func:`metric`);
* a figure sized to the shape of the study area, so there is no empty band above or below the
  map: title, subtitle (data date, method) and the "DATA ILUSTRATIF" mark on top, the map, an
  optional side panel on the right (legend, colour bar, numbered key), and a footer;
* a numbered key (``number  name``) below the map when the areas are numbered
  (:meth:`MapFrame.__init__` ``key``), so the map names its areas without the report;
* a two-segment scale bar in metres or kilometres (only when the CRS is in metres — a bar on
  degrees or unknown units would lie) and a north arrow, both in a strip below the southernmost
  area, so they never cover an area;
* saved to PNG bytes at the run's resolution (``[maps] dpi``, ``petarawan run --dpi 300`` for
  print), the resolution written into the PNG.

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

from .. import fmt
from ..i18n import t
from ..style import INK, NO_DATA_COLOUR


DPI = 130
"""Screen resolution of every figure (``[maps] dpi`` default); 300 for print."""
PRINT_DPI = 300
MAX_KEYED_AREAS = 80
"""Above this many areas no number is drawn on the map and the key moves to the workbook."""
STRIP = 0.10  # strip below the southernmost area for the scale bar and north arrow, share of the areas' height
KEY_FONT = 6.5  # numbered key, points (monospace)
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


def scale_bar(ax, strip: tuple[float, float], lang: str = "id") -> list:
    """A two-segment black/white bar in the lower left of ``ax`` (axes in metres), labelled 0 and
    its length, drawn inside ``strip`` = (bottom, top) in data units — the band below every area.
    Returns the artists drawn."""
    from matplotlib.patches import Rectangle

    (x0, x1) = ax.get_xlim()
    width = x1 - x0
    lo, hi = strip
    length = nice_length(width)
    bx, by = x0 + 0.04 * width, lo + 0.2 * (hi - lo)
    h = 0.15 * (hi - lo)
    out = [ax.add_patch(Rectangle((bx + k * length / 2, by), length / 2, h, facecolor="black" if k == 0 else "white",
                                  edgecolor="black", linewidth=0.8, zorder=5)) for k in range(2)]
    label = f"{fmt.number(length / 1000, lang)} km" if length >= 1000 else f"{fmt.number(length, lang)} m"
    out.append(ax.text(bx, by + 1.3 * h, "0", fontsize=7, ha="center", va="bottom", zorder=5))
    out.append(ax.text(bx + length, by + 1.3 * h, label, fontsize=7, ha="center", va="bottom", zorder=5))
    return out


def north_arrow(ax, strip: tuple[float, float], lang: str) -> list:
    """An arrow with "U" (utara) / "N" in the lower right of ``ax``, inside ``strip`` (data units,
    the band below every area).  Returns the artists drawn."""
    (x0, x1) = ax.get_xlim()
    lo, hi = strip
    x = x1 - 0.03 * (x1 - x0)
    arrow = ax.annotate("", xy=(x, lo + 0.92 * (hi - lo)), xytext=(x, lo + 0.1 * (hi - lo)),
                        arrowprops=dict(facecolor="black", width=2.5, headwidth=8, headlength=7), zorder=5)
    letter = ax.text(x - 0.012 * (x1 - x0), lo + 0.35 * (hi - lo), t("map.north", lang), ha="right", va="center",
                     fontsize=10, fontweight="bold", zorder=5)
    return [arrow, letter]


def subtitle_with_date(subtitle: str, data_date: str | None, lang: str) -> str:
    """``Data: <date> · subtitle`` (just one of them when the other is empty); an ISO date is
    written in words (``2026-04-28`` → ``28 April 2026``, :func:`petarawan.fmt.date`)."""
    parts = [p for p in (t("map.date", lang, date=fmt.date(data_date, lang)) if data_date else "", subtitle) if p]
    return " · ".join(parts)


def map_marks(config: Any, lang: str) -> dict[str, Any]:
    """Keyword arguments every map of a run shares: ``watermark`` (the "DATA ILUSTRATIF" mark when
    ``[study] illustrative``), ``lang`` and ``dpi`` (``[maps] dpi``).  ``config`` is the study
    configuration (:class:`petarawan.config.StudyConfig`)."""
    return {"watermark": t("illustrative", lang) if config.study.illustrative else "", "lang": lang,
            "dpi": config.maps.dpi}


def name_numbers(areas: pd.DataFrame) -> pd.Series:
    """Number of each area (index = code) in alphabetical order of its name (then code), from 1:
    the key shared by every stage map, so a number means the same area on each of them."""
    names = areas["name"].astype(str) if "name" in areas.columns else pd.Series(areas.index.astype(str), index=areas.index)
    order = sorted(areas.index, key=lambda c: (names[c].casefold(), str(c)))
    return pd.Series(range(1, len(order) + 1), index=pd.Index(order, name=areas.index.name))


def _short(name: str, n: int = 26) -> str:
    name = " ".join(name.split())
    return name if len(name) <= n else name[: n - 1] + "…"


def key_lines(areas: pd.DataFrame, key: pd.Series) -> list[str]:
    """``" 1  Pasir Putih"`` for every numbered area, in number order (names cut at 26 characters)."""
    names = areas["name"] if "name" in areas.columns else pd.Series(areas.index, index=areas.index)
    k = key.reindex(areas.index).dropna().sort_values(kind="stable")
    width = len(str(int(k.max()))) if len(k) else 1
    return [f"{int(v):>{width}}  {_short(str(names.get(c, c)))}" for c, v in k.items()]


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
        The areas the map shows (index = code, a ``name`` column for the key); their bounds set the
        extent and the shape of the figure.
    title, subtitle, footer : str
        Bold title, grey subtitle (data date, method) and small footer (how to read the map, notes).
    watermark : str
        When given (e.g. ``t("illustrative")``), drawn in red capitals at the top right and faintly
        across the map.
    real_mark : str
        Mark of real, published data (e.g. "DATA NYATA"), drawn where ``watermark`` would be.
    side : float
        Width in inches of a panel right of the map for the legend or colour bar (0 = none; the
        legend then goes inside the map).
    key : Series, optional
        A number per area code: drawn on each area (at its representative point) and listed
        ``number  name`` below the map under ``key_title``.  Left out above
        :data:`MAX_KEYED_AREAS` areas (the footer then says the names are in the workbook).
    lang : {"id", "en"}
    dpi : int
        Resolution of the saved PNG (dots per inch; 300 for print).

    Attributes
    ----------
    fig, ax, side_ax
        The figure, the map axes and the side-panel axes (None without a side panel).
    texts : list of str
        Every text given to matplotlib by the frame (title, subtitle, mark, key, footer) — what the
        tests read.
    """

    def __init__(self, areas: gpd.GeoDataFrame, *, title: str, subtitle: str = "", footer: str = "",
                 watermark: str = "", side: float = 0.0, key: pd.Series | None = None, key_title: str = "",
                 real_mark: str = "", lang: str = "id", dpi: int = DPI):
        plt = _plt()
        self.areas, self.lang, self.dpi = areas, lang, int(dpi)
        xmin, ymin, xmax, ymax = areas.total_bounds
        w, h = xmax - xmin, ymax - ymin
        self.south = ymin
        # a strip below the southernmost area holds the scale bar and north arrow: they never cover an area
        self.extent = (xmin - 0.03 * w, xmax + 0.03 * w, ymin - (0.03 + STRIP) * h, ymax + 0.03 * h)
        aspect = ((1.06 + STRIP) * h) / (1.06 * w) if w > 0 else 1.0
        map_w = MAP_WIDTH_IN
        map_h = map_w * aspect
        if map_h > MAP_MAX_HEIGHT_IN:
            map_h, map_w = MAP_MAX_HEIGHT_IN, MAP_MAX_HEIGHT_IN / aspect
        map_h = max(map_h, MAP_MIN_HEIGHT_IN)  # a very wide area: the map gets a margin inside its axes
        fig_w = EDGE_IN + map_w + (GAP_IN + side if side else 0.0) + EDGE_IN
        text_w = fig_w - 2 * EDGE_IN - (1.8 if watermark or real_mark else 0.0)
        self.key = None
        if key is not None and len(areas) > MAX_KEYED_AREAS:
            footer = " ".join(p for p in (footer, t("map.key_in_workbook", lang, n=MAX_KEYED_AREAS)) if p)
        elif key is not None:
            self.key = key.reindex(areas.index)
        lines = key_lines(areas, self.key) if self.key is not None else []
        sub_lines = _wrap(subtitle, text_w, 9)
        foot_lines = _wrap(footer, fig_w - 2 * EDGE_IN, 7)
        self.footer = footer
        # the numbered key: as many monospace columns as fit the figure's width
        line_h = KEY_FONT * 1.3 / 72
        col_w = (max((len(x) for x in lines), default=0) + 3) * 0.6 * KEY_FONT / 72
        ncol = max(1, min(len(lines), int((fig_w - 2 * EDGE_IN) // col_w))) if lines else 0
        nrow = math.ceil(len(lines) / ncol) if lines else 0
        key_h = (0.3 + nrow * line_h) if lines else 0.0
        header = 0.55 + 0.2 * len(sub_lines) + 0.1
        foot = 0.15 + 0.15 * len(foot_lines)
        fig_h = header + map_h + key_h + foot
        self.fig = fig = plt.figure(figsize=(fig_w, fig_h), dpi=self.dpi)
        bottom = (foot + key_h) / fig_h
        self.ax = ax = fig.add_axes((EDGE_IN / fig_w, bottom, map_w / fig_w, map_h / fig_h))
        ax.set_axis_off()
        self.side_ax = None
        if side:
            self.side_ax = fig.add_axes(((EDGE_IN + map_w + GAP_IN) / fig_w, bottom, side / fig_w, map_h / fig_h))
            self.side_ax.set_axis_off()
        self.texts: list[str] = []
        self.legend_labels: list[str] = []
        top = 1 - 0.3 / fig_h
        self._text(fig, EDGE_IN / fig_w, top, title, fontsize=14, fontweight="bold", va="center")
        if sub_lines:
            self._text(fig, EDGE_IN / fig_w, 1 - 0.55 / fig_h, "\n".join(sub_lines), fontsize=9, va="top",
                       color=INK["subtitle"], linespacing=1.3)
        if watermark:
            self._text(fig, 1 - EDGE_IN / fig_w, top, watermark.upper(), fontsize=10, color=INK["watermark"], ha="right",
                       va="center", fontweight="bold")
            ax.text(0.5, 0.5, watermark.upper(), transform=ax.transAxes, fontsize=34, color=INK["watermark"], alpha=0.18,
                    rotation=25, ha="center", va="center", fontweight="bold", zorder=7)
        elif real_mark:
            self._text(fig, 1 - EDGE_IN / fig_w, top, real_mark.upper(), fontsize=10, color=INK["real"], ha="right",
                       va="center", fontweight="bold")
        if lines:
            y = (foot + key_h - 0.12) / fig_h
            self._text(fig, EDGE_IN / fig_w, y, key_title, fontsize=8, fontweight="bold", va="top")
            for c in range(ncol):
                chunk = lines[c * nrow:(c + 1) * nrow]
                if chunk:
                    self._text(fig, (EDGE_IN + c * col_w) / fig_w, y - 0.2 / fig_h, "\n".join(chunk), fontsize=KEY_FONT,
                               va="top", family="monospace", linespacing=1.3)
            self._numbers()
        if foot_lines:
            self._text(fig, EDGE_IN / fig_w, 0.08 / fig_h, "\n".join(foot_lines), fontsize=7, color=INK["footer"],
                       va="bottom")

    def _text(self, where, x, y, s: str, **kw) -> None:
        where.text(x, y, s, **kw)
        self.texts.append(s)

    def _numbers(self) -> None:
        """Each numbered area's number at its representative point (inside the area)."""
        pts = self.areas.geometry.representative_point()
        for code, p in pts.items():
            k = self.key.get(code)
            if pd.notna(k):
                self.ax.text(p.x, p.y, str(int(k)), fontsize=6.5, ha="center", va="center", zorder=6,
                             bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))

    def legend(self, handles: list, *, title: str | None = None, loc: str = "upper left") -> None:
        """The legend in the side panel (at ``loc``) or, without one, in the lower right of the map."""
        kw = dict(handles=handles, fontsize=8, title=title, title_fontsize=8)
        self.legend_labels = [h.get_label() for h in handles]
        self.texts += self.legend_labels + ([title] if title else [])
        if self.side_ax is not None:
            self.side_ax.legend(loc=loc, frameon=False, borderaxespad=0.0, **kw)
        else:
            self.ax.legend(loc="lower right", framealpha=0.9, **kw)

    def colorbar(self, values: np.ndarray, cmap: str, label: str = "") -> None:
        """A vertical colour bar for ``values`` in the upper part of the side panel; tick labels are
        written the reader's way (``0,5`` in Indonesian, :func:`petarawan.fmt.number`)."""
        from matplotlib.cm import ScalarMappable
        from matplotlib.colors import Normalize
        from matplotlib.ticker import FuncFormatter

        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if not len(v) or self.side_ax is None:
            return
        cax = self.side_ax.inset_axes((0.0, 0.3, 0.09, 0.7))
        sm = ScalarMappable(norm=Normalize(float(v.min()), float(v.max())), cmap=cmap)
        cb = self.fig.colorbar(sm, cax=cax)
        cb.ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.number(x, self.lang, digits=4)))
        cb.ax.tick_params(labelsize=8)
        if label:
            cb.set_label(label, fontsize=8)
            self.texts.append(label)

    def furniture(self) -> list:
        """Fix the extent and draw the scale bar (metric CRS only) and north arrow in the strip
        below the southernmost area.  Returns the artists drawn (called by :meth:`png`)."""
        ax = self.ax
        x0, x1, y0, y1 = self.extent
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="datalim")
        ax.apply_aspect()
        bottom = ax.get_ylim()[0]
        strip = (bottom, bottom + 0.85 * (self.south - bottom))
        out = scale_bar(ax, strip, self.lang) if is_metric(self.areas.crs) else []
        return out + north_arrow(ax, strip, self.lang)

    def png(self) -> bytes:
        """Add the scale bar and north arrow and return the figure as PNG bytes at :attr:`dpi`
        (the resolution is written in the PNG's ``pHYs`` chunk)."""
        plt = _plt()
        self.furniture()
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi, bbox_inches="tight", pad_inches=0.12)
        plt.close(self.fig)
        return buf.getvalue()


def line_width(n_areas: int) -> float:
    """Outline width that keeps small areas visible: thinner as there are more areas."""
    return 0.4 if n_areas <= 1000 else 0.05


def draw_categories(ax, areas: gpd.GeoDataFrame, categories: pd.Series, colours: Mapping, labels: Mapping, *,
                    missing_label: str, missing_colour: str = NO_DATA_COLOUR, missing_hatch: str | None = MISSING_HATCH,
                    edgecolor: str = INK["edge"], linewidth: float | None = None,
                    skip_empty: bool = False, hatches: Mapping | None = None) -> list:
    """Fill each area with the colour of its category; return legend handles with counts.

    Parameters
    ----------
    categories : Series
        Category per area code (index); missing or unknown categories are drawn ``missing_colour``
        (hatched when ``missing_hatch``) and counted under ``missing_label``.
    colours, labels : mapping category → fill colour / legend text; legend order follows ``colours``.
    edgecolor, linewidth : outline; above 1,000 areas each area is outlined in its own colour.
    skip_empty : leave categories with no area out of the legend.
    hatches : mapping category → hatch pattern (e.g. islands ``"..."``), optional.

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
    hatches = hatches or {}
    for cat, col in colours.items():
        sel = (v == cat).fillna(False).to_numpy(dtype=bool)
        n = int(sel.sum())
        hatch = hatches.get(cat)
        if n:
            areas[sel].plot(ax=ax, facecolor=col, edgecolor=col if many and not hatch else edgecolor, linewidth=lw,
                            hatch=hatch)
        if n or not skip_empty:
            handles.append(Patch(facecolor=col, edgecolor=edgecolor, hatch=hatch, label=f"{labels.get(cat, cat)} ({n})"))
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
