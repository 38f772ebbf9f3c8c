"""Stage ``audit``: the statistical audit of the index as workbook sheets and a report section.

Computations: :mod:`petarawan.index.audit`.  On by default (``[audit] enabled = false`` turns it off).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..classify import agreement
from ..i18n import t
from ..index.audit import audit_tables, readable
from ..report import audit as view
from ..stages import Stage, StageResult, StudyContext
from .config import AuditSection


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
    tr = getattr(res, "treatment", None)
    treated_rows = tr[tr["action"] != "none"] if tr is not None and len(tr) else None
    ref_table = None
    if ctx.result is not None and "reference" in ctx.result.columns and "class" in ctx.result.columns:
        ref_table = agreement(ctx.result["class"], ctx.result["reference"])
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
                            sections=[view.section(ctx, tabs, treated_rows, ref_table)], enabled=True)


STAGE = Stage(name="audit", run=run_audit, section=AuditSection, requires=("index", "classes"), default_on=True)
