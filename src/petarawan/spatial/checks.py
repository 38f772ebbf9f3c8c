"""Shared input checks of the ``hotspots`` stage: capping repeated per-row findings and spotting
swapped coordinate columns.

Pure functions over findings and arrays (no I/O).
"""

from __future__ import annotations

import numpy as np

from ..errors import Finding

from ..errors import FIRST_ROWS, cap_rows  # noqa: F401  (moved to errors: one capping rule for every reader)
from ..i18n import Msg


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
        Msg("f.coordinates_swapped", x_column=x_column, y_column=y_column, n_swapped=n_swapped, n=n, n_given=n_given),
        file=label, column=f"{x_column}/{y_column}", value=first,
        expected=Msg("x.coordinates_swapped", y_column=y_column, x_column=x_column))
