"""Post-index stage ``plan``: matching, target groups, the budgeted MILP plan, the schedule,
and — when the study has a tracking store — plan vs actual and keterpulihan."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Finding, InputError
from ..i18n import register, t
from ..potential.figures import plan_map_png
from ..report.mapkit import subtitle_with_date
from ..potential.stage import PotentialStageResult
from ..privacy import suppress_count
from ..stages import ReportSection, Stage, StageResult, StudyContext
from .config import PlanConfig, check_programme_choices
from .matching import match
from .optimise import PlanSolution, cheapest_area_cost, pair_costs, solve_plan
from .schedule import schedule

register({
    "stage.plan": {"id": "rencana intervensi", "en": "intervention plan"},
    "plan.title": {"id": "Rencana intervensi", "en": "Intervention plan"},
    "plan.map_title": {"id": "Wilayah dalam rencana (nomor = urutan prioritas)", "en": "Areas in the plan (number = priority)"},
    "plan.summary": {
        "id": "Anggaran Rp {budget}; terpakai Rp {cost} ({pct} %). {areas} wilayah, {classes} kelas, {people} "
              "(jangkauan tertimbang kerawanan {obj}). Status solver: {status}.",
        "en": "Budget Rp {budget}; used Rp {cost} ({pct} %). {areas} areas, {classes} classes, {people} "
              "(vulnerability-weighted reach {obj}). Solver status: {status}.",
    },
    "plan.binding": {"id": "Kendala yang mengikat", "en": "Binding constraints"},
    "plan.b.budget": {"id": "Anggaran: +10 % anggaran (Rp {b}) menambah jangkauan tertimbang {d} ({dp} peserta, {da} wilayah baru{names}).",
                      "en": "Budget: +10 % budget (Rp {b}) adds {d} weighted reach ({dp} participants, {da} new areas{names})."},
    "plan.b.budget_no": {"id": "Anggaran tidak mengikat: +10 % anggaran tidak menambah jangkauan.",
                         "en": "Budget not binding: +10 % budget adds no reach."},
    "plan.b.k": {"id": "Batas {k} wilayah: {txt}", "en": "Limit of {k} areas: {txt}"},
    "plan.b.k_yes": {"id": "mengikat (1 wilayah lagi menambah jangkauan {d})", "en": "binding (one more area adds {d} reach)"},
    "plan.b.k_no": {"id": "tidak mengikat", "en": "not binding"},
    "plan.b.group": {"id": "Minimal satu wilayah per kecamatan: {txt}", "en": "At least one area per district: {txt}"},
    "plan.b.group_yes": {"id": "mengurangi jangkauan {d} dibanding tanpa aturan ini", "en": "costs {d} reach compared with no such rule"},
    "plan.b.group_no": {"id": "tidak mengurangi jangkauan", "en": "costs no reach"},
    "plan.b.demand": {"id": "{n} pasangan wilayah–program dibatasi permintaan; {f} kelas penuh.",
                      "en": "{n} area–programme pairs limited by demand; {f} classes full."},
    "plan.group_infeasible": {"id": "aturan minimal satu wilayah per kecamatan tidak dapat dipenuhi bersama anggaran, batas wilayah dan prasyarat program; rencana dibuat tanpa aturan itu",
                              "en": "at least one area per district cannot be met together with the budget, the area limit and the programme prerequisites; plan made without that rule"},
    "plan.infeasible": {"id": "tidak ada rencana yang layak (anggaran terlalu kecil atau permintaan di bawah ukuran kelas minimum)",
                        "en": "no feasible plan (budget too small or demand below the minimum class size)"},
    "plan.method": {
        "id": "Program per wilayah diurutkan menurut minat × sumber daya × kerawanan. Sasaran (rumah tangga terdampak / belum "
              "terdampak) = penduduk ÷ {hh} × proporsi survei, dengan selang Wilson. Rencana = program bilangan bulat campuran "
              "(HiGHS) yang memaksimalkan jumlah peserta tertimbang skor kerawanan, dengan kendala anggaran, ukuran kelas, "
              "prasyarat{k}{g}. Urutan kegiatan BNN: pemetaan → rapat kerja → bimtek pendamping → pelatihan life skill → "
              "pelatihan kewirausahaan → monev (hari kerja).",
        "en": "Programmes per area ranked by interest × resources × vulnerability. Target groups (affected / not affected "
              "households) = population ÷ {hh} × survey share, with Wilson intervals. The plan is a mixed-integer programme "
              "(HiGHS) maximising participants weighted by the vulnerability score, subject to budget, class sizes, "
              "prerequisites{k}{g}. BNN order: pemetaan → rapat kerja → bimtek pendamping → life-skill training → "
              "entrepreneurship training → monev (working days).",
    },
    "plan.suppressed": {"id": "disembunyikan", "en": "suppressed"},
    "plan.no_population": {"id": "wilayah tanpa jumlah penduduk; tidak ada sasaran dihitung",
                           "en": "area without population; no target group computed"},
    "plan.r.no_demand": {"id": "tidak ada wilayah yang permintaannya mencapai ukuran kelas minimum program mana pun "
                                "(atau semua wilayah di bawah plan.min_class_score)",
                         "en": "no area has demand reaching the minimum class size of any programme (or every area is "
                               "below plan.min_class_score)"},
    "plan.r.budget": {"id": "anggaran Rp {b} di bawah biaya wilayah termurah yang layak: Rp {c} ({name}: biaya wilayah "
                             "Rp {g} + kelas termurah dengan prasyaratnya)",
                      "en": "the budget of Rp {b} is below the cost of the cheapest feasible area: Rp {c} ({name}: area "
                            "cost Rp {g} + the cheapest class with its prerequisites)"},
    "plan.r.budget_exp": {"id": "plan.budget ≥ Rp {c}", "en": "plan.budget ≥ Rp {c}"},
    "plan.r.empty": {"id": "solver tidak memilih wilayah (status: {status}).", "en": "the solver chose no area (status: {status})."},
    "plan.empty": {"id": "Rencana kosong:", "en": "Empty plan:"},
    "plan.k_below_groups": {
        "id": "plan.max_areas = {k} lebih kecil dari {n} kecamatan yang punya permintaan, sehingga aturan minimal satu "
              "wilayah per kecamatan (plan.per_group) tidak mungkin dipenuhi; rencana dibuat tanpa aturan itu",
        "en": "plan.max_areas = {k} is smaller than the {n} districts with demand, so at least one area per district "
              "(plan.per_group) cannot be met; plan made without that rule"},
    "plan.k_below_groups_exp": {"id": "plan.max_areas ≥ {n}, atau per_group = false",
                                "en": "plan.max_areas ≥ {n}, or per_group = false"},
    "plan.group_budget": {
        "id": "minimal satu wilayah di setiap {n} kecamatan memerlukan sedikitnya Rp {c} (wilayah termurah per kecamatan), "
              "di atas anggaran Rp {b}; rencana dibuat tanpa aturan itu",
        "en": "at least one area in each of the {n} districts needs at least Rp {c} (the cheapest area per district), "
              "more than the budget of Rp {b}; plan made without that rule"},
    "plan.group_budget_exp": {"id": "plan.budget ≥ Rp {c}, atau per_group = false",
                              "en": "plan.budget ≥ Rp {c}, or per_group = false"},
    "plan.b.group_dropped": {"id": "Minimal satu wilayah per kecamatan: tidak diterapkan (lihat peringatan)",
                             "en": "At least one area per district: not applied (see warnings)"},
    "plan.b.cheapest": {"id": "Biaya wilayah termurah yang layak: Rp {c}.", "en": "Cheapest feasible area: Rp {c}."},
    "plan.status.optimal": {"id": "optimal", "en": "optimal"},
    "plan.status.time_limit": {"id": "batas waktu tercapai, solusi terbaik yang ditemukan (selisih {gap} %)",
                               "en": "time limit reached, best plan found (gap {gap} %)"},
    "plan.status.infeasible": {"id": "tidak layak", "en": "infeasible"},
    "plan.status.error": {"id": "galat solver", "en": "solver error"},
    "plan.people": {"id": "{n} peserta", "en": "{n} participants"},
    "plan.people_hidden": {"id": "{n} peserta ditambah peserta {k} kelas yang jumlahnya disembunyikan",
                           "en": "{n} participants plus those of {k} classes whose numbers are hidden"},
    "plan.hidden_note": {
        "id": "Jumlah peserta yang dibatasi oleh hitungan survei yang disembunyikan (mis. calon pendamping <{t}) tidak "
              "ditampilkan; kelasnya dianggarkan untuk jumlah kursi tetap sehingga biayanya tidak membuka angka itu.",
        "en": "Participant numbers bounded by a suppressed survey count (e.g. facilitator candidates <{t}) are not "
              "shown; their classes are budgeted for a fixed number of seats so the cost does not reveal them."},
    "plan.area_cost_note": {"id": "Biaya wilayah (Rp {c}) membiayai pemetaan, rapat kerja dan monev bersama; "
                                  "ketiganya dibandingkan sebagai satu baris.",
                            "en": "The area cost (Rp {c}) pays for pemetaan, rapat kerja and monev together; the three "
                                  "are compared as one line."},
    "plan.sheet.plan": {"id": "Rencana", "en": "Plan"},
    "plan.sheet.schedule": {"id": "Jadwal", "en": "Schedule"},
    "plan.sheet.matching": {"id": "Pencocokan", "en": "Matching"},
    "plan.sheet.monev": {"id": "Monev", "en": "Monitoring"},
    "plan.sheet.recovery": {"id": "Keterpulihan", "en": "Recovery"},
    "plan.col.vulnerability": {"id": "Kerawanan (0–1)", "en": "Vulnerability (0–1)"},
    "plan.col.planned": {"id": "Peserta direncanakan", "en": "Planned participants"},
    "plan.col.actual": {"id": "Peserta terealisasi", "en": "Actual participants"},
    "plan.col.planned_cost": {"id": "Biaya direncanakan (Rp)", "en": "Planned cost (Rp)"},
    "plan.col.spent": {"id": "Realisasi biaya (Rp)", "en": "Spent (Rp)"},
    "plan.col.year_from": {"id": "Tahun awal", "en": "From year"},
    "plan.col.score_from": {"id": "Skor awal", "en": "Score (from)"},
    "plan.col.class_from": {"id": "Kelas awal", "en": "Class (from)"},
    "plan.col.year_to": {"id": "Tahun akhir", "en": "To year"},
    "plan.col.score_to": {"id": "Skor akhir", "en": "Score (to)"},
    "plan.col.class_to": {"id": "Kelas akhir", "en": "Class (to)"},
    "plan.col.change": {"id": "Perubahan skor", "en": "Score change"},
    "plan.col.class_change": {"id": "Perubahan kelas", "en": "Class change"},
    "plan.col.programmes": {"id": "Program diterima", "en": "Programmes received"},
    "plan.col.in_plan": {"id": "Dalam rencana (1=ya)", "en": "In the plan (1=yes)"},
    "plan.col.plan_priority": {"id": "Prioritas rencana", "en": "Plan priority"},
    "plan.change.membaik": {"id": "membaik", "en": "improved"},
    "plan.change.memburuk": {"id": "memburuk", "en": "worse"},
    "plan.change.tetap": {"id": "tetap", "en": "same"},
    "act.area": {"id": "Pemetaan + rapat kerja + monev", "en": "Mapping + working meeting + monitoring"},
    "plan.vs_actual": {"id": "Rencana vs realisasi (monev)", "en": "Plan vs actual (monitoring)"},
    "plan.recovery": {"id": "Keterpulihan: perubahan skor dan kelas", "en": "Recovery: change of score and class"},
    "plan.col.priority": {"id": "Prioritas", "en": "Priority"},
    "plan.col.code": {"id": "Kode", "en": "Code"},
    "plan.col.name": {"id": "Kelurahan/desa", "en": "Area"},
    "plan.col.group": {"id": "Kecamatan", "en": "District"},
    "plan.col.class": {"id": "Kelas", "en": "Class"},
    "plan.col.score": {"id": "Skor kerawanan", "en": "Vulnerability score"},
    "plan.col.programme": {"id": "Program", "en": "Programme"},
    "plan.col.target": {"id": "Sasaran", "en": "Target group"},
    "plan.col.classes": {"id": "Jumlah kelas", "en": "Classes"},
    "plan.col.participants": {"id": "Peserta", "en": "Participants"},
    "plan.col.cost": {"id": "Biaya (Rp)", "en": "Cost (Rp)"},
    "plan.col.demand": {"id": "Perkiraan peminat", "en": "Estimated demand"},
    "plan.col.demand_lo": {"id": "Peminat (batas bawah)", "en": "Demand (lower)"},
    "plan.col.demand_hi": {"id": "Peminat (batas atas)", "en": "Demand (upper)"},
    "plan.col.match": {"id": "Skor kecocokan", "en": "Matching score"},
    "plan.col.rank": {"id": "Peringkat di wilayah", "en": "Rank in area"},
    "plan.col.interest": {"id": "Minat", "en": "Interest"},
    "plan.col.resources": {"id": "Faktor sumber daya", "en": "Resource factor"},
    "plan.col.step": {"id": "Langkah", "en": "Step"},
    "plan.col.activity": {"id": "Kegiatan", "en": "Activity"},
    "plan.col.start": {"id": "Mulai", "en": "Start"},
    "plan.col.end": {"id": "Selesai", "en": "End"},
    "plan.col.team": {"id": "Tim", "en": "Team"},
    "plan.target.facilitator": {"id": "calon pendamping", "en": "facilitator candidates"},
    "plan.target.exposed": {"id": "rumah tangga terdampak", "en": "affected households"},
    "plan.target.not_exposed": {"id": "rumah tangga belum terdampak", "en": "households not affected"},
    "plan.target.all": {"id": "semua rumah tangga", "en": "all households"},
    "act.pemetaan": {"id": "Pemetaan", "en": "Mapping"},
    "act.rapat_kerja": {"id": "Rapat kerja stakeholder", "en": "Stakeholder working meeting"},
    "act.bimtek": {"id": "Bimtek pendamping", "en": "Facilitator technical guidance"},
    "act.life_skill": {"id": "Pelatihan life skill", "en": "Life-skills training"},
    "act.entrepreneurship": {"id": "Pelatihan kewirausahaan", "en": "Entrepreneurship training"},
    "act.monev": {"id": "Monev", "en": "Monitoring & evaluation"},
})


def _rp(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".")


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
        raise InputError(Finding("error", "missing_column", "kolom penduduk tidak ada",
                                 message_en="population column missing", file=d.file, column=column,
                                 expected=f"plan.population_column berisi nama kolom di {d.file}",
                                 expected_en=f"plan.population_column names a column of {d.file}"))
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
    """Run the plan stage (after the classes; requires the ``potential`` stage).

    Raises
    ------
    InputError
        Population column missing or not numeric.
    """
    cfg: PlanConfig = ctx.section("plan")
    lang = ctx.lang
    pot = ctx.need("potential", PotentialStageResult)
    res = pot.scores
    pcfg = pot.config
    threshold = pcfg.suppress_below
    areas = ctx.areas
    codes = list(areas.index)
    population = read_population(ctx, cfg.population_column)
    check_programme_choices(cfg.programmes, pot.form, pcfg.questions)
    findings: list[Finding] = []

    def warn(code: str, key: str, **kw) -> None:
        where = {k: kw.pop(k) for k in ("file", "column", "value", "row") if k in kw}
        exp = kw.pop("expected", None)
        f_kw = {}
        if exp is not None:
            f_kw = {"expected": t(exp, "id", **kw), "expected_en": t(exp, "en", **kw)}
        findings.append(Finding("warning", code, t(key, "id", **kw), message_en=t(key, "en", **kw), **where, **f_kw))

    for c in codes:
        if c not in population.index or not np.isfinite(population.get(c, np.nan)):
            warn("plan_no_population", "plan.no_population", file=ctx.config.data.file, column=cfg.population_column,
                 value=c)
    score = ctx.result["score"].reindex(codes)
    matched = match(res, score, population, cfg)
    progs = cfg.programmes
    J = len(progs)
    D = np.zeros((len(codes), J))
    pos = {c: i for i, c in enumerate(codes)}
    pj = {p.code: j for j, p in enumerate(progs)}
    pot_mask = pot.mask
    # pairs whose demand may not be published: budget their classes for a fixed number of seats
    hidden = hidden_demand(matched, progs, pot_mask, res.table, threshold)
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
    if sol.status in ("infeasible", "error"):
        findings.append(Finding("warning", "plan_infeasible", t("plan.infeasible", "id"),
                                message_en=t("plan.infeasible", "en"), value=sol.message))
    more = solve(cfg.budget * 1.1, cfg.max_areas, per_group)
    k_more = solve(cfg.budget, cfg.max_areas + 1, per_group) if cfg.max_areas is not None else None
    no_group = solve(cfg.budget, cfg.max_areas, False) if per_group else None

    chosen_codes = [c for c, ch in zip(codes, sol.chosen) if ch]
    chosen_codes.sort(key=lambda c: (-np.nan_to_num(score[c], nan=-1), c))
    priority = {c: i + 1 for i, c in enumerate(chosen_codes)}
    classes = {c: {p.code: int(sol.classes[pos[c], j]) for j, p in enumerate(progs) if sol.classes[pos[c], j] > 0}
               for c in chosen_codes}
    sched = schedule(chosen_codes, classes, progs, cfg.schedule)

    # --- tables ---------------------------------------------------------------------------
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
                              "class": ctx.result.at[c, "class"], "score": round(float(score[c]), 1),
                              "programme": p.code, "kind": p.kind, "target": p.target, "classes": n, "participants": x,
                              "participants_hidden": bool(seats[pos[c], j] > 0),
                              "cost": cpp * x + cpc * n,
                              "demand": m["demand"], "demand_lo": m["demand_lo"], "demand_hi": m["demand_hi"],
                              "match": round(float(m["match"]), 4), "rank": int(m["rank"])})
    plan_df = pd.DataFrame(plan_rows, columns=["priority", "code", "name", "group", "class", "score", "programme", "kind",
                                               "target", "classes", "participants", "participants_hidden", "cost",
                                               "demand", "demand_lo", "demand_hi", "match", "rank"])

    def _supp(df: pd.DataFrame) -> pd.DataFrame:
        return suppress_derived(df, progs, pot_mask, res.table, threshold, t("plan.suppressed", lang))

    lab = {p.code: p.label(lang) for p in progs}
    rencana = _supp(plan_df)
    rencana["participants"] = [published_participants(x, h, threshold, t("plan.suppressed", lang))
                               for x, h in zip(plan_df["participants"], plan_df["participants_hidden"])]
    rencana["programme"] = rencana["programme"].map(lab)
    rencana["target"] = rencana["target"].map(lambda x: t(f"plan.target.{x}", lang))
    rencana["class"] = rencana["class"].map(lambda c: t(f"class.{c}", lang) if isinstance(c, str) else c)
    rencana = rencana.drop(columns=["kind", "participants_hidden"]).rename(
        columns={c: t(f"plan.col.{c}", lang) for c in rencana.columns})
    jadwal = sched.assign(name=sched["code"].map(areas["name"]),
                          activity=sched["activity"].map(lambda a: t(f"act.{a}", lang)),
                          programme=sched["programme"].map(lambda p: lab.get(p, "")),
                          start=sched["start"].astype(str), end=sched["end"].astype(str))
    jadwal.insert(0, "priority", jadwal["code"].map(priority))
    jadwal = jadwal[["priority", "code", "name", "step", "activity", "programme", "classes", "start", "end", "team"]]
    jadwal = jadwal.rename(columns={c: t(f"plan.col.{c}", lang) for c in jadwal.columns})
    pencocokan = _supp(matched.merge(pd.DataFrame({"code": codes, "name": areas["name"].to_numpy()}), on="code"))
    pencocokan["programme"] = pencocokan["programme"].map(lab)
    pencocokan = pencocokan[["code", "name", "rank", "programme", "interest", "resources", "vulnerability", "match",
                             "demand", "demand_lo", "demand_hi"]].round(4)
    pencocokan = pencocokan.rename(columns={c: t(f"plan.col.{c}", lang) for c in pencocokan.columns})

    # --- layer ----------------------------------------------------------------------------
    agg = plan_df.groupby("code").agg(programmes=("programme", "size"), classes=("classes", "sum"),
                                      participants=("participants", "sum"), cost=("cost", "sum"),
                                      hidden=("participants_hidden", "any"))
    layer = areas[[c for c in ("name", "group", "geometry") if c in areas.columns]].copy()
    layer["chosen"] = [int(c in priority) for c in codes]
    layer["priority"] = pd.array([priority.get(c) for c in codes], dtype="Int64")
    layer["class"] = ctx.result["class"].reindex(codes).to_numpy()
    layer["score"] = score.to_numpy()
    for col in ("programmes", "classes", "participants", "cost"):
        layer[col] = agg[col].reindex(codes).fillna(0).to_numpy()
    # an area total that includes a hidden participant number is itself hidden (differencing)
    hidden_area = agg["hidden"].reindex(codes).fillna(False).astype(bool).to_numpy()
    layer["participants"] = pd.array([None if h else int(x) for x, h in zip(layer["participants"], hidden_area)],
                                     dtype="Int64")
    first = sched.groupby("code")["start"].min() if len(sched) else pd.Series(dtype=object)
    last = sched.groupby("code")["end"].max() if len(sched) else pd.Series(dtype=object)
    layer["start"] = [str(first[c]) if c in first.index else None for c in codes]
    layer["end"] = [str(last[c]) if c in last.index else None for c in codes]
    layer = layer.reset_index()

    # --- sensitivity / binding ------------------------------------------------------------
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

    # --- tracking store -------------------------------------------------------------------
    from ..track import TrackStore, plan_vs_actual, recovery, store_path

    pva = rec = None
    sp = store_path(ctx.study_dir)
    planned_rows = _planned_rows(plan_df, sched, cfg.area_cost)
    if sp.is_file():
        with TrackStore(sp, read_only=True) as store:
            acts, planned, snaps = store.activities(), store.planned(), store.snapshots()
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
        pva = monev_table(pva, lab, hidden_pairs, threshold, lang)
        rec = recovery_table(rec, lab, threshold, lang) if rec is not None and len(rec) else None

    figures = {"rencana.png": plan_map_png(areas, pd.Series({c: True for c in chosen_codes}, dtype=bool),
                                           pd.Series(priority), ctx.result["class"], t("plan.map_title", lang),
                                           subtitle_with_date(ctx.config.study.name, ctx.config.study.data_date, lang),
                                           lang=lang,
                                           note=t("illustrative", lang) if ctx.config.study.illustrative else "")}
    sheets = {t("plan.sheet.plan", lang): rencana, t("plan.sheet.schedule", lang): jadwal,
              t("plan.sheet.matching", lang): pencocokan}
    if pva is not None:
        sheets[t("plan.sheet.monev", lang)] = pva
    if rec is not None and len(rec):
        sheets[t("plan.sheet.recovery", lang)] = rec
    manifest = {
        "config": cfg.model_dump(mode="json"),
        "status": sol.status, "objective": sol.objective, "gap": sol.gap, "cost": sol.cost, "budget": cfg.budget,
        "areas": chosen_codes, "participants": int(sol.participants.sum()), "classes": int(sol.classes.sum()),
        "per_group_applied": per_group, "binding": binding, "solver": {"name": "HiGHS via scipy.optimize.milp", **sol.params},
        "empty_reason": reason[0] if reason else None,
        "suppression": f"participant numbers bounded by a suppressed count (demand hidden in the matching sheet) are "
                       f"shown as <{threshold} or '{t('plan.suppressed', 'en')}'; their classes are budgeted for a fixed "
                       f"number of seats (min(max_class, {threshold - 1}) for facilitators, max_class otherwise)",
        "plan_rows": planned_rows.assign(start=lambda d: d["start"].astype(str),
                                         end=lambda d: d["end"].astype(str)).to_dict("records"),
    }
    section = ReportSection(t("plan.title", lang), _section_html(ctx, cfg, sol, plan_df, sched, binding, per_group, lab,
                                                                 priority, pva, rec, more, reason, threshold),
                            figure="rencana.png")
    area_cols = pd.DataFrame({"rencana": [int(c in priority) for c in codes],
                              "prioritas_rencana": pd.array([priority.get(c) for c in codes], dtype="Int64")}, index=codes)
    public = {"rencana": (t("plan.col.in_plan", "id"), t("plan.col.in_plan", "en")),
              "prioritas_rencana": (t("plan.col.plan_priority", "id"), t("plan.col.plan_priority", "en"))}
    return PlanStageResult(name="plan", area_columns=area_cols, public_columns=public, layers={"plan": layer},
                           sheets=sheets, manifest=manifest, findings=findings, figures=figures, sections=[section],
                           solution=sol, matched=matched, schedule=sched, plan=plan_df)


STAGE = Stage(name="plan", run=run_plan, section=PlanConfig, requires=("classes", "potential"))


def published_participants(x: int, hidden: bool, threshold: int, marker: str) -> object:
    """A planned participant number as published: bounded by a suppressed count (``hidden``) it
    is ``"<t"`` when below ``t`` and ``marker`` otherwise; else the number itself."""
    if not hidden:
        return int(x)
    return f"<{threshold}" if 0 <= x < threshold else marker


def hidden_demand(df: pd.DataFrame, programmes, mask: pd.DataFrame, table: pd.DataFrame, threshold: int) -> list[bool]:
    """Per row of ``df`` (``code``, ``programme``): True when the demand may not be published —
    the area has 1..t-1 respondents, the demand is a facilitator count in 1..t-1, or it is built
    from a suppressed share (see :func:`suppress_derived`)."""
    return [flags["demand"] for flags in _hide_flags(df, programmes, mask, table, threshold)]


def _hide_flags(df: pd.DataFrame, programmes, mask: pd.DataFrame, table: pd.DataFrame, threshold: int) -> list[dict]:
    by_code = {p.code: p for p in programmes}

    def m(code: str, col: str) -> bool:
        return bool(col in mask.columns and code in mask.index and mask.at[code, col])

    out = []
    for code, prog in zip(df["code"], df["programme"]):
        p = by_code[prog]
        small = m(code, "n")
        if p.kind == "bimtek":
            m_int = m(code, "bersedia_pendamping")
        elif p.kind == "life_skill":
            m_int = m(code, "minat_pelatihan")
        else:
            m_int = m(code, f"minat_{p.interest}")
        m_res = any(m(code, f"keterampilan_{o}") for o in p.skills) or any(m(code, f"sda_{o}") for o in p.resources)
        if p.target == "facilitator":
            k = table.at[code, "facilitator_k"] if "facilitator_k" in table.columns else 0
            m_dem = bool(0 < k < threshold)
        else:
            m_dem = (m(code, "minat_pelatihan") or (p.target in ("exposed", "not_exposed") and m(code, "terpapar"))
                     or (p.kind == "entrepreneurship" and m_int))
        out.append({k: v or small for k, v in {"interest": m_int, "resources": m_res, "match": m_int or m_res,
                                               "demand": m_dem, "demand_lo": m_dem, "demand_hi": m_dem}.items()})
    return out


def suppress_derived(df: pd.DataFrame, programmes, mask: pd.DataFrame, table: pd.DataFrame, threshold: int,
                     marker: str) -> pd.DataFrame:
    """Hide published numbers computed from suppressed survey counts.

    A demand, interest, resource factor or matching score is derived from survey shares; if one of
    those shares is suppressed in the ``Potensi`` outputs (count 1..threshold-1, or an area with too
    few respondents), publishing the derived number would let a reader recover it (e.g. demand ÷
    households ÷ training share = the exposure share).  Those cells become ``marker``.  Facilitator
    demand is itself a count and is hidden when it is in 1..threshold-1.

    Parameters
    ----------
    df : DataFrame
        Rows with ``code`` and ``programme`` and any of ``interest, resources, match, demand,
        demand_lo, demand_hi``.
    mask : DataFrame
        The suppression mask of :func:`petarawan.potential.scoring.publish`.
    """
    cols = [c for c in ("interest", "resources", "match", "demand", "demand_lo", "demand_hi") if c in df.columns]
    out = df.copy().astype({c: object for c in cols})
    for i, flags in zip(out.index, _hide_flags(df, programmes, mask, table, threshold)):
        for c in cols:
            if flags[c]:
                out.at[i, c] = marker
    return out


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
                                f"baris penyimpanan monev dengan wilayah atau program di luar studi, diabaikan",
                                message_en="tracking-store row with an area or programme outside the study, ignored",
                                file=f"petarawan.sqlite:{table}", row=int(rid),
                                expected="kode wilayah studi dan kode program [[plan.programmes]]",
                                expected_en="a study area code and a [[plan.programmes]] code"))
    return df[ok_area & ok_prog]


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


def _table(head: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    out = "<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>"
    out += "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return out + "</tbody></table>"


def _df_table(df: pd.DataFrame, money: tuple[str, ...] = ()) -> str:
    rows = [[_rp(v) if c in money else ("" if v is None or (isinstance(v, float) and np.isnan(v)) else v)
             for c, v in zip(df.columns, r)] for r in df.itertuples(index=False)]
    return _table([str(c) for c in df.columns], rows)


def _section_html(ctx, cfg, sol, plan_df, sched, binding, per_group, lab, priority, pva, rec, more, reason,
                  threshold) -> str:
    lang = ctx.lang
    e = html.escape
    areas = ctx.areas
    parts = []
    pct = round(100 * sol.cost / cfg.budget) if cfg.budget else 0
    if not sol.chosen.any():
        key, kw = reason if reason else ("plan.r.empty", {"status": t(f"plan.status.{sol.status}", lang)})
        parts.append(f"<p><strong>{e(t('plan.empty', lang))}</strong> {e(t(key, lang, **kw))}</p>")
    else:
        hidden = plan_df["participants_hidden"].astype(bool)
        shown = int(plan_df.loc[~hidden, "participants"].sum())
        people = (t("plan.people", lang, n=shown) if not hidden.any()
                  else t("plan.people_hidden", lang, n=shown, k=int(hidden.sum())))
        status = t(f"plan.status.{sol.status}", lang, gap=f"{100 * sol.gap:.2g}")
        parts.append(f"<p>{e(t('plan.summary', lang, budget=_rp(cfg.budget), cost=_rp(sol.cost), pct=pct, areas=int(sol.chosen.sum()), classes=int(sol.classes.sum()), people=people, obj=f'{sol.objective:.1f}', status=status))}</p>")
        if hidden.any():
            parts.append(f"<p>{e(t('plan.hidden_note', lang, t=threshold))}</p>")
    k = f", ≤ {cfg.max_areas} " + ("wilayah" if lang == "id" else "areas") if cfg.max_areas else ""
    g = (", ≥ 1 " + ("wilayah per kecamatan" if lang == "id" else "area per district")) if per_group else ""
    parts.append(f"<p>{e(t('plan.method', lang, hh=cfg.household_size, k=k, g=g))}</p>")
    items = []
    if binding["budget"]:
        names = ", ".join(str(areas.at[c, "name"]) for c in binding["plus10_new_areas"])
        items.append(t("plan.b.budget", lang, b=_rp(cfg.budget * 1.1), d=f"{binding['plus10_objective'] - sol.objective:.1f}",
                       dp=binding["plus10_participants"] - int(sol.participants.sum()), da=len(binding["plus10_new_areas"]),
                       names=(": " + names) if names else ""))
    elif sol.chosen.any():
        items.append(t("plan.b.budget_no", lang))
    if "max_areas" in binding and sol.chosen.any():
        txt = t("plan.b.k_yes", lang, d=f"{binding['max_areas_gain']:.1f}") if binding["max_areas"] else t("plan.b.k_no", lang)
        items.append(t("plan.b.k", lang, k=cfg.max_areas, txt=txt))
    if "per_group" in binding:
        txt = t("plan.b.group_yes", lang, d=f"{binding['per_group_cost']:.1f}") if binding["per_group"] else t("plan.b.group_no", lang)
        items.append(t("plan.b.group", lang, txt=txt))
    elif cfg.per_group and binding.get("groups_with_demand"):
        items.append(t("plan.b.group_dropped", lang))
    if sol.chosen.any():
        items.append(t("plan.b.demand", lang, n=binding["pairs_at_demand"], f=binding["pairs_classes_full"]))
    if binding.get("cheapest_area_cost") is not None:
        items.append(t("plan.b.cheapest", lang, c=_rp(binding["cheapest_area_cost"])))
    parts.append(f"<h3>{e(t('plan.binding', lang))}</h3><ul>" + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul>")
    head = [t("plan.col.priority", lang), t("plan.col.name", lang), t("plan.col.class", lang), t("plan.col.score", lang),
            t("plan.col.programme", lang), t("plan.col.classes", lang), t("plan.col.participants", lang),
            t("plan.col.cost", lang), t("plan.col.start", lang), t("plan.col.end", lang)]
    span = sched.groupby(["code", "programme"]).agg(start=("start", "min"), end=("end", "max")) if len(sched) else None
    rows = []
    for r in plan_df.itertuples():
        s = span.loc[(r.code, r.programme)] if span is not None and (r.code, r.programme) in span.index else None
        people = published_participants(r.participants, r.participants_hidden, threshold, t("plan.suppressed", lang))
        rows.append([r.priority, r.name, t(f"class.{r._5}", lang), f"{r.score:.1f}", lab[r.programme], r.classes, people,
                     _rp(r.cost), "" if s is None else s["start"], "" if s is None else s["end"]])
    if rows:
        parts.append(_table(head, rows))
    if pva is not None:
        parts.append(f"<h3>{e(t('plan.vs_actual', lang))}</h3>")
        parts.append(f"<p>{e(t('plan.area_cost_note', lang, c=_rp(cfg.area_cost)))}</p>")
        parts.append(_df_table(pva, money=(t("plan.col.planned_cost", lang), t("plan.col.spent", lang))))
    if rec is not None and len(rec):
        parts.append(f"<h3>{e(t('plan.recovery', lang))}</h3>")
        parts.append(_df_table(rec))
    return "\n".join(parts)
