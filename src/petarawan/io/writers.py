"""Writers, one per output format (:data:`WRITERS`).

A writer takes the content of one file and its path; it knows the format, nothing about what
the content means (that is :mod:`petarawan.outputs`, which assembles every output of a run, and
:mod:`petarawan.report`, which presents it).  A new format is one entry of :data:`WRITERS`.

:func:`atomic_dir` (:mod:`petarawan.io.atomic`, re-exported here) builds a folder in a private
temporary sibling of ``out_dir`` and swaps it in only when every file exists, so a failed run
never leaves a half-written or mixed result.
"""

from __future__ import annotations

import json
import sqlite3
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic_core import to_jsonable_python

from ..errors import Finding
from ..privacy import neutralise_formula
from .atomic import atomic_dir, check_out_dir  # noqa: F401  (the atomic swap lives in io/atomic.py)


# --------------------------------------------------------------------------- GeoPackage
@dataclass(frozen=True)
class LayerStyle:
    """A QGIS style stored with a layer (QGIS's own ``layer_styles`` table): ``qml`` is the
    style document (:func:`petarawan.report.qgis.categorized_qml`)."""

    name: str
    qml: str
    description: str = ""


@dataclass(frozen=True)
class GeoPackage:
    """The content of a GeoPackage: layers (name → GeoDataFrame, written in this order) and the
    default QGIS style of some of them."""

    layers: dict[str, Any]
    styles: dict[str, LayerStyle] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    """Layer → description stored in ``gpkg_contents.description`` (what QGIS shows as the
    layer's abstract): study, data date and, for illustrative data, the "DATA ILUSTRATIF" mark."""


def _add_qgis_style(gpkg: Path, layer: str, style: LayerStyle) -> None:
    """Store a QGIS default style for ``layer`` in the GeoPackage's ``layer_styles`` table
    (the table QGIS itself creates when a style is saved to a GeoPackage)."""
    con = sqlite3.connect(gpkg)
    try:
        geom_col = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name=?", (layer,)).fetchone()[0]
        con.execute(
            "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), "
            "f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), "
            "styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
            "update_time DATETIME DEFAULT CURRENT_TIMESTAMP)")
        con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) VALUES ('layer_styles', 'attributes', 'layer_styles')")
        con.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
            "styleQML, styleSLD, useAsDefault, description, owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
            (layer, geom_col, style.name, style.qml, style.description))
        con.commit()
    finally:
        con.close()


def _gpkg_safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if c == "geometry":
            continue
        if out[c].dtype == object or str(out[c].dtype).startswith(("string", "str")):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def write_gpkg(content: GeoPackage, path: Path) -> None:
    """Write every layer (pyogrio), then store the QGIS styles."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, layer in content.layers.items():
            _gpkg_safe(layer).to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    for layer, style in content.styles.items():
        _add_qgis_style(path, layer, style)
    if content.descriptions:
        con = sqlite3.connect(path)
        try:
            con.executemany("UPDATE gpkg_contents SET description = ? WHERE table_name = ?",
                            [(d, layer) for layer, d in content.descriptions.items()])
            con.commit()
        finally:
            con.close()


# --------------------------------------------------------------------------- Excel
def _sheet_name(name: str) -> str:
    bad = '[]:*?/\\'
    return "".join("_" if ch in bad else ch for ch in name)[:31]


def cell_value(v: Any) -> Any:
    """One workbook cell as written: numbers as numbers, missing as empty, anything else as text
    that cannot run as a formula (:func:`petarawan.privacy.neutralise_formula`)."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, (int, float, bool)):
        return v
    return neutralise_formula(str(v))


@dataclass(frozen=True)
class Workbook:
    """The content of a workbook: sheets (name → DataFrame, in order) and, for illustrative
    data, ``mark`` (e.g. "DATA ILUSTRATIF") printed in the header of every sheet, on a red sheet
    tab and in the file's title, subject and keywords; ``title`` is the file's title."""

    sheets: dict[str, pd.DataFrame]
    mark: str = ""
    title: str = ""


MARK_COLOUR = "AA0000"


def write_xlsx(content: "Workbook | dict[str, pd.DataFrame]", path: Path) -> None:
    """Write sheets with openpyxl (a :class:`Workbook` or a plain dict of sheets); text that could
    run as a formula is neutralised; the heading row stays row 1 (a filter on it)."""
    from openpyxl import Workbook as XWorkbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = content if isinstance(content, Workbook) else Workbook(content)
    sheets = book.sheets
    wb = XWorkbook()
    wb.remove(wb.active)
    if book.title or book.mark:
        wb.properties.title = " — ".join(p for p in (book.title, book.mark) if p)
    if book.mark:
        wb.properties.subject = wb.properties.keywords = book.mark
    for name, df in sheets.items():
        ws = wb.create_sheet(_sheet_name(name))
        if book.mark:  # on paper: every page's header; on screen: a red tab
            ws.oddHeader.center.text = book.mark
            ws.oddHeader.center.color = MARK_COLOUR
            ws.oddHeader.center.size = 12
            ws.oddFooter.center.text = book.mark
            ws.sheet_properties.tabColor = MARK_COLOUR
        ws.append([str(neutralise_formula(str(c))) for c in df.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in df.itertuples(index=False):
            ws.append([cell_value(v) for v in row])
        for cell in (c for r in ws.iter_rows(min_row=2) for c in r):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
        for j, col in enumerate(df.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in df.iloc[:200, j - 1].tolist()])
            ws.column_dimensions[get_column_letter(j)].width = min(max(8, width + 2), 60)
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions  # Excel's filter buttons on the heading row
    wb.save(path)


# --------------------------------------------------------------------------- JSON, PNG, HTML
def _json_fallback(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Finding):
        return o.to_dict()
    if o is pd.NA or o is pd.NaT:
        return None
    if isinstance(o, pd.Timestamp):
        return o.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(o).__name__}")


def jsonable(o: Any) -> Any:
    """``o`` with only JSON types (pydantic_core's ``to_jsonable_python``): numpy numbers as
    Python numbers, NaN and infinities as ``null``, tuples as lists, keys as text, findings as
    their dicts, pydantic models dumped."""
    return to_jsonable_python(o, fallback=_json_fallback, inf_nan_mode="null")


def write_json(content: Any, path: Path) -> None:
    """UTF-8 JSON, indented, non-ASCII kept (names of places)."""
    path.write_text(json.dumps(jsonable(content), ensure_ascii=False, indent=2), encoding="utf-8")


def write_bytes(content: bytes, path: Path) -> None:
    path.write_bytes(content)


def write_text(content: str, path: Path) -> None:
    path.write_text(content, encoding="utf-8")


WRITERS: dict[str, Callable[[Any, Path], None]] = {
    "gpkg": write_gpkg,   # GeoPackage
    "xlsx": write_xlsx,   # Workbook (or dict[str, DataFrame])
    "png": write_bytes,   # bytes
    "html": write_text,   # str
    "json": write_json,   # JSON-ready value (cleaned by :func:`jsonable`)
}
"""Format → writer(content, path).  A new output format is one entry here."""


@dataclass(frozen=True)
class Output:
    """One file of a run's output folder: its name, format (a key of :data:`WRITERS`) and content."""

    name: str
    format: str
    content: Any

    def write(self, folder: Path) -> Path:
        """Write into ``folder``; returns the path.

        Raises
        ------
        KeyError
            No writer for the format."""
        path = folder / self.name
        WRITERS[self.format](self.content, path)
        return path
