"""Writers: GeoPackage (with a QGIS style), Excel workbook, run.json, and the atomic swap.

:func:`write_outputs` writes everything into a temporary sibling of ``out_dir`` and swaps it in
only when every file exists, so a failed run never leaves a half-written or mixed result.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..config import CLASSES
from ..errors import InputError, Finding
from ..i18n import t
from ..privacy import neutralise_formula
from .readers import sha256

if TYPE_CHECKING:
    from ..pipeline import RunResult

CLASS_COLOURS = {"Bahaya": "#d7191c", "Waspada": "#fd8d3c", "Siaga": "#fee44c", "Aman": "#1a9641"}
"""Conventional BNN map colours: red, orange, yellow, green."""
NO_SCORE_COLOUR = "#bdbdbd"


# --------------------------------------------------------------------------- atomic folder
def check_out_dir(out_dir: Path, study_dir: Path | None = None) -> None:
    """Refuse an output folder whose replacement would destroy anything petarawan did not write.

    Raises
    ------
    InputError
        ``out_dir`` is a file; is the study folder or one of its parents; or exists, is not
        empty, and is not a previous petarawan output (a ``run.json`` listing every file in it).
    """
    out_dir = Path(out_dir).absolute().resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(Finding("error", "out_not_dir", "folder keluaran adalah sebuah berkas", file=str(out_dir),
                                 message_en="the output path is a file", expected="path folder", expected_en="a folder path"))
    if study_dir is not None:
        study = Path(study_dir).absolute().resolve()
        if out_dir == study or out_dir in study.parents:
            raise InputError(Finding("error", "out_contains_study", "folder keluaran tidak boleh folder studi atau induknya",
                                     file=str(out_dir), message_en="the output folder must not be the study folder or a parent of it",
                                     expected=f"folder baru, mis. {study / 'hasil'}", expected_en=f"a new folder, e.g. {study / 'hasil'}"))
    if out_dir.is_dir() and any(out_dir.iterdir()):
        present = {p.name for p in out_dir.iterdir()}
        ours: set[str] = set()
        try:
            man = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
            if isinstance(man, dict) and "petarawan_version" in man:
                ours = set(man.get("outputs", {})) | {"run.json"}
        except (OSError, ValueError):
            pass
        foreign = sorted(present - ours)
        if foreign:
            raise InputError(Finding(
                "error", "out_not_empty",
                f"folder keluaran berisi berkas yang bukan hasil petarawan ({', '.join(foreign[:5])}"
                f"{', …' if len(foreign) > 5 else ''}); tidak ditimpa", file=str(out_dir),
                message_en=f"the output folder holds files petarawan did not write ({', '.join(foreign[:5])}"
                           f"{', …' if len(foreign) > 5 else ''}); not overwritten",
                expected="folder baru atau kosong, atau folder hasil petarawan sebelumnya",
                expected_en="a new or empty folder, or an earlier petarawan output folder"))


def atomic_dir(out_dir: Path, build, *, study_dir: Path | None = None) -> None:
    """Call ``build(tmp_dir)`` then replace ``out_dir`` by ``tmp_dir`` with renames.

    The temporary folder is a sibling of ``out_dir`` (same file system, so the rename is atomic).
    If ``build`` raises, ``out_dir`` is untouched and the temporary folder removed.  Only an empty
    folder or an earlier petarawan output is ever replaced (:func:`check_out_dir`).

    Raises
    ------
    InputError
        Unsafe or unwritable output folder.
    """
    out_dir = Path(out_dir).absolute()
    check_out_dir(out_dir, study_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
        os.chmod(tmp, 0o755)  # mkdtemp makes 0700; colleagues on a shared drive must read results
    except OSError as err:
        raise InputError(Finding("error", "out_unwritable", f"folder keluaran tidak dapat ditulis ({err.strerror})",
                                 file=str(out_dir), message_en=f"the output folder cannot be written ({err.strerror})",
                                 expected="folder yang boleh Anda tulisi", expected_en="a folder you may write to")) from None
    try:
        build(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rmdir(old)
        os.replace(out_dir, old)
    os.replace(tmp, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- GeoPackage
def _qml_categorized(field: str, lang: str) -> str:
    cats, syms = [], []
    for i, c in enumerate(list(CLASSES) + [None]):
        colour = CLASS_COLOURS.get(c, NO_SCORE_COLOUR) if c else NO_SCORE_COLOUR
        r, g, b = (int(colour[k:k + 2], 16) for k in (1, 3, 5))
        value = c if c else ""
        label = t(f"class.{c}", lang) if c else t("class.none", lang)
        cats.append(f'<category render="true" symbol="{i}" value="{value}" label="{label}"/>')
        syms.append(
            f'<symbol type="fill" name="{i}" alpha="1" clip_to_extent="1" force_rhr="0">'
            f'<layer class="SimpleFill" enabled="1" locked="0" pass="0">'
            f'<Option type="Map"><Option name="color" type="QString" value="{r},{g},{b},255"/>'
            f'<Option name="outline_color" type="QString" value="60,60,60,255"/>'
            f'<Option name="outline_width" type="QString" value="0.26"/>'
            f'<Option name="style" type="QString" value="solid"/></Option>'
            f'<prop k="color" v="{r},{g},{b},255"/><prop k="outline_color" v="60,60,60,255"/>'
            f'<prop k="outline_width" v="0.26"/><prop k="style" v="solid"/></layer></symbol>'
        )
    return (
        '<!DOCTYPE qgis PUBLIC \'http://mrcc.com/qgis.dtd\' \'SYSTEM\'>'
        '<qgis version="3.28.0" styleCategories="Symbology|Labeling">'
        f'<renderer-v2 type="categorizedSymbol" attr="{field}" symbollevels="0" enableorderby="0" forceraster="0">'
        f'<categories>{"".join(cats)}</categories><symbols>{"".join(syms)}</symbols></renderer-v2>'
        '<labeling type="simple"><settings calloutType="simple"><text-style fieldName="name" fontSize="8" '
        'textColor="0,0,0,255"><text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/></text-style>'
        '<placement placement="1"/></settings></labeling>'
        '</qgis>'
    )


def _add_qgis_style(gpkg: Path, layer: str, qml: str, name: str) -> None:
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
            (layer, geom_col, name, qml, "petarawan: kelas BNN"))
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


def write_gpkg(res: "RunResult", path: Path) -> None:
    """Layer ``areas`` (one feature per area with code, name, raw and normalised indicators,
    dimension scores, score, class, rank, stage columns) plus every stage layer."""
    cfg = res.study.config
    areas = res.study.areas
    table = res.result.copy()
    for spec in cfg.indicators:
        table[spec.code] = res.data[spec.code].reindex(table.index)
        if spec.denominator:
            table[f"{spec.code}_rate"] = res.index.raw[spec.code].reindex(table.index)
        table[f"{spec.code}_norm"] = res.index.normalised[spec.code].reindex(table.index)
    gdf = gpd.GeoDataFrame(table.reset_index(), geometry=areas.geometry.values, crs=areas.crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _gpkg_safe(gdf).to_file(path, layer="areas", driver="GPKG", engine="pyogrio")
        for stage in res.stages.values():
            for name, layer in stage.layers.items():
                _gpkg_safe(layer).to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    _add_qgis_style(path, "areas", _qml_categorized("class", res.lang), "kelas BNN")


# --------------------------------------------------------------------------- Excel
def _sheet_name(name: str) -> str:
    bad = '[]:*?/\\'
    return "".join("_" if ch in bad else ch for ch in name)[:31]


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """Write sheets with openpyxl; text that could run as a formula is neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(_sheet_name(name))
        ws.append([str(neutralise_formula(str(c))) for c in df.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in df.itertuples(index=False):
            vals = []
            for v in row:
                if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                    vals.append(None)
                elif isinstance(v, (np.integer,)):
                    vals.append(int(v))
                elif isinstance(v, (np.floating,)):
                    vals.append(float(v))
                elif isinstance(v, (int, float, bool)):
                    vals.append(v)
                else:
                    vals.append(neutralise_formula(str(v)))
            ws.append(vals)
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


# --------------------------------------------------------------------------- run.json
def _jsonable(o: Any) -> Any:
    if isinstance(o, dict):
        return {str(k): _jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, (float, np.floating)):
        return None if np.isnan(o) else float(o)
    if isinstance(o, np.ndarray):
        return _jsonable(o.tolist())
    if isinstance(o, Finding):
        return o.to_dict()
    if o is pd.NA:
        return None
    return o


def manifest(res: "RunResult", version: str) -> dict[str, Any]:
    """The ``run.json`` manifest: version, time, inputs and their hashes, resolved
    configuration, method log, counts per class, every finding and every stage's record."""
    import platform

    import geopandas, numpy, pandas, pyogrio, shapely  # noqa: E401

    return _jsonable({
        "petarawan_version": version,
        "created": res.started,
        "python": platform.python_version(),
        "libraries": {m.__name__: m.__version__ for m in (numpy, pandas, geopandas, shapely, pyogrio)},
        "study": res.study.config.study.name,
        "illustrative": res.study.config.study.illustrative,
        "language": res.lang,
        "inputs": res.inputs,
        "config": res.study.config.resolved(),
        "n_areas": len(res.result),
        "n_scored": int(res.result["score"].notna().sum()),
        "class_counts": res.class_counts(),
        "method_steps": res.index.steps,
        "stages": {name: st.manifest for name, st in res.stages.items()},
        "public_columns": {c: list(h) for st in res.stages.values() for c, h in st.public_columns.items()},
        "findings": [f.to_dict() for f in res.findings],
    })


# --------------------------------------------------------------------------- all outputs
def write_outputs(res: "RunResult", out_dir: Path, *, version: str) -> None:
    """Write petarawan.gpkg, petarawan.xlsx, map.png, report.html, stage figures and run.json
    into ``out_dir`` atomically."""
    from ..report.html import render_report
    from ..report.maps import class_map_png
    from ..report.tables import workbook_sheets

    def build(tmp: Path) -> None:
        write_gpkg(res, tmp / "petarawan.gpkg")
        write_xlsx(workbook_sheets(res), tmp / "petarawan.xlsx")
        figures = {"map.png": class_map_png(res)}
        for stage in res.stages.values():
            figures.update(stage.figures)
        for name, png in figures.items():
            (tmp / name).write_bytes(png)
        (tmp / "report.html").write_text(render_report(res, figures), encoding="utf-8")
        man = manifest(res, version)
        man["outputs"] = {p.name: sha256(p) for p in sorted(tmp.iterdir())}
        (tmp / "run.json").write_text(json.dumps(man, ensure_ascii=False, indent=2), encoding="utf-8")

    atomic_dir(out_dir, build, study_dir=res.study.study_dir)
