"""Static maps with matplotlib (offline: no tiles, no web fonts).

:func:`category_map_png` draws any categorical area map with a legend, numbered key, scale bar,
north arrow, title and data date; :func:`class_map_png` uses it for the four BNN classes.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from ..config import CLASSES
from ..i18n import register, t
from ..io.writers import CLASS_COLOURS, NO_SCORE_COLOUR

if TYPE_CHECKING:
    from ..pipeline import RunResult

register({
    "map.title": {"id": "Peta kerawanan narkoba — {study}", "en": "Drug-proneness map — {study}"},
    "map.date": {"id": "Data: {date}", "en": "Data: {date}"},
    "map.key": {"id": "Nomor = peringkat", "en": "Number = rank"},
    "map.uncertain": {"id": "Kelas tidak pasti (peluang < 0,8)", "en": "Uncertain class (probability < 0.8)"},
    "map.north": {"id": "U", "en": "N"},
    "map.reference.title": {"id": "Label rujukan yang dipublikasikan — {study}", "en": "Published reference label — {study}"},
    "map.made_with": {"id": "Dibuat dengan petarawan {version}", "en": "Made with petarawan {version}"},
})

MAX_KEYED_AREAS = 80


def _metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Project to a metric CRS (the UTM zone of the data when it is geographic)."""
    if gdf.crs is not None and gdf.crs.is_geographic:
        return gdf.to_crs(gdf.estimate_utm_crs())
    return gdf


def _nice_length(span_m: float) -> float:
    target = span_m / 5
    exp = 10 ** math.floor(math.log10(target))
    for m in (5, 2, 1):
        if m * exp <= target:
            return m * exp
    return exp


def _scale_bar(ax, xmin: float, ymin: float, width: float, height: float) -> None:
    length = _nice_length(width)
    x0, y0 = xmin + 0.04 * width, ymin + 0.04 * height
    h = 0.012 * height
    for k in range(2):
        ax.add_patch(__import__("matplotlib.patches", fromlist=["Rectangle"]).Rectangle(
            (x0 + k * length / 2, y0), length / 2, h, facecolor="black" if k == 0 else "white",
            edgecolor="black", linewidth=0.8, zorder=5))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(x0, y0 + 1.8 * h, "0", fontsize=7, ha="center", va="bottom", zorder=5)
    ax.text(x0 + length, y0 + 1.8 * h, label, fontsize=7, ha="center", va="bottom", zorder=5)


def _north_arrow(ax, xmax: float, ymax: float, width: float, height: float, lang: str) -> None:
    x, y = xmax - 0.05 * width, ymax - 0.14 * height
    ax.annotate(t("map.north", lang), xy=(x, y + 0.09 * height), xytext=(x, y),
                arrowprops=dict(facecolor="black", width=3, headwidth=9), ha="center", va="center",
                fontsize=10, fontweight="bold", zorder=5)


def _short(name: str, n: int = 26) -> str:
    name = " ".join(name.split())
    return name if len(name) <= n else name[: n - 1] + "…"


def category_map_png(gdf: gpd.GeoDataFrame, categories: pd.Series, colours: dict[str, str], labels: dict[str, str], *,
                     title: str, subtitle: str = "", key: pd.Series | None = None, hatch: pd.Series | None = None,
                     hatch_label: str = "", watermark: str = "", lang: str = "id", footer: str = "") -> bytes:
    """Render a categorical choropleth to PNG bytes.

    Parameters
    ----------
    gdf : GeoDataFrame
        Area geometries, index = area code.
    categories : Series
        Category of each area (index = code); values not in ``colours`` are drawn grey.
    colours, labels : dict
        Category → fill colour / legend label (legend order = dict order).
    key : Series, optional
        Number shown on each area (e.g. its rank); a numbered key lists ``number name``.
        Ignored above 80 areas.
    hatch : Series of bool, optional
        Areas to hatch (e.g. uncertain class).
    watermark : str
        Large faint text across the map (e.g. "data ilustratif").
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    g = _metric(gdf)
    cats = categories.reindex(g.index)
    fill = [colours.get(c, NO_SCORE_COLOUR) if isinstance(c, str) else NO_SCORE_COLOUR for c in cats]
    n = len(g)
    keyed = key is not None and n <= MAX_KEYED_AREAS
    fig = plt.figure(figsize=(11.5 if keyed else 9, 8), dpi=130)
    ax = fig.add_axes([0.02, 0.06, 0.66 if keyed else 0.9, 0.82])
    g.plot(ax=ax, color=fill, edgecolor="#333333", linewidth=0.4 if n < 500 else 0.1)
    if hatch is not None and hatch.reindex(g.index).fillna(False).any():
        g[hatch.reindex(g.index).fillna(False).astype(bool)].plot(
            ax=ax, facecolor="none", edgecolor="#222222", hatch="///", linewidth=0.0)
    xmin, ymin, xmax, ymax = g.total_bounds
    width, height = xmax - xmin, ymax - ymin
    ax.set_xlim(xmin - 0.03 * width, xmax + 0.03 * width)
    ax.set_ylim(ymin - 0.03 * height, ymax + 0.03 * height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if keyed:
        pts = g.geometry.representative_point()
        for code, p in pts.items():
            k = key.get(code)
            if pd.notna(k):
                ax.text(p.x, p.y, str(int(k)), fontsize=6.5, ha="center", va="center", zorder=6,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))
        order = key.reindex(g.index).sort_values(na_position="last")
        lines = [f"{int(v):>3}  {_short(str(gdf.loc[c, 'name']))}" for c, v in order.items() if pd.notna(v)]
        kax = fig.add_axes([0.69, 0.06, 0.3, 0.82])
        kax.set_axis_off()
        kax.text(0, 1, t("map.key", lang), fontsize=8, fontweight="bold", va="top", transform=kax.transAxes)
        ncol = 1 if len(lines) <= 45 else 2
        per = math.ceil(len(lines) / ncol)
        for c in range(ncol):
            kax.text(c * 0.5, 0.965, "\n".join(lines[c * per:(c + 1) * per]), fontsize=6.2, va="top",
                     family="monospace", transform=kax.transAxes)
    _scale_bar(ax, xmin, ymin, width, height)
    _north_arrow(ax, xmax, ymax, width, height, lang)
    counts = pd.Series([c for c in cats if isinstance(c, str)]).value_counts()
    handles = [Patch(facecolor=col, edgecolor="#333333", label=f"{labels.get(c, c)} ({int(counts.get(c, 0))})")
               for c, col in colours.items()]
    none_n = int(sum(1 for c in cats if not isinstance(c, str) or c not in colours))
    if none_n:
        handles.append(Patch(facecolor=NO_SCORE_COLOUR, edgecolor="#333333", label=f"{t('class.none', lang)} ({none_n})"))
    if hatch is not None and hatch.fillna(False).any():
        handles.append(Patch(facecolor="white", edgecolor="#222222", hatch="///", label=hatch_label))
    if keyed:  # beside the map, under the numbered key, so it never hides an area
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.69, 0.07), fontsize=8, framealpha=0.9)
    else:
        ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.9)
    fig.text(0.02, 0.955, title, fontsize=14, fontweight="bold", va="center")
    if subtitle:
        fig.text(0.02, 0.915, subtitle, fontsize=9, va="center", color="#444444")
    if watermark:
        fig.text(0.35, 0.5, watermark.upper(), fontsize=34, color="#aa0000", alpha=0.18, rotation=25,
                 ha="center", va="center", fontweight="bold")
        fig.text(0.98, 0.955, watermark.upper(), fontsize=10, color="#aa0000", ha="right", va="center", fontweight="bold")
    if footer:
        fig.text(0.02, 0.02, footer, fontsize=7, color="#555555")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _subtitle(res: "RunResult") -> str:
    cfg = res.study.config
    parts = []
    if cfg.study.data_date:
        parts.append(t("map.date", res.lang, date=cfg.study.data_date))
    from .html import method_summary

    parts.append(method_summary(res))
    return " · ".join(parts)


def uncertain_areas(result: pd.DataFrame) -> pd.Series | None:
    """Areas whose most likely class has probability < 0.8, when the uncertainty analysis ran."""
    cols = [f"p_{c.lower()}" for c in CLASSES]
    if not all(c in result.columns for c in cols):
        return None
    top = result[cols].max(axis=1)
    return (top < 0.8) & result["score"].notna()


def class_map_png(res: "RunResult") -> bytes:
    """The main map: the four BNN classes in conventional colours, numbered by rank."""
    from .. import __version__

    cfg, lang = res.study.config, res.lang
    return category_map_png(
        res.study.areas, res.result["class"], CLASS_COLOURS, {c: t(f"class.{c}", lang) for c in CLASSES},
        title=t("map.title", lang, study=cfg.study.name), subtitle=_subtitle(res), key=res.result["rank"],
        hatch=uncertain_areas(res.result), hatch_label=t("map.uncertain", lang),
        watermark=t("illustrative", lang) if cfg.study.illustrative else "", lang=lang,
        footer=t("map.made_with", lang, version=__version__))


def reference_map_png(res: "RunResult") -> bytes | None:
    """Map of the published reference label (e.g. BNNK red zones) for comparison."""
    if "reference" not in res.result.columns:
        return None
    cfg, lang = res.study.config, res.lang
    ref = res.result["reference"].map(lambda v: "yes" if v == 1 else ("no" if v == 0 else None))
    return category_map_png(
        res.study.areas, ref, {"yes": "#d7191c", "no": "#f0f0f0"},
        {"yes": t("reference.yes", lang), "no": t("reference.no", lang)},
        title=t("map.reference.title", lang, study=cfg.study.name),
        subtitle=f"{cfg.data.reference_column}", key=res.result["rank"], lang=lang)
