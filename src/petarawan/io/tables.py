"""The one table reader: CSV (``,`` ``;`` or tab separated, any encoding :mod:`.text` decodes) and
XLSX/XLSM sheets, within the caps of :mod:`.limits`.

Every table petarawan reads — indicators, population, counts, incident points, survey exports —
comes through :func:`read_sheet`, so every table gets the same rules:

- text decoded once (:func:`petarawan.io.text.decode_text`), never with replacement characters;
- the separator is the most frequent of ``;``, ``,`` and tab in the first non-empty line, outside
  quotes (ties: ``;`` then ``,``);
- two columns with the same heading are an error naming both positions (one would otherwise be
  ignored); empty headings become ``(kolom N)``;
- CSV rows with more fields than the header are errors (an unquoted decimal comma shifts every
  later value one column to the right); with ``ragged="strict"`` (survey exports) shorter rows are
  errors too (answers shifted left);
- XLSX: the sheet's declared size is not trusted (one stray cell at XFD1048576 would make
  openpyxl pad a million rows); cells holding a formula without a stored result are reported with
  what to do; cells right of the last heading are reported, not silently dropped;
- caps on file size, rows, fields, cells and, for XLSX, uncompressed size and compression ratio.
"""

from __future__ import annotations

import csv
import io as _io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from ..errors import Finding, InputError, cap_rows
from ..i18n import Msg
from .limits import LIMITS, Limits
from .text import decode_text

TABLE_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm"}
SEPARATORS = (";", ",", "\t")
"""Field separators, in tie-break order: Kobo ``;`` (or ``,``), ODK Central ``,``, tab-separated text."""
_SEP_NAMES = {";": "';'", ",": "','", "\t": "tab"}


@dataclass
class Table:
    """A table as read.

    Attributes
    ----------
    cells : DataFrame
        One column per heading (unique; an empty heading is ``(kolom N)``), index = spreadsheet
        row number (header row + 1, …).  Cells keep their own type: ``str`` (stripped) from CSV;
        ``str``, ``int``, ``float``, ``datetime`` or ``bool`` from XLSX; ``None`` when empty.
    header_row : int
        Spreadsheet row of the headings (1 unless a title sits above the table).
    percent_cells : frozenset of (row, column)
        XLSX cells formatted as percent (``0.0981`` shown as ``9.81 %``).
    sheets : tuple of str
        Sheet names of an XLSX file (empty for CSV).
    formula_cells : dict (row, column) → str
        XLSX cells holding a formula without a stored result (read as empty), with the formula.
    findings : list[Finding]
        Warnings and notes from reading (encoding detected, cells right of the last heading).
    encoding : str | None
        Text encoding of a CSV.
    """

    cells: pd.DataFrame
    header_row: int = 1
    percent_cells: frozenset[tuple[int, str]] = frozenset()
    sheets: tuple[str, ...] = ()
    formula_cells: dict[tuple[int, str], str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    encoding: str | None = None


def column_letter(position: int) -> str:
    """Spreadsheet letter of a 1-based column position: 1 → ``A``, 27 → ``AA``."""
    s = ""
    while position > 0:
        position, r = divmod(position - 1, 26)
        s = chr(65 + r) + s
    return s


def detect_separator(line: str) -> str:
    """The separator of a CSV from its header line: the most frequent of ``;``, ``,`` and tab
    outside double quotes (ties: ``;`` then ``,``; none at all: ``,``)."""
    bare = re.sub(r'"[^"]*"', "", line)
    counts = {s: bare.count(s) for s in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def unique_headings(header: list[object]) -> tuple[list[str], dict[str, list[int]]]:
    """Column names from a header row, and the headings that occur more than once.

    Linear time in the number of headings (one dictionary pass).

    Returns
    -------
    names : list of str
        The stripped headings; an empty heading becomes ``(kolom N)`` (N = 1-based position); a
        repeated heading keeps its text for the first occurrence and becomes ``NAME (kolom N)``
        after it, so every name is unique and the first occurrence is the one a name matches.
    duplicates : dict
        Heading → its 1-based positions, for every non-empty heading that occurs more than once.
    """
    texts = ["" if h is None else str(h).strip() for h in header]
    positions: dict[str, list[int]] = {}
    for k, h in enumerate(texts, start=1):
        if h:
            positions.setdefault(h, []).append(k)
    taken = set(texts)
    names = []
    for k, h in enumerate(texts, start=1):
        if h and positions[h][0] == k:
            names.append(h)
            continue
        base = f"{h} (kolom {k})" if h else f"(kolom {k})"
        name, n = base, 1
        while name in taken:  # only when a heading literally reads "(kolom N)"; bounded by the headings
            n += 1
            name = f"{base}#{n}"
        taken.add(name)
        names.append(name)
    return names, {h: ks for h, ks in positions.items() if len(ks) > 1}


def _positions(ks: list[int], k: int = 5) -> str:
    s = ", ".join(f"{n} ({column_letter(n)})" for n in ks[:k])
    return s + (f", … (+{len(ks) - k})" if len(ks) > k else "")


def duplicate_findings(duplicates: dict[str, list[int]], label: str, header_row: int) -> list[Finding]:
    """One error per heading that occurs more than once, naming every position (first 5, then the
    number of others)."""
    return [Finding("error", "duplicate_column", Msg("f.duplicate_column", n_ks=len(ks), h=h, ks=_positions(ks)),
                    file=label, row=header_row, column=h,
                    expected=Msg("x.duplicate_column"))
            for h, ks in duplicates.items()]


def too_big(label: str, what: Msg, limit: int | float, unit: str) -> InputError:
    """``what`` exceeds the reading ``limit`` counted in ``unit`` (rows, columns, cells, bytes)."""
    return InputError(Finding(
        "error", "too_large", Msg("f.too_large", what=what, limit=int(limit), unit=Msg(f"f.too_large.unit.{unit}")),
        file=label, expected=Msg("x.too_large")))


def _csv_rows(text: str, label: str, limits: Limits) -> tuple[list[list[str | None]], str]:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    sep = detect_separator(first)
    rows: list[list[str | None]] = []
    cells = 0
    try:
        for r in csv.reader(_io.StringIO(text), delimiter=sep):
            if len(rows) >= limits.max_rows:
                raise too_big(label, Msg("f.too_large.table"), limits.max_rows, "rows")
            if len(r) > limits.max_columns:
                raise too_big(label, Msg("f.too_large.row", row=len(rows) + 1), limits.max_columns, "columns")
            cells += len(r)
            if cells > limits.max_cells:
                raise too_big(label, Msg("f.too_large.cells"), limits.max_cells, "cells")
            rows.append([(c.strip() or None) for c in r])
    except csv.Error as err:
        raise InputError(Finding(
            "error", "csv_parse", Msg("f.csv_parse", sep=_SEP_NAMES[sep], err=str(err)), file=label,
            expected=Msg("x.csv_parse"))) from None
    return rows, sep


def _csv_bytes(raw: bytes, label: str, encoding: str | None, limits: Limits
               ) -> tuple[list[list[str | None]], str, list[Finding], str]:
    if len(raw) > limits.max_bytes:
        raise too_big(label, Msg("f.too_large.file", n=len(raw)), limits.max_bytes, "bytes")
    dec = decode_text(raw, label=label, encoding=encoding)
    rows, sep = _csv_rows(dec.text, label, limits)
    return rows, dec.encoding, list(dec.findings), sep


def check_zip_archive(path: Path, label: str, limits: Limits = LIMITS) -> None:
    """Refuse a zip archive (an XLSX, an ODK Central export) whose members inflate beyond the
    caps, before anything is decompressed.

    Raises
    ------
    InputError
        ``too_large`` (sum of uncompressed sizes) or ``zip_bomb`` (a part compressed more than
        ``limits.max_xlsx_ratio`` times).  A file that is not a zip archive is left to the reader
        that opens it (openpyxl, zipfile), whose error is reported as unreadable.
    """
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError):
        return
    total = sum(i.file_size for i in infos)
    if total > limits.max_xlsx_uncompressed:
        raise too_big(label, Msg("f.too_large.archive", n=total), limits.max_xlsx_uncompressed, "bytes")
    for i in infos:
        if i.file_size > 1 << 20 and i.file_size / max(i.compress_size, 1) > limits.max_xlsx_ratio:
            raise InputError(Finding(
                "error", "zip_bomb", Msg("f.zip_bomb", filename=i.filename, p=i.file_size / max(i.compress_size, 1)), file=label,
                expected=Msg("x.zip_bomb")))


def sheet_with(path: Path, column: str, *, label: str, limits: Limits = LIMITS) -> tuple[str, str] | None:
    """(first sheet, the first other sheet whose headings hold ``column``) of a workbook — for the
    message "the data are on sheet 'Data': set [data] sheet" — or None (not a workbook, one sheet,
    no other sheet with the column).  Headings are looked for in each sheet's first 10 rows,
    case-insensitively."""
    import openpyxl

    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    check_zip_archive(path, label, limits)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — unreadable: the reader reports it
        return None
    try:
        names = wb.sheetnames
        want = column.strip().lower()
        for name in names[1:]:
            ws = wb[name]
            ws.reset_dimensions()
            for row in ws.iter_rows(max_row=10, values_only=True):
                if any(isinstance(v, str) and v.strip().lower() == want for v in row[: limits.max_columns]):
                    return names[0], name
        return None
    finally:
        wb.close()


def _xlsx_rows(path: Path, sheet: str | None, label: str, limits: Limits
               ) -> tuple[list[list], list[list[str]], tuple[str, ...], str]:
    import openpyxl

    check_zip_archive(path, label, limits)
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        sheets = tuple(wb.sheetnames)
        if sheet is not None and sheet not in sheets:
            raise InputError(Finding("error", "sheet_missing", Msg("f.sheet_missing", sheet=sheet), file=label, value=sheet,
                                     expected=Msg("x.sheet_missing", sheets=list(sheets))))
        ws = wb[sheet] if sheet else wb.worksheets[0]
        ws.reset_dimensions()  # the <dimension> tag may claim A1:XFD1048576: read what is there
        rows: list[list] = []
        fmts: list[list[str]] = []
        cells = 0
        for r in ws.iter_rows():
            if len(rows) >= limits.max_rows:
                raise too_big(label, Msg("f.too_large.sheet", sheet=ws.title), limits.max_rows, "rows")
            vals = [(c.value.strip() or None) if isinstance(c.value, str) else c.value for c in r]
            while vals and vals[-1] is None:
                vals.pop()
            cells += len(vals)
            if cells > limits.max_cells:
                raise too_big(label, Msg("f.too_large.cells"), limits.max_cells, "cells")
            rows.append(vals)
            fmts.append([getattr(c, "number_format", None) or "" for c in r[: len(vals)]])
        return rows, fmts, sheets, ws.title
    finally:
        wb.close()


def _formulas(path: Path, sheet: str, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Formula text of the (row, column) cells in ``wanted`` (1-based) that hold one."""
    import openpyxl

    out: dict[tuple[int, int], str] = {}
    rows_wanted = {r for r, _ in wanted}
    wb = openpyxl.load_workbook(path, data_only=False, read_only=True)
    try:
        ws = wb[sheet]
        ws.reset_dimensions()
        for i, r in enumerate(ws.iter_rows(max_row=max(rows_wanted), values_only=True), start=1):
            if i not in rows_wanted:
                continue
            for j, v in enumerate(r, start=1):
                if (i, j) in wanted and v is not None:
                    text = getattr(v, "text", v)  # ArrayFormula keeps its text in .text
                    if isinstance(text, str) and text.startswith("="):
                        out[i, j] = text
    finally:
        wb.close()
    return out


def read_table(path: Path, *, sheet: str | None = None, label: str | None = None, header_hint: str | None = None,
               encoding: str | None = None, limits: Limits = LIMITS) -> pd.DataFrame:
    """The cells of :func:`read_sheet` (index = spreadsheet row number)."""
    return read_sheet(path, sheet=sheet, label=label, header_hint=header_hint, encoding=encoding, limits=limits).cells


def read_sheet(path: Path, *, sheet: str | None = None, label: str | None = None, header_hint: str | None = None,
               encoding: str | None = None, limits: Limits = LIMITS,
               ragged: Literal["longer", "strict"] = "longer", rows_required: bool = True) -> Table:
    """Read a CSV or an XLSX sheet (rules in the module docstring).

    Parameters
    ----------
    path : Path
    sheet : str, optional
        XLSX sheet name (default: the first sheet).
    label : str, optional
        File name used in findings (default: ``path.name``).
    header_hint : str, optional
        A column name that must be in the header row (e.g. the code column).  When the first row
        lacks it but one of the next 10 rows has it (a title above the table), that row is used.
    encoding : str, optional
        Text encoding of a CSV (default: detected, :func:`petarawan.io.text.decode_text`).
    limits : Limits
    ragged : {"longer", "strict"}
        CSV rows with more non-empty fields than the header are always errors; ``"strict"`` also
        refuses rows with fewer fields (survey exports, where a missing field shifts answers).
    rows_required : bool
        A table with headings but no data rows is an error (``no_rows``); False for survey
        exports of a round still in progress (no submission yet).

    Returns
    -------
    Table

    Raises
    ------
    InputError
        Unknown format, unreadable file, a missing sheet (listing the sheets), an empty table,
        duplicate headings, rows of the wrong length, a file beyond the caps — every such problem
        of the file at once where they can be collected.
    """
    path = Path(path)
    label = label or path.name
    suffix = path.suffix.lower()
    sheets: tuple[str, ...] = ()
    sep = None
    found: list[Finding] = []
    fmt_rows = None
    used_encoding = None
    sheet_name = None
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            size = path.stat().st_size
            if size > limits.max_bytes:
                raise too_big(label, Msg("f.too_large.file", n=size), limits.max_bytes, "bytes")
            rows, used_encoding, notes, sep = _csv_bytes(path.read_bytes(), label, encoding, limits)
            found.extend(notes)
        elif suffix in (".xlsx", ".xlsm"):
            rows, fmt_rows, sheets, sheet_name = _xlsx_rows(path, sheet, label, limits)
        else:
            raise InputError(Finding("error", "format", Msg("f.format.tables"), file=label, value=path.suffix, expected=Msg("x.format.tables", table_suffixes=sorted(TABLE_SUFFIXES))))
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(Finding("error", "file_missing", Msg("f.file_missing.tables"), file=label, expected=Msg("x.file_missing.tables", path=path))) from None
    except MemoryError:
        raise too_big(label, Msg("f.too_large.table"), limits.max_cells, "cells") from None
    except Exception as err:  # openpyxl/zipfile/OS errors: all mean "unreadable"
        raise InputError(Finding("error", "unreadable", Msg("f.unreadable.tables", kind=type(err).__name__, err=str(err)),
                                 file=label, expected=Msg("x.unreadable.tables"))) from None
    return _table(rows, fmt_rows, sheets, sheet_name, used_encoding, found, path, label, header_hint, limits, ragged, sep,
                  rows_required)


def read_csv_bytes(raw: bytes, *, label: str, encoding: str | None = None, limits: Limits = LIMITS,
                   ragged: Literal["longer", "strict"] = "longer", rows_required: bool = True) -> Table:
    """:func:`read_sheet` for the bytes of a CSV that is not a file of its own (a member of a zip)."""
    rows, used, notes, sep = _csv_bytes(raw, label, encoding, limits)
    return _table(rows, None, (), None, used, notes, None, label, None, limits, ragged, sep, rows_required)


def _table(rows: list[list], fmt_rows: list[list[str]] | None, sheets: tuple[str, ...], sheet_name: str | None,
           used_encoding: str | None, found: list[Finding], path: Path | None, label: str, header_hint: str | None,
           limits: Limits, ragged: str, sep: str | None = None, rows_required: bool = True) -> Table:
    # drop trailing empty rows; keep inner empty rows (the validator reports them as blank)
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(Finding("error", "empty", Msg("f.empty.tables"), file=label,
                                 expected=Msg("x.empty")))
    header_row = 1
    if header_hint is not None:
        def has(r):
            return any(isinstance(v, str) and v.strip().lower() == header_hint.lower() for v in r)
        if not has(rows[0]):
            header_row = next((k + 1 for k in range(1, min(11, len(rows))) if has(rows[k])), 1)
    header = rows[header_row - 1]
    while header and header[-1] is None:
        header = header[:-1]
    names, duplicates = unique_headings(header)
    errors = duplicate_findings(duplicates, label, header_row)
    width = len(names)
    body = rows[header_row:]
    if not body and not errors and rows_required:  # headings only: every area would silently have no data
        raise InputError(Finding("error", "no_rows", Msg("io.no_rows", header_row=header_row), file=label, row=header_row,
                                 expected=Msg("io.no_rows.exp")))
    first_row = header_row + 1
    beyond: list[Finding] = []
    for i, r in enumerate(body, start=first_row):
        if len(r) <= width:
            if ragged == "strict" and fmt_rows is None and len(r) < width and any(v is not None for v in r):
                errors.append(row_length_finding(label, i, len(r), width, sep, shorter=True))
            continue
        extra = [j for j in range(width, len(r)) if r[j] is not None]
        if not extra:
            continue
        if fmt_rows is None:
            errors.append(row_length_finding(label, i, len(r), width, sep, shorter=False))
        else:
            beyond.append(Finding(
                "warning", "cell_without_heading", Msg("f.cell_without_heading"), file=label, row=i,
                column=column_letter(extra[0] + 1),
                expected=Msg("x.cell_without_heading")))
    if errors:
        raise InputError(cap_rows(errors, limits.findings_per_kind))
    found.extend(cap_rows(beyond, limits.findings_per_kind))
    df = pd.DataFrame([(r + [None] * (width - len(r)))[:width] for r in body], columns=names, dtype=object)
    df.index = pd.RangeIndex(first_row, first_row + len(df))
    percent: set[tuple[int, str]] = set()
    formulas: dict[tuple[int, str], str] = {}
    if fmt_rows is not None:
        empty: set[tuple[int, int]] = set()
        for i, (r, fr) in enumerate(zip(body, fmt_rows[header_row:]), start=first_row):
            for j in range(width):
                if j < len(fr) and "%" in fr[j]:
                    percent.add((i, names[j]))
                if j >= len(r) or r[j] is None:
                    empty.add((i, j + 1))
        if empty:
            formulas = {(i, names[j - 1]): f for (i, j), f in _formulas(path, sheet_name, empty).items()}
    return Table(df, header_row, frozenset(percent), sheets, formulas, found, used_encoding)


def row_length_finding(label: str, row: int, n: int, width: int, sep: str | None, *, shorter: bool) -> Finding:
    by = Msg("f.by_separator", sep=_SEP_NAMES.get(sep, sep)) if sep else ""
    if shorter:
        return Finding("error", "row_too_short", Msg("f.row_too_short", n=n, by=by, width=width), file=label,
                       row=row, value=n,
                       expected=Msg("x.row_too_short", width=width))
    return Finding("error", "row_too_long", Msg("f.row_too_long", n=n, by=by, width=width), file=label,
                   row=row, value=n,
                   expected=Msg("x.row_too_long", width=width))


def missing_column(label: str, column: str, columns) -> Finding:
    """The error for a required ``column`` absent from the table ``label`` that has ``columns``."""
    return Finding("error", "missing_column", Msg("f.missing_column.incidents"), file=label,
                   column=column, expected=Msg("x.missing_column.incidents", column=column, columns=list(columns)))


def _key(name: object) -> str:
    return " ".join(str(name).split()).lower()


def match_columns(columns: list[str], wanted: list[str], label: str, header_row: int = 1
                  ) -> tuple[dict[str, str], list[Finding]]:
    """Find each ``wanted`` column among ``columns``, ignoring case and spaces.

    Returns
    -------
    found : dict
        Wanted name → the table's column name, for every name matched exactly once.
    findings : list[Finding]
        ``missing_column`` (with a "did you mean" and the columns found) or ``ambiguous_column``
        (two headings that differ only in case or spaces, e.g. ``Kode`` and ``kode``, naming both
        positions) for every other wanted name.
    """
    import difflib

    by_key: dict[str, list[int]] = {}
    for k, c in enumerate(columns, start=1):
        by_key.setdefault(_key(c), []).append(k)
    out: dict[str, str] = {}
    findings: list[Finding] = []
    for w in dict.fromkeys(wanted):
        ks = by_key.get(_key(w), [])
        if len(ks) == 1:
            out[w] = columns[ks[0] - 1]
        elif ks:
            shown = ", ".join(f"'{columns[k - 1]}' ({column_letter(k)})" for k in ks[:5])
            findings.append(Finding(
                "error", "ambiguous_column", Msg("f.ambiguous_column.tables", w=w, shown=shown), file=label,
                row=header_row, column=w,
                expected=Msg("x.ambiguous_column.tables")))
        else:
            close = difflib.get_close_matches(w, [str(c) for c in columns], n=1, cutoff=0.6)
            hint = Msg("x.missing_column.did_you_mean", name=close[0]) if close else ""
            shown = [str(c) for c in columns][:25]
            findings.append(Finding(
                "error", "missing_column", Msg("f.missing_column.tables", w=w), file=label, column=w,
                expected=Msg("x.missing_column.tables", w=w, hint=hint, shown=shown)))
    return out, findings
