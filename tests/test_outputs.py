"""Atomic output folders and spreadsheet formula neutralisation."""

from __future__ import annotations

import json

import openpyxl
import pytest

import petarawan.io.writers as writers
from petarawan import run
from petarawan.errors import InputError
from petarawan.privacy import neutralise_formula, suppress_count
from studyfix import boundary_geojson, write_csv


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "=HYPERLINK(\"http://evil\",\"x\")", "\t=1"])
def test_formula_prefixes_are_neutralised(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["Pasir Putih", "19.71.01.1008", 3, -2.5, None])
def test_other_values_untouched(value):
    assert neutralise_formula(value) == value


def test_suppress_count():
    assert [suppress_count(v, 5) for v in (0, 1, 4, 5, 12.5, None)] == ["0", "<5", "<5", "5", "12.5", "–"]


def test_formula_in_input_name_is_text_in_workbook(study, tmp_path):
    gj = boundary_geojson(names=["=HYPERLINK(\"http://x\",\"klik\")", "Bravo", "+SUM(1)", "@cmd"])
    (study / "areas.geojson").write_text(json.dumps(gj), encoding="utf-8")
    run(study, tmp_path / "out")
    ws = openpyxl.load_workbook(tmp_path / "out" / "petarawan.xlsx")["Peringkat"]
    names = {c.value for c in ws["C"][1:]}
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in names and "'+SUM(1)" in names and "'@cmd" in names
    assert all(c.data_type == "s" for c in ws["C"][1:])


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_failed_write_leaves_earlier_results_intact(study, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(study, out)
    before = _snapshot(out)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writers, "write_xlsx", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        run(study, out)
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []  # no temp folder left


def test_rejected_input_leaves_earlier_results_intact(study, tmp_path):
    out = tmp_path / "out"
    run(study, out)
    before = _snapshot(out)
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"], [["19.71.01.1001", "x", 1, 1]])
    with pytest.raises(InputError):
        run(study, out)
    assert _snapshot(out) == before


def test_successful_rerun_replaces_results(study, tmp_path):
    out = tmp_path / "out"
    run(study, out)
    (out / "stale.txt").write_text("old")
    run(study, out)
    assert not (out / "stale.txt").exists()
