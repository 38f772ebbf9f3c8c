"""Validate and join a study's inputs: boundaries + indicator table → typed frames.

:func:`load_study` reads every input named in the configuration, checks it, and returns a
:class:`Study` whose frames are indexed by the canonical area code.  It collects *all*
problems before deciding: errors raise one :class:`~petarawan.errors.InputError` listing every
one of them (ordered by file, row, column); warnings travel with the study into ``run.json``
and the Excel sheet.

Checks (each yields a Finding with file, row, column, value and what was expected):

- boundaries: readable (a Shapefile with its .dbf/.shx), CRS declared, coordinates inside the
  CRS's valid range (a projected file declared as WGS84 is caught), polygons only, code and name
  columns present (matched ignoring case and spaces), codes present and unique, geometries
  present and valid (invalid ones are repaired with ``shapely.make_valid`` and reported as
  warnings), empty names (warning);
- table: readable, header found (a title row above it is skipped), code column and every
  configured indicator column present (with a "did you mean"), blank rows skipped, codes known
  and unique (per year) with hints when the column holds names, numbers parsed with one style per
  column (decimal comma or point; ambiguous ``5.309`` is an error unless the column settles it;
  counts must be whole numbers), missing-value tokens (``-``, ``NA``) reported, Excel percent
  cells rescaled and reported, counts not negative, denominators positive, rates not above their
  base, reference labels 0/1 (or ya/tidak), areas without data (warning: no score) and areas with
  partial data (warning listing what is missing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .codes import area_code, code_matcher, looks_like
from .config import StudyConfig
from .errors import Finding, Findings, InputError
from .io.numbers import NumberError, parse_columns, parse_number
from .io.geometry import polygonal, read_boundary_layer
from .io.readers import Table, read_sheet, resolve, sha256
from .registry import load_config
from .io.tables import match_columns

POLYGONAL = {"Polygon", "MultiPolygon"}
YES = {"1", "ya", "y", "yes", "true", "benar"}
NO = {"0", "tidak", "t", "no", "n", "false", "salah", "bukan"}


@dataclass
class Study:
    """A validated study.

    Attributes
    ----------
    config : StudyConfig
    study_dir : Path
    areas : GeoDataFrame
        Index ``code``; columns ``name``, ``group`` (if configured), ``geometry``; boundary CRS.
    data : DataFrame
        Index ``code`` (same order as ``areas``); one float column per indicator (NaN = missing),
        as entered (counts stay counts).
    reference : Series | None
        The published 0/1 label named by ``data.reference_column``, index ``code``.
    denominators : DataFrame
        Index ``code``; one column per denominator named by an indicator (e.g. population) and
        per other positive count column a stage uses (:func:`extra_columns`).
    findings : list[Finding]
        Warnings and notes (no errors: errors raise).
    input_hashes : dict[str, str]
        Input file name → sha256.
    """

    config: StudyConfig
    study_dir: Path
    areas: gpd.GeoDataFrame
    data: pd.DataFrame
    reference: pd.Series | None
    denominators: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: list[Finding] = field(default_factory=list)
    input_hashes: dict[str, str] = field(default_factory=dict)


def scheme_findings(entered: list, codes: list[str | None], scheme: str, label: str, column: str) -> list[Finding]:
    """Say how codes are shown when they look like another scheme than the study declares.

    ``kemendagri``: a warning per code that cannot be a Kemendagri code (a BPS ``1971020008`` would
    be shown as another village's ``19.71.02.0008``).  ``as_entered``: one note when every code is
    an undotted Kemendagri code, naming the setting that shows them dotted."""
    from .errors import cap_rows

    out: list[Finding] = []
    if scheme == "kemendagri":
        for i, (v, c) in enumerate(zip(entered, codes), start=1):
            if c is not None and looks_like(str(v)) != "kemendagri":
                out.append(Finding(
                    "warning", "code_not_kemendagri", f"kode tidak berbentuk kode Kemendagri (kode BPS?); ditampilkan "
                    f"sebagai {c}", file=label, row=i, column=column, value=str(v),
                    message_en=f"the code does not look like a Kemendagri code (a BPS code?); shown as {c}",
                    expected='kode Kemendagri PP.KK.CC.DDDD (desa 2xxx, kelurahan 1xxx), atau [areas] code_scheme = '
                             '"as_entered" agar kode ditampilkan seperti tertulis',
                    expected_en='a Kemendagri code PP.KK.CC.DDDD (desa 2xxx, kelurahan 1xxx), or [areas] code_scheme = '
                                '"as_entered" to show codes as entered'))
        return cap_rows(out)
    shown = [str(v).strip() for v, c in zip(entered, codes) if c is not None]
    if shown and all("." not in s and looks_like(s) == "kemendagri" for s in shown):
        out.append(Finding(
            "info", "codes_as_entered", f"kode ditampilkan seperti tertulis (mis. {shown[0]}); bila ini kode Kemendagri, "
            f"tetapkan [areas] code_scheme = \"kemendagri\" agar tampil {area_code(shown[0], 'kemendagri')}", file=label,
            column=column, message_en=f"codes are shown as entered (e.g. {shown[0]}); if they are Kemendagri codes, set "
            f"[areas] code_scheme = \"kemendagri\" to show them as {area_code(shown[0], 'kemendagri')}"))
    return out


def _repair(geoms, codes: list, label: str, found: Findings):
    """Invalid polygons repaired with ``shapely.make_valid`` and reduced to their polygonal part
    (:func:`petarawan.io.geometry.polygonal`), each repair a warning naming the area; a geometry
    with no polygonal part left is an error (None is returned then)."""
    types = shapely.get_type_id(geoms)
    todo = np.flatnonzero(~shapely.is_valid(geoms) | (types == 7))  # 7: GeometryCollection
    if not len(todo):
        return geoms
    repaired = shapely.make_valid(geoms[todo])
    cleaned, _, empty = polygonal(repaired)
    ok = True
    for k, i in enumerate(todo):
        g = geoms[i]
        reason = shapely.is_valid_reason(g) if not g.is_valid else g.geom_type
        lost = sorted({p.geom_type for p in shapely.get_parts(repaired[k]) if p.geom_type not in POLYGONAL})
        if empty[k]:
            found.add("error", "repair_no_polygon", f"geometri tidak valid ({reason}); setelah diperbaiki tidak ada bagian "
                      "poligon", file=label, row=int(i) + 1, value=codes[i],
                      message_en=f"invalid geometry ({reason}); no polygonal part is left after repair",
                      expected="batas wilayah berupa poligon (perbaiki di QGIS: Vector › Geometry Tools › Fix Geometries)",
                      expected_en="a polygon boundary (fix it in QGIS: Vector › Geometry Tools › Fix Geometries)")
            ok = False
        elif lost:
            found.add("warning", "invalid_geometry",
                      f"geometri tidak valid ({reason}); diperbaiki dengan make_valid, bagian bukan poligon ({', '.join(lost)}) "
                      "dibuang, bagian poligon dipakai", file=label, row=int(i) + 1, value=codes[i],
                      message_en=f"invalid geometry ({reason}); repaired with make_valid, its non-polygonal parts "
                                 f"({', '.join(lost)}) dropped, the polygonal part kept",
                      expected="periksa batasnya di QGIS (mis. duri selebar nol)",
                      expected_en="check the boundary in QGIS (e.g. a zero-width spike)")
        else:
            found.add("warning", "invalid_geometry", f"geometri tidak valid ({reason}); diperbaiki dengan make_valid",
                      file=label, row=int(i) + 1, value=codes[i],
                      message_en=f"invalid geometry ({reason}); repaired with make_valid")
    if not ok:
        return None
    geoms = geoms.copy()
    geoms[todo] = cleaned
    return geoms


def check_areas(gdf: gpd.GeoDataFrame, cfg: StudyConfig, label: str, found: Findings) -> gpd.GeoDataFrame | None:
    """Check a boundary layer and return it indexed by canonical code (``None`` if unusable)."""
    a = cfg.areas
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    roles = {key: wanted for key, wanted in (("code", a.code_column), ("name", a.name_column),
                                              ("group", a.group_column)) if wanted}
    got, problems = match_columns(cols, list(roles.values()), label)
    found.extend(problems)
    names = {key: got[wanted] for key, wanted in roles.items() if wanted in got}
    if gdf.crs is None:
        found.add("error", "missing_crs", "sistem koordinat (CRS) tidak dinyatakan", file=label,
                  message_en="no coordinate reference system (CRS) declared",
                  expected="berkas yang menyatakan CRS-nya (mis. EPSG:4326 atau EPSG:32748); di QGIS: Layer › Set CRS, lalu simpan ulang",
                  expected_en="a file that declares its CRS (e.g. EPSG:4326 or EPSG:32748); in QGIS: Layer › Set CRS, then save again")
    if len(gdf) == 0:
        found.add("error", "empty", "berkas batas wilayah tidak berisi fitur", file=label,
                  message_en="the boundary file has no features")
        return None
    if len(names) < len([w for w in (a.code_column, a.name_column, a.group_column) if w]):
        return None
    ok = True
    geoms = gdf.geometry.values
    for i, g in enumerate(geoms, start=1):
        if g is None or g.is_empty:
            found.add("error", "empty_geometry", "geometri kosong", file=label, row=i, value=gdf[names["code"]].iloc[i - 1],
                      message_en="empty geometry", expected="sebuah poligon", expected_en="a polygon")
            ok = False
        elif g.geom_type not in POLYGONAL and not (g.geom_type == "GeometryCollection" and polygonal([g])[0][0].area > 0):
            found.add("error", "not_polygon", f"geometri bertipe {g.geom_type}, bukan poligon", file=label, row=i,
                      value=gdf[names["code"]].iloc[i - 1], message_en=f"geometry is a {g.geom_type}, not a polygon",
                      expected="batas wilayah berupa Polygon/MultiPolygon (titik kejadian dimasukkan lewat [hotspots])",
                      expected_en="area boundaries as Polygon/MultiPolygon (incident points go in [hotspots])")
            ok = False
    if gdf.crs is not None and gdf.crs.is_geographic and ok:
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            found.add("error", "coordinates_out_of_range",
                      f"koordinat di luar rentang derajat (x {minx:.6g}…{maxx:.6g}, y {miny:.6g}…{maxy:.6g}) padahal CRS-nya "
                      f"{gdf.crs.to_string()}", file=label,
                      message_en=f"coordinates outside the degree range (x {minx:.6g}…{maxx:.6g}, y {miny:.6g}…{maxy:.6g}) "
                                 f"although the CRS is {gdf.crs.to_string()}",
                      expected="bujur −180…180 dan lintang −90…90; bila koordinat dalam meter (mis. UTM 48S), nyatakan CRS "
                               "yang benar (EPSG:32748) di berkasnya; bila lintang/bujur tertukar, perbaiki urutannya",
                      expected_en="longitude −180…180 and latitude −90…90; if the coordinates are metres (e.g. UTM 48S), "
                                  "declare the right CRS (EPSG:32748) in the file; if latitude/longitude are swapped, fix the order")
            ok = False
    codes = [area_code(v, a.code_scheme) for v in gdf[names["code"]]]
    found.extend(scheme_findings(list(gdf[names["code"]]), codes, a.code_scheme, label, names["code"]))
    seen: dict[str, int] = {}
    for i, code in enumerate(codes, start=1):
        if code is None:
            found.add("error", "empty_code", "kode wilayah kosong", file=label, row=i, column=names["code"],
                      message_en="empty area code", expected="kode Kemendagri seperti 19.71.01.1008",
                      expected_en="a Kemendagri code such as 19.71.01.1008")
            ok = False
        elif code in seen:
            found.add("error", "duplicate_code", f"kode wilayah ganda (juga di fitur {seen[code]})", file=label, row=i,
                      column=names["code"], value=code, message_en=f"duplicate area code (also feature {seen[code]})",
                      expected="setiap wilayah satu kali", expected_en="each area once")
            ok = False
        else:
            seen[code] = i
    if not ok or gdf.crs is None:
        return None
    geoms = _repair(geoms, codes, label, found)
    if geoms is None:
        return None
    area_names = []
    for i, (code, v) in enumerate(zip(codes, gdf[names["name"]]), start=1):
        if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip():
            found.add("warning", "empty_name", "nama wilayah kosong; kode dipakai sebagai nama", file=label, row=i,
                      column=names["name"], value=code, message_en="empty area name; the code is used as its name")
            area_names.append(code)
        else:
            area_names.append(" ".join(str(v).split()))
    out = gpd.GeoDataFrame({"name": area_names}, geometry=gpd.GeoSeries(geoms, crs=gdf.crs).values, crs=gdf.crs,
                           index=pd.Index(codes, name="code"))
    if "group" in names:
        out.insert(1, "group", [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                                for v in gdf[names["group"]]])
    return out


def _rows(rows: list[int], k: int = 8) -> str:
    s = ", ".join(str(r) for r in rows[:k])
    return s + (f", … (+{len(rows) - k})" if len(rows) > k else "")


YEAR_NAMES = ("tahun", "year")
FIRST_YEAR = 1900
"""Earliest plausible data year; the latest is next year (data are dated when collected)."""


def latest_plausible_year() -> int:
    import datetime

    return datetime.date.today().year + 1


def _years(df: pd.DataFrame, col: str, label: str, found: Findings) -> pd.Series | None:
    """The year of each row (index = spreadsheet row); every empty, non-whole or implausible year
    is an error naming its row (None when there is any)."""
    hi = latest_plausible_year()
    years, bad = {}, False
    for r, v in df[col].items():
        try:
            y = parse_number(v, whole=True)
        except NumberError:
            y = float("nan") if v is None else -1.0
        if v is None or y != y:
            found.add("error", "empty_year", "tahun kosong; baris ini tidak dapat dipilih", file=label, row=int(r), column=col,
                      message_en="empty year; this row cannot be selected",
                      expected=f"tahun {FIRST_YEAR}–{hi} di setiap baris", expected_en=f"a year {FIRST_YEAR}–{hi} on every row")
            bad = True
        elif not FIRST_YEAR <= y <= hi:
            found.add("error", "implausible_year", "tahun tidak masuk akal (salah ketik?)", file=label, row=int(r), column=col,
                      value=v, message_en="implausible year (a typo?)",
                      expected=f"tahun {FIRST_YEAR}–{hi}", expected_en=f"a year {FIRST_YEAR}–{hi}")
            bad = True
        else:
            years[r] = int(y)
    return None if bad else pd.Series(years, dtype=int)


def _select_year(df: pd.DataFrame, cfg: StudyConfig, label: str, found: Findings
                 ) -> tuple[pd.DataFrame | None, pd.DataFrame, str | None]:
    """The rows of the analysed year, the rows of other years, and the year column.

    No year column: every row.  ``data.year`` set: its rows (an error listing the years present
    when it has none).  Otherwise the latest year, with a note."""
    d = cfg.data
    year_cols = [c for c in df.columns if " ".join(str(c).split()).lower() in YEAR_NAMES]
    if len(year_cols) > 1:
        found.add("error", "ambiguous_column", f"beberapa kolom tahun: {year_cols}", file=label, column=year_cols[0],
                  message_en=f"several year columns: {year_cols}",
                  expected="satu kolom 'tahun' atau 'year'", expected_en="one 'tahun' or 'year' column")
        return None, df.iloc[:0], None
    if not year_cols:
        if d.year is not None:
            found.add("error", "no_year_column", f"data.year = {d.year} tetapi tabel tidak punya kolom tahun/year", file=label,
                      message_en=f"data.year = {d.year} but the table has no tahun/year column",
                      expected="kolom 'tahun' atau hapus data.year", expected_en="a 'tahun' column, or remove data.year")
            return None, df.iloc[:0], None
        return df, df.iloc[:0], None
    col = year_cols[0]
    years = _years(df, col, label, found)
    if years is None:
        return None, df.iloc[:0], col
    present = sorted(set(years))
    counts = ", ".join(f"{y} ({int((years == y).sum())} baris)" for y in present)
    counts_en = ", ".join(f"{y} ({int((years == y).sum())} rows)" for y in present)
    if d.year is not None:
        if d.year not in present:
            found.add("error", "no_rows_for_year", f"tidak ada baris untuk tahun {d.year}", file=label, column=col,
                      value=d.year, message_en=f"no rows for year {d.year}",
                      expected=f"data.year salah satu tahun di tabel: {counts}",
                      expected_en=f"data.year one of the years in the table: {counts_en}")
            return None, df.iloc[:0], col
        chosen = d.year
    else:
        chosen = present[-1]
        if len(present) > 1:
            found.add("info", "latest_year", f"tabel berisi beberapa tahun ({counts}); dipakai tahun terbaru {chosen}",
                      file=label, column=col, value=chosen,
                      message_en=f"the table holds several years ({counts_en}); using the latest, {chosen}",
                      expected="tetapkan data.year di petarawan.toml untuk memilih", expected_en="set data.year in petarawan.toml to choose")
    mask = (years == chosen).reindex(df.index).to_numpy()
    return df[mask], df[~mask], col


def _other_year_rows(other: pd.DataFrame, code_col: str, year_col: str | None, to_code
                     ) -> dict[str, tuple[int, object]]:
    """Area code → (row, year) of its first row among the rows of other years."""
    out: dict[str, tuple[int, object]] = {}
    for r in other.index:
        code = to_code(other.at[r, code_col])
        if code is not None and code not in out:
            out[code] = (int(r), other.at[r, year_col] if year_col else None)
    return out


def check_table(table: Table, cfg: StudyConfig, areas: gpd.GeoDataFrame | None, label: str,
                found: Findings) -> tuple[pd.DataFrame | None, pd.Series | None, pd.DataFrame, dict[str, int],
                                          dict[str, tuple[int, object]]]:
    """Check the indicator table; return numeric data, the reference label and the
    denominators, all indexed by code, each code's spreadsheet row, and — for codes that have
    rows of other years only — the first such row and its year."""
    df = table.cells
    d = cfg.data
    if table.header_row > 1:
        found.add("info", "header_row", f"judul kolom ditemukan di baris {table.header_row}; baris di atasnya diabaikan",
                  file=label, row=table.header_row,
                  message_en=f"column headings found on row {table.header_row}; the rows above are ignored")
    cols = list(df.columns)
    wanted = [i.code for i in cfg.indicators if i.stage is None]
    denominators = sorted({i.denominator for i in cfg.indicators if i.denominator} | extra_columns(cfg))
    needed = [d.code_column] + wanted + denominators + ([d.reference_column] if d.reference_column else [])
    colmap, problems = match_columns(cols, needed, label, table.header_row)
    found.extend(problems)
    nothing = (None, None, pd.DataFrame(), {}, {})
    if d.code_column not in colmap:
        if table.sheets and len(table.sheets) > 1:
            found.add("info", "sheets", f"berkas ini punya lembar {list(table.sheets)}; pilih dengan [data] sheet = \"...\"",
                      file=label, message_en=f"this file has sheets {list(table.sheets)}; choose one with [data] sheet = \"...\"")
        return nothing
    blank = [int(r) for r in df.index if all(v is None for v in df.loc[r])]
    if blank:
        found.add("info", "blank_rows", f"{len(blank)} baris kosong diabaikan (baris {_rows(blank)})", file=label,
                  message_en=f"{len(blank)} blank rows ignored (rows {_rows(blank)})")
        df = df.drop(index=blank)
    df, other, year_col = _select_year(df, cfg, label, found)
    if df is None:
        return nothing
    code_col = colmap[d.code_column]
    known = None if areas is None else areas.index
    # a list, not Series.map: pandas turns a returned None into NaN, and NaN is not "empty"
    to_code = code_matcher(known)
    codes = pd.Series([to_code(v) for v in df[code_col]], index=df.index, dtype=object)
    rows_by_code: dict[str, int] = {}
    keep: list[int] = []
    unknown: list[tuple[int, object]] = []
    for row, code in codes.items():
        if code is None:
            total = any(isinstance(v, str) and v.strip().lower() in ("jumlah", "total", "kota", "kabupaten")
                        for v in df.loc[row])
            found.add("error", "empty_code", "kode wilayah kosong" + (" — baris total? hapus baris ini" if total else ""),
                      file=label, row=int(row), column=code_col,
                      message_en="empty area code" + (" — a total row? delete this row" if total else ""),
                      expected="kode Kemendagri seperti 19.71.01.1008 atau 1971011008",
                      expected_en="a Kemendagri code such as 19.71.01.1008 or 1971011008")
        elif known is not None and code not in known:
            unknown.append((int(row), df.at[row, code_col]))
        elif code in rows_by_code:
            found.add("error", "duplicate_code", f"kode wilayah ganda (juga di baris {rows_by_code[code]})", file=label,
                      row=int(row), column=code_col, value=code,
                      message_en=f"duplicate area code (also row {rows_by_code[code]})",
                      expected="satu baris per wilayah (per tahun)", expected_en="one row per area (per year)")
        else:
            rows_by_code[code] = int(row)
            keep.append(row)
    if unknown:
        _unknown_codes(unknown, codes, areas, code_col, label, found)
    index = pd.Index([codes[r] for r in keep], name="code")
    numeric = {colmap[s.code]: s.count for s in cfg.indicators if s.stage is None and s.code in colmap}
    for name in denominators:
        if name in colmap:
            numeric[colmap[name]] = True
    # a table with no value at all (a fresh template) is one problem, reported when no area can be scored
    some_data = any(df.at[r, c] is not None or (r, c) in table.formula_cells for c in numeric for r in keep)
    parsed = parse_columns(df, numeric, rows=keep, label=label, style=d.number_style(), setting="[data] decimal",
                           percent=table.percent_cells, formulas=table.formula_cells, empty_is_error=some_data)
    for p in parsed.values():
        found.extend(p.findings)
    values = pd.DataFrame(index=index)
    for spec in cfg.indicators:
        if spec.stage is not None or spec.code not in colmap:
            continue
        col = colmap[spec.code]
        x = parsed[col].values
        nonneg = spec.count or spec.nonnegative
        neg = [(r, df.at[r, col]) for r, v in zip(keep, x) if nonneg and v < 0]
        for r, cell in neg:
            found.add("error", "negative_count", "nilai negatif untuk indikator yang tidak boleh negatif", file=label,
                      row=int(r), column=col, value=cell, message_en="negative value for an indicator that cannot be negative",
                      expected="nilai ≥ 0 (jumlah, persentase, berat)", expected_en="a value ≥ 0 (a count, percentage or weight)")
        values[spec.code] = np.where(x < 0, np.nan, x) if nonneg else x
    denoms = pd.DataFrame(index=index)
    for name in denominators:
        if name not in colmap:
            continue
        col = colmap[name]
        x = parsed[col].values
        for r, v in zip(keep, x):
            if not np.isnan(v) and v <= 0:
                found.add("error", "bad_denominator", "penyebut harus > 0", file=label, row=int(r), column=col,
                          value=df.at[r, col], message_en="a denominator must be > 0",
                          expected="bilangan positif (mis. jumlah penduduk) untuk menghitung laju",
                          expected_en="a positive number (e.g. population) to compute rates")
        denoms[name] = np.where(x > 0, x, np.nan)
    for spec in cfg.indicators:
        if spec.denominator and spec.code in values and spec.denominator in denoms:
            rate = values[spec.code] / denoms[spec.denominator]
            for code in rate.index[rate > 1]:
                found.add("warning", "implausible_rate",
                          f"{spec.code} ({values.at[code, spec.code]:g}) lebih besar dari {spec.denominator} "
                          f"({denoms.at[code, spec.denominator]:g}); periksa pemisah ribuan", file=label,
                          row=rows_by_code[code], column=spec.code, value=code,
                          message_en=f"{spec.code} ({values.at[code, spec.code]:g}) exceeds {spec.denominator} "
                                     f"({denoms.at[code, spec.denominator]:g}); check the thousands separators")
    reference = None
    if d.reference_column and d.reference_column in colmap:
        reference = _reference(df, keep, colmap[d.reference_column], index, label, found)
    others = {c: v for c, v in _other_year_rows(other, code_col, year_col, to_code).items() if c not in rows_by_code}
    return values, reference, denoms, rows_by_code, others


def _unknown_codes(unknown: list[tuple[int, object]], codes: pd.Series, areas, code_col: str, label: str,
                   found: Findings) -> None:
    known = areas.index
    by_name = {str(n).strip().lower(): c for c, n in areas["name"].items()}
    named = sum(1 for _, v in unknown if str(v).strip().lower() in by_name)
    hint_id, hint_en = "", ""
    if named >= max(1, len(unknown) // 2):
        hint_id = " — kolom ini tampaknya berisi NAMA wilayah, bukan kode"
        hint_en = " — this column seems to hold area NAMES, not codes"
    elif len(unknown) == len(codes.dropna()) and len(unknown) > 2:
        hint_id = " — tidak satu pun kode cocok; apakah ini kode BPS (10 digit) dan bukan kode Kemendagri?"
        hint_en = " — no code matches; are these BPS codes (10 digits) rather than Kemendagri codes?"
    for row, v in unknown:
        is_total = isinstance(v, str) and v.strip().lower() in ("jumlah", "total", "kota", "kabupaten")
        found.add("error", "unknown_code", f"kode wilayah tidak ada di berkas batas wilayah"
                  f"{' — baris total? hapus baris ini' if is_total else ''}{hint_id}", file=label,
                  row=row, column=code_col, value=v,
                  message_en=f"area code not in the boundary file{' — a total row? delete this row' if is_total else ''}{hint_en}",
                  expected=f"salah satu dari {len(known)} kode di berkas batas wilayah (mis. {known[0]})",
                  expected_en=f"one of the {len(known)} codes of the boundary file (e.g. {known[0]})")


def _reference(df: pd.DataFrame, keep: list[int], col: str, index: pd.Index, label: str, found: Findings) -> pd.Series:
    ref = []
    for row in keep:
        cell = df.at[row, col]
        key = None if cell is None else str(cell).strip().lower().removesuffix(".0")
        if key is None or key == "":
            ref.append(np.nan)
        elif key in YES:
            ref.append(1.0)
        elif key in NO:
            ref.append(0.0)
        else:
            found.add("error", "not_binary", "label rujukan harus 0/1 (atau ya/tidak)", file=label, row=int(row),
                      column=col, value=cell, message_en="the reference label must be 0/1 (or yes/no)",
                      expected="1 / ya, 0 / tidak, atau kosong", expected_en="1 / yes, 0 / no, or empty")
            ref.append(np.nan)
    return pd.Series(ref, index=index, name=col)


def extra_columns(cfg: StudyConfig) -> set[str]:
    """Positive whole-number columns of the indicator table that stages use besides the
    denominators (the plan's population): validated once here, with the same rules."""
    plan = getattr(cfg, "plan", None)
    column = getattr(plan, "population_column", None) if plan is not None else None
    return {column} if column else set()


def coverage_findings(data: pd.DataFrame, label: str, rows: dict[str, int] | None = None,
                      names: pd.Series | None = None) -> list[Finding]:
    """Warnings for areas whose indicator data are partly missing: the table row, the area's
    name and code, the first empty column and the list of what is missing.

    Linear in the number of areas (one vectorised mask; only partial rows are visited)."""
    rows = rows or {}
    m = data.shape[1]
    missing = data.isna().to_numpy()
    k = missing.sum(axis=1)
    partial = np.flatnonzero((k > 0) & (k < m))
    cols = np.asarray(data.columns)
    codes = data.index.to_numpy()
    name_of = {} if names is None else dict(zip(names.index, names.to_numpy()))
    out = []
    for i in partial:
        code = codes[i]
        miss = list(cols[missing[i]])
        who = f"{name_of[code]} ({code})" if code in name_of else code
        more = "…" if len(miss) > 8 else ""
        out.append(Finding("warning", "partial_data",
                           f"{who}: data hanya {m - len(miss)} dari {m} indikator (kosong: {', '.join(miss[:8])}{more})",
                           file=label, row=rows.get(code), column=miss[0], value=code,
                           message_en=f"{who}: data for only {m - len(miss)} of {m} indicators (missing: "
                                      f"{', '.join(miss[:8])}{more})",
                           expected="isi semua indikator, atau atur index.imputation / index.min_availability",
                           expected_en="fill every indicator, or set index.imputation / index.min_availability"))
    return out


def load_study(study_dir: Path | str, *, config: StudyConfig | None = None) -> Study:
    """Read, check and join every input of a study folder.

    Parameters
    ----------
    study_dir : path
        Folder holding ``petarawan.toml`` and the files it names (a path to the
        ``petarawan.toml`` itself is accepted too).
    config : StudyConfig, optional
        Use this configuration instead of reading ``petarawan.toml`` (a replay uses the resolved
        configuration recorded in ``run.json``).

    Returns
    -------
    Study

    Raises
    ------
    ConfigError
        Invalid configuration.
    InputError
        Any error finding; ``err.findings`` lists them all, ordered by file, row and column.
    """
    study_dir = Path(study_dir)
    if study_dir.is_file() and study_dir.name.endswith(".toml"):
        study_dir = study_dir.parent
    cfg = config if config is not None else load_config(study_dir)
    found = Findings()
    hashes: dict[str, str] = {}
    areas = table = None
    try:
        apath = resolve(study_dir, cfg.areas.file, "batas wilayah", "boundary")
        hashes[cfg.areas.file] = sha256(apath)
        layer = read_boundary_layer(apath, layer=cfg.areas.layer, label=cfg.areas.file, encoding=cfg.areas.encoding)
        found.extend(layer.findings)
        areas = check_areas(layer.frame, cfg, cfg.areas.file, found)
    except InputError as err:
        found.extend(err.findings)
    try:
        tpath = resolve(study_dir, cfg.data.file, "indikator", "indicator")
        hashes[cfg.data.file] = sha256(tpath)
        table = read_sheet(tpath, sheet=cfg.data.sheet, label=cfg.data.file, header_hint=cfg.data.code_column,
                           encoding=cfg.data.encoding)
        found.extend(table.findings)
    except InputError as err:
        found.extend(err.findings)
    data = reference = None
    denoms = pd.DataFrame()
    table_rows: dict[str, int] = {}
    others: dict[str, tuple[int, object]] = {}
    if table is not None:
        data, reference, denoms, table_rows, others = check_table(table, cfg, areas, cfg.data.file, found)
    found.raise_if_errors()
    assert areas is not None and data is not None
    for code in areas.index.difference(data.index, sort=False):
        if code in others:
            row, year = others[code]
            found.add("warning", "no_row_for_year", f"wilayah hanya punya baris tahun lain ({year}, baris {row}); tidak diberi "
                      "skor", file=cfg.data.file, row=row, value=code,
                      message_en=f"the area only has a row of another year ({year}, row {row}); no score",
                      expected="satu baris untuk tahun yang dianalisis, atau tetapkan data.year",
                      expected_en="a row for the analysed year, or set data.year")
            continue
        found.add("warning", "no_data", "wilayah tanpa baris di tabel indikator; tidak diberi skor", file=cfg.data.file,
                  value=code, message_en="area has no row in the indicator table; no score",
                  expected="satu baris untuk kode wilayah ini", expected_en="a row for this area code")
    data = data.reindex(areas.index)
    found.extend(coverage_findings(data, cfg.data.file, table_rows, areas["name"]))
    if not cfg.study.data_date.strip():
        found.add("warning", "no_data_date", "tanggal data kosong; peta dan laporan tidak akan menyebut tahun data",
                  file="petarawan.toml", column="study.data_date",
                  message_en="no data date; maps and the report will not say which year the data describe",
                  expected='mis. data_date = "2025"', expected_en='e.g. data_date = "2025"')
    if reference is not None:
        reference = reference.reindex(areas.index)
    found.sort()
    return Study(cfg, study_dir, areas, data, reference, denoms.reindex(areas.index), found.items, hashes)
