"""The ``uncertainty`` stage: Monte Carlo rank bands and class probabilities, Sobol indices,
their table, plot and plain-language report section (Bahasa Indonesia / English).

Configured by ``[uncertainty]`` (:class:`petarawan.uncertainty.config.UncertaintySection`); the
engine is :mod:`petarawan.index.uncertainty`.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import StudyConfig
from ..errors import ConfigError, Finding
from ..i18n import method_label, register, t
from ..stages import ReportSection, Stage, StageResult, StudyContext
from ..style import SOBOL_COLOURS
from .config import UncertaintySection
from ..index.uncertainty import design_from_unit, evaluate, factors, rank_desc_min, sample_design, sobol_indices, summarise

__all__ = ["run_uncertainty", "check_uncertainty_config", "UncertaintyStageResult", "STAGE"]

register({
    "stage.uncertainty": {"id": "ketidakpastian", "en": "uncertainty"},
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

SCORE_SCALE_FREE = ("zscore", "rank")


def check_uncertainty_config(config: StudyConfig) -> None:
    """Refuse combinations whose runs cannot be compared.

    Raises
    ------
    ConfigError
        Score bands (on the normalisation range) combined with a normalisation whose scores are
        not on that range (z-score, rank) in the base run or among the alternatives.
    """
    if config.classification.method != "bands":
        return
    used = {config.index.normalisation, *config.uncertainty.normalisation}
    bad = sorted(used & set(SCORE_SCALE_FREE))
    if bad:
        raise ConfigError(
            f"uncertainty.normalisation / index.normalisation: {bad} give scores that are not on index.range "
            f"{list(config.index.range)}, so classification.bands cannot class them; use minmax/percentile/goalposts/target/"
            f"reference, or classification.method = 'quantiles' or 'jenks'")


def _progress_bar(total: int, label: str):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    prog = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                    transient=True, disable=not console.is_terminal)
    return prog


def _run_with_progress(raw, config, design, groups, label, presence=None):
    prog = _progress_bar(len(design), label)
    with prog:
        task = prog.add_task(label, total=len(design))
        return evaluate(raw, config, design, groups=groups, progress=lambda k: prog.advance(task, k), presence=presence)


def _plot(table: pd.DataFrame, labels: list[str], lang: str) -> bytes:
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


def _label(factor: str, value: object, lang: str, cfg) -> str:
    if factor == "outliers":
        return t("out.on" if value in (True, "on", "true") else "out.off", lang)
    kind = _KIND.get(factor)
    lo, hi = cfg.index.range
    return method_label(kind, str(value), lang, lo=lo, hi=hi, p=cfg.index.power) if kind else str(value)


@dataclass(frozen=True, kw_only=True)
class UncertaintyStageResult(StageResult):
    """The uncertainty stage's result.

    Attributes
    ----------
    summary : DataFrame
        Index code: ``rank_median``, ``rank_p05``, ``rank_p95``, ``p_bahaya``, ``p_waspada``,
        ``p_siaga``, ``p_aman``.
    """

    summary: pd.DataFrame


def run_uncertainty(ctx: StudyContext) -> UncertaintyStageResult:
    """Stage function: Monte Carlo + Sobol on the study in ``ctx``.

    Returns
    -------
    UncertaintyStageResult with
        area_columns : ``rank_median``, ``rank_p05``, ``rank_p95``, ``p_bahaya``, ``p_waspada``,
            ``p_siaga``, ``p_aman`` (index code);
        public_columns : all of them, with readable headings (:func:`public_columns`);
        sheets : ``Ketidakpastian`` / ``Uncertainty`` (per area) and, with Sobol, ``Sensitivitas`` /
            ``Sensitivity`` (per choice), headings in the run's language;
        figures : ``sensitivity.png``; sections : plain-language explanation;
        manifest : every choice, seeds, N, summary numbers.

    Raises
    ------
    ConfigError
        See :func:`check_uncertainty_config`.
    """
    cfg = ctx.config
    u = cfg.uncertainty
    lang = ctx.lang
    check_uncertainty_config(cfg)
    codes = [i.code for i in cfg.indicators]
    # the very values the base run's index used (rates where a denominator is set), so every
    # Monte Carlo run starts from the same input as the base run; values as entered for presence
    raw = ctx.index.raw[codes]
    presence = ctx.data[codes]
    groups = ctx.areas["group"] if "group" in ctx.areas.columns else None
    seed = cfg.study.seed
    rng = np.random.default_rng([seed, 1])
    design = sample_design(cfg, u.runs, rng)
    ranks, classes = _run_with_progress(raw, cfg, design, groups, "Monte Carlo", presence)
    summary = summarise(ranks, classes, raw.index)
    pcols = ["p_bahaya", "p_waspada", "p_siaga", "p_aman"]
    ptop = summary[pcols].max(axis=1)
    scored = ctx.result["score"].notna().reindex(raw.index).fillna(False) if ctx.result is not None else pd.Series(True, index=raw.index)
    uncertain = (ptop < u.uncertain_below) & scored
    band = (summary["rank_p95"] - summary["rank_p05"])[scored]
    f = factors(cfg)
    choices_txt = ", ".join(
        t("unc.factor.weights", lang, pct=f"{u.weights * 100:g}") if k == "weights"
        else f"{t('unc.factor.' + k, lang)}: {' / '.join(_label(k, x, lang, cfg) for x in v)}" for k, v in f.items()) or "—"
    findings: list[Finding] = []
    alt_norms = sorted(set(u.normalisation) - {cfg.index.normalisation})
    if cfg.classification.method == "bands" and alt_norms:
        findings.append(Finding(
            "warning", "bands_across_normalisations",
            f"kelas memakai batas skor tetap, sedangkan normalisasi divariasikan ({', '.join(alt_norms)}): skor dari "
            f"normalisasi berbeda punya sebaran berbeda, sehingga peluang kelas terutama mencerminkan pilihan normalisasi",
            message_en=f"classes use fixed score bounds while the normalisation varies ({', '.join(alt_norms)}): scores "
                       f"from different normalisations are spread differently, so class probabilities mostly reflect "
                       f"the normalisation choice",
            expected="baca peringkat (median dan rentang), atau pakai klasifikasi kuantil/jenks",
            expected_en="read the ranks (median and band), or use quantile/jenks classes"))
    manifest: dict = {"runs": u.runs, "seed": seed, "factors": {k: v for k, v in f.items()},
                      "weights_perturbation": u.weights, "uncertain_below": u.uncertain_below,
                      "n_uncertain": int(uncertain.sum()), "mean_rank_band": float(band.mean()) if len(band) else None,
                      "method": "Monte Carlo, every step of the base run recomputed in every run"}
    sheets = {}
    names = ctx.areas["name"] if "name" in ctx.areas.columns else pd.Series(raw.index, index=raw.index)
    area_sheet = summary.copy()
    area_sheet.insert(0, "name", names.reindex(raw.index))
    area_sheet.index.name = "code"
    sheets[t("unc.sheet.areas", lang)] = readable(area_sheet.reset_index(), lang)
    thr_txt = f"{u.uncertain_below * 100:g}"
    band_txt = f"{band.mean():.1f}" if len(band) else "—"
    sections_html = [f"<p>{t('unc.intro', lang, runs=u.runs, choices=html.escape(choices_txt))}</p>",
                     f"<p>{t('unc.read', lang)}</p>",
                     f"<p>{t('unc.result', lang, n_unc=int(uncertain.sum()), n=int(scored.sum()), thr=thr_txt, band=band_txt)}</p>"]
    if cfg.classification.method == "count_rule":
        sections_html.append(f"<p>{t('unc.count_rule', lang)}</p>")
    if uncertain.any():
        top = ptop[uncertain].sort_values().head(10)
        rows = "".join(
            f"<tr><td>{html.escape(str(names.get(c, c)))} ({html.escape(str(c))})</td>"
            f"<td>{summary.at[c, 'rank_p05']:.0f}–{summary.at[c, 'rank_p95']:.0f}</td><td>{ptop[c]:.2f}</td></tr>"
            for c in top.index)
        sections_html.append(f"<p><b>{t('unc.top', lang)}</b></p><table><tr><th>{t('unc.col.area', lang)}</th>"
                             f"<th>{t('unc.col.band', lang)}</th><th>{t('unc.col.ptop', lang)}</th></tr>{rows}</table>")
    figures: dict[str, bytes] = {}
    figure_name = None
    if u.sobol and f:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample

        fnames = list(f)
        problem = {"num_vars": len(fnames), "names": fnames, "bounds": [[0.0, 1.0]] * len(fnames)}
        X = sobol_sample.sample(problem, u.sobol_samples, calc_second_order=False, seed=seed)
        sdes = design_from_unit(cfg, X, fnames, np.random.default_rng([seed, 2]))
        sranks, _ = _run_with_progress(raw, cfg, sdes, groups, "Sobol", presence)
        base_rank = rank_desc_min(ctx.result["score"].reindex(raw.index).to_numpy(float)) if ctx.result is not None \
            else np.nanmedian(sranks, axis=1)
        diff = np.abs(sranks - base_rank[:, None])
        mars = np.nanmean(diff, axis=0)
        res = sobol_analyze.analyze(problem, mars, calc_second_order=False, seed=seed, print_to_console=False)
        full = ~np.isnan(sranks).any(axis=1)
        s1, st = sobol_indices(sranks[full], len(fnames))
        moving = sranks[full].std(axis=1) > 0
        table = pd.DataFrame({
            "factor": fnames,
            "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"],
            "S1_area_mean": s1[moving].mean(axis=0) if moving.any() else np.zeros(len(fnames)),
            "ST_area_mean": st[moving].mean(axis=0) if moving.any() else np.zeros(len(fnames)),
        })
        labels = [t("unc.factor.weights", lang, pct=f"{u.weights * 100:g}") if k == "weights" else t("unc.factor." + k, lang)
                  for k in fnames]
        shown = table.copy()
        shown.insert(1, "label", labels)
        sheets[t("unc.sheet.sobol", lang)] = readable(shown, lang)
        figures["sensitivity.png"] = _plot(table, labels, lang)
        figure_name = "sensitivity.png"
        k = int(np.argmax(table["ST"].to_numpy()))
        st_txt = f"{table['ST'][k]:.2f}"
        sections_html.append(f"<p>{t('unc.sobol', lang, runs=len(sdes), top=html.escape(labels[k]), st=st_txt)}</p>")
        trs = "".join(f"<tr><td>{html.escape(lb)}</td><td>{r.S1:.2f} ± {r.S1_conf:.2f}</td><td>{r.ST:.2f} ± {r.ST_conf:.2f}</td></tr>"
                      for lb, r in zip(labels, table.itertuples()))
        sections_html.append(f"<table><tr><th>{t('unc.col.factor', lang)}</th><th>S1</th><th>ST</th></tr>{trs}</table>")
        manifest["sobol"] = {"base_samples": u.sobol_samples, "runs": len(sdes), "output": "mean absolute rank shift vs base run",
                             "estimators": "Saltelli et al. 2010 (SALib analyze.sobol)", "weight_sets": 256,
                             "indices": table.to_dict(orient="records")}
    if uncertain.any():
        findings.append(Finding("info", "uncertain_class",
                                f"{int(uncertain.sum())} wilayah dengan kelas tidak pasti (peluang kelas terbesar < "
                                f"{u.uncertain_below:g})",
                                message_en=f"{int(uncertain.sum())} areas with an uncertain class (top class "
                                           f"probability < {u.uncertain_below:g})"))
    section = ReportSection(t("unc.title", lang), "\n".join(sections_html), figure=figure_name)
    return UncertaintyStageResult(name="uncertainty", area_columns=summary,
                                  public_columns=public_columns(summary.columns), sheets=sheets, manifest=manifest,
                                  findings=findings, figures=figures, sections=[section], summary=summary)


STAGE = Stage(name="uncertainty", run=run_uncertainty, section=UncertaintySection, requires=("index", "classes"))
