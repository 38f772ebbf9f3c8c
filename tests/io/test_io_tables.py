"""The one table reader: separators, headings, row lengths, spreadsheet formulas and reading caps."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from petarawan.errors import InputError
from petarawan.io.limits import Limits
from petarawan.io.tables import column_letter, detect_separator, read_sheet, unique_headings


def errors(path, **kw):
    with pytest.raises(InputError) as exc:
        read_sheet(path, **kw)
    return exc.value.findings


@pytest.mark.parametrize("line,sep", [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ('"x;y",b,c', ","),
                                      ("a;b,c", ";"), ("abc", ",")])
def test_separator_is_the_most_frequent_outside_quotes(line, sep):
    assert detect_separator(line) == sep


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 52, 16384)] == ["A", "Z", "AA", "AZ", "XFD"]


def test_unique_headings_keep_the_first_and_number_by_position():
    names, dup = unique_headings(["kode", "x", None, "x", " x ", ""])
    assert names == ["kode", "x", "(kolom 3)", "x (kolom 4)", "x (kolom 5)", "(kolom 6)"]
    assert dup == {"x": [2, 4, 5]}


def test_unique_headings_of_100k_identical_names_are_all_distinct():
    n = 100_000
    names, dup = unique_headings(["x"] * n)
    assert len(set(names)) == n and names[0] == "x" and names[-1] == f"x (kolom {n})"
    assert dup["x"] == list(range(1, n + 1))


def test_a_heading_that_reads_like_a_placeholder_stays_distinct():
    names, _ = unique_headings(["(kolom 2)", None])
    assert names == ["(kolom 2)", "(kolom 2)#2"]


def test_duplicate_headings_are_an_error_naming_both_positions(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("kode,kasus,x,kasus\n1,2,3,4\n", encoding="utf-8")
    (f,) = errors(p)
    assert (f.code, f.row, f.column) == ("duplicate_column", 1, "kasus")
    assert "2 (B), 4 (D)" in f.text("id") and "2 (B), 4 (D)" in f.text("en")


def test_rows_longer_than_the_header_are_errors_with_their_rows(tmp_path):
    p = tmp_path / "t.csv"
    # row 3: an unquoted decimal comma puts 11 and 6 in two fields
    p.write_text("kode,nama,x\n1,A,2\n2,B,11,6\n3,C,4,,\n", encoding="utf-8")
    (f,) = errors(p)
    assert (f.code, f.row, f.value) == ("row_too_long", 3, 4)


def test_short_rows_are_padded_unless_strict(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("a;b;c\n1;2;3\n4;5\n", encoding="utf-8")
    t = read_sheet(p)
    assert t.cells.loc[3].tolist() == ["4", "5", None]
    (f,) = errors(p, ragged="strict")
    assert (f.code, f.row, f.value) == ("row_too_short", 3, 2)


def test_row_cap_is_a_clear_error(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("a\n" + "1\n" * 20, encoding="utf-8")
    (f,) = errors(p, limits=Limits(max_rows=10))
    assert f.code == "too_large" and "10" in f.text("en")


def test_field_and_cell_caps(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(",".join(["x"] * 50) + "\n", encoding="utf-8")
    assert errors(p, limits=Limits(max_columns=20))[0].code == "too_large"
    assert errors(p, limits=Limits(max_cells=30))[0].code == "too_large"


def _xlsx(path, rows, formulas=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for ref, f in formulas:
        ws[ref] = f
    wb.save(path)


def test_xlsx_formulas_without_stored_results_are_named(tmp_path):
    p = tmp_path / "t.xlsx"  # openpyxl stores formulas without results, as a script would
    _xlsx(p, [["kode", "a", "b"], ["1", 10, None], ["2", 20, 7]], formulas=[("C2", "=B2/2")])
    t = read_sheet(p)
    assert t.cells.loc[2, "b"] is None and t.cells.loc[3, "b"] == 7
    assert t.formula_cells == {(2, "b"): "=B2/2"}


def test_xlsx_cell_right_of_the_last_heading_is_reported(tmp_path):
    p = tmp_path / "t.xlsx"
    _xlsx(p, [["kode", "a"], ["1", 2, None, 99]])
    t = read_sheet(p)
    (f,) = t.findings
    assert (f.code, f.row, f.column) == ("cell_without_heading", 2, "D")
    assert list(t.cells.columns) == ["kode", "a"]


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path):
    p = tmp_path / "t.xlsx"
    _xlsx(p, [["kode"], ["1"]])
    with zipfile.ZipFile(p, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/pad.bin", b"\0" * (4 << 20))  # 4 MB of zeros compress ~1000 times
    assert errors(p)[0].code == "zip_bomb"
    assert errors(p, limits=Limits(max_xlsx_uncompressed=1 << 20))[0].code == "too_large"


def test_missing_sheet_lists_the_sheets(tmp_path):
    p = tmp_path / "t.xlsx"
    _xlsx(p, [["kode"], ["1"]])
    (f,) = errors(p, sheet="Data")
    assert f.code == "sheet_missing" and "Sheet" in f.expectation("id")
