"""Programme matching and target-group sizing per area.

Pure functions over the potential result (:class:`~petarawan.potential.scoring.PotentialResult`),
the index result and the population.  Formulas (``docs/method_potential.md`` §3):

- Households ``H_a = population_a / household_size``.
- Target group of a programme in area *a*, with the Wilson interval of each share:
  exposed ``H_a · e_a``; not exposed ``H_a · (1 − e_a)``; all ``H_a``; facilitator = willing
  candidates counted by the survey (``fac_k``), where ``e_a`` is the share of affected households.
- Demand ``D_aj`` (participants who would come) = target group × ``t_a`` (share of households with a
  member interested in training) × ``p_aj`` for entrepreneurship (share interested in business
  *j*).  Lower/upper bounds combine the Wilson bounds of the shares monotonically (for not
  exposed, ``1 − e`` uses ``1 − e_hi``/``1 − e_lo``).
- Matching score ``m_aj = interest_aj × resources_aj × vulnerability_a`` with interest = ``p_aj``
  (entrepreneurship), ``t_a`` (life skill), the facilitator share (bimtek); resources =
  ``(1 + r_aj) / 2`` with ``r_aj`` the largest share of households holding one of the programme's
  skills or resources (1 when it lists none); vulnerability = index score / 100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..potential.scoring import PotentialResult
from .config import PlanConfig, Programme


def _share_bounds(res: PotentialResult, prefix: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    t = res.table
    if f"{prefix}_share" not in t.columns:
        one = pd.Series(1.0, index=t.index)
        return one, one, one
    return t[f"{prefix}_share"], t[f"{prefix}_lo"], t[f"{prefix}_hi"]


def target_groups(res: PotentialResult, population: pd.Series, cfg: PlanConfig) -> pd.DataFrame:
    """Households per target group with bounds.

    Returns
    -------
    DataFrame
        Index code; columns ``households``, ``exposed``, ``exposed_lo``, ``exposed_hi``,
        ``not_exposed``, ``not_exposed_lo``, ``not_exposed_hi``, ``facilitator`` (households,
        facilitator = persons).  NaN where the survey has no answers.
    """
    idx = res.table.index
    h = population.reindex(idx).astype(float) / cfg.household_size
    e, elo, ehi = _share_bounds(res, "exposed")
    out = pd.DataFrame(index=idx)
    out["households"] = h
    out["exposed"], out["exposed_lo"], out["exposed_hi"] = h * e, h * elo, h * ehi
    out["not_exposed"], out["not_exposed_lo"], out["not_exposed_hi"] = h * (1 - e), h * (1 - ehi), h * (1 - elo)
    out["facilitator"] = res.table["facilitator_k"].astype(float) if "facilitator_k" in res.table.columns else 0.0
    return out


def _resource_share(res: PotentialResult, prog: Programme) -> pd.Series:
    idx = res.table.index
    parts = []
    for key, opts in (("skills", prog.skills), ("resources", prog.resources)):
        if key in res.shares and opts:
            s = res.shares[key].share()
            parts += [s[o] for o in opts if o in s.columns]
    if not parts:
        return pd.Series(np.nan, index=idx)
    return pd.concat(parts, axis=1).max(axis=1)


def match(res: PotentialResult, vulnerability: pd.Series, population: pd.Series, cfg: PlanConfig) -> pd.DataFrame:
    """Rank the catalogue's programmes in every area and size their demand.

    Parameters
    ----------
    res : PotentialResult
    vulnerability : Series
        Index score 0–100 by area code (higher = more prone).
    population : Series
        Residents by area code.
    cfg : PlanConfig

    Returns
    -------
    DataFrame
        One row per (code, programme): ``interest``, ``resources``, ``vulnerability`` (0–1),
        ``match`` (their product), ``rank`` within the area (1 = best), ``target``
        (households/persons of the target group), ``demand``, ``demand_lo``, ``demand_hi``
        (participants, rounded down), ``demand_used`` (what the optimiser may fill).
    """
    idx = res.table.index
    groups = target_groups(res, population, cfg)
    t, tlo, thi = _share_bounds(res, "training")
    f, _, _ = _share_bounds(res, "facilitator")
    v = (vulnerability.reindex(idx).astype(float) / 100).clip(0, 1)
    rows = []
    for p in cfg.programmes:
        if p.target == "facilitator":
            tg = tg_lo = tg_hi = groups["facilitator"]
            mult = mlo = mhi = pd.Series(1.0, index=idx)
        else:
            if p.target == "all":
                tg = tg_lo = tg_hi = groups["households"]
            else:
                tg, tg_lo, tg_hi = groups[p.target], groups[f"{p.target}_lo"], groups[f"{p.target}_hi"]
            mult, mlo, mhi = t, tlo, thi
        if p.kind == "entrepreneurship":
            s = res.shares.get("interest")
            if s is not None and p.interest in s.k.columns:
                pi = s.share()[p.interest]
                lo, hi = s.interval(res.confidence)
                mult, mlo, mhi = mult * pi, mlo * lo[p.interest], mhi * hi[p.interest]
                interest = pi
            else:
                interest = pd.Series(0.0, index=idx)
                mult = mlo = mhi = interest
        elif p.kind == "life_skill":
            interest = t
        else:
            interest = f
        r = _resource_share(res, p)
        resources = ((1 + r) / 2).fillna(1.0)
        d, dlo, dhi = (np.floor((tg * mult).fillna(0)), np.floor((tg_lo * mlo).fillna(0)), np.floor((tg_hi * mhi).fillna(0)))
        df = pd.DataFrame({"code": idx, "programme": p.code, "kind": p.kind, "interest": interest.to_numpy(),
                           "resources": resources.to_numpy(), "vulnerability": v.to_numpy(),
                           "target": tg.to_numpy(), "demand": d.to_numpy(), "demand_lo": dlo.to_numpy(),
                           "demand_hi": dhi.to_numpy()})
        rows.append(df)
    out = pd.concat(rows, ignore_index=True)
    out["match"] = (out["interest"].fillna(0) * out["resources"] * out["vulnerability"].fillna(0))
    out["rank"] = out.groupby("code")["match"].rank(ascending=False, method="first").astype(int)
    out["demand_used"] = out["demand_lo"] if cfg.demand == "lower" else out["demand"]
    return out.sort_values(["code", "rank"]).reset_index(drop=True)
