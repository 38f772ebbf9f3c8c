"""Presentation of the ``uncertainty`` stage: readable headings, the Sobol plot and the report
section (template ``uncertainty.html``)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from ..i18n import method_label, has, t
from ..privacy import publication_of
from ..stages import ReportSection, StudyContext
from .. import fmt
from ..style import INK, SOBOL_COLOURS
from .mapkit import DPI, map_marks, subtitle_with_date
from . import cells
from .render import markup, render


PUBLIC_COLUMNS = ("rank_median", "rank_p05", "rank_p95", "p_bahaya", "p_waspada", "p_siaga", "p_aman")
"""Area columns that may be published: rank bands and class probabilities (no counts)."""


def public_columns(columns) -> dict[str, tuple[str, str]]:
    """The publishable subset of ``columns`` with their (Bahasa Indonesia, English) headings."""
    return {c: (t(f"unc.h.{c}", "id"), t(f"unc.h.{c}", "en")) for c in PUBLIC_COLUMNS if c in columns}


def readable(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` with its columns renamed to their headings in ``lang``.

    Raises
    ------
    KeyError
        A column without a heading (a new column must get one)."""
    names = {}
    for c in df.columns:
        key = f"unc.h.{c}"
        if not has(key):
            raise KeyError(f"no heading for uncertainty column {c!r}")
        names[c] = t(key, lang)
    return df.rename(columns=names)

def marks(ctx: StudyContext) -> dict:
    """``subtitle`` (study and data date), ``watermark`` and ``dpi`` of the run for :func:`plot`."""
    m = map_marks(ctx.config, ctx.lang)
    return {"subtitle": subtitle_with_date(ctx.config.study.name, ctx.config.study.date_in(ctx.lang), ctx.lang),
            "watermark": m["watermark"], "dpi": m["dpi"]}


def plot(table: pd.DataFrame, labels: list[str], lang: str, *, subtitle: str = "", watermark: str = "",
         dpi: int = DPI) -> bytes:
    """``sensitivity.png``: Sobol first-order (S1) and total (ST) indices per method choice with
    their 95 % confidence intervals, a plain-words footer, ``subtitle`` (study, data date), the
    mark of illustrative data ``watermark``; axis numbers written the reader's way.  PNG bytes at
    ``dpi``."""
    return plot_figure(table, labels, lang, subtitle=subtitle, watermark=watermark, dpi=dpi)[0]


def plot_figure(table: pd.DataFrame, labels: list[str], lang: str, *, subtitle: str = "", watermark: str = "",
                dpi: int = DPI) -> tuple[bytes, list[str]]:
    """:func:`plot` and every text given to matplotlib (for the tests)."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    texts: list[str] = []
    footer = "\n".join(textwrap.wrap(t("fig.sobol.read", lang), 150))
    height = 0.6 * len(table) + 2.6
    fig, ax = plt.subplots(figsize=(8, height), dpi=dpi)
    fig.subplots_adjust(left=0.2, right=0.97, top=1 - 1.0 / height, bottom=1.25 / height)
    y = np.arange(len(table))
    h = 0.38
    ax.barh(y + h / 2, table["S1"], h, xerr=table["S1_conf"], color=SOBOL_COLOURS["S1"], label="S1")
    ax.barh(y - h / 2, table["ST"], h, xerr=table["ST_conf"], color=SOBOL_COLOURS["ST"], label="ST")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float(np.nanmax(table[["S1", "ST"]].to_numpy()) * 1.1)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: fmt.number(x, lang, digits=3)))
    ax.set_xlabel(t("fig.sobol.axis", lang))
    ax.legend(loc="lower right")
    title = t("fig.sobol.title", lang)
    fig.text(0.02, 1 - 0.3 / height, title, fontsize=13, fontweight="bold", va="center")
    texts += labels + [t("fig.sobol.axis", lang), title]
    if subtitle:
        fig.text(0.02, 1 - 0.62 / height, subtitle, fontsize=9, color=INK["subtitle"], va="center")
        texts.append(subtitle)
    if watermark:
        fig.text(0.98, 1 - 0.3 / height, watermark.upper(), fontsize=10, color=INK["watermark"], ha="right",
                 va="center", fontweight="bold")
        ax.text(0.5, 0.5, watermark.upper(), transform=ax.transAxes, fontsize=30, color=INK["watermark"], alpha=0.15,
                rotation=15, ha="center", va="center", fontweight="bold")
        texts.append(watermark.upper())
    fig.text(0.02, 0.1 / height, footer, fontsize=7, color=INK["footer"], va="bottom")
    texts.append(footer)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue(), texts


_KIND = {"normalisation": "norm", "aggregation": "agg", "imputation": "imp"}


def label(factor: str, value: object, lang: str, cfg) -> str:
    if factor == "outliers":
        on = value in (True, "on", "true")
        return t(f"out.{cfg.index.outlier_method if on else 'none'}", lang)
    kind = _KIND.get(factor)
    lo, hi = cfg.index.range
    return method_label(kind, str(value), lang, lo=lo, hi=hi, p=cfg.index.power) if kind else str(value)


def factor_label(factor: str, lang: str, weights: float) -> str:
    """The readable name of an uncertain factor (``weights`` → "bobot ±25%")."""
    if factor == "weights":
        return t("unc.factor.weights", lang, pct=weights * 100)
    return t("unc.factor." + factor, lang)


def choices_text(factors: dict, lang: str, cfg) -> str:
    """Every uncertain choice and its alternatives, e.g. "bobot ±25%, normalisasi: min–maks / skor-z"."""
    u = cfg.uncertainty
    return ", ".join(
        factor_label(k, lang, u.weights) if k == "weights"
        else f"{factor_label(k, lang, u.weights)}: {' / '.join(label(k, x, lang, cfg) for x in v)}"
        for k, v in factors.items()) or "—"


def section(ctx: StudyContext, summary: pd.DataFrame, uncertain: pd.Series, scored: pd.Series, band: pd.Series,
            factors: dict, sobol: pd.DataFrame | None, sobol_runs: int, survey: list[str] | None = None) -> ReportSection:
    """How stable the ranks and classes are, in plain words, the least certain areas and, with
    Sobol, which choice matters most.

    ``summary`` as :func:`petarawan.index.uncertainty.summarise`; ``uncertain``/``scored`` boolean
    per area; ``band`` the 5–95 % rank band width of the scored areas; ``sobol`` the indices
    (``factor, S1, S1_conf, ST, ST_conf``) or ``None``; ``survey`` the IKRN survey indicators
    whose bootstrap replicates the runs drew (empty: none)."""
    cfg, lang = ctx.config, ctx.lang
    u = cfg.uncertainty
    names = ctx.areas["name"] if "name" in ctx.areas.columns else pd.Series(summary.index, index=summary.index)
    ptop = summary[["p_bahaya", "p_waspada", "p_siaga", "p_aman"]].max(axis=1)
    top = None
    if uncertain.any():
        codes = ptop[uncertain].sort_values().head(10).index
        # rank bands and probabilities follow the score: shown only where the score is published exactly
        exact = publication_of(ctx).exact("score").reindex(codes, fill_value=False)
        top = {"title": t("unc.top", lang),
               "head": [t("unc.col.area", lang), t("unc.col.band", lang), t("unc.col.ptop", lang)],
               "rows": cells.rows([[f"{names.get(c, c)} ({c})",
                                    f"{fmt.integer(summary.at[c, 'rank_p05'], lang)}–{fmt.integer(summary.at[c, 'rank_p95'], lang)}"
                                    if exact[c] else "–",
                                    ptop[c] if exact[c] else "–"] for c in codes], lang, decimals={2: 2})}
    sens = None
    if sobol is not None:
        labels = [factor_label(k, lang, u.weights) for k in sobol["factor"]]
        k = int(np.argmax(sobol["ST"].to_numpy()))
        sens = {"text": markup("unc.sobol", lang, runs=sobol_runs, top=labels[k], st=fmt.number(sobol['ST'][k], lang, decimals=2)),
                "head": [t("unc.col.factor", lang), "S1", "ST"],
                "rows": [[lb, _pm(r.S1, r.S1_conf, lang), _pm(r.ST, r.ST_conf, lang)]
                         for lb, r in zip(labels, sobol.itertuples())]}
    body = render("uncertainty.html",
                  intro=t("unc.intro", lang, runs=u.runs, choices=choices_text(factors, lang, cfg)),
                  read=markup("unc.read", lang),
                  result=markup("unc.result", lang, n_unc=int(uncertain.sum()), n=int(scored.sum()),
                                thr=f"{u.uncertain_below * 100:g}", band=fmt.number(band.mean(), lang, decimals=1) if len(band) else "—"),
                  survey=t("unc.survey", lang, cols=", ".join(survey)) if survey else "",
                  count_rule=_count_rule_text(cfg, survey, lang),
                  top=top, sobol=sens)
    return ReportSection(t("unc.title", lang), body, figure="sensitivity.png" if sobol is not None else None)


def _pm(v: float, conf: float, lang: str) -> str:
    """``0,94 ± 0,03``: a Sobol index and its confidence half-width, 2 decimals."""
    return f"{fmt.number(v, lang, decimals=2)} ± {fmt.number(conf, lang, decimals=2)}"


def _count_rule_text(cfg, survey, lang: str) -> str:
    """What the class probabilities mean under the count rule: what is modelled and what is not
    (:mod:`petarawan.uncertainty.presence`)."""
    if cfg.classification.method != "count_rule":
        return ""
    u = cfg.uncertainty
    if u.count_uncertainty == "none" and u.threshold_uncertainty <= 0:
        return t("unc.count_rule_survey" if survey else "unc.count_rule", lang)
    parts = []
    if u.count_uncertainty == "poisson":
        parts.append(t("unc.presence.poisson", lang))
    if u.threshold_uncertainty > 0:
        parts.append(t("unc.presence.threshold", lang, pct=round(100 * u.threshold_uncertainty)))
    if survey:
        parts.append(t("unc.presence.survey", lang))
    return t("unc.presence", lang, modelled="; ".join(parts))

