"""Validate and join a study's inputs: boundaries + indicator table → typed frames.

:func:`load_study` reads every input named in the configuration, checks it, and returns a
:class:`Study` whose frames are indexed by the canonical area code.  It collects *all*
problems before deciding: errors raise one :class:`~petarawan.errors.InputError` listing every
one of them; warnings travel with the study into ``run.json`` and the Excel sheet.

Checks (each yields a Finding with file, row, column, value and what was expected):

- boundaries: readable, CRS declared, code and name columns present, codes present and unique,
  geometries present and valid (invalid ones are repaired with ``shapely.make_valid`` and
  reported as warnings);
- table: readable, code column and every configured indicator column present, codes known and
  unique (per year), values numeric (decimal comma accepted), counts not negative, areas without
  any data (warning: the area gets no score).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .codes import normalise_code
from .config import StudyConfig, load_config
from .errors import Finding, Findings, InputError
from .io.readers import parse_number, read_boundaries, read_table, resolve, sha256


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
    denominators : DataFrame
        Index ``code``; one column per denominator named by an indicator (e.g. population).
    reference : Series | None
        The published 0/1 label named by ``data.reference_column``, index ``code``.
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


def check_areas(gdf: gpd.GeoDataFrame, cfg: StudyConfig, label: str, found: Findings) -> gpd.GeoDataFrame | None:
    """Check a boundary layer and return it indexed by canonical code (``None`` if unusable)."""
    a = cfg.areas
    missing = [c for c in (a.code_column, a.name_column, a.group_column) if c and c not in gdf.columns]
    for c in missing:
        found.add("error", "missing_column", "kolom wajib tidak ada / required column missing", file=label, column=c,
                  expected=f"a column named '{c}' (columns found: {[x for x in gdf.columns if x != 'geometry']})")
    if gdf.crs is None:
        found.add("error", "missing_crs", "sistem koordinat (CRS) tidak dinyatakan / no CRS declared", file=label,
                  expected="a file that declares its CRS (e.g. EPSG:4326 or EPSG:32748); set it in QGIS: Layer › Set CRS")
    if missing or len(gdf) == 0:
        if len(gdf) == 0:
            found.add("error", "empty", "berkas batas wilayah kosong / boundary file has no features", file=label)
        return None
    codes = [normalise_code(v) for v in gdf[a.code_column]]
    seen: dict[str, int] = {}
    ok = True
    for i, code in enumerate(codes, start=1):
        if code is None:
            found.add("error", "empty_code", "kode wilayah kosong / empty area code", file=label, row=i,
                      column=a.code_column, expected="a Kemendagri code such as 19.71.01.1008")
            ok = False
        elif code in seen:
            found.add("error", "duplicate_code", f"kode wilayah ganda (juga di fitur {seen[code]}) / duplicate area code (also feature {seen[code]})",
                      file=label, row=i, column=a.code_column, value=code, expected="each area once")
            ok = False
        else:
            seen[code] = i
    geoms = gdf.geometry.values
    for i, g in enumerate(geoms, start=1):
        if g is None or g.is_empty:
            found.add("error", "empty_geometry", "geometri kosong / empty geometry", file=label, row=i,
                      value=codes[i - 1], expected="a polygon")
            ok = False
    if not ok or gdf.crs is None:
        return None
    valid = shapely.is_valid(geoms)
    if not valid.all():
        for i in np.flatnonzero(~valid):
            found.add("warning", "invalid_geometry",
                      f"geometri tidak valid, diperbaiki dengan make_valid / invalid geometry repaired with make_valid "
                      f"({shapely.is_valid_reason(geoms[i])})", file=label, row=int(i) + 1, value=codes[i])
        geoms = geoms.copy()
        geoms[~valid] = shapely.make_valid(geoms[~valid])
    out = gpd.GeoDataFrame(
        {"name": [None if v is None else str(v) for v in gdf[a.name_column]]},
        geometry=gpd.GeoSeries(geoms, crs=gdf.crs).values, crs=gdf.crs,
        index=pd.Index(codes, name="code"),
    )
    if a.group_column:
        out.insert(1, "group", [None if v is None else str(v) for v in gdf[a.group_column]])
    return out


def check_table(df: pd.DataFrame, cfg: StudyConfig, known: pd.Index | None, label: str,
                found: Findings) -> tuple[pd.DataFrame | None, pd.Series | None, pd.DataFrame]:
    """Check the indicator table; return numeric data, the reference label and the
    denominators, all indexed by code."""
    d = cfg.data
    wanted = [i.code for i in cfg.indicators if i.stage is None]
    denominators = sorted({i.denominator for i in cfg.indicators if i.denominator})
    needed = [d.code_column] + wanted + denominators + ([d.reference_column] if d.reference_column else [])
    missing = [c for c in needed if c not in df.columns]
    for c in missing:
        found.add("error", "missing_column", "kolom wajib tidak ada / required column missing", file=label, column=c,
                  expected=f"a column named '{c}' (columns found: {list(df.columns)})")
    if d.code_column in missing:
        return None, None, pd.DataFrame()
    year_col = next((c for c in df.columns if c.lower() in ("year", "tahun")), None)
    if year_col is not None:
        years = df[year_col].map(lambda v: parse_number(v) if v is not None else np.nan)
        if d.year is not None:
            df = df[years == d.year]
            if df.empty:
                found.add("error", "no_rows_for_year", "tidak ada baris untuk tahun yang dipilih / no rows for the chosen year",
                          file=label, column=year_col, value=d.year, expected=f"years present: {sorted(set(years.dropna().astype(int)))}")
                return None, None, pd.DataFrame()
        elif years.nunique() > 1:
            latest = years.max()
            found.add("info", "latest_year", "tabel berisi beberapa tahun; dipakai tahun terbaru / several years in table; using the latest",
                      file=label, column=year_col, value=int(latest), expected="set data.year in petarawan.toml to choose")
            df = df[years == latest]
    codes = df[d.code_column].map(normalise_code)
    rows_by_code: dict[str, int] = {}
    keep: list[int] = []
    for row, code in codes.items():
        if code is None:
            found.add("error", "empty_code", "kode wilayah kosong / empty area code", file=label, row=int(row),
                      column=d.code_column, expected="a Kemendagri code such as 19.71.01.1008 or 1971011008")
        elif known is not None and code not in known:
            found.add("error", "unknown_code", "kode wilayah tidak ada di berkas batas wilayah / area code not in the boundary file",
                      file=label, row=int(row), column=d.code_column, value=df.at[row, d.code_column],
                      expected=f"one of the {len(known)} codes of the boundary file")
        elif code in rows_by_code:
            found.add("error", "duplicate_code", f"kode wilayah ganda (juga di baris {rows_by_code[code]}) / duplicate area code (also row {rows_by_code[code]})",
                      file=label, row=int(row), column=d.code_column, value=code, expected="one row per area (per year)")
        else:
            rows_by_code[code] = int(row)
            keep.append(row)
    values = pd.DataFrame(index=pd.Index([codes[r] for r in keep], name="code"))
    for spec in cfg.indicators:
        if spec.stage is not None or spec.code not in df.columns:
            continue
        col = np.full(len(keep), np.nan)
        for j, row in enumerate(keep):
            cell = df.at[row, spec.code]
            try:
                x = parse_number(cell)
            except ValueError:
                found.add("error", "not_numeric", "nilai bukan angka / value is not a number", file=label, row=int(row),
                          column=spec.code, value=cell, expected="a number (decimal comma accepted: 1,5)")
                continue
            if np.isinf(x):
                found.add("error", "not_numeric", "nilai tak hingga / infinite value", file=label, row=int(row),
                          column=spec.code, value=cell, expected="a finite number")
                continue
            if spec.count and x < 0:
                found.add("error", "negative_count", "jumlah negatif / negative count", file=label, row=int(row),
                          column=spec.code, value=cell, expected="a count ≥ 0")
                continue
            col[j] = x
        values[spec.code] = col
    denoms = pd.DataFrame(index=values.index)
    for name in denominators:
        if name not in df.columns:
            continue
        col = np.full(len(keep), np.nan)
        for j, row in enumerate(keep):
            cell = df.at[row, name]
            try:
                x = parse_number(cell)
            except ValueError:
                x = -1.0
            if not x > 0:
                found.add("error", "bad_denominator", "penyebut harus angka > 0 / denominator must be a number > 0",
                          file=label, row=int(row), column=name, value=cell,
                          expected="a positive number (e.g. population) to compute rates")
                continue
            col[j] = x
        denoms[name] = col
    reference = None
    if d.reference_column and d.reference_column in df.columns:
        ref = []
        for row in keep:
            cell = df.at[row, d.reference_column]
            try:
                x = parse_number(cell)
            except ValueError:
                x = np.nan
            if not (np.isnan(x) or x in (0, 1)):
                found.add("error", "not_binary", "label rujukan harus 0 atau 1 / reference label must be 0 or 1",
                          file=label, row=int(row), column=d.reference_column, value=cell, expected="0 or 1")
                x = np.nan
            ref.append(x)
        reference = pd.Series(ref, index=values.index, name=d.reference_column)
    return values, reference, denoms


def load_study(study_dir: Path | str) -> Study:
    """Read, check and join every input of a study folder.

    Parameters
    ----------
    study_dir : path
        Folder holding ``petarawan.toml`` and the files it names.

    Returns
    -------
    Study

    Raises
    ------
    ConfigError
        Invalid configuration.
    InputError
        Any error finding; ``err.findings`` lists them all.
    """
    study_dir = Path(study_dir)
    cfg = load_config(study_dir)
    found = Findings()
    hashes: dict[str, str] = {}
    areas = table = None
    try:
        apath = resolve(study_dir, cfg.areas.file, "batas wilayah / boundary")
        hashes[cfg.areas.file] = sha256(apath)
        areas = check_areas(read_boundaries(apath, layer=cfg.areas.layer, label=cfg.areas.file), cfg, cfg.areas.file, found)
    except InputError as err:
        found.extend(err.findings)
    try:
        tpath = resolve(study_dir, cfg.data.file, "indikator / indicator")
        hashes[cfg.data.file] = sha256(tpath)
        table = read_table(tpath, sheet=cfg.data.sheet, label=cfg.data.file)
    except InputError as err:
        found.extend(err.findings)
    data = reference = None
    denoms = pd.DataFrame()
    if table is not None:
        data, reference, denoms = check_table(table, cfg, None if areas is None else areas.index, cfg.data.file, found)
    found.raise_if_errors()
    assert areas is not None and data is not None
    no_data = areas.index.difference(data.index)
    for code in no_data:
        found.add("warning", "no_data", "wilayah tanpa data indikator; tidak diberi skor / area has no indicator data; no score",
                  file=cfg.data.file, value=code, expected="a row for this area code")
    data = data.reindex(areas.index)
    if reference is not None:
        reference = reference.reindex(areas.index)
    return Study(cfg, study_dir, areas, data, reference, denoms.reindex(areas.index), found.items, hashes)
