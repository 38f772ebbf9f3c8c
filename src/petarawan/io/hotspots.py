"""Hot-spot input tables: counts per area (and period) and population per area, read and
validated into frames the hot-spot stage analyses (:mod:`petarawan.spatial.inputs` orchestrates).

Both tables come through the one table reader (:func:`petarawan.io.tables.read_table`) and the
one number parser (:mod:`petarawan.io.numbers`: one style per column, ``5.309`` = 5309, explicit
``decimal``/``thousands`` settings); area codes are matched to the boundary file's with
:func:`petarawan.codes.code_matcher` (dots, spaces and an Excel ``.0`` ignored).  Every problem is
a finding naming file, row, column and value; repeated kinds are capped
(:func:`petarawan.errors.cap_rows`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import code_matcher
from ..errors import Finding, InputError, cap_rows
from ..i18n import Msg
from .numbers import parse_column, parse_columns
from .tables import missing_column, read_table

__all__ = ["PERIOD_NAME", "counts_from_table", "population_from_table", "read_counts", "read_population"]

PERIOD_NAME = re.compile(r"^\d{4}(Q[1-4]|-\d{2})?$")
"""Column headings read as periods of a wide counts table: 2021, 2021Q3, 2021-07."""


def _unknown_code(label: str, row: int, column: str, code: str, n_known: int) -> Finding:
    return Finding("error", "unknown_code", Msg("f.unknown_code.spatial"), file=label, row=row, column=column, value=code,
                   expected=Msg("x.unknown_code.spatial", n_known=n_known))


def _count_columns(df: pd.DataFrame, columns: list[str], spec, label: str) -> tuple[dict[str, np.ndarray], list[Finding]]:
    """Count columns read by the io number parser (one style per column; ``5.309`` = 5309), with
    every cell that is not a whole number ≥ 0 as an error.  Empty cells and missing-value marks
    are NaN (the area is then left out of the analysis, with a warning)."""
    parsed = parse_columns(df, dict.fromkeys(columns, True), rows=list(df.index), label=label,
                           style=spec.number_style(), setting="[hotspots.counts] decimal")
    errors = [f for p in parsed.values() for f in p.findings if f.level == "error"]
    values = {}
    for c, p in parsed.items():
        x = p.values.copy()
        for r in df.index[x < 0]:
            errors.append(Finding("error", "negative_count", Msg("f.negative_count.inputs"), file=label,
                                  row=int(r), column=c, value=df.at[r, c], expected=Msg("x.negative_count")))
        x[x < 0] = np.nan
        values[c] = x
    return values, errors


def counts_from_table(df: pd.DataFrame, spec, label: str, known: pd.Index | None = None
                      ) -> tuple[pd.DataFrame | None, list[Finding]]:
    """Counts per area and period from a wide or long table of cells, with every problem found.

    Parameters
    ----------
    df : DataFrame
        Cells as :func:`petarawan.io.readers.read_table` returns them (index = spreadsheet row).
    spec : CountsSpec
    label : str
        File name for the findings.
    known : Index, optional
        Canonical codes of the boundary file; a code outside it is an error naming its row.

    Returns
    -------
    counts : DataFrame | None
        Index canonical code, columns periods in time order; ``None`` when a required column is
        missing (nothing else can be checked).
    errors : list[Finding]
        Every problem, each naming file, row, column, value and what was expected: missing
        columns, empty / duplicate / unknown codes, missing periods, cells that are not whole
        numbers, negative counts.  Repeated kinds are capped (:func:`petarawan.errors.cap_rows`).
    """
    errors: list[Finding] = []
    to_code = code_matcher(known)  # the study's code for a code written with or without dots
    if spec.code_column not in df.columns:
        errors.append(missing_column(label, spec.code_column, df.columns))
    if spec.layout == "long":
        errors += [missing_column(label, c, df.columns) for c in (spec.period_column, spec.count_column)
                   if c not in df.columns]
        if errors:
            return None, errors
        rows, seen = [], {}
        counts, bad_cells = _count_columns(df, [spec.count_column], spec, label)
        errors += bad_cells
        for i, row in enumerate(df.index):
            r = int(row)
            code = to_code(df.at[row, spec.code_column])
            per = df.at[row, spec.period_column]
            x = counts[spec.count_column][i]
            if code is None:
                errors.append(Finding("error", "empty_code", Msg("f.empty_code"),
                                      file=label, row=r, column=spec.code_column, expected=Msg("x.empty_code")))
            elif known is not None and code not in known:
                errors.append(_unknown_code(label, r, spec.code_column, code, len(known)))
            if per is None or not str(per).strip():
                errors.append(Finding("error", "empty_period", Msg("f.empty_period"), file=label,
                                      row=r, column=spec.period_column, expected=Msg("x.empty_period")))
                per = None
            if code is None or per is None:
                continue
            per = str(per).strip().removesuffix(".0")
            if (code, per) in seen:
                errors.append(Finding("error", "duplicate_code", Msg("f.duplicate_code", seen=seen[code, per]), file=label,
                                      row=r, column=spec.code_column, value=f"{code} {per}",
                                      expected=Msg("x.duplicate_code")))
                continue
            seen[code, per] = r
            rows.append((code, per, x))
        long = pd.DataFrame(rows, columns=["code", "period", "count"])
        wide = long.pivot(index="code", columns="period", values="count")
        return wide.reindex(columns=sorted(wide.columns)), cap_rows(errors)
    periods = spec.periods or [c for c in df.columns if PERIOD_NAME.match(str(c))]
    missing = [p for p in periods if p not in df.columns]
    if missing or not periods:
        errors.append(Finding("error", "missing_column", Msg("f.missing_column.inputs"),
                              file=label, value=missing or None,
                              expected=Msg("x.missing_column.inputs", columns=list(df.columns))))
    if errors:
        return None, errors
    counts, bad_cells = _count_columns(df, list(periods), spec, label)  # every cell is checked, whatever the code
    errors += bad_cells
    values = np.column_stack([counts[p] for p in periods])
    seen: dict[str, int] = {}
    keep = np.zeros(len(df), dtype=bool)
    codes = []
    for i, row in enumerate(df.index):
        r = int(row)
        code = to_code(df.at[row, spec.code_column])
        codes.append(code)
        if code is None:
            errors.append(Finding("error", "empty_code", Msg("f.empty_code"),
                                  file=label, row=r, column=spec.code_column, expected=Msg("x.empty_code")))
        elif code in seen:
            errors.append(Finding("error", "duplicate_code", Msg("f.duplicate_code.inputs", seen_code=seen[code]), file=label, row=r,
                                  column=spec.code_column, value=code, expected=Msg("x.duplicate_code.inputs")))
        else:
            seen[code] = r
            keep[i] = True
            if known is not None and code not in known:
                errors.append(_unknown_code(label, r, spec.code_column, code, len(known)))
    out = pd.DataFrame(values[keep], index=pd.Index([c for c, k in zip(codes, keep) if k], name="code"),
                       columns=list(periods))
    return out, cap_rows(errors)


def population_from_table(df: pd.DataFrame, spec, label: str, known: pd.Index | None = None
                          ) -> tuple[pd.Series | None, list[Finding]]:
    """Population per canonical code from a table of cells, with every problem found.

    Returns
    -------
    population : Series | None
        Index canonical code (first row of each code), values > 0; ``None`` when a column is missing.
    findings : list[Finding]
        Errors: missing columns, empty or duplicate codes, values that are not numbers or not
        > 0.  Warnings: codes not in the boundary file (ignored).  An empty cell is no error:
        the area is left out of the rates with a ``no_population`` warning.  Repeated kinds are
        capped (:func:`petarawan.errors.cap_rows`).
    """
    found = [missing_column(label, c, df.columns) for c in (spec.code_column, spec.column) if c not in df.columns]
    if found:
        return None, found
    out: dict[str, float] = {}
    seen: dict[str, int] = {}
    to_code = code_matcher(known)  # the study's code for a code written with or without dots
    parsed = parse_column([df.at[r, spec.column] for r in df.index], list(df.index), label=label, column=spec.column,
                          style=spec.number_style(), setting="[hotspots.population] decimal")
    found += parsed.findings
    for row, x in zip(df.index, parsed.values):
        r = int(row)
        cell = df.at[row, spec.column]
        code = to_code(df.at[row, spec.code_column])
        if code is None:
            found.append(Finding("error", "empty_code", Msg("f.empty_code"), file=label,
                                 row=r, column=spec.code_column, expected=Msg("x.empty_code")))
        elif code in seen:
            found.append(Finding("error", "duplicate_code", Msg("f.duplicate_code.inputs", seen_code=seen[code]), file=label, row=r,
                                 column=spec.code_column, value=code, expected=Msg("x.duplicate_code.inputs")))
            code = None
        else:
            seen[code] = r
            if known is not None and code not in known:
                found.append(Finding("warning", "unknown_code", Msg("f.unknown_code.inputs"), file=label, row=r,
                                     column=spec.code_column, value=code,
                                     expected=Msg("x.unknown_code.spatial", n_known=len(known))))
                code = None
        if x != x:  # empty, or not a number (an error above): the analysis reports the area as without population
            continue
        if not x > 0:
            found.append(Finding("error", "population_not_positive", Msg("f.population_not_positive.inputs"), file=label, row=r, column=spec.column,
                                 value=cell, expected=Msg("x.population_not_positive")))
            continue
        if code is not None:
            out[code] = x
    return pd.Series(out, name="population", dtype=float), cap_rows(found)


def read_counts(path: Path, spec, label: str, known: pd.Index | None = None) -> pd.DataFrame:
    """Counts per area and period from the file of ``[hotspots.counts]`` (see
    :func:`counts_from_table`).

    Raises
    ------
    InputError
        Unreadable file, missing columns, bad values, codes not in the boundary file — every
        problem of the file at once.
    """
    counts, errors = counts_from_table(read_table(path, sheet=spec.sheet, label=label, encoding=spec.encoding), spec,
                                       label, known=known)
    if errors:
        raise InputError(errors)
    return counts


def read_population(path: Path, spec, label: str, known: pd.Index | None = None) -> tuple[pd.Series, list[Finding]]:
    """Population per area from the file of ``[hotspots.population]`` (see
    :func:`population_from_table`): the population and its warnings.

    Raises
    ------
    InputError
        Every error of the file at once.
    """
    pop, found = population_from_table(read_table(path, sheet=spec.sheet, label=label, encoding=spec.encoding), spec,
                                       label, known=known)
    errors = [f for f in found if f.level == "error"]
    if errors:
        raise InputError(errors)
    return pop, found
