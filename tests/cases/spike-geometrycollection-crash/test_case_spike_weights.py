"""Case spike-geometrycollection-crash (../shared/cases): area 19.71.01.1006 has a zero-width spike;
``make_valid`` turns it into GeometryCollection(Polygon, LineString), and the hot-spot stage's
contiguity stopped with an internal error.

Right: the run completes (exit 0), the polygonal part is the area (it keeps its neighbours), and a
finding names the area.  Reading keeps only polygonal parts (the ``io`` reader); the weights
never rely on that (:func:`petarawan.spatial.weights.polygonal`), which the second test checks on
the repaired collection itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import shapely
from typer.testing import CliRunner

from petarawan.cli import app
from petarawan.spatial.weights import build_weights

HERE = Path(__file__).parent
SPIKED = "19.71.01.1006"


def test_run_with_hotspots_completes_and_names_the_area(tmp_path):
    study = tmp_path / "study"
    shutil.copytree(HERE, study, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    res = CliRunner().invoke(app, ["run", str(study), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert res.exit_code == 0, res.output
    manifest = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    named = [f for f in manifest["findings"] if f["level"] == "warning"
             and (f["value"] == SPIKED or SPIKED in f["message"]["en"])]
    assert named, "no finding names the repaired area"
    layer = gpd.read_file(tmp_path / "out" / "petarawan.gpkg", layer="hotspots").set_index("code")
    assert layer.loc[SPIKED, "gi_bin"] in range(-3, 4)


def test_repaired_collection_keeps_its_polygon_and_neighbours():
    areas = gpd.read_file(HERE / "kel.geojson").set_index("kode")
    raw = areas.geometry[SPIKED]
    repaired = shapely.make_valid(raw)
    assert repaired.geom_type == "GeometryCollection"
    areas.loc[SPIKED, "geometry"] = repaired
    clean_nb = set(build_weights(areas.set_geometry(areas.geometry.buffer(0)), "queen").graph[SPIKED].index)
    w = build_weights(areas, "queen")
    assert set(w.graph[SPIKED].index) == clean_nb and clean_nb
    note = [f for f in w.findings() if f.code == "geometry_not_polygonal"]
    assert len(note) == 1 and SPIKED in note[0].text("en") and SPIKED in note[0].text("id")
