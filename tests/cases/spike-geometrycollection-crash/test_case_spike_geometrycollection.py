"""Case spike-geometrycollection-crash: area 19.71.01.1006 has a zero-width spike; make_valid turns it
into GeometryCollection(Polygon, LineString).  Before: with [hotspots] an internal error (libpysal
'only well-defined for geom_types …'), without it a GeometryCollection in the GeoPackage.  Right:
the polygonal part is kept and the repair is reported; never an internal error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from petarawan import analyse, load_study
from petarawan.errors import InputError
from petarawan.io.geometry import polygonal

HERE = Path(__file__).parent
SPIKY = "19.71.01.1006"


def study(tmp_path) -> Path:
    d = tmp_path / "s"
    shutil.copytree(HERE, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return d


def _feature(code: str) -> dict:
    gj = json.loads((HERE / "kel.geojson").read_text(encoding="utf-8"))
    return next(f for f in gj["features"] if f["properties"]["kode"] == code)


def test_the_case_keeps_the_polygon_and_says_so(tmp_path):
    s = load_study(study(tmp_path))
    g = s.areas.geometry[SPIKY]
    assert g.geom_type == "Polygon" and g.is_valid
    # a zero-width spike encloses no area: the kept polygon has the shoelace area of the input ring
    assert g.area == pytest.approx(shape(_feature(SPIKY)["geometry"]).area, rel=1e-12)
    (f,) = [f for f in s.findings if f.code == "invalid_geometry"]
    assert (f.level, f.value, f.row) == ("warning", SPIKY, 6) and "LineString" in f.text("en")


def test_hot_spots_run_on_the_repaired_layer(tmp_path):
    res = analyse(load_study(study(tmp_path)))  # [hotspots] with Queen contiguity: no internal error
    assert "hotspots" in res.stages and res.result["score"].notna().all()


def test_a_geometry_collection_in_the_file_keeps_its_polygon(tmp_path):
    d = study(tmp_path)
    gj = json.loads((d / "kel.geojson").read_text(encoding="utf-8"))
    feat = next(f for f in gj["features"] if f["properties"]["kode"] == SPIKY)
    poly = shape(feat["geometry"]).buffer(0)
    feat["geometry"] = {"type": "GeometryCollection", "geometries": [
        shapely.geometry.mapping(poly), {"type": "LineString", "coordinates": [[106.0, -2.0], [106.01, -2.0]]}]}
    (d / "kel.geojson").write_text(json.dumps(gj), encoding="utf-8")
    s = load_study(d)
    assert s.areas.geometry[SPIKY].equals(poly)


def test_a_repair_leaving_no_polygon_is_an_error(tmp_path):
    d = study(tmp_path)
    gj = json.loads((d / "kel.geojson").read_text(encoding="utf-8"))
    feat = next(f for f in gj["features"] if f["properties"]["kode"] == SPIKY)
    feat["geometry"] = {"type": "Polygon", "coordinates": [[[106.0, -2.0], [106.01, -2.0], [106.0, -2.0], [106.0, -2.0]]]}
    (d / "kel.geojson").write_text(json.dumps(gj), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_study(d)
    f = next(f for f in exc.value.findings if f.value == SPIKY)
    assert f.code == "repair_no_polygon"


def test_polygonal_parts():
    square = shapely.box(0, 0, 1, 1)
    gc = shapely.GeometryCollection([square, shapely.LineString([(1, 1), (2, 2)])])
    out, changed, empty = polygonal([square, gc, shapely.LineString([(0, 0), (1, 1)])])
    assert out[0] is square and out[1].equals(square) and out[2].is_empty
    assert changed.tolist() == [False, True, True] and empty.tolist() == [False, False, True]
