"""Readers for boundary files and tables.

Every reader turns format problems into :class:`~petarawan.errors.InputError` naming the file,
so a user never sees a traceback from pyogrio, openpyxl or pandas.
"""

from __future__ import annotations

import hashlib
import re
import warnings
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


def resolve(study_dir: Path, name: str, what: str) -> Path:
    """Path of an input file named in the configuration; :class:`InputError` if it is missing."""
    p = (Path(study_dir) / name)
    if not p.is_file():
        raise InputError(Finding("error", "file_missing",
                                 f"berkas {what} tidak ditemukan / {what} file not found",
                                 file=name, expected=f"a file at {p}"))
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
        Unknown format or a file GDAL cannot read.
    """
    label = label or path.name
    if path.suffix.lower() not in BOUNDARY_SUFFIXES:
        raise InputError(Finding("error", "format", "format berkas batas wilayah tidak dikenal / unknown boundary file format",
                                 file=label, value=path.suffix, expected=f"one of {sorted(BOUNDARY_SUFFIXES)}"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as err:  # pyogrio raises several types; all mean "unreadable"
        raise InputError(Finding("error", "unreadable", f"berkas batas wilayah tidak dapat dibaca / boundary file cannot be read: {err}",
                                 file=label)) from None


_DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+-]?\d+(,\d+)?$")


def read_table(path: Path, *, sheet: str | None = None, label: str | None = None) -> pd.DataFrame:
    """Read a CSV (``,`` or ``;`` separated, UTF-8 or Latin-1) or XLSX sheet as text.

    All cells are returned as strings (``None`` for empty) so that codes keep their leading
    zeros and numbers are parsed by :func:`parse_number` with one set of rules.  The frame's
    index is the spreadsheet row number (header = 1, first data row = 2).

    Raises
    ------
    InputError
        Unknown format, unreadable file, or a missing sheet.
    """
    label = label or path.name
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            first = text.splitlines()[0] if text else ""
            sep = ";" if first.count(";") > first.count(",") else ","
            import io as _io

            df = pd.read_csv(_io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        elif suffix in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, sheet_name=sheet or 0, dtype=object, engine="openpyxl")
            df = df.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else
                        (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
        else:
            raise InputError(Finding("error", "format", "format tabel tidak dikenal / unknown table format",
                                     file=label, value=path.suffix, expected=f"one of {sorted(TABLE_SUFFIXES)}"))
    except InputError:
        raise
    except ValueError as err:
        raise InputError(Finding("error", "unreadable", f"tabel tidak dapat dibaca / table cannot be read: {err}",
                                 file=label, expected=f"sheet {sheet!r}" if sheet else None)) from None
    except Exception as err:
        raise InputError(Finding("error", "unreadable", f"tabel tidak dapat dibaca / table cannot be read: {err}",
                                 file=label)) from None
    df.columns = [str(c).strip() for c in df.columns]
    df = df.map(lambda v: None if v is None or (isinstance(v, str) and v.strip() == "") else
                (v.strip() if isinstance(v, str) else v))
    df.index = pd.RangeIndex(2, 2 + len(df))
    return df


def parse_number(value: object) -> float:
    """Parse one cell as a number; accept a decimal comma (``"1,5"``, ``"1.234,5"``).

    Returns ``nan`` for an empty cell.  Raises ``ValueError`` for anything else that is not a
    number (the caller turns it into a Finding naming row and column).
    """
    if value is None:
        return float("nan")
    if isinstance(value, (int, float, np.number)):
        return float(value)
    s = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if s.lower() in {"", "na", "n/a", "nan", "-"}:
        return float("nan")
    try:
        return float(s)
    except ValueError:
        pass
    if _DECIMAL_COMMA.match(s):
        return float(s.replace(".", "").replace(",", "."))
    raise ValueError(s)
