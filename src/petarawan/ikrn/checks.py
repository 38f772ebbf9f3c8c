"""Quality checks of an IKRN round's submissions (``docs/method_ikrn.md`` §2).

Every check yields one boolean flag per submission and one :class:`~petarawan.errors.Finding`
per flagged submission naming the file and row — never a cell's value — and a count in
:attr:`CheckResult.counts`.  Kinds listed in ``checks.exclude`` remove the submission from
completeness and scores; the others only flag it.  Nothing is dropped without a finding.

=================  ================================================================================
kind               flagged when
=================  ================================================================================
unknown_area       the area code is empty or not one of the study's areas
no_consent         the respondent did not agree (``persetujuan`` ≠ ``ya``)
duplicate          the instance ID was already seen (any export of the round); the first is kept
wrong_role         the role is not one the instrument is for, or the form's hidden ``instrumen``
                   field names another instrument (a row in the wrong export)
too_short          end − start < ``min_seconds_per_item`` × the instrument's items, or end < start
outside_area       the geopoint lies more than ``outside_tolerance_m`` outside its area's polygon
                   (distance in the point's own UTM zone)
straightlining     ≥ ``straightline_min_items`` Likert answers, all the same value
=================  ================================================================================
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..errors import Finding
from ..i18n import Msg, t
from .bank import INSTRUMENTS, Bank
from .config import CHECK_KINDS, ChecksConfig
from .returns import DK, Submissions

__all__ = ["CheckResult", "run_checks", "outside_area", "KINDS", "effect_key"]

KINDS = ("row_length", "unknown_area", "no_consent", "duplicate", "wrong_role", "too_short", "outside_area",
         "straightlining", "out_of_scale")
"""Every quality check, in display order; its label is the message ``ikrn.kind.<kind>``."""


def effect_key(kind: str, exclude) -> str:
    """Message key of what a check does to what it finds (the same in the report and ``ikrn status``):
    a broken row is refused, an out-of-scale answer is left out, a check listed in
    ``[ikrn.checks] exclude`` excludes the submission, any other only flags it."""
    if kind == "row_length":
        return "ikrn.eff.row"
    if kind == "out_of_scale":
        return "ikrn.eff.answer"
    return "ikrn.eff.excluded" if kind in exclude else "ikrn.eff.flagged"



@dataclass(frozen=True)
class CheckResult:
    """Outcome of :func:`run_checks`.

    Attributes
    ----------
    flags : dict[str, bool array (n,)]
        Per kind of :data:`~petarawan.ikrn.config.CHECK_KINDS`.
    kept : bool array (n,)
        Submissions that count (no excluding flag).
    findings : list[Finding]
    counts : dict[str, int]
        ``read``, ``kept``, ``excluded`` and the number flagged per kind.
    """

    flags: dict[str, np.ndarray]
    kept: np.ndarray
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _f(level: str, kind: str, sub: Submissions, i: int, key: str | None = None, exp: dict | None = None, **kw) -> Finding:
    key = key or f"ikrn.chk.{kind}"
    exp = kw if exp is None else exp
    return Finding(level, f"ikrn_{kind}", Msg(key, **kw), file=sub.files[sub.file[i]], row=int(sub.row[i]),
                   expected=Msg(f"{key}.exp", **exp))


def outside_area(lat: np.ndarray, lon: np.ndarray, area: np.ndarray, areas, tolerance_m: float) -> np.ndarray:
    """Distance in metres of each point outside its area's polygon (0 inside, NaN without a point
    or area).

    Parameters
    ----------
    lat, lon : float arrays (n,), WGS84
    area : int array (n,), index into ``areas`` (< 0: none)
    areas : GeoDataFrame with a CRS

    Notes
    -----
    Inside/outside is decided in the boundaries' own CRS (``shapely.intersects_xy``, prepared
    polygons); the distance of a point found outside is measured in its own UTM zone (WGS84 /
    UTM, EPSG 326zz north, 327zz south), so it is right anywhere in Indonesia.
    """
    import shapely
    from pyproj import Transformer

    n = len(lat)
    out = np.full(n, np.nan)
    ok = np.isfinite(lat) & np.isfinite(lon) & (area >= 0) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if not ok.any():
        return out
    geoms = np.asarray(areas.geometry.values)
    shapely.prepare(geoms)
    x, y = lon[ok], lat[ok]
    if not areas.crs.equals("EPSG:4326"):
        x, y = Transformer.from_crs("EPSG:4326", areas.crs, always_xy=True).transform(x, y)
    inside = shapely.intersects_xy(geoms[area[ok]], x, y)
    pos = np.flatnonzero(ok)
    out[pos[inside]] = 0.0
    far = pos[~inside]
    if len(far):
        zone = np.clip(np.floor((lon[far] + 180) / 6).astype(int) + 1, 1, 60)
        epsg = np.where(lat[far] < 0, 32700, 32600) + zone
        wgs = areas.to_crs(4326)
        for code in np.unique(epsg):
            sel = far[epsg == code]
            tr = Transformer.from_crs("EPSG:4326", f"EPSG:{code}", always_xy=True)
            px, py = tr.transform(lon[sel], lat[sel])
            uniq, inv = np.unique(area[sel], return_inverse=True)
            polys = wgs.geometry.iloc[uniq].to_crs(f"EPSG:{code}").values
            out[sel] = shapely.distance(np.asarray(polys)[inv], shapely.points(px, py))
    return out


def run_checks(sub: Submissions, bank: Bank, cfg: ChecksConfig, areas=None) -> CheckResult:
    """Run every check on the decoded submissions.

    Parameters
    ----------
    areas : GeoDataFrame | None
        The study's areas in the order of ``sub.area_codes`` (for the location check); ``None``
        skips that check.

    Returns
    -------
    CheckResult
    """
    n = len(sub)
    flags = {k: np.zeros(n, bool) for k in CHECK_KINDS}
    findings: list[Finding] = list(sub.findings)
    ins_codes = [i.code for i in bank.instruments]
    # unknown / empty area
    flags["unknown_area"] = sub.area < 0
    # consent
    flags["no_consent"] = ~sub.consent
    # duplicates: the first occurrence (file order, then row) is kept
    has = sub.instance >= 0
    order = np.flatnonzero(has)
    _, first_pos, inv = np.unique(sub.instance[order], return_index=True, return_inverse=True)
    first_of = order[first_pos][inv]
    dup = np.zeros(n, bool)
    dup[order] = first_of != order
    flags["duplicate"] = dup
    first = np.full(n, -1, np.int64)
    first[order] = first_of
    # role and form
    allowed = np.zeros((len(INSTRUMENTS), len(bank.roles)), bool)
    role_ix = {r.code: j for j, r in enumerate(bank.roles)}
    for ins in bank.instruments:
        for r in ins.roles:
            allowed[INSTRUMENTS.index(ins.code), role_ix[r]] = True
    role_ok = (sub.role >= 0) & allowed[sub.instrument, np.maximum(sub.role, 0)]
    wrong_form = (sub.declared >= 0) & (sub.declared != sub.instrument)
    flags["wrong_role"] = ~role_ok | wrong_form
    # duration
    m_items = np.array([len(bank.items_of(c)) if c in ins_codes else 0 for c in INSTRUMENTS])
    need = cfg.min_seconds_per_item * m_items[sub.instrument]
    dur = sub.end - sub.start
    with np.errstate(invalid="ignore"):
        flags["too_short"] = np.isfinite(dur) & ((dur < need) | (dur < 0))
    # location
    dist = np.full(n, np.nan)
    if areas is not None and np.isfinite(sub.lat).any():
        if areas.crs is None:
            findings.append(Finding("info", "ikrn_no_crs", Msg("ikrn.chk.no_crs")))
        else:
            dist = outside_area(sub.lat, sub.lon, sub.area, areas, cfg.outside_tolerance_m)
            with np.errstate(invalid="ignore"):
                flags["outside_area"] = np.isfinite(dist) & (dist > cfg.outside_tolerance_m)
    # straight-lining over Likert items
    n_likert = np.zeros(n, np.int32)
    for ins in ins_codes:
        cols = [j for j, it in enumerate(bank.items_of(ins)) if it.response == "likert"]
        rows = sub.members[ins]
        if not cols or not len(rows):
            continue
        v = sub.answers[ins][:, cols]
        valid = np.isfinite(v) & (v != DK)
        cnt = valid.sum(axis=1)
        lo = np.where(valid, v, np.inf).min(axis=1)
        hi = np.where(valid, v, -np.inf).max(axis=1)
        flags["straightlining"][rows] = (cnt >= cfg.straightline_min_items) & (lo == hi)
        n_likert[rows] = cnt
    excluded_kinds = set(cfg.exclude)
    kept = ~np.logical_or.reduce([flags[k] for k in excluded_kinds]) if excluded_kinds else np.ones(n, bool)
    # findings, in the order a user fixes them (file, row)
    roles_txt = {c: ", ".join(bank.instrument(c).roles) for c in ins_codes}
    for kind in CHECK_KINDS:
        level = "warning"
        for i in np.flatnonzero(flags[kind]):
            ins = INSTRUMENTS[sub.instrument[i]]
            if kind == "unknown_area":
                findings.append(_f(level, kind, sub, i, exp={"n": len(sub.area_codes)}))
            elif kind == "duplicate":
                j = first[i]
                findings.append(_f(level, kind, sub, i, file=sub.files[sub.file[j]], row=int(sub.row[j])))
            elif kind == "wrong_role":
                if wrong_form[i]:
                    findings.append(_f(level, kind, sub, i, key="ikrn.chk.wrong_form",
                                       declared=INSTRUMENTS[sub.declared[i]], ins=ins))
                else:
                    findings.append(_f(level, kind, sub, i, ins=ins, roles=roles_txt.get(ins, "")))
            elif kind == "too_short":
                findings.append(_f(level, kind, sub, i, exp={"min": f"{need[i]:g}"}, secs=f"{dur[i]:.0f}",
                                   items=int(m_items[sub.instrument[i]])))
            elif kind == "outside_area":
                findings.append(_f(level, kind, sub, i, exp={"tol": f"{cfg.outside_tolerance_m:g}"},
                                   km=f"{dist[i] / 1000:.1f}"))
            elif kind == "straightlining":
                findings.append(_f(level, kind, sub, i, k=int(n_likert[i])))
            else:
                findings.append(_f(level, kind, sub, i))
    counts = {"read": int(n), "kept": int(kept.sum()), "excluded": int((~kept).sum())}
    counts.update({k: int(flags[k].sum()) for k in CHECK_KINDS})
    counts["out_of_scale"] = sum(1 for f in sub.findings if f.code == "ikrn_out_of_scale")
    counts["row_length"] = sum(1 for f in sub.findings if f.code == "export_row_length")
    return CheckResult(flags, kept, findings, counts)


def finding_counts(findings: list[Finding]) -> dict[str, int]:
    """Number of findings per code."""
    return dict(Counter(f.code for f in findings))
