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
    # questionnaire counts are fieldwork, shown whole as `ikrn status` shows them (tester finding 12:
    # "<5/1" hid nothing — the quota and reporting rate give it back — and read as nonsense)
    assert "Bravo" in html and "2/4" in html and "&lt;5/" not in html
    assert "fewer than 3 IKRN 1 questionnaires gets no survey score" in html
    codes = [f["code"] for f in man["findings"]]
    assert "ikrn_no_survey_score" in codes and "ikrn_duplicate" in codes


def _prob_study(tmp_path, runs: int, boot: int):
    from studyfix import CODES, CONFIG, TABLE, boundary_geojson, write_csv

    d = tmp_path / "s"
    d.mkdir()
    cfg = CONFIG.replace('[data]\nfile = "data.csv"', '[data]\nfile = "data.csv"\n\n[classification]\nmethod = "count_rule"\n'
                         f'count_rule = [{{ class = "Siaga", main = 1 }}]\n\n[uncertainty]\nruns = {runs}\nweights = 0.0\n'
                         'sobol = false')
    (d / "petarawan.toml").write_text(cfg + INDICATOR + 'bnn = "main"\npresent_at = 50\n', encoding="utf-8")
    (d / "areas.geojson").write_text(json.dumps(boundary_geojson()), encoding="utf-8")
    write_csv(d / "data.csv", ["kode", "x1", "x2", "x3"],
              [[c, TABLE["x1"][i], TABLE["x2"][i], TABLE["x3"][i]] for i, c in enumerate(CODES)])
    make_round_study(d)
    text = (d / "petarawan.toml").read_text(encoding="utf-8").replace("bootstrap = 50", f"bootstrap = {boot}")
    (d / "petarawan.toml").write_text(text, encoding="utf-8")
    return d


def test_bootstrap_presence_probability_by_hand(tmp_path):
    """Area A: the officers' stratum (25 and 100, n = 2) draws one officer per replicate; the
    residents (83.3, 0, 75) draw two.  The score (m1* + 37.5 + o*) / 3 is ≥ 50 iff o* = 100 and
    not both residents are the 0 (prob 1/9): P = ½ · 8/9 = 4/9."""
    from petarawan.registry import load_config
    from petarawan.ikrn.cli import load_areas
    from petarawan.ikrn.round import assess_round, read_round, score_round, study_bank

    d = _prob_study(tmp_path, 10, 20_000)
    cfg = load_config(d)
    b = study_bank(d, cfg.ikrn)
    areas = load_areas(d, cfg)
    sc = score_round(assess_round(read_round(d, cfg.ikrn, b), b, cfg.ikrn, areas), b, cfg.ikrn, areas.index, seed=3)
    rep = sc.bootstrap.replicates[:, list(areas.index).index(A), 0]
    assert (rep >= 50).mean() == pytest.approx(4 / 9, abs=0.015)


def test_class_probabilities_combine_survey_sampling(tmp_path):
    """Count rule, the survey score a BNN main indicator present at ≥ 50: with no method
    uncertainty, A's probability of Siaga is exactly the share of runs whose survey draw is ≥ 50
    (draws from the stream [seed, 3]); B has no survey score, so its class is certain."""
    from petarawan.pipeline import analyse
    from petarawan.validate import load_study

    runs, boot = 400, 200
    res = analyse(load_study(_prob_study(tmp_path, runs, boot)), lang="en")
    r = res.result
    assert r.loc[A, "class"] == "Siaga"                     # the estimate 50.9 ≥ 50
    ik = res.stages["ikrn"]
    draws = np.random.default_rng([20211, 3]).integers(0, boot, runs)
    present = ik.replicates[draws, list(ik.scores.index).index(A), 0] >= 50
    assert r.loc[A, "p_siaga"] == pytest.approx(present.mean())
    assert 0.3 < r.loc[A, "p_siaga"] < 0.6
    assert r.loc[A, "p_aman"] == pytest.approx(1 - present.mean())
    assert r.loc[B, ["p_siaga", "p_aman"]].max() == 1.0    # no survey score: nothing to sample
    assert res.stages["uncertainty"].manifest["survey_draws"]["indicators"] == ["survei_ikrn"]


def test_dashboard_offers_the_kelengkapan_colour_mode(ran):
    from fastapi.testclient import TestClient

    from petarawan.dashboard.app import create_app

    _, out, _ = ran
    c = TestClient(create_app(out), base_url="http://127.0.0.1:8765")
    props = {f["properties"]["code"]: f["properties"] for f in c.get("/api/areas").json()["features"]}
    assert props[B]["ikrn_reporting_rate"] == pytest.approx(3 / 7) and props[B]["ikrn_below_quota"] is True
    assert props[A]["ikrn_reporting_rate"] == pytest.approx(1.0)
    assert not any(k.startswith(("returned_", "n_ikrn", "mean_ikrn")) for k in props[A])  # no counts published
    page = c.get("/").text
    assert 'modes.push(["kelengkapan"' in page and "p.ikrn_reporting_rate" in page
