"""Shared input checks of the ``hotspots`` stage: capping repeated per-row findings and spotting
swapped coordinate columns.

Pure functions over findings and arrays (no I/O).
"""

from __future__ import annotations

import numpy as np

from ..errors import Finding

FIRST_ROWS = 10
"""Per-row findings of one kind (same level, code, file and column) listed one by one; the rest
are summarised in one finding with their number and row range."""


def cap_rows(findings: list[Finding], first: int = FIRST_ROWS) -> list[Finding]:
    """Keep the first ``first`` findings of each kind and summarise the rest.

    A *kind* is the tuple (level, code, file, column).  Findings without a row are never capped.

    Parameters
    ----------
    findings : list[Finding]
    first : int
        Findings of one kind listed individually (≥ 1).

    Returns
    -------
    list[Finding]
        The kept findings in their original order; after the last kept finding of a capped kind,
        one finding of the same level and code with ``row=None``, ``value`` = the number of rows
        left out, and their first–last row numbers in the message.

    Examples
    --------
    210 identical ``bad_coordinate`` errors (rows 2–211) with ``first=10`` → 10 findings for rows
    2–11, then one finding "200 more rows … (rows 12–211)" with ``value=200``.
    """
    groups: dict[tuple, list[int]] = {}
    for i, f in enumerate(findings):
        if f.row is not None:
            groups.setdefault((f.level, f.code, f.file, f.column), []).append(i)
    drop: set[int] = set()
    after: dict[int, Finding] = {}
    for key, idx in groups.items():
        if len(idx) <= first:
            continue
        rest = idx[first:]
        drop.update(rest)
        f0 = findings[idx[0]]
        rows = [findings[i].row for i in rest]
        lo, hi = min(rows), max(rows)
        after[idx[first - 1]] = Finding(
            f0.level, f0.code,
            f"{len(rest)} baris lain dengan masalah yang sama (baris {lo}–{hi}): {f0.text('id')}",
            message_en=f"{len(rest)} more rows with the same problem (rows {lo}–{hi}): {f0.text('en')}",
            file=f0.file, column=f0.column, value=len(rest), expected=f0.expectation("id"),
            expected_en=f0.expectation("en") if f0.expected_en is not None else None)
    out: list[Finding] = []
    for i, f in enumerate(findings):
        if i in drop:
            continue
        out.append(f)
        if i in after:
            out.append(after[i])
    return out


def _inside(x: np.ndarray, y: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
    minx, miny, maxx, maxy = bounds
    with np.errstate(invalid="ignore"):
        return (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)


def swapped_columns(x: np.ndarray, y: np.ndarray, bounds: tuple[float, float, float, float] | None, *, label: str,
                    x_column: str, y_column: str, rows: list[int] | None = None, margin: float = 0.1) -> Finding | None:
    """One error when the x and y columns look swapped.

    Rule: count the points inside the study area's bounding box (enlarged by ``margin`` × its
    larger side on every edge) as given, and with x and y exchanged.  The columns look swapped
    when more points fall inside exchanged than as given (and at least one does).

    Parameters
    ----------
    x, y : array of float, shape (n,)
        Coordinates as read (NaN where a cell is not a number), in the CRS of ``bounds``.
    bounds : (minx, miny, maxx, maxy) | None
        The study area's bounds in the points' CRS; ``None`` (unknown) → no check.
    rows : list of int, optional
        Spreadsheet row of each point; the value of the finding starts with the first swapped
        point's row (``"#5: longitude = -2.1, latitude = 106.1"``).

    Returns
    -------
    Finding | None
        ``coordinates_swapped`` (error) naming both columns, how many points fall inside each
        way, and the first swapped row's values.
    """
    if bounds is None or len(x) == 0 or not np.all(np.isfinite(bounds)):
        return None
    x, y = np.asarray(x, float), np.asarray(y, float)
    minx, miny, maxx, maxy = bounds
    pad = margin * max(maxx - minx, maxy - miny)
    box = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    given = _inside(x, y, box)
    swapped = _inside(y, x, box) & ~given
    n_given, n_swapped = int(given.sum()), int(swapped.sum())
    if n_swapped == 0 or n_swapped <= n_given:
        return None
    k = int(np.flatnonzero(swapped)[0])
    first = f"{x_column} = {float(x[k])!r}, {y_column} = {float(y[k])!r}"
    if rows is not None:
        first = f"#{rows[k]}: {first}"
    n = len(x)
    return Finding(
        "error", "coordinates_swapped",
        f"kolom '{x_column}' dan '{y_column}' tampaknya tertukar: {n_swapped} dari {n} titik jatuh di wilayah studi "
        f"bila keduanya ditukar, hanya {n_given} bila tidak",
        message_en=f"columns '{x_column}' and '{y_column}' look swapped: {n_swapped} of {n} points fall in the study "
                   f"area when they are exchanged, only {n_given} when they are not",
        file=label, column=f"{x_column}/{y_column}", value=first,
        expected=f"bujur/easting di x_column dan lintang/northing di y_column: tulis x_column = \"{y_column}\" dan "
                 f"y_column = \"{x_column}\" di [hotspots.incidents], atau tukar isi kedua kolom",
        expected_en=f"longitude/easting in x_column and latitude/northing in y_column: set x_column = \"{y_column}\" "
                    f"and y_column = \"{x_column}\" in [hotspots.incidents], or swap the two columns' contents")
