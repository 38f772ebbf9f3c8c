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
        raise RuntimeError("a bug in a writer")

    monkeypatch.setitem(writers.WRITERS, "xlsx", boom)
    with pytest.raises(RuntimeError, match="a bug in a writer"):
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


def test_successful_rerun_replaces_its_own_results(study, tmp_path):
    """A second run into the same folder leaves exactly the second run's files: its input hash,
    its scores and the hashes of every file it lists."""
    import hashlib

    from studyfix import CODES, TABLE

    out = tmp_path / "out"
    run(study, out)
    # Alfa's x1 goes from 0 to 20 (ties Delta for the maximum).  By hand (min–max, direction −1
    # for x2, weights x1:x2 = 1:3 in dimension s, dimensions s:d = 3:1): x1 norm = (20 − 5)/15 = 1
    # → 100, x2 norm = (4 − 4)/4 = 0, x3 norm = (1 − 1)/4 = 0; s = (100·1 + 0·3)/4 = 25, d = 0;
    # score = (25·3 + 0·1)/4 = 18.75 (it was 0).
    x1 = [20] + TABLE["x1"][1:]
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"],
              [[c, x1[i], TABLE["x2"][i], TABLE["x3"][i]] for i, c in enumerate(CODES)])
    run(study, out)
    assert sorted(p.name for p in out.iterdir()) == ["map.png", "petarawan.gpkg", "petarawan.xlsx", "report.html", "run.json"]
    man = json.loads((out / "run.json").read_text())
    assert man["inputs"]["data.csv"] == hashlib.sha256((study / "data.csv").read_bytes()).hexdigest()
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir() if p.name != "run.json"}
    assert man["outputs"] == files  # every file is this run's (run.json lists the others)
    ws = openpyxl.load_workbook(out / "petarawan.xlsx")["Peringkat"]
    head = [c.value for c in ws[1]]
    score = {r[head.index("Kelurahan/Desa")]: r[head.index("Skor kerawanan (0–100)")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert score["Alfa"] == pytest.approx(18.75)


def test_refuses_to_write_into_the_study_folder_or_its_parent(study):
    before = sorted(p.name for p in study.iterdir())
    for out in (study, study.parent):
        with pytest.raises(InputError) as exc:
            run(study, out)
        assert exc.value.findings[0].code == "out_contains_study"
    assert sorted(p.name for p in study.iterdir()) == before


def test_refuses_a_folder_with_foreign_files(study, tmp_path):
    out = tmp_path / "laporan"
    out.mkdir()
    (out / "laporan_penting.docx").write_text("jangan hapus")
    with pytest.raises(InputError) as exc:
        run(study, out)
    assert exc.value.findings[0].code == "out_not_empty" and "laporan_penting.docx" in exc.value.findings[0].text("id")
    assert (out / "laporan_penting.docx").read_text() == "jangan hapus"


def test_refuses_a_previous_output_with_added_files(study, tmp_path):
    out = tmp_path / "out"
    run(study, out)
    (out / "catatan_saya.txt").write_text("milik saya")
    with pytest.raises(InputError, match="catatan_saya.txt"):
        run(study, out)
    assert (out / "catatan_saya.txt").exists()


def test_unwritable_output_is_a_user_error(study, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError) as exc:
        run(study, blocker / "sub" / "out")  # parent is a file: cannot be created
    assert exc.value.findings[0].code == "out_unwritable"


def test_output_folder_is_readable_by_others(study, tmp_path):
    run(study, tmp_path / "out")
    assert (tmp_path / "out").stat().st_mode & 0o055 == 0o055


def test_report_numbers_are_readable():
    from petarawan.report.text import readable_number as _num

    assert [_num(11850.0, "id"), _num(11850.0, "en"), _num(5.78, "id"), _num(0.0, "en")] == ["11.850", "11,850", "5,78", "0"]


def test_sample_by_kind_keeps_rare_findings_visible():
    from petarawan.errors import Finding, sample_by_kind

    from petarawan.i18n import Msg

    many = ([Finding("warning", "partial_data", Msg("f.text", text=f"m{i}")) for i in range(30)]
            + [Finding("warning", "fdr_resolution", Msg("f.text", text="rare"))])
    kept, more = sample_by_kind(many, 5)
    assert [f.code for f in kept] == ["partial_data"] * 5 + ["fdr_resolution"]
    assert more == {"partial_data": 25}
