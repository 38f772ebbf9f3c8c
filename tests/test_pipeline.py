"""The main job end to end on the hand-worked 4-area study.

Hand computation (OECD/JRC 2008 §5 min–max, §6 weighted arithmetic mean):

    x1 (dim s, +1, w 1): 0, 5, 10, 20  → (x-0)/20·100     = 0, 25, 50, 100
    x2 (dim s, −1, w 3): 4, 2, 0, 4    → (4-x)/4·100      = 0, 50, 100, 0
    x3 (dim d, +1, w 1): 1, 3, 5, 3    → (x-1)/4·100      = 0, 50, 100, 50
    s = (1·x1 + 3·x2)/4                = 0, 43.75, 87.5, 25
    d = x3                             = 0, 50, 100, 50
    score = (3·s + 1·d)/4              = 0, 45.3125, 90.625, 31.25
    bands 75/50/25                     → Aman, Siaga, Bahaya, Siaga
    rank (1 = most prone)              → 4, 2, 1, 3
BNN count rule: x1 present when ≥ 5 (main), x2 present when ≤ 1 (supporting, direction −1):
    n_main = 0, 1, 1, 1;  n_supporting = 0, 0, 1, 0
"""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from petarawan import analyse, load_study, run
from studyfix import CODES

SCORES = [0.0, 45.3125, 90.625, 31.25]
CLASSES = ["Aman", "Siaga", "Bahaya", "Siaga"]
RANKS = [4, 2, 1, 3]


def test_scores_classes_ranks_by_hand(study):
    res = analyse(load_study(study))
    r = res.result.loc[CODES]
    assert r["score"].tolist() == pytest.approx(SCORES)
    assert r["dim_s"].tolist() == pytest.approx([0, 43.75, 87.5, 25])
    assert r["dim_d"].tolist() == pytest.approx([0, 50, 100, 50])
    assert r["class"].tolist() == CLASSES
    assert r["rank"].tolist() == RANKS
    assert r["n_main"].tolist() == [0, 1, 1, 1]
    assert r["n_supporting"].tolist() == [0, 0, 1, 0]
    assert res.class_counts() == {"Bahaya": 1, "Waspada": 0, "Siaga": 2, "Aman": 1, "none": 0}


def test_count_rule_classes(study):
    cfg = (study / "petarawan.toml").read_text()
    cfg = cfg.replace('[areas]', '[classification]\nmethod = "count_rule"\ncount_rule = [\n'
                      '  { class = "Bahaya", main = 1, supporting = 1 },\n  { class = "Waspada", main = 1 },\n]\n\n[areas]')
    (study / "petarawan.toml").write_text(cfg)
    r = analyse(load_study(study)).result.loc[CODES]
    # C has 1 main + 1 supporting → Bahaya; B, D have 1 main → Waspada; A none → Aman
    assert r["class"].tolist() == ["Aman", "Waspada", "Bahaya", "Waspada"]


def test_outputs(study, tmp_path):
    out = tmp_path / "out"
    run(study, out)
    assert sorted(p.name for p in out.iterdir()) == ["map.png", "petarawan.gpkg", "petarawan.xlsx", "report.html", "run.json"]
    g = gpd.read_file(out / "petarawan.gpkg", layer="areas").set_index("code").loc[CODES]
    assert g["score"].tolist() == pytest.approx(SCORES)
    assert g["class"].tolist() == CLASSES
    assert g["x2"].tolist() == [4, 2, 0, 4] and g["x2_norm"].tolist() == pytest.approx([0, 50, 100, 0])
    assert g.crs.to_epsg() == 4326
    with sqlite3.connect(out / "petarawan.gpkg") as con:
        (qml,) = con.execute("SELECT styleQML FROM layer_styles WHERE f_table_name='areas' AND useAsDefault=1").fetchone()
    assert 'attr="class"' in qml and 'value="Bahaya"' in qml and "215,25,28" in qml  # red for Bahaya
    wb = openpyxl.load_workbook(out / "petarawan.xlsx")
    assert wb.sheetnames[:6] == ["Peringkat", "Indikator", "Normalisasi", "Kontribusi", "Metode", "Metode – Indikator"]
    ws = wb["Peringkat"]
    header = [c.value for c in ws[1]]
    first = dict(zip(header, [c.value for c in ws[2]]))
    assert first["Peringkat"] == 1 and first["Kode wilayah"] == "19.71.01.1003" and first["Kelas"] == "Bahaya"
    man = json.loads((out / "run.json").read_text())
    assert man["class_counts"] == {"Bahaya": 1, "Waspada": 0, "Siaga": 2, "Aman": 1, "none": 0}
    assert man["config"]["indicators"][1]["direction"] == -1
    assert set(man["inputs"]) == {"areas.geojson", "data.csv"} and len(man["inputs"]["data.csv"]) == 64
    html = (out / "report.html").read_text()
    assert "Bahaya" in html and "<script" not in html and "http://" not in html.replace("http://mrcc.com", "")


def test_english_labels(study, tmp_path):
    run(study, tmp_path / "en", lang="en")
    wb = openpyxl.load_workbook(tmp_path / "en" / "petarawan.xlsx")
    assert wb.sheetnames[0] == "Ranking"
    assert "Drug-prone area mapping report" in (tmp_path / "en" / "report.html").read_text()


def test_same_inputs_give_identical_tables(study, tmp_path):
    run(study, tmp_path / "a")
    run(study, tmp_path / "b")
    a = gpd.read_file(tmp_path / "a" / "petarawan.gpkg", layer="areas")
    b = gpd.read_file(tmp_path / "b" / "petarawan.gpkg", layer="areas")
    pd.testing.assert_frame_equal(a, b)
    ma, mb = (json.loads((tmp_path / x / "run.json").read_text()) for x in "ab")
    for key in ("config", "class_counts", "inputs", "method_steps"):
        assert ma[key] == mb[key]


def test_report_publishes_only_public_stage_columns(study, tmp_path, monkeypatch):
    """A stage's raw counts stay in the analysts' files; the report shows only its public columns."""
    import petarawan.pipeline as pipeline
    from petarawan.index.stage import STAGE as INDEX
    from petarawan.stages import Registry, Stage, StageResult

    def fake_stage(ctx):
        cols = pd.DataFrame({"count_x": [3, 1, 7, 0], "label_x": ["a", "b", "c", "d"]}, index=ctx.result.index)
        return StageResult(name="fake", area_columns=cols, public_columns={"label_x": ("Label X", "X label")})

    fake = Stage(name="fake", run=fake_stage, requires=("classes",), always=True)
    monkeypatch.setattr(pipeline, "STAGES", Registry([fake, INDEX]))
    run(study, tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Label X" in html and "count_x" not in html
    ws = openpyxl.load_workbook(tmp_path / "out" / "petarawan.xlsx")["Peringkat"]
    header = [c.value for c in ws[1]]
    assert "count_x" in header and "Label X" in header  # the workbook keeps everything, with headings
    man = json.loads((tmp_path / "out" / "run.json").read_text())
    assert man["public_columns"] == {"label_x": ["Label X", "X label"]}


def test_uncertainty_starts_from_the_index_input(study, tmp_path):
    """Zero perturbation must reproduce the base ranks through the whole pipeline, also when an
    indicator enters the index as a rate (the Monte Carlo once used the counts instead)."""
    cfg = (study / "petarawan.toml").read_text()
    cfg = cfg.replace('code = "x1"', 'code = "x1"\ndenominator = "pop"')
    cfg += "\n[uncertainty]\nruns = 20\nweights = 0.0\nsobol = false\n"
    (study / "petarawan.toml").write_text(cfg)
    # B and D differ only in x1 (x2 = 2, x3 = 3 for both), so x1 alone orders them: by count
    # D (20) is above B (5); by rate per 10,000 (pop 10 and 1000) B (5000) is above D (200)
    (study / "data.csv").write_text("kode,pop,x1,x2,x3\n" + "\n".join(
        f"{c},{p},{a},{b},{d}" for c, p, a, b, d in zip(CODES, [100, 10, 1000, 1000], [0, 5, 10, 20],
                                                        [4, 2, 0, 2], [1, 3, 5, 3])) + "\n")
    res = analyse(load_study(study))
    r = res.result.loc[CODES]
    assert r.loc["19.71.01.1002", "rank"] < r.loc["19.71.01.1004", "rank"]  # the rate order
    assert r["rank_median"].tolist() == r["rank"].astype(float).tolist()
    assert (r["rank_p05"] == r["rank_p95"]).all()
    # the base index used rates: per 10,000 = 0, 5000, 100, 200 → normalised 0, 100, 2, 4
    assert res.index.normalised.loc[CODES, "x1"].tolist() == pytest.approx([0, 100, 2, 4])


def test_aman_with_main_indicator_present_is_flagged(study):
    # a count rule that needs a supporting indicator for Siaga: B and D (x1 present, no x2) fall to Aman
    cfg = (study / "petarawan.toml").read_text().replace('[areas]', '[classification]\nmethod = "count_rule"\ncount_rule = [\n'
                                                         '  { class = "Siaga", main = 1, supporting = 1 },\n]\n\n[areas]')
    (study / "petarawan.toml").write_text(cfg)
    res = analyse(load_study(study))
    flagged = sorted(f.value for f in res.findings if f.code == "aman_with_main")
    assert flagged == ["19.71.01.1002", "19.71.01.1004"]  # n_main 1, n_supporting 0 (see module docstring)


def test_method_sheet_shows_weights_used_and_presence_sign(study, tmp_path):
    cfg = (study / "petarawan.toml").read_text().replace('[areas]', '[index.weighting]\ndimensions = "equal"\n\n[areas]')
    (study / "petarawan.toml").write_text(cfg)
    run(study, tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "petarawan.xlsx")
    rows = {r[0].value: (r[2].value, r[3].value) for r in wb["Metode"].iter_rows(min_row=2)}
    # equal weighting over 2 dimensions: 0.5 each, whatever the configured 3 and 1 say
    assert rows["Bobot dimensi yang dipakai: Pasokan"][0] == pytest.approx(0.5)
    assert "3 (tidak dipakai)" in rows["Bobot dimensi yang dipakai: Pasokan"][1]
    ind = wb["Metode – Indikator"]
    head = [c.value for c in ind[1]]
    col = head.index("Dianggap ada bila")
    assert [r[col].value for r in ind.iter_rows(min_row=2)] == ["≥ 5", "≤ 1", None]  # x2 has direction −1


def test_unreached_bands_are_warned(study):
    cfg = (study / "petarawan.toml").read_text().replace('[areas]', '[classification]\nbands = { Bahaya = 99, Waspada = 95, Siaga = 50 }\n\n[areas]')
    (study / "petarawan.toml").write_text(cfg)
    res = analyse(load_study(study))
    (f,) = [f for f in res.findings if f.code == "bands_unreached"]
    assert "skor tertinggi 90,6" in f.text("id")  # C's hand-computed score 90.625, Indonesian decimal comma
    assert "the highest score is 90.6" in f.text("en")


def test_varying_normalisation_under_fixed_bands_is_warned(study):
    cfg = (study / "petarawan.toml").read_text() + '\n[uncertainty]\nruns = 20\nnormalisation = ["percentile"]\nsobol = false\n'
    (study / "petarawan.toml").write_text(cfg)
    res = analyse(load_study(study))
    assert [f.code for f in res.findings if f.code == "bands_across_normalisations"] == ["bands_across_normalisations"]


def test_indicator_sheets_have_readable_headings_and_filters(study, tmp_path):
    run(study, tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "petarawan.xlsx")
    ws = wb["Indikator"]
    assert [c.value for c in ws[1]] == ["Kode wilayah", "Kelurahan/Desa", "Kasus (x1)", "Fasilitas (x2)", "Pengguna (x3)"]
    assert ws.auto_filter.ref == "A1:E5" and wb["Peringkat"].auto_filter.ref is not None
