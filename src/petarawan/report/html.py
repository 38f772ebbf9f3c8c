"""The self-contained HTML report: one file, no external scripts, styles, fonts or tiles.

Everything taken from input files is escaped (jinja2 autoescape).  Raw per-area counts are not
printed; the indicator summary suppresses small counts (:mod:`petarawan.privacy`).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import jinja2
import pandas as pd

from ..config import CLASSES
from ..i18n import register, t
from ..io.writers import CLASS_COLOURS
from ..privacy import suppress_count
from .maps import reference_map_png, uncertain_areas

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
    "rep.method.text": {
        "id": "Setiap indikator dinormalisasi dengan {norm} setelah arahnya diterapkan (arah −1: nilai tinggi berarti "
              "kurang rawan). Skor dimensi = {agg_dim} tertimbang dari indikatornya; skor akhir = {agg_idx} tertimbang "
              "dari skor dimensi (OECD/JRC 2008, §5–6). Bobot indikator: {w_ind}; bobot dimensi: {w_dim}. "
              "Imputasi data kosong: {imp}. Penanganan pencilan: {out}. Skor lebih tinggi = lebih rawan.",
        "en": "Each indicator is normalised by {norm} after applying its direction (direction −1: a high value means "
              "less prone). A dimension score is the weighted {agg_dim} of its indicators; the final score is the "
              "weighted {agg_idx} of the dimension scores (OECD/JRC 2008, §5–6). Indicator weights: {w_ind}; "
              "dimension weights: {w_dim}. Imputation of missing values: {imp}. Outlier treatment: {out}. "
              "Higher score = more prone.",
    },
    "rep.rule.bands": {"id": "Kelas ditentukan dari skor: Bahaya ≥ {b:g}, Waspada ≥ {w:g}, Siaga ≥ {s:g}, selain itu Aman.",
                       "en": "Classes from the score: Bahaya ≥ {b:g}, Waspada ≥ {w:g}, Siaga ≥ {s:g}, otherwise Aman."},
    "rep.rule.count": {"id": "Kelas ditentukan dengan aturan hitungan BNN (jumlah indikator pokok dan pendukung yang terpenuhi): {rules}; selain itu Aman.",
                       "en": "Classes by BNN's count rule (number of main and supporting indicators present): {rules}; otherwise Aman."},
    "rep.rule.item": {"id": "{cls} bila ≥ {m} pokok dan ≥ {s} pendukung", "en": "{cls} when ≥ {m} main and ≥ {s} supporting"},
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
    "rep.rule.short.bands": {"id": "kelas dari skor", "en": "classes from score"},
    "rep.rule.short.count_rule": {"id": "aturan hitungan BNN", "en": "BNN count rule"},
    "rep.rule.short.quantiles": {"id": "kelas kuantil", "en": "quantile classes"},
    "rep.rule.short.jenks": {"id": "kelas Fisher–Jenks", "en": "Fisher–Jenks classes"},
    "rep.rule.quantiles": {"id": "Kelas dari kuartil skor: seperempat wilayah dengan skor tertinggi Bahaya, berikutnya Waspada, Siaga, lalu Aman.",
                           "en": "Classes from score quartiles: the quarter of areas with the highest scores Bahaya, then Waspada, Siaga, Aman."},
    "rep.rule.jenks": {"id": "Kelas dari pemisahan alami Fisher–Jenks atas skor (4 kelas).",
                       "en": "Classes from Fisher–Jenks natural breaks of the score (4 classes)."},
})

_TEMPLATE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string("""<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} — {{ study }}</title>
<style>
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;max-width:1100px;margin:0 auto;padding:1.2em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em} h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.86em;margin:.6em 0} th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.num{text-align:right}
table{display:block;max-width:100%;overflow-x:auto}
.banner{background:#fff3cd;border:1px solid #e0b100;padding:.6em 1em;font-weight:bold;color:#7a5b00}
.cls{display:inline-block;padding:1px 8px;border-radius:3px;font-weight:bold}
.Bahaya{background:{{ colours.Bahaya }};color:#fff}.Waspada{background:{{ colours.Waspada }}}.Siaga{background:{{ colours.Siaga }}}.Aman{background:{{ colours.Aman }};color:#fff}
img{max-width:100%;border:1px solid #ddd} .muted{color:#666;font-size:.85em}
.scroll{max-height:520px;overflow:auto}
</style></head><body>
<h1>{{ title }}</h1>
<div class="muted">{{ study }}{% if data_date %} · {{ data_date }}{% endif %}</div>
{% if illustrative %}<p class="banner">{{ illustrative }}</p>{% endif %}
<h2>{{ h.summary }}</h2>
<p>{{ summary }}</p>
<p>{% for c, n in counts %}<span class="cls {{ c }}">{{ c }}: {{ n }}</span> {% endfor %}</p>
<h3>{{ h.top }}</h3>
<ol>{% for r in top %}<li>{{ r.name }} ({{ r.code }}) — <span class="cls {{ r.cls }}">{{ r.cls_label }}</span> {{ r.score }}</li>{% endfor %}</ol>
<h2>{{ h.map }}</h2>
<img src="data:image/png;base64,{{ map_png }}" alt="{{ h.map }}">
{% if uncertain_note %}<p class="muted">{{ uncertain_note }}</p>{% endif %}
<h2>{{ h.ranking }}</h2>
<div class="scroll">{{ ranking|safe }}</div>
{% if reference %}<h2>{{ h.reference }}</h2><p>{{ reference.text|safe }}</p>{{ reference.table|safe }}
<img src="data:image/png;base64,{{ reference.png }}" alt="{{ h.reference }}">{% endif %}
<h2>{{ h.method }}</h2>
<p>{{ method_text }}</p><p>{{ rule_text }}</p>
<h3>{{ h.indicators }}</h3>{{ indicators|safe }}
<h3>{{ h.indsummary }}</h3><p class="muted">{{ suppression_note }}</p>{{ indsummary|safe }}
{% for s in sections %}<h2>{{ s.title }}</h2>{% if s.png %}<img src="data:image/png;base64,{{ s.png }}" alt="{{ s.title }}">{% endif %}{{ s.html|safe }}{% endfor %}
<h2>{{ h.quality }}</h2>
{% if findings %}<ul>{% for f in findings %}<li>{{ f }}</li>{% endfor %}</ul>{% if more %}<p>{{ more }}</p>{% endif %}{% else %}<p>{{ no_findings }}</p>{% endif %}
<h2>{{ h.sources }}</h2>
<ul>{% for name, digest in inputs %}<li>{{ name }} <span class="muted">sha256 {{ digest[:16] }}…</span></li>{% endfor %}
{% for s in ind_sources %}<li>{{ s }}</li>{% endfor %}</ul>
<h2>{{ h.caveats }}</h2>
<ul>{% for c in caveats %}<li>{{ c }}</li>{% endfor %}</ul>
<p class="muted">{{ generated }}</p>
</body></html>
""")


def _b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


def _html_table(df: pd.DataFrame) -> str:
    df = df.astype(object).where(df.notna(), "")  # pandas' <NA> must not reach a reader
    return df.to_html(index=False, na_rep="", border=0, escape=True, float_format=lambda x: f"{x:.2f}")


def rule_text(res: "RunResult") -> str:
    c, lang = res.study.config.classification, res.lang
    if c.method == "bands":
        return t("rep.rule.bands", lang, b=c.bands["Bahaya"], w=c.bands["Waspada"], s=c.bands["Siaga"])
    if c.method in ("quantiles", "jenks"):
        return t(f"rep.rule.{c.method}", lang)
    rules = "; ".join(t("rep.rule.item", lang, cls=r.cls, m=r.main, s=r.supporting) for r in c.count_rule)
    return t("rep.rule.count", lang, rules=rules)


def method_text(res: "RunResult") -> str:
    """The method paragraph of the report, composed from the configured choices."""
    ix, lang = res.study.config.index, res.lang

    def agg(level: str) -> str:
        return t(f"agg.{ix.level_aggregation(level)}", lang, p=ix.power)

    return t("rep.method.text", lang, norm=t(f"norm.{ix.normalisation}", lang, lo=ix.range[0], hi=ix.range[1]),
             agg_dim=agg("dimension"), agg_idx=agg("index"), w_ind=t(f"wt.{ix.weighting.indicators}", lang),
             w_dim=t(f"wt.{ix.weighting.dimensions}", lang), imp=t(f"imp.{ix.imputation}", lang),
             out=t("out.on" if ix.outliers else "out.off", lang))


def method_summary(res: "RunResult") -> str:
    """One line naming the method, for map subtitles."""
    ix, lang = res.study.config.index, res.lang
    rule = t(f"rep.rule.short.{res.study.config.classification.method}", lang)
    return ", ".join([t(f"norm.{ix.normalisation}", lang, lo=ix.range[0], hi=ix.range[1]),
                      t(f"agg.{ix.level_aggregation('index')}", lang, p=ix.power), rule])


def _num(v: float, lang: str) -> str:
    """A readable number: thousands separated (``11.850`` in Indonesian, ``11,850`` in English),
    at most 4 significant digits below 1,000, never scientific notation."""
    if abs(v) >= 1000:
        text = f"{v:,.0f}"
    else:
        text = f"{v:.4g}" if abs(v) >= 0.001 or v == 0 else f"{v:.2e}"
    if lang == "id":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def _indicator_summary(res: "RunResult") -> pd.DataFrame:
    cfg, lang = res.study.config, res.lang
    k = cfg.privacy.min_count
    rows = []
    for i in cfg.indicators:
        x = res.data[i.code]
        fmt = (lambda v: suppress_count(v, k)) if i.count else (lambda v: "–" if pd.isna(v) else _num(v, lang))
        rows.append({t("col.indicator", lang): i.label(lang), t("col.unit", lang): i.unit,
                     t("rep.min", lang): fmt(x.min()), t("rep.median", lang): fmt(x.median()),
                     t("rep.max", lang): fmt(x.max()), t("rep.missing", lang): int(x.isna().sum())})
    return pd.DataFrame(rows)


_MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]


def readable_time(iso: str, lang: str) -> str:
    """``2026-11-29T08:45:50+00:00`` → ``29 November 2026, 15.45 WIB`` (Western Indonesia Time,
    UTC+7; the UTC time is in run.json)."""
    from datetime import datetime, timedelta, timezone

    try:
        when = datetime.fromisoformat(iso).astimezone(timezone(timedelta(hours=7)))
    except ValueError:
        return iso
    month = _MONTHS_ID[when.month - 1] if lang == "id" else when.strftime("%B")
    sep = "." if lang == "id" else ":"
    return f"{when.day} {month} {when.year}, {when.hour:02d}{sep}{when.minute:02d} WIB"


REPORT_MAX_ROWS = 150


def _ranking_html(res: "RunResult") -> str:
    """The ranking table; above 150 areas only the 100 most prone, with a pointer to the workbook."""
    from .tables import ranking_table

    table = ranking_table(res, published=True)
    if len(table) <= REPORT_MAX_ROWS:
        return _html_table(table)
    note = t("rep.ranking.cut", res.lang, n=len(table))
    return _html_table(table.head(100)) + f'<p class="muted">{jinja2.filters.escape(note)}</p>'


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
        reference = {"text": t("rep.reference.text", lang, col=jinja2.filters.escape(cfg.data.reference_column)),
                     "table": tab.to_html(border=0, index=False), "png": _b64(png) if png else ""}
    unc = uncertain_areas(r)
    sections = [{"title": s.title, "html": s.html, "png": _b64(figures[s.figure]) if s.figure and s.figure in figures else None}
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
    return _TEMPLATE.render(
        lang=lang, title=t("rep.title", lang), study=cfg.study.name, data_date=cfg.study.data_date,
        illustrative=t("illustrative.long", lang) if cfg.study.illustrative else "",
        colours=CLASS_COLOURS,
        h={**{k: t(f"rep.{k}", lang) for k in ("summary", "top", "map", "ranking", "reference", "method", "indicators",
                                                "indsummary", "quality", "sources", "caveats")},
           **({"ranking": t("rep.ranking.top", lang)} if len(r) > REPORT_MAX_ROWS else {})},
        summary=t("rep.summary.text", lang, n=len(r), scored=int(r["score"].notna().sum()), counts=counts_text),
        counts=[(c, counts[c]) for c in CLASSES], top=top, map_png=_b64(figures["map.png"]),
        uncertain_note=t("rep.caveat.uncertain", lang) if unc is not None and unc.any() else "",
        ranking=_ranking_html(res), reference=reference,
        method_text=method_text(res),
        rule_text=rule_text(res), indicators=_html_table(indicator_table(res)),
        suppression_note=t("rep.indsummary.note", lang, k=cfg.privacy.min_count - 1, m=cfg.privacy.min_count),
        indsummary=_html_table(_indicator_summary(res)), sections=sections,
        findings=[f.render(lang) for f in shown], more=t("rep.quality.more", lang, n=rest) if rest > 0 else "",
        no_findings=t("rep.quality.none", lang), inputs=sorted(res.inputs.items()),
        ind_sources=ind_sources, caveats=caveats,
        generated=t("rep.generated", lang, when=readable_time(res.started, lang), version=__version__),
    )
