"""Case track-corrupt-sqlite and its neighbours: a damaged, empty, foreign or locked tracking store
(STUDY/petarawan.sqlite) is a finding naming the file and what to do — never a traceback, never
silently re-created — and a full run with [plan] still writes its outputs."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from petarawan.cli import app
from petarawan.errors import InputError
from petarawan.track import TrackStore, store_path

from potential_study import make_study

HERE = Path(__file__).parent
ADD = ["--activity", "monev", "--date", "2026-06-05", "--area", "19.71.01.1008", "--not-exposed", "4"]


def _random_bytes(p: Path) -> None:
    p.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))


def _foreign_db(p: Path) -> None:
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE pelanggan (nama TEXT, telepon TEXT)")
    con.commit()
    con.close()


def _old_schema(p: Path) -> None:  # our table names, but a column is missing
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE activity (id INTEGER PRIMARY KEY, area TEXT, activity TEXT)")
    con.commit()
    con.close()


DAMAGED = {
    "truncated": lambda p: shutil.copy(HERE / "truncated.sqlite", p),
    "header_only": lambda p: shutil.copy(HERE / "header_only.sqlite", p),
    "random_bytes": _random_bytes,
    "zero_bytes": lambda p: p.write_bytes(b""),
    "text_file": lambda p: p.write_text("kode,kegiatan\n19.71.01.1008,monev\n"),
    "other_program_db": _foreign_db,
    "missing_column": _old_schema,
}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return make_study(tmp_path_factory.mktemp("track") / "study")


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_damaged_store_is_a_finding_in_every_command(study, kind):
    path = store_path(study)
    DAMAGED[kind](path)
    before = path.read_bytes()
    runner = CliRunner()
    for cmd in (["track", "list", str(study)], ["track", "add", str(study), *ADD]):
        r = runner.invoke(app, cmd)
        assert r.exit_code == 1, (kind, cmd, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
        assert "Traceback" not in r.output and "SELECT" not in r.output and "sqlalchemy" not in r.output.lower()
        assert str(path) in r.output and "rusak" in r.output and "cadangan" in r.output  # Indonesian by default
        en = runner.invoke(app, cmd, env={"PETARAWAN_LANG": "en"}).output  # the reader's language
        assert str(path) in en and "damaged" in en and "backup" in en and "rusak" not in en
    assert path.read_bytes() == before  # 'add' neither re-created nor touched it (zero bytes stays zero bytes)
    path.unlink()


def test_good_store_of_the_case_still_reads(study):
    shutil.copy(HERE / "good.sqlite", store_path(study))
    con = sqlite3.connect(HERE / "good.sqlite")
    n = con.execute("SELECT count(*) FROM activity").fetchone()[0]
    con.close()
    r = CliRunner().invoke(app, ["track", "list", str(study)])
    assert r.exit_code == 0 and len(r.output.strip().splitlines()) == 1 + n
    r = CliRunner().invoke(app, ["track", "add", str(study), *ADD])
    assert r.exit_code == 0, r.output
    with TrackStore(store_path(study), read_only=True) as s:
        assert len(s.activities()) == n + 1
    store_path(study).unlink()


def test_missing_store_is_created_by_add_only(study):
    r = CliRunner().invoke(app, ["track", "list", str(study)])
    assert r.exit_code == 1 and "tidak ada" in r.output and not store_path(study).exists()
    r = CliRunner().invoke(app, ["track", "add", str(study), *ADD])
    assert r.exit_code == 0 and store_path(study).stat().st_size > 0
    store_path(study).unlink()


def test_locked_store_says_which_program_to_close(tmp_path):
    path = tmp_path / "petarawan.sqlite"
    TrackStore(path).close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")  # e.g. DB Browser with unsaved changes
    try:
        for read_only in (False, True):
            with pytest.raises(InputError) as exc:
                with TrackStore(path, read_only=read_only, timeout=0.05) as s:
                    s.activities()
            f = exc.value.findings[0]
            assert f.code == "store_locked" and f.file == str(path) and "DB Browser" in f.expectation("en")
    finally:
        holder.rollback()
        holder.close()


def test_damage_found_later_is_a_finding_too(tmp_path):
    path = tmp_path / "petarawan.sqlite"
    with TrackStore(path) as s:
        s.add_activity("19.71.01.1008", "monev", "2026-06-05")
        # another program drops a table while petarawan has the store open
        con = sqlite3.connect(path)
        con.execute("DROP TABLE activity")
        con.commit()
        con.close()
        with pytest.raises(InputError) as exc:
            s.activities()
    assert exc.value.findings[0].code == "store_damaged" and "SELECT" not in str(exc.value)


def test_full_run_with_plan_and_a_damaged_store_writes_outputs_and_warns(tmp_path):
    study = make_study(tmp_path / "study")
    shutil.copy(HERE / "truncated.sqlite", store_path(study))
    r = CliRunner().invoke(app, ["run", str(study), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "internal error" not in r.output and "Traceback" not in r.output
    assert "the tracking store is damaged" in r.output and "plan vs actual and recovery are not shown" in r.output
    assert (tmp_path / "out" / "report.html").is_file()
    man = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    (f,) = [f for f in man["findings"] if f["code"] == "store_damaged"]
    assert f["level"] == "warning" and f["file"] == str(store_path(study))
    assert man["stages"]["plan"]["status"] == "optimal"
