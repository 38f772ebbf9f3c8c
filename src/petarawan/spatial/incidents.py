"""Incidents as points → counts per area and period.

Reading (I/O) is :func:`read_incidents`; assignment and counting are pure functions.

Assignment rule (deterministic, documented in ``docs/method_spatial.md``):

1. A point strictly inside one polygon belongs to that area.
2. A point on a boundary (``intersects`` but not ``within``) — e.g. on the border shared by two
   kelurahan, or on a shared vertex — belongs to the touching area whose canonical code sorts
   first (lexicographic order of the code text).  The same input therefore always gives the same
   counts, whatever the order of the rows or polygons.
3. A point in no polygon is *outside*: it is not counted, and a warning Finding names its row.

Periods: ``year`` → ``"2021"``, ``quarter`` → ``"2021Q3"``, ``month`` → ``"2021-07"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import Finding, InputError
from ..io.numbers import EN, ID, STYLES, NumberStyle, classify, infer_style, parse_number
from ..io.tables import missing_column, read_table  # noqa: F401  (missing_column re-exported)
from .checks import cap_rows, swapped_columns
from ..i18n import Msg

Period = Literal["year", "quarter", "month"]


@dataclass(frozen=True)
class Incidents:
    """Validated incident points.

    Attributes
    ----------
    points : GeoDataFrame
        Index = spreadsheet row number; columns ``date`` (datetime64, NaT if no date column),
        ``type`` (str or None), ``geometry`` (points in the declared CRS).
    file : str
    findings : list[Finding]
    """

    points: gpd.GeoDataFrame
    file: str
    findings: list[Finding]


def _parse_date(value) -> pd.Timestamp | None:
    if value is None:
        return None
    s = str(value).strip()
    for dayfirst in (False, True):
        try:
            ts = pd.to_datetime(s, dayfirst=dayfirst, format="ISO8601" if not dayfirst else None)
            return ts
        except (ValueError, TypeError):
            continue
    try:  # Excel serial day number
        x = float(s)
        return pd.Timestamp("1899-12-30") + pd.Timedelta(days=x)
    except ValueError:
        return None


def parse_coordinate(cell, column_style: NumberStyle | str | None) -> float:
    """One coordinate cell as a number, by the io number parser.

    The column's style (explicit, or :func:`petarawan.io.numbers.infer_style` of its cells)
    decides as for any number (``"id"`` columns: ``600.500`` = 600500; ``"en"``: ``600,500`` =
    600500).  Where the column settles nothing, a lone separator is a decimal separator: a
    coordinate is never written with thousands separators alone (``-1.996`` = −1.996°).

    Raises
    ------
    ValueError
        Not a number (:class:`petarawan.io.numbers.NumberError`).
    """
    style = STYLES.get(column_style) if isinstance(column_style, str) else column_style
    if style is None and isinstance(cell, str) and classify(cell.strip()) == "amb":
        style = ID if "," in cell else EN
    return parse_number(cell, style=style)


def _coordinate_style(cells: list) -> NumberStyle | None:
    """The column's style, or None when its cells disagree: a coordinate cell that settles a style
    (``106,1``, ``-2.25``) reads the same in its own style, so a mixed column is read cell by cell."""
    votes = infer_style(cells)
    return None if votes.votes["id"] and votes.votes["en"] else votes.style


def incidents_from_table(df: pd.DataFrame, *, x_column: str, y_column: str, crs: str, date_column: str | None = None,
                         type_column: str | None = None, label: str = "incidents",
                         study_bounds: tuple[float, float, float, float] | None = None,
                         style: NumberStyle | None = None) -> Incidents:
    """Validate a table of incidents (all cells as text, index = spreadsheet row) into points.

    Parameters
    ----------
    df : DataFrame
        As :func:`petarawan.io.readers.read_table` returns it.
    x_column, y_column : str
        Longitude / latitude (for EPSG:4326) or easting / northing, read by
        :func:`parse_coordinate` (``-1.996`` = −1.996, not 1996).
    crs : str
        CRS of the coordinates, e.g. ``"EPSG:4326"``.
    date_column, type_column : str, optional
    study_bounds : (minx, miny, maxx, maxy), optional
        The study area's bounds in ``crs``.  When given, swapped x/y columns are detected
        (:func:`petarawan.spatial.checks.swapped_columns`) and reported as one error.
    style : NumberStyle, optional
        The table's explicit number style (``[hotspots.incidents] decimal``); default: per column.

    Returns
    -------
    Incidents

    Raises
    ------
    InputError
        Listing every missing column, non-numeric or out-of-range coordinate and unreadable date
        (the first 10 rows of each kind, then their number — :func:`~petarawan.spatial.checks.cap_rows`),
        and swapped x/y columns.
    """
    errors: list[Finding] = []
    for c in (x_column, y_column, date_column, type_column):
        if c and c not in df.columns:
            errors.append(missing_column(label, c, df.columns))
    if errors:
        raise InputError(errors)
    geographic = crs.upper() in ("EPSG:4326", "WGS84", "OGC:CRS84")
    xs, ys, dates, types, rows = [], [], [], [], []
    raw_x, raw_y = [], []  # as read, out-of-range values kept (for the swapped-columns check)
    styles = {c: style or _coordinate_style([df.at[r, c] for r in df.index]) for c in (x_column, y_column)}
    for row in df.index:
        vals = []
        for c, lim, raw in ((x_column, 180, raw_x), (y_column, 90, raw_y)):
            cell = df.at[row, c]
            try:
                v = parse_coordinate(cell, styles[c])
            except ValueError:
                v = None
            raw.append(np.nan if v is None else v)
            if v is None or not np.isfinite(v) or (geographic and abs(v) > lim):
                errors.append(Finding("error", "bad_coordinate", Msg("f.bad_coordinate"), file=label, row=int(row),
                                      column=c, value=cell,
                                      expected=Msg("x.bad_coordinate.degrees" if geographic else "x.bad_coordinate",
                                                   lim=lim, crs=crs)))
            vals.append(v)
        d = None
        if date_column:
            d = _parse_date(df.at[row, date_column])
            if d is None:
                errors.append(Finding("error", "bad_date", Msg("f.bad_date"),
                                      file=label, row=int(row), column=date_column, value=df.at[row, date_column],
                                      expected=Msg("x.bad_date")))
        xs.append(vals[0]); ys.append(vals[1]); dates.append(d); rows.append(int(row))
        types.append(None if not type_column else df.at[row, type_column])
    swap = swapped_columns(np.array(raw_x, float), np.array(raw_y, float), study_bounds, label=label,
                           x_column=x_column, y_column=y_column, rows=rows)
    if swap is not None:
        errors.insert(0, swap)
    if errors:
        raise InputError(cap_rows(errors))
    pts = gpd.GeoDataFrame({"date": pd.to_datetime(pd.Series(dates, dtype=object)).to_numpy(), "type": types},
                           geometry=gpd.points_from_xy(xs, ys), crs=crs, index=pd.Index(rows, name="row"))
    return Incidents(pts, label, [])


def read_incidents(path: Path, *, x_column: str, y_column: str, crs: str, date_column: str | None = None,
                   type_column: str | None = None, sheet: str | None = None, label: str | None = None,
                   study_bounds: tuple[float, float, float, float] | None = None, style: NumberStyle | None = None,
                   encoding: str | None = None) -> Incidents:
    """Read a CSV / XLSX of incidents (see :func:`incidents_from_table`) with the io table reader."""
    label = label or Path(path).name
    df = read_table(Path(path), sheet=sheet, label=label, encoding=encoding)
    return incidents_from_table(df, x_column=x_column, y_column=y_column, crs=crs, date_column=date_column,
                                type_column=type_column, label=label, study_bounds=study_bounds, style=style)


@dataclass(frozen=True)
class Assignment:
    """Area of each point.

    Attributes
    ----------
    code : Series
        Index = the points' index; the assigned area code, or None for points outside every area.
    on_border : Series of bool
        Points that touched more than one area (assigned by the lowest-code rule).
    findings : list[Finding]
        One warning per point outside every area (the first 10, then their number).
    """

    code: pd.Series
    on_border: pd.Series
    findings: list[Finding]


def assign_points(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, *, label: str = "incidents") -> Assignment:
    """Assign points to areas by spatial join (rule in the module docstring).

    Parameters
    ----------
    points : GeoDataFrame
        Points in any CRS (reprojected to the areas' CRS).
    areas : GeoDataFrame
        Polygons indexed by canonical area code.

    Returns
    -------
    Assignment
    """
    if points.crs is not None and areas.crs is not None and points.crs != areas.crs:
        points = points.to_crs(areas.crs)
    left = gpd.GeoDataFrame(geometry=points.geometry.values, index=pd.RangeIndex(len(points)), crs=areas.crs)
    right = gpd.GeoDataFrame(geometry=areas.geometry.values, crs=areas.crs)
    right["_code"] = [str(c) for c in areas.index]
    hits = gpd.sjoin(left, right, how="left", predicate="intersects")
    within = gpd.sjoin(left, right, how="inner", predicate="within")
    inside = within.groupby(level=0)["_code"].min()
    touching = hits.dropna(subset=["_code"]).groupby(level=0)["_code"]
    first = touching.min()
    n_touch = touching.nunique()
    code = pd.Series([None] * len(points), index=pd.RangeIndex(len(points)), dtype=object)
    code.loc[first.index] = first
    code.loc[inside.index] = inside  # a point within exactly one polygon keeps it
    border = pd.Series(False, index=code.index)
    border.loc[n_touch.index] = (n_touch > 1).to_numpy()
    findings = []
    for i in np.flatnonzero(code.isna().to_numpy()):
        findings.append(Finding("warning", "point_outside", Msg("f.point_outside"), file=label,
                                row=int(points.index[i]),
                                expected=Msg("x.point_outside")))
    code.index = points.index
    border.index = points.index
    return Assignment(code, border, cap_rows(findings))


def period_label(dates: pd.Series, period: Period) -> pd.Series:
    """Period label of each date: ``"2021"``, ``"2021Q3"`` or ``"2021-07"``."""
    d = pd.to_datetime(dates)
    if period == "year":
        return d.dt.year.astype("Int64").astype(str)
    if period == "quarter":
        return d.dt.year.astype(str) + "Q" + d.dt.quarter.astype(str)
    if period == "month":
        return d.dt.strftime("%Y-%m")
    raise ValueError(f"period must be year, quarter or month, got {period!r}")


def count_by_area(codes: pd.Series, area_index: pd.Index, periods: pd.Series | None = None) -> pd.DataFrame:
    """Counts per area (rows, every area of ``area_index``, zeros included) and period (columns,
    sorted; a single column ``"all"`` when ``periods`` is None).  Unassigned points are ignored."""
    keep = codes.notna()
    if periods is None:
        per = pd.Series("all", index=codes.index)
    else:
        per = periods.astype(str)
    tab = pd.crosstab(codes[keep], per[keep])
    cols = sorted(tab.columns) if len(tab.columns) else ["all"]
    return tab.reindex(index=area_index, columns=cols, fill_value=0).fillna(0).astype(int)
