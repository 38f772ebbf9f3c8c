"""The budgeted plan as a mixed-integer linear programme, solved with HiGHS (scipy.optimize.milp).

Formulation (``docs/method_potential.md`` §4).  Areas *a*, programmes *j*; data: demand
``D_aj`` (participants), vulnerability ``v_a`` (0–1), programme weight ``w_j``, cost per
participant ``c_j`` and per class ``f_j``, class size ``[m_j, M_j]``, classes per area at most
``U_aj = min(max_classes_per_area_j, ⌊D_aj / m_j⌋)``, fixed cost per chosen area ``g``.
Variables: ``y_a ∈ {0,1}`` (area chosen), ``n_aj ∈ ℤ≥0`` (classes), ``x_aj ∈ ℤ≥0`` (participants)::

    maximise   Σ_aj v_a w_j x_aj                          (vulnerability-weighted residents reached)
    subject to m_j n_aj ≤ x_aj ≤ M_j n_aj                 (class sizes)
               x_aj ≤ D_aj,  n_aj ≤ U_aj y_a              (demand; classes only in chosen areas)
               y_a ≤ Σ_j n_aj                             (a chosen area holds a class)
               n_aj ≤ U_aj n_ai   for each j requiring i  (prerequisites, same area)
               Σ_a y_a ≤ K                                (at most K areas, optional)
               Σ_{a∈G} y_a ≥ 1   for each kecamatan G     (optional)
               Σ_aj (c_j x_aj + f_j n_aj) + g Σ_a y_a ≤ B (budget)

Pairs with ``D_aj < m_j`` cannot hold a class and are left out.  A pair whose demand may not be
published (it is bounded by a suppressed survey count, ``docs/method_potential.md`` §5) is
budgeted per class for ``S_aj`` seats — its cost ``(f_j + c_j S_aj) n_aj`` then does not depend on
``x_aj``, so the published cost cannot reveal the hidden number.  HiGHS: Huangfu & Hall (2018),
*Math. Prog. Comp.* 10, 119–142; ``scipy.optimize.milp`` (SciPy ≥ 1.9).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from ..i18n import Msg, t
from .config import Programme


STATUSES: tuple[str, ...] = ("optimal", "time_limit", "time_limit_no_plan", "limit", "limit_no_plan", "infeasible",
                             "unbounded", "infeasible_or_unbounded", "error")
"""Every outcome of a solve, as :func:`solver_outcome` names it."""
WITH_PLAN: frozenset[str] = frozenset({"optimal", "time_limit", "limit"})
"""Statuses that come with a feasible plan."""
_HIGHS_STATUS = re.compile(r"HiGHS Status (\d+)")


@dataclass
class PlanSolution:
    """Result of :func:`solve_plan`.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES` (:func:`solver_outcome`): ``optimal``; ``time_limit`` / ``limit``
        (stopped before optimality was proven, the best plan found kept, ``gap`` its relative
        distance to the bound); ``time_limit_no_plan`` / ``limit_no_plan`` (stopped before any
        plan was found); ``infeasible``; ``unbounded``; ``infeasible_or_unbounded``; ``error``.
    objective : float
        Σ v_a w_j x_aj of the plan found (0 without a plan).
    chosen : ndarray of bool, shape (A,)
    classes, participants : ndarray of int, shape (A, J)
    cost : float
        Rupiah.
    gap : float
        Relative MIP gap reported by HiGHS.
    """

    status: str
    objective: float
    chosen: np.ndarray
    classes: np.ndarray
    participants: np.ndarray
    cost: float
    gap: float = 0.0
    message: str = ""
    params: dict = field(default_factory=dict)
    highs_status: int | None = None

    @property
    def has_plan(self) -> bool:
        """The solver returned a feasible plan (possibly an empty one, when nothing can be held)."""
        return self.status in WITH_PLAN

    def status_msg(self) -> Msg:
        """The status in words — every field filled (time limit in s, gap in %, solver detail)."""
        return Msg(f"plan.status.{self.status}", gap=100 * self.gap, limit=self.params.get("time_limit", float("nan")),
                   detail=self.message or "?")

    def status_text(self, lang: str) -> str:
        """:meth:`status_msg` in ``lang``."""
        return self.status_msg().render(lang)


@dataclass(frozen=True)
class SolverOutcome:
    """How a solve ended, read from a ``scipy.optimize.milp`` result.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    gap : float
        Relative MIP gap (|bound − objective| / |objective|) of the plan found; 0 without one.
    highs_status : int | None
        HiGHS's model status (``HighsModelStatus``: 7 optimal, 8 infeasible, 9 infeasible or
        unbounded, 10 unbounded, 13 time limit, 14 iteration limit, 16 solution / node limit, …).
    detail : str
        SciPy's message (names HiGHS's status).
    """

    status: str
    gap: float
    highs_status: int | None
    detail: str


def solver_outcome(res, *, bounded: bool = False) -> SolverOutcome:
    """Name the outcome of ``scipy.optimize.milp`` honestly.

    SciPy folds HiGHS's model statuses into five codes (0 optimal, 1 iteration or time limit,
    2 infeasible, 3 unbounded, 4 other); the HiGHS status in its message tells them apart.  A
    limit is a plan only when a feasible solution came back (``res.x``); "infeasible or
    unbounded" (HiGHS 9) is "infeasible" when every variable is ``bounded``.

    Parameters
    ----------
    res : scipy.optimize.OptimizeResult
    bounded : bool
        Every variable has finite bounds (the model cannot be unbounded).

    Returns
    -------
    SolverOutcome
    """
    m = _HIGHS_STATUS.search(str(getattr(res, "message", "")))
    hs = int(m.group(1)) if m else None
    found = getattr(res, "x", None) is not None
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0) if found else 0.0
    code = int(res.status)
    if hs == 7 or (hs is None and code == 0):
        status = "optimal"
    elif hs == 13:
        status = "time_limit" if found else "time_limit_no_plan"
    elif hs in (14, 16) or (hs is None and code == 1):
        status = "limit" if found else "limit_no_plan"
    elif hs == 8 or (hs is None and code == 2):
        status = "infeasible"
    elif hs == 10 or (hs is None and code == 3):
        status = "unbounded"
    elif hs == 9:
        status = "infeasible" if bounded else "infeasible_or_unbounded"
    else:
        status = "error"
    return SolverOutcome(status, gap, hs, str(getattr(res, "message", "")))


@contextlib.contextmanager
def _quiet_stdout():
    """Silence file descriptor 1 (C-level output) for the duration of the block."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured stdout (tests): nothing to silence
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def pair_costs(p: Programme, seats: int = 0) -> tuple[float, float]:
    """(cost per participant, cost per class) of a programme; with ``seats > 0`` the class is
    budgeted for that many seats: ``(0, f + c · seats)``."""
    if seats > 0:
        return 0.0, p.cost_per_class + p.cost_per_participant * seats
    return p.cost_per_participant, p.cost_per_class


def cheapest_area_cost(demand: np.ndarray, programmes: list[Programme], area_cost: float = 0.0,
                       eligible: np.ndarray | None = None, seats: np.ndarray | None = None) -> np.ndarray:
    """Cost of the cheapest plan that chooses each area: ``g`` plus the cheapest feasible class
    (one class of ``m_j`` participants, or of ``S_aj`` budgeted seats) with the cheapest class of
    every programme it requires, recursively.  ``inf`` where no class is feasible.

    Returns
    -------
    ndarray, shape (A,)
        Rupiah.
    """
    D = np.floor(np.nan_to_num(np.asarray(demand, dtype=float))).astype(int)
    A, J = D.shape
    elig = np.ones(A, bool) if eligible is None else np.asarray(eligible, bool)
    S = np.zeros((A, J), int) if seats is None else np.asarray(seats, int)
    code = {p.code: j for j, p in enumerate(programmes)}
    out = np.full(A, np.inf)
    for a in range(A):
        if not elig[a]:
            continue
        memo: dict[int, float] = {}

        def one(j: int, depth: int = 0) -> float:
            if j in memo:
                return memo[j]
            p = programmes[j]
            if D[a, j] < p.min_class or depth > J:
                memo[j] = np.inf
                return np.inf
            cpp, cpc = pair_costs(p, int(S[a, j]))
            c = cpc + cpp * p.min_class + sum(one(code[r], depth + 1) for r in p.requires)
            memo[j] = c
            return c

        best = min((one(j) for j in range(J)), default=np.inf)
        out[a] = best + area_cost if np.isfinite(best) else np.inf
    return out


def solve_plan(demand: np.ndarray, vulnerability: np.ndarray, programmes: list[Programme], budget: float, *,
               groups: list[str | None] | None = None, max_areas: int | None = None, per_group: bool = False,
               area_cost: float = 0.0, eligible: np.ndarray | None = None, time_limit: float = 60.0,
               mip_rel_gap: float = 1e-6, seats: np.ndarray | None = None) -> PlanSolution:
    """Choose areas, classes and participants that maximise vulnerability-weighted reach.

    Parameters
    ----------
    demand : ndarray, shape (A, J)
        Participants who would come, per area and programme (floats are floored).
    vulnerability : ndarray, shape (A,)
        Weight of each area, 0–1 (index score / 100); NaN counts as 0.
    programmes : list of Programme, length J
    budget : float
        Rupiah.
    groups : list, length A, optional
        Kecamatan of each area, for ``per_group``.
    max_areas : int, optional
        K.
    eligible : ndarray of bool, shape (A,), optional
        Areas that may be chosen.
    seats : ndarray of int, shape (A, J), optional
        ``S_aj > 0``: budget each class of the pair for ``S_aj`` seats (cost ``f_j + c_j S_aj`` per
        class, none per participant); 0: the usual ``c_j x_aj + f_j n_aj``.

    Returns
    -------
    PlanSolution
    """
    D = np.floor(np.nan_to_num(np.asarray(demand, dtype=float))).astype(int)
    A, J = D.shape
    v = np.nan_to_num(np.asarray(vulnerability, dtype=float))
    elig = np.ones(A, bool) if eligible is None else np.asarray(eligible, bool)
    mins = np.array([p.min_class for p in programmes])
    maxs = np.array([p.max_class for p in programmes])
    U = np.minimum(np.array([p.max_classes_per_area for p in programmes])[None, :], D // mins[None, :])
    U[~elig, :] = 0
    pairs = [(a, j) for a in range(A) for j in range(J) if U[a, j] >= 1]
    code = {p.code: j for j, p in enumerate(programmes)}
    areas = sorted({a for a, _ in pairs})
    ya = {a: i for i, a in enumerate(areas)}
    P = len(pairs)
    nv = len(areas) + 2 * P
    iy = lambda a: ya[a]  # noqa: E731
    in_ = lambda k: len(areas) + k  # noqa: E731
    ix = lambda k: len(areas) + P + k  # noqa: E731
    pk = {pr: k for k, pr in enumerate(pairs)}
    empty = PlanSolution("optimal", 0.0, np.zeros(A, bool), np.zeros((A, J), int), np.zeros((A, J), int), 0.0)
    if P == 0:
        if per_group and groups is not None:
            empty.status = "infeasible"
        return empty
    c = np.zeros(nv)
    for k, (a, j) in enumerate(pairs):
        c[ix(k)] = -v[a] * programmes[j].weight
    lb = np.zeros(nv)
    ub = np.zeros(nv)
    for a in areas:
        ub[iy(a)] = 1
    for k, (a, j) in enumerate(pairs):
        ub[in_(k)] = U[a, j]
        ub[ix(k)] = D[a, j]
    rows: list[tuple[dict[int, float], float, float]] = []
    for k, (a, j) in enumerate(pairs):
        rows.append(({ix(k): 1, in_(k): -maxs[j]}, -np.inf, 0))        # x <= M n
        rows.append(({ix(k): 1, in_(k): -mins[j]}, 0, np.inf))         # x >= m n
        rows.append(({in_(k): 1, iy(a): -U[a, j]}, -np.inf, 0))        # n <= U y
        for req in programmes[j].requires:
            i = code[req]
            if (a, i) in pk:
                rows.append(({in_(k): 1, in_(pk[(a, i)]): -U[a, j]}, -np.inf, 0))
            else:
                ub[in_(k)] = 0
                ub[ix(k)] = 0
    for a in areas:
        r = {iy(a): 1.0}
        for k, (aa, _) in enumerate(pairs):
            if aa == a:
                r[in_(k)] = -1.0
        rows.append((r, -np.inf, 0))                                   # y <= sum n
    if max_areas is not None:
        rows.append(({iy(a): 1 for a in areas}, -np.inf, max_areas))
    if per_group and groups is not None:
        for g in sorted({groups[a] for a in areas if groups[a] is not None}):
            rows.append(({iy(a): 1 for a in areas if groups[a] == g}, 1, np.inf))
    S = np.zeros((A, J), int) if seats is None else np.asarray(seats, int)
    budget_row = {}
    for k, (a, j) in enumerate(pairs):
        cpp, cpc = pair_costs(programmes[j], int(S[a, j]))
        budget_row[ix(k)] = cpp
        budget_row[in_(k)] = cpc
    for a in areas:
        budget_row[iy(a)] = area_cost
    rows.append((budget_row, -np.inf, budget))
    M = lil_matrix((len(rows), nv))
    lo = np.empty(len(rows))
    hi = np.empty(len(rows))
    for r, (coefs, l, h) in enumerate(rows):
        for col, val in coefs.items():
            M[r, col] = val
        lo[r], hi[r] = l, h
    with _quiet_stdout():  # HiGHS prints solver diagnostics from C++ even with disp=False
        res = milp(c, constraints=LinearConstraint(M.tocsr(), lo, hi), integrality=np.ones(nv),
                   bounds=Bounds(lb, ub), options={"time_limit": time_limit, "mip_rel_gap": mip_rel_gap, "disp": False})
    params = {"variables": nv, "constraints": len(rows), "pairs": P, "time_limit": time_limit, "mip_rel_gap": mip_rel_gap}
    out = solver_outcome(res, bounded=True)  # every variable has finite bounds
    params["highs_status"] = out.highs_status
    if out.status not in WITH_PLAN:
        return PlanSolution(out.status, 0.0, np.zeros(A, bool), np.zeros((A, J), int), np.zeros((A, J), int), 0.0,
                            message=out.detail, params=params, highs_status=out.highs_status)
    x = np.round(res.x).astype(int)
    chosen = np.zeros(A, bool)
    classes = np.zeros((A, J), int)
    parts = np.zeros((A, J), int)
    for a in areas:
        chosen[a] = x[iy(a)] == 1
    for k, (a, j) in enumerate(pairs):
        classes[a, j] = x[in_(k)]
        parts[a, j] = x[ix(k)]
    cost = float(sum(pair_costs(programmes[j], int(S[a, j]))[0] * parts[a, j]
                     + pair_costs(programmes[j], int(S[a, j]))[1] * classes[a, j] for a, j in pairs)
                 + area_cost * chosen.sum())
    obj = float(sum(v[a] * programmes[j].weight * parts[a, j] for a, j in pairs))
    return PlanSolution(out.status, obj, chosen, classes, parts, cost, out.gap, out.detail, params, out.highs_status)
