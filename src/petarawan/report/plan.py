"""Presentation of the ``plan`` stage: the workbook sheets (plan, schedule, matching, monitoring,
recovery), the GeoPackage layer, the map and the report section (template ``plan.html``).
Participant numbers bounded by a suppressed survey count are hidden (:mod:`petarawan.plan.suppression`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import t
from ..plan.config import PlanConfig
from ..plan.planner import PlanOutcome
from ..plan.suppression import published_participants
from ..potential.figures import plan_map_png
from ..privacy import publication_of, suppress_count
from ..stages import ReportSection, StudyContext
from .mapkit import map_marks, subtitle_with_date
from .. import fmt
from . import cells
from .render import render
from .text import rupiah as _rp


def labels(cfg: PlanConfig, lang: str) -> dict[str, str]:
    """Programme code → its label in ``lang``."""
    return {p.code: p.label(lang) for p in cfg.programmes}


def sheets(ctx: StudyContext, cfg: PlanConfig, out: PlanOutcome, mask: pd.DataFrame, table: pd.DataFrame, threshold: int,
           pva: pd.DataFrame | None, rec: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Sheets Rencana (plan), Jadwal (schedule), Pencocokan (matching) and, with a tracking
    store, Monev (plan vs actual) and Keterpulihan (recovery).  The workbook is the analysts' file:
    participants and demand are the real numbers; Rencana says which participant numbers the
    published outputs hide."""
    lang, areas, progs = ctx.lang, ctx.areas, cfg.programmes
    codes = list(areas.index)
    plan_df, sched, matched, priority = out.plan, out.schedule, out.matched, out.priority
    lab = labels(cfg, lang)

    # the workbook is the analysts' file: every number, and a column saying which participant
    # numbers the published outputs (report, dashboard, the server's viewers) hide
    rencana = plan_df.copy()
    rencana["programme"] = rencana["programme"].map(lab)
    rencana["target"] = rencana["target"].map(lambda x: t(f"plan.target.{x}", lang))
    rencana["class"] = rencana["class"].map(lambda c: t(f"class.{c}", lang) if isinstance(c, str) else c)
    rencana["published_hidden"] = rencana["participants_hidden"].map(lambda h: t(f"plan.hidden.{bool(h)}", lang))
    rencana = rencana.drop(columns=["kind", "participants_hidden"])
    rencana = rencana.rename(columns={c: t(f"plan.col.{c}", lang) for c in rencana.columns})
    jadwal = sched.assign(name=sched["code"].map(areas["name"]),
                          activity=sched["activity"].map(lambda a: t(f"act.{a}", lang)),
                          programme=sched["programme"].map(lambda p: lab.get(p, "")),
                          start=sched["start"].astype(str), end=sched["end"].astype(str))
    jadwal.insert(0, "priority", jadwal["code"].map(priority))
    jadwal = jadwal[["priority", "code", "name", "step", "activity", "programme", "classes", "start", "end", "team"]]
    jadwal = jadwal.rename(columns={c: t(f"plan.col.{c}", lang) for c in jadwal.columns})
    pencocokan = matched.merge(pd.DataFrame({"code": codes, "name": areas["name"].to_numpy()}), on="code")
    pencocokan["programme"] = pencocokan["programme"].map(lab)
    pencocokan = pencocokan[["code", "name", "rank", "programme", "interest", "resources", "vulnerability", "match",
                             "demand", "demand_lo", "demand_hi"]].round(4)
    pencocokan = pencocokan.rename(columns={c: t(f"plan.col.{c}", lang) for c in pencocokan.columns})

    out_sheets = {t("plan.sheet.plan", lang): rencana, t("plan.sheet.schedule", lang): jadwal,
                  t("plan.sheet.matching", lang): pencocokan}
    if pva is not None:
        out_sheets[t("plan.sheet.monev", lang)] = pva
    if rec is not None and len(rec):
        out_sheets[t("plan.sheet.recovery", lang)] = rec
    return out_sheets


def layer(ctx: StudyContext, out: PlanOutcome, score: pd.Series):
    """GeoPackage layer ``plan`` (analysts' file): every area with chosen, priority, class, score and
    its totals (programmes, classes, participants, seats budgeted, cost, first and last day), and
    ``participants_suppressed`` (1 = published outputs hide the participant total)."""
    areas, plan_df, sched, priority = ctx.areas, out.plan, out.schedule, out.priority
    codes = list(areas.index)
    score = score.reindex(codes)
    agg = plan_df.groupby("code").agg(programmes=("programme", "size"), classes=("classes", "sum"),
                                      participants=("participants", "sum"), seats=("seats", "sum"),
                                      cost=("cost", "sum"), hidden=("participants_hidden", "any"))
    layer = areas[[c for c in ("name", "group", "geometry") if c in areas.columns]].copy()
    layer["chosen"] = [int(c in priority) for c in codes]
    layer["priority"] = pd.array([priority.get(c) for c in codes], dtype="Int64")
    layer["class"] = ctx.result["class"].reindex(codes).to_numpy()
    layer["score"] = score.to_numpy()
    for col in ("programmes", "classes", "participants", "seats", "cost"):
        layer[col] = agg[col].reindex(codes).fillna(0).to_numpy()
    # the GeoPackage is an analysts' file: the real total; ``participants_suppressed`` = 1 where a
    # published output must hide it (it includes a number bounded by a suppressed survey count)
    layer["participants"] = layer["participants"].astype("int64")
    layer["participants_suppressed"] = agg["hidden"].reindex(codes).fillna(False).astype(int).to_numpy()
    first = sched.groupby("code")["start"].min() if len(sched) else pd.Series(dtype=object)
    last = sched.groupby("code")["end"].max() if len(sched) else pd.Series(dtype=object)
    layer["start"] = [str(first[c]) if c in first.index else None for c in codes]
    layer["end"] = [str(last[c]) if c in last.index else None for c in codes]
    return layer.reset_index()


def figure(ctx: StudyContext, out: PlanOutcome) -> dict[str, bytes]:
    """``rencana.png``: chosen areas in their class colour, numbered by priority."""
    lang, areas, study = ctx.lang, ctx.areas, ctx.config.study
    chosen_codes = list(out.priority)
    return {"rencana.png": plan_map_png(areas, pd.Series({c: True for c in chosen_codes}, dtype=bool),
                                        pd.Series(out.priority), ctx.result["class"], t("plan.map_title", lang),
                                        subtitle_with_date(study.name, study.date_in(lang), lang),
                                        footer=t("map.read.plan", lang), key_title=t("map.key_plan", lang),
                                        **map_marks(ctx.config, lang))}


def monev_table(pva: pd.DataFrame, lab: dict[str, str], hidden_pairs: dict, threshold: int, lang: str) -> pd.DataFrame:
    """Plan vs actual as published: readable headings, labels, counts 1..t-1 as ``<t``.

    ``hidden_pairs`` maps (area, programme) of this run's plan rows whose participant number
    is hidden to the text published for it (``<t`` or the suppression marker)."""
    rows = []
    marker = t("plan.suppressed", lang)
    for r in pva.itertuples():
        if (r.area, r.programme) in hidden_pairs:
            planned = hidden_pairs[(r.area, r.programme)]
        elif pd.isna(r.planned_participants):
            planned = marker
        else:
            planned = suppress_count(int(r.planned_participants), threshold)
        act = t(f"act.{r.activity}", lang)
        rows.append([r.area, act, lab.get(r.programme, r.programme or ""), planned,
                     suppress_count(int(r.actual_participants), threshold), float(r.planned_cost), float(r.actual_spend)])
    return pd.DataFrame(rows, columns=[t(f"plan.col.{c}", lang) for c in
                                       ("code", "activity", "programme", "planned", "actual", "planned_cost", "spent")])


def recovery_table(rec: pd.DataFrame, lab: dict[str, str], threshold: int, lang: str) -> pd.DataFrame:
    """Keterpulihan as published: readable headings, class names in the run's language,
    participant counts 1..t-1 as ``<t``."""
    def cls(c):
        return t(f"class.{c}", lang) if isinstance(c, str) and c else ""

    out = pd.DataFrame({
        t("plan.col.code", lang): rec["area"],
        t("plan.col.year_from", lang): rec["year_from"], t("plan.col.score_from", lang): rec["score_from"].round(1),
        t("plan.col.class_from", lang): rec["class_from"].map(cls),
        t("plan.col.year_to", lang): rec["year_to"], t("plan.col.score_to", lang): rec["score_to"].round(1),
        t("plan.col.class_to", lang): rec["class_to"].map(cls),
        t("plan.col.change", lang): rec["change"].round(1),
        t("plan.col.class_change", lang): rec["class_change"].map(lambda c: t(f"plan.change.{c}", lang) if c else ""),
        t("plan.col.programmes", lang): rec["programmes"].map(
            lambda s: ", ".join(lab.get(p, t(f"act.{p}", lang)) for p in s.split(", ")) if s else ""),
        t("plan.col.participants", lang): rec["participants"].map(lambda x: suppress_count(int(x), threshold)),
    })
    return out


def _left_params(p: dict) -> dict:
    """Parameters of a left-out reason as the message shows them (rupiah as text)."""
    return {k: (_rp(v) if k == "cost" else v) for k, v in p.items()}


def _cells(df: pd.DataFrame, lang: str, money: tuple[str, ...] = ()) -> dict:
    """A table's head and rows for ``table.html``: sums in rupiah, other cells as
    :func:`petarawan.report.cells.cell` writes them."""
    df = df.copy()
    for c in money:
        if c in df.columns:
            df[c] = [fmt.integer(v, lang) for v in df[c]]
    return cells.table(df, lang)


def _published_recovery(rec: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The recovery table without exact scores (the workbook keeps them): a score of this run or an
    earlier one could give back a small count (:mod:`petarawan.privacy`); classes and their change
    are published."""
    drop = [t(f"plan.col.{c}", lang) for c in ("score_from", "score_to", "change")]
    return rec.drop(columns=[c for c in drop if c in rec.columns])


def section(ctx: StudyContext, cfg: PlanConfig, out: PlanOutcome, threshold: int, pva: pd.DataFrame | None,
            rec: pd.DataFrame | None) -> ReportSection:
    """The report section: budget and reach (or why the plan is empty), the method, which
    constraints bind, the plan table and, with a tracking store, plan vs actual and recovery."""
    lang, areas = ctx.lang, ctx.areas
    sol, plan_df, sched, binding, reason = out.solution, out.plan, out.schedule, out.binding, out.reason
    lab = labels(cfg, lang)
    pct = round(100 * sol.cost / cfg.budget) if cfg.budget else 0
    ctx_: dict = {"empty": not sol.chosen.any()}
    if ctx_["empty"]:
        key, kw = reason if reason else (("plan.r.empty", {"status": sol.status_text(lang)}) if sol.has_plan
                                         else ("plan.r.no_plan", {"status": sol.status_text(lang)}))
        ctx_.update(empty_title=t("plan.empty", lang), empty_text=t(key, lang, **kw), summary="", hidden_note="")
    else:
        hidden = plan_df["participants_hidden"].astype(bool)
        shown = int(plan_df.loc[~hidden, "participants"].sum())
        people = (t("plan.people", lang, n=shown) if not hidden.any()
                  else t("plan.people_hidden", lang, n=shown, k=int(hidden.sum())))
        status = sol.status_text(lang)
        hid = plan_df.loc[hidden]
        seats_text = t("plan.seats", lang, places=shown, seats=int(plan_df["seats"].sum()),
                       classes=int(plan_df["classes"].sum()),
                       hidden=t("plan.seats.hidden", lang, k=int(hid["classes"].sum()), s=int(hid["seats"].sum()))
                       if len(hid) else "")
        ctx_.update(summary=t("plan.summary", lang, budget=_rp(cfg.budget), cost=_rp(sol.cost), pct=pct,
                              areas=int(sol.chosen.sum()), classes=int(sol.classes.sum()), people=people,
                              obj=fmt.number(sol.objective, lang, decimals=1), status=status) + " " + seats_text,
                    hidden_note=t("plan.hidden_note", lang, t=threshold) if hidden.any() else "")
    k = f", ≤ {cfg.max_areas} " + ("wilayah" if lang == "id" else "areas") if cfg.max_areas else ""
    g = (", ≥ 1 " + ("wilayah per kecamatan" if lang == "id" else "area per district")) if out.per_group else ""
    items = []
    if binding["budget"]:
        names = ", ".join(str(areas.at[c, "name"]) for c in binding["plus10_new_areas"])
        items.append(t("plan.b.budget", lang, b=_rp(cfg.budget * 1.1), d=fmt.number(binding['plus10_objective'] - sol.objective, lang, decimals=1),
                       dp=binding["plus10_participants"] - int(sol.participants.sum()), da=len(binding["plus10_new_areas"]),
                       names=(": " + names) if names else ""))
    elif sol.chosen.any():
        items.append(t("plan.b.budget_no", lang))
    if "max_areas" in binding and sol.chosen.any():
        txt = t("plan.b.k_yes", lang, d=fmt.number(binding['max_areas_gain'], lang, decimals=1)) if binding["max_areas"] else t("plan.b.k_no", lang)
        items.append(t("plan.b.k", lang, k=cfg.max_areas, txt=txt))
    if "per_group" in binding:
        txt = t("plan.b.group_yes", lang, d=fmt.number(binding['per_group_cost'], lang, decimals=1)) if binding["per_group"] else t("plan.b.group_no", lang)
        items.append(t("plan.b.group", lang, txt=txt))
    elif cfg.per_group and binding.get("groups_with_demand"):
        items.append(t("plan.b.group_dropped", lang))
    if sol.chosen.any():
        items.append(t("plan.b.demand", lang, n=binding["pairs_at_demand"], f=binding["pairs_classes_full"]))
    if binding.get("cheapest_area_cost") is not None:
        items.append(t("plan.b.cheapest", lang, c=_rp(binding["cheapest_area_cost"])))
    head = [t("plan.col.priority", lang), t("plan.col.name", lang), t("plan.col.class", lang), t("plan.col.score", lang),
            t("plan.col.programme", lang), t("plan.col.classes", lang), t("plan.col.participants", lang),
            t("plan.col.cost", lang), t("plan.col.start", lang), t("plan.col.end", lang)]
    span = sched.groupby(["code", "programme"]).agg(start=("start", "min"), end=("end", "max")) if len(sched) else None
    rows = []
    pub = publication_of(ctx)  # scores as they may be published (a band where a small count hides)
    for r in plan_df.itertuples():
        s = span.loc[(r.code, r.programme)] if span is not None and (r.code, r.programme) in span.index else None
        people = published_participants(r.participants, r.participants_hidden, threshold, t("plan.suppressed", lang))
        score = pub.text(r.code, "score", lang, 1) if r.code in pub.low.index else "–"
        rows.append([r.priority, r.name, t(f"class.{r._5}", lang), score, lab[r.programme], r.classes, people,
                     r.cost, "" if s is None else s["start"], "" if s is None else s["end"]])
    left = None
    if out.left_out is not None and len(out.left_out):
        rank = ctx.result["rank"]
        order = sorted(out.left_out.index, key=lambda c: (pd.isna(rank.get(c)), rank.get(c) if not pd.isna(rank.get(c)) else 0, c))
        left = {"title": t("plan.left.title", lang), "note": t("plan.left.order", lang),
                "head": [t("col.rank", lang), t("plan.col.name", lang), t("plan.col.class", lang), t("plan.left.col.why", lang)],
                "rows": cells.rows([[rank.get(c), str(areas.at[c, "name"]),
                          t(f"class.{ctx.result.at[c, 'class']}", lang) if isinstance(ctx.result.at[c, "class"], str)
                          else t("class.none", lang),
                          t(f"plan.left.{out.left_out.at[c, 'why']}", lang,
                            **_left_params(out.left_out.at[c, "params"]))] for c in order], lang)}
    body = render(
        "plan.html", **ctx_, method=t("plan.method", lang, hh=cfg.household_size, k=k, g=g),
        plan_order=t("plan.order", lang), left=left,
        binding_title=t("plan.binding", lang), items=items, plan={"head": head, "rows": cells.rows(rows, lang)},
        monev=None if pva is None else {
            "title": t("plan.vs_actual", lang), "note": t("plan.area_cost_note", lang, c=_rp(cfg.area_cost)),
            "table": _cells(pva, lang, money=(t("plan.col.planned_cost", lang), t("plan.col.spent", lang)))},
        recovery=None if rec is None or not len(rec) else {"title": t("plan.recovery", lang),
                                                           "table": _cells(_published_recovery(rec, lang), lang)})
    return ReportSection(t("plan.title", lang), body, figure="rencana.png")
