"""IKRN rounds: bank, forms, exports, checks, completeness, aggregation (hand-computed values)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ikrn_fixtures import A, B, BANK, ROUND, bank, make_round_study, write_kobo_csv, write_kobo_xlsx, write_odk_zip
from petarawan.cli import app
from petarawan.registry import load_config
from petarawan.errors import ConfigError, InputError
from petarawan.ikrn.bank import default_bank, item_points, parse_bank
from petarawan.ikrn.cli import load_areas
from petarawan.ikrn.completeness import completeness_summary
from petarawan.ikrn.config import IkrnConfig
from petarawan.ikrn.form import build_forms, check_xlsform
from petarawan.ikrn.returns import decode_returns, read_export
from petarawan.ikrn.round import assess_round, read_round, score_round, study_bank

runner = CliRunner()


# ------------------------------------------------------------------------------------ the bank
def test_default_bank_covers_public_item_areas_and_says_illustrative():
    b = default_bank()
    assert b.illustrative and "ILUSTRATIF" in b.title_id and "ILLUSTRATIVE" in b.title_en
    assert {d.code for d in b.dimensions} == {"kasus", "pasokan", "permintaan", "pencegahan", "keluarga", "kohesi"}
    assert [i.code for i in b.instruments] == ["ikrn1", "ikrn2", "ikrn3"]
    assert {"kepala_desa"} <= set(b.instrument("ikrn2").roles)
    assert set(b.instrument("ikrn3").roles) == {"bhabinkamtibmas", "babinsa"}
    assert {it.response for it in b.items} == {"likert", "yesno", "count"}
    assert all(it.text_id and it.text_en for it in b.items)
    # resources and cohesion make an area less prone
    assert all(it.direction == -1 for it in b.items if it.dimension == "pencegahan")


@pytest.mark.parametrize("change, match", [
    (lambda d: d["items"][2].pop("max"), "needs max"),
    (lambda d: d["items"][0].update(dimension="zz"), "dimension 'zz' is not declared"),
    (lambda d: d["instruments"][1]["roles"].append("warga"), "belongs to both"),
    (lambda d: d["items"][0].update(responce="likert"), "responce"),
    (lambda d: d["items"][1].update(code="peran"), "reserved"),
], ids=["count-without-max", "unknown-dimension", "role-twice", "unknown-key", "reserved-code"])
def test_bank_errors_name_the_key(change, match):
    import copy

    data = copy.deepcopy(BANK)
    change(data)
    with pytest.raises(ConfigError, match=match):
        parse_bank(data, "bank.toml")


def test_item_points_by_hand():
    b = bank()
    q1, q2, q3 = b.items
    assert item_points(q1, np.array([1, 3, 5])).tolist() == [0, 50, 100]
    assert item_points(q2, np.array([1, 0])).tolist() == [0, 100]          # direction −1: 'ya' = 0
    assert item_points(q3, np.array([0, 2, 4, 9])).tolist() == [0, 50, 100, 100]  # capped at max
    assert np.isnan(item_points(q1, np.array([np.nan]))[0])


# ------------------------------------------------------------------------------------ forms
def test_forms_convert_with_pyxform_cascade_and_no_identifiers(study, tmp_path):
    cfg = load_config(study)
    areas = load_areas(study, cfg)
    paths = build_forms(default_bank(), zip(areas.index, areas["name"], areas["group"]), tmp_path / "f", title="Uji")
    assert [p.name for p in paths] == ["ikrn1.xlsx", "ikrn2.xlsx", "ikrn3.xlsx"]
    from openpyxl import load_workbook

    for p, ins in zip(paths, ["ikrn1", "ikrn2", "ikrn3"]):
        xml = check_xlsform(p, ins)
        assert "<h:html" in xml
        wb = load_workbook(p, read_only=True)
        rows = list(wb["survey"].iter_rows(values_only=True))
        head = rows[0]
        survey = [dict(zip(head, r)) for r in rows[1:]]
        names = [r["name"] for r in survey if r["name"]]
        types = {r["name"]: r["type"] for r in survey if r["name"]}
        # start/end, optional geopoint, hidden instrument
        assert types["start"] == "start" and types["end"] == "end" and types["lokasi"] == "geopoint"
        assert next(r for r in survey if r["name"] == "lokasi")["required"] in (None, "")
        assert next(r for r in survey if r["name"] == "instrumen")["calculation"] == f"'{ins}'"
        # the cascade: kelurahan filtered by the chosen kecamatan
        kel = next(r for r in survey if r["name"] == "kode_wilayah")
        assert kel["choice_filter"] == "kecamatan=${kecamatan}"
        choices = list(wb["choices"].iter_rows(values_only=True))
        ch = [dict(zip(choices[0], r)) for r in choices[1:]]
        kec = {r["name"]: r[next(k for k in choices[0] if k.startswith("label::Bahasa"))] for r in ch if r["list_name"] == "kecamatan"}
        assert set(kec.values()) == {"Satu", "Dua"}
        wil = {r["name"]: r["kecamatan"] for r in ch if r["list_name"] == "wilayah"}
        assert wil == {A: "satu", B: "satu", "19.71.01.1003": "dua", "19.71.01.1004": "dua"}
        # the instrument's items, each required; no identifier question
        items = [it.code for it in default_bank().items_of(ins)]
        assert [n for n in names if n in {it.code for it in default_bank().items}] == items
        assert all(next(r for r in survey if r["name"] == c)["required"] == "yes" for c in items)
        assert not any(t in ("text", "barcode", "image", "audio") for t in types.values())
        assert not any(k in n for n in names for k in ("nama", "nik", "hp", "telp", "phone"))
        # every item offers "tidak tahu": a choice 'tt' or the count convention −1
        for c in items:
            typ = types[c]
            assert typ.endswith("_tt") or typ == "integer", (c, typ)


def test_cli_form_writes_three_forms_and_refuses_to_overwrite(study, tmp_path):
    out = tmp_path / "forms"
    res = runner.invoke(app, ["ikrn", "form", str(study), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["ikrn1.xlsx", "ikrn2.xlsx", "ikrn3.xlsx"]
    assert "ILUSTRATIF" in res.output
    again = runner.invoke(app, ["ikrn", "form", str(study), "--out", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


# ------------------------------------------------------------------------------------ the round
@pytest.fixture
def round_study(study):
    return make_round_study(study)


def _assess(study):
    cfg = load_config(study)
    b = study_bank(study, cfg.ikrn)
    areas = load_areas(study, cfg)
    data = read_round(study, cfg.ikrn, b)
    return cfg, b, areas, assess_round(data, b, cfg.ikrn, areas)


def test_checks_flag_each_fault_by_file_and_row(round_study):
    cfg, b, areas, res = _assess(round_study)
    c = res.checks.counts
    assert c["read"] == len(ROUND)
    assert (c["duplicate"], c["unknown_area"], c["wrong_role"], c["too_short"], c["no_consent"]) == (1, 1, 1, 1, 1)
    assert c["out_of_scale"] == 1
    assert c["kept"] == len(ROUND) - 5 and c["excluded"] == 5
    by = {f.code: f for f in res.findings}
    assert (by["ikrn_duplicate"].file, by["ikrn_duplicate"].row) == ("ikrn1.csv", 6)
    assert "ikrn1.csv baris 2" in by["ikrn_duplicate"].text("id") and "row 2" in by["ikrn_duplicate"].text("en")
    assert (by["ikrn_unknown_area"].row, by["ikrn_wrong_role"].row, by["ikrn_too_short"].row) == (7, 8, 9)
    assert (by["ikrn_out_of_scale"].file, by["ikrn_out_of_scale"].row, by["ikrn_out_of_scale"].column) == ("ikrn1.csv", 11, "g_d1/q1")
    # no finding echoes a cell's value
    assert all(f.value is None for f in res.findings)


def test_completeness_by_hand(round_study):
    cfg, b, areas, res = _assess(round_study)
    t = res.completeness
    # A: 4 residents kept (a1..a4), 1 head, 2 officers; quota 4/1/2 → 7/7
    assert t.loc[A, ["returned_ikrn1", "returned_ikrn2", "returned_ikrn3"]].tolist() == [4, 1, 2]
    assert t.loc[A, "reporting_rate"] == pytest.approx(1.0) and not t.loc[A, "below_quota"]
    # B: 2 residents, 1 head, 0 officers → (2 + 1 + 0) / 7
    assert t.loc[B, ["returned_ikrn1", "returned_ikrn2", "returned_ikrn3"]].tolist() == [2, 1, 0]
    assert t.loc[B, "reporting_rate"] == pytest.approx(3 / 7) and t.loc[B, "below_quota"] and t.loc[B, "missing"] == 4
    # C, D: nothing
    assert t.loc["19.71.01.1003", "reporting_rate"] == 0 and t.loc["19.71.01.1003", "missing"] == 7
    s = completeness_summary(t, "group")
    assert s.loc["Satu", "reporting_rate"] == pytest.approx(10 / 14)
    assert s.loc["Dua", "areas_without_returns"] == 2
    assert s.loc["(total)", "reporting_rate"] == pytest.approx(10 / 28)
    assert s.loc["(total)", "areas_complete"] == 1


def test_returns_above_quota_do_not_stand_in_for_missing_instruments():
    from petarawan.ikrn.completeness import completeness_table

    areas = pd.DataFrame({"name": ["X"]}, index=["1"])
    t = completeness_table(np.array([[40, 0, 2]]), areas, {"ikrn1": 30, "ikrn2": 1, "ikrn3": 2})
    assert t.loc["1", "reporting_rate"] == pytest.approx(32 / 33)
    assert t.loc["1", "below_quota"]


def test_area_scores_by_hand(round_study):
    cfg, b, areas, res = _assess(round_study)
    sc = score_round(res, b, cfg.ikrn, areas.index, seed=7)
    tab = sc.areas.table
    m1 = (250 / 3 + 0 + 75) / 3
    assert tab.loc[A, "mean_ikrn1"] == pytest.approx(m1)
    assert tab.loc[A, "mean_ikrn2"] == pytest.approx(37.5)
    assert tab.loc[A, "mean_ikrn3"] == pytest.approx(62.5)
    assert tab.loc[A, "survei_ikrn"] == pytest.approx((m1 + 37.5 + 62.5) / 3)
    assert tab.loc[A, ["n_ikrn1", "n_ikrn2", "n_ikrn3"]].tolist() == [3, 1, 2]   # a4 answered 1 of 3 items
    assert sc.respondents.unscored.tolist() == [1, 0, 0]
    # B has 2 scored residents < 3: no score, and says why
    assert np.isnan(tab.loc[B, "survei_ikrn"])
    assert tab.loc[B, "no_score_reason"] == "ikrn1: 2 < 3"
    assert tab.loc[A, "no_score_reason"] == ""


def test_instrument_weights_and_missing_optional_instrument(round_study):
    cfg, b, areas, res = _assess(round_study)
    m1 = (250 / 3 + 0 + 75) / 3
    ik = cfg.ikrn.model_copy(update={"weights": {"ikrn1": 2.0, "ikrn2": 1.0, "ikrn3": 0.0}})
    tab = score_round(res, b, ik, areas.index, seed=1).areas.table
    assert tab.loc[A, "survei_ikrn"] == pytest.approx((2 * m1 + 37.5) / 3)
    # B with a lower minimum: residents and head count, officers absent → renormalised over the two
    ik = cfg.ikrn.model_copy(update={"min_respondents": {"ikrn1": 2, "ikrn2": 1, "ikrn3": 1}})
    tab = score_round(res, b, ik, areas.index, seed=1).areas.table
    # b1: q1 out of scale (no value), q2 'ya' (direction −1: 0), q3 0 → 0;  b2: 75, 'tidak' → 100, 4 → 100
    b_res = (0 + (75 + 100 + 100) / 3) / 2
    assert tab.loc[B, "mean_ikrn1"] == pytest.approx(b_res)
    assert tab.loc[B, "survei_ikrn"] == pytest.approx((b_res + 62.5) / 2)


def test_dimension_indicators_by_hand(round_study):
    cfg, b, areas, res = _assess(round_study)
    ik = cfg.ikrn.model_copy(update={"dimension_indicators": True})
    tab = score_round(res, b, ik, areas.index, seed=1).areas.table
    # d1 (q1, q2): residents a1 (100+100)/2, a2 0, a3 50 → 50; head 75; officers 62.5
    assert tab.loc[A, "survei_ikrn_d1"] == pytest.approx((50 + 75 + 62.5) / 3)
    # d2 (q3): residents a1 50, a3 100 (a2 don't know) → 75; head 0; officers ask no d2 item
    assert tab.loc[A, "survei_ikrn_d2"] == pytest.approx((75 + 0) / 2)


@pytest.mark.parametrize("writer, name", [(write_kobo_csv, "x.csv"), (write_kobo_xlsx, "x.xlsx"), (write_odk_zip, "x.zip")],
                         ids=["kobo-csv", "kobo-xlsx", "odk-zip"])
def test_three_export_formats_decode_alike(tmp_path, writer, name):
    b = bank()
    tb = read_export(writer(tmp_path / name, "ikrn1"), name)
    sub = decode_returns([("ikrn1", tb)], b, [A, B])
    assert sub.row.tolist() == list(range(2, 13))
    ans = sub.answers["ikrn1"]
    np.testing.assert_array_equal(ans[0], [5, 0, 2])                  # 'tidak' = 0
    np.testing.assert_array_equal(ans[1], [1, 1, -1])                 # −1 = don't know
    assert np.isnan(ans[9, 0])                                        # '7' out of scale
    assert sub.area.tolist()[:6] == [0, 0, 0, 0, 0, -2]
    assert sub.instance[0] == sub.instance[4] != sub.instance[1]      # 'uuid:a1' twice
    assert sub.consent.tolist()[8] is False or not sub.consent[8]
    assert np.isfinite(sub.end - sub.start).all()


def test_short_row_is_refused_not_shifted(tmp_path):
    p = write_kobo_csv(tmp_path / "x.csv", "ikrn1")
    lines = p.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(";")
    lines[3] = ";".join(cells[:6] + cells[7:])          # row 4 lost its 'peran' cell
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:                # as every table of io/: refused with its row, never shifted
        read_export(p)
    (f,) = e.value.findings
    assert (f.code, f.file, f.row, f.value) == ("row_too_short", "x.csv", 4, len(cells) - 1)
    assert str(len(cells)) in f.text("en")


def test_missing_item_column_is_an_error_naming_the_columns(tmp_path):
    p = write_kobo_csv(tmp_path / "x.csv", "ikrn1")
    text = p.read_text(encoding="utf-8").replace("g_d2/q3", "g_lain/q9")
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        decode_returns([("ikrn1", read_export(p))], bank(), [A, B])
    f = e.value.findings[0]
    assert f.code == "ikrn_column_missing" and f.column == "q3" and "'g_d2/q3'" in f.expectation("id")


def test_personal_data_typed_into_fields_is_never_echoed(tmp_path):
    rows = [("ikrn1", "p1", "Budi Santoso 081234567890", "warga", "ya", "2024-10-14T09:10:00.000+07:00",
             {"q1": "Budi 0812", "q2": "ya", "q3": "1"}, "")]
    p = write_kobo_csv(tmp_path / "x.csv", "ikrn1", rows)
    sub = decode_returns([("ikrn1", read_export(p))], bank(), [A, B])
    from petarawan.ikrn.checks import run_checks

    res = run_checks(sub, bank(), IkrnConfig().checks)
    text = json.dumps([f.to_dict() for f in res.findings]) + " ".join(str(f) for f in res.findings)
    assert res.counts["unknown_area"] == 1 and res.counts["out_of_scale"] == 1
    assert "Budi" not in text and "0812" not in text


def test_geopoint_outside_its_area(tmp_path, study):
    cfg = load_config(study)
    areas = load_areas(study, cfg)
    # area A is the square lon 106.10–106.11, lat −2.10…−2.11
    rows = [("ikrn1", "g1", A, "warga", "ya", "2024-10-14T09:10:00.000+07:00", {"q1": "3", "q2": "ya", "q3": "1"}, "-2.105 106.105"),
            ("ikrn1", "g2", A, "warga", "ya", "2024-10-14T09:10:00.000+07:00", {"q1": "3", "q2": "ya", "q3": "1"}, "-2.105 106.1115"),
            ("ikrn1", "g3", A, "warga", "ya", "2024-10-14T09:10:00.000+07:00", {"q1": "3", "q2": "ya", "q3": "1"}, "-2.105 106.16"),
            ("ikrn1", "g4", A, "warga", "ya", "2024-10-14T09:10:00.000+07:00", {"q1": "3", "q2": "ya", "q3": "1"}, "")]
    p = write_kobo_csv(tmp_path / "x.csv", "ikrn1", rows)
    sub = decode_returns([("ikrn1", read_export(p))], bank(), list(areas.index))
    from petarawan.ikrn.checks import outside_area, run_checks

    d = outside_area(sub.lat, sub.lon, sub.area, areas, 250)
    assert d[0] == 0 and np.isnan(d[3])
    # 0.0015° of longitude at 2° S ≈ 166.7 m; 0.05° ≈ 5,557 m (UTM 48S)
    assert d[1] == pytest.approx(0.0015 * 111_320 * np.cos(np.radians(2.105)), rel=0.01)
    assert d[2] == pytest.approx(0.05 * 111_320 * np.cos(np.radians(2.105)), rel=0.01)
    res = run_checks(sub, bank(), IkrnConfig().checks, areas)
    assert res.flags["outside_area"].tolist() == [False, False, True, False]
    assert res.kept.all()  # flagged, not excluded, by default


def test_cli_status_prints_the_completeness_table(round_study):
    res = runner.invoke(app, ["ikrn", "status", str(round_study), "--lang", "en"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "Bravo" in out and "2/4" in out and "43 %" in out          # B below quota: 3/7
    assert "Alfa" not in out.split("Areas below quota")[1]            # A is complete
    assert "duplicate" in out and "not counted" in out
    res_all = runner.invoke(app, ["ikrn", "status", str(round_study), "--all", "--lang", "en"])
    assert "Alfa" in res_all.output.split("All areas")[1]


def test_cli_status_names_checks_as_the_report_does_and_never_cuts_a_number(round_study):
    # tester finding 11: the Indonesian table listed `row_length`, `no_consent`, … and cut "1214/1…" at 80 columns
    from petarawan.i18n import t
    from petarawan.ikrn.checks import KINDS

    res = runner.invoke(app, ["ikrn", "status", str(round_study), "--lang", "id"], env={"COLUMNS": "60"})
    assert res.exit_code == 0, res.output
    for kind in KINDS:
        assert kind not in res.output
    assert t("ikrn.kind.duplicate", "id").split()[0] in res.output
    assert "…" not in res.output and "2/4" in res.output


def test_cli_status_without_section_is_a_clear_error(study):
    res = runner.invoke(app, ["ikrn", "status", str(study), "--lang", "en"])
    assert res.exit_code == 1 and "[ikrn]" in res.output


def test_missing_export_file_named(round_study):
    (round_study / "ikrn3.zip").unlink()
    res = runner.invoke(app, ["ikrn", "status", str(round_study), "--lang", "en"])
    assert res.exit_code == 1 and "ikrn3.zip" in res.output and "export file not found" in res.output


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_export_encodings(tmp_path, encoding):
    p = write_kobo_csv(tmp_path / "x.csv", "ikrn1")
    text = p.read_text(encoding="utf-8").replace(";satu;", ";Pangkal Balam – Désa;")   # a non-ASCII cell
    p.write_bytes(text.encode(encoding))
    sub = decode_returns([("ikrn1", read_export(p))], bank(), [A, B])
    assert sub.row.tolist() == list(range(2, 13))
    np.testing.assert_array_equal(sub.answers["ikrn1"][0], [5, 0, 2])
    assert sub.area.tolist()[:2] == [0, 0]
