"""Completeness of an IKRN round: returned / expected questionnaires per area, kecamatan, study.

Pure functions returning DataFrames (the terminal ``petarawan ikrn status``, the workbook sheet,
the report, the map and the office server all show the same table).

Reporting rate, after DHIS2's data-set reporting rate ("actual reports / expected reports × 100",
DHIS2 documentation, *Reporting rate summary*): here every questionnaire a quota asks for is an
expected report, and an area's returns count only up to its quota, so that 40 residents cannot
stand in for a missing village head:

    reporting_rate(a) = Σ_k min(returned_k(a), expected_k) / Σ_k expected_k

and for a kecamatan or the study the same ratio of sums over its areas.  ``areas_complete`` is
the number of areas at or above quota for every instrument (DHIS2's count of organisation units
that reported).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .bank import INSTRUMENTS

__all__ = ["returned_counts", "completeness_table", "completeness_summary", "below_quota"]


def returned_counts(area: np.ndarray, instrument: np.ndarray, kept: np.ndarray, n_areas: int) -> np.ndarray:
    """Kept submissions per area and instrument: int array (n_areas, 3), columns ikrn1..3.

    ``area`` (index into the study's areas, < 0 unknown) and ``instrument`` (0..2) per submission.
    """
    ok = kept & (area >= 0)
    flat = area[ok].astype(np.int64) * len(INSTRUMENTS) + instrument[ok].astype(np.int64)
    return np.bincount(flat, minlength=n_areas * len(INSTRUMENTS)).reshape(n_areas, len(INSTRUMENTS))


def completeness_table(returned: np.ndarray, areas: pd.DataFrame, quota: dict[str, int],
                       instruments: tuple[str, ...] = INSTRUMENTS) -> pd.DataFrame:
    """Per area: returned and expected questionnaires per instrument, reporting rate, below quota.

    Parameters
    ----------
    returned : int array (n_areas, 3)
        :func:`returned_counts`.
    areas : DataFrame
        Index = area code, columns ``name`` and optionally ``group`` (kecamatan), in the order of
        ``returned``'s rows.
    quota : dict
        Instrument → questionnaires expected per area.
    instruments : tuple
        Instruments of the round (others get expected 0).

    Returns
    -------
    DataFrame indexed by code: ``name``, ``group`` (when given), ``returned_ikrn1..3``,
    ``expected_ikrn1..3``, ``reporting_rate`` (0–1; NaN when nothing is expected),
    ``below_quota`` (bool), ``missing`` (questionnaires still needed to reach every quota).
    """
    out = pd.DataFrame(index=areas.index)
    out["name"] = areas["name"].to_numpy()
    if "group" in areas.columns:
        out["group"] = areas["group"].to_numpy()
    exp = np.array([quota.get(k, 0) if k in instruments else 0 for k in INSTRUMENTS], dtype=np.int64)
    for j, k in enumerate(INSTRUMENTS):
        out[f"returned_{k}"] = returned[:, j].astype(np.int64)
    for j, k in enumerate(INSTRUMENTS):
        out[f"expected_{k}"] = np.full(len(out), exp[j], np.int64)
    capped = np.minimum(returned, exp[None, :]).sum(axis=1)
    total = exp.sum()
    out["reporting_rate"] = capped / total if total > 0 else np.nan
    out["below_quota"] = (returned < exp[None, :]).any(axis=1)
    out["missing"] = (exp.sum() - capped).astype(np.int64)
    return out


def completeness_summary(table: pd.DataFrame, by: str | None = "group") -> pd.DataFrame:
    """Totals of :func:`completeness_table` per kecamatan (``by``) and for the whole study.

    Returns
    -------
    DataFrame with one row per group (sorted by reporting rate, worst first) and a last row
    ``"(total)"``: ``areas``, ``areas_complete``, ``areas_without_returns``, ``returned_*``,
    ``expected_*``, ``reporting_rate`` = Σ min(returned, expected) / Σ expected.
    """
    ret = [f"returned_{k}" for k in INSTRUMENTS]
    exp = [f"expected_{k}" for k in INSTRUMENTS]
    work = table[ret + exp].astype(np.int64)
    work.insert(0, "areas", 1)
    work["areas_complete"] = (~table["below_quota"].to_numpy()).astype(np.int64)
    work["areas_without_returns"] = (table[ret].sum(axis=1).to_numpy() == 0).astype(np.int64)
    work["_capped"] = np.minimum(table[ret].to_numpy(), table[exp].to_numpy()).sum(axis=1)
    order = ["areas", "areas_complete", "areas_without_returns"] + ret + exp

    def finish(sums: pd.DataFrame) -> pd.DataFrame:
        e = sums[exp].sum(axis=1).to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(e > 0, sums["_capped"].to_numpy() / np.where(e > 0, e, 1), np.nan)
        out = sums[order].copy()
        out["reporting_rate"] = rate
        return out

    total = finish(work.sum().to_frame("(total)").T)
    if by is None or by not in table.columns or not len(table):
        return total
    groups = finish(work.groupby(table[by].astype(str).to_numpy(), sort=True).sum())
    return pd.concat([groups.sort_values("reporting_rate", kind="stable"), total])


def below_quota(table: pd.DataFrame) -> pd.DataFrame:
    """Areas below quota for follow-up: the rows of ``table`` with ``below_quota``, ordered by
    kecamatan (when present), then reporting rate (worst first), then name."""
    sel = table[table["below_quota"]]
    keys = (["group"] if "group" in sel.columns else []) + ["reporting_rate", "name"]
    return sel.sort_values(keys, kind="stable")
