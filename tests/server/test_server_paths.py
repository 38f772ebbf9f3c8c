"""Office server: a study may read only the files uploaded with it (tester findings 15 and 24).

An analyst uploaded a petarawan.toml whose ``[data] file`` was an absolute path to another
office's table: the preview read it and listed its headings.  Pointing ``[areas] file`` at the
server's own database made the web process open it (and drop SQLite's POSIX locks).  Every file
name the configuration gives must stay inside the staged study folder; it is refused, naming the
key, before anything is read.
"""

from __future__ import annotations

import os

import pytest

from petarawan.server.files import paths_outside, validate_folder


def _set(study, old: str, new: str) -> None:
    p = study / "petarawan.toml"
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new), encoding="utf-8")


def test_absolute_and_parent_paths_are_refused_before_reading(study, tmp_path):
    other = tmp_path / "kantor-lain.csv"                    # a valid table outside the study
    other.write_text("kode,rahasia_kolom\n19.71.01.1001,3\n", encoding="utf-8")
    _set(study, 'file = "data.csv"', f'file = "{other.as_posix()}"')
    _set(study, 'file = "areas.geojson"', 'file = "../../areas.geojson"')
    found = validate_folder(study, "en")
    assert [f.code for f in found] == ["path_outside", "path_outside"]
    keys = sorted(f.text("en").split(" = ")[0] for f in found)
    assert keys == ["areas.file", "data.file"]
    text = " ".join(f.render("id") + f.render("en") for f in found)
    assert "rahasia_kolom" not in text                      # the outside file was never opened
    assert "luar folder studi" in found[0].render("id")


@pytest.mark.parametrize("value", ["C:\\\\data\\\\x.csv", "~/x.csv", "sub/../../x.csv", "\\\\\\\\host\\\\share\\\\x.csv"])
def test_every_way_out_is_named(tmp_path, value):
    raw = {"data": {"file": value.replace("\\\\", "\\")}}
    assert [f.code for f in paths_outside(tmp_path, raw)] == ["path_outside"]


def test_names_inside_the_folder_and_other_strings_pass(tmp_path):
    raw = {"data": {"file": "data/indikator.csv"}, "study": {"name": "Kota A/B", "unit": "/100 ribu"},
           "ikrn": {"returns": {"ikrn1": ["ikrn1_*.csv", "sub/ikrn1.zip"]}, "server": {"url": "https://c.example.org"}},
           "indicators": [{"code": "x", "unit": "kasus"}]}
    assert paths_outside(tmp_path, raw) == []


def test_lists_and_nested_tables_are_walked(tmp_path):
    raw = {"ikrn": {"returns": {"ikrn1": ["ok.csv", "/etc/passwd.csv"]}}, "hotspots": {"counts": {"file": "../c.csv"}}}
    found = paths_outside(tmp_path, raw)
    assert sorted(f.text("en").split(" = ")[0] for f in found) == ["hotspots.counts.file", "ikrn.returns.ikrn1[1]"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path):
    study = tmp_path / "s"
    study.mkdir()
    (tmp_path / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    (study / "data.csv").symlink_to(tmp_path / "secret.csv")
    assert [f.code for f in paths_outside(study, {"data": {"file": "data.csv"}})] == ["path_outside"]
