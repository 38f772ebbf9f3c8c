"""Stage ``plan`` (after the classes; requires ``potential``): matching, target groups, the
budgeted MILP plan, the schedule, and — when the study has a tracking store — plan vs actual and
keterpulihan.

The computation is :func:`petarawan.plan.planner.make_plan`; presentation (sheets, layer, map,
report section) is :mod:`petarawan.report.plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..errors import Finding, InputError
from ..i18n import Msg, t
from ..potential.stage import PotentialStageResult
from ..report import plan as view
from ..stages import Stage, StageResult, StudyContext
from ..track import TrackStore, plan_vs_actual, recovery, store_path
from .config import PlanConfig, check_programme_choices
from .optimise import PlanSolution
from .planner import make_plan
from .suppression import published_participants


def read_population(ctx: StudyContext, column: str) -> pd.Series:
    """Population by area code: the ``[data]`` table's ``column``, read and checked once by
    :mod:`petarawan.validate` (same number rules, year filter and codes as every indicator).

    Raises
    ------
    InputError
        The column is not among the validated columns (the study was not loaded through
        :func:`petarawan.validate.load_study`).
    """
    if column not in ctx.denominators.columns:
        d = ctx.config.data
        raise InputError(Finding("error", "missing_column", Msg("f.missing_column.stage"), file=d.file, column=column,
                                 expected=Msg("x.missing_column", file=d.file)))
    return ctx.denominators[column].dropna().astype(float)


@dataclass(frozen=True, kw_only=True)
class PlanStageResult(StageResult):
    """The plan stage's result.

    Attributes
    ----------
    solution : PlanSolution
        The MILP solution (:func:`petarawan.plan.optimise.solve_plan`).
    matched : DataFrame
        Area–programme pairs with interest, resources, vulnerability, match and demand
        (:func:`petarawan.plan.matching.match`).
    schedule : DataFrame
        One row per scheduled activity (:func:`petarawan.plan.schedule.schedule`).
    plan : DataFrame
        One row per chosen area and programme: priority, code, name, group, class, score,
        programme, kind, target, classes, participants, participants_hidden, cost, demand,
        demand_lo, demand_hi, match, rank.
    """

    solution: PlanSolution
    matched: pd.DataFrame
    schedule: pd.DataFrame
    plan: pd.DataFrame


def run_plan(ctx: StudyContext) -> PlanStageResult:
    """Run the plan stage.

    Raises
    ------
    InputError
        Population column missing or not numeric.
    """
    cfg: PlanConfig = ctx.section("plan")
    lang = ctx.lang
    pot = ctx.need("potential", PotentialStageResult)
    threshold = pot.config.suppress_below
    codes = list(ctx.areas.index)
    population = read_population(ctx, cfg.population_column)
    check_programme_choices(cfg.programmes, pot.form, pot.config.questions)
    out = make_plan(pot.scores, pot.mask, threshold, ctx.result["score"], ctx.result["class"], population,
                    ctx.areas, cfg, data_file=ctx.config.data.file)
    findings = list(out.findings)
    sol, plan_df, sched, priority = out.solution, out.plan, out.schedule, out.priority
    progs = cfg.programmes
    lab = view.labels(cfg, lang)
    chosen_codes = list(priority)

    # --- tracking store -------------------------------------------------------------------
    pva = rec = None
    sp = store_path(ctx.study_dir)
    planned_rows = _planned_rows(plan_df, sched, cfg.area_cost)
    store_rows = None
    if sp.is_file():
        try:
            with TrackStore(sp, read_only=True) as store:
                store_rows = store.activities(), store.planned(), store.snapshots()
        except InputError as err:  # damaged or locked store: the plan stands, monitoring is left out
            findings += [replace(f, level="warning", message=Msg("f.track_left_out", inner=f.message))
                         for f in err.findings]
    if store_rows is not None:
        acts, planned, snaps = store_rows
        acts = _known_rows(acts, set(codes), {p.code for p in progs}, "activity", findings)
        planned = _known_rows(planned, set(codes), {p.code for p in progs}, "planned", findings)
        snaps = snaps[snaps["area"].isin(codes)]
        if planned.empty:
            planned = planned_rows
        pva = plan_vs_actual(planned, acts)
        year = ctx.config.data.year or _year_of(ctx.config.study.data_date)
        rec = recovery(snaps, acts, ctx.result[["score", "class"]], year) if year else recovery(snaps, acts)
        hidden_pairs = {(r.code, r.programme): published_participants(r.participants, True, threshold,
                                                                       t("plan.suppressed", lang))
                        for r in plan_df.itertuples() if r.participants_hidden}
        pva = view.monev_table(pva, lab, hidden_pairs, threshold, lang)
        rec = view.recovery_table(rec, lab, threshold, lang) if rec is not None and len(rec) else None

    manifest = {
        "config": cfg.model_dump(mode="json"),
        "status": sol.status, "objective": sol.objective, "gap": sol.gap, "cost": sol.cost, "budget": cfg.budget,
        "areas": chosen_codes, "participants": int(sol.participants.sum()), "classes": int(sol.classes.sum()),
        "per_group_applied": out.per_group, "binding": out.binding,
        "solver": {"name": "HiGHS via scipy.optimize.milp", **sol.params},
        "empty_reason": out.reason[0] if out.reason else None,
        "suppression": f"participant numbers bounded by a suppressed count (demand hidden in the matching sheet) are "
                       f"shown as <{threshold} or '{t('plan.suppressed', 'en')}'; their classes are budgeted for a fixed "
                       f"number of seats (min(max_class, {threshold - 1}) for facilitators, max_class otherwise)",
        "plan_rows": planned_rows.assign(start=lambda d: d["start"].astype(str),
                                         end=lambda d: d["end"].astype(str)).to_dict("records"),
    }
    area_cols = pd.DataFrame({"rencana": [int(c in priority) for c in codes],
                              "prioritas_rencana": pd.array([priority.get(c) for c in codes], dtype="Int64")}, index=codes)
    public = {"rencana": (t("plan.col.in_plan", "id"), t("plan.col.in_plan", "en")),
              "prioritas_rencana": (t("plan.col.plan_priority", "id"), t("plan.col.plan_priority", "en"))}
    return PlanStageResult(name="plan", area_columns=area_cols, public_columns=public,
                           layers={"plan": view.layer(ctx, out, ctx.result["score"])},
                           sheets=view.sheets(ctx, cfg, out, pot.mask, pot.scores.table, threshold, pva, rec),
                           manifest=manifest, findings=findings, figures=view.figure(ctx, out),
                           sections=[view.section(ctx, cfg, out, threshold, pva, rec)],
                           solution=sol, matched=out.matched, schedule=sched, plan=plan_df)


STAGE = Stage(name="plan", run=run_plan, section=PlanConfig, requires=("classes", "potential"))


def _year_of(text: str) -> int | None:
    import re

    m = re.search(r"(19|20)\d{2}", text or "")
    return int(m.group(0)) if m else None


AREA_ACTIVITIES = ("pemetaan", "rapat_kerja", "monev")
"""Activities paid from ``area_cost`` (one fixed sum per chosen area)."""


def _planned_rows(plan_df: pd.DataFrame, sched: pd.DataFrame, area_cost: float = 0.0) -> pd.DataFrame:
    """Plan rows in the tracking store's shape: one per scheduled activity.

    ``area_cost`` pays pemetaan, rapat kerja and monev together; it is put on the area's
    pemetaan row (plan vs actual compares the three as one line, :func:`petarawan.track.plan_vs_actual`).
    A participant number that may not be published (``participants_hidden``) is stored as
    ``None``."""
    rows = []
    pr = plan_df.set_index(["code", "programme"]) if len(plan_df) else None
    for r in sched.itertuples():
        parts, cost = 0, 0.0
        if r.programme and pr is not None and (r.code, r.programme) in pr.index:
            row = pr.loc[(r.code, r.programme)]
            parts = None if bool(row.get("participants_hidden", False)) else int(row["participants"])
            cost = float(row["cost"])
        elif r.activity == "pemetaan":
            cost = float(area_cost)
        rows.append({"area": r.code, "activity": r.activity, "programme": r.programme or None, "classes": int(r.classes),
                     "participants": parts, "cost": cost, "start": r.start, "end": r.end})
    return pd.DataFrame(rows, columns=["area", "activity", "programme", "classes", "participants", "cost", "start", "end"])


def _known_rows(df: pd.DataFrame, codes: set[str], programmes: set[str], table: str, findings: list) -> pd.DataFrame:
    """Rows of the tracking store whose area is a study area and whose programme (if any) is in
    the catalogue; others are left out with a warning naming the row id (never the text)."""
    if df.empty:
        return df
    ok_area = df["area"].isin(codes)
    ok_prog = df["programme"].isna() | (df["programme"] == "") | df["programme"].isin(programmes)
    bad = df[~(ok_area & ok_prog)]
    for rid in bad["id"]:
        findings.append(Finding("warning", "track_unknown_row",
                                Msg("f.track_unknown_row"),
                                file=f"petarawan.sqlite:{table}", row=int(rid),
                                expected=Msg("x.track_unknown_row")))
    return df[ok_area & ok_prog]
