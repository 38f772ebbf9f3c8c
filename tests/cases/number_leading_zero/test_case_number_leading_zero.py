"""Case number_leading_zero: share = 0.373, 0.125, 0.250, 0.900 was read as 373, 125, 250, 900
(thousands pattern), silently.  Right: 0.373, 0.125, 0.25, 0.9, and with goalposts [0, 1] for share
and [0, 5] for count the scores are the mean of 100·share and 100·count/5:
U01 (37.3 + 30)/2 = 33.65, U02 (12.5 + 50)/2 = 31.25, U03 (25 + 70)/2 = 47.5, U04 (90 + 90)/2 = 90."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from petarawan import analyse, load_study
from petarawan.errors import InputError

HERE = Path(__file__).parent


def study(tmp_path, csv: str | None = None, extra: str = "") -> Path:
    d = tmp_path / "s"
    shutil.copytree(HERE, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if csv is not None:
        (d / "data.csv").write_text(csv, encoding="utf-8")
    if extra:
        cfg = (d / "petarawan.toml").read_text(encoding="utf-8")
        (d / "petarawan.toml").write_text(cfg.replace('file = "data.csv"', 'file = "data.csv"\n' + extra), encoding="utf-8")
    return d


def errors_of(d):
    with pytest.raises(InputError) as exc:
        load_study(d)
    return exc.value.findings


def test_the_case_reads_decimals_and_scores_by_the_goalposts(tmp_path):
    s = load_study(study(tmp_path))
    assert s.data["share"].tolist() == [0.373, 0.125, 0.25, 0.9]
    assert analyse(s).result["score"].round(10).tolist() == [33.65, 31.25, 47.5, 90.0]


def test_leading_zero_and_two_decimals_settle_one_column_together(tmp_path):
    # before: "0.373" counted as Indonesian thousands and "26.76" as English decimals -> "mixed"
    csv = "kode,share,count\nU01,0.373,1.5\nU02,26.76,2.5\nU03,0.250,3.5\nU04,0.900,4.5\n"
    assert load_study(study(tmp_path, csv)).data["share"].tolist() == [0.373, 26.76, 0.25, 0.9]


def test_decimal_comma_with_leading_zero(tmp_path):
    csv = 'kode;share;count\nU01;0,373;1,5\nU02;0,125;2,5\nU03;0,250;3,5\nU04;0,900;4,5\n'
    assert load_study(study(tmp_path, csv)).data["share"].tolist() == [0.373, 0.125, 0.25, 0.9]


def test_an_undecidable_column_takes_the_style_the_other_columns_agree_on(tmp_path):
    # share alone cannot tell: 51.054 may be 51054 or 51.054; count's 1.5 says the table writes decimal points
    csv = "kode,share,count\nU01,51.054,1.5\nU02,12.125,2.5\nU03,3.250,3.5\nU04,7.900,4.5\n"
    s = load_study(study(tmp_path, csv))
    assert s.data["share"].tolist() == [51.054, 12.125, 3.25, 7.9]
    (note,) = [f for f in s.findings if f.code == "number_style_from_table"]
    assert (note.level, note.column, note.row) == ("info", "share", 2)


def test_a_truly_undecidable_column_is_refused_naming_the_setting(tmp_path):
    csv = "kode,share,count\nU01,51.054,1\nU02,12.125,2\nU03,3.250,3\nU04,7.900,4\n"
    (f,) = errors_of(study(tmp_path, csv))
    assert (f.code, f.column, f.row, f.value) == ("ambiguous_number_column", "share", 2, "51.054")
    assert '[data] decimal = ","' in f.expectation("en") and '"."' in f.expectation("en")


@pytest.mark.parametrize("setting,expected", [('decimal = "."', [51.054, 12.125, 3.25, 7.9]),
                                              ('decimal = ","', [51054.0, 12125.0, 3250.0, 7900.0]),
                                              ('thousands = "."', [51054.0, 12125.0, 3250.0, 7900.0])])
def test_an_explicit_setting_decides(tmp_path, setting, expected):
    csv = "kode,share,count\nU01,51.054,1\nU02,12.125,2\nU03,3.250,3\nU04,7.900,4\n"
    assert load_study(study(tmp_path, csv, setting)).data["share"].tolist() == expected


def test_an_explicit_setting_overrides_the_cells_and_names_each_other_cell(tmp_path):
    csv = "kode,share,count\nU01,0.373,1\nU02,\"0,125\",2\nU03,0.250,3\nU04,0.900,4\n"
    fs = errors_of(study(tmp_path, csv, 'decimal = ","'))
    assert [(f.code, f.row, f.column, f.value) for f in fs] == [
        ("mixed_number_style", 2, "share", "0.373"), ("mixed_number_style", 4, "share", "0.250"),
        ("mixed_number_style", 5, "share", "0.900")]
    assert '[data] decimal = ","' in fs[0].text("en")


def test_mixed_styles_name_row_and_value_of_the_minority(tmp_path):
    csv = "kode,share,count\nU01,0.373,1\nU02,\"0,125\",2\nU03,0.250,3\nU04,0.900,4\n"
    (f,) = errors_of(study(tmp_path, csv))
    assert (f.code, f.row, f.column, f.value) == ("mixed_number_style", 3, "share", "0,125")
    assert "row 2: '0.373'" in f.text("en") and "baris 2: '0.373'" in f.text("id")
