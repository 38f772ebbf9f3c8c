"""Post-index stage ``plan``: matching, target groups, the budgeted MILP plan, the schedule,
and — when the study has a tracking store — plan vs actual and keterpulihan."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import normalise_code
from ..errors import ConfigError, Finding, InputError
from ..i18n import register, t
from ..io.readers import parse_number, read_table, resolve
from ..potential.figures import plan_map_png
from ..report.mapkit import subtitle_with_date
from ..stages import ReportSection, StageResult, StudyContext
from .config import ACTIVITIES, PlanConfig
from .matching import match
from .optimise import PlanSolution, solve_plan
from .schedule import schedule

register({
    "plan.title": {"id": "Rencana intervensi", "en": "Intervention plan"},
    "plan.map_title": {"id": "Wilayah dalam rencana (nomor = urutan prioritas)", "en": "Areas in the plan (number = priority)"},
    "plan.needs_potential": {"id": "tahap [plan] memerlukan bagian [potential] (survei potensi masyarakat)",
                             "en": "the [plan] stage needs a [potential] section (community-potential survey)"},
    "plan.summary": {
        "id": "Anggaran Rp {budget}; terpakai Rp {cost} ({pct} %). {areas} wilayah, {classes} kelas, {people} peserta "
              "(jangkauan tertimbang kerawanan {obj}). Status solver: {status}.",
        "en": "Budget Rp {budget}; used Rp {cost} ({pct} %). {areas} areas, {classes} classes, {people} participants "
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
    "plan.group_infeasible": {"id": "aturan minimal satu wilayah per kecamatan tidak dapat dipenuhi dengan anggaran ini; rencana dibuat tanpa aturan itu",
                              "en": "at least one area per district cannot be met within the budget; plan made without that rule"},
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
    """Population by area code from the ``[data]`` table's ``column``.

    Raises
    ------
    InputError
        Column missing or a value that is not a number.
    """
    d = ctx.config.data
    p = resolve(ctx.study_dir, d.file, "indicator table")
    df = read_table(p, sheet=d.sheet, label=d.file)
    if column not in df.columns:
        raise InputError(Finding("error", "missing_column", "kolom penduduk tidak ada",
                                 message_en="population column missing", file=d.file, column=column,
                                 expected=f"plan.population_column berisi nama kolom di {d.file}: {list(df.columns)}",
                                 expected_en=f"plan.population_column names a column of {d.file}: {list(df.columns)}"))
    year_col = next((c for c in df.columns if c.lower() in ("year", "tahun")), None)
    if year_col is not None:
        years = df[year_col].map(lambda v: parse_number(v) if v is not None else np.nan)
        df = df[years == (d.year if d.year is not None else years.max())]
    out, bad = {}, []
    for row, code, v in zip(df.index, df[d.code_column], df[column]):
        c = normalise_code(code)
        try:
            x = parse_number(v)
        except ValueError:
            bad.append(Finding("error", "not_numeric", "penduduk bukan angka", message_en="population is not a number",
                               file=d.file, row=int(row), column=column, value=v, expected="angka ≥ 0",
                               expected_en="a number ≥ 0"))
            continue
        if c is not None:
            out[c] = x
    if bad:
        raise InputError(bad)
    return pd.Series(out, dtype=float)


def run_plan(ctx: StudyContext) -> StageResult:
    """Run the plan stage (post-index).  Needs the ``potential`` stage's payload.

    Raises
    ------
    ConfigError
        No ``[potential]`` section.
    InputError
        Population column missing or not numeric.
    """
    cfg: PlanConfig = ctx.config.plan
    lang = ctx.lang
    pot = ctx.stage_results.get("potential")
    if pot is None or pot.payload is None:
        raise ConfigError(t("plan.needs_potential", lang))
    res = pot.payload["result"]
    pcfg = pot.payload["config"]
    threshold = pcfg.suppress_below
    areas = ctx.areas
    codes = list(areas.index)
    population = read_population(ctx, cfg.population_column)
    findings: list[Finding] = []
    for c in codes:
        if c not in population.index or not np.isfinite(population.get(c, np.nan)):
            findings.append(Finding("warning", "plan_no_population",
                                    "wilayah tanpa jumlah penduduk; tidak ada sasaran dihitung",
                                    message_en="area without population; no target group computed",
                                    file=ctx.config.data.file, column=cfg.population_column, value=c))
    score = ctx.result["score"].reindex(codes)
    matched = match(res, score, population, cfg)
    progs = cfg.programmes
    J = len(progs)
    D = np.zeros((len(codes), J))
    pos = {c: i for i, c in enumerate(codes)}
    pj = {p.code: j for j, p in enumerate(progs)}
    for r in matched.itertuples():
        D[pos[r.code], pj[r.programme]] = r.demand_used
    v = (score.to_numpy(dtype=float) / 100).clip(0, 1)
    groups = list(areas["group"]) if "group" in areas.columns else None
    eligible = np.nan_to_num(score.to_numpy(dtype=float), nan=-1) >= cfg.min_class_score

    def solve(budget: float, k: int | None, per_group: bool) -> PlanSolution:
        return solve_plan(D, v, progs, budget, groups=groups, max_areas=k, per_group=per_group, area_cost=cfg.area_cost,
                          eligible=eligible, time_limit=cfg.time_limit, mip_rel_gap=cfg.mip_rel_gap)

    per_group = cfg.per_group and groups is not None
    sol = solve(cfg.budget, cfg.max_areas, per_group)
    if sol.status == "infeasible" and per_group:
        findings.append(Finding("warning", "plan_group_infeasible", t("plan.group_infeasible", lang)))
        per_group = False
        sol = solve(cfg.budget, cfg.max_areas, False)
    if sol.status in ("infeasible", "error"):
        findings.append(Finding("warning", "plan_infeasible", t("plan.infeasible", lang), value=sol.message))
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
            plan_rows.append({"priority": priority[c], "code": c, "name": areas.at[c, "name"],
                              "group": areas.at[c, "group"] if "group" in areas.columns else None,
                              "class": ctx.result.at[c, "class"], "score": round(float(score[c]), 1),
                              "programme": p.code, "kind": p.kind, "target": p.target, "classes": n, "participants": x,
                              "cost": p.cost_per_participant * x + p.cost_per_class * n,
                              "demand": m["demand"], "demand_lo": m["demand_lo"], "demand_hi": m["demand_hi"],
                              "match": round(float(m["match"]), 4), "rank": int(m["rank"])})
    plan_df = pd.DataFrame(plan_rows, columns=["priority", "code", "name", "group", "class", "score", "programme", "kind",
                                               "target", "classes", "participants", "cost", "demand", "demand_lo",
                                               "demand_hi", "match", "rank"])
    pot_mask = pot.payload["mask"]

    def _supp(df: pd.DataFrame) -> pd.DataFrame:
        return suppress_derived(df, progs, pot_mask, res.table, threshold, t("plan.suppressed", lang))

    lab = {p.code: p.label(lang) for p in progs}
    rencana = _supp(plan_df)
    rencana["programme"] = rencana["programme"].map(lab)
    rencana["target"] = rencana["target"].map(lambda x: t(f"plan.target.{x}", lang))
    rencana = rencana.drop(columns=["kind"]).rename(columns={c: t(f"plan.col.{c}", lang) for c in rencana.columns})
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
    pencocokan = pencocokan.rename(columns={"vulnerability": "score" if lang == "en" else "kerawanan"}).rename(
        columns={c: t(f"plan.col.{c}", lang) for c in pencocokan.columns if t(f"plan.col.{c}", lang) != f"plan.col.{c}"})

    # --- layer ----------------------------------------------------------------------------
    agg = plan_df.groupby("code").agg(programmes=("programme", "size"), classes=("classes", "sum"),
                                      participants=("participants", "sum"), cost=("cost", "sum"))
    layer = areas[[c for c in ("name", "group", "geometry") if c in areas.columns]].copy()
    layer["chosen"] = [int(c in priority) for c in codes]
    layer["priority"] = pd.array([priority.get(c) for c in codes], dtype="Int64")
    layer["class"] = ctx.result["class"].reindex(codes).to_numpy()
    layer["score"] = score.to_numpy()
    for col in ("programmes", "classes", "participants", "cost"):
        layer[col] = agg[col].reindex(codes).fillna(0).to_numpy()
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

    # --- tracking store -------------------------------------------------------------------
    from ..track import TrackStore, plan_vs_actual, recovery, store_path

    pva = rec = None
    sp = store_path(ctx.study_dir)
    if sp.is_file():
        with TrackStore(sp, read_only=True) as store:
            acts, planned, snaps = store.activities(), store.planned(), store.snapshots()
        if planned.empty:
            planned = _planned_rows(plan_df, sched)
        pva = plan_vs_actual(planned, acts)
        year = ctx.config.data.year or _year_of(ctx.config.study.data_date)
        rec = recovery(snaps, acts, ctx.result[["score", "class"]], year) if year else recovery(snaps, acts)

    figures = {"rencana.png": plan_map_png(areas, pd.Series({c: True for c in chosen_codes}, dtype=bool),
                                           pd.Series(priority), ctx.result["class"], t("plan.map_title", lang),
                                           subtitle_with_date(ctx.config.study.name, ctx.config.study.data_date, lang),
                                           lang=lang,
                                           note=t("illustrative", lang) if ctx.config.study.illustrative else "")}
    sheets = {"Rencana": rencana, "Jadwal": jadwal, "Pencocokan": pencocokan}
    if pva is not None:
        sheets["Monev"] = pva
    if rec is not None and len(rec):
        sheets["Keterpulihan"] = rec
    manifest = {
        "config": cfg.model_dump(mode="json"),
        "status": sol.status, "objective": sol.objective, "gap": sol.gap, "cost": sol.cost, "budget": cfg.budget,
        "areas": chosen_codes, "participants": int(sol.participants.sum()), "classes": int(sol.classes.sum()),
        "per_group_applied": per_group, "binding": binding, "solver": {"name": "HiGHS via scipy.optimize.milp", **sol.params},
        "plan_rows": _planned_rows(plan_df, sched).assign(start=lambda d: d["start"].astype(str),
                                                          end=lambda d: d["end"].astype(str)).to_dict("records"),
    }
    section = ReportSection(t("plan.title", lang), _section_html(ctx, cfg, sol, plan_df, sched, binding, per_group, lab,
                                                                 priority, pva, rec, more), figure="rencana.png")
    area_cols = pd.DataFrame({"rencana": [int(c in priority) for c in codes],
                              "prioritas_rencana": pd.array([priority.get(c) for c in codes], dtype="Int64")}, index=codes)
    return StageResult(name="plan", area_columns=area_cols, layers={"plan": layer}, sheets=sheets, manifest=manifest,
                       findings=findings, figures=figures, sections=[section],
                       payload={"solution": sol, "matched": matched, "schedule": sched, "plan": plan_df})


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
    by_code = {p.code: p for p in programmes}
    cols = [c for c in ("interest", "resources", "match", "demand", "demand_lo", "demand_hi") if c in df.columns]
    out = df.copy().astype({c: object for c in cols})

    def m(code: str, col: str) -> bool:
        return bool(col in mask.columns and code in mask.index and mask.at[code, col])

    for i, r in out.iterrows():
        p = by_code[r["programme"]]
        code = r["code"]
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
            m_dem = 0 < k < threshold
        else:
            m_dem = (m(code, "minat_pelatihan") or (p.target in ("exposed", "not_exposed") and m(code, "terpapar"))
                     or (p.kind == "entrepreneurship" and m_int))
        hide = {"interest": m_int, "resources": m_res, "match": m_int or m_res, "demand": m_dem, "demand_lo": m_dem,
                "demand_hi": m_dem}
        for c in cols:
            if small or hide[c]:
                out.at[i, c] = marker
    return out


def _year_of(text: str) -> int | None:
    import re

    m = re.search(r"(19|20)\d{2}", text or "")
    return int(m.group(0)) if m else None


def _planned_rows(plan_df: pd.DataFrame, sched: pd.DataFrame) -> pd.DataFrame:
    """Plan rows in the tracking store's shape: one per scheduled activity."""
    rows = []
    pr = plan_df.set_index(["code", "programme"]) if len(plan_df) else None
    for r in sched.itertuples():
        parts = cost = 0
        if r.programme and pr is not None and (r.code, r.programme) in pr.index:
            parts = int(pr.loc[(r.code, r.programme), "participants"])
            cost = float(pr.loc[(r.code, r.programme), "cost"])
        rows.append({"area": r.code, "activity": r.activity, "programme": r.programme or None, "classes": int(r.classes),
                     "participants": parts, "cost": cost, "start": r.start, "end": r.end})
    return pd.DataFrame(rows, columns=["area", "activity", "programme", "classes", "participants", "cost", "start", "end"])


def _table(head: list[str], rows: list[list[str]]) -> str:
    e = html.escape
    out = "<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>"
    out += "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return out + "</tbody></table>"


def _section_html(ctx, cfg, sol, plan_df, sched, binding, per_group, lab, priority, pva, rec, more) -> str:
    lang = ctx.lang
    e = html.escape
    areas = ctx.areas
    parts = []
    pct = round(100 * sol.cost / cfg.budget) if cfg.budget else 0
    parts.append(f"<p>{e(t('plan.summary', lang, budget=_rp(cfg.budget), cost=_rp(sol.cost), pct=pct, areas=int(sol.chosen.sum()), classes=int(sol.classes.sum()), people=int(sol.participants.sum()), obj=f'{sol.objective:.1f}', status=sol.status))}</p>")
    k = f", ≤ {cfg.max_areas} " + ("wilayah" if lang == "id" else "areas") if cfg.max_areas else ""
    g = (", ≥ 1 " + ("wilayah per kecamatan" if lang == "id" else "area per district")) if per_group else ""
    parts.append(f"<p>{e(t('plan.method', lang, hh=cfg.household_size, k=k, g=g))}</p>")
    items = []
    if binding["budget"]:
        names = ", ".join(str(areas.at[c, "name"]) for c in binding["plus10_new_areas"])
        items.append(t("plan.b.budget", lang, b=_rp(cfg.budget * 1.1), d=f"{binding['plus10_objective'] - sol.objective:.1f}",
                       dp=binding["plus10_participants"] - int(sol.participants.sum()), da=len(binding["plus10_new_areas"]),
                       names=(": " + names) if names else ""))
    else:
        items.append(t("plan.b.budget_no", lang))
    if "max_areas" in binding:
        txt = t("plan.b.k_yes", lang, d=f"{binding['max_areas_gain']:.1f}") if binding["max_areas"] else t("plan.b.k_no", lang)
        items.append(t("plan.b.k", lang, k=cfg.max_areas, txt=txt))
    if "per_group" in binding:
        txt = t("plan.b.group_yes", lang, d=f"{binding['per_group_cost']:.1f}") if binding["per_group"] else t("plan.b.group_no", lang)
        items.append(t("plan.b.group", lang, txt=txt))
    items.append(t("plan.b.demand", lang, n=binding["pairs_at_demand"], f=binding["pairs_classes_full"]))
    parts.append(f"<h3>{e(t('plan.binding', lang))}</h3><ul>" + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul>")
    head = [t("plan.col.priority", lang), t("plan.col.name", lang), t("plan.col.class", lang), t("plan.col.score", lang),
            t("plan.col.programme", lang), t("plan.col.classes", lang), t("plan.col.participants", lang),
            t("plan.col.cost", lang), t("plan.col.start", lang), t("plan.col.end", lang)]
    span = sched.groupby(["code", "programme"]).agg(start=("start", "min"), end=("end", "max")) if len(sched) else None
    rows = []
    for r in plan_df.itertuples():
        s = span.loc[(r.code, r.programme)] if span is not None and (r.code, r.programme) in span.index else None
        rows.append([r.priority, r.name, r._5, f"{r.score:.1f}", lab[r.programme], r.classes, r.participants, _rp(r.cost),
                     "" if s is None else s["start"], "" if s is None else s["end"]])
    parts.append(_table(head, rows))
    if pva is not None:
        parts.append(f"<h3>{e(t('plan.vs_actual', lang))}</h3>")
        parts.append(_table(["area", "activity", "programme", "planned", "actual", "planned Rp", "spent Rp"],
                            [[r.area, t(f"act.{r.activity}", lang), lab.get(r.programme, r.programme), int(r.planned_participants),
                              int(r.actual_participants), _rp(r.planned_cost), _rp(r.actual_spend)] for r in pva.itertuples()]))
    if rec is not None and len(rec):
        parts.append(f"<h3>{e(t('plan.recovery', lang))}</h3>")
        parts.append(_table(["area", "year", "score", "class", "year", "score", "class", "Δ", "", "programmes"],
                            [[r.area, r.year_from, f"{r.score_from:.1f}", r.class_from, r.year_to, f"{r.score_to:.1f}", r.class_to,
                              f"{r.change:+.1f}", r.class_change, r.programmes] for r in rec.itertuples()]))
    return "\n".join(parts)
