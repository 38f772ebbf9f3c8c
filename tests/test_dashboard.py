"""The offline dashboard: API values equal the run's outputs; nothing outside them is served."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from petarawan import run
from petarawan.dashboard import create_app
from petarawan.errors import InputError
from studyfix import CODES


@pytest.fixture
def client(study, tmp_path):
    run(study, tmp_path / "out")
    return TestClient(create_app(tmp_path / "out"), base_url="http://127.0.0.1:8765"), tmp_path / "out"


def test_summary_matches_run_json(client):
    c, out = client
    man = json.loads((out / "run.json").read_text())
    body = c.get("/api/run").json()
    assert body["class_counts"] == man["class_counts"] == {"Bahaya": 1, "Waspada": 0, "Siaga": 2, "Aman": 1, "none": 0}
    assert body["n_areas"] == 4 and body["study"] == "Uji"
    assert set(body["files"]) == {"map.png", "report.html"}  # analysts' files are not served


def test_areas_geojson_carries_results_in_wgs84(client):
    c, _ = client
    fc = c.get("/api/areas").json()
    props = {f["properties"]["code"]: f["properties"] for f in fc["features"]}
    assert props["19.71.01.1003"]["class"] == "Bahaya" and props["19.71.01.1003"]["rank"] == 1
    assert props["19.71.01.1002"]["score"] == pytest.approx(45.3125)  # hand value, test_pipeline.py
    assert "x1" not in props["19.71.01.1002"]  # raw indicator values are not in the map layer
    x, y = fc["features"][0]["geometry"]["coordinates"][0][0]
    assert 106.0 < x < 106.2 and -2.2 < y < -2.0


def test_area_detail_suppresses_small_counts(client):
    c, _ = client
    d = c.get(f"/api/areas/{CODES[1]}").json()  # x1 = 5 (count), shown; x2 = 2 (not a count)
    vals = {i["code"]: i for i in d["indicators"]}
    # x1 = 0, 5, 10, 20: no small count anywhere, so its normalised value (5 − 0)/(20 − 0)·100 and its
    # contribution are published (issue 12 item 5)
    assert vals["x1"]["value"] == "5" and vals["x1"]["normalised"] == pytest.approx(25)
    assert vals["x1"]["bnn"] == "main" and vals["x1"]["present_at"] == 5 and vals["x1"]["present"] is True
    assert vals["x3"]["bnn"] is None and vals["x3"]["present"] is None
    contrib = [i["contribution"] for i in d["indicators"]]
    assert sum(contrib) == pytest.approx(45.3125)  # contributions add up to the hand score (test_pipeline.py)
    assert vals["x3"]["value"] == "3" and vals["x3"]["normalised"] == pytest.approx(50)  # (3-1)/(5-1)·100
    d0 = c.get(f"/api/areas/{CODES[0]}").json()
    assert {i["code"]: i["value"] for i in d0["indicators"]}["x1"] == "0"
    assert c.get("/api/areas/99.99.99.9999").status_code == 404


def test_count_of_one_to_four_is_suppressed(study, tmp_path):
    # make x1 = 3 in area 2: the dashboard must show "<5"
    (study / "data.csv").write_text("kode,x1,x2,x3\n" + "\n".join(
        f"{c},{v},{w},{z}" for c, v, w, z in zip(CODES, [0, 3, 10, 20], [4, 2, 0, 4], [1, 3, 5, 3])) + "\n")
    run(study, tmp_path / "o")
    c = TestClient(create_app(tmp_path / "o"), base_url="http://127.0.0.1:8765")
    assert {i["code"]: i["value"] for i in c.get(f"/api/areas/{CODES[1]}").json()["indicators"]}["x1"] == "<5"
    # a column holding a small count: no area publishes that count's normalised value or contribution
    # (min–max offset and scale would give the hidden 3 back)
    for code in CODES:
        x1 = next(i for i in c.get(f"/api/areas/{code}").json()["indicators"] if i["code"] == "x1")
        assert x1["normalised"] is None and x1["contribution"] is None


def test_only_listed_outputs_are_downloadable(client):
    c, _ = client
    assert c.get("/files/report.html").status_code == 200
    for bad in ("petarawan.xlsx", "petarawan.gpkg", "run.json.bak", "..%2Frun.json", "%2Fetc%2Fpasswd", "petarawan.toml"):
        assert c.get(f"/files/{bad}").status_code == 404


def test_page_is_offline(client):
    c, _ = client
    html = c.get("/").text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # no external scripts, styles, fonts
    assert "<script src" not in html


def test_not_an_output_folder(tmp_path):
    with pytest.raises(InputError) as exc:
        create_app(tmp_path)
    assert exc.value.findings[0].code == "not_output"


def test_local_units_layer_is_served_untransformed(tmp_path):
    # Columbus is in arbitrary projected units: no transformation to WGS84 exists
    import shutil
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "examples" / "columbus"
    shutil.copytree(src, tmp_path / "col")
    run(tmp_path / "col", tmp_path / "out")
    fc = TestClient(create_app(tmp_path / "out"), base_url="http://127.0.0.1:8765").get("/api/areas").json()
    assert fc["crs"] == "local" and len(fc["features"]) == 49
