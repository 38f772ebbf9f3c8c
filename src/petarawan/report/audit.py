"""Presentation of the ``audit`` stage: the report section (template ``audit.html``)."""

from __future__ import annotations

import pandas as pd

from ..config import CLASSES
from ..i18n import t
from ..stages import ReportSection, StudyContext
from .. import fmt
from . import cells
from .render import render


def section(ctx: StudyContext, tabs: dict[str, pd.DataFrame], treated: pd.DataFrame | None,
            reference: pd.DataFrame | None) -> ReportSection:
    """What the audit found, in plain words: flagged indicators, the first principal component,
    Cronbach's alpha per dimension, the outlier treatment and the agreement with a published label.

    ``tabs`` as :func:`petarawan.index.audit.audit_tables` returns them; ``treated`` the rows of
    the outlier treatment that did something; ``reference`` :func:`petarawan.classify.agreement`.
    """
    lang = ctx.lang
    cfg = ctx.config
    thr = cfg.audit.collinear_above
    fl = tabs["flags"]
    neg = fl[fl["kind"] == "negative_with_own_dimension"]
    col = fl[fl["kind"] == "collinear"]
    paragraphs = [t("audit.intro", lang, thr=thr)]
    if len(neg):
        paragraphs.append(t("audit.neg", lang, items=", ".join(f"{r.item} (r = {fmt.number(r.r, lang, decimals=2)})" for r in neg.itertuples())))
    if len(col):
        paragraphs.append(t("audit.coll", lang, items=", ".join(f"{r.item}–{r.other} (r = {fmt.number(r.r, lang, decimals=2)})"
                                                                for r in col.itertuples())))
    if fl.empty:
        paragraphs.append(t("audit.none", lang))
    if len(tabs["pca"]):
        paragraphs.append(t("audit.pca", lang, share=fmt.integer(tabs['pca']['variance_share'].iloc[0] * 100, lang)))
    dims = tabs["dimensions"]
    # alpha needs two indicators or more: a one-indicator dimension reads "– (1 indicator)"
    dim_rows = cells.rows([[r.dimension, r.n_indicators,
                            t("audit.alpha.one", lang) if r.n_indicators < 2 and cells.missing(r.cronbach_alpha)
                            else r.cronbach_alpha, r.pc1_share * 100] for r in dims.itertuples()],
                          lang, decimals={2: 2, 3: 0})
    after = []
    low = dims[dims["cronbach_alpha"] < 0.5]
    if len(low):
        after.append(t("audit.low_alpha", lang, dims=", ".join(f"{r.dimension} ({fmt.number(r.cronbach_alpha, lang, decimals=2)})"
                                                                for r in low.itertuples())))
    if treated is not None and len(treated):
        items = ", ".join(f"{r.indicator} ({r.action}{': ' + r.areas if r.action == 'winsorised' else ''})"
                          for r in treated.itertuples())
        after.append(t("audit.treat", lang, items=items))
    ref = None
    if reference is not None:
        def pct(v: float) -> str:
            return "–" if v != v else f"{v:.0%}"

        ref = {"title": t("audit.ref.title", lang, col=cfg.data.reference_column or "reference"),
               "text": t("audit.ref.text", lang, n1=int(reference["reference_1"].sum()),
                         hit=int(reference.loc[["Bahaya", "Waspada"], "reference_1"].sum()),
                         sens=pct(reference.attrs["sensitivity"]), n0=int(reference["reference_0"].sum()),
                         ok=int(reference.loc[["Siaga", "Aman"], "reference_0"].sum()),
                         spec=pct(reference.attrs["specificity"])),
               "head": [t("audit.ref.col.class", lang), t("audit.ref.col.1", lang), t("audit.ref.col.0", lang)],
               "rows": cells.rows([[t("class." + c, lang) if c in CLASSES else t("class.none", lang), r.reference_1,
                                    r.reference_0] for c, r in zip(reference.index, reference.itertuples())], lang)}
    body = render("audit.html", paragraphs=paragraphs,
                  dim_head=[t("audit.col.dim", lang), t("audit.col.k", lang), t("audit.col.alpha", lang),
                            t("audit.col.pc1", lang)],
                  dim_rows=dim_rows, after=after, ref=ref)
    return ReportSection(t("audit.title", lang), body)
