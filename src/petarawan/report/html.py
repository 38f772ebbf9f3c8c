"""The self-contained HTML report: one file, no external scripts, styles, fonts or tiles.

Rendered from ``templates/report.html``; everything taken from input files is escaped (jinja2
autoescape).  Raw per-area counts are not
printed; the indicator summary suppresses small counts (:mod:`petarawan.privacy`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from ..config import CLASSES
from ..i18n import register, t
from ..privacy import suppress_count
from ..style import dashboard_style
from .maps import reference_map_png, uncertain_areas
from .render import b64, html_table, markup, render
from .text import method_text, readable_number, readable_time, rule_text

if TYPE_CHECKING:
    from ..pipeline import RunResult

register({
    "rep.title": {"id": "Laporan pemetaan kawasan rawan narkoba", "en": "Drug-prone area mapping report"},
    "rep.summary": {"id": "Ringkasan", "en": "Summary"},
    "rep.summary.text": {
        "id": "{n} wilayah dianalisis, {scored} diberi skor. Jumlah per kelas: {counts}.",
        "en": "{n} areas analysed, {scored} scored. Areas per class: {counts}.",
    },
    "rep.top": {"id": "Wilayah paling rawan (menurut kelas, lalu skor)", "en": "Most prone areas (by class, then score)"},
    "rep.map": {"id": "Peta kelas kerawanan", "en": "Map of proneness classes"},
    "rep.ranking": {"id": "Peringkat seluruh wilayah", "en": "Ranking of all areas"},
    "rep.ranking.top": {"id": "Peringkat: 100 wilayah paling rawan", "en": "Ranking: the 100 most prone areas"},
    "rep.ranking.cut": {"id": "100 wilayah paling rawan dari {n}; peringkat lengkap ada di petarawan.xlsx (lembar Peringkat).",
                        "en": "The 100 most prone of {n} areas; the full ranking is in petarawan.xlsx (Ranking sheet)."},
    "rep.reference": {"id": "Perbandingan dengan label rujukan", "en": "Comparison with the reference label"},
    "rep.reference.text": {
        "id": "Label rujukan <b>{col}</b> (dipublikasikan) dibandingkan dengan kelas hasil perhitungan. "
              "Baris: kelas hitungan; kolom: label rujukan (1 = zona merah).",
        "en": "The published reference label <b>{col}</b> compared with the computed classes. "
              "Rows: computed class; columns: reference label (1 = red zone).",
    },
    "rep.method": {"id": "Metode", "en": "Method"},
    "rep.indicators": {"id": "Indikator dan bobot", "en": "Indicators and weights"},
    "rep.indsummary": {"id": "Ringkasan nilai indikator (antar wilayah)", "en": "Indicator values across areas"},
    "rep.indsummary.note": {"id": "Nilai hitungan 1–{k} ditampilkan sebagai “<{m}” untuk melindungi privasi.",
                            "en": "Counts of 1–{k} are shown as “<{m}” to protect privacy."},
    "rep.quality": {"id": "Kualitas data", "en": "Data quality"},
    "rep.quality.none": {"id": "Tidak ada temuan.", "en": "No findings."},
    "rep.quality.more": {"id": "… dan {n} temuan lain (lihat lembar Kualitas data di petarawan.xlsx).",
                         "en": "… and {n} more findings (see the Data quality sheet in petarawan.xlsx)."},
    "rep.sources": {"id": "Sumber data", "en": "Data sources"},
    "rep.caveats": {"id": "Catatan dan keterbatasan", "en": "Caveats and limitations"},
    "rep.caveat.stigma": {
        "id": "Label “Bahaya” dapat menstigma warga suatu wilayah. Gunakan hasil ini untuk merencanakan dukungan, "
              "bukan untuk menghakimi warga; publikasikan hanya data agregat.",
        "en": "A “Bahaya” label can stigmatise an area's residents. Use these results to plan support, not to "
              "judge residents; publish aggregated data only.",
    },
    "rep.caveat.method": {
        "id": "Skor bersifat relatif terhadap wilayah dalam studi ini (normalisasi min–maks): 100 berarti terburuk "
              "pada setiap indikator di antara wilayah yang dibandingkan, bukan ukuran mutlak; skor dua tahun tidak "
              "dapat dibandingkan langsung bila rentang datanya berubah. Kelas bergantung pada pilihan metode dan "
              "ambang; semua pilihan tercatat di run.json dan lembar Metode.",
        "en": "Scores are relative to the areas of this study (min–max normalisation): 100 means worst on every "
              "indicator among the areas compared, not an absolute measure; scores of two years are not directly "
              "comparable when the data's range changes. Classes depend on method choices and thresholds; every "
              "choice is recorded in run.json and the Method sheet.",
    },
    "rep.caveat.privacy": {
        "id": "Laporan ini tidak memuat nama, NIK atau nomor telepon; jumlah 1–{k} ditampilkan sebagai “<{m}”.",
        "en": "This report holds no names, NIK or phone numbers; counts of 1–{k} are shown as “<{m}”.",
    },
    "rep.caveat.count_rule": {
        "id": "Nomor pada peta dan peringkat mengikuti skor; warna/kelas mengikuti aturan hitungan BNN. Keduanya bisa "
              "berbeda: skor mengukur seberapa besar nilai indikator dibanding wilayah lain, aturan hitungan mengukur "
              "berapa indikator yang ada (melewati ambangnya).",
        "en": "Map numbers and ranks follow the score; colours/classes follow BNN's count rule. They can differ: the score "
              "measures how large the indicator values are relative to other areas, the count rule how many indicators "
              "are present (above their thresholds).",
    },
    "rep.caveat.uncertain": {"id": "Wilayah berarsir: kelasnya tidak pasti (peluang kelas teratas < 0,8).",
                             "en": "Hatched areas: their class is uncertain (top class probability < 0.8)."},
    "rep.generated": {"id": "Dibuat {when} dengan petarawan {version}.", "en": "Generated {when} with petarawan {version}."},
    "rep.file": {"id": "berkas", "en": "file"},
    "rep.min": {"id": "min", "en": "min"},
    "rep.median": {"id": "median", "en": "median"},
    "rep.max": {"id": "maks", "en": "max"},
    "rep.missing": {"id": "kosong", "en": "missing"},
})



def _indicator_summary(res: "RunResult") -> pd.DataFrame:
    cfg, lang = res.study.config, res.lang
    k = cfg.privacy.min_count
    rows = []
    for i in cfg.indicators:
        x = res.data[i.code]
        fmt = (lambda v: suppress_count(v, k)) if i.count else (lambda v: "–" if pd.isna(v) else readable_number(v, lang))
        rows.append({t("col.indicator", lang): i.label(lang), t("col.unit", lang): i.unit,
                     t("rep.min", lang): fmt(x.min()), t("rep.median", lang): fmt(x.median()),
                     t("rep.max", lang): fmt(x.max()), t("rep.missing", lang): int(x.isna().sum())})
    return pd.DataFrame(rows)


REPORT_MAX_ROWS = 150


def _ranking(res: "RunResult") -> tuple[Markup, str]:
    """The ranking table and a note; above 150 areas only the 100 most prone, with a pointer to
    the workbook."""
    from .tables import ranking_table

    table = ranking_table(res, published=True)
    if len(table) <= REPORT_MAX_ROWS:
        return html_table(table), ""
    return html_table(table.head(100)), t("rep.ranking.cut", res.lang, n=len(table))


def render_report(res: "RunResult", figures: dict[str, bytes]) -> str:
    """Render ``report.html`` as one self-contained string (images inlined as base64)."""
    from .. import __version__
    from .tables import indicator_table

    cfg, lang, r = res.study.config, res.lang, res.result
    counts = res.class_counts()
    counts_text = ", ".join(f"{c} {counts[c]}" for c in CLASSES)
    top = []
    severity = r["class"].map({c: k for k, c in enumerate(CLASSES)})
    for code, row in r.assign(_sev=severity).dropna(subset=["score"]).sort_values(["_sev", "rank"]).head(5).iterrows():
        top.append({"name": row["name"], "code": code, "cls": row["class"], "cls_label": t(f"class.{row['class']}", lang),
                    "score": f"{row['score']:.1f}"})
    reference = None
    if "reference" in r.columns:
        ref = r["reference"].map(lambda v: "–" if pd.isna(v) else
                                 f"{t('reference.yes' if v == 1 else 'reference.no', lang)} ({int(v)})")
        tab = pd.crosstab(r["class"].fillna(t("class.none", lang)), ref)
        tab = tab.reindex([c for c in list(CLASSES) + [t("class.none", lang)] if c in tab.index])
        tab.index.name, tab.columns.name = t("col.class", lang), None
        tab = tab.reset_index()
        png = reference_map_png(res)
        reference = {"text": markup("rep.reference.text", lang, col=cfg.data.reference_column),
                     "table": Markup(tab.to_html(border=0, index=False)), "png": b64(png) if png else ""}
    unc = uncertain_areas(r)
    ranking, ranking_note = _ranking(res)
    sections = [{"title": s.title, "html": Markup(s.html), "png": b64(figures[s.figure]) if s.figure and s.figure in figures else None}
                for st in res.stages.values() for s in st.sections]
    from ..errors import sample_by_kind

    shown, more_by_kind = sample_by_kind([f for f in res.findings if f.level != "info"], 5)
    rest = sum(more_by_kind.values())
    k = cfg.privacy.min_count
    caveats = [t("rep.caveat.stigma", lang), t("rep.caveat.method", lang), t("rep.caveat.privacy", lang, k=k - 1, m=k)]
    if cfg.classification.method == "count_rule":
        caveats.insert(1, t("rep.caveat.count_rule", lang))
    if cfg.study.illustrative:
        caveats.insert(0, t("illustrative.long", lang))
    ind_sources = sorted({f"{i.label(lang)}: {i.source}" for i in cfg.indicators if i.source})
    return render(
        "report.html",
        lang=lang, title=t("rep.title", lang), study=cfg.study.name, data_date=cfg.study.data_date,
        illustrative=t("illustrative.long", lang) if cfg.study.illustrative else "",
        style=dashboard_style(),
        h={**{k: t(f"rep.{k}", lang) for k in ("summary", "top", "map", "ranking", "reference", "method", "indicators",
                                                "indsummary", "quality", "sources", "caveats")},
           **({"ranking": t("rep.ranking.top", lang)} if len(r) > REPORT_MAX_ROWS else {})},
        summary=t("rep.summary.text", lang, n=len(r), scored=int(r["score"].notna().sum()), counts=counts_text),
        counts=[(c, counts[c]) for c in CLASSES], top=top, map_png=b64(figures["map.png"]),
        uncertain_note=t("rep.caveat.uncertain", lang) if unc is not None and unc.any() else "",
        ranking=ranking, ranking_note=ranking_note, reference=reference,
        method_text=method_text(res),
        rule_text=rule_text(res), indicators=html_table(indicator_table(res)),
        suppression_note=t("rep.indsummary.note", lang, k=cfg.privacy.min_count - 1, m=cfg.privacy.min_count),
        indsummary=html_table(_indicator_summary(res)), sections=sections,
        findings=[f.render(lang) for f in shown], more=t("rep.quality.more", lang, n=rest) if rest > 0 else "",
        no_findings=t("rep.quality.none", lang), inputs=sorted(res.inputs.items()),
        ind_sources=ind_sources, caveats=caveats,
        generated=t("rep.generated", lang, when=readable_time(res.started, lang), version=__version__),
    )
