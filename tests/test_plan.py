"""Programme matching, the MILP plan (against brute force), the schedule, and the example's plan."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from petarawan.plan.config import PlanConfig, Programme, ScheduleSpec
from petarawan.plan.matching import match
from petarawan.plan.optimise import solve_plan
from petarawan.plan.schedule import schedule
from petarawan.potential.scoring import PotentialResult, Shares

from potential_study import full_run


def _prog(code, kind="life_skill", **kw):
    base = dict(code=code, kind=kind, label_id=code, cost_per_participant=1.0, min_class=2, max_class=3,
                max_classes_per_area=2, target="facilitator" if kind == "bimtek" else "all")
    if kind == "entrepreneurship":
        base["interest"] = "kuliner"
    base.update(kw)
    return Programme(**base)


def brute_force(D, v, progs, budget, groups=None, max_areas=None, per_group=False, area_cost=0.0):
    """Enumerate every (classes, participants) per area–programme pair; return the best objective."""
    A, J = D.shape
    states = []
    for a in range(A):
        for j, p in enumerate(progs):
            U = min(p.max_classes_per_area, int(D[a, j]) // p.min_class)
            opts = [(0, 0)]
            for n in range(1, U + 1):
                opts += [(n, x) for x in range(p.min_class * n, min(p.max_class * n, int(D[a, j])) + 1)]
            states.append(opts)
    code = {p.code: j for j, p in enumerate(progs)}
    best = 0.0
    for combo in itertools.product(*states):
        n = np.array([s[0] for s in combo]).reshape(A, J)
        x = np.array([s[1] for s in combo]).reshape(A, J)
        ok = True
        for a in range(A):
            for j, p in enumerate(progs):
                if n[a, j] and any(n[a, code[r]] == 0 for r in p.requires):
                    ok = False
        if not ok:
            continue
        y = n.sum(axis=1) > 0
        if max_areas is not None and y.sum() > max_areas:
            continue
        if per_group and any(not y[[a for a in range(A) if groups[a] == g]].any() for g in set(groups)):
            continue
        cost = sum(p.cost_per_participant * x[a, j] + p.cost_per_class * n[a, j] for a in range(A) for j, p in enumerate(progs))
        if cost + area_cost * y.sum() > budget + 1e-9:
            continue
        obj = sum(v[a] * p.weight * x[a, j] for a in range(A) for j, p in enumerate(progs))
        best = max(best, obj)
    return best


CASES = [
    # (seed, budget, max_areas, per_group, area_cost); with seed 4 each constraint binds: the optimum
    # is below the one without it (checked by brute force: budget 14 < unlimited, K = 1 < no K,
    # one area per kecamatan < no such rule)
    (4, 14.0, None, False, 0.0),
    (4, 30.0, 1, False, 1.5),
    (4, 16.0, 2, True, 1.0),
]


@pytest.mark.parametrize("seed,budget,max_areas,per_group,area_cost", CASES, ids=["budget", "k-areas", "per-group"])
def test_milp_optimum_equals_brute_force(seed, budget, max_areas, per_group, area_cost):
    rng = np.random.default_rng(seed)
    progs = [_prog("bimtek", "bimtek", cost_per_participant=1.0, cost_per_class=1.0, min_class=1, max_class=2,
                   max_classes_per_area=1),
             _prog("kwu", "entrepreneurship", cost_per_participant=2.0, cost_per_class=0.5, weight=2.0,
                   requires=["bimtek"], max_classes_per_area=1),
             _prog("ls", cost_per_participant=1.0, min_class=2, max_class=3, max_classes_per_area=2)]
    D = rng.integers(0, 7, size=(3, 3)).astype(float)
    D[:, 0] = rng.integers(0, 3, size=3)
    v = np.round(rng.uniform(0.2, 1.0, size=3), 2)
    groups = ["g1", "g1", "g2"]
    sol = solve_plan(D, v, progs, budget, groups=groups, max_areas=max_areas, per_group=per_group, area_cost=area_cost,
                     mip_rel_gap=0.0)
    expected = brute_force(D, v, progs, budget, groups, max_areas, per_group, area_cost)
    relaxed = brute_force(D, v, progs, 1e9 if max_areas is None and not per_group else budget, groups, None, False, area_cost)
    assert 0 < expected < relaxed          # the constraint under test binds
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(expected, abs=1e-9)
    # the solution itself respects every constraint
    assert sol.cost <= budget + 1e-9
    if max_areas:
        assert sol.chosen.sum() <= max_areas
    mins = np.array([p.min_class for p in progs])
    maxs = np.array([p.max_class for p in progs])
    assert (sol.participants >= sol.classes * mins).all() and (sol.participants <= sol.classes * maxs).all()
    assert (sol.participants <= D).all()
    assert ((sol.classes[:, 1] == 0) | (sol.classes[:, 0] > 0)).all()     # kwu only after bimtek


def test_milp_hand_instance():
    # one area, v = 0.5; life skill: cost 10/participant + 20/class, classes of 5..10, demand 12
    # budget 150: 1 class of 10 costs 120; 2 classes (5 + 5..7) cost 40 + 10x ≤ 150 -> x ≤ 11 -> 11 people
    # objective 0.5 · 11 = 5.5 (one class: 0.5 · 10 = 5.0)
    p = _prog("ls", cost_per_participant=10.0, cost_per_class=20.0, min_class=5, max_class=10, max_classes_per_area=3)
    sol = solve_plan(np.array([[12.0]]), np.array([0.5]), [p], 150.0, mip_rel_gap=0.0)
    assert (sol.classes[0, 0], sol.participants[0, 0], sol.cost) == (2, 11, 150.0)
    assert sol.objective == pytest.approx(5.5)
    # demand below the minimum class size: nothing can be planned
    sol = solve_plan(np.array([[4.0]]), np.array([0.5]), [p], 150.0)
    assert sol.objective == 0 and not sol.chosen.any()


def _potential() -> PotentialResult:
    idx = pd.Index(["A", "B"], name="code")
    table = pd.DataFrame({"n": [10, 20], "exposed_share": [0.2, 0.05], "exposed_lo": [0.1, 0.01], "exposed_hi": [0.4, 0.2],
                          "training_share": [0.5, 0.8], "training_lo": [0.3, 0.6], "training_hi": [0.7, 0.9],
                          "facilitator_share": [0.3, 0.1], "facilitator_lo": [0.1, 0.03],
                          "facilitator_hi": [0.6, 0.3], "facilitator_k": [3, 2]}, index=idx)
    interest = Shares(pd.DataFrame({"kuliner": [4, 2]}, index=idx), pd.Series([10, 20], index=idx))
    skills = Shares(pd.DataFrame({"memasak": [6, 0]}, index=idx), pd.Series([10, 20], index=idx))
    return PotentialResult(table, {"interest": interest, "skills": skills}, [], 0.90, [])


def _plan_cfg(**kw) -> PlanConfig:
    progs = [dict(code="ls_exposed", kind="life_skill", label_id="x", target="exposed", cost_per_participant=1,
                  min_class=1, max_class=10),
             dict(code="kwu_kuliner", kind="entrepreneurship", label_id="y", interest="kuliner", skills=["memasak"],
                  cost_per_participant=1, min_class=1, max_class=10),
             dict(code="bimtek", kind="bimtek", label_id="z", target="facilitator", cost_per_participant=1, min_class=1,
                  max_class=10)]
    base = dict(budget=100, population_column="pop", household_size=4.0, programmes=progs,
                schedule={"start": "2026-04-06"})
    base.update(kw)
    return PlanConfig(**base)


def test_matching_and_target_groups_by_hand():
    m = match(_potential(), pd.Series({"A": 80.0, "B": 40.0}), pd.Series({"A": 4000.0, "B": 8000.0}), _plan_cfg())
    m = m.set_index(["code", "programme"])
    # A: households 4000/4 = 1000; exposed 0.2 -> 200 households; training 0.5 -> demand 100
    #    bounds: 1000·0.1·0.3 = 30, 1000·0.4·0.7 = 280
    r = m.loc[("A", "ls_exposed")]
    assert (r["target"], r["demand"], r["demand_lo"], r["demand_hi"]) == (200, 100, 30, 280)
    # match = interest (training 0.5) × resources 1 (none listed) × vulnerability 0.8 = 0.4
    assert r["match"] == pytest.approx(0.4)
    # A kuliner: all 1000 households × training 0.5 × interest 0.4 = 200;
    #   resources = (1 + 0.6 memasak)/2 = 0.8 -> match 0.4 · 0.8 · 0.8 = 0.256
    r = m.loc[("A", "kwu_kuliner")]
    assert r["demand"] == 200 and r["resources"] == pytest.approx(0.8) and r["match"] == pytest.approx(0.256)
    # bimtek: the survey's willing facilitators (3), match = 0.3 · 1 · 0.8 = 0.24
    r = m.loc[("A", "bimtek")]
    assert r["demand"] == 3 and r["match"] == pytest.approx(0.24)
    # ranks within A: ls_exposed 0.4 > kwu 0.256 > bimtek 0.24
    assert [m.loc[("A", p), "rank"] for p in ("ls_exposed", "kwu_kuliner", "bimtek")] == [1, 2, 3]
    # B: 2000 households, exposed 0.05 -> 100; training 0.8 -> demand 80
    assert m.loc[("B", "ls_exposed"), "demand"] == 80
    # cautious demand uses the lower bound
    m2 = match(_potential(), pd.Series({"A": 80.0, "B": 40.0}), pd.Series({"A": 4000.0, "B": 8000.0}),
               _plan_cfg(demand="lower")).set_index(["code", "programme"])
    assert m2.loc[("A", "ls_exposed"), "demand_used"] == 30


def test_schedule_follows_bnn_order_on_working_days():
    progs = [_prog("kwu", "entrepreneurship", duration_days=5, requires=["bim"]), _prog("bim", "bimtek", duration_days=3),
             _prog("ls", duration_days=2)]
    spec = ScheduleSpec(start=date(2026, 4, 3), teams=1, pemetaan_days=5, rapat_kerja_days=1, gap_days=2,
                        monev_after_days=10, monev_days=2, holidays=[date(2026, 4, 14)])
    s = schedule(["A", "B"], {"A": {"kwu": 2, "bim": 1, "ls": 1}, "B": {"ls": 1}}, progs, spec)
    a = s[s["code"] == "A"]
    assert list(a["activity"]) == ["pemetaan", "rapat_kerja", "bimtek", "life_skill", "entrepreneurship", "monev"]
    assert list(a["step"]) == [1, 2, 3, 4, 5, 6]
    # 2026-04-03 is a Friday: pemetaan Fri 3 – Thu 9 (5 working days); 2 gap days (Fri 10, Mon 13);
    # Tue 14 is a holiday -> rapat kerja Wed 15; gap Thu 16, Fri 17 -> bimtek Mon 20 – Wed 22 (3 days)
    assert (a.iloc[0]["start"], a.iloc[0]["end"]) == (date(2026, 4, 3), date(2026, 4, 9))
    assert (a.iloc[1]["start"], a.iloc[1]["end"]) == (date(2026, 4, 15), date(2026, 4, 15))
    assert (a.iloc[2]["start"], a.iloc[2]["end"]) == (date(2026, 4, 20), date(2026, 4, 22))
    # two entrepreneurship classes of 5 days run back to back: 10 working days
    kwu = a.iloc[4]
    assert np.busday_count(kwu["start"], kwu["end"], holidays=["2026-04-14"]) + 1 == 10
    for prev, nxt in zip(a.iloc[:-1].itertuples(), a.iloc[1:].itertuples()):
        assert nxt.start > prev.end
    for d in s["start"].tolist() + s["end"].tolist():
        assert d.weekday() < 5 and d != date(2026, 4, 14)
    # one team: B starts after A's last training
    b = s[s["code"] == "B"]
    assert b.iloc[0]["start"] > kwu["end"]


def test_plan_config_errors():
    with pytest.raises(ValidationError, match="requires unknown"):
        _plan_cfg(programmes=[dict(code="a", kind="life_skill", label_id="a", cost_per_participant=1, min_class=1,
                                   max_class=2, requires=["zz"])])
    with pytest.raises(ValidationError, match="max_class"):
        Programme(code="a", kind="life_skill", label_id="a", cost_per_participant=1, min_class=5, max_class=2)
    with pytest.raises(ValidationError, match="needs interest"):
        Programme(code="a", kind="entrepreneurship", label_id="a", cost_per_participant=1, min_class=1, max_class=2)
    with pytest.raises(ValidationError, match="extra"):
        _plan_cfg(budgett=5)


def test_example_plan_respects_every_constraint():
    study, out, res = full_run()
    cfg = res.study.config.plan
    st = res.stages["plan"]
    sol = st.solution
    plan = st.plan
    assert sol.status == "optimal"
    assert 0 < sol.cost <= cfg.budget
    assert plan["code"].nunique() == sol.chosen.sum() <= cfg.max_areas
    # cost recomputed from the plan rows and the area cost
    assert plan["cost"].sum() + cfg.area_cost * sol.chosen.sum() == pytest.approx(sol.cost)
    progs = {p.code: p for p in cfg.programmes}
    for r in plan.itertuples():
        p = progs[r.programme]
        assert p.min_class * r.classes <= r.participants <= p.max_class * r.classes
        assert r.classes <= p.max_classes_per_area
        assert r.participants <= r.demand
        for req in p.requires:
            assert ((plan["code"] == r.code) & (plan["programme"] == req)).any()
    # each row carries its area's BNN class and score from the index (not the plan's own numbers)
    assert list(plan["class"]) == list(res.result.loc[plan["code"], "class"])
    assert list(plan["score"]) == [round(float(v), 1) for v in res.result.loc[plan["code"], "score"]]
    # at least one area per kecamatan
    groups = res.study.areas["group"]
    assert set(groups[plan["code"].unique()]) == set(groups)
    # the schedule has every chosen area in BNN order
    sched = st.schedule
    for code, g in sched.groupby("code"):
        assert g["step"].is_monotonic_increasing and g["step"].iloc[0] == 1 and g["step"].iloc[-1] == 6
    b = st.manifest["binding"]
    assert b["plus10_objective"] >= st.manifest["objective"] - 1e-9
    assert b["plus10_cost"] <= cfg.budget * 1.1 + 1e-6
    sheets = pd.read_excel(out / "petarawan.xlsx", sheet_name=None)
    assert {"Rencana", "Jadwal", "Pencocokan"} <= set(sheets)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Rencana intervensi" in html and "Kendala yang mengikat" in html


def test_published_matching_hides_numbers_derived_from_suppressed_counts():
    """Demand for affected households = households × exposure share × training share; where the
    exposure share is suppressed, publishing that demand would reveal it.  The published rule
    (:func:`suppress_derived`) hides exactly those cells; the workbook, an analysts' file (issue 12
    item 3), carries the real demand everywhere."""
    from petarawan.plan.suppression import suppress_derived

    study, out, res = full_run()
    pot = res.stages["potential"]
    mask = pot.mask
    matched = res.stages["plan"].matched
    progs = res.study.config.plan.programmes
    published = suppress_derived(matched, progs, mask, pot.scores.table, 5, "disembunyikan")
    label = next(p for p in progs if p.target == "exposed")
    rows = published[published["programme"] == label.code].set_index("code")
    hidden = mask["terpapar"] | mask["minat_pelatihan"] | mask["n"]
    assert hidden.any() and (~hidden).any()
    for code in rows.index:
        shown = rows.at[code, "demand"] != "disembunyikan"
        assert shown == (not hidden[code]), code
    kul = published[published["programme"] == "kwu_kuliner"].set_index("code")["interest"]
    for code, v in kul.items():
        assert (v == "disembunyikan") == bool(mask.at[code, "minat_kuliner"]), code
    assert len(matched) == 42 * len(progs)
    # the workbook: the real numbers, never the marker
    sheet = pd.read_excel(out / "petarawan.xlsx", sheet_name="Pencocokan")
    assert not (sheet.astype(str) == "disembunyikan").any().any()
    real = matched[matched["programme"] == label.code].set_index("code")["demand"]
    got = sheet[sheet["Program"] == label.label_id].set_index("Kode")["Perkiraan peminat"]
    assert np.allclose(got.reindex(real.index).astype(float), real.round(4).astype(float), equal_nan=True)


# ---- defects found by a fresh user (issue 5 follow-up) -----------------------------------------

def test_circular_requires_names_the_cycle():
    progs = [dict(code=c, kind="life_skill", label_id=c, cost_per_participant=1, min_class=1, max_class=2, requires=r)
             for c, r in (("a", ["b"]), ("b", ["c"]), ("c", ["a"]), ("d", []))]
    with pytest.raises(ValidationError, match="circular requires.*a → b → c → a"):
        _plan_cfg(programmes=progs)


def test_programme_choices_must_be_choices_of_the_form():
    from petarawan.errors import InputError
    from petarawan.plan.config import check_programme_choices
    from petarawan.potential.config import QuestionMap
    from petarawan.io.survey import read_form

    from potential_study import ROOT

    form = read_form(ROOT / "forms" / "potensi_masyarakat.xlsx")
    progs = [Programme(code="kwu_x", kind="entrepreneurship", label_id="x", interest="kulinerr", skills=["memasak", "masak"],
                       resources=["tempat_usaha"], cost_per_participant=1, min_class=1, max_class=2)]
    with pytest.raises(InputError) as e:
        check_programme_choices(progs, form, QuestionMap())
    f = {x.column: x for x in e.value.findings}
    assert set(f) == {"plan.programmes[0].interest", "plan.programmes[0].skills"}
    assert "'kwu_x'" in f["plan.programmes[0].interest"].text("en") and "'kuliner'" in f["plan.programmes[0].interest"].text("en")
    assert "'kuliner'" in f["plan.programmes[0].interest"].expectation("en")      # every valid choice listed
    assert f["plan.programmes[0].skills"].value == "masak"
    check_programme_choices([_prog("k", "entrepreneurship")], form, QuestionMap())   # kuliner is a choice: no error


def test_cheapest_area_cost_by_hand():
    from petarawan.plan.optimise import cheapest_area_cost

    progs = [_prog("bim", "bimtek", cost_per_participant=2.0, cost_per_class=5.0, min_class=3, max_class=6),
             _prog("kwu", "entrepreneurship", cost_per_participant=1.0, cost_per_class=4.0, min_class=2, max_class=5,
                   requires=["bim"])]
    D = np.array([[3.0, 10.0],     # area 0: bim 5 + 2·3 = 11; kwu 4 + 1·2 + bim 11 = 17 -> 11 (+ area cost 100)
                  [2.0, 10.0],     # area 1: bim infeasible (2 < 3) so kwu (needs bim) infeasible -> inf
                  [0.0, 0.0]])
    c = cheapest_area_cost(D, progs, 100.0)
    assert c[0] == 111.0 and np.isinf(c[1]) and np.isinf(c[2])
    # a bimtek class budgeted for 4 seats (suppressed count): 5 + 2·4 = 13
    seats = np.array([[4, 0], [0, 0], [0, 0]])
    assert cheapest_area_cost(D, progs, 100.0, seats=seats)[0] == 113.0
    # solve_plan charges the seated class its fixed cost, whatever the participants: x = 3, cost 13 + 100
    sol = solve_plan(D[:1, :1], np.array([1.0]), progs[:1], 1000.0, area_cost=100.0, seats=seats[:1, :1])
    assert (sol.participants[0, 0], sol.cost) == (3, 113.0)


def test_plan_hides_participants_bounded_by_a_suppressed_count():
    """Pasir Putih's facilitator candidates are '<5' in Potensi; the bimtek class there must not
    publish its participants (≤ candidates) nor a cost from which they follow."""
    study, out, res = full_run()
    st = res.stages["plan"]
    pot = res.stages["potential"].scores.table
    plan = st.plan
    threshold = 5
    rows = plan[(plan["kind"] == "bimtek") & plan["participants_hidden"]]
    assert len(rows) >= 1
    for r in rows.itertuples():
        k = pot.at[r.code, "facilitator_k"]
        assert 0 < k < threshold and r.participants <= k
        # budgeted for min(max_class 25, t - 1 = 4) seats: 3 000 000 + 1 500 000 · 4 = 9 000 000, whatever x is
        assert r.cost == 9_000_000
    # the workbook is the analysts' file (issue 12 item 3): the real numbers, and which ones the
    # published outputs hide; no "disembunyikan" in place of a number
    sheet = pd.read_excel(out / "petarawan.xlsx", sheet_name="Rencana")
    pasir = sheet[(sheet["Kelurahan/desa"] == "Pasir Putih") & (sheet["Program"] == "Bimtek pendamping (agen pemulihan)")]
    r0 = rows[rows["name"] == "Pasir Putih"].iloc[0]
    assert list(pasir["Peserta"]) == [r0["participants"]] and list(pasir["Biaya (Rp)"]) == [9_000_000]
    assert list(pasir["Disembunyikan di keluaran publik"]) == ["ya (jumlah kecil dari survei)"]
    assert list(pasir["Kursi dianggarkan"]) == [4 * r0["classes"]]  # budgeted at min(25, t − 1) seats per class
    for name in ("Rencana", "Pencocokan"):
        cells = pd.read_excel(out / "petarawan.xlsx", sheet_name=name).astype(str).to_numpy().ravel()
        assert not any("disembunyikan" == c or c.startswith("<") for c in cells), name
    assert pd.to_numeric(sheet["Peserta"]).notna().all()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<td>&lt;5</td>" in html and "disembunyikan" in html  # the published report still hides them
    # the layer carries the real area totals and flags those the published outputs hide
    import pyogrio

    layer = pyogrio.read_dataframe(out / "petarawan.gpkg", layer="plan", read_geometry=False).set_index("code")
    hid = rows["code"].unique()
    assert (layer.loc[hid, "participants_suppressed"] == 1).all()
    assert (layer.loc[hid, "participants"] == plan.groupby("code")["participants"].sum()[hid]).all()
    assert (layer["participants_suppressed"] == 0).sum() == (~layer.index.isin(plan.loc[plan["participants_hidden"], "code"])).sum()
    # the report states places and seats: seats = visible participants + 4 per hidden class
    seats = int(plan.loc[~plan["participants_hidden"], "participants"].sum() + 4 * plan.loc[
        plan["participants_hidden"] & (plan["target"] == "facilitator"), "classes"].sum()
        + plan.loc[plan["participants_hidden"] & (plan["target"] != "facilitator"), "classes"].mul(
            plan.loc[plan["participants_hidden"] & (plan["target"] != "facilitator"), "programme"].map(
                {p.code: p.max_class for p in res.study.config.plan.programmes})).sum())
    assert f"anggaran mencakup {seats:,} kursi".replace(",", ".") in " ".join(html.split())
    # every area outside the plan is listed once with its reason (issue 12 item 4)
    left = html[html.index("Wilayah di luar rencana dan alasannya"):]
    left = left[:left.index("</table>")]
    assert left.count("<tr>") - 1 == 42 - len(st.manifest["areas"])
    assert "Urutan: prioritas rencana = wilayah dalam rencana menurut skor kerawanan" in html
    # the plan flags are public columns with both headings
    assert st.public_columns == {"rencana": ("Dalam rencana (1=ya)", "In the plan (1=yes)"),
                                 "prioritas_rencana": ("Prioritas rencana", "Plan priority")}


@pytest.fixture(scope="module")
def english_tight_run(tmp_path_factory):
    """The example with max_areas = 3 (< 7 kecamatan) and budget Rp 1 000, run in English."""
    from petarawan.pipeline import run

    from potential_study import make_study

    base = tmp_path_factory.mktemp("tight")
    study = make_study(base / "study")
    toml = (study / "petarawan.toml").read_text(encoding="utf-8")
    toml = toml.replace("budget = 750_000_000", "budget = 1_000").replace("max_areas = 8", "max_areas = 3")
    (study / "petarawan.toml").write_text(toml, encoding="utf-8")
    return run(study, base / "out", lang="en"), base / "out"


def test_plan_messages_name_the_real_cause(english_tight_run):
    res, out = english_tight_run
    st = res.stages["plan"]
    f = {x.code: x for x in st.findings}
    # 7 kecamatan in the example all have demand; max_areas = 3 < 7: the area limit, not the budget
    assert "plan_k_below_groups" in f and "plan_group_infeasible" not in f
    assert "3" in f["plan_k_below_groups"].text("en") and "7 districts" in f["plan_k_below_groups"].text("en")
    # cheapest feasible area: area cost 10 000 000 + the cheapest class with its prerequisites; the
    # cheapest programme class is a bimtek of 3 (3 000 000 + 1 500 000 · 3 = 7 500 000) -> 17 500 000
    assert st.manifest["binding"]["cheapest_area_cost"] == 17_500_000
    b = f["plan_budget_below_cheapest"]
    assert "Rp 1.000" in b.text("en") and "Rp 17.500.000" in b.text("en") and "Rp 17.500.000" in b.text("id")
    assert st.manifest["areas"] == []
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Empty plan:" in html and "cheapest feasible area: Rp 17.500.000" in html
    assert "Solver status: optimal" not in html


def test_english_run_sheet_names_headings_and_bilingual_findings(english_tight_run):
    res, out = english_tight_run
    sheets = pd.read_excel(out / "petarawan.xlsx", sheet_name=None)
    assert {"Potential", "Plan", "Schedule", "Matching"} <= set(sheets)
    assert not {"Potensi", "Rencana", "Jadwal", "Pencocokan"} & set(sheets)
    assert "Vulnerability (0–1)" in sheets["Matching"].columns
    for name in ("Potential", "Plan", "Schedule", "Matching"):
        raw = [c for c in sheets[name].columns if "_" in str(c)]
        assert not raw, (name, raw)
    for stage in ("potential", "plan"):
        for x in res.stages[stage].findings:
            assert x.text("en") and x.text("en") != x.text("id"), x
            assert x.expected is None or x.expectation("en"), x
