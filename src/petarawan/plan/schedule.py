"""Sequence each chosen area's activities in BNN's order, on working days.

Order (DOMAIN §2): pemetaan → rapat kerja stakeholder → bimtek pendamping → pelatihan life skill
→ pelatihan kewirausahaan → monev.  Areas are taken in priority order (highest index score
first) by ``teams`` field teams working in parallel; a team finishes an area's last training
before starting the next area; monev follows ``monev_after_days`` after the last training.
Classes of one programme in one area run one after another.  Working days are Monday–Friday
minus the configured holidays (``numpy.busday_offset``).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .config import ACTIVITIES, Programme, ScheduleSpec

_KIND_STEP = {"bimtek": 3, "life_skill": 4, "entrepreneurship": 5}


def _add(day: np.datetime64, n: int, hol: list[np.datetime64]) -> np.datetime64:
    return np.busday_offset(day, n, roll="forward", holidays=hol)


def schedule(order: list[str], classes: dict[str, dict[str, int]], programmes: list[Programme],
             spec: ScheduleSpec) -> pd.DataFrame:
    """Dates of every activity in every chosen area.

    Parameters
    ----------
    order : list of str
        Chosen area codes, highest priority first.
    classes : dict
        ``{code: {programme code: number of classes}}``.
    programmes : list of Programme
    spec : ScheduleSpec

    Returns
    -------
    DataFrame
        Columns ``code``, ``step`` (1–6), ``activity`` (one of :data:`ACTIVITIES`),
        ``programme`` (code or ``""``), ``classes``, ``start``, ``end`` (``datetime.date``,
        inclusive), ``team``; rows in time order within each area.
    """
    hol = [np.datetime64(h) for h in spec.holidays]
    teams = [np.busday_offset(np.datetime64(spec.start), 0, roll="forward", holidays=hol)] * spec.teams
    by_code = {p.code: p for p in programmes}
    rows = []

    def block(code: str, step: int, prog: str, n: int, start: np.datetime64, days: int, team: int) -> np.datetime64:
        days = max(days, 1)
        end = _add(start, days - 1, hol)
        rows.append({"code": code, "step": step, "activity": ACTIVITIES[step - 1], "programme": prog, "classes": n,
                     "start": start.astype(date), "end": end.astype(date), "team": team + 1})
        return _add(end, 1 + spec.gap_days, hol)

    for code in order:
        team = int(np.argmin(teams))
        day = teams[team]
        day = block(code, 1, "", 0, day, spec.pemetaan_days, team)
        day = block(code, 2, "", 0, day, spec.rapat_kerja_days, team)
        last_end = None
        for kind in ("bimtek", "life_skill", "entrepreneurship"):
            for pcode, n in classes.get(code, {}).items():
                p = by_code[pcode]
                if p.kind != kind or n <= 0:
                    continue
                day = block(code, _KIND_STEP[kind], pcode, n, day, p.duration_days * n, team)
                last_end = rows[-1]["end"]
        teams[team] = day
        base = np.datetime64(last_end) if last_end is not None else np.datetime64(rows[-1]["end"])
        block(code, 6, "", 0, _add(base, spec.monev_after_days, hol), spec.monev_days, team)
    return pd.DataFrame(rows, columns=["code", "step", "activity", "programme", "classes", "start", "end", "team"])
