"""Stage ``audit``: the statistical audit of the index as workbook sheets and a report section.

Computations: :mod:`petarawan.index.audit`.  On by default (``[audit] enabled = false`` turns it off).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..i18n import register, t
from ..index.audit import audit_tables, readable
from ..stages import ReportSection, Stage, StageResult, StudyContext
from .config import AuditSection

register({"stage.audit": {"id": "audit statistik", "en": "statistical audit"}})


@dataclass(frozen=True, kw_only=True)
class AuditStageResult(StageResult):
    """The audit's result; ``enabled`` is False when ``[audit] enabled = false``."""

    enabled: bool


def run_audit(ctx: StudyContext) -> AuditStageResult:
    """Stage function: the audit tables as Excel sheets (readable headings in the run's language,
    :func:`readable`) and a report section.  It adds no area column, so nothing to publish
    (``public_columns`` stays empty).

    Returns an empty result when ``[audit] enabled = false``."""
    cfg = ctx.config
    if not cfg.audit.enabled or ctx.index is None:
        return AuditStageResult(name="audit", manifest={"enabled": False}, enabled=False)
    lang = ctx.lang
    res = ctx.index
    thr = cfg.audit.collinear_above
    tabs = audit_tables(res.normalised, res.dimensions, res.score, cfg, thr)
    fl = tabs["flags"]
    neg = fl[fl["kind"] == "negative_with_own_dimension"]
    col = fl[fl["kind"] == "collinear"]
    parts = [f"<p>{t('audit.intro', lang, thr=thr)}</p>"]
    if len(neg):
        parts.append("<p>" + t("audit.neg", lang, items=html.escape(", ".join(f"{r.item} (r = {r.r:.2f})" for r in neg.itertuples()))) + "</p>")
    if len(col):
        parts.append("<p>" + t("audit.coll", lang, items=html.escape(", ".join(f"{r.item}–{r.other} (r = {r.r:.2f})" for r in col.itertuples()))) + "</p>")
    if fl.empty:
        parts.append(f"<p>{t('audit.none', lang)}</p>")
    if len(tabs["pca"]):
        share = f"{tabs['pca']['variance_share'].iloc[0] * 100:.0f}"
        parts.append(f"<p>{t('audit.pca', lang, share=share)}</p>")
    trs = "".join(f"<tr><td>{html.escape(r.dimension)}</td><td>{r.n_indicators}</td><td>{r.cronbach_alpha:.2f}</td>"
                  f"<td>{r.pc1_share * 100:.0f}</td></tr>" for r in tabs["dimensions"].itertuples())
    parts.append(f"<table><tr><th>{t('audit.col.dim', lang)}</th><th>{t('audit.col.k', lang)}</th>"
                 f"<th>{t('audit.col.alpha', lang)}</th><th>{t('audit.col.pc1', lang)}</th></tr>{trs}</table>")
    low = tabs["dimensions"][tabs["dimensions"]["cronbach_alpha"] < 0.5]
    if len(low):
        parts.append("<p>" + t("audit.low_alpha", lang, dims=html.escape(", ".join(
            f"{r.dimension} ({r.cronbach_alpha:.2f})" for r in low.itertuples()))) + "</p>")
    tr = getattr(res, "treatment", None)
    treated_rows = tr[tr["action"] != "none"] if tr is not None and len(tr) else None
    if treated_rows is not None and len(treated_rows):
        items = ", ".join(f"{r.indicator} ({r.action}{': ' + r.areas if r.action == 'winsorised' else ''})"
                          for r in treated_rows.itertuples())
        parts.append("<p>" + t("audit.treat", lang, items=html.escape(items)) + "</p>")
    ref_table = None
    if ctx.result is not None and "reference" in ctx.result.columns and "class" in ctx.result.columns:
        from ..classify import agreement

        ref_table = agreement(ctx.result["class"], ctx.result["reference"])
        n1 = int(ref_table["reference_1"].sum())
        n0 = int(ref_table["reference_0"].sum())
        hit = int(ref_table.loc[["Bahaya", "Waspada"], "reference_1"].sum())
        ok = int(ref_table.loc[["Siaga", "Aman"], "reference_0"].sum())
        pct = lambda v: "–" if v != v else f"{v:.0%}"  # noqa: E731
        col = cfg.data.reference_column or "reference"
        rows = "".join(f"<tr><td>{html.escape(t('class.' + c, lang) if c in ('Bahaya', 'Waspada', 'Siaga', 'Aman') else t('class.none', lang))}</td>"
                       f"<td>{r.reference_1}</td><td>{r.reference_0}</td></tr>" for c, r in zip(ref_table.index, ref_table.itertuples()))
        parts.append(f"<p><b>{html.escape(t('audit.ref.title', lang, col=col))}</b></p>"
                     f"<p>{t('audit.ref.text', lang, n1=n1, hit=hit, sens=pct(ref_table.attrs['sensitivity']), n0=n0, ok=ok, spec=pct(ref_table.attrs['specificity']))}</p>"
                     f"<table><tr><th>{t('audit.ref.col.class', lang)}</th><th>{t('audit.ref.col.1', lang)}</th>"
                     f"<th>{t('audit.ref.col.0', lang)}</th></tr>{rows}</table>")
    ew = res.weights[["indicator", "dimension", "overall_weight", "effective_weight"]]
    sheets = {
        t("audit.sheet.dimensions", lang): tabs["dimensions"],
        t("audit.sheet.correlations", lang): tabs["correlations"].reset_index(names="item"),
        t("audit.sheet.flags", lang): fl,
        t("audit.sheet.pca", lang): tabs["pca"],
        t("audit.sheet.weights", lang): ew,
    }
    if treated_rows is not None and len(tr):
        sheets[t("audit.sheet.outliers", lang)] = tr
    if ref_table is not None:
        sheets[t("audit.sheet.reference", lang)] = ref_table.reset_index()
    sheets = {name: readable(df, lang, cfg) for name, df in sheets.items()}
    manifest = {"enabled": True, "collinear_above": thr,
                "cronbach_alpha": dict(zip(tabs["dimensions"]["dimension"], tabs["dimensions"]["cronbach_alpha"])),
                "flags": fl.to_dict(orient="records"),
                "pc1_share": float(tabs["pca"]["variance_share"].iloc[0]) if len(tabs["pca"]) else None}
    if ref_table is not None:
        manifest["reference_agreement"] = {"table": ref_table.reset_index().to_dict(orient="records"),
                                           "sensitivity": ref_table.attrs["sensitivity"],
                                           "specificity": ref_table.attrs["specificity"]}
    return AuditStageResult(name="audit", sheets=sheets, manifest=manifest,
                            sections=[ReportSection(t("audit.title", lang), "\n".join(parts))], enabled=True)


STAGE = Stage(name="audit", run=run_audit, section=AuditSection, requires=("index", "classes"), default_on=True)
