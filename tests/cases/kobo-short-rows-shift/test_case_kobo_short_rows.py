"""Case kobo-short-rows-shift: every second row of survei.csv lacks the usaha/minat_usaha/warung cell
(option removed, all-versions export), so its later answers shift left into the wrong questions.
Before: exit 0, potential scores changed (55.6 → 41.7) with only 'unknown choice' warnings.  Right:
an error naming the rows, as for rows with too many fields."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from petarawan import analyse, load_study
from petarawan.errors import InputError
from petarawan.io.survey import read_form, read_survey

HERE = Path(__file__).parent


def study(tmp_path) -> Path:
    d = tmp_path / "s"
    shutil.copytree(HERE, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return d


def test_the_case_names_every_short_row(tmp_path):
    with pytest.raises(InputError) as exc:
        analyse(load_study(study(tmp_path)))
    fs = exc.value.findings
    assert {f.code for f in fs} == {"row_too_short"} and {f.file for f in fs} == {"survei.csv"}
    # rows 3, 5, …, 73 (36 rows): the first ten one by one, the other 26 counted with their range
    listed = [f.row for f in fs if f.row is not None]
    (rest,) = [f for f in fs if f.row is None]
    assert listed == list(range(3, 23, 2)) and rest.value == 26 and "23–73" in rest.text("en")
    assert "77 fields" in fs[0].text("en") and "header has 78" in fs[0].text("en")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_a_row_with_an_extra_field_is_named_too(tmp_path):
    d = study(tmp_path)
    lines = _lines(d / "survei.csv")
    fixed = [lines[0]] + [ln for ln in lines[1:] if ln.count(";") == lines[0].count(";")]
    fixed[1] += ";extra"
    (d / "survei.csv").write_text("\n".join(fixed) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_survey([d / "survei.csv"], read_form(d / "potensi_masyarakat.xlsx"), area_question="kode_wilayah")
    (f,) = exc.value.findings
    assert (f.code, f.row) == ("row_too_long", 2)


def test_short_rows_inside_an_odk_zip_are_named_with_the_member(tmp_path):
    d = study(tmp_path)
    with zipfile.ZipFile(d / "export.zip", "w") as z:
        z.writestr("potensi.csv", (d / "survei.csv").read_text(encoding="utf-8"))
    with pytest.raises(InputError) as exc:
        read_survey([d / "export.zip"], read_form(d / "potensi_masyarakat.xlsx"), area_question="kode_wilayah")
    f = exc.value.findings[0]
    assert (f.code, f.file, f.row) == ("row_too_short", "export.zip/potensi.csv", 3)


def test_rows_of_the_right_length_decode(tmp_path):
    d = study(tmp_path)
    lines = _lines(d / "survei.csv")
    full = [ln for ln in lines if ln.count(";") == lines[0].count(";")]
    (d / "survei.csv").write_text("\n".join(full) + "\n", encoding="utf-8")
    s = read_survey([d / "survei.csv"], read_form(d / "potensi_masyarakat.xlsx"), area_question="kode_wilayah")
    assert s.n_read == len(full) - 1 == 36  # rows 2, 4, …, 72 of the case: every full row is read
