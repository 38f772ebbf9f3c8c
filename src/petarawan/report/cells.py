"""One formatter for every cell of a reader-facing table (HTML report; text labels elsewhere).

A cell reads as the reader writes it, in the reader's language (:mod:`petarawan.fmt`, CLDR via
Babel):

- text: as is (names, codes such as ``19.71.01.1008``, text a section already formatted);
- ``True``/``False`` → ``ya``/``tidak`` (``yes``/``no``);
- whole numbers (int, or a column of floats that are all whole, e.g. ranks) → ``12``,
  ``11.850`` / ``11,850``;
- other numbers → the column's decimals (2 unless the caller says otherwise) with the locale's
  decimal mark: ``84,40`` / ``84.40``;
- missing (None, NaN, ``pd.NA``, ``NaT``) → ``–``.

The analysts' workbook keeps real numbers in its cells and does not use this module.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import fmt
from ..i18n import t

DECIMALS = 2


def missing(v: Any) -> bool:
    """True for None, NaN, ``pd.NA`` and ``NaT``."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) and math.isnan(float(v))


def cell(v: Any, lang: str, decimals: int | None = DECIMALS) -> str:
    """The text of one table cell in ``lang`` ("id"/"en").

    ``decimals``: digits after the decimal mark for a number that is not whole-typed; ``0``
    shows it rounded to a whole number; ``None``: up to 4 significant digits
    (:func:`petarawan.fmt.readable`)."""
    if isinstance(v, str):
        return v
    if missing(v):
        return fmt.MISSING
    if isinstance(v, (bool, np.bool_)):
        return t("cell.yes" if v else "cell.no", lang)
    if isinstance(v, numbers.Integral):
        return fmt.integer(v, lang)
    if isinstance(v, numbers.Real):
        if decimals is None:
            return fmt.readable(v, lang)
        return fmt.integer(v, lang) if decimals == 0 else fmt.number(v, lang, decimals=decimals)
    if isinstance(v, (_dt.date, pd.Timestamp)):
        return fmt.date(v, lang)
    return str(v)


def column_decimals(values: Iterable[Any], default: int | None = DECIMALS) -> int | None:
    """Decimals for a column: 0 when every number in it is whole (ranks, counts stored as
    floats because of a gap), else ``default``."""
    nums = [float(v) for v in values if isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
            and not missing(v)]
    if nums and all(x.is_integer() for x in nums):
        return 0
    return default


def rows(rows_: Sequence[Sequence[Any]], lang: str, decimals: Mapping[int, int | None] | None = None) -> list[list[str]]:
    """Every cell of ``rows_`` (a list of rows) as text; ``decimals`` by column position
    (others: :func:`column_decimals`)."""
    rows_ = [list(r) for r in rows_]
    width = max((len(r) for r in rows_), default=0)
    dec = {j: (decimals or {}).get(j, column_decimals(r[j] for r in rows_ if j < len(r))) for j in range(width)}
    return [[cell(v, lang, dec[j]) for j, v in enumerate(r)] for r in rows_]


def frame(df: pd.DataFrame, lang: str, decimals: Mapping[str, int | None] | None = None) -> pd.DataFrame:
    """``df`` with every cell as text (:func:`cell`); ``decimals`` by column name."""
    out = pd.DataFrame(index=df.index)
    for j, c in enumerate(df.columns):
        col = df.iloc[:, j].astype(object).tolist()
        d = (decimals or {}).get(c, column_decimals(col))
        out[j] = [cell(v, lang, d) for v in col]
    out.columns = df.columns
    return out


def table(df: pd.DataFrame, lang: str, decimals: Mapping[str, int | None] | None = None) -> dict:
    """``{"head", "rows"}`` for ``table.html`` / ``table_simple.html``, every cell as text."""
    f = frame(df, lang, decimals)
    return {"head": [str(c) for c in df.columns], "rows": f.to_numpy().tolist()}
