"""Inputs next to the shared cases (issue 8 "Tables and numbers"): other encodings, other number
styles, numbers typed into code cells, shared formulas, NUL bytes, empty and header-only files,
survey exports in other encodings or with rows of the wrong length.  Each value by hand."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from petarawan.codes import code_matcher
from petarawan.errors import InputError
from petarawan.io.exports import read_export
from petarawan.io.numbers import parse_column, parse_number
from petarawan.io.tables import read_sheet
from petarawan.validate import load_study
from studyfix import CONFIG, boundary_geojson


def _sheet(tmp_path: Path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return read_sheet(p, label=name)


def _refused(tmp_path: Path, name: str, data: bytes):
    with pytest.raises(InputError) as exc:
        _sheet(tmp_path, name, data)
    return exc.value.findings


# ---- encodings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("codec, warned", [("utf-16", False), ("utf-8-sig", False), ("cp1252", True)])
def test_other_encodings_read_the_same_text(tmp_path, codec, warned):
    t = _sheet(tmp_path, "t.csv", "kode;nama;x\n71;Désa Ñusa;1,5\n".encode(codec))
    assert t.cells.values.tolist() == [["71", "Désa Ñusa", "1,5"]]
    assert [f.code for f in t.findings] == (["encoding_detected"] if warned else [])


def test_a_nul_byte_is_refused_naming_its_line_not_read_as_utf16(tmp_path):
    (f,) = _refused(tmp_path, "t.csv", b"kode;x\n71;1\n72;2\x00\n")
    assert (f.code, f.file, f.row) == ("nul_byte", "t.csv", 3)
    assert "byte 17" in f.text("en")  # 7 + 5 + 4 bytes before it


def test_utf16_without_bom_is_not_mistaken_for_a_nul_byte(tmp_path):
    t = _sheet(tmp_path, "t.csv", "kode;nama\n71;Désa\n".encode("utf-16-le"))
    assert t.cells.values.tolist() == [["71", "Désa"]]


def test_an_empty_file_and_a_header_only_file_are_refused(tmp_path):
    assert [f.code for f in _refused(tmp_path, "a.csv", b"")] == ["empty"]
    (f,) = _refused(tmp_path, "b.csv", b"kode;x1;x2\n\n\n")
    assert (f.code, f.row) == ("no_rows", 1)


def test_a_header_only_indicator_table_stops_the_study(study):
    (study / "data.csv").write_text("kode,x1,x2,x3\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_study(study)
    assert [(f.code, f.file) for f in exc.value.findings] == [("no_rows", "data.csv")]


# ---- number styles ----------------------------------------------------------------------------

@pytest.mark.parametrize("cells, values", [
    (["1 234,5", "2\u00a0000,25"], [1234.5, 2000.25]),      # space / no-break space thousands, decimal comma
    (["(12)", "5"], [-12.0, 5.0]),                          # accounting negative
    (["\u22123", "4,5"], [-3.0, 4.5]),                      # U+2212 minus sign
    (["12%", "9,81 %"], [12.0, 9.81]),                      # percentage points, as Excel percent cells ×100
    (["2024.0", "2023"], [2024.0, 2023.0]),                 # a year written by Excel as 2024.0
])
def test_other_number_styles(cells, values):
    r = parse_column(cells, [2, 3], label="t.csv", column="x")
    np.testing.assert_array_equal(r.values, values)
    assert [f.level for f in r.findings] in ([], ["info"])


def test_percent_text_is_said_once_with_its_rows():
    r = parse_column(["12%", "3", "9,5%"], [2, 3, 4], label="t.csv", column="x")
    (f,) = r.findings
    assert (f.code, f.level, f.column) == ("percent_text", "info", "x") and "(rows 2, 4)" in f.text("en")


@pytest.mark.parametrize("cell", ["%", "NA%", "12%%", "(-3)"])
def test_what_is_still_not_a_number(cell):
    with pytest.raises(ValueError):
        parse_number(cell)


def test_a_year_cell_of_2024_point_0_is_the_year_2024(study):
    cfg = (study / "petarawan.toml").read_text().replace('[data]\nfile = "data.csv"', '[data]\nfile = "data.csv"\nyear = 2024')
    (study / "petarawan.toml").write_text(cfg, encoding="utf-8")
    rows = (study / "data.csv").read_text().splitlines()
    (study / "data.csv").write_text("\n".join([rows[0] + ",tahun"] + [r + ",2024.0" for r in rows[1:]]
                                              + [r + ",2023.0" for r in rows[1:]]) + "\n")  # two years
    s = load_study(study)
    assert len(s.data) == 4 and not [f for f in s.findings if f.level == "error"]


# ---- codes typed as numbers -------------------------------------------------------------------

def test_a_code_typed_as_a_number_finds_its_zero_padded_area():
    match = code_matcher(["0071", "0072", "1971011008", "0100"])
    assert [match(71), match(72.0), match(np.int64(100)), match(1971011008)] == ["0071", "0072", "0100", "1971011008"]
    assert match("71") == "71"          # text keeps its digits: never padded
    assert match(73) == "73"            # no such area: reported as unknown by the caller


def test_padding_never_guesses_between_two_areas():
    match = code_matcher(["071", "0071"])
    assert match(71) == "71"


def test_xlsx_codes_stored_as_numbers_join_the_boundary_codes(study):
    import openpyxl

    codes = ["0011", "0012", "0021", "0022"]
    gj = boundary_geojson(codes=codes)
    (study / "areas.geojson").write_text(json.dumps(gj), encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["kode", "x1", "x2", "x3"])
    for i, c in enumerate(codes):
        ws.append([int(c), i, i + 1, i + 2])  # Excel turned the codes into numbers: 11, 12, 21, 22
    wb.save(study / "data.xlsx")
    cfg = (study / "petarawan.toml").read_text().replace('file = "data.csv"', 'file = "data.xlsx"')
    (study / "petarawan.toml").write_text(cfg, encoding="utf-8")
    s = load_study(study)
    assert list(s.data.index) == codes and s.data.loc["0021", "x1"] == 2


# ---- spreadsheets ------------------------------------------------------------------------------

def _minimal_xlsx(path: Path, rows_xml: str) -> None:
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{ns}/package/2006/content-types"><Default Extension="rels" '
        f'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        f'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" Type="{ns}/'
        f'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/'
        f'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>{rows_xml}'
        f'</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, xml in parts.items():
            z.writestr(name, xml)


def _text(ref: str, s: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{s}</t></is></c>'


def test_shared_formulas_without_results_are_each_named(tmp_path):
    """Excel writes a filled-down formula once (``t="shared"``) and the cells below refer to it."""
    rows = (f'<row r="1">{_text("A1", "kode")}{_text("B1", "x")}{_text("C1", "y")}</row>'
            f'<row r="2">{_text("A2", "a1")}<c r="B2"><f t="shared" ref="B2:B4" si="0">C2*2</f></c><c r="C2"><v>1</v></c></row>'
            f'<row r="3">{_text("A3", "a2")}<c r="B3"><f t="shared" si="0"/></c><c r="C3"><v>2</v></c></row>'
            f'<row r="4">{_text("A4", "a3")}<c r="B4"><f t="shared" si="0"/></c><c r="C4"><v>3</v></c></row>')
    _minimal_xlsx(tmp_path / "t.xlsx", rows)
    t = read_sheet(tmp_path / "t.xlsx", label="t.xlsx")
    assert t.cells["y"].tolist() == [1, 2, 3] and t.cells["x"].isna().all()
    assert t.formula_cells == {(2, "x"): "=C2*2", (3, "x"): "=C3*2", (4, "x"): "=C4*2"}


# ---- survey exports (io.exports, the IKRN reader) ---------------------------------------------

EXPORT = "start;end;kode_wilayah;peran;q1\n2024-10-14T09:00;2024-10-14T09:10;{c};warga;ya\n"


@pytest.mark.parametrize("codec, warned", [("utf-8", False), ("utf-16", False), ("cp1252", True)])
def test_an_export_in_another_encoding_reads_the_same_cells(tmp_path, codec, warned):
    p = tmp_path / "x.csv"
    p.write_bytes(EXPORT.format(c="Désa").encode(codec))
    tb = read_export(p)
    assert tb.columns["kode_wilayah"].values.tolist() == ["Désa"] and tb.rows.tolist() == [2]
    assert [f.code for f in tb.findings] == (["encoding_detected"] if warned else [])


@pytest.mark.parametrize("line, code", [("a;b;71;warga;ya;extra", "row_too_long"), ("a;b;71;ya", "row_too_short")])
def test_an_export_row_of_the_wrong_length_is_refused_with_its_row(tmp_path, line, code):
    p = tmp_path / "x.csv"
    p.write_text(EXPORT.format(c="71") + line + "\n" + "a;b;72;warga;tidak\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_export(p)
    (f,) = exc.value.findings
    assert (f.code, f.file, f.row, f.value) == (code, "x.csv", 3, len(line.split(";")))


def test_an_export_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("form.csv", "KEY,q1\n" + "uuid:x,ya\n" * 300_000)  # 3 MB of one line repeated
    (tmp_path / "x.zip").write_bytes(buf.getvalue())
    with pytest.raises(InputError) as exc:
        read_export(tmp_path / "x.zip")
    assert [f.code for f in exc.value.findings] == ["zip_bomb"]


def test_an_export_with_a_nul_byte_is_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(EXPORT.format(c="7\x001").encode())
    with pytest.raises(InputError) as exc:
        read_export(p)
    assert [(f.code, f.row) for f in exc.value.findings] == [("nul_byte", 2)]


def test_export_coordinates_with_decimal_commas_go_through_the_one_number_parser():
    from petarawan.ikrn.returns import _numbers
    from petarawan.io.exports import Column

    col = Column(codes=np.array([0, 1, -1, 2], dtype=np.int32), values=np.array(["-6,5", "\u22122,25", "x"], dtype=object))
    np.testing.assert_array_equal(_numbers(col), [-6.5, -2.25, np.nan, np.nan])


def test_a_header_only_export_is_a_round_in_progress_not_an_error(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["start", "end", "kode_wilayah", "peran", "q1"])
    wb.save(tmp_path / "x.xlsx")
    (tmp_path / "y.csv").write_text("start;end;kode_wilayah;peran;q1\n", encoding="utf-8")
    assert len(read_export(tmp_path / "x.xlsx")) == 0 and len(read_export(tmp_path / "y.csv")) == 0


# ---- tester findings #7, #9, #10 ---------------------------------------------------------------

@pytest.mark.parametrize("data, key", [(b"", "empty"), (b"  \n", "empty"), (b"<html>not json</html>", "not_format")])
def test_an_empty_or_foreign_boundary_file_is_said_in_the_readers_language(tmp_path, data, key):
    from petarawan.io.geometry import read_boundary_layer

    (tmp_path / "b.geojson").write_bytes(data)
    with pytest.raises(InputError) as exc:
        read_boundary_layer(tmp_path / "b.geojson")
    (f,) = exc.value.findings
    assert f.text("id").startswith("berkas batas wilayah " + ("kosong" if key == "empty" else "bukan GEOJSON"))
    for text in (f.text("id"), f.text("en"), f.expectation("en")):
        assert "driver" not in text.lower() and "recognized" not in text


def test_data_on_the_second_sheet_is_one_finding_naming_the_setting(study):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Petunjuk"
    wb.active.append(["Isi sheet Data"])
    ws = wb.create_sheet("Data")
    lines = (study / "data.csv").read_text().splitlines()
    for ln in lines:
        ws.append([int(v) if v.isdigit() else v for v in ln.split(",")])
    wb.save(study / "data.xlsx")
    cfg = (study / "petarawan.toml").read_text().replace('file = "data.csv"', 'file = "data.xlsx"')
    (study / "petarawan.toml").write_text(cfg, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_study(study)
    (f,) = exc.value.findings
    assert (f.code, f.file) == ("data_on_other_sheet", "data.xlsx")
    assert f.expectation("en") == '[data] sheet = "Data" in petarawan.toml' and "'Petunjuk'" in f.text("id")
    (study / "petarawan.toml").write_text(cfg.replace('file = "data.xlsx"', 'file = "data.xlsx"\nsheet = "Data"'))
    assert len(load_study(study).data) == 4


def test_a_date_in_a_number_cell_is_shown_as_excel_shows_it():
    import datetime as dt

    r = parse_column([dt.datetime(2025, 3, 4), "7"], [2, 3], label="t.xlsx", column="kasus")
    (f,) = r.findings
    assert (f.row, f.value) == (2, "04/03/2025") and "datetime" not in f.render("id")


def test_an_empty_denominator_under_a_filled_rate_is_named_with_the_other_errors(study):
    """Tester finding #19: an empty population left the area unscored, blaming its indicators."""
    cfg = (study / "petarawan.toml").read_text().replace('code = "x3"\nlabel_id = "Pengguna"',
                                                          'code = "x3"\nlabel_id = "Pengguna"\ndenominator = "pop"')
    (study / "petarawan.toml").write_text(cfg, encoding="utf-8")
    lines = (study / "data.csv").read_text().splitlines()
    pops = ["0", "", "1000", "1000"]                      # row 2: zero (an error already), row 3: empty
    (study / "data.csv").write_text("\n".join([lines[0] + ",pop"] + [ln + "," + p for ln, p in zip(lines[1:], pops)]) + "\n")
    with pytest.raises(InputError) as exc:
        load_study(study)
    got = [(f.code, f.row, f.column) for f in exc.value.findings]
    assert got == [("bad_denominator", 2, "pop"), ("empty_denominator", 3, "pop")]
    assert "the rate of x3 cannot be computed" in exc.value.findings[1].text("en")
