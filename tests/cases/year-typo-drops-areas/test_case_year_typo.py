"""Case year-typo-drops-areas: Air Itam's tahun typed 2052 (the README's "row 3" is the third data
row: spreadsheet row 4).  Before: only 'the latest year' 2052 was kept, 41 areas dropped with the
false warning 'no row in the indicator table', exit 0.  Right: an implausible year is an error
naming file, row, column and value; rows of other years are never dropped without a finding."""

from __future__ import annotations

import datetime

import pytest

from casefix import pangkalpinang_study
from petarawan.errors import InputError
from petarawan.validate import load_study

from studyfix import CODES, write_csv

NEXT_YEAR = datetime.date.today().year + 1


def errors_of(d):
    with pytest.raises(InputError) as exc:
        load_study(d)
    return exc.value.findings


def test_the_case_names_the_typo(tmp_path):
    d = pangkalpinang_study(tmp_path, "year-typo-drops-areas", files=("indikator_ILUSTRATIF.csv",))
    (f,) = errors_of(d)
    assert (f.code, f.file, f.row, f.column, f.value) == (
        "implausible_year", "indikator_ILUSTRATIF.csv", 4, "tahun", "2052")
    assert f.expectation("en") == f"a year 1900–{NEXT_YEAR}"


def _years(study, years):
    write_csv(study / "data.csv", ["kode", "tahun", "x1", "x2", "x3"],
              [[c, y, 1, 2, 3] for c, y in zip(CODES, years)])


@pytest.mark.parametrize("bad", ["-3", "1025", str(NEXT_YEAR + 1), "20255", "dua ribu"])
def test_every_implausible_year_is_an_error_with_its_row(study, bad):
    _years(study, ["2025", bad, "2025", "2025"])
    (f,) = errors_of(study)
    assert (f.code, f.row, f.column, f.value) == ("implausible_year", 3, "tahun", bad)


def test_an_empty_year_is_an_error_not_a_dropped_row(study):
    _years(study, ["2025", "", "2025", "2025"])
    (f,) = errors_of(study)
    assert (f.code, f.row, f.column) == ("empty_year", 3, "tahun")


def test_a_configured_year_absent_from_the_table_lists_the_years_present(study):
    _years(study, ["2024", "2025", "2025", "2025"])
    cfg = (study / "petarawan.toml").read_text(encoding="utf-8").replace('file = "data.csv"', 'file = "data.csv"\nyear = 2023')
    (study / "petarawan.toml").write_text(cfg, encoding="utf-8")
    (f,) = errors_of(study)
    assert (f.code, f.column, f.value) == ("no_rows_for_year", "tahun", 2023)
    assert f.expectation("en") == "data.year one of the years in the table: 2024 (1 rows), 2025 (3 rows)"


def test_an_area_with_rows_of_other_years_only_is_named_with_its_row(study):
    # Alfa has a 2024 row only: the latest year (2025) is analysed and Alfa's absence is explained
    _years(study, ["2024", "2025", "2025", "2025"])
    s = load_study(study)
    assert s.data["x1"].isna().tolist() == [True, False, False, False]
    by_code = {f.code: f for f in s.findings}
    assert set(by_code) == {"latest_year", "no_row_for_year"}
    f = by_code["no_row_for_year"]
    assert (f.level, f.row, f.value) == ("warning", 2, CODES[0]) and "2024" in f.text("en")


def test_two_year_columns_are_ambiguous(study):
    write_csv(study / "data.csv", ["kode", "tahun", "Year", "x1", "x2", "x3"], [[c, 2025, 2025, 1, 2, 3] for c in CODES])
    (f,) = errors_of(study)
    assert f.code == "ambiguous_column" and "Year" in f.text("en")
