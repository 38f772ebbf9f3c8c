"""The ikrn stage in a full run: indicator for the index, layer, sheets, report, published columns."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from openpyxl import load_workbook

from ikrn_fixtures import A, B, make_round_study
from petarawan.pipeline import run

INDICATOR = """
[[indicators]]
code = "survei_ikrn"
label_id = "Skor survei IKRN"
dimension = "d"
stage = "ikrn"
"""


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    import shutil

    from studyfix import CODES, CONFIG, TABLE, boundary_geojson, write_csv

    d = tmp_path_factory.mktemp("ikrn") / "study"
    d.mkdir()
    (d / "petarawan.toml").write_text(CONFIG + INDICATOR, encoding="utf-8")
    (d / "areas.geojson").write_text(json.dumps(boundary_geojson()), encoding="utf-8")
    write_csv(d / "data.csv", ["kode", "x1", "x2", "x3"],
              [[c, TABLE["x1"][i], TABLE["x2"][i], TABLE["x3"][i]] for i, c in enumerate(CODES)])
    make_round_study(d)
    out = d.parent / "out"
    res = run(d, out, lang="en")
    yield d, out, res
    shutil.rmtree(d.parent, ignore_errors=True)


def test_survey_score_enters_the_index(ran):
    _, _, res = ran
    m1 = (250 / 3 + 0 + 75) / 3
    assert res.data.loc[A, "survei_ikrn"] == pytest.approx((m1 + 37.5 + 62.5) / 3)
    assert np.isnan(res.data.loc[B, "survei_ikrn"])
    st = res.stages["ikrn"]
    assert st.indicator_names == ("survei_ikrn",)
    assert st.replicates.shape == (50, 4, 1)
    assert st.seed == (20211, 10)


def test_layer_sheet_report_and_manifest(ran):
    _, out, res = ran
    layer = gpd.read_file(out / "petarawan.gpkg", layer="ikrn").set_index("code")
    for c in ("returned_ikrn1", "returned_ikrn2", "returned_ikrn3", "expected_ikrn1", "expected_ikrn2", "expected_ikrn3",
              "reporting_rate", "survey_score", "survey_se", "below_quota"):
        assert c in layer.columns, c
    assert layer.loc[B, ["returned_ikrn1", "returned_ikrn2", "returned_ikrn3"]].tolist() == [2, 1, 0]
    assert layer.loc[B, "reporting_rate"] == pytest.approx(3 / 7) and bool(layer.loc[B, "below_quota"])
    assert layer.loc[A, "survey_se"] > 0 and np.isnan(layer.loc[B, "survey_score"])
    wb = load_workbook(out / "petarawan.xlsx", read_only=True)
    assert "IKRN" in wb.sheetnames and "IKRN districts" in wb.sheetnames
    man = json.loads((out / "run.json").read_text(encoding="utf-8"))
    rec = man["stages"]["ikrn"]
    assert rec["bootstrap"]["seed"] == [20211, 10] and rec["bootstrap"]["replicates"] == 50
    assert rec["counts"]["duplicate"] == 1 and rec["areas_without_score"] == [B, "19.71.01.1003", "19.71.01.1004"]
    assert set(man["inputs"]) >= {"ikrn1.csv", "ikrn2.xlsx", "ikrn3.zip", "bank_uji.toml"}
    assert set(man["public_columns"]) >= {"ikrn_reporting_rate", "ikrn_below_quota"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "IKRN survey round" in html and "ILLUSTRATIVE item bank" in html
    # Bravo's 2 residents and 1 head are published as "<5"
    assert "Bravo" in html and "&lt;5/4" in html
    codes = [f["code"] for f in man["findings"]]
    assert "ikrn_no_survey_score" in codes and "ikrn_duplicate" in codes


def test_class_probabilities_combine_survey_sampling(tmp_path):
    """Count rule with the survey score as a BNN main indicator (present at ≥ 50).  Area A: the
    officers' stratum (25 and 100, n = 2) draws one officer per replicate; residents 83.3, 0, 75
    draw two.  Present iff (m1* + 37.5 + o*) / 3 ≥ 50: with o* = 100 unless both residents are the
    0 (prob 1/9), never with o* = 25 — so P(Siaga) = ½ · 8/9 = 4/9.  Area B has no survey score:
    its class is certain."""
    from studyfix import CODES, CONFIG, TABLE, boundary_geojson, write_csv

    d = tmp_path / "s"
    d.mkdir()
    cfg = CONFIG.replace('[data]\nfile = "data.csv"', '[data]\nfile = "data.csv"\n\n[classification]\nmethod = "count_rule"\n'
                         'count_rule = [{ class = "Siaga", main = 1 }]\n\n[uncertainty]\nruns = 2000\nweights = 0.0\nsobol = false')
    (d / "petarawan.toml").write_text(cfg + INDICATOR + 'bnn = "main"\npresent_at = 50\n', encoding="utf-8")
    (d / "areas.geojson").write_text(json.dumps(boundary_geojson()), encoding="utf-8")
    write_csv(d / "data.csv", ["kode", "x1", "x2", "x3"],
              [[c, TABLE["x1"][i], TABLE["x2"][i], TABLE["x3"][i]] for i, c in enumerate(CODES)])
    make_round_study(d)
    text = (d / "petarawan.toml").read_text(encoding="utf-8").replace("bootstrap = 50", "bootstrap = 4000")
    (d / "petarawan.toml").write_text(text, encoding="utf-8")
    from petarawan.pipeline import analyse
    from petarawan.validate import load_study

    res = analyse(load_study(d), lang="en")
    r = res.result
    assert r.loc[A, "class"] == "Siaga"                     # the estimate 50.9 ≥ 50
    assert r.loc[A, "p_siaga"] == pytest.approx(4 / 9, abs=0.04)
    assert r.loc[A, "p_aman"] == pytest.approx(1 - r.loc[A, "p_siaga"])
    assert r.loc[B, ["p_siaga", "p_aman"]].max() == 1.0    # no survey score: nothing to sample
    man = res.stages["uncertainty"].manifest
    assert man["survey_draws"]["indicators"] == ["survei_ikrn"]
