"""Presentation of the ``uncertainty`` stage: readable headings, the Sobol plot and the report
section (template ``uncertainty.html``)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from ..i18n import method_label, has, t
from ..stages import ReportSection, StudyContext
from ..style import SOBOL_COLOURS
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

def plot(table: pd.DataFrame, labels: list[str], lang: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.6 * len(table) + 1.6), dpi=120)
    y = np.arange(len(table))
    h = 0.38
    ax.barh(y + h / 2, table["S1"], h, xerr=table["S1_conf"], color=SOBOL_COLOURS["S1"], label="S1")
    ax.barh(y - h / 2, table["ST"], h, xerr=table["ST_conf"], color=SOBOL_COLOURS["ST"], label="ST")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.0, float(np.nanmax(table[["S1", "ST"]].to_numpy()) * 1.1)))
    ax.set_xlabel("indeks Sobol (pergeseran peringkat)" if lang == "id" else "Sobol index (rank shift)")
    ax.set_title("Sensitivitas peringkat terhadap pilihan metode" if lang == "id" else "Sensitivity of ranks to method choices")
    ax.legend(loc="lower right")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


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
        top = {"title": t("unc.top", lang),
               "head": [t("unc.col.area", lang), t("unc.col.band", lang), t("unc.col.ptop", lang)],
               "rows": [[f"{names.get(c, c)} ({c})", f"{summary.at[c, 'rank_p05']:.0f}–{summary.at[c, 'rank_p95']:.0f}",
                         f"{ptop[c]:.2f}"] for c in codes]}
    sens = None
    if sobol is not None:
        labels = [factor_label(k, lang, u.weights) for k in sobol["factor"]]
        k = int(np.argmax(sobol["ST"].to_numpy()))
        sens = {"text": markup("unc.sobol", lang, runs=sobol_runs, top=labels[k], st=f"{sobol['ST'][k]:.2f}"),
                "head": [t("unc.col.factor", lang), "S1", "ST"],
                "rows": [[lb, f"{r.S1:.2f} ± {r.S1_conf:.2f}", f"{r.ST:.2f} ± {r.ST_conf:.2f}"]
                         for lb, r in zip(labels, sobol.itertuples())]}
    body = render("uncertainty.html",
                  intro=t("unc.intro", lang, runs=u.runs, choices=choices_text(factors, lang, cfg)),
                  read=markup("unc.read", lang),
                  result=markup("unc.result", lang, n_unc=int(uncertain.sum()), n=int(scored.sum()),
                                thr=f"{u.uncertain_below * 100:g}", band=f"{band.mean():.1f}" if len(band) else "—"),
                  survey=t("unc.survey", lang, cols=", ".join(survey)) if survey else "",
                  count_rule=_count_rule_text(cfg, survey, lang),
                  top=top, sobol=sens)
    return ReportSection(t("unc.title", lang), body, figure="sensitivity.png" if sobol is not None else None)


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

