"""PNG maps for the potential and plan stages, on the shared map layout of
:mod:`petarawan.report.mapkit` (matplotlib, Agg backend, no tiles, offline)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ..i18n import t
from ..report.mapkit import DPI, MapFrame, draw_continuous, metric
from ..report.mapkit import MAX_KEYED_AREAS
from ..style import CLASS_COLOURS, INK, PLAN_OTHER_COLOUR


LEGEND_PANEL_IN = 2.4


def choropleth_png(areas: gpd.GeoDataFrame, values: pd.Series, title: str, subtitle: str = "", *, lang: str = "id",
                   cmap: str = "YlGn", watermark: str = "", legend_title: str = "", footer: str = "",
                   key: pd.Series | None = None, key_title: str = "", dpi: int = DPI) -> bytes:
    """A continuous choropleth of ``values`` (indexed like ``areas``) with a colour bar.

    Missing values (no data, or suppressed as small counts) are hatched grey and counted in the
    legend.  ``watermark`` is the mark of illustrative data (empty for real data);
    ``legend_title`` labels the colour bar; ``footer`` says how to read the map; ``key`` numbers
    the areas (listed below the map under ``key_title``).  Returns PNG bytes at ``dpi``.
    """
    g = metric(areas)
    frame = MapFrame(g, title=title, subtitle=subtitle, watermark=watermark, footer=footer, side=LEGEND_PANEL_IN,
                     key=key, key_title=key_title, lang=lang, dpi=dpi)
    handles = draw_continuous(frame.ax, g, values, cmap=cmap, missing_label=t("map.no_data_suppressed", lang))
    frame.colorbar(values.reindex(g.index).to_numpy(dtype=float), cmap, legend_title)
    if handles:
        frame.legend(handles, loc="lower left")
    return frame.png()


def plan_map_png(areas: gpd.GeoDataFrame, chosen: pd.Series, labels: pd.Series, classes: pd.Series, title: str,
                 subtitle: str = "", *, lang: str = "id", watermark: str = "", legend_title: str = "",
                 footer: str = "", key_title: str = "", dpi: int = DPI) -> bytes:
    """Areas chosen by the plan coloured by their BNN class and numbered by priority; others grey.

    ``chosen`` is boolean, ``labels`` the priority number of each chosen area (listed with the
    area names below the map under ``key_title``), ``classes`` the class; ``watermark`` is the
    mark of illustrative data; ``footer`` says how to read the map.  Returns PNG bytes at ``dpi``.
    """
    from matplotlib.patches import Patch

    g = metric(areas)
    ch = chosen.reindex(g.index).fillna(False).astype(bool)
    key = pd.to_numeric(labels.reindex(g.index).where(ch), errors="coerce")
    many = len(g) > MAX_KEYED_AREAS  # the frame then draws no numbers (only a footer note): draw the priorities here
    frame = MapFrame(g, title=title, subtitle=subtitle, watermark=watermark, footer=footer, side=LEGEND_PANEL_IN,
                     key=key, key_title=key_title, lang=lang, dpi=dpi)
    ax = frame.ax
    g[~ch].plot(ax=ax, color=PLAN_OTHER_COLOUR, edgecolor=INK["edge_light"], linewidth=0.4)
    cls = classes.reindex(g.index)
    if ch.any():
        g[ch].plot(ax=ax, color=[CLASS_COLOURS.get(c, INK["unknown_class"]) for c in cls[ch]], edgecolor="black", linewidth=1.0)
    if ch.any() and many:
        pts = g[ch].representative_point()
        for code, p in pts.items():
            ax.annotate(str(labels.get(code, "")), (p.x, p.y), ha="center", va="center", fontsize=8, fontweight="bold",
                        bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "black", "lw": 0.5}, zorder=6)
    n_class = cls[ch].value_counts()
    handles = [Patch(facecolor=col, edgecolor="black", label=f"{t(f'class.{c}', lang)} ({int(n_class[c])})")
               for c, col in CLASS_COLOURS.items() if c in n_class.index]
    handles.append(Patch(facecolor=PLAN_OTHER_COLOUR, edgecolor=INK["edge_light"],
                         label=f"{t('fig.not_chosen', lang)} ({int((~ch).sum())})"))
    frame.legend(handles, title=legend_title or None)
    return frame.png()
