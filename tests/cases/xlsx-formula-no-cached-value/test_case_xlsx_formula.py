"""Case xlsx-formula-no-cached-value: miskin in rows 2–5 holds =E2/200 … without a stored result.
Before: read as empty; 'data for only 2 of 3 indicators' and 4 areas without a score.  Right: the
cells are named as formulas without a result, with what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from petarawan.errors import InputError
from petarawan.validate import load_study

HERE = Path(__file__).parent


def study(tmp_path) -> Path:
    d = tmp_path / "s"
    shutil.copytree(HERE, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return d


def errors_of(d):
    with pytest.raises(InputError) as exc:
        load_study(d)
    return exc.value.findings


def test_the_case_names_each_formula_cell(tmp_path):
    fs = errors_of(study(tmp_path))
    assert [(f.code, f.row, f.column, f.value) for f in fs] == [
        ("formula_without_value", r, "miskin", f"=E{r}/200") for r in (2, 3, 4, 5)]
    assert "LibreOffice" in fs[0].expectation("en") and "LibreOffice" in fs[0].expectation("id")


def test_a_whole_column_of_formulas_is_named_not_no_area_scored(tmp_path):
    d = study(tmp_path)
    wb = openpyxl.load_workbook(d / "ind.xlsx")
    for r in range(2, 14):
        wb.active[f"D{r}"] = f"=E{r}/200"
    wb.save(d / "ind.xlsx")
    fs = errors_of(d)
    assert {f.code for f in fs} == {"formula_without_value"} and [f.row for f in fs] == list(range(2, 14))


def test_an_all_empty_column_is_no_data(tmp_path):
    d = study(tmp_path)
    wb = openpyxl.load_workbook(d / "ind.xlsx")
    for r in range(2, 14):
        wb.active[f"D{r}"] = None
    wb.save(d / "ind.xlsx")
    (f,) = errors_of(d)
    assert (f.code, f.column) == ("empty_column", "miskin") and "12" in f.text("en")
