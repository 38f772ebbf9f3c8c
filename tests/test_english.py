"""English means English (issue 12 item 10): units, the data date and everything a reader of
``--lang en`` sees, without Indonesian words other than proper names and the four class names."""

from __future__ import annotations

from petarawan.config import IndicatorSpec, StudySection


def test_unit_in_english_when_given():
    spec = IndicatorSpec(code="kasus", label_id="Kasus", unit="kasus/tahun", unit_en="cases/year", dimension="d")
    assert (spec.unit_in("id"), spec.unit_in("en")) == ("kasus/tahun", "cases/year")
    bare = IndicatorSpec(code="x", label_id="X", unit="gram", dimension="d")
    assert bare.unit_in("en") == "gram"  # no unit_en: the unit as written


def test_data_date_translated():
    assert StudySection(name="S", data_date="2026-04-28").date_in("id") == "28 April 2026"
    assert StudySection(name="S", data_date="2026-08").date_in("id") == "Agustus 2026"
    assert StudySection(name="S", data_date="2026-08").date_in("en") == "August 2026"
    s = StudySection(name="S", data_date="2025 (ilustratif)", data_date_en="2025 (illustrative)")
    assert (s.date_in("id"), s.date_in("en")) == ("2025 (ilustratif)", "2025 (illustrative)")
    assert StudySection(name="S").date_in("en") == ""


def test_the_template_gives_every_unit_in_english():
    from petarawan.template import FRAMEWORK, UNIT_EN

    assert {i.unit for i in FRAMEWORK} <= set(UNIT_EN)
    assert UNIT_EN["kasus/tahun"] == "cases/year" and UNIT_EN["% angkatan kerja"] == "% of the labour force"


# Indonesian words a reader of --lang en must not meet (issue 12 item 10). Proper names (areas,
# sources, file names), codes and column names as written by the user, and the four class names
# are the only Indonesian left; they are taken out before the scan.
INDONESIAN = ["ilustratif", "wilayah", "dan", "tidak", "yang", "untuk", "dengan", "dari", "pada", "atau", "penduduk",
              "orang", "tahun", "peringkat", "kasus", "lokasi", "narkoba", "kegiatan", "berkas", "laporan", "peta", "skor",
              "kelas", "rawan", "jumlah", "nilai", "bobot", "indikator", "dimensi", "rencana", "peserta", "disembunyikan",
              "bulan", "tempat", "anak", "jiwa", "kerja", "kejadian", "sumber", "catatan", "survei", "responden",
              "potensi", "ketidakpastian", "metode", "normalisasi", "agregasi", "pembobotan", "batas", "tinggi", "rendah",
              "baris", "kolom", "diharapkan", "peringatan", "kesalahan", "ditemukan", "selesai", "hasil", "rata",
              "pemetaan", "rapat", "pendamping", "pelatihan", "keterampilan", "kewirausahaan", "hari", "biaya", "anggaran"]


def _user_text(study) -> set[str]:
    """Text the user wrote (configuration values, area names): shown as written, not ours to translate."""
    import tomllib

    import geopandas as gpd

    cfg = tomllib.loads((study / "petarawan.toml").read_text(encoding="utf-8"))
    out: set[str] = set()

    def leaves(x):
        if isinstance(x, dict):
            for v in x.values():
                leaves(v)
        elif isinstance(x, list):
            for v in x:
                leaves(v)
        elif isinstance(x, str) and len(x) > 2:
            out.add(x)

    leaves(cfg)
    areas = gpd.read_file(study / cfg["areas"]["file"])
    out |= {str(n) for n in areas[cfg["areas"].get("name_column", "nama")]}
    return out


def _form_names(study) -> set[str]:
    """Question and choice names of the study's survey form (identifiers, shown as written)."""
    import tomllib

    from petarawan.io.survey import read_form

    cfg = tomllib.loads((study / "petarawan.toml").read_text(encoding="utf-8"))
    form = read_form(study / cfg["potential"]["form"])
    return set(form.questions) | {c for names in form.choices.values() for c in names}


def indonesian_words(text: str, allowed: set[str]) -> list[str]:
    """Indonesian words of ``text`` once user text, quoted values and identifiers are taken out."""
    import re

    for a in sorted(allowed, key=len, reverse=True):
        text = text.replace(a, " ")
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)  # quoted values: codes, choices, as written
    text = re.sub(r"\S*[_./\\:0-9]\S*", " ", text)  # file names, codes, column paths, numbers
    return [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in INDONESIAN]


def test_the_scan_finds_indonesian_and_leaves_names_alone():
    assert indonesian_words("Skor tertinggi dan kelas wilayah", set()) == ["Skor", "dan", "kelas", "wilayah"]
    assert indonesian_words("Sinar Bulan: 'tidak' in kasus_narkoba (survei.csv)", {"Sinar Bulan"}) == []


def test_english_outputs_contain_no_indonesian(pangkalpinang_en):
    """`petarawan run --lang en` on the example: report.html, every workbook cell, every string
    given to matplotlib for the maps and the CLI output."""
    import html
    import re

    import openpyxl

    base, _study, out, cli_output, figure_texts = pangkalpinang_en
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "pangkalpinang"
    allowed, names = _user_text(example), _form_names(example)
    page = re.sub(r"<style.*?</style>|<script.*?</script>", " ", (out / "report.html").read_text(encoding="utf-8"), flags=re.S)
    texts = {"report.html": html.unescape(re.sub(r"<[^>]+>", "\n", page)).splitlines()}
    wb = openpyxl.load_workbook(out / "petarawan.xlsx", read_only=True)
    texts["petarawan.xlsx"] = list(wb.sheetnames) + [
        v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
        if isinstance(v, str) and not v.lstrip().startswith(("{", "["))  # raw configuration (JSON) as written
        and v not in names]  # a cell holding a question or choice name of the form (a setting's value, a column)
    texts["figures"] = figure_texts
    texts["cli"] = cli_output.splitlines()
    assert len(figure_texts) > 50 and len(texts["petarawan.xlsx"]) > 500
    found = {name: sorted({(w, line.strip()[:120]) for line in lines for w in indonesian_words(line, allowed)})
             for name, lines in texts.items()}
    assert found == {name: [] for name in texts}
    # the data date in English (data_date_en) wherever a reader sees it
    assert "2025 (illustrative)" in texts["report.html"][0] + "\n".join(texts["report.html"])
    assert any("2025 (illustrative)" in x for x in figure_texts)
    assert not any("2025 (ilustratif)" in x for x in figure_texts + texts["report.html"])
