"""Presentation of the ``hotspots`` stage: readable labels and headings, maps, workbook sheets
and report sections (templates ``hotspots*.html``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import fmt
from ..i18n import has, t
from ..spatial.analysis import HotspotAnalysis, variable_labels
from ..spatial.config import HotspotConfig
from ..spatial.density import DensityResult
from ..spatial.emerging import PATTERNS
from ..spatial.maps import category_map, density_map
from ..stages import ReportSection, StudyContext
from ..style import GI_COLOURS, ISLAND_COLOUR, ISLAND_HATCH, LISA_COLOURS, TREND_COLOURS
from .mapkit import map_marks, name_numbers
from . import cells
from .render import markup, render


PUBLIC_COLUMNS = ("gi_bin", "lisa_label", "trend_label")
"""Area columns that may be published (report, dashboard): categorical results only — the Gi*
bin and the readable LISA and emerging-hot-spot labels.  Never counts, rates or smoothed rates
(with a population, a rate gives the count back; counts below ``privacy.min_count`` must not be
published), and not Gi* z either: Gi*_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²)/(n − 1)))
is linear in the values, so the z of every area plus three published values solve back every
value — exactly from full precision, to ±0.5 for most areas from z rounded to 2 decimals
(checked on examples/columbus; see docs/method_spatial.md §8)."""


def with_labels(tab: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``tab`` (:meth:`HotspotAnalysis.area_table`) plus readable labels in ``lang``:
    ``lisa_label`` after ``lisa_cluster`` and, with emerging hot spots, ``trend_label`` after
    ``trend_pattern`` (e.g. ``"HH"`` → "Tinggi–Tinggi (HH)", ``"new_hot"`` → "Hot spot baru")."""
    out = tab.copy()
    out.insert(out.columns.get_loc("lisa_cluster") + 1, "lisa_label",
               [t(f"hs.lisa.{c}", lang) if f"{c}" in LISA_COLOURS else None for c in tab["lisa_cluster"]])
    if "trend_pattern" in out.columns:
        out.insert(out.columns.get_loc("trend_pattern") + 1, "trend_label",
                   [t(f"pattern.{p}", lang) if p in TREND_COLOURS else None for p in tab["trend_pattern"]])
    return out


def public_columns(columns) -> dict[str, tuple[str, str]]:
    """The publishable subset of ``columns`` (:data:`PUBLIC_COLUMNS`) with their (Bahasa
    Indonesia, English) headings."""
    return {c: (t(f"hs.h.{c}", "id"), t(f"hs.h.{c}", "en")) for c in PUBLIC_COLUMNS if c in columns}


def _per_text(per: int | None, lang: str) -> str:
    return "" if per is None else fmt.integer(per, lang)


def column_labels(cols: pd.DataFrame, v: str, per, from_table: bool) -> dict[str, tuple[str, str]]:
    """Headings of the area columns in both languages (for the workbook's ranking sheet)."""
    probe = pd.DataFrame(columns=cols.columns)
    ind, eng = (list(readable(probe, lg, v, per=per, from_table=from_table).columns) for lg in ("id", "en"))
    return dict(zip(cols.columns, zip(ind, eng)))


def readable(df: pd.DataFrame, lang: str, v: str, *, per: int | None = None, from_table: bool = False,
             periods=()) -> pd.DataFrame:
    """``df`` with every column of the hot-spot sheets renamed to its heading in ``lang``
    (``lisa_i`` → "Local Moran I", ``count_v`` → "Jumlah v", ``gi_z_2021`` → "Skor z Gi* 2021").

    Raises
    ------
    KeyError
        A column without a heading (a new column must get one).
    """
    names: dict[str, str] = {}
    for c in df.columns:
        if c in ("code", "name"):
            names[c] = t(f"hs.h.{c}", lang)
        elif c == f"count_{v}":
            names[c] = t("hs.h.value" if from_table else "hs.h.count", lang, v=v)
        elif c == f"rate_{v}":
            names[c] = t("hs.h.rate", lang, v=v, per=_per_text(per, lang))
        elif c == f"eb_rate_{v}":
            names[c] = t("hs.h.eb_rate", lang, v=v, per=_per_text(per, lang))
        elif c.startswith("gi_z_") and c[5:] in [str(p) for p in periods]:
            names[c] = t("hs.h.gi_z_period", lang, p=c[5:])
        else:
            key = f"hs.h.{c}"
            if not has(key):
                raise KeyError(f"no heading for hot-spot column {c!r}")
            names[c] = t(key, lang)
    return df.rename(columns=names)


def _fmt(x: float, lang: str, nd: int = 4) -> str:
    return "–" if x is None or not np.isfinite(x) else fmt.number(x, lang, decimals=nd)


def _subtitle(ctx: StudyContext, a: HotspotAnalysis) -> str:
    st = ctx.config.study
    bits = [st.name]
    if st.data_date:
        bits.append(t("map.date", ctx.lang, date=st.date_in(ctx.lang)))
    cfg = ctx.section("hotspots")
    if cfg is not None and cfg.counts is None and cfg.incidents is None and a.measure == "count":
        bits.append(a.variable)  # an indicator of the table, analysed as given
    else:
        bits.append(f"{_vlabel(ctx, a.variable)} ({t('hs.measure.' + a.measure, ctx.lang)}{'' if a.period == 'all' else ', ' + a.period})")
    return " · ".join(bits)


def _vlabel(ctx: StudyContext, v: str) -> str:
    """The analysed variable as a reader knows it: the indicator's label when it is one."""
    return variable_labels(ctx.config.indicators, v)[ctx.lang == "en"]


def _note(ctx: StudyContext, a: HotspotAnalysis, cfg: HotspotConfig) -> str:
    fdr = "on" if cfg.fdr else "off"
    if ctx.lang == "id":
        fdr = "aktif" if cfg.fdr else "tidak aktif"
    return t("hs.note", ctx.lang, w=a.weights.kind, perm=cfg.permutations, seed=a.seeds["gi"], fdr=fdr, alpha=cfg.alpha,
             inf=t(f"hs.inference.{cfg.inference}", ctx.lang))


def reading(ctx: StudyContext, a: HotspotAnalysis, cfg: HotspotConfig, kind: str) -> str:
    """The footer of a local-statistic map in plain words: how to read it (``kind`` = ``gi``,
    ``lisa`` or ``trend``), what neighbours are, what the test compares with, what the FDR
    correction means, islands, then the technical details (:func:`_note`)."""
    lang, w = ctx.lang, cfg.weights
    parts = [t(f"map.read.{kind}", lang, **({"periods": f"{a.emerging.periods[0]}–{a.emerging.periods[-1]}"}
                                            if kind == "trend" else {}))]
    parts.append(t(f"map.neighbours.{w.kind}", lang, k=w.k, d=w.threshold or 0))
    parts.append(t(f"map.test.{cfg.inference}", lang, perm=cfg.permutations))
    parts.append(t("map.fdr.on" if cfg.fdr else "map.fdr.off", lang, alpha=cfg.alpha))
    if a.weights.islands:
        parts.append(t("map.read.islands", lang, n=len(a.weights.islands)))
    parts.append(t("map.details", lang, text=_note(ctx, a, cfg)))
    return " ".join(parts)


def with_islands(values: pd.Series, islands) -> pd.Series:
    """``values`` with every island (area without a neighbour) set to ``"island"``: it has no
    local statistic, which a map must not show as "not significant"."""
    out = values.astype(object).copy()
    out[out.index.isin(list(islands))] = "island"
    return out


def figures(ctx: StudyContext, a: HotspotAnalysis, cfg: HotspotConfig, density: DensityResult | None) -> dict[str, bytes]:
    """The hot-spot maps (Gi* bins, LISA clusters, emerging patterns, incident density): areas
    numbered alphabetically (:func:`~petarawan.report.mapkit.name_numbers`), islands as "no local
    statistic", a plain-words footer (:func:`reading`)."""
    lang, areas = ctx.lang, ctx.areas
    sub = _subtitle(ctx, a)
    nd = t("hs.no_data", lang)
    mark = {**map_marks(ctx.config, lang), "key": name_numbers(areas), "key_title": t("map.key_names", lang)}
    islands = a.weights.islands
    island = {"island": ISLAND_COLOUR} if islands else {}  # in the legend only when there are islands
    local = {**mark, "hatches": {"island": ISLAND_HATCH}}
    tab = a.area_table()
    il = {"island": t("map.island", lang)}
    figs = {
        "hotspot_gi_bins.png": category_map(areas, with_islands(tab["gi_bin"], islands),
                                            {**{k: GI_COLOURS[k] for k in (3, 2, 1, 0, -1, -2, -3)}, **island},
                                            {**{k: t(f"hs.gi.{k}", lang) for k in range(-3, 4)}, **il},
                                            title=t("hs.gi.title", lang, v=_vlabel(ctx, a.variable)), subtitle=sub,
                                            note=reading(ctx, a, cfg, "gi"), no_data_label=nd, **local),
        "hotspot_lisa.png": category_map(areas, with_islands(tab["lisa_cluster"], islands), {**LISA_COLOURS, **island},
                                         {**{k: t(f"hs.lisa.{k}", lang) for k in LISA_COLOURS}, **il},
                                         title=t("hs.lisa.title", lang, v=_vlabel(ctx, a.variable)), subtitle=sub,
                                         note=reading(ctx, a, cfg, "lisa"), no_data_label=nd, **local),
    }
    if a.emerging is not None:
        present = [p for p in PATTERNS if (a.emerging.pattern == p).any()] or ["no_pattern"]
        figs["hotspot_trend.png"] = category_map(
            areas, with_islands(tab["trend_pattern"], islands), {**{p: TREND_COLOURS[p] for p in present}, **island},
            {**{p: t(f"pattern.{p}", lang) for p in present}, **il},
            title=t("hs.trend.title", lang, v=_vlabel(ctx, a.variable)),
            subtitle=f"{sub} · {a.emerging.periods[0]}–{a.emerging.periods[-1]}", note=reading(ctx, a, cfg, "trend"),
            no_data_label=nd, **local)
    if density is not None:
        figs["hotspot_density.png"] = density_map(density.grid, areas, title=t("hs.density.title", lang, v=_vlabel(ctx, a.variable)),
                                                  legend=t("hs.density.legend", lang), subtitle=sub,
                                                  note=t("hs.density.text", lang, n=density.n_points, bw=density.bandwidth,
                                                         bwm=round(density.bandwidth_m), cell=round(density.cell_size)),
                                                  **mark)
    return figs


def sections(ctx: StudyContext, a: HotspotAnalysis, density: DensityResult | None) -> list[ReportSection]:
    """The report sections: Moran's I and the hot-spot counts with the areas of highest Gi* z
    (categorical results only — no count, rate or z-score: the z-scores of all areas plus a few
    known values let the counts be solved back, docs/method_spatial.md §8), the LISA map,
    emerging hot spots and incident density when computed."""
    lang = ctx.lang
    m = a.moran
    verdict = "hs.verdict.random"
    if np.isfinite(m.p_sim) and m.p_sim <= 0.05:
        verdict = "hs.verdict.clustered" if m.I > m.EI else "hs.verdict.dispersed"
    cfg = ctx.section("hotspots")
    single = a.emerging is None and cfg.counts is None and cfg.incidents is None
    if a.period != "all":
        period = a.period
    elif single:  # one period: the indicator table's own date
        period = ctx.config.study.date_in(ctx.lang) or "—"
    else:
        period = "semua periode" if lang == "id" else "all periods"
    gi, lc = a.gi.counts(), a.lisa.counts()
    tab = with_labels(a.area_table(), lang)
    top = tab.sort_values("gi_z", ascending=False).head(10)
    names = ctx.areas["name"].reindex(top.index)
    head = [t("hs.col.code", lang), t("hs.col.name", lang)] + [t(f"hs.h.{c}", lang) for c in ("gi_label", "lisa_label")] + \
        ([t("hs.h.trend_label", lang)] if a.emerging is not None else [])
    rows = [[str(code), str(names.get(code) or ""), t(f"hs.gi.{int(r['gi_bin'])}", lang), str(r["lisa_label"])]
            + ([str(r["trend_label"])] if a.emerging is not None else []) for code, r in top.iterrows()]
    body = render("hotspots.html",
                  moran=markup("hs.section.moran", lang, v=_vlabel(ctx, a.variable), period=period, n=m.n,
                               w=a.weights.kind, i=_fmt(m.I, lang), ei=_fmt(m.EI, lang), z=_fmt(m.z_norm, lang, 2), p=_fmt(m.p_sim, lang, 3),
                               verdict=t(verdict, lang)),
                  counts=t("hs.section.counts", lang, hot=gi["1"] + gi["2"] + gi["3"], cold=gi["-1"] + gi["-2"] + gi["-3"],
                           hh=lc["HH"], ll=lc["LL"], lh=lc["LH"], hl=lc["HL"]),
                  top_title=t("hs.section.top", lang), head=head, rows=rows, caveat=t("hs.section.caveat", lang))
    out = [ReportSection(t("hs.section.title", lang), body, "hotspot_gi_bins.png"),
           ReportSection(t("hs.lisa.title", lang, v=_vlabel(ctx, a.variable)), "", "hotspot_lisa.png")]
    if a.emerging is not None:
        e = a.emerging
        out.append(ReportSection(t("hs.trend.section", lang), render(
            "hotspots_trend.html", text=t("hs.trend.text", lang, periods=f"{e.periods[0]}–{e.periods[-1]}"),
            head=[t("hs.col.pattern", lang), t("hs.col.areas", lang)],
            rows=cells.rows([[t("pattern." + p, lang), n] for p, n in e.counts().items()], lang)), "hotspot_trend.png"))
    if density is not None:
        out.append(ReportSection(t("hs.density.section", lang), render(
            "paragraph.html", text=t("hs.density.text", lang, n=density.n_points, bw=density.bandwidth,
                                     bwm=round(density.bandwidth_m), cell=round(density.cell_size))),
            "hotspot_density.png"))
    return out


def sheets(ctx: StudyContext, a: HotspotAnalysis, cols: pd.DataFrame, *, from_table: bool) -> dict[str, pd.DataFrame]:
    """The workbook sheets: every area's results (highest Gi* z first) and, with emerging hot
    spots, each period's Gi* z, under readable headings in the run's language."""
    lang, v = ctx.lang, a.variable
    per = a.rates.per if a.rates is not None else None
    names = ctx.areas["name"]
    sheet = cols.loc[a.area_table().index].sort_values("gi_z", ascending=False).drop(columns=["trend_pattern"],
                                                                                     errors="ignore")
    sheet.insert(0, "name", names.reindex(sheet.index).to_numpy())
    out = {t("hs.sheet.hotspots", lang): readable(sheet.reset_index(), lang, v, per=per, from_table=from_table)}
    if a.emerging is not None:
        zt = pd.DataFrame(a.emerging.z, index=a.emerging.ids, columns=[f"gi_z_{p}" for p in a.emerging.periods])
        zt.index.name = "code"
        zt.insert(0, "trend_label", [t(f"pattern.{p}", lang) for p in a.emerging.pattern.astype(str)])
        zt.insert(0, "name", names.reindex(zt.index).to_numpy())
        out[t("hs.sheet.trend", lang)] = readable(zt.reset_index(), lang, v, periods=a.emerging.periods)
    return out
