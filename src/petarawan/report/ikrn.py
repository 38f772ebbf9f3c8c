"""Presentation of the ``ikrn`` stage: the report section (template ``ikrn.html``).

Questionnaire counts (returned / expected) are shown whole, as ``petarawan ikrn status`` shows
them: they measure the round's fieldwork, not how many people have a trait, and with quotas of 1
and 2 a "<5" would hide nothing (the reporting rate and the quota give the count back).  What
respondents *said* is protected elsewhere: an area with fewer IKRN 1 returns than
``ikrn.min_respondents`` gets no survey score."""

from __future__ import annotations

import pandas as pd

from ..i18n import t
from ..stages import ReportSection, StudyContext
from ..ikrn.checks import effect_key
from ..ikrn.completeness import below_quota
from .render import markup, render


def section(ctx: StudyContext, bank, cfg, assessed, scores: pd.DataFrame, summ: pd.DataFrame,
            kinds: tuple[str, ...]) -> ReportSection:
    """Completeness per district, the areas below quota, the quality checks by kind and how
    many areas got a survey score.

    ``bank``, ``cfg``, ``assessed`` as :mod:`petarawan.ikrn.round` gives them; ``summ`` the
    per-district summary with a ``(total)`` row; ``kinds`` the check kinds in display order."""
    lang = ctx.lang
    c = assessed.checks.counts
    table = assessed.completeness
    insts = [i.code for i in bank.instruments]
    tot = summ.loc["(total)"]
    q = "/".join(str(cfg.quota_of(k)) for k in insts)
    rate = "–" if tot["reporting_rate"] != tot["reporting_rate"] else f"{100 * tot['reporting_rate']:.0f} %"
    summary = (t("ikrn.summary", lang, read=c["read"], files=len(assessed.submissions.files), kept=c["kept"],
                 excl=c["excluded"], rate=rate, complete=int(tot["areas_complete"]), n=len(table), q=q,
                 none=int(tot["areas_without_returns"])) + " " + t("ikrn.rate_def", lang))

    head = [t("ikrn.col.group", lang), t("ikrn.col.areas", lang), t("ikrn.col.areas_complete", lang)]
    head += [k.upper() for k in insts] + [t("ikrn.col.reporting_rate", lang)]
    rows = []
    for name, r in summ.iterrows():
        label = t("ikrn.total", lang) if name == "(total)" else str(name)
        cells = [label, str(int(r["areas"])), str(int(r["areas_complete"]))]
        cells += [f"{int(r[f'returned_{k}'])}/{int(r[f'expected_{k}'])}" for k in insts]
        cells.append("–" if r["reporting_rate"] != r["reporting_rate"] else f"{100 * r['reporting_rate']:.0f} %")
        rows.append(cells)
    districts = {"head": head, "rows": rows}
    below = None
    bq = below_quota(table)
    if len(bq):
        head = ([t("ikrn.col.group", lang)] if "group" in bq.columns else []) + [t("ikrn.col.name", lang)]
        head += [k.upper() for k in insts] + [t("ikrn.col.reporting_rate", lang)]
        rows = []
        for _code, r in bq.iterrows():
            cells = ([str(r["group"])] if "group" in bq.columns else []) + [str(r["name"])]
            cells += [f"{int(r[f'returned_{k}'])}/{int(r[f'expected_{k}'])}" for k in insts]
            cells.append(f"{100 * r['reporting_rate']:.0f} %")
            rows.append(cells)
        below = {"title": t("ikrn.below", lang), "head": head, "rows": rows}
    rows = []
    for kind in kinds:
        rows.append([t(f"ikrn.kind.{kind}", lang), str(c.get(kind, 0)), t(effect_key(kind, cfg.checks.exclude), lang)])
    checks = {"title": t("ikrn.checks", lang), "rows": rows,
              "head": [t("ikrn.col.kind", lang), t("ikrn.col.count", lang), t("ikrn.col.effect", lang)]}
    n_sc = int(scores[cfg.indicator].notna().sum())
    body = render("ikrn.html", illustrative=t("ikrn.illustrative_bank", lang) if bank.illustrative else "",
                  summary=summary, districts=districts, below=below, checks=checks,
                  scored=t("ikrn.scored", lang, scored=n_sc, n=len(scores), unscored=len(scores) - n_sc,
                           min1=cfg.min_of("ikrn1"), B=cfg.bootstrap, seed=ctx.config.study.seed),
                  privacy=markup("ikrn.privacy", lang, min1=cfg.min_of("ikrn1")))
    return ReportSection(t("ikrn.title", lang), body, figure="ikrn_kelengkapan.png")
