"""Case duplicate-header-silent: two columns named kasus_narkoba (the appended one holds 50 in every
row).  Before: the second was silently renamed and ignored, 'no errors'.  Right: an error naming both."""

from __future__ import annotations

import pytest

from casefix import pangkalpinang_study
from petarawan.errors import InputError
from petarawan.validate import load_study

from studyfix import CODES


def errors_of(d):
    with pytest.raises(InputError) as exc:
        load_study(d)
    return exc.value.findings


def test_the_case_names_both_columns(tmp_path):
    d = pangkalpinang_study(tmp_path, "duplicate-header-silent", files=("indikator_ILUSTRATIF.csv",))
    (f,) = errors_of(d)
    assert (f.code, f.file, f.row, f.column) == ("duplicate_column", "indikator_ILUSTRATIF.csv", 1, "kasus_narkoba")
    # kasus_narkoba is the 5th heading (E) and the appended 24th (X)
    assert "5 (E), 24 (X)" in f.text("id") and "5 (E), 24 (X)" in f.text("en")


def test_a_duplicate_of_an_unused_column_is_refused_too(study):
    (study / "data.csv").write_text("kode,x1,x2,x3,catatan,catatan\n" + "".join(
        f"{c},1,2,3,a,b\n" for c in CODES), encoding="utf-8")
    (f,) = errors_of(study)
    assert (f.code, f.column) == ("duplicate_column", "catatan")


def test_headings_differing_only_in_case_are_ambiguous_for_a_used_column(study):
    (study / "data.csv").write_text("kode,x1,x2,x3,X1\n" + "".join(f"{c},1,2,3,9\n" for c in CODES), encoding="utf-8")
    (f,) = errors_of(study)
    assert (f.code, f.column) == ("ambiguous_column", "x1")
    assert "'x1' (B)" in f.text("en") and "'X1' (E)" in f.text("en")


def test_duplicate_headings_in_an_xlsx_sheet(study):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["kode", "x1", "x2", "x3", "x2"])
    for c in CODES:
        wb.active.append([c, 1, 2, 3, 4])
    wb.save(study / "data.xlsx")
    cfg = (study / "petarawan.toml").read_text(encoding="utf-8").replace('file = "data.csv"', 'file = "data.xlsx"')
    (study / "petarawan.toml").write_text(cfg, encoding="utf-8")
    (f,) = errors_of(study)
    assert (f.code, f.column) == ("duplicate_column", "x2") and "3 (C), 5 (E)" in f.text("en")
