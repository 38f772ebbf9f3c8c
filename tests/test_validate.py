"""Every validation error of issue 2, each with its own small bad input."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import Polygon

from petarawan.errors import ConfigError, InputError
from petarawan.validate import load_study

from studyfix import CODES, boundary_geojson, write_csv


def errors_of(study_dir):
    with pytest.raises(InputError) as exc:
        load_study(study_dir)
    return exc.value.findings


def test_valid_study_loads(study):
    s = load_study(study)
    assert list(s.areas.index) == CODES
    assert s.data.loc["19.71.01.1004", "x1"] == 20.0
    assert list(s.areas["group"]) == ["Satu", "Satu", "Dua", "Dua"]
    assert s.findings == []
    assert set(s.input_hashes) == {"areas.geojson", "data.csv"}


def test_codes_without_dots_and_decimal_comma_join(study):
    (study / "data.csv").write_text(
        'kode,x1,x2,x3\n1971011001,0,"4,5",1\n1971011002,5,2,3\n1971011003,10,0,5\n1971011004,20,4,"3,25"\n', encoding="utf-8")
    s = load_study(study)
    assert s.data.loc["19.71.01.1001", "x2"] == 4.5
    assert s.data.loc["19.71.01.1004", "x3"] == 3.25


def test_semicolon_csv_with_decimal_comma(study):
    (study / "data.csv").write_text("kode;x1;x2;x3\n19.71.01.1001;0;1,5;1\n19.71.01.1002;5;2;3\n"
                                    "19.71.01.1003;10;0;5\n19.71.01.1004;20;4;3\n", encoding="utf-8")
    assert load_study(study).data.loc["19.71.01.1001", "x2"] == 1.5


def test_unknown_code(study):
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"],
              [[CODES[0], 0, 4, 1], [CODES[1], 5, 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3], ["19.71.09.9999", 1, 1, 1]])
    (f,) = errors_of(study)
    assert (f.code, f.file, f.row, f.column, f.value) == ("unknown_code", "data.csv", 6, "kode", "19.71.09.9999")


def test_duplicate_code_in_table(study):
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"],
              [[CODES[0], 0, 4, 1], [CODES[1], 5, 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3], ["1971011002", 1, 1, 1]])
    (f,) = errors_of(study)
    assert (f.code, f.row, f.value) == ("duplicate_code", 6, "19.71.01.1002")
    assert "3" in f.text("id")  # names the first row (row 3 in spreadsheet numbering)


def test_duplicate_code_in_boundaries(study):
    gj = boundary_geojson(codes=[CODES[0], CODES[1], CODES[1], CODES[3]])
    (study / "areas.geojson").write_text(json.dumps(gj), encoding="utf-8")
    findings = errors_of(study)
    assert ("duplicate_code", "areas.geojson", 3, "kode") in [(f.code, f.file, f.row, f.column) for f in findings]


def test_area_without_data_is_a_warning(study):
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"], [[CODES[0], 0, 4, 1], [CODES[1], 5, 2, 3], [CODES[2], 10, 0, 5]])
    s = load_study(study)
    (f,) = s.findings
    assert (f.level, f.code, f.value) == ("warning", "no_data", CODES[3])
    assert s.data.loc[CODES[3]].isna().all()


def test_missing_required_column(study):
    write_csv(study / "data.csv", ["kode", "x1", "x3"], [[c, 1, 1] for c in CODES])
    (f,) = errors_of(study)
    assert (f.code, f.column) == ("missing_column", "x2")
    assert "x1" in f.expectation("id")  # lists the columns that do exist


def test_missing_code_column(study):
    write_csv(study / "data.csv", ["code", "x1", "x2", "x3"], [[c, 1, 1, 1] for c in CODES])
    (f,) = errors_of(study)
    assert (f.code, f.column) == ("missing_column", "kode")


def test_non_numeric_value(study):
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"],
              [[CODES[0], 0, 4, 1], [CODES[1], "lima", 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    (f,) = errors_of(study)
    assert (f.code, f.row, f.column, f.value) == ("not_numeric", 3, "x1", "lima")


def test_negative_count(study):
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"],
              [[CODES[0], 0, 4, 1], [CODES[1], 5, 2, 3], [CODES[2], -2, 0, 5], [CODES[3], 20, -1, 3]])
    (f,) = errors_of(study)  # x2 is not a count: -1 is allowed there
    assert (f.code, f.row, f.column, f.value) == ("negative_count", 4, "x1", "-2")


def test_every_error_is_reported_not_just_the_first(study):
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"],
              [[CODES[0], "a", 4, 1], [CODES[1], 5, "b", 3], [CODES[2], -1, 0, 5], ["99.99.99.9999", 20, 4, 3]])
    kinds = sorted(f.code for f in errors_of(study))
    assert kinds == ["negative_count", "not_numeric", "not_numeric", "unknown_code"]


def test_invalid_geometry_is_repaired_with_warning(study):
    bowtie = {"type": "Polygon", "coordinates": [[[106.10, -2.10], [106.11, -2.11], [106.11, -2.10], [106.10, -2.11], [106.10, -2.10]]]}
    gj = boundary_geojson()
    gj["features"][1]["geometry"] = bowtie
    (study / "areas.geojson").write_text(json.dumps(gj), encoding="utf-8")
    s = load_study(study)
    (f,) = s.findings
    assert (f.level, f.code, f.row, f.value) == ("warning", "invalid_geometry", 2, CODES[1])
    assert s.areas.geometry.is_valid.all()
    # the bow-tie's two triangles keep their area: 2 × ½ × 0.01 × 0.005 deg²
    assert s.areas.geometry.iloc[1].area == pytest.approx(0.00005)


def test_missing_crs(study, tmp_path):
    g = gpd.GeoDataFrame({"kode": CODES, "nama": list("ABCD"), "kec": ["S"] * 4},
                         geometry=[Polygon([(0, 0), (1, 0), (1, 1)])] * 4, crs=None)
    g.to_file(study / "areas.shp")
    cfg = (study / "petarawan.toml").read_text().replace('file = "areas.geojson"', 'file = "areas.shp"')
    (study / "petarawan.toml").write_text(cfg)
    (f,) = errors_of(study)
    assert (f.code, f.file) == ("missing_crs", "areas.shp")


def test_missing_file(study):
    (study / "data.csv").unlink()
    (f,) = errors_of(study)
    assert (f.code, f.file) == ("file_missing", "data.csv")


def test_unreadable_boundary_file(study):
    (study / "areas.geojson").write_text("{ this is not json", encoding="utf-8")
    (f,) = errors_of(study)
    assert (f.code, f.file) == ("unreadable", "areas.geojson")


def test_config_unknown_key_and_wrong_type(study):
    cfg = (study / "petarawan.toml").read_text()
    (study / "petarawan.toml").write_text(cfg.replace('data_date = "2025"', 'data_date = "2025"\ncolour = "red"')
                                          .replace("weight = 3\n\n[[dimensions]]", 'weight = "heavy"\n\n[[dimensions]]', 1))
    with pytest.raises(ConfigError) as exc:
        load_study(study)
    msg = str(exc.value)
    assert "study.colour" in msg and "unknown key" in msg
    assert "dimensions[s].weight" in msg and "'heavy'" in msg and "must be a number" in msg


def test_config_indicator_in_undeclared_dimension(study):
    cfg = (study / "petarawan.toml").read_text()
    (study / "petarawan.toml").write_text(cfg.replace('dimension = "d"', 'dimension = "zz"'))
    with pytest.raises(ConfigError, match="dimension 'zz' is not declared"):
        load_study(study)


def test_config_invalid_toml_names_line(study):
    (study / "petarawan.toml").write_text("[study\nname = 1\n")
    with pytest.raises(ConfigError, match="line 1"):
        load_study(study)


def test_year_filter(study):
    write_csv(study / "data.csv", ["kode", "tahun", "x1", "x2", "x3"],
              [[c, 2024, 100, 1, 1] for c in CODES] + [[c, 2025, i, 1, i] for i, c in enumerate(CODES)])
    s = load_study(study)  # no year configured: the latest year is used and said so
    assert list(s.data["x1"]) == [0, 1, 2, 3]
    assert [f.code for f in s.findings] == ["latest_year"]


# ---------------------------------------------------------------- messy real-world tables
def _table(study, header, rows):
    write_csv(study / "data.csv", header, rows)


def test_ambiguous_thousands_in_a_rate_column_is_an_error(study):
    # x3 is not a count: "5.309" may be 5309 or 5.309 and nothing else in the column settles it
    _table(study, ["kode", "x1", "x2", "x3"], [[CODES[0], 0, 4, '"5.309"'], [CODES[1], 5, 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    (f,) = errors_of(study)
    assert (f.code, f.row, f.column, f.value) == ("ambiguous_number_column", 2, "x3", "5.309")
    assert '[data] decimal = ","' in f.expectation("id") and '[data] decimal = ","' in f.expectation("en")  # names the setting


def test_column_style_settles_ambiguity(study):
    # a decimal comma elsewhere in the column says the dot is a thousands separator: 1.234 = 1234
    _table(study, ["kode", "x1", "x2", "x3"], [[CODES[0], 0, 4, '"1.234"'], [CODES[1], 5, 2, '"2,5"'], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    s = load_study(study)
    assert s.data["x3"].tolist() == [1234.0, 2.5, 5.0, 3.0]


def test_counts_read_separators_as_thousands(study):
    # x1 is a count: "1.879" and "7,306" can only be 1879 and 7306
    _table(study, ["kode", "x1", "x2", "x3"], [[CODES[0], '"1.879"', 4, 1], [CODES[1], '"7,306"', 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    assert load_study(study).data["x1"].tolist() == [1879.0, 7306.0, 10.0, 20.0]


def test_count_must_be_whole(study):
    _table(study, ["kode", "x1", "x2", "x3"], [[CODES[0], '"2,5"', 4, 1], [CODES[1], 5, 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    (f,) = errors_of(study)
    assert (f.code, f.row, f.column) == ("not_whole", 2, "x1")


def test_mixed_number_styles_in_a_column(study):
    _table(study, ["kode", "x1", "x2", "x3"], [[CODES[0], 0, 4, '"1,5"'], [CODES[1], 5, 2, "2.5"], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    (f,) = errors_of(study)  # one cell each way: the first settles the column, the other is named
    assert (f.code, f.row, f.column, f.value) == ("mixed_number_style", 3, "x3", "2.5")
    assert "row 2: '1,5'" in f.text("en")


def test_missing_tokens_are_reported(study):
    _table(study, ["kode", "x1", "x2", "x3"], [[CODES[0], "-", 4, 1], [CODES[1], "NA", 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    s = load_study(study)
    tok = [f for f in s.findings if f.code == "missing_token"]
    assert len(tok) == 1 and tok[0].column == "x1" and "2 sel" in tok[0].text("id") and "baris 2, 3" in tok[0].text("id")
    assert s.data["x1"].isna().tolist() == [True, True, False, False]


def test_percent_formatted_excel_cells_are_rescaled(study):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tabel indikator 2025"])          # a title row above the header
    ws.append(["KODE", "x1", "x2", " X3 "])       # headings in another case, with spaces
    for c, v in zip(CODES, [0.1, 0.2, 0.3, 0.4]):
        ws.append([c, 1, 1, v])
    for row in ws.iter_rows(min_row=3, min_col=4, max_col=4):
        row[0].number_format = "0.0%"
    ws.append([None, None, None, None])
    wb.save(study / "data.xlsx")
    cfg = (study / "petarawan.toml").read_text().replace('file = "data.csv"', 'file = "data.xlsx"')
    (study / "petarawan.toml").write_text(cfg)
    s = load_study(study)
    assert s.data["x3"].tolist() == pytest.approx([10, 20, 30, 40])
    assert {"header_row", "percent_cells"} <= {f.code for f in s.findings}


def test_did_you_mean_for_misspelt_column(study):
    _table(study, ["kode", "x1", "x2", "xx3"], [[c, 1, 1, 1] for c in CODES])
    (f,) = errors_of(study)
    assert f.column == "x3" and "'xx3'" in f.expectation("id")


def test_names_in_code_column_get_a_hint(study):
    _table(study, ["kode", "x1", "x2", "x3"], [[n, 1, 1, 1] for n in ["Alfa", "Bravo", "Charlie", "Delta"]])
    findings = errors_of(study)
    assert len(findings) == 4 and all("NAMA" in f.text("id") for f in findings)


def test_reference_yes_no_and_bad_value(study):
    cfg = (study / "petarawan.toml").read_text().replace('file = "data.csv"', 'file = "data.csv"\nreference_column = "zona"')
    (study / "petarawan.toml").write_text(cfg)
    _table(study, ["kode", "x1", "x2", "x3", "zona"], [[CODES[0], 0, 4, 1, "ya"], [CODES[1], 5, 2, 3, "Tidak"],
                                                        [CODES[2], 10, 0, 5, 1], [CODES[3], 20, 4, 3, "mungkin"]])
    (f,) = errors_of(study)
    assert (f.code, f.row, f.value) == ("not_binary", 5, "mungkin")


def test_partial_data_warning_lists_missing(study):
    _table(study, ["kode", "x1", "x2", "x3"], [[CODES[0], 0, None, None], [CODES[1], 5, 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    (f,) = load_study(study).findings
    assert (f.code, f.value, f.row, f.column) == ("partial_data", CODES[0], 2, "x2")
    assert f.text("id") == "Alfa (19.71.01.1001): data hanya 1 dari 3 indikator (kosong: x2, x3)"


def test_year_configured_without_year_column(study):
    cfg = (study / "petarawan.toml").read_text().replace('file = "data.csv"', 'file = "data.csv"\nyear = 2025')
    (study / "petarawan.toml").write_text(cfg)
    (f,) = errors_of(study)
    assert f.code == "no_year_column"


def test_points_are_not_areas(study):
    gj = boundary_geojson()
    gj["features"][2]["geometry"] = {"type": "Point", "coordinates": [106.1, -2.1]}
    (study / "areas.geojson").write_text(json.dumps(gj), encoding="utf-8")
    (f,) = errors_of(study)
    assert (f.code, f.row) == ("not_polygon", 3)


def test_projected_coordinates_declared_as_degrees(study):
    # UTM metres in a GeoJSON (which GDAL always reads as WGS84)
    gj = boundary_geojson()
    for feat in gj["features"]:
        feat["geometry"]["coordinates"] = [[[x * 1000 + 500000, y * 1000 + 9700000] for x, y in ring]
                                           for ring in feat["geometry"]["coordinates"]]
    (study / "areas.geojson").write_text(json.dumps(gj), encoding="utf-8")
    (f,) = errors_of(study)
    assert f.code == "coordinates_out_of_range" and "EPSG:32748" in f.expectation("id")


def test_shapefile_without_dbf(study):
    g = gpd.GeoDataFrame({"kode": CODES, "nama": list("ABCD"), "kec": ["S"] * 4},
                         geometry=[Polygon([(0, 0), (1, 0), (1, 1)])] * 4, crs=4326)
    g.to_file(study / "areas.shp")
    (study / "areas.dbf").unlink()
    cfg = (study / "petarawan.toml").read_text().replace('file = "areas.geojson"', 'file = "areas.shp"')
    (study / "petarawan.toml").write_text(cfg)
    (f,) = errors_of(study)
    assert f.code == "shapefile_part_missing" and "areas.dbf" in f.text("id")


def test_implausible_rate_is_warned(study):
    cfg = (study / "petarawan.toml").read_text().replace('code = "x1"', 'code = "x1"\ndenominator = "pop"')
    (study / "petarawan.toml").write_text(cfg)
    _table(study, ["kode", "pop", "x1", "x2", "x3"], [[CODES[0], 1000, 0, 4, 1], [CODES[1], 7, 50, 2, 3],
                                                       [CODES[2], 1000, 10, 0, 5], [CODES[3], 1000, 20, 4, 3]])
    (f,) = load_study(study).findings
    assert (f.code, f.row, f.value) == ("implausible_rate", 3, CODES[1])


def test_errors_are_ordered_by_row(study):
    _table(study, ["kode", "x1", "x2", "x3"], [[CODES[0], 0, 4, "b"], [CODES[1], "a", 2, 3], [CODES[2], 10, 0, 5], [CODES[3], 20, 4, 3]])
    assert [(f.row, f.column) for f in errors_of(study)] == [(2, "x3"), (3, "x1")]


def test_config_error_names_indicator_and_suggests_key(study):
    cfg = (study / "petarawan.toml").read_text().replace('code = "x3"\nlabel_id = "Pengguna"', 'code = "x3"\nlabel_id = "Pengguna"\ndirektion = 1')
    (study / "petarawan.toml").write_text(cfg)
    with pytest.raises(ConfigError) as exc:
        load_study(study)
    assert "indicators[x3].direktion: kunci tidak dikenal — mungkin maksudnya 'direction'?" in exc.value.text("id")
    assert "indicators[x3].direktion: unknown key — did you mean 'direction'?" in exc.value.text("en")
    assert "unknown key" not in exc.value.text("id") and "kunci" not in exc.value.text("en")


def test_missing_data_date_is_warned(study):
    cfg = (study / "petarawan.toml").read_text().replace('data_date = "2025"\n', "")
    (study / "petarawan.toml").write_text(cfg)
    (f,) = load_study(study).findings
    assert (f.code, f.column) == ("no_data_date", "study.data_date")


@pytest.mark.parametrize("matrix, message", [
    ([[2, 1], [1, 1]], r"matrix\[0\]\[0\] = 2 must be 1 \(a compared with itself\)"),
    ([[1, 1000], ["1/1000", 1]], r"outside Saaty's scale"),
])
def test_ahp_matrix_checks(matrix, message):
    from petarawan.config import AHPMatrix

    with pytest.raises(ValueError, match=message):
        AHPMatrix(items=["a", "b"], matrix=matrix)


@pytest.mark.parametrize("text, style, whole, expected", [
    ("5.309", "en", False, 5.309), ("5.309", "id", False, 5309.0), ("5,309", "id", False, 5.309),
    ("5,309", "en", False, 5309.0), ("5.309", None, True, 5309.0), ("5,309", None, True, 5309.0),
    ("1.234,5", None, False, 1234.5), ("1,234.5", None, False, 1234.5), ("0,5", None, False, 0.5),
    ("-1.5", None, False, -1.5), ("12", None, False, 12.0),
], ids=str)
def test_parse_number_styles(text, style, whole, expected):
    from petarawan.io.readers import parse_number

    assert parse_number(text, style=style, whole=whole) == pytest.approx(expected)


def test_parse_number_ambiguous_without_style():
    from petarawan.io.readers import NumberError, parse_number

    with pytest.raises(NumberError):
        parse_number("5.309")


def test_total_row_with_empty_code_is_named(study):
    _table(study, ["kode", "nama", "x1", "x2", "x3"], [[c, n, 1, 1, 1] for c, n in zip(CODES, "ABCD")] + [[None, "JUMLAH", 4, 4, 4]])
    (f,) = errors_of(study)
    assert (f.code, f.row) == ("empty_code", 6) and f.text("id") == "kode wilayah kosong — baris total? hapus baris ini"
    assert f.text("en") == "empty area code — a total row? delete this row"
