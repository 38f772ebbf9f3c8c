"""The class map and the reference-label map (matplotlib, offline: no tiles, no web fonts).

:func:`category_map_png` draws a categorical area map with a legend, numbered key, scale bar,
north arrow, title and data date on the shared layout of :mod:`petarawan.report.mapkit`;
:func:`class_map_png` uses it for the four BNN classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from ..config import CLASSES
from ..i18n import t
from ..style import CLASS_COLOURS, INK, NO_SCORE_COLOUR, REFERENCE_COLOURS
from .mapkit import DPI, MAX_KEYED_AREAS, MapFrame, draw_categories, map_marks, metric, subtitle_with_date
from .text import method_summary

if TYPE_CHECKING:
    from ..pipeline import RunResult


LEGEND_PANEL_IN = 2.6


def category_map_png(gdf: gpd.GeoDataFrame, categories: pd.Series, colours: dict[str, str], labels: dict[str, str], *,
                     title: str, subtitle: str = "", key: pd.Series | None = None, key_title: str = "",
                     hatch: pd.Series | None = None, hatch_label: str = "", watermark: str = "", lang: str = "id",
                     footer: str = "", real_mark: str = "", dpi: int = DPI) -> bytes:
    """Render a categorical choropleth to PNG bytes (layout: :class:`~petarawan.report.mapkit.MapFrame`).

    Parameters
    ----------
    gdf : GeoDataFrame
        Area geometries, index = area code, with a ``name`` column when ``key`` is given.
    categories : Series
        Category of each area (index = code); values not in ``colours`` are drawn grey.
    colours, labels : dict
        Category → fill colour / legend label (legend order = dict order).
    key, key_title : Series, str, optional
        Number shown on each area (e.g. its rank) and listed ``number  name`` below the map under
        ``key_title``; left out above :data:`~petarawan.report.mapkit.MAX_KEYED_AREAS` areas.
    hatch : Series of bool, optional
        Areas to hatch (e.g. uncertain class).
    watermark : str
        Mark of illustrative data, drawn at the top right and faintly across the map.
    real_mark : str
        Mark of real, published data (top right, instead of ``watermark``).
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    bytes
        PNG.
    """
    return category_map_frame(gdf, categories, colours, labels, title=title, subtitle=subtitle, key=key,
                              key_title=key_title, hatch=hatch, hatch_label=hatch_label, watermark=watermark, lang=lang,
                              footer=footer, real_mark=real_mark, dpi=dpi).png()


def category_map_frame(gdf, categories, colours, labels, *, title, subtitle="", key=None, key_title="", hatch=None,
                       hatch_label="", watermark="", lang="id", footer="", real_mark="", dpi=DPI) -> MapFrame:
    """:func:`category_map_png` before saving: the drawn :class:`MapFrame` (tests read its texts)."""
    from matplotlib.patches import Patch

    g = metric(gdf)
    n = len(g)
    frame = MapFrame(g, title=title, subtitle=subtitle, footer=footer, watermark=watermark, side=LEGEND_PANEL_IN,
                     key=key, key_title=key_title, real_mark=real_mark, lang=lang, dpi=dpi)
    ax = frame.ax
    handles = draw_categories(ax, g, categories, colours, labels, missing_label=t("class.none", lang),
                              missing_colour=NO_SCORE_COLOUR, missing_hatch=None, edgecolor=INK["outline"],
                              linewidth=0.4 if n < 500 else 0.1)
    hatched = hatch.reindex(g.index).fillna(False).astype(bool) if hatch is not None else None
    if hatched is not None and hatched.any():
        g[hatched.to_numpy()].plot(ax=ax, facecolor="none", edgecolor=INK["text"], hatch="///", linewidth=0.0)
        handles.append(Patch(facecolor="white", edgecolor=INK["text"], hatch="///", label=hatch_label))
    frame.legend(handles)
    return frame


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

    from ..privacy import published_result

    cfg, lang = res.study.config, res.lang
    shown = published_result(res)  # ranks and uncertainty as they may be published
    return category_map_png(
        res.study.areas, res.result["class"], CLASS_COLOURS, {c: t(f"class.{c}", lang) for c in CLASSES},
        title=t("map.title", lang, study=cfg.study.name), subtitle=_subtitle(res), key=shown["rank"],
        key_title=t("map.key", lang), hatch=uncertain_areas(shown), hatch_label=t("map.uncertain", lang),
        footer=" · ".join(([t("map.count_rule_note", lang)] if cfg.classification.method == "count_rule"
                          and len(res.result) <= MAX_KEYED_AREAS else [])
                        + [t("map.made_with", lang, version=__version__)]),
        **map_marks(cfg, lang))


def reference_map_png(res: "RunResult") -> bytes | None:
    """``rujukan.png``: the published reference label (e.g. BNNK red zones), numbered like the class
    map, for comparison.  The label is real data: with ``[data] reference_source`` the map says so
    and cites it (no "DATA ILUSTRATIF" mark, even in an illustrative study); without a source it
    cannot claim to be real and carries the study's mark.  ``None`` without a reference column."""
    from ..privacy import published_result

    if "reference" not in res.result.columns:
        return None
    cfg, lang = res.study.config, res.lang
    ref = res.result["reference"].map(lambda v: "yes" if v == 1 else ("no" if v == 0 else None))
    marks = map_marks(cfg, lang)
    source = cfg.data.reference_source.strip()
    if source:
        marks["watermark"] = ""
        title_mark, note = t("map.reference.real", lang), t("map.reference.source", lang, source=source)
    else:
        title_mark, note = "", t("map.reference.no_source", lang)
    date = cfg.data.reference_date or ("" if source else cfg.study.date_in(lang))
    return category_map_png(
        res.study.areas, ref, REFERENCE_COLOURS, {"yes": t("reference.yes", lang), "no": t("reference.no", lang)},
        title=t("map.reference.title", lang, study=cfg.study.name),
        subtitle=subtitle_with_date(t("map.reference.subtitle", lang), date, lang),
        key=published_result(res)["rank"], key_title=t("map.key", lang), footer=note, real_mark=title_mark, **marks)
