"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from petarawan.cli import app
from studyfix import CODES, boundary_geojson, write_csv

runner = CliRunner()


def invoke(*args):
    res = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in res.output
    return res


def _commands(cmd=None, path=()):
    """Every leaf command of the CLI as its word path, e.g. ("track", "add"), read from the app."""
    import typer

    cmd = typer.main.get_command(app) if cmd is None else cmd
    if not hasattr(cmd, "commands"):
        return [path]
    return [p for name, sub in cmd.commands.items() for p in _commands(sub, path + (name,))]


def test_the_command_list_is_the_documented_one():
    """The README's command table names these; a new command must be added here (and get help)."""
    assert sorted(_commands()) == sorted([
        ("run",), ("validate",), ("init",), ("form",), ("serve",), ("replay",),
        ("track", "add"), ("track", "list"), ("track", "adopt"), ("track", "snapshot"),
        ("ikrn", "form"), ("ikrn", "status"), ("ikrn", "pull"), ("server", "init"), ("server", "run"),
    ])


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
@pytest.mark.parametrize("lang,example_word", [("id", "Contoh:"), ("en", "Example:")])
def test_every_command_has_help_with_example(path, lang, example_word, monkeypatch):
    """Each command's --help works, in the reader's language, and shows an example that calls that
    very command."""
    monkeypatch.setenv("PETARAWAN_LANG", lang)
    res = runner.invoke(app, [*path, "--help"], terminal_width=200)
    assert res.exit_code == 0, res.output
    example = res.output[res.output.index(example_word):].split()
    assert example[1:2 + len(path)] == ["petarawan", *path]


def test_every_command_and_option_has_help_in_both_languages():
    """Help comes from the catalogue (help.<command>, help.<command>.<option>), never a pasted "id / en" pair."""
    import typer

    from petarawan.cli_help import commands, help_keys
    from petarawan.i18n import catalogue

    root = typer.main.get_command(app)
    keys = help_keys(root)
    assert len(keys) > 60 and {"help.app", "help.run.out", "help.track.add.not_exposed"} <= set(keys)
    for lang in ("id", "en"):
        missing = [k for k in keys if k not in catalogue(lang)]
        assert missing == [], lang
        pasted = [k for k in keys if " / " in catalogue(lang)[k] and "returned / expected" not in catalogue(lang)[k]
                  and "kembali / diharapkan" not in catalogue(lang)[k]]
        assert pasted == [], lang
    assert [p for p, _ in commands(root)][:2] == ["app", "run"]


@pytest.mark.parametrize("how", ["flag", "env", "study"])
def test_help_follows_the_readers_language(how, monkeypatch, study):
    """--lang, else PETARAWAN_LANG, else the study's [study] lang: typer/click's own words too."""
    monkeypatch.delenv("PETARAWAN_LANG", raising=False)
    if how == "flag":
        args = ["run", "--lang", "en", "--help"]
    elif how == "env":
        monkeypatch.setenv("PETARAWAN_LANG", "en")
        args = ["run", "--help"]
    else:
        toml = (study / "petarawan.toml").read_text(encoding="utf-8")
        (study / "petarawan.toml").write_text(toml.replace("[study]\n", '[study]\nlang = "en"\n', 1), encoding="utf-8")
        args = ["validate", str(study), "--help"]
    en = runner.invoke(app, args, terminal_width=200).output
    assert "Usage:" in en and "Options" in en and "Show this message and exit." in en
    assert "Penggunaan" not in en and "Folder keluaran" not in en and "Folder studi" not in en
    monkeypatch.delenv("PETARAWAN_LANG", raising=False)
    id_args = [a for a in args if a not in ("--lang", "en")]
    if how == "study":
        (study / "petarawan.toml").write_text(toml, encoding="utf-8")
    ind = runner.invoke(app, id_args, terminal_width=200).output
    assert "Penggunaan:" in ind and "Opsi" in ind and "Tampilkan pesan ini lalu keluar." in ind
    assert "Usage:" not in ind and "Show this message" not in ind and " / " not in ind


def test_a_configuration_error_is_shown_in_the_readers_language(study):
    (study / "petarawan.toml").write_text("[study\nname = 1\n", encoding="utf-8")  # not TOML
    en = invoke("validate", study, "--lang", "en").output
    ind = invoke("validate", study, "--lang", "id").output
    assert "invalid TOML" in en and "TOML tidak valid" not in en
    assert "TOML tidak valid" in ind and "invalid TOML" not in ind


@pytest.mark.parametrize("group", ["track", "ikrn", "server"])
def test_command_groups_list_their_commands(group):
    res = invoke(group, "--help")
    assert res.exit_code == 0
    assert all(name in res.output for g, *rest in _commands() if g == group for name in rest)


def test_validate_ok(study):
    res = invoke("validate", study)
    assert res.exit_code == 0, res.output
    assert "Tidak ada kesalahan: 4 wilayah, 3 indikator, 4 wilayah dapat diberi skor." in res.output
    assert "hanya 4 wilayah diberi skor" in res.output  # the few-areas warning


def test_validate_runs_the_index_too(study):
    # every indicator cell empty: the table validates, but no area can be scored — validate must say so
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"], [[c, None, None, None] for c in CODES])
    res = invoke("validate", study)
    assert res.exit_code == 1, res.output
    assert "Tidak ada kesalahan" not in res.output


def test_validate_lists_every_error_and_exits_1(study):
    write_csv(study / "data.csv", ["kode", "x1", "x2", "x3"],
              [[CODES[0], "abc", 4, 1], [CODES[1], 5, 2, 3], [CODES[2], -3, 0, 5], ["19.71.99.9999", 1, 1, 1]])
    res = invoke("validate", study, "--lang", "en")
    assert res.exit_code == 1
    assert "3 error(s) found" in res.output
    assert "[ERROR] data.csv, row 2, column 'x1': value is not a valid number (value: 'abc')" in res.output
    assert "[ERROR] data.csv, row 4, column 'x1': negative value for an indicator that cannot be negative (value: '-3')" in res.output
    assert "19.71.99.9999" in res.output


def test_bad_config_exits_1_naming_key(study):
    (study / "petarawan.toml").write_text((study / "petarawan.toml").read_text() + "\n[bogus]\nx = 1\n")
    res = invoke("validate", study)
    assert res.exit_code == 1 and "bogus" in res.output


def test_missing_study_folder(tmp_path):
    res = invoke("run", tmp_path / "nope", "--out", tmp_path / "o")
    assert res.exit_code == 1 and "petarawan init" in res.output


def test_run_writes_outputs(study, tmp_path):
    res = invoke("run", study, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "report.html").exists()
    assert json.loads((tmp_path / "out" / "run.json").read_text())["n_areas"] == 4


def test_internal_error_is_a_message_not_a_traceback(study, tmp_path, monkeypatch):
    import petarawan.index.stage as index_stage

    monkeypatch.setattr(index_stage, "build_index", lambda *a, **k: 1 / 0)
    res = invoke("run", study, "--out", tmp_path / "out")
    assert res.exit_code == 2 and "ZeroDivisionError" in res.output


def test_init_then_validate_then_run(tmp_path):
    areas = tmp_path / "kel.geojson"
    areas.write_text(json.dumps(boundary_geojson()), encoding="utf-8")
    d = tmp_path / "baru"
    res = invoke("init", d, "--areas", areas)
    assert res.exit_code == 0, res.output
    assert {p.name for p in d.iterdir()} == {"petarawan.toml", "indikator.csv", "batas_wilayah.gpkg", "README.md"}
    lines = (d / "indikator.csv").read_text().splitlines()
    assert lines[0].startswith("kode,nama,penduduk,kasus_narkoba") and lines[1].startswith("19.71.01.1001,Alfa,,")
    # the empty template is a valid configuration, but no area has data yet: validate says exactly that
    res = invoke("validate", d)
    assert res.exit_code == 1
    assert "tidak ada wilayah yang dapat diberi skor" in res.output
    assert invoke("init", d).exit_code == 1  # refuses to overwrite
