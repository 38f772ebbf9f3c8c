"""Canonical hashes of an output folder's tables, for ``run.json`` and ``petarawan replay``.

A table's hash is the sha256 of a canonical JSON text of its column names and rows (numbers by
their exact shortest representation, missing values as ``null``), so two runs with identical
results give identical hashes whatever the file's container bytes (GeoPackage page layout,
workbook zip timestamps).  Tables:

* every layer of a GeoPackage (its attribute table; geometry is not hashed) — name
  ``<file>:<layer>``; timestamp columns (``update_time`` of QGIS's ``layer_styles`` and any
  date-time column) are left out;
* every sheet of a workbook — name ``<file>:<sheet>``.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from pathlib import Path
from typing import Any

TIMESTAMP_COLUMNS = frozenset({"update_time"})
"""Columns that hold the time a file was written, not a result."""


def _cell(v: Any) -> Any:
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def canonical_hash(columns: list[str], rows: list[list[Any]]) -> str:
    """sha256 (hex) of ``[columns, rows]`` as canonical JSON (see the module docstring)."""
    text = json.dumps([list(map(str, columns)), [[_cell(v) for v in r] for r in rows]], ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def gpkg_hashes(path: Path) -> dict[str, str]:
    """``{"<file>:<layer>": hash}`` for every layer of a GeoPackage (attribute tables)."""
    import pandas as pd
    import pyogrio

    out: dict[str, str] = {}
    for layer, _geom in pyogrio.list_layers(path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
        keep = [c for c in df.columns if c not in TIMESTAMP_COLUMNS and not pd.api.types.is_datetime64_any_dtype(df[c])]
        df = df[keep].astype(object).where(df[keep].notna(), None)
        out[f"{path.name}:{layer}"] = canonical_hash(keep, df.values.tolist())
    return out


def xlsx_hashes(path: Path) -> dict[str, str]:
    """``{"<file>:<sheet>": hash}`` for every sheet of a workbook (cell values as stored)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        out = {}
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            head, body = (rows[0], rows[1:]) if rows else ([], [])
            out[f"{path.name}:{ws.title}"] = canonical_hash(head, body)
        return out
    finally:
        wb.close()


HASHERS = {".gpkg": gpkg_hashes, ".xlsx": xlsx_hashes}
"""File suffix → the function hashing its tables.  A new table format is one entry."""


def table_hashes(folder: Path) -> dict[str, str]:
    """Canonical hash of every table of every GeoPackage and workbook in ``folder``, sorted by name."""
    out: dict[str, str] = {}
    for path in sorted(Path(folder).iterdir()):
        hasher = HASHERS.get(path.suffix.lower())
        if hasher is not None:
            out.update(hasher(path))
    return dict(sorted(out.items()))
