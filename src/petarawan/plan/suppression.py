"""What of the plan may be published: numbers derived from suppressed survey counts are hidden
(their classes are then budgeted for a fixed number of seats, so the cost does not reveal them)."""

from __future__ import annotations

import pandas as pd


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
