"""Case bps-codes-rewritten: boundary and table use 10-digit BPS codes (1971020008 = Semabung Lama).
Before: shown as 19.71.02.0008, which reads as the Kemendagri code of another village.  Right: a
code is shown as entered unless the study says its codes are Kemendagri codes; tables join with or
without dots either way."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from casefix import EXAMPLE, example_config, pangkalpinang_study
from petarawan.codes import code_matcher, looks_like
from petarawan.validate import load_study

from studyfix import CODES, boundary_geojson, write_csv


def bps_study(tmp_path, scheme: str | None = None):
    cfg = example_config()
    if scheme:
        cfg = cfg.replace('name_column = "nama"', f'name_column = "nama"\ncode_scheme = "{scheme}"')
    d = pangkalpinang_study(tmp_path, "bps-codes-rewritten", files=("indikator_ILUSTRATIF.csv",), config=cfg)
    g = gpd.read_file(EXAMPLE / "kelurahan.geojson")
    g["kode"] = g["kode_bps"]  # the case's boundary file: BPS codes in the code column
    g.to_file(d / "kelurahan.geojson", driver="GeoJSON")
    return d


def test_the_case_shows_bps_codes_as_entered(tmp_path):
    s = load_study(bps_study(tmp_path))
    assert "1971020008" in s.areas.index and "19.71.02.0008" not in s.areas.index
    assert s.areas.at["1971020008", "name"] == "Semabung Lama"
    assert s.data.notna().any(axis=1).all()  # every area joined its row
    assert not [f for f in s.findings if f.code in ("code_not_kemendagri", "codes_as_entered")]


def test_declaring_kemendagri_shows_dotted_and_warns_on_bps_codes(tmp_path):
    s = load_study(bps_study(tmp_path, "kemendagri"))
    assert "19.71.02.0008" in s.areas.index
    warn = [f for f in s.findings if f.code == "code_not_kemendagri"]
    # a BPS code can pass for Kemendagri when its 7th digit is 1 or 2 (1971021005); the others cannot
    bps = [c for c in gpd.read_file(EXAMPLE / "kelurahan.geojson")["kode_bps"] if c[6] not in "12"]
    rows = [f for f in warn if f.row is not None]
    assert (rows[0].level, rows[0].row, rows[0].value) == ("warning", 1, "1971020008")
    assert "19.71.02.0008" in rows[0].text("en")
    (rest,) = [f for f in warn if f.row is None]  # ten listed one by one, the others counted
    assert len(rows) == 10 and rest.value == len(bps) - 10


def test_table_codes_join_with_or_without_dots(study):
    # boundary codes as entered without dots, table with dots: same areas
    gj = boundary_geojson(codes=[c.replace(".", "") for c in CODES])
    (study / "areas.geojson").write_text(json.dumps(gj), encoding="utf-8")
    s = load_study(study)
    assert list(s.areas.index) == [c.replace(".", "") for c in CODES] and s.data.notna().all().all()
    (note,) = [f for f in s.findings if f.code == "codes_as_entered"]
    assert 'code_scheme = "kemendagri"' in note.text("en") and "19.71.01.1001" in note.text("en")


def test_a_foreign_short_code_keeps_its_zeros(study):
    gj = boundary_geojson(codes=["0001", "0002", "0003", "0004"])
    (study / "areas.geojson").write_text(json.dumps(gj), encoding="utf-8")
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"], [[f"000{i}", 1, 2, 3] for i in range(1, 5)])
    assert list(load_study(study).areas.index) == ["0001", "0002", "0003", "0004"]  # not 00.01


@pytest.mark.parametrize("code,kind", [("1971020008", "bps"), ("1971011008", "kemendagri"), ("19.71.01.2001", "kemendagri"),
                                       ("19.71", "kemendagri"), ("0001", None), ("E01000006", None)])
def test_what_a_code_looks_like(code, kind):
    assert looks_like(code) == kind


def test_matcher_maps_any_writing_to_the_study_code():
    m = code_matcher(["1971020008", "19.71.01.1008"])
    assert [m("19.71.02.0008"), m(1971011008.0), m(" 1971011008 "), m("x9"), m("")] == [
        "1971020008", "19.71.01.1008", "19.71.01.1008", "x9", None]
