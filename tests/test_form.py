"""The shipped community-potential XLSForm: converts with pyxform, bilingual, complete."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from petarawan.codes import normalise_code
from petarawan.potential.form import build_form
from petarawan.io.survey import read_form

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "forms" / "potensi_masyarakat.xlsx"
PACKAGED = ROOT / "src" / "petarawan" / "forms" / "potensi_masyarakat.xlsx"
EXAMPLE = ROOT / "examples" / "pangkalpinang"


@pytest.mark.parametrize("path", [SHIPPED, PACKAGED], ids=["forms", "package"])
def test_shipped_form_converts_with_pyxform(path):
    res = convert(str(path), validate=False)
    assert "<h:html" in res.xform
    # the area list is the example's 42 kelurahan, by canonical code
    form = read_form(path)
    codes = set(form.choices["wilayah"])
    g = gpd.read_file(EXAMPLE / "kelurahan.geojson")
    assert codes == {normalise_code(c) for c in g["kode"]}
    assert len(codes) == 42
    assert "19.71.01.1008" in codes  # Pasir Putih


def test_form_has_every_item_of_the_issue_and_both_languages():
    form = read_form(SHIPPED)
    q = form.questions
    assert q["kode_wilayah"].type == "select_one" and q["kode_wilayah"].list_name == "wilayah"
    assert set(form.options("peran")) == {"warga", "tokoh_masyarakat", "tokoh_agama", "tokoh_pemuda",
                                          "perangkat_kelurahan", "aparat"}
    for name in ("kelompok_usia", "jenis_kelamin", "rt_terpapar", "punya_usaha", "bersedia_pendamping"):
        assert q[name].type == "select_one", name
    for name in ("minat_usaha", "keterampilan", "sda", "akses_pasar", "usaha_dimiliki"):
        assert q[name].type == "select_multiple", name
    assert {"kuliner", "menjahit", "kerajinan", "perbengkelan", "budidaya_ikan", "pertanian_hidroponik",
            "jasa_digital", "salon_tata_rias"} <= set(form.options("minat_usaha"))
    # the exposure question may be refused
    assert "tidak_menjawab" in form.options("rt_terpapar")
    # every labelled question has an Indonesian and an English label; so has every choice
    for question in q.values():
        if question.labels:
            assert question.labels.get("id") and question.labels.get("en"), question.name
    for ln, opts in form.choices.items():
        for name, labels in opts.items():
            assert labels.get("id") and labels.get("en"), (ln, name)
    # privacy by design: no NIK, no address, no GPS question
    assert not any(x.type in ("geopoint", "geotrace", "geoshape") for x in q.values())
    assert not any("nik" in n or "alamat" in n for n in q)
    wb = load_workbook(SHIPPED, read_only=True)
    settings = list(wb["settings"].iter_rows(values_only=True))
    assert settings[1][3] == "Bahasa Indonesia (id)"


def test_build_form_for_other_areas(tmp_path):
    out = build_form([("19.71.01.1008", "Pasir Putih"), ("32.73.01.1001", "Contoh")], tmp_path / "f.xlsx")
    res = convert(str(out), validate=False)
    assert "32.73.01.1001" in res.xform
    assert set(read_form(out).choices["wilayah"]) == {"19.71.01.1008", "32.73.01.1001"}


def test_form_command_refuses_to_overwrite_without_force(tmp_path):
    from typer.testing import CliRunner

    from petarawan.cli import app

    from potential_study import make_study

    study = make_study(tmp_path / "study")
    form = study / "potensi_masyarakat.xlsx"
    before = form.read_bytes()
    r = CliRunner().invoke(app, ["form", str(study)])
    assert r.exit_code == 1 and "--force" in r.output and form.read_bytes() == before
    r = CliRunner().invoke(app, ["form", str(study), "--force"])
    assert r.exit_code == 0 and form.read_bytes() != before
