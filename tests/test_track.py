"""petarawan track: the SQLite store round trip, plan vs actual, keterpulihan, and the CLI."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

from petarawan.errors import InputError
from petarawan.track import TrackStore, plan_vs_actual, recovery, store_path

from potential_study import full_run, make_study

KNOWN = pd.Index(["19.71.01.1008", "19.71.01.1004"])
CATALOGUE = {"bimtek_pendamping": "bimtek", "bim": "bimtek", "ls": "life_skill", "kwu_kuliner": "entrepreneurship"}


def test_store_round_trip(tmp_path):
    path = tmp_path / "petarawan.sqlite"
    with TrackStore(path) as s:
        i1 = s.add_activity("1971011008", "bimtek", "2026-04-28", programme="bimtek_pendamping", facilitators=6,
                            spend=9_000_000, known_codes=KNOWN, programmes=CATALOGUE)
        i2 = s.add_activity("19.71.01.1008", "life_skill", date(2026, 5, 12), programme="ls", exposed=7, not_exposed=11,
                            spend=20_000_000.5, programmes=CATALOGUE)
    with TrackStore(path, read_only=True) as s:     # reopened from disk
        acts = s.activities()
    assert list(acts["id"]) == [i1, i2]
    assert list(acts["area"]) == ["19.71.01.1008", "19.71.01.1008"]      # code normalised
    assert list(acts["date"]) == [date(2026, 4, 28), date(2026, 5, 12)]
    assert acts.loc[1, ["exposed", "not_exposed", "facilitators"]].tolist() == [7, 11, 0]
    assert acts.loc[1, "spend"] == 20_000_000.5
    # no column could hold a name
    assert set(acts.columns) == {"id", "area", "activity", "programme", "date", "exposed", "not_exposed", "facilitators",
                                 "spend", "recorded_at"}


def test_store_rejects_bad_records(tmp_path):
    with TrackStore(tmp_path / "s.sqlite") as s:
        with pytest.raises(InputError) as e:
            s.add_activity("19.71.99.9999", "pelatihan", "2026-13-01", exposed=-1, not_exposed=2.5, known_codes=KNOWN)
        assert {f.code for f in e.value.findings} == {"unknown_code", "unknown_activity", "bad_date", "bad_count"}
        assert [f.column for f in e.value.findings if f.code == "bad_count"] == ["exposed", "not_exposed"]
        assert s.activities().empty
    with pytest.raises(InputError, match="not found"):
        TrackStore(tmp_path / "missing.sqlite", read_only=True)


def test_plan_vs_actual_and_recovery_by_hand(tmp_path):
    with TrackStore(tmp_path / "s.sqlite") as s:
        s.adopt_plan(pd.DataFrame([
            {"area": "19.71.01.1008", "activity": "bimtek", "programme": "bim", "classes": 1, "participants": 5, "cost": 7.5e6,
             "start": "2026-04-28", "end": "2026-04-30"},
            {"area": "19.71.01.1008", "activity": "life_skill", "programme": "ls", "classes": 2, "participants": 40, "cost": 4e7,
             "start": "2026-05-11", "end": "2026-05-22"},
            {"area": "19.71.01.1004", "activity": "life_skill", "programme": "ls", "classes": 1, "participants": 20, "cost": 2e7,
             "start": None, "end": None}]), label="run 1")
        s.add_activity("19.71.01.1008", "bimtek", "2026-04-29", programme="bim", facilitators=4, spend=6e6,
                       programmes=CATALOGUE)
        s.add_activity("19.71.01.1008", "life_skill", "2026-05-12", programme="ls", exposed=9, not_exposed=12, spend=2.1e7,
                       programmes=CATALOGUE)
        s.add_activity("19.71.01.1008", "life_skill", "2026-05-20", programme="ls", exposed=6, not_exposed=10, spend=1.9e7,
                       programmes=CATALOGUE)
        s.add_snapshot(2025, pd.DataFrame({"code": ["19.71.01.1008", "19.71.01.1004"], "score": [80.0, 40.0],
                                           "class": ["Bahaya", "Siaga"]}))
        s.add_snapshot(2026, pd.DataFrame({"code": ["1971011008", "19.71.01.1004"], "score": [62.5, 44.0],
                                           "class": ["Waspada", "Siaga"]}))
        pva = plan_vs_actual(s.planned(), s.activities())
        rec = recovery(s.snapshots(), s.activities())
    pva = pva.set_index(["area", "activity"])
    # 1008 life skill: planned 40 people / Rp 40 m; actual (9 + 12) + (6 + 10) = 37 people, Rp 21 m + 19 m = 40 m
    r = pva.loc[("19.71.01.1008", "life_skill")]
    assert (r["planned_participants"], r["actual_participants"], r["planned_cost"], r["actual_spend"], r["done"]) == \
        (40, 37, 4e7, 4e7, True)
    r = pva.loc[("19.71.01.1008", "bimtek")]
    assert (r["planned_participants"], r["actual_participants"]) == (5, 4)
    r = pva.loc[("19.71.01.1004", "life_skill")]
    assert (r["actual_participants"], r["done"]) == (0, False)
    rec = rec.set_index("area")
    # 1008: 80.0 -> 62.5 = -17.5, Bahaya -> Waspada = improved; 1004: 40 -> 44 = +4.0, Siaga -> Siaga
    assert rec.at["19.71.01.1008", "change"] == pytest.approx(-17.5)
    assert rec.at["19.71.01.1008", "class_change"] == "membaik"
    assert rec.at["19.71.01.1008", "programmes"] == "bim, ls"
    assert rec.at["19.71.01.1008", "participants"] == 4 + 37
    assert (rec.at["19.71.01.1004", "change"], rec.at["19.71.01.1004", "class_change"]) == (pytest.approx(4.0), "tetap")
    # a run's current result counts as a later year
    cur = pd.DataFrame({"score": [90.0], "class": ["Bahaya"]}, index=pd.Index(["19.71.01.1004"], name="code"))
    with TrackStore(tmp_path / "s.sqlite", read_only=True) as s:
        rec2 = recovery(s.snapshots(), s.activities(), cur, 2027).set_index("area")
    assert list(rec2.index) == ["19.71.01.1004"]
    assert (rec2.at["19.71.01.1004", "year_from"], rec2.at["19.71.01.1004", "change"]) == (2026, pytest.approx(46.0))
    assert rec2.at["19.71.01.1004", "class_change"] == "memburuk"


def test_cli_track_and_report_round_trip(tmp_path):
    from petarawan.cli import app
    from petarawan.pipeline import run

    _, out, _ = full_run()
    study = make_study(tmp_path / "study")
    runner = CliRunner()
    r = runner.invoke(app, ["track", "add", str(study), "--activity", "life_skill", "--date", "2026-05-12",
                            "--area", "1971011008", "--programme", "life_skill_pemulihan", "--exposed", "8", "--spend", "12000000"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["track", "add", str(study), "--activity", "life_skill", "--date", "2026-05-12",
                            "--area", "19.71.99.9999"])
    assert r.exit_code == 1 and "19.71.99.9999" in r.output
    r = runner.invoke(app, ["track", "list", str(study)])
    assert r.exit_code == 0 and "19.71.01.1008" in r.output and "life_skill_pemulihan" in r.output
    r = runner.invoke(app, ["track", "adopt", str(study), str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["track", "snapshot", str(study), str(out), "--year", "2024"])
    assert r.exit_code == 0 and "42" in r.output
    with TrackStore(store_path(study), read_only=True) as s:
        planned, snaps = s.planned(), s.snapshots()
    # adopted: exactly the plan rows of the run's manifest (one per scheduled activity)
    rows = json.loads((out / "run.json").read_text(encoding="utf-8"))["stages"]["plan"]["plan_rows"]
    assert len(planned) == len(rows) and len(rows) > 0
    key = lambda r: (r["area"], r["activity"], r["programme"] if isinstance(r["programme"], str) else "",  # noqa: E731
                     str(r["start"]))
    assert sorted(key(r) for r in planned.to_dict("records")) == sorted(key(r) for r in rows)
    # snapshot: every area's score and class as the run's GeoPackage holds them
    layer = gpd.read_file(out / "petarawan.gpkg", layer="areas").set_index("code")
    assert len(snaps) == 42 and set(snaps["year"]) == {2024}
    snap = snaps.set_index("area")
    assert snap["score"].round(6).to_dict() == layer["score"].round(6).to_dict()
    assert snap["class"].to_dict() == layer["class"].to_dict()
    # a new run shows plan vs actual and recovery (2024 snapshot vs this run, data year 2025)
    res = run(study, tmp_path / "out2")
    sheets = pd.read_excel(tmp_path / "out2" / "petarawan.xlsx", sheet_name=None)
    monev = sheets["Monev"].set_index(["Kode", "Kegiatan", "Program"])
    # 8 exposed participants recorded: a count ≥ 5, shown as is
    assert monev.loc[("19.71.01.1008", "Pelatihan life skill", "Pelatihan life skill — keluarga terdampak"),
                     "Peserta terealisasi"] == 8
    assert len(sheets["Keterpulihan"]) == 42
    html = (tmp_path / "out2" / "report.html").read_text(encoding="utf-8")
    assert "Rencana vs realisasi" in html and "Keterpulihan" in html
    assert res.stages["plan"].manifest["status"] == "optimal"


# ---- defects found by a fresh user (issue 5 follow-up) -----------------------------------------

def test_free_text_never_reaches_the_store(tmp_path):
    with TrackStore(tmp_path / "s.sqlite") as s:
        cases = [
            (dict(programme="Budi Santoso 081234567890"), "unknown_programme"),   # not a catalogue code
            (dict(activity="life_skill", programme="kwu_kuliner"), "programme_kind"),  # entrepreneurship, not life_skill
            (dict(activity="pemetaan", programme="ls"), "programme_not_allowed"),
            (dict(programmes=None, programme="ls"), "unknown_programme"),         # no catalogue: nothing accepted
            (dict(when="1999-12-31"), "implausible_date"),
            (dict(when=date(date.today().year + 2, 1, 1)), "implausible_date"),  # more than a year ahead
        ]
        for kw, code in cases:
            args = dict(area="1971011008", activity="bimtek", when="2026-05-04", programme="bim", known_codes=KNOWN,
                        programmes=CATALOGUE)
            args.update(kw)
            with pytest.raises(InputError) as e:
                s.add_activity(args.pop("area"), args.pop("activity"), args.pop("when"), **args)
            assert [f.code for f in e.value.findings] == [code], kw
            assert all(f.text("en") and f.expectation("en") for f in e.value.findings)
        assert s.activities().empty
        s.add_activity("1971011008", "bimtek", "2000-01-01", programme="bim", programmes=CATALOGUE)  # the first day allowed
        assert list(s.activities()["area"]) == ["19.71.01.1008"]


def test_snapshot_refuses_other_areas_and_implausible_years(tmp_path):
    scores = pd.DataFrame({"code": ["19.71.01.1008", "19.71.01.1004"], "score": [50.0, 40.0], "class": ["Siaga", "Aman"]})
    with TrackStore(tmp_path / "s.sqlite") as s:
        with pytest.raises(InputError) as e:
            s.add_snapshot(1999, scores, known_codes=KNOWN)
        assert [f.code for f in e.value.findings] == ["implausible_year"]
        other = pd.DataFrame({"code": ["39001", "39003"], "score": [1.0, 2.0], "class": ["Aman", "Aman"]})
        with pytest.raises(InputError) as e:
            s.add_snapshot(2024, other, known_codes=KNOWN)
        assert [f.code for f in e.value.findings] == ["snapshot_other_areas"]
        # 2 unknown codes, both study areas missing
        assert "2 unknown codes, 2 study areas missing" in e.value.findings[0].text("en")
        assert s.snapshots().empty
        assert s.add_snapshot(2024, scores, known_codes=KNOWN) == 2


def test_plan_vs_actual_compares_the_area_cost_as_one_line(tmp_path):
    planned = pd.DataFrame([
        {"area": "A", "activity": "pemetaan", "programme": None, "classes": 0, "participants": 0, "cost": 10e6},
        {"area": "A", "activity": "rapat_kerja", "programme": None, "classes": 0, "participants": 0, "cost": 0.0},
        {"area": "A", "activity": "monev", "programme": None, "classes": 0, "participants": 0, "cost": 0.0},
        {"area": "A", "activity": "bimtek", "programme": "bim", "classes": 1, "participants": None, "cost": 9e6}])
    acts = pd.DataFrame([
        {"id": 1, "area": "A", "activity": "pemetaan", "programme": None, "exposed": 0, "not_exposed": 0,
         "facilitators": 0, "spend": 4e6},
        {"id": 2, "area": "A", "activity": "rapat_kerja", "programme": None, "exposed": 0, "not_exposed": 0,
         "facilitators": 0, "spend": 2.5e6},
        {"id": 3, "area": "A", "activity": "bimtek", "programme": "bim", "exposed": 0, "not_exposed": 0,
         "facilitators": 3, "spend": 8e6}])
    pva = plan_vs_actual(planned, acts).set_index(["area", "activity"])
    # pemetaan + rapat kerja + monev: planned 10 m (the area cost) against 4 m + 2.5 m = 6.5 m spent
    assert list(pva.index) == [("A", "area"), ("A", "bimtek")]
    assert (pva.at[("A", "area"), "planned_cost"], pva.at[("A", "area"), "actual_spend"]) == (10e6, 6.5e6)
    # the bimtek plan did not publish its participants: NaN, not 0
    assert pd.isna(pva.at[("A", "bimtek"), "planned_participants"]) and pva.at[("A", "bimtek"), "actual_participants"] == 3


def test_cli_track_echoes_the_canonical_code_and_refuses_a_foreign_run(tmp_path):
    from petarawan.cli import app

    study = make_study(tmp_path / "study")
    runner = CliRunner()
    r = runner.invoke(app, ["track", "add", str(study), "--activity", "bimtek", "--date", "2026-05-04",
                            "--area", "1971011008", "--programme", "Budi Santoso 081234567890"],
                      env={"PETARAWAN_LANG": "en"})
    assert r.exit_code == 1 and "unknown programme code" in r.output
    r = runner.invoke(app, ["track", "add", str(study), "--activity", "bimtek", "--date", "2026-05-04",
                            "--area", "1971011008", "--programme", "bimtek_pendamping", "--facilitators", "6"])
    assert r.exit_code == 0 and "19.71.01.1008" in r.output
    columbus = pd.DataFrame({"code": [f"{i}" for i in range(1, 50)], "score": 1.0, "class": "Aman"})
    fake = tmp_path / "columbus"
    fake.mkdir()
    import geopandas as gpd
    from shapely.geometry import Point

    gpd.GeoDataFrame(columbus, geometry=[Point(i, 0) for i in range(49)], crs=4326).to_file(fake / "petarawan.gpkg",
                                                                                       layer="areas")
    r = runner.invoke(app, ["track", "snapshot", str(study), str(fake), "--year", "2024"], env={"PETARAWAN_LANG": "en"})
    assert r.exit_code == 1 and "not this study's areas" in r.output
    r = runner.invoke(app, ["track", "add", "--help"], env={"PETARAWAN_LANG": "id"})
    assert "Kode program" in r.output and "programme code" not in r.output
    r = runner.invoke(app, ["track", "add", "--help"], env={"PETARAWAN_LANG": "en"})
    assert "programme code" in r.output and "Kode program" not in r.output
