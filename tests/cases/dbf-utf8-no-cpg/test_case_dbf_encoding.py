"""Case dbf-utf8-no-cpg: kel.dbf holds UTF-8 names but no .cpg; GDAL decodes it as Latin-1 and the
outputs showed 'DÃ©sa PÃ¤rit Ã' with no warning.  Right: text that is valid UTF-8 read as a
single-byte encoding is detected and repaired with a warning; [areas] encoding decides when set."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from petarawan.io.geometry import read_boundary_layer, utf8_read_as
from petarawan.validate import load_study

HERE = Path(__file__).parent
NAMES = ["Désa Pärit Ñ", "Kelurahan Ōma"]  # the first two areas, as the case's author typed them


def study(tmp_path, encoding: str | None = None) -> Path:
    d = tmp_path / "s"
    shutil.copytree(HERE, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if encoding:
        cfg = (d / "petarawan.toml").read_text(encoding="utf-8")
        (d / "petarawan.toml").write_text(cfg.replace('name_column = "nama"', f'name_column = "nama"\nencoding = "{encoding}"'),
                                          encoding="utf-8")
    return d


def test_the_case_is_repaired_and_said(tmp_path):
    s = load_study(study(tmp_path))
    assert s.areas["name"].tolist()[:2] == NAMES
    (f,) = [f for f in s.findings if f.code == "dbf_encoding_repaired"]
    assert (f.level, f.file, f.value) == ("warning", "kel.shp", "utf-8") and "no .cpg" in f.text("en")


def test_a_cpg_that_lies_is_caught_too(tmp_path):
    d = study(tmp_path)
    (d / "kel.cpg").write_text("1252", encoding="ascii")
    layer = read_boundary_layer(d / "kel.shp")
    assert layer.frame["nama"].tolist()[:2] == NAMES and layer.encoding == "utf-8"
    (f,) = layer.findings
    assert "the .cpg says" in f.text("en")


def test_the_setting_decides_without_a_warning(tmp_path):
    s = load_study(study(tmp_path, "utf-8"))
    assert s.areas["name"].tolist()[:2] == NAMES
    assert not [f for f in s.findings if f.code.startswith("dbf_")]


def test_an_unknown_encoding_name_is_an_error(tmp_path):
    from petarawan.errors import InputError

    with pytest.raises(InputError) as exc:
        load_study(study(tmp_path, "klingon"))
    assert exc.value.findings[0].code == "bad_encoding" and exc.value.findings[0].column == "areas.encoding"


def test_windows_1252_text_under_a_utf8_cpg_is_read_as_windows_1252(tmp_path):
    d = study(tmp_path)
    g = gpd.read_file(d / "kel.shp", encoding="utf-8")
    g["nama"] = ["Désa Pärit", "Kelurahan Öma"] + g["nama"].tolist()[2:]
    g.to_file(d / "lat.shp", encoding="cp1252")
    (d / "lat.cpg").write_text("UTF-8", encoding="ascii")
    layer = read_boundary_layer(d / "lat.shp")
    assert layer.frame["nama"].tolist()[:2] == ["Désa Pärit", "Kelurahan Öma"] and layer.encoding == "cp1252"
    assert [f.code for f in layer.findings] == ["dbf_encoding_repaired"]


def test_latin1_text_without_cpg_is_left_alone(tmp_path):
    d = study(tmp_path)
    g = gpd.read_file(d / "kel.shp", encoding="utf-8")
    g["nama"] = ["Désa Pärit", "Kelurahan Öma"] + g["nama"].tolist()[2:]
    g.to_file(d / "lat.shp", encoding="ISO-8859-1")
    for cpg in d.glob("lat.cpg"):
        cpg.unlink()
    layer = read_boundary_layer(d / "lat.shp")
    assert layer.frame["nama"].tolist()[:2] == ["Désa Pärit", "Kelurahan Öma"] and layer.findings == []


@pytest.mark.parametrize("values,enc", [(["DÃ©sa"], "latin-1"), (["Ã©", "plain é"], None), (["Désa"], None), ([], None)])
def test_mojibake_detection(values, enc):
    assert utf8_read_as(values) == enc
