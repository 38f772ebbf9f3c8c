"""Respondent → area: IKRN answers to area-level survey indicators (``docs/method_ikrn.md`` §4).

1. **Item points.**  Each answer becomes a 0–100 proneness value p (:func:`~petarawan.ikrn.bank.item_points`;
   100 = most drug-prone answer, ``direction`` applied).  "Tidak tahu" (don't know) and an
   unanswered or out-of-scale item give no value.
2. **Respondent score.**  s_r = mean of p over the items respondent r gave a value to (the
   person-mean, or "available-item", rule for multi-item scales: Schafer & Graham 2002,
   *Psychological Methods* 7(2); Downey & King 1998, *J. General Psychology* 125(2)).  A
   respondent who gave a value to fewer than ``min_item_share`` of the instrument's items gets
   no score (counted, not used).  Per dimension likewise over that dimension's items (at least one).
3. **Instrument mean.**  m_{a,k} = mean of s_r over the scored respondents of instrument k in
   area a; it counts only when n_{a,k} ≥ ``min_respondents[k]``.
4. **Area score.**  S_a = Σ_k w_k m_{a,k} / Σ_k w_k over the instruments that count (weights
   ``ikrn.weights``, default equal).  An area where a ``required`` instrument does not count gets
   **no** survey score — never a score from two people — and the reason is returned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .bank import INSTRUMENTS, Bank, points_matrix
from .returns import Submissions

__all__ = ["RespondentScores", "respondent_scores", "AreaScores", "area_scores", "indicator_names"]


def indicator_names(bank: Bank, indicator: str, dimension_indicators: bool) -> list[str]:
    """Names of the survey indicators: the overall score, then one per dimension if asked."""
    return [indicator] + ([f"{indicator}_{d.code}" for d in bank.dimensions] if dimension_indicators else [])


@dataclass(frozen=True)
class RespondentScores:
    """Scored respondents, sorted by (area, instrument).

    Attributes
    ----------
    area : int32 (r,)
    instrument : int8 (r,)
    values : float64 (r, K)
        Column 0 the overall respondent score, then (optionally) one per dimension; NaN where
        the respondent answered no item of that dimension.
    columns : list[str]
        Indicator names of the K columns.
    unscored : int array (3,)
        Kept respondents per instrument without a score (too few items with a value).
    """

    area: np.ndarray
    instrument: np.ndarray
    values: np.ndarray
    columns: list[str]
    unscored: np.ndarray


def respondent_scores(sub: Submissions, kept: np.ndarray, bank: Bank, *, min_item_share: float = 0.5,
                      indicator: str = "survei_ikrn", dimension_indicators: bool = False) -> RespondentScores:
    """Respondent scores (steps 1–2 of the module docstring) of the kept submissions.

    Returns
    -------
    RespondentScores
    """
    cols = indicator_names(bank, indicator, dimension_indicators)
    dims = [d.code for d in bank.dimensions]
    areas, insts, vals = [], [], []
    unscored = np.zeros(len(INSTRUMENTS), np.int64)
    for ins in (i.code for i in bank.instruments):
        items = bank.items_of(ins)
        rows = sub.members[ins]
        take = kept[rows] & (sub.area[rows] >= 0)
        P = points_matrix(items, sub.answers[ins][take])
        has = np.isfinite(P)
        cnt = has.sum(axis=1)
        ok = cnt >= min_item_share * len(items)
        unscored[INSTRUMENTS.index(ins)] += int((~ok).sum())
        np.nan_to_num(P, copy=False, nan=0.0)            # in place: sums over the values only
        with np.errstate(invalid="ignore", divide="ignore"):
            V = np.empty((int(ok.sum()), len(cols)))
            V[:, 0] = (P.sum(axis=1, dtype=np.float64) / cnt)[ok]
            if dimension_indicators:
                for d_i, d in enumerate(dims):
                    js = [j for j, it in enumerate(items) if it.dimension == d]
                    if not js:
                        V[:, 1 + d_i] = np.nan
                        continue
                    c = has[:, js].sum(axis=1)
                    V[:, 1 + d_i] = np.where(c > 0, P[:, js].sum(axis=1, dtype=np.float64) / np.maximum(c, 1), np.nan)[ok]
        del P, has
        areas.append(sub.area[rows][take][ok])
        insts.append(np.full(int(ok.sum()), INSTRUMENTS.index(ins), np.int8))
        vals.append(V)
    area = np.concatenate(areas) if areas else np.empty(0, np.int32)
    inst = np.concatenate(insts) if insts else np.empty(0, np.int8)
    values = np.concatenate(vals) if vals else np.empty((0, len(cols)))
    order = np.lexsort((inst, area))
    return RespondentScores(area[order].astype(np.int32), inst[order], values[order], cols, unscored)


@dataclass(frozen=True)
class AreaScores:
    """Area survey indicators (steps 3–4).

    Attributes
    ----------
    table : DataFrame indexed like the study's areas
        ``n_ikrn1..3`` (scored respondents), ``mean_ikrn1..3`` (overall instrument means; NaN
        when below the instrument's minimum), each indicator of ``columns`` (NaN: no score), and
        ``no_score_reason`` (``""`` when scored, else e.g. ``"ikrn1: 4 < 10"``).
    columns : list[str]
        Indicator names.
    used : bool array (n_areas, 3)
        Instruments whose mean counts in each area.
    """

    table: pd.DataFrame
    columns: list[str]
    used: np.ndarray


def stratum_means(resp: RespondentScores, n_areas: int) -> tuple[np.ndarray, np.ndarray]:
    """Per (area, instrument): count of respondents with a value and mean, per indicator column.

    Returns ``counts`` (n_areas, 3, K) int and ``means`` (n_areas, 3, K) float (NaN when none).
    """
    K = resp.values.shape[1]
    key = resp.area.astype(np.int64) * len(INSTRUMENTS) + resp.instrument
    size = n_areas * len(INSTRUMENTS)
    counts = np.empty((size, K), np.int64)
    sums = np.empty((size, K))
    for c in range(K):
        v = resp.values[:, c]
        ok = np.isfinite(v)
        counts[:, c] = np.bincount(key[ok], minlength=size)
        sums[:, c] = np.bincount(key[ok], weights=v[ok], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return counts.reshape(n_areas, len(INSTRUMENTS), K), means.reshape(n_areas, len(INSTRUMENTS), K)


def combine(means: np.ndarray, used: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ_k w_k m_k / Σ_k w_k over used instruments with a mean.

    ``means`` (..., n_areas, 3, K), ``used`` (n_areas, 3) bool, ``weights`` (3,).
    Returns (..., n_areas, K); NaN where no instrument contributes.
    """
    w = (weights[None, :] * used)[..., None]  # (n_areas, 3, 1)
    ok = np.isfinite(means)
    wk = np.where(ok, w, 0.0)
    num = np.where(ok, means, 0.0) * wk
    den = wk.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num.sum(axis=-2) / np.where(den > 0, den, 1.0), np.nan)


def area_scores(resp: RespondentScores, area_index: pd.Index, *, weights: dict[str, float],
                min_respondents: dict[str, int], required: list[str]) -> AreaScores:
    """Area indicators from respondent scores (steps 3–4 of the module docstring).

    Parameters
    ----------
    area_index : Index of area codes (the order ``resp.area`` indexes)
    weights, min_respondents : instrument → value (missing instruments: weight 0, minimum 1)
    required : instruments an area needs for a score

    Returns
    -------
    AreaScores
    """
    n_areas = len(area_index)
    counts, means = stratum_means(resp, n_areas)
    n_all = counts[:, :, 0]
    w = np.array([float(weights.get(k, 0.0)) for k in INSTRUMENTS])
    mins = np.array([int(min_respondents.get(k, 1)) for k in INSTRUMENTS])
    used = (n_all >= np.maximum(mins, 1)[None, :]) & (w[None, :] > 0)
    req = np.array([k in required for k in INSTRUMENTS])
    scored = used[:, req].all(axis=1) & used.any(axis=1)
    values = combine(means, used, w)
    values[~scored] = np.nan
    table = pd.DataFrame(index=area_index)
    for j, k in enumerate(INSTRUMENTS):
        table[f"n_{k}"] = n_all[:, j]
    for j, k in enumerate(INSTRUMENTS):
        table[f"mean_{k}"] = np.where(used[:, j], means[:, j, 0], np.nan)
    for c, name in enumerate(resp.columns):
        table[name] = values[:, c]
    reasons = []
    for a in range(n_areas):
        if scored[a]:
            reasons.append("")
            continue
        short = [f"{k}: {n_all[a, j]} < {max(mins[j], 1)}" for j, k in enumerate(INSTRUMENTS)
                 if req[j] and n_all[a, j] < max(mins[j], 1)]
        reasons.append("; ".join(short) or "no instrument")
    table["no_score_reason"] = reasons
    return AreaScores(table, list(resp.columns), used)
