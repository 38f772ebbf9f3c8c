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
from ..i18n import t
from ..privacy import publication_of, published_result, suppress_count
from ..style import dashboard_style
from .maps import reference_map_png, uncertain_areas
from .cells import cell
from .render import b64, html_table, markup, render
from .text import method_text, readable_time, rule_text
from .why import section as why_section

if TYPE_CHECKING:
    from ..pipeline import RunResult


def _count_cell(v, k: int, lang: str) -> str:
    """A count in a published table: ``<k`` for 1..k-1 (:func:`petarawan.privacy.suppress_count`), else as a cell."""
    hidden = suppress_count(v, k)
    return hidden if hidden.startswith("<") else cell(v, lang, None)


def _indicator_summary(res: "RunResult") -> pd.DataFrame:
    cfg, lang = res.study.config, res.lang
    k = cfg.privacy.min_count
    rows = []
    for i in cfg.indicators:
        x = res.data[i.code]
        fmt = (lambda v: _count_cell(v, k, lang)) if i.count else (lambda v: cell(v, lang, None))
        rows.append({t("col.indicator", lang): i.label(lang), t("col.unit", lang): i.unit_in(lang),
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
        return html_table(table, res.lang), ""
    return html_table(table.head(100), res.lang), t("rep.ranking.cut", res.lang, n=len(table))


def render_report(res: "RunResult", figures: dict[str, bytes]) -> str:
    """Render ``report.html`` as one self-contained string (images inlined as base64)."""
    from .. import __version__
    from .tables import indicator_table

    cfg, lang, r = res.study.config, res.lang, res.result
    k = cfg.privacy.min_count
    counts = res.class_counts()
    counts_text = ", ".join(f"{c} {counts[c]}" for c in CLASSES)
    pub, shown_r = publication_of(res), published_result(res)  # scores and ranks as they may be published
    top = []
    severity = r["class"].map({c: k for k, c in enumerate(CLASSES)})
    scored = shown_r.assign(_sev=severity)[r["score"].notna()]
    for code, row in scored.sort_values(["_sev", "rank", "name"], na_position="last", kind="stable").head(5).iterrows():
        top.append({"name": row["name"], "code": code, "cls": row["class"], "cls_label": t(f"class.{row['class']}", lang),
                    "score": pub.text(code, "score", lang, 1)})
    reference = None
    if "reference" in r.columns:
        ref = r["reference"].map(lambda v: "–" if pd.isna(v) else
                                 f"{t('reference.yes' if v == 1 else 'reference.no', lang)} ({int(v)})")
        tab = pd.crosstab(r["class"].fillna(t("class.none", lang)), ref)
        tab = tab.reindex([c for c in list(CLASSES) + [t("class.none", lang)] if c in tab.index])
        tab.index.name, tab.columns.name = t("col.class", lang), None
        tab = tab.reset_index()
        png = figures.get("rujukan.png") or reference_map_png(res)  # drawn once, with the other figures
        reference = {"text": markup("rep.reference.text", lang, col=cfg.data.reference_column),
                     "table": html_table(tab, lang), "png": b64(png) if png else ""}
    unc = uncertain_areas(shown_r)
    why = why_section(res)
    ranking, ranking_note = _ranking(res)
    published_note = t("rep.published_note", lang, n=len(pub.reasons), k=k - 1) if pub.reasons else ""
    sections = [{"title": s.title, "html": Markup(s.html), "png": b64(figures[s.figure]) if s.figure and s.figure in figures else None}
                for st in res.stages.values() for s in st.sections]
    from ..errors import sample_by_kind

    shown, more_by_kind = sample_by_kind([f for f in res.findings if f.level != "info"], 5)
    rest = sum(more_by_kind.values())
    caveats = [t("rep.caveat.stigma", lang), t("rep.caveat.method", lang), t("rep.caveat.privacy", lang, k=k - 1, m=k)]
    if cfg.classification.method == "count_rule":
        caveats.insert(1, t("rep.caveat.count_rule", lang))
    if cfg.study.illustrative:
        caveats.insert(0, t("illustrative.long", lang))
    ind_sources = sorted({f"{i.label(lang)}: {i.source}" for i in cfg.indicators if i.source})
    return render(
        "report.html",
        lang=lang, title=t("rep.title", lang), study=cfg.study.name, data_date=cfg.study.date_in(lang),
        illustrative=t("illustrative.long", lang) if cfg.study.illustrative else "",
        style=dashboard_style(),
        h={**{k: t(f"rep.{k}", lang) for k in ("summary", "top", "map", "ranking", "reference", "method", "indicators",
                                                "indsummary", "quality", "sources", "caveats")},
           **({"ranking": t("rep.ranking.top", lang)} if len(r) > REPORT_MAX_ROWS else {})},
        summary=t("rep.summary.text", lang, n=len(r), scored=int(r["score"].notna().sum()), counts=counts_text),
        counts=[(c, counts[c]) for c in CLASSES], top=top, map_png=b64(figures["map.png"]),
        uncertain_note=t("rep.caveat.uncertain", lang) if unc is not None and unc.any() else "",
        ranking=ranking, ranking_note=ranking_note, published_note=published_note, reference=reference,
        why={"title": why["title"], "html": Markup(why["html"])},
        top_order=t("rep.order.top", lang), map_order=t("rep.order.map", lang),
        ranking_order=t("rep.order.ranking", lang),
        method_text=method_text(res),
        rule_text=rule_text(res), indicators=html_table(indicator_table(res), lang),
        suppression_note=t("rep.indsummary.note", lang, k=cfg.privacy.min_count - 1, m=cfg.privacy.min_count),
        indsummary=html_table(_indicator_summary(res), lang), sections=sections,
        findings=[f.render(lang) for f in shown], more=t("rep.quality.more", lang, n=rest) if rest > 0 else "",
        no_findings=t("rep.quality.none", lang), inputs=sorted(res.inputs.items()),
        ind_sources=ind_sources, caveats=caveats,
        generated=t("rep.generated", lang, when=readable_time(res.started, lang), version=__version__),
    )
