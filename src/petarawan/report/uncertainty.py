"""Presentation of the ``uncertainty`` stage: readable headings, the Sobol plot and the report
section (template ``uncertainty.html``)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from ..i18n import method_label, register, t
from ..stages import ReportSection, StudyContext
from ..style import SOBOL_COLOURS
from .render import markup, render

register({
    "unc.title": {"id": "Ketidakpastian dan sensitivitas", "en": "Uncertainty and sensitivity"},
    "unc.intro": {
        "id": ("Skor dan kelas setiap wilayah bergantung pada pilihan metode: bobot indikator, cara normalisasi, "
               "cara agregasi, cara mengisi data kosong, dan penanganan pencilan. Tidak ada satu pilihan yang pasti benar. "
               "Karena itu indeks dihitung ulang {runs} kali; setiap kali pilihan-pilihan itu diubah secara acak dalam "
               "batas yang wajar ({choices})."),
        "en": ("Each area's score and class depend on method choices: indicator weights, normalisation, aggregation, "
               "how missing data are filled, outlier treatment. No single choice is certainly right, so the index was "
               "recomputed {runs} times, each time with these choices varied at random within reasonable limits ({choices})."),
    },
    "unc.read": {
        "id": ("Cara membaca: <b>peringkat tengah</b> (median) adalah peringkat wilayah yang paling khas di antara semua "
               "perhitungan; <b>rentang peringkat 5–95%</b> berarti pada 90 dari 100 perhitungan peringkat wilayah berada di "
               "dalam rentang itu — makin lebar rentangnya, makin kurang pasti peringkatnya. <b>Peluang kelas</b> adalah "
               "bagian perhitungan yang menempatkan wilayah pada kelas itu (misalnya Peluang Bahaya = 0,9: Bahaya pada 90% perhitungan)."),
        "en": ("How to read: the <b>median rank</b> is the area's most typical rank over all runs; the <b>5–95% rank band</b> "
               "means that in 90 of 100 runs the area's rank lies in that band — the wider, the less certain. A <b>class "
               "probability</b> is the share of runs that put the area in that class (e.g. Probability of Bahaya = 0.9: Bahaya in 90% of runs)."),
    },
    "unc.result": {
        "id": ("Hasil: {n_unc} dari {n} wilayah memiliki kelas yang <b>tidak pasti</b> (peluang kelas terbesarnya di bawah "
               "{thr}%); di peta wilayah ini ditandai. Lebar rata-rata rentang peringkat 5–95%: {band} peringkat. "
               "Kelas wilayah yang tidak pasti sebaiknya dipastikan dengan pengecekan lapangan sebelum diputuskan."),
        "en": ("Result: {n_unc} of {n} areas have an <b>uncertain</b> class (top class probability below {thr}%); the map "
               "marks them. Mean width of the 5–95% rank band: {band} ranks. Check uncertain areas in the field before deciding."),
    },
    "unc.count_rule": {
        "id": ("Catatan: kelas ditentukan dengan aturan hitungan BNN, yang hanya memakai data mentah; pilihan metode di atas "
               "mengubah peringkat, tetapi tidak mengubah kelas."),
        "en": ("Note: classes follow BNN's count rule, which uses the raw data only; the choices above change the ranks but not "
               "the classes."),
    },
    "unc.survey": {
        "id": ("Setiap perhitungan juga memakai satu ulangan bootstrap skor survei IKRN ({cols}): wilayah dengan sedikit "
               "responden atau jawaban yang beragam mendapat peluang kelas yang lebih rendah, karena ketidakpastian sampel "
               "survei ikut dihitung."),
        "en": ("Each run also takes one bootstrap replicate of the IKRN survey scores ({cols}): areas with few respondents "
               "or divided answers get lower class probabilities, because survey sampling uncertainty is included."),
    },
    "unc.count_rule_survey": {
        "id": ("Catatan: kelas ditentukan dengan aturan hitungan BNN; pilihan metode mengubah peringkat, dan kelas hanya "
               "berubah bila skor survei IKRN (indikator BNN) melewati batas 'ada' dalam suatu ulangan bootstrap."),
        "en": ("Note: classes follow BNN's count rule; method choices change the ranks, and a class changes only when the "
               "IKRN survey score (a BNN indicator) crosses its 'present' threshold in a bootstrap replicate."),
    },
    "unc.sobol": {
        "id": ("Analisis sensitivitas (indeks Sobol, {runs} perhitungan) menunjukkan pilihan mana yang paling memengaruhi "
               "peringkat. Indeks orde pertama (S1) adalah bagian keragaman peringkat yang disebabkan oleh pilihan itu "
               "sendiri; indeks total (ST) menambahkan pengaruhnya bersama pilihan lain. Pilihan yang paling berpengaruh: "
               "<b>{top}</b> (ST = {st})."),
        "en": ("Sensitivity analysis (Sobol indices, {runs} runs) shows which choice moves the ranks most. The first-order "
               "index (S1) is the share of rank variance due to that choice alone; the total index (ST) adds its interactions "
               "with the other choices. Most influential: <b>{top}</b> (ST = {st})."),
    },
    "unc.top": {"id": "Wilayah dengan kelas paling tidak pasti", "en": "Areas with the least certain class"},
    "unc.factor.weights": {"id": "bobot ±{pct}%", "en": "weights ±{pct}%"},
    "unc.factor.normalisation": {"id": "normalisasi", "en": "normalisation"},
    "unc.factor.aggregation": {"id": "agregasi", "en": "aggregation"},
    "unc.factor.imputation": {"id": "pengisian data kosong", "en": "imputation"},
    "unc.factor.outliers": {"id": "penanganan pencilan", "en": "outlier treatment"},
    "unc.col.factor": {"id": "Pilihan", "en": "Choice"},
    "unc.col.area": {"id": "Wilayah", "en": "Area"},
    "unc.col.band": {"id": "Rentang peringkat 5–95%", "en": "5–95% rank band"},
    "unc.col.ptop": {"id": "Peluang kelas terbesar", "en": "Top class probability"},
    "unc.sheet.areas": {"id": "Ketidakpastian", "en": "Uncertainty"},
    "unc.sheet.sobol": {"id": "Sensitivitas", "en": "Sensitivity"},
    # headings of the sheets and published columns (keys = column names)
    "unc.h.code": {"id": "Kode wilayah", "en": "Area code"},
    "unc.h.name": {"id": "Nama wilayah", "en": "Area name"},
    "unc.h.rank_median": {"id": "Peringkat median", "en": "Median rank"},
    "unc.h.rank_p05": {"id": "Peringkat persentil 5%", "en": "Rank, 5th percentile"},
    "unc.h.rank_p95": {"id": "Peringkat persentil 95%", "en": "Rank, 95th percentile"},
    "unc.h.p_bahaya": {"id": "Peluang Bahaya", "en": "Probability of Bahaya"},
    "unc.h.p_waspada": {"id": "Peluang Waspada", "en": "Probability of Waspada"},
    "unc.h.p_siaga": {"id": "Peluang Siaga", "en": "Probability of Siaga"},
    "unc.h.p_aman": {"id": "Peluang Aman", "en": "Probability of Aman"},
    "unc.h.factor": {"id": "Faktor (kode)", "en": "Factor (code)"},
    "unc.h.label": {"id": "Pilihan metode", "en": "Method choice"},
    "unc.h.S1": {"id": "S1 (indeks orde pertama)", "en": "S1 (first-order index)"},
    "unc.h.S1_conf": {"id": "S1: ± selang kepercayaan 95%", "en": "S1: ± 95% confidence interval"},
    "unc.h.ST": {"id": "ST (indeks total)", "en": "ST (total index)"},
    "unc.h.ST_conf": {"id": "ST: ± selang kepercayaan 95%", "en": "ST: ± 95% confidence interval"},
    "unc.h.S1_area_mean": {"id": "S1 per wilayah, rata-rata", "en": "S1 per area, mean"},
    "unc.h.ST_area_mean": {"id": "ST per wilayah, rata-rata", "en": "ST per area, mean"},
})

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
        if t(key, lang) == key:
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
        return t("unc.factor.weights", lang, pct=f"{weights * 100:g}")
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
                  count_rule=(t("unc.count_rule_survey" if survey else "unc.count_rule", lang)
                              if cfg.classification.method == "count_rule" else ""),
                  top=top, sobol=sens)
    return ReportSection(t("unc.title", lang), body, figure="sensitivity.png" if sobol is not None else None)
