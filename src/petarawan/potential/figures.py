"""PNG maps for the potential and plan stages (matplotlib, Agg backend, no tiles, offline)."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd


def _to_projected(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if areas.crs is not None and areas.crs.is_geographic:
        try:
            return areas.to_crs(areas.estimate_utm_crs())
        except Exception:  # no pyproj database: draw as is
            return areas
    return areas


def _finish(fig, ax, areas: gpd.GeoDataFrame, title: str, subtitle: str, note: str) -> bytes:
    ax.set_axis_off()
    ax.set_title(title, fontsize=12, loc="left")
    if subtitle:
        ax.text(0, 1.0, subtitle, transform=ax.transAxes, fontsize=8, va="bottom", ha="left", color="#444")
    if note:
        ax.text(0.99, 0.99, note.upper(), transform=ax.transAxes, fontsize=10, ha="right", va="top",
                color="#b00", alpha=0.8, fontweight="bold")
    # scale bar (projected metres)
    if areas.crs is not None and not areas.crs.is_geographic:
        x0, y0, x1, y1 = areas.total_bounds
        width = x1 - x0
        length = 10 ** np.floor(np.log10(width / 4))
        if width / length > 8:
            length *= 2
        bx, by = x0 + 0.03 * width, y0 + 0.03 * (y1 - y0)
        ax.plot([bx, bx + length], [by, by], color="black", lw=3)
        ax.text(bx + length / 2, by + 0.015 * (y1 - y0), f"{length / 1000:g} km", ha="center", fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def choropleth_png(areas: gpd.GeoDataFrame, values: pd.Series, title: str, subtitle: str = "", *, lang: str = "id",
                   cmap: str = "YlGn", note: str = "") -> bytes:
    """A continuous choropleth of ``values`` (indexed like ``areas``); missing values hatched grey."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    g = _to_projected(areas).copy()
    g["_v"] = values.reindex(g.index).astype(float).to_numpy()
    fig, ax = plt.subplots(figsize=(7, 7))
    missing = g["_v"].isna()
    if (~missing).any():
        g[~missing].plot(column="_v", ax=ax, cmap=cmap, edgecolor="white", linewidth=0.5, legend=True,
                         legend_kwds={"shrink": 0.6})
    if missing.any():
        g[missing].plot(ax=ax, color="#dddddd", edgecolor="white", hatch="///", linewidth=0.5)
        ax.text(0.01, 0.97, "arsir = tidak ada data / disembunyikan" if lang == "id" else "hatched = no data / suppressed",
                transform=ax.transAxes, fontsize=8, va="top")
    return _finish(fig, ax, g, title, subtitle, note)


def plan_map_png(areas: gpd.GeoDataFrame, chosen: pd.Series, labels: pd.Series, classes: pd.Series, title: str,
                 subtitle: str = "", *, lang: str = "id", note: str = "", legend_title: str = "") -> bytes:
    """Areas chosen by the plan coloured by their BNN class and numbered by priority; others grey.

    ``chosen`` is boolean, ``labels`` the number shown on each chosen area, ``classes`` the class.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    colours = {"Bahaya": "#d7191c", "Waspada": "#fdae61", "Siaga": "#ffe34d", "Aman": "#1a9641"}
    g = _to_projected(areas).copy()
    ch = chosen.reindex(g.index).fillna(False).astype(bool)
    fig, ax = plt.subplots(figsize=(7, 7))
    g[~ch].plot(ax=ax, color="#eeeeee", edgecolor="#999999", linewidth=0.4)
    cls = classes.reindex(g.index)
    if ch.any():
        g[ch].plot(ax=ax, color=[colours.get(c, "#888888") for c in cls[ch]], edgecolor="black", linewidth=1.0)
        pts = g[ch].representative_point()
        for code, p in pts.items():
            ax.annotate(str(labels.get(code, "")), (p.x, p.y), ha="center", va="center", fontsize=8, fontweight="bold",
                        bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "black", "lw": 0.5})
    present = [c for c in colours if (cls[ch] == c).any()]
    handles = [Patch(facecolor=colours[c], edgecolor="black", label=c) for c in present]
    handles.append(Patch(facecolor="#eeeeee", edgecolor="#999999",
                         label="tidak dipilih" if lang == "id" else "not chosen"))
    ax.legend(handles=handles, loc="lower right", fontsize=8, title=legend_title or None, title_fontsize=8)
    return _finish(fig, ax, g, title, subtitle, note)
