"""The budgeted plan on in-memory data: matching, demand and seats, the reasons a plan may be
impossible, the MILP (HiGHS) and its sensitivity (+10 % budget, one more area, without the
per-district rule), the schedule and the plan table.  No files are read or written."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Finding
from ..i18n import Msg, t
from ..potential.scoring import PotentialResult
from ..report.text import rupiah as _rp
from .config import PlanConfig
from .matching import match
from .optimise import PlanSolution, cheapest_area_cost, pair_costs, solve_plan
from .schedule import schedule
from .suppression import hidden_demand


@dataclass(frozen=True)
class PlanOutcome:
    """Everything :func:`make_plan` computed.

    Attributes
    ----------
    solution : PlanSolution
        The plan; ``more`` the plan with 10 % more budget (what the budget costs).
    matched : DataFrame
        Area–programme pairs (:func:`petarawan.plan.matching.match`).
    schedule : DataFrame
        One row per scheduled activity of the chosen areas.
    plan : DataFrame
        One row per chosen area and programme (see :class:`petarawan.plan.stage.PlanStageResult`).
    priority : dict[str, int]
        Chosen area code → priority (1 = highest vulnerability score).
    binding : dict
        Which constraints bind and what relaxing them would give.
    per_group : bool
        Whether "at least one area per district" was applied.
    reason : tuple[str, dict] | None
        Message key and parameters of why the plan is empty, when it is.
    findings : list[Finding]
    left_out : DataFrame
        One row per area not in the plan (index code): ``why`` (one of :data:`LEFT_OUT`) and
        its parameters ``params`` (dict), in the order of the score rank (:func:`left_out_reasons`).
    """

    solution: PlanSolution
    more: PlanSolution
    matched: pd.DataFrame
    schedule: pd.DataFrame
    plan: pd.DataFrame
    priority: dict[str, int]
    binding: dict
    per_group: bool
    reason: tuple[str, dict] | None
    findings: list[Finding]
    left_out: pd.DataFrame = None  # type: ignore[assignment]


def make_plan(scores: PotentialResult, mask: pd.DataFrame, threshold: int, score: pd.Series, bnn_class: pd.Series,
              population: pd.Series, areas: pd.DataFrame, cfg: PlanConfig, *, data_file: str = "") -> PlanOutcome:
    """Match programmes to areas and solve the budgeted plan.

    Parameters
    ----------
    scores : PotentialResult
        The community-potential shares per area (unsuppressed).
    mask : DataFrame
        The potential stage's suppression mask (published cells hidden as small counts).
    threshold : int
        Counts 1..threshold-1 are suppressed.
    score, bnn_class : Series
        Vulnerability score (0–100) and BNN class per area code.
    population : Series
        Population per area code (areas without one get no target group, with a warning).
    areas : DataFrame
        Index code; ``name`` and, when present, ``group`` (district).
    cfg : PlanConfig
    data_file : str
        The indicator table, named in the warning about a missing population.
    """
    codes = list(areas.index)
    findings: list[Finding] = []

    def warn(code: str, key: str, **kw) -> None:
        where = {k: kw.pop(k) for k in ("file", "column", "value", "row") if k in kw}
        exp = kw.pop("expected", None)
        findings.append(Finding("warning", code, Msg(key, **kw), **where,
                                expected=Msg(exp, **kw) if exp is not None else None))

    for c in codes:
        if c not in population.index or not np.isfinite(population.get(c, np.nan)):
            warn("plan_no_population", "plan.no_population", file=data_file, column=cfg.population_column,
                 value=c)
    score = score.reindex(codes)
    matched = match(scores, score, population, cfg)
    progs = cfg.programmes
    J = len(progs)
    D = np.zeros((len(codes), J))
    pos = {c: i for i, c in enumerate(codes)}
    pj = {p.code: j for j, p in enumerate(progs)}
    # pairs whose demand may not be published: budget their classes for a fixed number of seats
    hidden = hidden_demand(matched, progs, mask, scores.table, threshold)
    seats = np.zeros((len(codes), J), int)
    for r, h in zip(matched.itertuples(), hidden):
        D[pos[r.code], pj[r.programme]] = r.demand_used
        if h:
            p = progs[pj[r.programme]]
            seats[pos[r.code], pj[r.programme]] = (min(p.max_class, threshold - 1) if p.target == "facilitator"
                                                   else p.max_class)
    v = (score.to_numpy(dtype=float) / 100).clip(0, 1)
    groups = list(areas["group"]) if "group" in areas.columns else None
    eligible = np.nan_to_num(score.to_numpy(dtype=float), nan=-1) >= cfg.min_class_score

    def solve(budget: float, k: int | None, per_group: bool) -> PlanSolution:
        return solve_plan(D, v, progs, budget, groups=groups, max_areas=k, per_group=per_group, area_cost=cfg.area_cost,
                          eligible=eligible, time_limit=cfg.time_limit, mip_rel_gap=cfg.mip_rel_gap, seats=seats)

    # --- why a plan may be impossible: name the real cause -----------------------------------
    cheapest = cheapest_area_cost(D, progs, cfg.area_cost, eligible, seats)
    feasible = np.isfinite(cheapest)
    reason = None  # (key, kwargs) of the plain statement shown when the plan is empty
    per_group = cfg.per_group and groups is not None
    demand_groups = sorted({groups[i] for i in range(len(codes)) if feasible[i] and groups[i] is not None}) if groups else []
    if not feasible.any():
        reason = ("plan.r.no_demand", {})
        warn("plan_no_demand", "plan.r.no_demand")
    elif cheapest[feasible].min() > cfg.budget:
        i = int(np.argmin(cheapest))
        kw = dict(b=_rp(cfg.budget), c=_rp(cheapest[i]), name=str(areas.at[codes[i], "name"]), g=_rp(cfg.area_cost))
        reason = ("plan.r.budget", kw)
        warn("plan_budget_below_cheapest", "plan.r.budget", column="plan.budget", value=cfg.budget,
             expected="plan.r.budget_exp", **kw)
    if per_group and cfg.max_areas is not None and cfg.max_areas < len(demand_groups):
        warn("plan_k_below_groups", "plan.k_below_groups", column="plan.max_areas", value=cfg.max_areas,
             k=cfg.max_areas, n=len(demand_groups), expected="plan.k_below_groups_exp")
        per_group = False
    elif per_group and reason is None:
        need = sum(min(cheapest[i] for i in range(len(codes)) if feasible[i] and groups[i] == g) for g in demand_groups)
        if need > cfg.budget:
            warn("plan_group_budget", "plan.group_budget", column="plan.per_group", value=True, b=_rp(cfg.budget),
                 c=_rp(need), n=len(demand_groups), expected="plan.group_budget_exp")
            per_group = False
    sol = solve(cfg.budget, cfg.max_areas, per_group)
    if sol.status == "infeasible" and per_group:
        warn("plan_group_infeasible", "plan.group_infeasible")
        per_group = False
        sol = solve(cfg.budget, cfg.max_areas, False)
    if sol.status == "infeasible":
        findings.append(Finding("warning", "plan_infeasible", Msg("plan.infeasible"), value=sol.message))
    elif sol.status != "optimal":  # every other HiGHS outcome, said as it is (plan/optimise.py::solver_outcome)
        limit = "time_limit" in sol.status
        findings.append(Finding("warning", f"plan_{sol.status}", sol.status_msg(),
                                column="plan.time_limit" if limit else None, value=sol.message,
                                expected=Msg("x.plan_time_limit") if limit else None))
    more = solve(cfg.budget * 1.1, cfg.max_areas, per_group)
    k_more = solve(cfg.budget, cfg.max_areas + 1, per_group) if cfg.max_areas is not None else None
    no_group = solve(cfg.budget, cfg.max_areas, False) if per_group else None

    chosen_codes = [c for c, ch in zip(codes, sol.chosen) if ch]
    chosen_codes.sort(key=lambda c: (-np.nan_to_num(score[c], nan=-1), c))
    priority = {c: i + 1 for i, c in enumerate(chosen_codes)}
    classes = {c: {p.code: int(sol.classes[pos[c], j]) for j, p in enumerate(progs) if sol.classes[pos[c], j] > 0}
               for c in chosen_codes}
    sched = schedule(chosen_codes, classes, progs, cfg.schedule)

    # --- the plan table -----------------------------------------------------------------------
    mi = matched.set_index(["code", "programme"])
    plan_rows = []
    for c in chosen_codes:
        for j, p in enumerate(progs):
            n = int(sol.classes[pos[c], j])
            if n == 0:
                continue
            x = int(sol.participants[pos[c], j])
            m = mi.loc[(c, p.code)]
            cpp, cpc = pair_costs(p, int(seats[pos[c], j]))
            plan_rows.append({"priority": priority[c], "code": c, "name": areas.at[c, "name"],
                              "group": areas.at[c, "group"] if "group" in areas.columns else None,
                              "class": bnn_class.get(c), "score": round(float(score[c]), 1),
                              "programme": p.code, "kind": p.kind, "target": p.target, "classes": n, "participants": x,
                              "participants_hidden": bool(seats[pos[c], j] > 0),
                              "seats": int(seats[pos[c], j]) * n if seats[pos[c], j] > 0 else x,
                              "cost": cpp * x + cpc * n,
                              "demand": m["demand"], "demand_lo": m["demand_lo"], "demand_hi": m["demand_hi"],
                              "match": round(float(m["match"]), 4), "rank": int(m["rank"])})
    plan_df = pd.DataFrame(plan_rows, columns=["priority", "code", "name", "group", "class", "score", "programme", "kind",
                                               "target", "classes", "participants", "participants_hidden", "seats",
                                               "cost", "demand", "demand_lo", "demand_hi", "match", "rank"])

    # --- sensitivity / binding -------------------------------------------------------------
    d_budget = more.objective - sol.objective
    new_areas = [c for c, a, b in zip(codes, sol.chosen, more.chosen) if b and not a]
    binding = {"budget": bool(d_budget > 1e-6), "budget_slack": cfg.budget - sol.cost,
               "plus10_objective": more.objective, "plus10_participants": int(more.participants.sum()),
               "plus10_new_areas": new_areas, "plus10_cost": more.cost}
    if k_more is not None:
        binding["max_areas"] = bool(k_more.objective - sol.objective > 1e-6)
        binding["max_areas_gain"] = k_more.objective - sol.objective
    if no_group is not None:
        binding["per_group"] = bool(no_group.objective - sol.objective > 1e-6)
        binding["per_group_cost"] = no_group.objective - sol.objective
    at_demand = int(((sol.participants == np.floor(D)) & (sol.classes > 0)).sum())
    maxs = np.array([p.max_class for p in progs])
    full = int(((sol.participants == sol.classes * maxs[None, :]) & (sol.classes > 0)).sum())
    binding["pairs_at_demand"] = at_demand
    binding["pairs_classes_full"] = full
    binding["cheapest_area_cost"] = float(cheapest[feasible].min()) if feasible.any() else None
    binding["groups_with_demand"] = len(demand_groups)

    left = left_out_reasons(codes, sol.chosen, score, eligible, scores.table.get("score_imputed"), cheapest, cfg,
                            max_areas_reached=cfg.max_areas is not None and int(sol.chosen.sum()) >= cfg.max_areas,
                            has_plan=sol.has_plan)
    return PlanOutcome(sol, more, matched, sched, plan_df, priority, binding, per_group, reason, findings, left)


LEFT_OUT = ("no_score", "below_min_score", "few_respondents", "no_programme", "too_costly", "max_areas", "budget",
            "no_plan")
"""Why an area is not in the plan, checked in this order (the first that applies is given)."""


def left_out_reasons(codes: list[str], chosen: np.ndarray, score: pd.Series, eligible: np.ndarray,
                     imputed: pd.Series | None, cheapest: np.ndarray, cfg: PlanConfig, *, max_areas_reached: bool,
                     has_plan: bool) -> pd.DataFrame:
    """Why each area outside the plan is left out — the first that applies of :data:`LEFT_OUT`:

    ``no_score`` (no vulnerability score), ``below_min_score`` (score < ``plan.min_class_score``),
    ``few_respondents`` (no programme has demand for even one class of ``min_class``, and the area
    has too few survey respondents to measure it: its potential was imputed), ``no_programme`` (no
    programme has demand for even one class of ``min_class``), ``too_costly`` (its cheapest class with the area cost exceeds the whole
    budget), ``max_areas`` (the limit ``plan.max_areas`` is reached), ``budget`` (the budget went to
    areas that reach more people weighted by vulnerability), ``no_plan`` (the solver gave no plan).

    Returns
    -------
    DataFrame, index code (areas not chosen, in the order given), columns ``why`` and ``params``.
    """
    rows = []
    for i, c in enumerate(codes):
        if chosen[i]:
            continue
        sc = score.get(c, np.nan)
        if not np.isfinite(sc):
            why, p = "no_score", {}
        elif not eligible[i]:
            why, p = "below_min_score", {"min": cfg.min_class_score}
        elif not np.isfinite(cheapest[i]):
            few = imputed is not None and bool(imputed.get(c, False))
            why, p = ("few_respondents" if few else "no_programme"), {}
        elif cheapest[i] > cfg.budget:
            why, p = "too_costly", {"cost": float(cheapest[i])}
        elif not has_plan:
            why, p = "no_plan", {}
        elif max_areas_reached:
            why, p = "max_areas", {"k": cfg.max_areas}
        else:
            why, p = "budget", {"cost": float(cheapest[i])}
        rows.append({"code": c, "why": why, "params": p})
    return pd.DataFrame(rows, columns=["code", "why", "params"]).set_index("code")
