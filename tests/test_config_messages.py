"""Configuration errors follow ``--lang``: a broken ``petarawan.toml`` is explained in the reader's
language, naming the key path — no English-only validator sentence in Indonesian mode."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from petarawan.cli import app
from studyfix import CONFIG

runner = CliRunner()


def _replace(old: str, new: str) -> str:
    assert CONFIG.count(old) == 1, old
    return CONFIG.replace(old, new)


# (name, config text, key path shown, Indonesian text, English text)
CASES = [
    ("undeclared_dimension",
     _replace('code = "x3"\nlabel_id = "Pengguna"\ndimension = "d"', 'code = "x3"\nlabel_id = "Pengguna"\ndimension = "zz"'),
     "indicators[x3].dimension",
     "indikator 'x3': dimensi 'zz' tidak dideklarasikan di [[dimensions]] (yang ada: s, d)",
     "indicator 'x3': dimension 'zz' is not declared in [[dimensions]] (declared: s, d)"),
    ("duplicate_indicator",
     _replace('code = "x2"', 'code = "x1"'),
     "indicators",
     "kode indikator dipakai lebih dari sekali: x1",
     "duplicate indicator code(s): x1"),
    ("bands_order",
     CONFIG + "\n[classification]\nbands = { Bahaya = 30, Waspada = 50, Siaga = 25 }\n",
     "classification.bands",
     "classification.bands harus menurun Bahaya > Waspada > Siaga, tertulis 30, 50, 25",
     "classification.bands must decrease Bahaya > Waspada > Siaga, got 30, 50, 25"),
    ("bnn_needs_present_at",
     _replace('bnn = "main"\npresent_at = 5\n', 'bnn = "main"\n'),
     "indicators[x1].present_at",
     "indikator 'x1': bnn = 'main' memerlukan present_at",
     "indicator 'x1': bnn = 'main' needs present_at"),
    ("power_zero",
     CONFIG + "\n[index]\npower = 0\n",
     "index.power",
     "power tidak boleh 0 (p = 0 adalah rata-rata geometrik",
     "power must not be 0 (p = 0 is the geometric mean"),
    ("separators_differ",
     _replace('file = "data.csv"', 'file = "data.csv"\ndecimal = ","\nthousands = ","'),
     "data.thousands",
     "pemisah desimal dan ribuan harus berbeda (keduanya ',')",
     "decimal and thousands separators must differ (both ',')"),
    ("goalposts_length",
     _replace('dimension = "d"', 'dimension = "d"\ngoalposts = [0, 1, 2]'),
     "indicators[x3].goalposts",
     "harus memuat ≤ 2 nilai (tertulis 3)",
     "must hold ≤ 2 values (given 3)"),
]


def _validate(study, text: str, lang: str) -> str:
    (study / "petarawan.toml").write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["validate", str(study), "--lang", lang], terminal_width=200)
    assert res.exit_code != 0
    assert "Traceback" not in res.output
    return res.output


@pytest.mark.parametrize("name,text,key,ind,en", CASES, ids=[c[0] for c in CASES])
def test_config_error_in_indonesian(study, name, text, key, ind, en):
    out = " ".join(_validate(study, text, "id").split())  # rich may wrap long lines
    assert f"{key}: {ind}" in out
    assert "konfigurasi tidak valid" in out
    # none of the English sentence, nor pydantic's English wrapper, nor a location-less "(root)"
    assert en[:25] not in out and "Value error" not in out and "(root)" not in out
    assert "invalid configuration" not in out


@pytest.mark.parametrize("name,text,key,ind,en", CASES, ids=[c[0] for c in CASES])
def test_config_error_in_english(study, name, text, key, ind, en):
    out = " ".join(_validate(study, text, "en").split())
    assert f"{key}: {en}" in out
    assert "invalid configuration" in out
    assert ind[:25] not in out and "konfigurasi tidak valid" not in out


def test_toml_syntax_error_gives_line_and_column_in_the_readers_language(study):
    # line 3 ("name = ") has no value: tomllib stops at its end, column 8
    text = '[study]\ndata_date = "2025"\nname = \n'
    ind = " ".join(_validate(study, text, "id").split())
    en = " ".join(_validate(study, text, "en").split())
    assert "TOML tidak valid — kesalahan penulisan di baris 3, kolom 8: name =" in ind
    assert "invalid TOML — a writing error at line 3, column 8: name =" in en
    # tomllib's own English sentence is not shown
    assert "Invalid value" not in ind and "Invalid value" not in en and "at line" not in ind
