"""Tables shared by the Excel workbook and the HTML report, with localised headings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd

from ..i18n import method_label, t

if TYPE_CHECKING:
    from ..pipeline import RunResult


def public_stage_columns(res: "RunResult") -> dict[str, tuple[str, str]]:
    """Stage columns that may be published, with their (id, en) headings (``StageResult.public_columns``)."""
    out: dict[str, tuple[str, str]] = {}
    for st in res.stages.values():
        out.update({c: h for c, h in st.public_columns.items() if c in res.result.columns})
    return out


def ranking_table(res: "RunResult", *, published: bool = False) -> pd.DataFrame:
    """One row per area, most prone first: rank, code, name, group, score, class, BNN counts,
    dimension scores, reference label, then stage columns.

    ``published=True`` (the report): only the stages' ``public_columns``, under readable
    headings — never raw counts or rates from which a small count could be recovered — and the
    score, dimension scores, presence counts and rank as :func:`petarawan.privacy.publication`
    allows them (text: exact, a band such as ``30–40``, or ``–``), ordered by the published rank.
    ``published=False`` (the analysts' workbook): every stage column, public ones with headings,
    exact values."""
    from ..privacy import publication_of, published_result

    lang, cfg = res.lang, res.study.config
    r = published_result(res) if published else res.result.copy()
    r = r.sort_values(["rank", "name"], na_position="last", kind="stable")
    out = pd.DataFrame({
        t("col.rank", lang): r["rank"].astype("Int64"),
        t("col.code", lang): r.index,
        t("col.name", lang): r["name"],
    })
    if published:
        pub = publication_of(res)

        def shown(col: str, decimals: int = 2) -> list:
            return [pub.text(c, col, lang, decimals) for c in r.index]
    else:
        def shown(col: str, decimals: int = 2) -> pd.Series:
            return r[col].round(decimals) if decimals else r[col]
    if "group" in r.columns:
        out[t("col.group", lang)] = r["group"]
    out[t("col.score", lang)] = shown("score")
    out[t("col.class", lang)] = r["class"].map(lambda c: t(f"class.{c}", lang) if isinstance(c, str) else t("class.none", lang))
    if any(i.bnn for i in cfg.indicators):
        out[t("col.n_main", lang)] = shown("n_main", 0)
        out[t("col.n_supporting", lang)] = shown("n_supporting", 0)
    for d in cfg.dimensions:
        out[t("col.dim", lang, label=d.label(lang))] = shown(f"dim_{d.code}")
    if "reference" in r.columns:
        out[t("col.reference", lang)] = r["reference"].map(
            lambda v: "" if pd.isna(v) else t("reference.yes" if v == 1 else "reference.no", lang))
    base = {"name", "group", "score", "class", "rank", "n_main", "n_supporting", "reference"}
    public = public_stage_columns(res)
    labels = {c: h for st in res.stages.values() for c, h in st.column_labels.items()}
    for c in r.columns:
        if c in base or c.startswith("dim_"):
            continue
        if c in public:
            out[public[c][1] if lang == "en" else public[c][0]] = r[c]
        elif not published:
            head = labels.get(c)
            name = (head[1] if lang == "en" else head[0]) if head else c
            out[name if name not in out.columns else c] = r[c]
    return out.reset_index(drop=True)


def indicator_table(res: "RunResult") -> pd.DataFrame:
    """The framework: one row per indicator with its metadata and weights."""
    lang, cfg = res.lang, res.study.config
    w = res.index.weights.set_index("indicator") if "indicator" in res.index.weights.columns else res.index.weights
    rows = []
    for i in cfg.indicators:
        rows.append({
            t("col.indicator", lang): i.code,
            t("col.label", lang): i.label(lang),
            t("col.unit", lang): i.unit_in(lang),
            t("col.source", lang): i.source,
            t("col.direction", lang): i.direction,
            t("col.dimension", lang): i.dimension,
            t("col.bnn", lang): t(f"bnn.{i.bnn}", lang) if i.bnn else "",
            t("col.present_at", lang): "" if i.present_at is None else f"{'≥' if i.direction > 0 else '≤'} {i.present_at:g}",
            t("col.rate", lang): t("rate.per", lang, per=f"{i.per:,.0f}".replace(",", "." if lang == "id" else ","),
                                   denominator=i.denominator) if i.denominator else "",
            t("col.weight", lang) + " (nominal)": i.weight,
            t("col.weight.overall", lang): round(float(w.loc[i.code, "overall_weight"]), 4),
            **({t("col.weight.effective", lang): round(float(w.loc[i.code, "effective_weight"]), 4)}
               if "effective_weight" in w.columns else {}),
        })
    return pd.DataFrame(rows)


def values_table(res: "RunResult", frame: pd.DataFrame) -> pd.DataFrame:
    """Indicator values by area under readable headings ``Label [unit] (code)``."""
    lang = res.lang
    df = frame.reindex(res.result.index).copy()
    specs = {i.code: i for i in res.study.config.indicators}

    def head(c: str) -> str:
        base, _, suffix = c.partition(" per ")
        spec = specs.get(base)
        if spec is None:
            return c
        unit = f" [{spec.unit_in(lang)}]" if spec.unit and not suffix else ""
        rate = f" per {suffix}" if suffix else ""
        return f"{spec.label(lang)}{rate}{unit} ({base})"

    df.columns = [head(str(c)) for c in df.columns]
    df.insert(0, t("col.name", lang), res.result["name"])
    df.index.name = t("col.code", lang)
    return df.reset_index()


def indicator_values(res: "RunResult") -> pd.DataFrame:
    """Values as entered, followed by the rate that entered the index for indicators with a
    denominator (column ``<code> per <per>``)."""
    df = res.data.copy()
    for spec in res.study.config.indicators:
        if spec.denominator:
            df[f"{spec.code} per {spec.per:g}"] = res.index.raw[spec.code].round(4)
    return df


SETTING_LABELS_EN = {
    # settings whose key is an Indonesian word (the English label is otherwise the key, humanised)
    "plan.schedule.pemetaan_days": "Mapping days", "plan.schedule.rapat_kerja_days": "Working meeting days",
    "plan.schedule.monev_days": "Monitoring days", "plan.schedule.monev_after_days": "Days from the last training to monitoring",
}
SETTING_LABELS_ID = {
    "study.name": "Nama studi", "study.data_date": "Tanggal data", "study.illustrative": "Data ilustratif",
    "study.lang": "Bahasa", "study.seed": "Benih acak (seed)",
    "areas.file": "Berkas batas wilayah", "areas.code_column": "Kolom kode wilayah", "areas.name_column": "Kolom nama wilayah",
    "areas.group_column": "Kolom kelompok (kecamatan)", "data.file": "Tabel indikator", "data.year": "Tahun data",
    "data.reference_column": "Kolom label rujukan", "index.normalisation": "Normalisasi", "index.range": "Rentang normalisasi",
    "index.aggregation": "Agregasi indikator → dimensi", "index.index_aggregation": "Agregasi dimensi → indeks",
    "index.imputation": "Imputasi data kosong", "index.min_availability": "Ketersediaan data minimum per wilayah",
    "index.outliers": "Penanganan pencilan (COINr)", "index.weighting.indicators": "Pembobotan indikator",
    "index.weighting.dimensions": "Pembobotan dimensi", "classification.method": "Aturan kelas",
    "classification.bands": "Batas skor kelas", "classification.count_rule": "Aturan hitungan BNN",
    "privacy.min_count": "Ambang penyamaran jumlah kecil",
}


def _description(cfg, key: str) -> str:
    """The schema's description of a dotted configuration key ('' when it has none)."""
    from pydantic import BaseModel

    node: object = type(cfg)
    for part in key.split("."):
        fields = getattr(node, "model_fields", None)
        if not fields or part not in fields:
            return ""
        f = fields[part]
        ann = f.annotation
        node = next((a for a in getattr(ann, "__args__", (ann,)) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        desc = f.description or ""
    return desc


def method_table(res: "RunResult") -> pd.DataFrame:
    """Every method choice as rows (readable setting, configuration key, value, description from
    the schema), then each dimension's weight and the ordered method log."""
    lang, cfg = res.lang, res.study.config
    rows = []

    def label(key: str) -> str:
        if lang == "id":
            return SETTING_LABELS_ID.get(key, key)
        return SETTING_LABELS_EN.get(key) or key.split(".")[-1].replace("_", " ").capitalize()

    def flat(prefix: str, obj) -> None:
        if isinstance(obj, dict) and not (prefix.endswith("bands")):
            for k, v in obj.items():
                flat(f"{prefix}.{k}" if prefix else k, v)
        else:
            value = json.dumps(obj, ensure_ascii=False) if isinstance(obj, (list, dict)) else obj
            rows.append((label(prefix), prefix, value, _description(cfg, prefix)))

    resolved = cfg.resolved()
    for key in resolved:
        if key not in ("indicators", "dimensions"):
            flat(key, resolved[key])
    used = res.index.dimension_weights  # weight of each dimension within its parent, as used
    wmethod = cfg.index.weighting.dimensions
    for d in cfg.dimensions:
        note = (f"{t('col.weight.configured', lang)}: {d.weight:g}" if wmethod == "manual"
                else f"{method_label('wt', wmethod, lang)}; {t('col.weight.configured', lang)} {d.weight:g} "
                     f"{t('col.weight.ignored', lang)}")
        rows.append((f"{t('col.weight.used', lang)}: {d.label(lang)}", f"dimensions[{d.code}].weight",
                     round(float(used.get(d.code, float("nan"))), 6), note))
    for k, step in enumerate(res.index.steps, start=1):
        rows.append((f"{t('col.step', lang)} {k}: {step.get('step')}", "method_steps", step.get("method"),
                     json.dumps(step.get("params", {}), ensure_ascii=False, default=str)))
    return pd.DataFrame(rows, columns=[t("col.setting", lang), t("col.key", lang), t("col.value", lang), t("col.note", lang)])


def findings_table(res: "RunResult") -> pd.DataFrame:
    lang = res.lang
    return pd.DataFrame([{
        t("col.level", lang): t(f"level.{f.level}", lang), t("col.kind", lang): f.code, t("col.file", lang): f.file,
        t("col.row", lang): f.row, t("col.column", lang): f.column,
        t("col.value", lang): None if f.value is None else str(f.value),
        t("col.message", lang): f.text(lang), t("col.expected", lang): f.expectation(lang),
    } for f in res.findings], columns=[t(f"col.{k}", lang) for k in ("level", "kind", "file", "row", "column", "value", "message", "expected")])


def workbook_sheets(res: "RunResult") -> dict[str, pd.DataFrame]:
    """Sheets of ``petarawan.xlsx`` in order: ranking, indicators (raw), normalised, method,
    data quality, then every stage's sheets."""
    from .why import contribution_sheet

    lang = res.lang
    contrib = contribution_sheet(res)
    sheets = {
        t("sheet.ranking", lang): ranking_table(res),
        t("sheet.indicators", lang): values_table(res, indicator_values(res)),
        t("sheet.normalised", lang): values_table(res, res.index.normalised.round(4)),
        **({t("sheet.contributions", lang): contrib} if contrib is not None else {}),
        t("sheet.method", lang): pd.concat([method_table(res)], ignore_index=True),
        t("sheet.method", lang) + " – " + t("col.indicator", lang): indicator_table(res),
        t("sheet.quality", lang): findings_table(res),
    }
    for stage in res.stages.values():
        sheets.update(stage.sheets)
    return sheets
