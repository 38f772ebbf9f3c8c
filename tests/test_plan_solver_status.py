"""Every HiGHS outcome of the plan's MILP is reported as what it is (issue #8): optimal; a time
limit with the best plan found and its gap; a time limit before any plan; another solver limit;
infeasible; unbounded; an error — forced on tiny models with real HiGHS runs, and through the plan
stage.  No message may carry an unfilled placeholder (``{gap}``) or call a non-plan a plan."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from petarawan.plan.config import Programme
from petarawan.plan.optimise import STATUSES, PlanSolution, solve_plan, solver_outcome


def _knapsack(n: int = 200, m: int = 10, seed: int = 1):
    """A 0–1 multidimensional knapsack (maximise value under m capacity rows): feasible at once
    (nothing packed), hard to prove optimal — HiGHS still has a gap of ~0.7 % after 2 s."""
    rng = np.random.default_rng(seed)
    c = -rng.integers(10, 100, n).astype(float)
    A = rng.integers(5, 60, (m, n)).astype(float)
    return c, LinearConstraint(A, -np.inf, A.sum(axis=1) // 4), np.ones(n), Bounds(0, 1)


def _solve(c, cons=None, integrality=None, bounds=None, **options):
    return milp(c, constraints=cons, integrality=integrality, bounds=bounds, options=options)


def test_optimal():
    c, cons, integ, bounds = _knapsack(n=6, m=1)
    out = solver_outcome(_solve(c, cons, integ, bounds))
    assert (out.status, out.highs_status, out.gap) == ("optimal", 7, 0.0)


def test_time_limit_with_a_plan_reports_its_gap():
    res = _solve(*_knapsack(), time_limit=0.5)
    out = solver_outcome(res)
    assert out.status == "time_limit" and out.highs_status == 13
    assert res.x is not None and 0 < out.gap < 1 and out.gap == pytest.approx(res.mip_gap)


@pytest.mark.parametrize("time_limit", [0.0, 1e-9])
def test_time_limit_before_any_plan(time_limit):
    out = solver_outcome(_solve(*_knapsack(), time_limit=time_limit))
    assert (out.status, out.highs_status, out.gap) == ("time_limit_no_plan", 13, 0.0)


def test_another_limit_before_any_plan():
    # node_limit = 0: HiGHS stops with "Solution limit reached" (status 16), which SciPy calls "not recognized"
    res = _solve(*_knapsack(), node_limit=0)
    assert res.status == 4
    out = solver_outcome(res)
    assert (out.status, out.highs_status) == ("limit_no_plan", 16)


def test_infeasible():
    # 2 ≤ x ≤ 1.5 for an integer x
    out = solver_outcome(_solve([1.0], LinearConstraint([[1.0]], 2, 1.5), [1]))
    assert (out.status, out.highs_status) == ("infeasible", 8)


def test_unbounded_and_undecided():
    # maximise x + y with x ≤ y, x, y ≥ 0 integers: no finite optimum
    args = ([-1.0, -1.0], LinearConstraint([[1.0, -1.0]], -np.inf, 0), [1, 1], Bounds(0, np.inf))
    assert solver_outcome(_solve(*args, presolve=False)).status == "unbounded"
    # with presolve HiGHS only says "infeasible or unbounded" (status 9): reported so, unless every
    # variable is bounded (then it can only be infeasible)
    res = _solve(*args)
    assert solver_outcome(res).status == "infeasible_or_unbounded" and solver_outcome(res).highs_status == 9
    assert solver_outcome(res, bounded=True).status == "infeasible"


def test_any_other_status_is_an_error():
    res = OptimizeResult(status=4, x=None, message="(HiGHS Status 18: model_status is Memory limit reached)")
    assert solver_outcome(res).status == "error"


# ------------------------------------------------------------------------------ through solve_plan
def _prog(code: str, **kw) -> Programme:
    base = dict(code=code, kind="life_skill", label_id=code, cost_per_participant=10.0, cost_per_class=20.0,
                min_class=5, max_class=10)
    return Programme(**(base | kw))


def test_solve_plan_time_limit_without_a_plan_says_so():
    sol = solve_plan(np.array([[12.0], [8.0]]), np.array([0.5, 0.9]), [_prog("ls")], 1000.0, time_limit=0.0)
    assert sol.status == "time_limit_no_plan" and not sol.has_plan and not sol.chosen.any()
    assert sol.params["highs_status"] == 13
    assert sol.status_text("en") == "time limit of 0 s reached before any plan was found: no plan"
    assert sol.status_text("id") == "batas waktu 0 detik tercapai sebelum satu pun rencana ditemukan: tidak ada rencana"


def test_solve_plan_infeasible_per_district():
    # two districts, one area each; the budget pays one class only, but each district needs an area
    sol = solve_plan(np.array([[10.0], [10.0]]), np.array([0.5, 0.9]), [_prog("ls")], 80.0, groups=["k1", "k2"],
                     per_group=True)
    assert sol.status == "infeasible" and not sol.has_plan
    assert sol.status_text("en").startswith("infeasible: no plan meets every constraint")
    ok = solve_plan(np.array([[10.0], [10.0]]), np.array([0.5, 0.9]), [_prog("ls")], 80.0)
    assert ok.status == "optimal" and ok.has_plan and list(ok.chosen) == [False, True]


def test_every_status_text_is_complete_in_both_languages():
    for status in STATUSES:
        sol = PlanSolution(status, 0.0, np.zeros(1, bool), np.zeros((1, 1), int), np.zeros((1, 1), int), 0.0,
                           gap=0.0123, message="HiGHS Status 16: Solution limit reached", params={"time_limit": 30.0})
        for lang in ("id", "en"):
            text = sol.status_text(lang)
            assert "{" not in text and "}" not in text and text != f"plan.status.{status}"
            if status in ("time_limit", "limit"):
                assert ("1.2 %" if lang == "en" else "1,2 %") in text  # the gap, in percent, the reader's way
            if status.endswith("no_plan") or status in ("infeasible", "unbounded", "infeasible_or_unbounded", "error"):
                assert ("no plan" in text) if lang == "en" else ("tidak ada rencana" in text)


def test_plan_stage_reports_a_time_limit_without_a_plan(tmp_path):
    from potential_study import make_study

    from petarawan import analyse, load_study

    study = make_study(tmp_path / "study")
    toml = (study / "petarawan.toml").read_text(encoding="utf-8")
    assert "[plan]" in toml
    (study / "petarawan.toml").write_text(toml.replace("[plan]\n", "[plan]\ntime_limit = 1e-9\n", 1), encoding="utf-8")
    res = analyse(load_study(study), lang="en")
    st = res.stages["plan"]
    assert st.manifest["status"] == "time_limit_no_plan"
    f = {x.code: x for x in st.findings}
    assert f["plan_time_limit_no_plan"].text("en").startswith("time limit of 1e-09 s reached before any plan was found")
    assert f["plan_time_limit_no_plan"].column == "plan.time_limit"
    html = " ".join(s.html for s in st.sections)
    assert "the solver produced no plan: time limit of 1e-09 s reached before any plan was found" in html
    assert "{gap}" not in html and "best plan found" not in html
