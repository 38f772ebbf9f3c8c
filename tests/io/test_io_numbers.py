"""The one number parser: what each cell says about its column, and how a cell is read in a style."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from petarawan.io.numbers import (EN, ID, NumberError, classify, infer_style, parse_column, parse_number,
                                  style_from_settings)


@pytest.mark.parametrize("cell,kind", [
    ("12", "int"), ("-7", "int"),
    ("0.373", "en"), ("26.76", "en"), ("1234.567", "en"), (".5", "en"), ("-0.5", "en"), ("1,234.5", "en"),
    ("1,234,567", "en"), ("1.5e3", "en"),
    ("0,373", "id"), ("1,5", "id"), ("1.234,5", "id"), ("1.234.567", "id"), ("1,5E-05", "id"),
    ("5.309", "amb"), ("7,306", "amb"), ("51.054", "amb"), ("-1.996", "amb"),
    ("0.123.456", "bad"), ("1.23.456", "bad"), ("1..2", "bad"), ("12,", "bad"), ("abc", "bad"), ("1,234.5,6", "bad"),
])
def test_what_a_cell_says_about_its_column(cell, kind):
    assert classify(cell) == kind


@pytest.mark.parametrize("cell,style,value", [
    ("1.234,5", ID, 1234.5), ("1,234.5", EN, 1234.5), ("5.309", ID, 5309.0), ("5.309", EN, 5.309),
    ("7,306", ID, 7.306), ("7,306", EN, 7306.0), ("1 234,5", ID, 1234.5), ("1\u00a0234", EN, 1234.0),
    ("\u22122,5", ID, -2.5), ("1,5E-05", ID, 1.5e-05), ("0.373", EN, 0.373), (" 42 ", None, 42.0), (3.5, None, 3.5),
])
def test_a_cell_read_in_its_style(cell, style, value):
    assert parse_number(cell, style=style) == value


def test_counts_read_an_undecided_separator_as_thousands():
    assert parse_number("5.309", whole=True) == 5309 and parse_number("7,306", whole=True) == 7306
    with pytest.raises(NumberError) as exc:
        parse_number("2,5", whole=True)
    assert exc.value.kind == "not_whole"


@pytest.mark.parametrize("cell,kind", [("5.309", "ambiguous"), ("abc", "not_numeric"), (True, "not_numeric"),
                                       (dt.date(2025, 1, 5), "not_numeric"), ("NA%", "not_numeric"), ("9%%", "not_numeric")])
def test_cells_that_are_not_numbers(cell, kind):
    with pytest.raises(NumberError) as exc:
        parse_number(cell)
    assert exc.value.kind == kind


def test_a_cell_in_the_other_style_is_mixed():
    with pytest.raises(NumberError) as exc:
        parse_number("0.373", style=ID)  # a thousands group never follows a lone 0
    assert exc.value.kind == "mixed"


@pytest.mark.parametrize("token", [None, "", "-", "–", "NA", "n/a", "null", "#N/A"])
def test_missing_marks_are_nan(token):
    assert np.isnan(parse_number(token))


def test_majority_decides_ties_go_to_the_first_settling_cell():
    assert infer_style(["1,5", "2.5"]).style == ID
    assert infer_style(["2.5", "1,5", "3.25"]).style == EN
    assert infer_style(["5.309", "12"]).style is None


def test_settings():
    assert style_from_settings(",", None) == ID and style_from_settings(None, ",") == EN
    assert style_from_settings(".", "") == EN.__class__(".", "") and style_from_settings(None, None) is None
    with pytest.raises(ValueError):
        style_from_settings(",", ",")
    with pytest.raises(ValueError):
        style_from_settings(None, " ")


def test_survey_cells_are_never_echoed():
    p = parse_column(["1", "Siti 0812", "2"], [2, 3, 4], label="s.csv", column="q", echo=False)
    (f,) = p.findings
    assert (f.code, f.row, f.column, f.value) == ("not_numeric", 3, "q", None)
    assert "Siti" not in f.text("id") + f.text("en") + (f.expectation("id") or "") + (f.expectation("en") or "")
