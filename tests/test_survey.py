"""Reading KoboToolbox and ODK Central exports, decoded with the XLSForm itself."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

from petarawan.errors import InputError
from petarawan.io.survey import read_form, read_survey

CODES = pd.Index(["19.71.01.1008", "19.71.01.1004"])
NAME = "Sutarmi Percobaanwati"       # fake identifiers that must never survive ingest
PHONE = "081255501234"


@pytest.fixture
def form_path(tmp_path):
    """A small XLSForm: groups, select_one/select_multiple, text, phone, geopoint and a repeat."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label::Bahasa Indonesia (id)", "label::English (en)"])
    rows = [
        ("select_one yt", "persetujuan", "Setuju?", "Consent?"),
        ("begin_group", "lokasi", "Lokasi", "Location"),
        ("select_one wilayah", "kode_wilayah", "Kelurahan", "Area"),
        ("geopoint", "titik", "Titik rumah", "Home location"),
        ("end_group", "", "", ""),
        ("begin_group", "responden", "Responden", "Respondent"),
        ("text", "nama_responden", "Nama", "Name"),
        ("select_one peran", "peran", "Peran", "Role"),
        ("integer", "jumlah_art", "Jumlah ART", "Household size"),
        ("end_group", "", "", ""),
        ("begin_group", "usaha", "Usaha", "Business"),
        ("select_multiple jenis", "minat_usaha", "Minat", "Interest"),
        ("end_group", "", "", ""),
        ("text", "no_hp", "HP", "Phone"),
        ("begin_repeat", "anggota", "Anggota", "Member"),
        ("select_one yt", "ikut_pelatihan", "Ikut?", "Join?"),
        ("integer", "umur", "Umur", "Age"),
        ("end_repeat", "", "", ""),
    ]
    for r in rows:
        ws.append(list(r))
    ch = wb.create_sheet("choices")
    ch.append(["list_name", "name", "label::Bahasa Indonesia (id)", "label::English (en)"])
    for r in [("yt", "ya", "Ya", "Yes"), ("yt", "tidak", "Tidak", "No"),
              ("wilayah", "19.71.01.1008", "Pasir Putih", "Pasir Putih"),
              ("wilayah", "19.71.01.1004", "Semabung Lama", "Semabung Lama"),
              ("peran", "warga", "Warga", "Resident"), ("peran", "tokoh_agama", "Tokoh agama", "Religious leader"),
              ("jenis", "kuliner", "Kuliner", "Food"), ("jenis", "menjahit", "Menjahit", "Tailoring"),
              ("jenis", "tidak_ada", "Tidak ada", "None")]:
        ch.append(list(r))
    p = tmp_path / "form.xlsx"
    wb.save(p)
    return p


def _kobo_csv(rows: list[dict[str, str]], split: bool = True, aggregated: bool = True) -> str:
    header = ["start", "persetujuan", "lokasi/kode_wilayah", "lokasi/titik", "_lokasi/titik_latitude",
              "_lokasi/titik_longitude", "responden/nama_responden", "responden/peran", "responden/jumlah_art"]
    if aggregated:
        header.append("usaha/minat_usaha")
    if split:
        header += ["usaha/minat_usaha/kuliner", "usaha/minat_usaha/menjahit", "usaha/minat_usaha/tidak_ada"]
    header += ["no_hp", "_id", "_uuid", "_submission_time", "_submitted_by", "_index"]
    lines = [";".join(header)]
    for i, r in enumerate(rows, start=1):
        opts = r["minat"].split()
        vals = {"start": "2026-03-02T09:00:00.000+07:00", "persetujuan": r.get("consent", "ya"),
                "lokasi/kode_wilayah": r["code"], "lokasi/titik": "-2.12 106.12 0 5", "_lokasi/titik_latitude": "-2.12",
                "_lokasi/titik_longitude": "106.12", "responden/nama_responden": NAME, "responden/peran": r["peran"],
                "responden/jumlah_art": r.get("art", "4"), "usaha/minat_usaha": r["minat"],
                "usaha/minat_usaha/kuliner": str(int("kuliner" in opts)), "usaha/minat_usaha/menjahit": str(int("menjahit" in opts)),
                "usaha/minat_usaha/tidak_ada": str(int("tidak_ada" in opts)), "no_hp": PHONE, "_id": str(100 + i),
                "_uuid": r.get("uuid", f"uuid-{i}"), "_submission_time": "2026-03-02T02:00:00", "_submitted_by": "enum01",
                "_index": str(i)}
        lines.append(";".join(vals[h] for h in header))
    return "\n".join(lines) + "\n"


ROWS = [
    {"code": "19.71.01.1008", "peran": "warga", "minat": "kuliner menjahit"},
    {"code": "1971011008", "peran": "tokoh_agama", "minat": "kuliner"},           # code without dots joins
    {"code": "19.71.01.1004", "peran": "pendeta", "minat": "menjahit"},           # unknown choice
    {"code": "19.71.01.1004", "peran": "warga", "minat": "kuliner batik"},        # unknown option 'batik'
    {"code": "19.71.09.9999", "peran": "warga", "minat": "kuliner"},              # unknown area
    {"code": "19.71.01.1008", "peran": "warga", "minat": "kuliner", "uuid": "uuid-1"},  # duplicate of row 2
    {"code": "19.71.01.1004", "peran": "warga", "minat": "tidak_ada", "consent": "tidak"},  # refused
]


def test_kobo_csv_decodes_groups_select_multiple_and_reports_problems(tmp_path, form_path):
    form = read_form(form_path)
    p = tmp_path / "kobo.csv"
    p.write_text(_kobo_csv(ROWS), encoding="utf-8")
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES, consent_question="persetujuan")
    r = d.responses
    # 7 read; 1 refused, 1 unknown area, 1 duplicate dropped -> 4 kept
    assert d.counts == {"read": 7, "no_consent": 1, "unknown_area": 1, "duplicate": 1, "kept": 4}
    assert list(r.index) == ["uuid-1", "uuid-2", "uuid-3", "uuid-4"]
    assert list(r["code"]) == ["19.71.01.1008", "19.71.01.1008", "19.71.01.1004", "19.71.01.1004"]
    assert list(r["peran"].astype(object).where(r["peran"].notna(), None)) == ["warga", "tokoh_agama", None, "warga"]
    assert list(r["minat_usaha/kuliner"]) == [True, True, False, True]
    assert list(r["minat_usaha/menjahit"]) == [True, False, True, False]
    assert list(r["jumlah_art"]) == [4.0, 4.0, 4.0, 4.0]
    codes = sorted((f.code, f.row, f.column) for f in d.findings)
    # spreadsheet rows: header = 1, ROWS[i] is row i + 2; no finding repeats what was typed
    assert codes == [("survey_duplicate", 7, "_uuid"), ("survey_unknown_area", 6, "lokasi/kode_wilayah"),
                     ("survey_unknown_choice", 4, "responden/peran"), ("survey_unknown_choice", 5, "usaha/minat_usaha")]
    assert all(f.value is None and f.file == "kobo.csv" for f in d.findings)
    typed = ("uuid-1", "19.71.09.9999", "pendeta", "batik")
    assert not [w for f in d.findings for w in typed if w in str(f.to_dict())]
    dup = next(f for f in d.findings if f.code == "survey_duplicate")
    assert "row 2" in dup.text("en") and "baris 2" in dup.text("id")


def test_identifiers_are_dropped_at_ingest(tmp_path, form_path):
    form = read_form(form_path)
    p = tmp_path / "kobo.csv"
    p.write_text(_kobo_csv(ROWS[:2]), encoding="utf-8")
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES)
    text = d.responses.to_csv() + "".join(str(f) for f in d.findings)
    assert NAME not in text and PHONE not in text and "106.12" not in text and "enum01" not in text
    assert {"responden/nama_responden", "no_hp", "lokasi/titik", "_lokasi/titik_latitude",
            "_lokasi/titik_longitude", "_submitted_by", "start"} <= set(d.dropped_columns)
    assert not any(c.startswith(("nama", "no_hp", "titik")) for c in d.responses.columns)


def test_kobo_split_columns_only(tmp_path, form_path):
    """An export with only the question/option 0/1 columns decodes the same."""
    form = read_form(form_path)
    p = tmp_path / "kobo.csv"
    p.write_text(_kobo_csv(ROWS[:3], aggregated=False), encoding="utf-8")
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES)
    assert list(d.responses["minat_usaha/kuliner"]) == [True, True, False]
    assert list(d.responses["minat_usaha/menjahit"]) == [True, False, True]


def _odk_files() -> tuple[str, str]:
    main = ("SubmissionDate,persetujuan,lokasi-kode_wilayah,lokasi-titik-Latitude,responden-nama_responden,responden-peran,"
            "responden-jumlah_art,usaha-minat_usaha,no_hp,meta-instanceID,KEY,SubmitterID,SubmitterName\n"
            f"2026-03-02,ya,19.71.01.1008,-2.1,{NAME},warga,5,kuliner,{PHONE},uuid:a1,uuid:a1,7,Enum Satu\n"
            f"2026-03-02,ya,19.71.01.1004,-2.1,{NAME},tokoh_agama,3,menjahit tidak_ada,{PHONE},uuid:a2,uuid:a2,7,Enum Satu\n")
    rep = ("anggota-ikut_pelatihan,anggota-umur,PARENT_KEY,KEY\n"
           "ya,17,uuid:a1,uuid:a1/anggota[1]\n"
           "tidak,45,uuid:a1,uuid:a1/anggota[2]\n"
           "ya,20,uuid:a2,uuid:a2/anggota[1]\n"
           "ya,30,uuid:zz,uuid:zz/anggota[1]\n")   # parent not in the main table
    return main, rep


def test_odk_central_csv_with_repeat_file(tmp_path, form_path):
    form = read_form(form_path)
    main, rep = _odk_files()
    (tmp_path / "potensi.csv").write_text(main)
    (tmp_path / "potensi-anggota.csv").write_text(rep)
    d = read_survey([tmp_path / "potensi-anggota.csv", tmp_path / "potensi.csv"], form, area_question="kode_wilayah",
                    known_codes=CODES)
    r = d.responses
    assert list(r.index) == ["a1", "a2"]
    assert list(r["peran"]) == ["warga", "tokoh_agama"]
    assert list(r["jumlah_art"]) == [5.0, 3.0]
    assert list(r["minat_usaha/menjahit"]) == [False, True]
    a = d.repeats["anggota"]
    assert list(a["_parent"]) == ["a1", "a1", "a2"]
    assert list(a["code"]) == ["19.71.01.1008", "19.71.01.1008", "19.71.01.1004"]
    assert list(a["ikut_pelatihan"]) == ["ya", "tidak", "ya"]
    assert list(a["umur"]) == [17.0, 45.0, 20.0]
    assert [f.row for f in d.findings if f.code == "survey_orphan_repeat"] == [5]
    assert {"SubmitterName", "SubmitterID", "responden-nama_responden", "no_hp"} <= set(d.dropped_columns)
    assert NAME not in r.to_csv() + a.to_csv()


def test_odk_central_zip(tmp_path, form_path):
    form = read_form(form_path)
    main, rep = _odk_files()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("potensi.csv", main)
        z.writestr("potensi-anggota.csv", rep)
    (tmp_path / "export.zip").write_bytes(buf.getvalue())
    d = read_survey([tmp_path / "export.zip"], form, area_question="kode_wilayah", known_codes=CODES)
    assert len(d.responses) == 2 and len(d.repeats["anggota"]) == 3


def test_kobo_xlsx_with_repeat_sheet(tmp_path, form_path):
    form = read_form(form_path)
    main = pd.read_csv(io.StringIO(_kobo_csv(ROWS[:2])), sep=";", dtype=str)
    rep = pd.DataFrame({"anggota/ikut_pelatihan": ["ya", "tidak", "ya"], "anggota/umur": ["16", "50", "22"],
                        "_index": ["1", "2", "3"], "_parent_table_name": ["potensi"] * 3, "_parent_index": ["2", "1", "1"]})
    p = tmp_path / "kobo.xlsx"
    with pd.ExcelWriter(p) as w:
        main.to_excel(w, sheet_name="potensi", index=False)
        rep.to_excel(w, sheet_name="anggota", index=False)
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES)
    assert list(d.responses.index) == ["uuid-1", "uuid-2"]
    a = d.repeats["anggota"]
    assert list(a["_parent"]) == ["uuid-2", "uuid-1", "uuid-1"]
    assert list(a["umur"]) == [16.0, 50.0, 22.0]


def test_bad_form_and_export_are_input_errors(tmp_path, form_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["select_one nolist", "q", "Q"])
    ws.append(["begin_group", "g", "G"])
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(InputError) as e:
        read_form(bad)
    assert {f.code for f in e.value.findings} == {"form_missing_list", "form_unbalanced"}
    form = read_form(form_path)
    p = tmp_path / "other.csv"
    p.write_text("a;b\n1;2\n")
    with pytest.raises(InputError, match="main survey table"):
        read_survey([p], form, area_question="kode_wilayah")
    with pytest.raises(InputError, match="not found"):
        read_survey([tmp_path / "missing.csv"], form, area_question="kode_wilayah")


# ---- defects found by a fresh user (issue 5 follow-up) -----------------------------------------

def test_duplicate_with_unknown_area_and_all_ids_equal_do_not_crash(tmp_path, form_path):
    form = read_form(form_path)
    # rows 2..5: the duplicate (row 4, same uuid as row 2) also has an unknown code
    rows = [dict(ROWS[0]), dict(ROWS[2]), {"code": "19.71.09.9999", "peran": "warga", "minat": "kuliner", "uuid": "uuid-1"},
            {"code": "", "peran": "warga", "minat": "kuliner", "uuid": "uuid-1"}]
    p = tmp_path / "kobo.csv"
    p.write_text(_kobo_csv(rows), encoding="utf-8")
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES, consent_question="persetujuan")
    # 4 read; row 4 unknown code and row 5 empty code dropped first -> no duplicate left -> 2 kept
    assert d.counts == {"read": 4, "no_consent": 0, "unknown_area": 2, "duplicate": 0, "kept": 2}
    assert sorted((f.code, f.row) for f in d.findings) == [("survey_empty_area", 5), ("survey_unknown_area", 4),
                                                          ("survey_unknown_choice", 3)]
    # the finding names the export's own column, not the question name
    assert {f.column for f in d.findings if f.code.endswith("_area")} == {"lokasi/kode_wilayah"}
    # every _uuid equal: rows 2..6 share one ID; the first is kept, the other four are duplicates
    same = [dict(r, uuid="uuid-x") for r in (ROWS[0], ROWS[1], ROWS[2], ROWS[3], ROWS[1])]
    p.write_text(_kobo_csv(same), encoding="utf-8")
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES)
    assert (d.counts["duplicate"], d.counts["kept"]) == (4, 1)
    dups = [f for f in d.findings if f.code == "survey_duplicate"]
    assert [f.row for f in dups] == [3, 4, 5, 6] and {f.column for f in dups} == {"_uuid"}   # the export's column
    assert all("baris 2" in f.text("id") and "row 2" in f.text("en") for f in dups)


def test_export_groups_not_matching_the_form_is_an_input_error(tmp_path, form_path):
    form = read_form(form_path)
    p = tmp_path / "kobo.csv"
    p.write_text(_kobo_csv(ROWS[:2]).replace("responden/peran", "resp/peran"), encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_survey([p], form, area_question="kode_wilayah", known_codes=CODES, required=["peran", "minat_usaha"])
    (f,) = e.value.findings
    assert (f.code, f.file, f.column) == ("survey_question_missing", "kobo.csv", "peran")
    assert "'responden/peran' / 'responden-peran'" in f.expectation("en")
    assert "resp/peran" in f.value            # the columns found are listed
    assert f.text("en") and f.expectation("en")


def test_missing_consent_column_is_an_error_not_zero_refusals(tmp_path, form_path):
    form = read_form(form_path)
    p = tmp_path / "kobo.csv"
    text = _kobo_csv(ROWS[:2])
    header, *lines = text.splitlines()
    cols = header.split(";")
    i = cols.index("persetujuan")
    drop = lambda line: ";".join(v for k, v in enumerate(line.split(";")) if k != i)  # noqa: E731
    p.write_text("\n".join(drop(x) for x in [header, *lines]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_survey([p], form, area_question="kode_wilayah", known_codes=CODES, consent_question="persetujuan")
    assert [(f.code, f.column) for f in e.value.findings] == [("survey_question_missing", "persetujuan")]
    # without a consent question the counts say nothing about consent (no "0 without consent")
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES)
    assert "no_consent" not in d.counts and d.counts["kept"] == 2
    # a consent question that the form does not have names the configuration key
    with pytest.raises(InputError) as e:
        read_survey([p], form, area_question="kode_wilayah", consent_question="setuju")
    assert e.value.findings[0].column == "potential.consent_question"


def test_tab_separated_export_and_unparseable_csv(tmp_path, form_path):
    form = read_form(form_path)
    p = tmp_path / "kobo.tsv"
    p.write_text(_kobo_csv(ROWS[:3]).replace(";", "\t"), encoding="utf-8")
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES)
    assert list(d.responses["code"]) == ["19.71.01.1008", "19.71.01.1008", "19.71.01.1004"]
    # a line with more fields than the header: the error names the separator detected
    bad = tmp_path / "bad.csv"
    bad.write_text("persetujuan\tlokasi/kode_wilayah\nya\t19.71.01.1008\tx\tsurplus\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_survey([bad], form, area_question="kode_wilayah")
    f = e.value.findings[0]
    assert (f.code, f.file, f.row, f.value) == ("row_too_long", "bad.csv", 2, 4) and "separator tab" in f.text("en")


NAMES = pd.Series({"19.71.01.1008": "Pasir Putih", "19.71.01.1004": "Semabung Lama"})


def test_area_names_instead_of_codes_are_matched_by_name_with_one_warning(tmp_path, form_path):
    """Tester finding #17: a Kobo export "as labels" holds the kelurahan's name in the area question."""
    form = read_form(form_path)
    rows = [{"code": c, "peran": "warga", "minat": "kuliner"} for c in
            ["Pasir Putih", "semabung  lama", "19.71.01.1008", "Pasir Putih", "Kampung Lain"]]
    p = tmp_path / "kobo.csv"
    p.write_text(_kobo_csv(rows), encoding="utf-8")
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES, area_names=NAMES)
    assert list(d.responses["code"]) == ["19.71.01.1008", "19.71.01.1004", "19.71.01.1008", "19.71.01.1008"]
    named = [f for f in d.findings if f.code == "survey_area_names"]
    assert len(named) == 1 and named[0].text("en").startswith("3 answers hold the area's name")
    assert [(f.code, f.row) for f in d.findings if f.code == "survey_unknown_area"] == [("survey_unknown_area", 6)]


def test_a_name_shared_by_two_areas_is_not_guessed(tmp_path, form_path):
    form = read_form(form_path)
    p = tmp_path / "kobo.csv"
    p.write_text(_kobo_csv([{"code": "Bukit", "peran": "warga", "minat": "kuliner"}]), encoding="utf-8")
    twins = pd.Series({"19.71.01.1008": "Bukit", "19.71.01.1004": "bukit"})
    d = read_survey([p], form, area_question="kode_wilayah", known_codes=CODES, area_names=twins)
    assert d.counts["kept"] == 0 and [f.code for f in d.findings] == ["survey_unknown_area"]


def test_most_answers_without_a_known_area_stop_the_survey_not_silently_dropped(tmp_path, form_path):
    form = read_form(form_path)
    rows = [{"code": c, "peran": "warga", "minat": "kuliner", "uuid": f"u{i}"}
            for i, c in enumerate(["Pasir Putih"] * 6 + ["19.71.01.1008"] * 4)]
    p = tmp_path / "kobo.csv"
    p.write_text(_kobo_csv(rows), encoding="utf-8")
    with pytest.raises(InputError) as exc:  # without the names, 6 of 10 answers have no known area
        read_survey([p], form, area_question="kode_wilayah", known_codes=CODES)
    (f,) = exc.value.findings
    assert (f.code, f.file, f.column) == ("survey_area_mostly_unknown", "kobo.csv", "lokasi/kode_wilayah")
    assert f.text("en").startswith("6 of 10 answers hold no area code") and "Pasir" not in str(f.to_dict())
    assert read_survey([p], form, area_question="kode_wilayah", known_codes=CODES, area_names=NAMES).counts["kept"] == 10
