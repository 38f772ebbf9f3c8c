"""The class map and the reference-label map (matplotlib, offline: no tiles, no web fonts).

:func:`category_map_png` draws a categorical area map with a legend, numbered key, scale bar,
north arrow, title and data date on the shared layout of :mod:`petarawan.report.mapkit`;
:func:`class_map_png` uses it for the four BNN classes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from ..config import CLASSES
from ..i18n import t
from ..style import CLASS_COLOURS, INK, NO_SCORE_COLOUR, REFERENCE_COLOURS
from .mapkit import MapFrame, draw_categories, metric, subtitle_with_date
from .text import method_summary

if TYPE_CHECKING:
    from ..pipeline import RunResult


MAX_KEYED_AREAS = 80
KEY_PANEL_IN = 3.6  # width of the numbered key beside a keyed map, inches
LEGEND_PANEL_IN = 2.6


def _short(name: str, n: int = 26) -> str:
    name = " ".join(name.split())
    return name if len(name) <= n else name[: n - 1] + "…"


def category_map_png(gdf: gpd.GeoDataFrame, categories: pd.Series, colours: dict[str, str], labels: dict[str, str], *,
                     title: str, subtitle: str = "", key: pd.Series | None = None, hatch: pd.Series | None = None,
                     hatch_label: str = "", watermark: str = "", lang: str = "id", footer: str = "") -> bytes:
    """Render a categorical choropleth to PNG bytes (layout: :class:`~petarawan.report.mapkit.MapFrame`).

    Parameters
    ----------
    gdf : GeoDataFrame
        Area geometries, index = area code, with a ``name`` column when ``key`` is given.
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
        Mark of illustrative data, drawn at the top right and faintly across the map.

    Returns
    -------
    bytes
        PNG.
    """
    from matplotlib.patches import Patch

    g = metric(gdf)
    n = len(g)
    keyed = key is not None and n <= MAX_KEYED_AREAS
    frame = MapFrame(g, title=title, subtitle=subtitle, footer=footer, watermark=watermark,
                     side=KEY_PANEL_IN if keyed else LEGEND_PANEL_IN, lang=lang)
    ax = frame.ax
    handles = draw_categories(ax, g, categories, colours, labels, missing_label=t("class.none", lang),
                              missing_colour=NO_SCORE_COLOUR, missing_hatch=None, edgecolor=INK["outline"],
                              linewidth=0.4 if n < 500 else 0.1)
    hatched = hatch.reindex(g.index).fillna(False).astype(bool) if hatch is not None else None
    if hatched is not None and hatched.any():
        g[hatched.to_numpy()].plot(ax=ax, facecolor="none", edgecolor=INK["text"], hatch="///", linewidth=0.0)
        handles.append(Patch(facecolor="white", edgecolor=INK["text"], hatch="///", label=hatch_label))
    if keyed:
        pts = g.geometry.representative_point()
        for code, p in pts.items():
            k = key.get(code)
            if pd.notna(k):
                ax.text(p.x, p.y, str(int(k)), fontsize=6.5, ha="center", va="center", zorder=6,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.75))
        order = key.reindex(g.index).sort_values(na_position="last")
        lines = [f"{int(v):>3}  {_short(str(gdf.loc[c, 'name']))}" for c, v in order.items() if pd.notna(v)]
        kax = frame.side_ax
        kax.text(0, 1, t("map.key", lang), fontsize=8, fontweight="bold", va="top", transform=kax.transAxes)
        ncol = 1 if len(lines) <= 45 else 2
        per = math.ceil(len(lines) / ncol)
        for c in range(ncol):
            kax.text(c * 0.5, 0.965, "\n".join(lines[c * per:(c + 1) * per]), fontsize=6.2, va="top",
                     family="monospace", transform=kax.transAxes)
    # keyed: under the numbered key, beside the map, so it never hides an area
    frame.legend(handles, loc="lower left" if keyed else "upper left")
    return frame.png()


def _subtitle(res: "RunResult") -> str:
    return subtitle_with_date(method_summary(res), res.study.config.study.date_in(res.lang), res.lang)


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
        footer=" · ".join(([t("map.count_rule_note", lang)] if cfg.classification.method == "count_rule"
                            and len(res.result) <= MAX_KEYED_AREAS else [])
                          + [t("map.made_with", lang, version=__version__)]))


def reference_map_png(res: "RunResult") -> bytes | None:
    """Map of the published reference label (e.g. BNNK red zones) for comparison."""
    if "reference" not in res.result.columns:
        return None
    cfg, lang = res.study.config, res.lang
    ref = res.result["reference"].map(lambda v: "yes" if v == 1 else ("no" if v == 0 else None))
    return category_map_png(
        res.study.areas, ref, REFERENCE_COLOURS,
        {"yes": t("reference.yes", lang), "no": t("reference.no", lang)},
        title=t("map.reference.title", lang, study=cfg.study.name),
        subtitle=subtitle_with_date(f"{cfg.data.reference_column}", cfg.study.date_in(lang), lang), key=res.result["rank"],
        watermark=t("illustrative", lang) if cfg.study.illustrative else "", lang=lang)
