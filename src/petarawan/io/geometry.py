"""The one geometry reader of petarawan: boundary files (GeoJSON, GeoPackage, Shapefile, FlatGeobuf)."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd

from ..errors import Finding, InputError

BOUNDARY_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb"}


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
