"""Presentation of "why this class": per area, the BNN main/supporting indicators present against
their thresholds, the rule that gave the class, and the largest contributions to the score
(:mod:`petarawan.index.explain`).  Published (report): values of count indicators are never
shown, and their contributions only as one sum that the published score already implies."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import fmt
from ..i18n import t
from ..index.explain import contributions, presence, rule_met
from . import cells
from .render import render

if TYPE_CHECKING:
    from ..pipeline import RunResult

TOP = 3
"""Contributions listed per area in the report (the workbook has all of them)."""


def _threshold(ind, lang: str) -> str:
    return f"{'≥' if ind.direction > 0 else '≤'} {fmt.number(ind.present_at, lang)}"


def _present_text(code: str, pres: pd.DataFrame, specs: list, lang: str) -> str:
    hit = [f"{s.label(lang)} ({_threshold(s, lang)})" for s in specs
           if s.code in pres.columns and not pd.isna(pres.at[code, s.code]) and bool(pres.at[code, s.code])]
    return t("why.present", lang, n=len(hit), of=len(specs), names="; ".join(hit) if hit else "–")


def _rule_text(res: "RunResult", code: str, lang: str) -> str:
    cfg, r = res.study.config, res.result
    c = cfg.classification
    cls = r.at[code, "class"]
    if not isinstance(cls, str):
        return t("why.no_score", lang)
    if c.method == "count_rule":
        rule = rule_met(int(r.at[code, "n_main"]), int(r.at[code, "n_supporting"]), cfg)
        if rule is None:
            return t("why.rule.none", lang)
        return t("why.rule.count", lang, cls=t(f"class.{rule.cls}", lang), main=rule.main, supporting=rule.supporting)
    if c.method == "bands":
        if cls == "Aman":
            return t("why.rule.band_aman", lang, bound=c.bands["Siaga"])
        return t("why.rule.band", lang, cls=t(f"class.{cls}", lang), bound=c.bands[cls])
    return t(f"why.rule.{c.method}", lang)


def explanation(res: "RunResult", *, published: bool) -> pd.DataFrame:
    """One row per area, most prone first (rank): rank, name, class, the rule that gave it, the
    main and supporting indicators present, and the largest contributions to the score.
    ``published``: count indicators' contributions only as one sum (never one by one)."""
    lang, cfg, r = res.lang, res.study.config, res.result
    pres = presence(res.data, cfg)
    main = [i for i in cfg.indicators if i.bnn == "main"]
    supp = [i for i in cfg.indicators if i.bnn == "supporting"]
    contrib = contributions(res.index, cfg)
    counts = {i.code for i in cfg.indicators if i.count}
    coarse: set = set()
    if published:  # the published rank; nothing that would give a hidden small count back (docs/privacy.md)
        from ..privacy import publication_of

        pub = publication_of(res)
        r = r.assign(rank=pub.rank.reindex(r.index))
        coarse = set(pub.reasons)
    order = r.sort_values(["rank", "name"], na_position="last", kind="stable").index
    rows = []
    for code in order:
        row = {t("col.rank", lang): r.at[code, "rank"], t("col.name", lang): r.at[code, "name"],
               t("col.class", lang): t(f"class.{r.at[code, 'class']}", lang) if isinstance(r.at[code, "class"], str)
               else t("class.none", lang),
               t("why.col.rule", lang): _rule_text(res, code, lang)}
        if main:
            row[t("why.col.main", lang)] = "–" if code in coarse else _present_text(code, pres, main, lang)
        if supp:
            row[t("why.col.supporting", lang)] = "–" if code in coarse else _present_text(code, pres, supp, lang)
        if contrib is not None:
            # where the score is coarsened, the counts' summed contribution would give it back: left out
            row[t("why.col.top", lang)] = _top_text(contrib.loc[code], counts if published else set(), cfg, lang,
                                                    lump=code not in coarse)
        rows.append(row)
    return pd.DataFrame(rows)


def _top_text(c: pd.Series, hidden: set[str], cfg, lang: str, lump: bool = True) -> str:
    c = c.dropna()
    if c.empty:
        return "–"
    lump = float(c[c.index.isin(list(hidden))].sum()) if hidden else 0.0
    shown = c[~c.index.isin(list(hidden))].sort_values(ascending=False, kind="stable")
    parts = [(cfg.indicator(k).label(lang), float(v)) for k, v in shown.head(TOP).items() if v > 0]
    if lump and hidden and c.index.isin(list(hidden)).any():
        parts.append((t("why.counts_together", lang), lump))
        parts.sort(key=lambda p: -p[1])
    return "; ".join(t("why.points", lang, label=lab, points=round(v, 1)) for lab, v in parts if v > 0) or "–"


def contribution_sheet(res: "RunResult") -> pd.DataFrame | None:
    """Workbook sheet (analysts' file): every indicator's contribution to every area's score, in
    points, with the score they add up to; ``None`` when the aggregation is not arithmetic."""
    lang, cfg = res.lang, res.study.config
    contrib = contributions(res.index, cfg)
    if contrib is None:
        return None
    r = res.result
    out = pd.DataFrame({t("col.code", lang): r.index, t("col.name", lang): r["name"].to_numpy(),
                        t("col.score", lang): r["score"].round(4).to_numpy()})
    for i in cfg.indicators:
        out[i.label(lang)] = contrib[i.code].reindex(r.index).round(4).to_numpy()
    return out


def section(res: "RunResult") -> dict:
    """Context for ``why.html``: intro (what the table shows and how to read it), the order, the
    table, and a note on what is not shown (counts) or why contributions are absent."""
    lang, cfg = res.lang, res.study.config
    table = explanation(res, published=True)
    contrib = contributions(res.index, cfg)
    note = (t("why.note.counts", lang, k=cfg.privacy.min_count) if any(i.count for i in cfg.indicators) else "")
    if contrib is None:
        note = t("why.note.nonlinear", lang)
    rows = cells.table(table, lang)["rows"]
    return {"title": t("why.title", lang),
            "html": render("why.html", intro=t(f"why.intro.{cfg.classification.method}", lang),
                           order=t("rep.order.ranking", lang), head=list(table.columns), rows=rows, note=note)}
