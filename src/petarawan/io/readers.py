"""Readers for boundary files and tables.

Every reader turns format problems into :class:`~petarawan.errors.InputError` naming the file,
so a user never sees a traceback from pyogrio, openpyxl or pandas.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io as _io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import Finding, InputError

BOUNDARY_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb"}
TABLE_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes (recorded in ``run.json`` for every input)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def resolve(study_dir: Path, name: str, what_id: str, what_en: str | None = None) -> Path:
    """Path of an input file named in the configuration; :class:`InputError` if it is missing."""
    what_en = what_en or what_id
    p = Path(study_dir) / name
    if not p.is_file():
        raise InputError(Finding("error", "file_missing", f"berkas {what_id} tidak ditemukan", file=name,
                                 message_en=f"{what_en} file not found",
                                 expected=f"berkas di {p} (periksa nama berkas di petarawan.toml)",
                                 expected_en=f"a file at {p} (check the file name in petarawan.toml)"))
    return p


def read_boundaries(path: Path, *, layer: str | None = None, label: str | None = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON, GeoPackage or Shapefile with pyogrio.

    Returns
    -------
    GeoDataFrame
        As stored, CRS included (``None`` when the file declares none — the validator reports it).

    Raises
    ------
    InputError
        Unknown format, a Shapefile without its ``.dbf``/``.shx``, or a file GDAL cannot read.
    """
    label = label or path.name
    suffix = path.suffix.lower()
    if suffix not in BOUNDARY_SUFFIXES:
        raise InputError(Finding("error", "format", "format berkas batas wilayah tidak dikenal", file=label, value=path.suffix,
                                 message_en="unknown boundary file format", expected=f"salah satu dari {sorted(BOUNDARY_SUFFIXES)}",
                                 expected_en=f"one of {sorted(BOUNDARY_SUFFIXES)}"))
    if not path.is_file():
        raise InputError(Finding("error", "file_missing", "berkas batas wilayah tidak ditemukan", file=label,
                                 message_en="boundary file not found"))
    if suffix == ".shp":
        for side in (".dbf", ".shx"):
            if not any(path.with_suffix(s).is_file() for s in (side, side.upper())):
                raise InputError(Finding("error", "shapefile_part_missing",
                                         f"Shapefile tidak lengkap: {path.with_suffix(side).name} tidak ada", file=label,
                                         message_en=f"incomplete Shapefile: {path.with_suffix(side).name} is missing",
                                         expected="salin .shp, .shx, .dbf dan .prj bersama-sama (atau pakai GeoPackage)",
                                         expected_en="copy .shp, .shx, .dbf and .prj together (or use a GeoPackage)"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as err:  # pyogrio raises several types; all mean "unreadable"
        raise InputError(Finding("error", "unreadable", f"berkas batas wilayah tidak dapat dibaca: {err}", file=label,
                                 message_en=f"boundary file cannot be read: {err}")) from None


@dataclass
class Table:
    """A table as read: ``cells`` keeps each cell's own type (str from CSV; str, int, float,
    datetime or bool from XLSX); the index is the spreadsheet row number (header row + 1 …)."""

    cells: pd.DataFrame
    header_row: int = 1
    percent_cells: frozenset[tuple[int, str]] = frozenset()  # (row, column) of XLSX cells formatted as %
    sheets: tuple[str, ...] = ()


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _rows_to_table(rows: list[list], header_row: int) -> pd.DataFrame:
    header = rows[header_row - 1] if len(rows) >= header_row else []
    names, seen = [], set()
    for k, h in enumerate(header):
        name = "" if h is None else str(h).strip()
        name = name or f"(kolom {k + 1})"
        while name in seen:
            name += "_"
        seen.add(name)
        names.append(name)
    body = [list(r) + [None] * (len(names) - len(r)) for r in rows[header_row:]]
    df = pd.DataFrame([r[: len(names)] for r in body], columns=names, dtype=object)
    df.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(df))
    return df


def read_table(path: Path, *, sheet: str | None = None, label: str | None = None,
               header_hint: str | None = None) -> pd.DataFrame:
    """The cells of :func:`read_sheet` (index = spreadsheet row number)."""
    return read_sheet(path, sheet=sheet, label=label, header_hint=header_hint).cells


def read_sheet(path: Path, *, sheet: str | None = None, label: str | None = None,
               header_hint: str | None = None) -> Table:
    """Read a CSV (``,``, ``;`` or tab separated; UTF-8, UTF-16 or Windows-1252) or an XLSX sheet.

    Parameters
    ----------
    header_hint : str, optional
        A column name that must be in the header row (e.g. the code column).  When the first row
        lacks it but one of the next 10 rows has it (a title above the table), that row is used.

    Returns
    -------
    Table
        Cells keep their type; empty cells are ``None``; text is stripped.

    Raises
    ------
    InputError
        Unknown format, unreadable file, a missing sheet (listing the sheets), an empty table.
    """
    label = label or path.name
    suffix = path.suffix.lower()
    percent: set[tuple[int, str]] = set()
    sheets: tuple[str, ...] = ()
    try:
        if suffix in (".csv", ".txt"):
            text = _decode(path.read_bytes())
            first = next((ln for ln in text.splitlines() if ln.strip()), "")
            sep = max([",", ";", "\t"], key=first.count)
            import csv

            rows = [[(c.strip() or None) for c in r] for r in csv.reader(_io.StringIO(text), delimiter=sep)]
            fmt_rows = None
        elif suffix in (".xlsx", ".xlsm"):
            import openpyxl

            wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
            sheets = tuple(wb.sheetnames)
            if sheet is not None and sheet not in sheets:
                raise InputError(Finding("error", "sheet_missing", f"lembar '{sheet}' tidak ada", file=label, value=sheet,
                                         message_en=f"sheet '{sheet}' does not exist",
                                         expected=f"salah satu lembar: {list(sheets)}", expected_en=f"one of the sheets {list(sheets)}"))
            ws = wb[sheet] if sheet else wb.worksheets[0]
            rows, fmt_rows = [], []
            for r in ws.iter_rows():
                rows.append([(c.value.strip() or None) if isinstance(c.value, str) else c.value for c in r])
                fmt_rows.append([getattr(c, "number_format", "") or "" for c in r])
            wb.close()
        else:
            raise InputError(Finding("error", "format", "format tabel tidak dikenal", file=label, value=path.suffix,
                                     message_en="unknown table format", expected=f"salah satu dari {sorted(TABLE_SUFFIXES)}",
                                     expected_en=f"one of {sorted(TABLE_SUFFIXES)}"))
    except InputError:
        raise
    except Exception as err:
        raise InputError(Finding("error", "unreadable", f"tabel tidak dapat dibaca ({type(err).__name__}: {err})", file=label,
                                 message_en=f"table cannot be read ({type(err).__name__}: {err})",
                                 expected="CSV atau XLSX (Excel 2007 ke atas); simpan ulang dari Excel bila perlu",
                                 expected_en="a CSV or XLSX (Excel 2007+) file; save it again from Excel if needed")) from None
    # drop trailing empty rows; keep inner empty rows (reported by the validator as blank)
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(Finding("error", "empty", "tabel kosong", file=label, message_en="the table is empty",
                                 expected="baris judul kolom lalu satu baris per wilayah",
                                 expected_en="a header row, then one row per area"))
    header_row = 1
    if header_hint is not None:
        def has(r):
            return any(isinstance(v, str) and v.strip().lower() == header_hint.lower() for v in r)
        if not has(rows[0]):
            for k in range(1, min(11, len(rows))):
                if has(rows[k]):
                    header_row = k + 1
                    break
    df = _rows_to_table(rows, header_row)
    if fmt_rows is not None:
        for i, fr in enumerate(fmt_rows[header_row:], start=header_row + 1):
            for j, f in enumerate(fr[: len(df.columns)]):
                if "%" in f:
                    percent.add((i, df.columns[j]))
    return Table(df, header_row, frozenset(percent), sheets)


# --------------------------------------------------------------------------- numbers
_INT = re.compile(r"^[+-]?\d+$")
_DOT_DEC = re.compile(r"^[+-]?\d*\.\d+$")
_COMMA_DEC = re.compile(r"^[+-]?\d*,\d+$")
_ID_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")
MISSING_TOKENS = {"", "-", "–", "—", "na", "n/a", "nan", "null", "#n/a"}


class NumberError(ValueError):
    """A cell that is not a number; ``hint_id``/``hint_en`` say what to write instead."""

    def __init__(self, value: object, hint_id: str, hint_en: str):
        super().__init__(str(value))
        self.hint_id, self.hint_en = hint_id, hint_en


def number_style(cells: list[object]) -> str | None:
    """Decide a column's number style from its unambiguous text cells.

    Returns ``"id"`` (decimal comma, dot for thousands), ``"en"`` (decimal point, comma for
    thousands), ``None`` when no cell settles it, or ``"mixed"`` when cells disagree.
    """
    id_, en = False, False
    for v in cells:
        if not isinstance(v, str):
            continue
        s = v.replace(" ", "").replace("\u00a0", "")
        if _AMBIGUOUS.match(s):
            continue
        if _COMMA_DEC.match(s) or _ID_THOUSANDS.match(s):
            id_ = True
        elif _DOT_DEC.match(s) or _EN_THOUSANDS.match(s):
            en = True
    if id_ and en:
        return "mixed"
    return "id" if id_ else ("en" if en else None)


def parse_number(value: object, *, style: str | None = None, whole: bool = False) -> float:
    """Parse one cell as a number.

    Parameters
    ----------
    value : str | int | float | datetime | bool | None
    style : {"id", "en", None}
        The column's style (:func:`number_style`): ``"id"`` reads ``1.234,5`` as 1234.5;
        ``"en"`` reads ``1,234.5`` as 1234.5.  A value like ``5.309`` or ``7,306`` is ambiguous
        (thousands or decimals?) unless the style settles it or ``whole`` is true.
    whole : bool
        The column holds whole numbers (counts): ``5.309`` and ``7,306`` can only be thousands.

    Returns
    -------
    float
        ``nan`` for an empty cell or a missing-value token (``-``, ``NA``, ``n/a``).

    Raises
    ------
    NumberError
        Not a number, ambiguous, a date, a boolean, or (``whole``) not a whole number.
    """
    if value is None:
        return float("nan")
    if isinstance(value, bool):
        raise NumberError(value, "angka, bukan TRUE/FALSE", "a number, not TRUE/FALSE")
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        raise NumberError(value, "angka; Excel mengubah isian ini menjadi tanggal — format sel sebagai Angka lalu ketik ulang",
                          "a number; Excel turned this entry into a date — format the cell as Number and type it again")
    if isinstance(value, (int, float, np.number)):
        x = float(value)
    else:
        s = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if s.lower() in MISSING_TOKENS:
            return float("nan")
        if s.endswith("%"):
            raise NumberError(value, "angka tanpa tanda % (mis. 9,81)", "a number without the % sign (e.g. 9.81)")
        if _INT.match(s):
            x = float(s)
        elif _AMBIGUOUS.match(s):
            thousands = whole or (style == "id" and "." in s) or (style == "en" and "," in s)
            decimal = not whole and ((style == "id" and "," in s) or (style == "en" and "." in s))
            if thousands:
                x = float(s.replace(".", "").replace(",", ""))
            elif decimal:
                x = float(s.replace(",", "."))
            else:
                raise NumberError(value, f"angka yang tidak ambigu: '{s}' bisa berarti ribuan atau desimal — tulis tanpa "
                                         f"pemisah ribuan (mis. {s.replace('.', '').replace(',', '')}) atau dengan dua desimal",
                                  f"an unambiguous number: '{s}' may mean thousands or decimals — write it without a "
                                  f"thousands separator (e.g. {s.replace('.', '').replace(',', '')}) or with two decimals")
        elif _ID_THOUSANDS.match(s) or (_COMMA_DEC.match(s) and style != "en"):
            x = float(s.replace(".", "").replace(",", "."))
        elif _EN_THOUSANDS.match(s) or _DOT_DEC.match(s):
            if style == "id" and _DOT_DEC.match(s) and not _AMBIGUOUS.match(s):
                raise NumberError(value, "gaya angka yang sama dalam satu kolom (kolom ini memakai koma desimal)",
                                  "one number style per column (this column uses a decimal comma)")
            x = float(s.replace(",", ""))
        else:
            try:
                x = float(s)
            except ValueError:
                raise NumberError(value, "sebuah angka (koma desimal boleh: 1,5)", "a number (decimal comma accepted: 1,5)") from None
    if not np.isfinite(x):
        raise NumberError(value, "angka terhingga", "a finite number")
    if whole and not float(x).is_integer():
        raise NumberError(value, "bilangan bulat (jumlah)", "a whole number (a count)")
    return x
