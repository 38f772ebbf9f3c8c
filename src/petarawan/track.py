"""Tracking (monev) and re-measurement (keterpulihan): the store behind ``petarawan track``
(commands in :mod:`petarawan.track_cli`).

A study's SQLite store, ``STUDY_DIR/petarawan.sqlite`` (SQLAlchemy Core), records counts only —
never names:

- ``activity``: what happened — activity (one of BNN's steps), programme, date, area code,
  participants by group (exposed / not exposed / facilitators), spend (rupiah);
- ``planned``: the plan the office adopted (from a run's ``run.json``);
- ``snapshot``: each year's index score and class per area (from a run's GeoPackage).

The plan stage reads the store (read-only) and shows plan vs actual and, per area, the change of
score and class between the two latest years beside the programmes received.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import (Column, Date, Float, Integer, MetaData, String, Table, create_engine, delete, insert,
                        select)

from .codes import normalise_code
from .errors import Finding, InputError
from .plan.config import ACTIVITIES
from .i18n import Msg

PROGRAMME_ACTIVITIES = ("bimtek", "life_skill", "entrepreneurship")
"""Activities that belong to a programme of the catalogue (its ``kind``); the others
(pemetaan, rapat kerja, monev) are paid from the area cost and have no programme."""
AREA_ACTIVITIES = ("pemetaan", "rapat_kerja", "monev")
CLASSES = ("Bahaya", "Waspada", "Siaga", "Aman")
FIRST_YEAR = 2000
"""Dates and years before this are not plausible for a BNN programme record."""


def plausible_dates() -> tuple[date, date]:
    """(earliest, latest) accepted activity date: 2000-01-01 to one year after today."""
    today = date.today()
    return date(FIRST_YEAR, 1, 1), today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29) \
        else date(today.year + 1, 2, 28)


def plausible_years() -> tuple[int, int]:
    """(earliest, latest) accepted snapshot year: 2000 to next year."""
    return FIRST_YEAR, date.today().year + 1

STORE_NAME = "petarawan.sqlite"

_meta = MetaData()
activity_t = Table(
    "activity", _meta,
    Column("id", Integer, primary_key=True),
    Column("area", String, nullable=False),
    Column("activity", String, nullable=False),
    Column("programme", String, nullable=True),
    Column("date", Date, nullable=False),
    Column("exposed", Integer, nullable=False, default=0),
    Column("not_exposed", Integer, nullable=False, default=0),
    Column("facilitators", Integer, nullable=False, default=0),
    Column("spend", Float, nullable=False, default=0.0),
    Column("recorded_at", String, nullable=False),
)
planned_t = Table(
    "planned", _meta,
    Column("id", Integer, primary_key=True),
    Column("label", String, nullable=False),
    Column("area", String, nullable=False),
    Column("activity", String, nullable=False),
    Column("programme", String, nullable=True),
    Column("classes", Integer, nullable=False, default=0),
    Column("participants", Integer, nullable=False, default=0),
    Column("cost", Float, nullable=False, default=0.0),
    Column("start", Date, nullable=True),
    Column("end", Date, nullable=True),
)
snapshot_t = Table(
    "snapshot", _meta,
    Column("year", Integer, primary_key=True),
    Column("area", String, primary_key=True),
    Column("score", Float, nullable=True),
    Column("class", String, nullable=True),
)


def store_path(study_dir: Path | str) -> Path:
    return Path(study_dir) / STORE_NAME


def _store_finding(path: Path, err: BaseException) -> Finding:
    """The finding for a database error on the tracking store: damaged, locked, full disk,
    read-only — each naming the file and what to do (never the SQL or a traceback)."""
    from .io.atomic import os_error_finding

    orig = getattr(err, "orig", None) or err
    text = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    low = text.lower()
    name = str(path)
    if "locked" in low or "busy" in low:
        return Finding("error", "store_locked", Msg("f.store_locked"), file=name,
                       expected=Msg("x.store_locked"))
    if "disk is full" in low or "disk full" in low:
        import errno

        return os_error_finding(OSError(errno.ENOSPC, text), file=name)
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        import errno

        return os_error_finding(OSError(errno.EACCES, text), file=name)
    return Finding("error", "store_damaged", Msg("f.store_damaged", text=text), file=name,
                   expected=Msg("x.store_damaged", store_name=STORE_NAME))


def _guarded(method):
    """Turn any database error of a :class:`TrackStore` method into an :class:`InputError`."""
    import functools

    from sqlalchemy.exc import SQLAlchemyError

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (SQLAlchemyError, sqlite3.Error) as err:
            raise InputError(_store_finding(self.path, err)) from None
    return wrapper


class TrackStore:
    """The study's tracking store.

    Parameters
    ----------
    path : Path
        SQLite file (created with its tables if missing, unless ``read_only``).
    read_only : bool
        Open without creating anything (``InputError`` when the file is missing).
    timeout : float
        Seconds to wait for another program's lock before ``store_locked``.

    Raises
    ------
    InputError
        ``file_missing`` (read-only, no file); ``store_damaged`` — a file of 0 bytes (never
        silently re-created: it was a store that lost its content), not an SQLite database,
        truncated or malformed (SQLite's ``quick_check``), or without petarawan's tables and
        columns; ``store_locked``; a full disk or no permission.  Every later operation maps
        database errors the same way.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False, timeout: float = 5.0):
        self.path = Path(path)
        existed = self.path.exists()
        if read_only and not self.path.is_file():
            raise InputError(Finding("error", "file_missing", Msg("f.file_missing.track"), file=str(self.path)))
        if existed and not self.path.is_file():
            raise InputError(_store_finding(self.path, sqlite3.DatabaseError("not a file")))
        if existed and self.path.stat().st_size == 0:
            raise InputError(_store_finding(self.path, sqlite3.DatabaseError("0 bytes")))
        uri = f"file:{self.path}?mode={'ro' if read_only else 'rwc'}"
        self.engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=timeout))
        try:
            self._check(create=not read_only)
        except InputError:
            self.engine.dispose()
            raise

    @_guarded
    def _check(self, *, create: bool) -> None:
        with self.engine.connect() as con:
            found = {r[0] for r in con.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
            bad = [r[0] for r in con.exec_driver_sql("PRAGMA quick_check")]
            if bad != ["ok"]:
                raise sqlite3.DatabaseError(f"quick_check: {bad[0]}")
            for table in _meta.sorted_tables:
                if table.name not in found:
                    continue
                have = {r[1] for r in con.exec_driver_sql(f"PRAGMA table_info({table.name})")}
                missing = sorted({c.name for c in table.columns} - have)
                if missing:
                    raise sqlite3.DatabaseError(f"table {table.name} lacks column(s) {', '.join(missing)}")
        ours = {t.name for t in _meta.sorted_tables}
        others = {n for n in found if not n.startswith("sqlite_")}
        if others and not others & ours:  # another program's database: never write into it
            raise sqlite3.DatabaseError("no petarawan tables")
        if create:
            _meta.create_all(self.engine)
        elif not found >= ours:
            raise sqlite3.DatabaseError("no petarawan tables")

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "TrackStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- activities --------------------------------------------------------------------------
    @_guarded
    def add_activity(self, area: str, activity: str, when: date | str, *, programme: str | None = None,
                     exposed: int = 0, not_exposed: int = 0, facilitators: int = 0, spend: float = 0.0,
                     known_codes: pd.Index | None = None, programmes: dict[str, str] | None = None) -> int:
        """Record one activity; returns its id.

        Parameters
        ----------
        programme : str, optional
            Code of a programme of ``programmes``, whose kind must be ``activity``.  Free text
            never reaches the store: without a catalogue no programme is accepted.
        programmes : dict, optional
            The study's ``[[plan.programmes]]``: code → kind.

        Raises
        ------
        InputError
            Unknown activity, unknown area code, bad or implausible date (before 2000 or more
            than a year ahead), a programme not in the catalogue or of another kind, negative or
            non-integer counts.
        """
        problems = []
        code = normalise_code(area)
        if code is None or (known_codes is not None and code not in known_codes):
            problems.append(Finding("error", "unknown_code", Msg("f.unknown_code.track"), column="area", value=str(area)[:40],
                                    expected=Msg("x.unknown_code.track")))
        if activity not in ACTIVITIES:
            problems.append(Finding("error", "unknown_activity", Msg("f.unknown_activity"), column="activity", value=str(activity)[:40],
                                    expected=Msg("x.unknown_activity", activities=list(ACTIVITIES))))
        lo, hi = plausible_dates()
        try:
            d = when if isinstance(when, date) else date.fromisoformat(str(when))
        except ValueError:
            problems.append(Finding("error", "bad_date", Msg("f.bad_date.track"),
                                    column="date", value=when, expected=Msg("x.bad_date.track")))
            d = None
        if d is not None and not lo <= d <= hi:
            problems.append(Finding("error", "implausible_date", Msg("f.implausible_date"), column="date", value=str(d),
                                    expected=Msg("x.implausible_date", lo=lo, hi=hi)))
        problems += _programme_problems(programme, activity, programmes)
        counts = {"exposed": exposed, "not_exposed": not_exposed, "facilitators": facilitators}
        for k, v in counts.items():
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                problems.append(Finding("error", "bad_count", Msg("f.bad_count"), column=k, value=v,
                                        expected=Msg("x.bad_count")))
        if not (isinstance(spend, (int, float)) and not isinstance(spend, bool) and spend >= 0 and spend == spend
                and spend != float("inf")):
            problems.append(Finding("error", "bad_spend", Msg("f.bad_spend"),
                                    column="spend", value=spend, expected=Msg("x.bad_spend")))
        if problems:
            raise InputError(problems)
        with self.engine.begin() as con:
            r = con.execute(insert(activity_t).values(
                area=code, activity=activity, programme=programme or None, date=d, spend=float(spend),
                recorded_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(), **counts))
            return int(r.inserted_primary_key[0])

    @_guarded
    def activities(self) -> pd.DataFrame:
        with self.engine.connect() as con:
            return pd.DataFrame(con.execute(select(activity_t).order_by(activity_t.c.date, activity_t.c.id)).mappings().all(),
                                columns=[c.name for c in activity_t.columns])

    # -- adopted plan ------------------------------------------------------------------------
    @_guarded
    def adopt_plan(self, rows: pd.DataFrame, label: str, *, known_codes: pd.Index | None = None,
                   programmes: dict[str, str] | None = None) -> int:
        """Replace the adopted plan by ``rows`` (columns ``area, activity, programme, classes,
        participants, cost, start, end``).  Returns the number of rows stored.

        Raises
        ------
        InputError
            A row whose area is not a study area, whose activity is unknown, or whose programme is
            not in ``programmes`` (checked when given) — nothing is stored then.
        """
        recs, problems = [], []
        for i, r in enumerate(rows.to_dict("records"), start=1):
            code = normalise_code(r.get("area"))
            if code is None or (known_codes is not None and code not in known_codes):
                problems.append(Finding("error", "unknown_code", Msg("f.unknown_code.track2"), row=i, column="area",
                                        value=str(r.get("area"))[:40], expected=Msg("x.unknown_code.track")))
            if r.get("activity") not in ACTIVITIES:
                problems.append(Finding("error", "unknown_activity", Msg("f.unknown_activity"),
                                        row=i, column="activity", value=str(r.get("activity"))[:40],
                                        expected=Msg("x.unknown_activity", activities=list(ACTIVITIES))))
            elif programmes is not None:
                problems += [replace(f, row=i) for f in _programme_problems(_text_or_none(r.get("programme")),
                                                                            r["activity"], programmes)]
            recs.append({"label": label, "area": code, "activity": r.get("activity"),
                         "programme": _text_or_none(r.get("programme")), "classes": int(r.get("classes") or 0),
                         "participants": _int_or_zero(r.get("participants")), "cost": float(r.get("cost") or 0.0),
                         "start": _to_date(r.get("start")), "end": _to_date(r.get("end"))})
        if problems:
            raise InputError(problems)
        with self.engine.begin() as con:
            con.execute(delete(planned_t))
            if recs:
                con.execute(insert(planned_t), recs)
        return len(recs)

    @_guarded
    def planned(self) -> pd.DataFrame:
        with self.engine.connect() as con:
            return pd.DataFrame(con.execute(select(planned_t).order_by(planned_t.c.id)).mappings().all(),
                                columns=[c.name for c in planned_t.columns])

    # -- snapshots ---------------------------------------------------------------------------
    @_guarded
    def add_snapshot(self, year: int, scores: pd.DataFrame, *, known_codes: pd.Index | None = None) -> int:
        """Store (replace) one year's ``score`` and ``class`` per area (``scores`` indexed by code
        or with a ``code`` column).

        Raises
        ------
        InputError
            Year outside 2000..next year; with ``known_codes``, areas that are not the study's
            areas (codes unknown to the study, or study areas missing); a class that is not a BNN
            class.
        """
        df = scores.reset_index() if "code" not in scores.columns else scores
        problems = []
        y0, y1 = plausible_years()
        if not (isinstance(year, int) and y0 <= year <= y1):
            problems.append(Finding("error", "implausible_year", Msg("f.implausible_year.track"), column="year", value=year,
                                    expected=Msg("x.implausible_year.track", y0=y0, y1=y1)))
        codes = pd.Index([normalise_code(c) for c in df["code"]])
        if known_codes is not None:
            unknown = sorted({str(c) for c in codes if c not in known_codes})
            missing = sorted(set(known_codes) - set(codes))
            if unknown or missing:
                problems.append(Finding(
                    "error", "snapshot_other_areas", Msg("f.snapshot_other_areas", n_unknown=len(unknown), n_missing=len(missing)), column="code", value=(unknown or missing)[:5],
                    expected=Msg("x.snapshot_other_areas", n_known_codes=len(known_codes))))
        bad_cls = sorted({str(c) for c in df["class"] if not pd.isna(c) and c not in CLASSES}) if "class" in df else []
        if bad_cls:
            problems.append(Finding("error", "unknown_class", Msg("f.unknown_class"),
                                    column="class", value=bad_cls[:5], expected=Msg("x.unknown_class", classes=list(CLASSES))))
        if problems:
            raise InputError(problems)
        recs = [{"year": int(year), "area": normalise_code(r["code"]),
                 "score": None if pd.isna(r.get("score")) else float(r["score"]),
                 "class": None if pd.isna(r.get("class")) else str(r["class"])} for r in df.to_dict("records")]
        with self.engine.begin() as con:
            con.execute(delete(snapshot_t).where(snapshot_t.c.year == int(year)))
            if recs:
                con.execute(insert(snapshot_t), recs)
        return len(recs)

    @_guarded
    def snapshots(self) -> pd.DataFrame:
        with self.engine.connect() as con:
            return pd.DataFrame(con.execute(select(snapshot_t).order_by(snapshot_t.c.year, snapshot_t.c.area)).mappings().all(),
                                columns=[c.name for c in snapshot_t.columns])


def _text_or_none(v: object) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA or str(v) == "":
        return None
    return str(v)


def _int_or_zero(v: object) -> int:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return 0
    return int(v)


def _programme_problems(programme: str | None, activity: str, programmes: dict[str, str] | None) -> list[Finding]:
    """Findings when ``programme`` is not a catalogue code of the kind ``activity``."""
    if not programme:
        return []
    short = str(programme)[:40]
    if activity in AREA_ACTIVITIES:
        return [Finding("error", "programme_not_allowed", Msg("f.programme_not_allowed", activity=activity), column="programme", value=short,
                        expected=Msg("x.programme_not_allowed"))]
    if programmes is None:
        return [Finding("error", "unknown_programme", Msg("f.unknown_programme"),
                        column="programme", value=short, expected=Msg("x.unknown_programme"))]
    if programme not in programmes:
        return [Finding("error", "unknown_programme", Msg("f.unknown_programme.track"),
                        column="programme", value=short, expected=Msg("x.unknown_programme.track", programmes=sorted(programmes)))]
    if activity in PROGRAMME_ACTIVITIES and programmes[programme] != activity:
        ok = sorted(c for c, k in programmes.items() if k == activity)
        return [Finding("error", "programme_kind", Msg("f.programme_kind", programme=programme, programmes_programme=programmes[programme], activity=activity),
                        column="programme", value=short, expected=Msg("x.programme_kind", ok=ok))]
    return []


def _to_date(v: object) -> date | None:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v == "":
        return None
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def plan_vs_actual(planned: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Planned against recorded participants and money per area and activity/programme.

    Pemetaan, rapat kerja and monev are paid together from the plan's ``area_cost``; they are
    compared as one line, activity ``"area"``, so the planned area cost faces the sum of what
    the three cost.

    Returns
    -------
    DataFrame
        Columns ``area, activity, programme, planned_participants, actual_participants,
        planned_cost, actual_spend, done`` (True when at least one activity was recorded).
        ``planned_participants`` is NaN where the plan did not publish the number.
    """
    key = ["area", "activity", "programme"]

    def area_line(df: pd.DataFrame) -> pd.DataFrame:
        return df.assign(activity=df["activity"].where(~df["activity"].isin(AREA_ACTIVITIES), "area"),
                         programme=df["programme"].fillna(""))

    planned, activities = area_line(planned), area_line(activities)
    p = planned.groupby(key, as_index=False).agg(
        planned_participants=("participants", lambda x: x.sum(min_count=1) if x.notna().all() else np.nan),
        planned_cost=("cost", "sum"))
    a = activities.assign(programme=activities["programme"].fillna(""),
                          participants=activities["exposed"] + activities["not_exposed"] + activities["facilitators"])
    a = a.groupby(key, as_index=False).agg(actual_participants=("participants", "sum"), actual_spend=("spend", "sum"),
                                           n=("id", "size"))
    out = p.merge(a, on=key, how="outer")
    out["done"] = out["n"].fillna(0) > 0
    in_plan = out["planned_cost"].notna()
    for c in ("actual_participants", "planned_cost", "actual_spend"):
        out[c] = out[c].fillna(0)
    out["planned_participants"] = out["planned_participants"].where(~in_plan | out["planned_participants"].notna(), np.nan)
    out.loc[~in_plan, "planned_participants"] = 0
    order = {"area": 0, **{k: i + 1 for i, k in enumerate(ACTIVITIES)}}
    out["_o"] = out["activity"].map(order)
    return out.sort_values(["area", "_o", "programme"]).drop(columns=["_o", "n"]).reset_index(drop=True)


def recovery(snapshots: pd.DataFrame, activities: pd.DataFrame, current: pd.DataFrame | None = None,
             current_year: int | None = None) -> pd.DataFrame:
    """Keterpulihan: each area's change of score and class between the two latest years.

    Parameters
    ----------
    snapshots : DataFrame
        ``year, area, score, class`` from the store.
    activities : DataFrame
        Recorded activities (programmes received are those dated before the later year's end).
    current : DataFrame, optional
        This run's ``score`` and ``class`` by code, treated as year ``current_year``.

    Returns
    -------
    DataFrame
        Columns ``area, year_from, score_from, class_from, year_to, score_to, class_to, change``
        (score difference, negative = less prone), ``class_change`` (``membaik``/``memburuk``/
        ``tetap``: improved/worse/same on the Bahaya > Waspada > Siaga > Aman scale),
        ``programmes`` (received, comma-separated), ``participants``.
    """
    snaps = snapshots[["year", "area", "score", "class"]].copy()
    if current is not None and current_year is not None:
        cur = current.reset_index().rename(columns={"code": "area"})[["area", "score", "class"]]
        cur["year"] = int(current_year)
        snaps = pd.concat([snaps[snaps["year"] != int(current_year)], cur], ignore_index=True)
    years = sorted(snaps["year"].unique())
    if len(years) < 2:
        return pd.DataFrame(columns=["area", "year_from", "score_from", "class_from", "year_to", "score_to", "class_to",
                                     "change", "class_change", "programmes", "participants"])
    y0, y1 = years[-2], years[-1]
    a = snaps[snaps["year"] == y0].set_index("area")
    b = snaps[snaps["year"] == y1].set_index("area")
    out = pd.DataFrame({"year_from": y0, "score_from": a["score"], "class_from": a["class"]}).join(
        pd.DataFrame({"year_to": y1, "score_to": b["score"], "class_to": b["class"]}), how="inner")
    out["change"] = out["score_to"] - out["score_from"]
    rank = {"Bahaya": 0, "Waspada": 1, "Siaga": 2, "Aman": 3}
    d = out["class_to"].map(rank) - out["class_from"].map(rank)
    out["class_change"] = [("membaik" if x > 0 else "memburuk" if x < 0 else "tetap") if pd.notna(x) else "" for x in d]
    acts = activities.copy()
    if len(acts):
        acts = acts[pd.to_datetime(acts["date"]).dt.year <= y1]
        acts["participants"] = acts["exposed"] + acts["not_exposed"] + acts["facilitators"]
        progs = acts.assign(p=acts["programme"].fillna(acts["activity"])).groupby("area")["p"].agg(
            lambda s: ", ".join(sorted(set(s))))
        parts = acts.groupby("area")["participants"].sum()
    else:
        progs, parts = pd.Series(dtype=str), pd.Series(dtype=int)
    out["programmes"] = progs.reindex(out.index).fillna("")
    out["participants"] = parts.reindex(out.index).fillna(0).astype(int)
    out.index.name = "area"
    return out.reset_index()
