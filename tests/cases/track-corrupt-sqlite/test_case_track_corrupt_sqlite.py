"""Case track-corrupt-sqlite and its neighbours: a damaged, empty, foreign or locked tracking store
(STUDY/petarawan.sqlite) is a finding naming the file and what to do — never a traceback, never
silently re-created — and a full run with [plan] still writes its outputs.

No database file is committed (lead decision): the case's good.sqlite, truncated.sqlite (its
first 5000 bytes) and header_only.sqlite (its first 100 bytes) are built here at test time from a
real store of 9 activities, and so is every other damage (each page cut off or zeroed)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from petarawan.cli import app
from petarawan.errors import InputError
from petarawan.track import TrackStore, store_path

from potential_study import make_study

ADD = ["--activity", "monev", "--date", "2026-06-05", "--area", "19.71.01.1008", "--not-exposed", "4"]


def _random_bytes(p: Path, good: bytes = b"") -> None:
    p.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))


def _foreign_db(p: Path, good: bytes = b"") -> None:
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE pelanggan (nama TEXT, telepon TEXT)")
    con.commit()
    con.close()


def _old_schema(p: Path, good: bytes = b"") -> None:  # our table names, but a column is missing
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE activity (id INTEGER PRIMARY KEY, area TEXT, activity TEXT)")
    con.commit()
    con.close()


N_GOOD = 9
"""Activities in the good store (as the case's good.sqlite)."""


def good_store(path: Path) -> Path:
    """A real tracking store of :data:`N_GOOD` activities, written by petarawan (the case's good.sqlite)."""
    with TrackStore(path) as s:
        for i in range(N_GOOD):
            s.add_activity("19.71.01.1008", "monev", "2026-06-05", not_exposed=4 + i)
    return path


@pytest.fixture(scope="module")
def good_bytes(tmp_path_factory) -> bytes:
    return good_store(tmp_path_factory.mktemp("good") / "petarawan.sqlite").read_bytes()


def _first(n: int):
    def cut(p: Path, good: bytes) -> None:
        p.write_bytes(good[:n])
    return cut


DAMAGED = {
    "truncated": _first(5000),  # the case's truncated.sqlite
    "header_only": _first(100),  # the case's header_only.sqlite: the 100-byte SQLite header alone
    "random_bytes": _random_bytes,
    "zero_bytes": lambda p, good: p.write_bytes(b""),
    "text_file": lambda p, good: p.write_text("kode,kegiatan\n19.71.01.1008,monev\n"),
    "magic_overwritten": lambda p, good: p.write_bytes(b"petarawan-backup" + good[16:]),
    "other_program_db": _foreign_db,
    "missing_column": _old_schema,
}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return make_study(tmp_path_factory.mktemp("track") / "study")


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_damaged_store_is_a_finding_in_every_command(study, good_bytes, kind):
    path = store_path(study)
    DAMAGED[kind](path, good_bytes)
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


def test_good_store_of_the_case_still_reads(study, good_bytes):
    store_path(study).write_bytes(good_bytes)
    con = sqlite3.connect(store_path(study))
    n = con.execute("SELECT count(*) FROM activity").fetchone()[0]
    con.close()
    assert n == N_GOOD
    r = CliRunner().invoke(app, ["track", "list", str(study)])
    assert r.exit_code == 0 and len(r.output.strip().splitlines()) == 1 + n
    r = CliRunner().invoke(app, ["track", "add", str(study), *ADD])
    assert r.exit_code == 0, r.output
    with TrackStore(store_path(study), read_only=True) as s:
        assert len(s.activities()) == n + 1
    store_path(study).unlink()


def test_every_page_cut_off_or_zeroed_is_a_finding(tmp_path, good_bytes):
    """The whole kind, not three files: the good store cut at every page boundary and in the
    middle of every page, and each page overwritten with zeros, is ``store_damaged`` on open
    (read-only and read-write), naming the file — and the file is left as it was."""
    page = int.from_bytes(good_bytes[16:18], "big")  # the page size, SQLite file format §1.3.2
    n_pages = len(good_bytes) // page
    assert n_pages >= 4 and len(good_bytes) == n_pages * page  # header, schema, 3 tables' pages
    damaged = {f"cut_at_{k * page}": good_bytes[:k * page] for k in range(1, n_pages)}
    damaged |= {f"cut_at_{k * page + page // 2}": good_bytes[:k * page + page // 2] for k in range(n_pages - 1)}
    for k in range(n_pages):
        z = bytearray(good_bytes)
        z[k * page:(k + 1) * page] = bytes(page)
        if k == 0:
            z[:16] = good_bytes[:16]  # keep the magic: a zeroed header page that still says "SQLite"
        damaged[f"page_{k + 1}_zeroed"] = bytes(z)
    path = tmp_path / "petarawan.sqlite"
    for name, data in damaged.items():
        for read_only in (True, False):
            path.write_bytes(data)
            with pytest.raises(InputError) as exc:
                with TrackStore(path, read_only=read_only, timeout=0.05) as s:
                    s.activities()
            (f,) = exc.value.findings
            assert (f.code, f.file) == ("store_damaged", str(path)), (name, read_only, f)
            assert path.read_bytes() == data, name  # never repaired or re-created behind the user's back
    # the control: the same bytes undamaged read back every activity
    path.write_bytes(good_bytes)
    with TrackStore(path, read_only=True) as s:
        assert sorted(s.activities()["not_exposed"]) == [4 + i for i in range(N_GOOD)]


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


def test_full_run_with_plan_and_a_damaged_store_writes_outputs_and_warns(tmp_path, good_bytes):
    study = make_study(tmp_path / "study")
    DAMAGED["truncated"](store_path(study), good_bytes)
    r = CliRunner().invoke(app, ["run", str(study), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "internal error" not in r.output and "Traceback" not in r.output
    assert "the tracking store is damaged" in r.output and "plan vs actual and recovery are not shown" in r.output
    assert (tmp_path / "out" / "report.html").is_file()
    man = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    (f,) = [f for f in man["findings"] if f["code"] == "store_damaged"]
    assert f["level"] == "warning" and f["file"] == str(store_path(study))
    assert man["stages"]["plan"]["status"] == "optimal"
