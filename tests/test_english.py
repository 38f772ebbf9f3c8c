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
