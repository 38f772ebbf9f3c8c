"""The one geometry reader of petarawan: boundary files (GeoJSON, GeoPackage, Shapefile, FlatGeobuf)
read with pyogrio, their attribute text decoded right, and polygons repaired to polygons.

Text of a Shapefile's ``.dbf`` has no encoding of its own: GDAL takes it from the ``.cpg`` file (or
the ``.dbf`` header), else assumes ISO-8859-1.  A ``.dbf`` written in UTF-8 without a ``.cpg`` (or
with a ``.cpg`` that names another encoding) then reads ``Désa`` as ``DÃ©sa`` — silently.  So:

- ``[areas] encoding`` set: the text is decoded with it;
- otherwise, when every non-ASCII text value of the layer is valid UTF-8 that was decoded as a
  single-byte encoding (``DÃ©sa`` → ``Désa``), the layer is read again as UTF-8 and a warning says
  so; when the ``.cpg`` says UTF-8 but the text is not UTF-8, it is read as Windows-1252 with a
  warning.

Repair (:func:`polygonal`): an invalid polygon is repaired with ``shapely.make_valid`` (GEOS
``MakeValid``), which can return a GeometryCollection — e.g. a polygon with a zero-width spike
becomes the polygon plus a line.  Only polygonal parts describe an area, so the others are dropped
(and the validator says so); a geometry with no polygonal part left is empty.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import Finding, InputError
from ..i18n import Msg

BOUNDARY_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb"}
SINGLE_BYTE = ("latin-1", "cp1252")
"""Encodings GDAL may have used that turn UTF-8 text into mojibake (``Ã©`` for ``é``)."""


@dataclass(frozen=True)
class BoundaryLayer:
    """A boundary layer as read.

    Attributes
    ----------
    frame : GeoDataFrame
        As stored (CRS included, ``None`` when the file declares none), text decoded.
    findings : list[Finding]
        Warnings about the text encoding (repaired mojibake, a ``.cpg`` that was wrong).
    encoding : str | None
        Encoding the attribute text was decoded with (Shapefiles; None for other formats).
    """

    frame: gpd.GeoDataFrame
    findings: list[Finding] = field(default_factory=list)
    encoding: str | None = None


def _read(path: Path, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = {"encoding": encoding} if encoding else {}
        return gpd.read_file(path, layer=layer, engine="pyogrio", **kw)


def _text_values(frame: gpd.GeoDataFrame) -> list[str]:
    geom = frame.geometry.name
    return [v for c in frame.columns if c != geom and (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]))
            for v in frame[c] if isinstance(v, str) and not v.isascii()]


def utf8_read_as(values: list[str]) -> str | None:
    """The single-byte encoding (``latin-1`` or ``cp1252``) through which these non-ASCII strings
    are UTF-8 text decoded wrongly — every one of them re-encodes to valid UTF-8 that differs —
    or None (the text is what it says)."""
    if not values:
        return None
    for enc in SINGLE_BYTE:
        try:
            fixed = [v.encode(enc).decode("utf-8") for v in values]
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if any(f != v for f, v in zip(fixed, values)):
            return enc
    return None


def read_boundary_layer(path: Path, *, layer: str | None = None, label: str | None = None,
                        encoding: str | None = None) -> BoundaryLayer:
    """Read a boundary file with pyogrio, its attribute text decoded right (module docstring).

    Parameters
    ----------
    path : Path
    layer : str, optional
        Layer of a GeoPackage (default: the first).
    label : str, optional
        File name in findings (default: ``path.name``).
    encoding : str, optional
        Encoding of a Shapefile's attribute text (``[areas] encoding``); default: the ``.cpg``,
        checked against the text.

    Returns
    -------
    BoundaryLayer

    Raises
    ------
    InputError
        Unknown format, a Shapefile without its ``.dbf``/``.shx``, an unknown encoding name, or a
        file GDAL cannot read.
    """
    label = label or path.name
    suffix = path.suffix.lower()
    if suffix not in BOUNDARY_SUFFIXES:
        raise InputError(Finding("error", "format", Msg("f.format.geometry"), file=label, value=path.suffix,
                                 expected=Msg("x.format.geometry", boundary_suffixes=sorted(BOUNDARY_SUFFIXES))))
    if not path.is_file():
        raise InputError(Finding("error", "file_missing", Msg("f.file_missing.geometry"), file=label))
    if suffix == ".shp":
        for side in (".dbf", ".shx"):
            if not any(path.with_suffix(s).is_file() for s in (side, side.upper())):
                raise InputError(Finding("error", "shapefile_part_missing", Msg("f.shapefile_part_missing", name=path.with_suffix(side).name),
                                         file=label, expected=Msg("x.shapefile_part_missing")))
    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(Finding("error", "bad_encoding", Msg("f.bad_encoding_name"), file=label, column="areas.encoding",
                                     value=encoding, expected=Msg("x.bad_encoding_name"))) from None
    size = path.stat().st_size
    if size == 0 or (suffix in (".geojson", ".json") and not path.read_bytes()[:4096].strip()):
        raise InputError(Finding("error", "empty_file", Msg("geo.empty"), file=label, value=size,
                                 expected=Msg("geo.expected")))
    findings: list[Finding] = []
    used = encoding
    try:
        try:
            frame = _read(path, layer, encoding)
        except UnicodeDecodeError:
            if encoding or suffix != ".shp":
                raise
            frame, used = _read(path, layer, "cp1252"), "cp1252"  # a .cpg that says UTF-8 about other text
            findings.append(Finding(
                "warning", "dbf_encoding_repaired", Msg("f.dbf_not_utf8"), file=label, value="cp1252",
                expected=Msg("x.dbf_not_utf8")))
        if suffix == ".shp" and not encoding and used is None:
            cpg = next((c for c in (path.with_suffix(".cpg"), path.with_suffix(".CPG")) if c.is_file()), None)
            said = cpg.read_text(encoding="ascii", errors="ignore").strip() if cpg else None
            used = said or "ISO-8859-1"
            if utf8_read_as(_text_values(frame)) is not None:
                frame, used = _read(path, layer, "utf-8"), "utf-8"
                findings.append(Finding(
                    "warning", "dbf_encoding_repaired",
                    Msg("f.dbf_utf8", cpg=Msg("f.dbf_utf8.cpg", said=said) if said else Msg("f.dbf_utf8.no_cpg")),
                    file=label, value="utf-8", expected=Msg("x.dbf_utf8")))
    except InputError:
        raise
    except Exception as err:  # pyogrio raises several types; all mean "unreadable"
        # GDAL's own text ("not recognized as being in a supported file format ... '<DRIVER>:'") is
        # English advice for programmers: the finding says what was found and what is expected
        what = "geo.not_format" if "not recognized" in str(err) or "supported file format" in str(err) else "geo.unreadable"
        raise InputError(Finding("error", "unreadable", Msg(what, kind=suffix.lstrip(".").upper()), file=label,
                                 expected=Msg("geo.expected"))) from None
    return BoundaryLayer(frame, findings, used if suffix == ".shp" else None)


def read_boundaries(path: Path, *, layer: str | None = None, label: str | None = None,
                    encoding: str | None = None) -> gpd.GeoDataFrame:
    """The frame of :func:`read_boundary_layer` (text repaired; findings left out)."""
    return read_boundary_layer(Path(path), layer=layer, label=label, encoding=encoding).frame


def polygonal(geoms) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The polygonal part of each geometry.

    Geometry repair (``make_valid``) can turn a polygon with a zero-width spike into a
    GeometryCollection of a polygon and a line; only the polygon is an area.  Invalid polygons are
    repaired first (``shapely.make_valid``), then every part that is not a polygon is dropped.

    Parameters
    ----------
    geoms : array-like (n,) of shapely geometries

    Returns
    -------
    cleaned : ndarray (n,) of Polygon | MultiPolygon (an empty Polygon where nothing is left)
    changed : ndarray (n,) of bool
        Parts were dropped (or a repair was needed).
    empty : ndarray (n,) of bool
        No polygonal part at all.
    """
    arr = np.asarray(geoms, dtype=object)
    out = arr.copy()
    changed = np.zeros(len(arr), dtype=bool)
    types = shapely.get_type_id(arr)
    ok = np.isin(types, (3, 6)) & shapely.is_valid(arr)  # Polygon, MultiPolygon
    for i in np.flatnonzero(~ok):
        g = arr[i]
        if g is None or g.is_empty:
            out[i] = shapely.Polygon()
            continue
        g = shapely.make_valid(g) if not g.is_valid else g
        parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
        polys = [q for p in parts for q in (shapely.get_parts(p) if p.geom_type == "MultiPolygon" else [p])]
        out[i] = (polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)) if polys else shapely.Polygon()
        changed[i] = True
    return out, changed, shapely.is_empty(out)
