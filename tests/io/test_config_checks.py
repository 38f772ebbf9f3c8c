"""Configuration checks (issue 8 "Config"): every number finite, nested or huge TOML a clear error
(never RecursionError / an internal error), errors in the reader's language."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from petarawan.cli import app
from petarawan.errors import ConfigError
from petarawan.io.toml import TOML_LIMITS, parse_toml, toml_shape
from petarawan.registry import load_config
from studyfix import CONFIG


def _config(study, old: str, new: str) -> None:
    path = study / "petarawan.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error(study) -> ConfigError:
    with pytest.raises(ConfigError) as exc:
        load_config(study)
    return exc.value


@pytest.mark.parametrize("written, shown", [("inf", "inf"), ("-inf", "-inf"), ("nan", "nan"), ('"inf"', "'inf'"),
                                            ('"NaN"', "'NaN'")])
def test_a_weight_that_is_not_finite_is_refused_naming_key_and_value(study, written, shown):
    _config(study, 'code = "x2"\nlabel_id = "Fasilitas"\ndimension = "s"\ndirection = -1\nweight = 3',
            f'code = "x2"\nlabel_id = "Fasilitas"\ndimension = "s"\ndirection = -1\nweight = {written}')
    err = _error(study)
    assert f"indicators[x2].weight: harus angka terhingga (bukan inf atau nan) (nilai: {shown}" in err.text("id")
    assert f"indicators[x2].weight: must be a finite number (not inf or nan) (value: {shown}" in err.text("en")


def test_every_section_is_checked_also_stage_sections_and_dimensions(study):
    _config(study, 'label_id = "Permintaan"\nweight = 1', 'label_id = "Permintaan"\nweight = +inf')
    (study / "petarawan.toml").write_text((study / "petarawan.toml").read_text() + "\n[hotspots]\nindicator = \"x1\"\n"
                                          "[hotspots.weights]\nsnap_tolerance = nan\n", encoding="utf-8")
    lines = [ln for ln in _error(study).text("en").splitlines() if "finite" in ln]
    assert [ln.split(":")[0].strip(" -") for ln in lines] == ["dimensions[d].weight", "hotspots.weights.snap_tolerance"]


def test_deeply_nested_arrays_and_inline_tables_are_a_clear_error():
    for text in ("x = " + "[" * 5000 + "]" * 5000, "x = " + "{a = " * 3000 + "1" + "}" * 3000):
        with pytest.raises(ConfigError) as exc:
            parse_toml(text, "petarawan.toml")
        assert exc.value.text("en") == ("petarawan.toml: lists/tables nested 5,000 levels deep, over the limit of 32"
                                        if text.startswith("x = [") else
                                        "petarawan.toml: lists/tables nested 3,000 levels deep, over the limit of 32")
    assert parse_toml("x = " + "[" * 32 + "]" * 32, "t")["x"]  # at the cap: read


def test_a_dotted_key_of_thousands_of_parts_is_refused_before_parsing():
    text = "\n".join(".".join(["a"] * 2000) + f".x{i} = 1" for i in range(60))  # tomllib alone: ~10 s
    with pytest.raises(ConfigError) as exc:
        parse_toml(text, "p.toml")
    assert exc.value.text("id") == "p.toml: kunci bertitik dengan 2.001 bagian, melebihi batas 32"


@pytest.mark.parametrize("text, shape", [
    ("a = 1", (0, 1)), ("a.b.c = [[1, 2], [3]]", (2, 3)), ('[x.y]\nz = {a.b = 1, c = [1]}', (2, 2)),
    ('a = "[[[[....." # [[[[ a.b.c.d\n', (0, 1)), ('[[indicators]]\ncode = "x"\nw = 0.5\n', (0, 1)),
    ('a = """\nx.y.z [[[\n"""\n', (0, 1)), ("x = [\n 1.5,\n 2.5,\n]\n[t]\n", (1, 1)), ("'a.b'.c = 1", (0, 2)),
    ("[a.b.c]\n[[d.e]]\n", (0, 3)), ('a = "x\\"[[.y"\n', (0, 1))])
def test_toml_shape_skips_strings_and_comments(text, shape):
    assert toml_shape(text) == shape


def test_the_example_configuration_is_within_the_caps():
    assert toml_shape(CONFIG) == (0, 1)


def test_a_huge_or_non_utf8_file_is_refused_by_name(study):
    path = study / "petarawan.toml"
    path.write_bytes(CONFIG.encode() + b"#" * TOML_LIMITS.max_bytes)
    size = path.stat().st_size
    assert f"the file has {size:,} bytes, over the limit of 1,048,576" in _error(study).text("en")
    path.write_bytes(b'[study]\nname = "Kota \xe9"\n')  # 8 + 13 bytes, then é in Latin-1
    assert _error(study).text("en").endswith("petarawan.toml: not UTF-8 text (byte 22); save the file as UTF-8")


def test_a_byte_order_mark_is_accepted(study):
    (study / "petarawan.toml").write_bytes(b"\xef\xbb\xbf" + CONFIG.encode())
    assert load_config(study).study.name == "Uji"


def test_config_errors_follow_the_language(study, monkeypatch):
    monkeypatch.delenv("PETARAWAN_LANG", raising=False)
    _config(study, 'label_id = "Permintaan"\nweight = 1', 'label_id = "Permintaan"\nweight = inf')
    runner = CliRunner()
    en = runner.invoke(app, ["validate", str(study), "--lang", "en"])
    assert en.exit_code == 1 and "dimensions[d].weight: must be a finite number" in en.output
    assert "konfigurasi" not in en.output and "harus" not in en.output
    ind = runner.invoke(app, ["validate", str(study)])
    assert ind.exit_code == 1 and "dimensions[d].weight: harus angka terhingga" in ind.output
    assert "invalid" not in ind.output and "must" not in ind.output
    # the study says English: its own (invalid) configuration is reported in English
    _config(study, 'name = "Uji"', 'name = "Uji"\nlang = "en"')
    assert "must be a finite number" in runner.invoke(app, ["validate", str(study)]).output
    monkeypatch.setenv("PETARAWAN_LANG", "id")
    assert "harus angka terhingga" in runner.invoke(app, ["validate", str(study)]).output


def test_a_worst_case_nesting_is_refused_not_a_recursion_error(study):
    (study / "petarawan.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested 100,000 levels" in _error(study).text("en")


@pytest.mark.parametrize("seed, problem", [(-1, "must be ≥ 0"), (2**32, "must be ≤ 4294967295")])
def test_a_seed_numpy_cannot_take_is_a_config_error_not_an_internal_error(study, seed, problem):
    _config(study, 'name = "Uji"', f'name = "Uji"\nseed = {seed}')
    assert f"study.seed: {problem} (value: {seed})" in _error(study).text("en")
