"""Case xlsx-declared-1048576-rows: a 4.7 KB sheet declaring A1:XFD1048576 with one cell at XFD1048576.
Before: openpyxl padded 1,048,576 rows × 16,384 cells until memory ran out.  Right: the declared size
is not trusted, and a sheet beyond the row cap is a clear error naming the file and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from casefix import pangkalpinang_study
from petarawan.errors import InputError
from petarawan.io.limits import Limits
from petarawan.io.tables import read_sheet
from petarawan.validate import load_study

HERE = Path(__file__).parent


def test_the_case_is_refused_by_the_row_cap(tmp_path):
    cfg = (pangkalpinang_study(tmp_path, "x", files=()) / "petarawan.toml").read_text(encoding="utf-8")
    d = pangkalpinang_study(tmp_path, "xlsx-declared-1048576-rows", files=("indikator.xlsx",),
                            config=cfg.replace('file = "indikator_ILUSTRATIF.csv"', 'file = "indikator.xlsx"'))
    with pytest.raises(InputError) as exc:
        load_study(d)
    (f,) = exc.value.findings
    assert (f.code, f.file) == ("too_large", "indikator.xlsx")
    assert "1,000,000 rows" in f.text("en") and "1.000.000 baris" in f.text("id")
    assert "Ctrl+End" in f.expectation("en")


def test_below_the_cap_the_stray_cell_is_reported_not_padded():
    t = read_sheet(HERE / "indikator.xlsx", limits=Limits(max_rows=2_000_000))
    assert list(t.cells.columns) == ["kode"]          # one heading: the stray cell has none
    (f,) = t.findings
    assert (f.code, f.row, f.column) == ("cell_without_heading", 1_048_576, "XFD")
