"""Case crash-between-renames and its neighbours: a run killed at any moment of the output swap,
a killed run's temporary folders, two runs into one folder, a full disk while writing.

The case's own script (``crash_between_renames.py``, copied unchanged) SIGKILLs the process right
after the first rename of the swap (``OUT -> .OUT.old-*``), so ``OUT`` is missing.  Right: the
next run or ``serve`` of that folder puts the earlier results back, and leftovers are removed.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from petarawan import run
from petarawan.cli import app
from petarawan.errors import InputError
from petarawan.io import atomic, writers

HERE = Path(__file__).parent
SRC = Path(__file__).resolve().parents[3] / "src"
POSIX = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and POSIX modes")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _hidden(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def _python(script: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run([sys.executable, script, *args], env=e, capture_output=True, text=True, timeout=300)


@POSIX
def test_case_script_kill_between_renames_then_next_run_restores(study, tmp_path):
    out = tmp_path / "hasil"
    run(study, out)
    before = _snapshot(out)
    p = _python(str(HERE / "crash_between_renames.py"), str(out), env={"STUDY": str(study)})
    assert p.returncode == -signal.SIGKILL
    # the failure the case describes: OUT missing, earlier results parked, new ones in a temp folder
    assert not out.exists()
    left = _hidden(tmp_path, "hasil")  # (+ the killed run's lock file: its lock died with the process)
    assert [n.split("-")[0] for n in left] == [".hasil.lock", ".hasil.old", ".hasil.tmp"], left
    tmp = next(tmp_path.glob(".hasil.tmp-*"))
    assert stat.S_IMODE(tmp.stat().st_mode) == 0o700  # never world-readable while being written

    # the next start restores the earlier results exactly and removes the leftovers
    with atomic.output_lock(out):
        found = atomic.recover(out)
    assert _snapshot(out) == before
    assert _hidden(tmp_path, "hasil") == []
    assert [f.code for f in found] == ["out_restored", "out_leftovers_removed"]


@POSIX
def test_next_run_after_a_crash_succeeds_and_says_so(study, tmp_path):
    out = tmp_path / "hasil"
    run(study, out)
    assert _python(str(HERE / "crash_between_renames.py"), str(out), env={"STUDY": str(study)}).returncode == -9
    res = run(study, out)  # would fail or leave OUT missing before the fix
    assert res.findings[0].code == "out_restored"
    assert sorted(p.name for p in out.iterdir()) == ["map.png", "petarawan.gpkg", "petarawan.xlsx", "report.html", "run.json"]
    assert _hidden(tmp_path, "hasil") == []
    man = json.loads((out / "run.json").read_text())
    assert "out_restored" in [f["code"] for f in man["findings"]]


@POSIX
def test_serve_restores_a_folder_left_missing(study, tmp_path):
    from fastapi.testclient import TestClient

    from petarawan.dashboard import create_app

    out = tmp_path / "hasil"
    run(study, out)
    _python(str(HERE / "crash_between_renames.py"), str(out), env={"STUDY": str(study)})
    assert not out.exists()
    assert TestClient(create_app(out), base_url="http://127.0.0.1").get("/api/run").status_code == 200
    assert out.is_dir() and _hidden(tmp_path, "hasil") == []


KILL_IN = textwrap.dedent("""
    import os, signal, sys
    from petarawan.io import writers
    when = sys.argv[2]
    real_xlsx, real_replace = writers.WRITERS["xlsx"], os.replace
    def xlsx(*a, **k):
        real_xlsx(*a, **k)
        if when == "build":
            os.kill(os.getpid(), signal.SIGKILL)
    n = []
    def replace(src, dst):
        real_replace(src, dst)
        n.append(1)
        if when == "after_second" and len(n) == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    writers.WRITERS["xlsx"], os.replace = xlsx, replace
    from petarawan import run
    run(os.environ["STUDY"], sys.argv[1])
""")


@POSIX
@pytest.mark.parametrize("when", ["build", "after_second"])
def test_kill_at_other_moments(study, tmp_path, when):
    script = tmp_path / "kill.py"
    script.write_text(KILL_IN)
    out = tmp_path / "hasil"
    run(study, out)
    before = _snapshot(out)
    assert _python(str(script), str(out), when, env={"STUDY": str(study)}).returncode == -9
    if when == "build":  # killed while writing: earlier results untouched, a private temp folder left
        assert _snapshot(out) == before
        (tmp,) = tmp_path.glob(".hasil.tmp-*")
        assert stat.S_IMODE(tmp.stat().st_mode) == 0o700
    else:  # killed after the swap, before the old folder was removed: new results in place
        assert json.loads((out / "run.json").read_text())["created"] >= json.loads(before["run.json"])["created"]
        assert [n.split("-")[0] for n in _hidden(tmp_path, "hasil")] == [".hasil.lock", ".hasil.old"]
    run(study, out)  # the lock of the killed process is gone; leftovers are cleaned
    assert _hidden(tmp_path, "hasil") == []


def test_temporary_folder_is_private_while_written(study, tmp_path, monkeypatch):
    modes = []
    real = writers.WRITERS["xlsx"]

    def spy(sheets, path):
        modes.append(stat.S_IMODE(Path(path).parent.stat().st_mode))
        real(sheets, path)

    monkeypatch.setitem(writers.WRITERS, "xlsx", spy)
    run(study, tmp_path / "out")
    assert modes == [0o700] if os.name != "nt" else modes
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755 or os.name == "nt"


HOLD = textwrap.dedent("""
    import sys, time
    from petarawan.io.atomic import output_lock
    with output_lock(sys.argv[1]):
        print("locked", flush=True)
        time.sleep(60)
""")


def test_second_run_into_a_locked_folder_stops_at_once(study, tmp_path):
    script = tmp_path / "hold.py"
    script.write_text(HOLD)
    out = tmp_path / "hasil"
    holder = subprocess.Popen([sys.executable, str(script), str(out)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(SRC)})
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(InputError) as exc:
            run(study, out)
        f = exc.value.findings[0]
        assert f.code == "out_locked" and str(holder.pid) in f.text("id") and f.file == str(out.absolute())
        assert not out.exists() and _hidden(tmp_path, "hasil") == [".hasil.lock"]
    finally:
        holder.kill()
        holder.wait()
    run(study, out)  # the lock dies with its process
    assert (out / "run.json").is_file() and _hidden(tmp_path, "hasil") == []


def test_lock_is_reentrant_in_one_thread_and_exclusive_between_threads(tmp_path):
    out = tmp_path / "o"
    seen = []
    with atomic.output_lock(out):
        with atomic.output_lock(out):  # the pipeline holds it and atomic_dir takes it again
            pass

        def other():
            try:
                with atomic.output_lock(out):
                    seen.append("got it")
            except InputError as err:
                seen.append(err.findings[0].code)

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert seen == ["out_locked"]
    assert not (tmp_path / ".o.lock").exists()  # removed on release


def test_recover_never_follows_symlinks_or_touches_other_names(tmp_path):
    victim = tmp_path / "precious"
    victim.mkdir()
    (victim / "keep.txt").write_text("x")
    (tmp_path / ".hasil.tmp-evil").symlink_to(victim, target_is_directory=True)
    (tmp_path / ".hasil2.tmp-abc").mkdir()  # another output's temp folder
    (tmp_path / "hasil.tmp-abc").mkdir()  # not hidden: not ours
    assert atomic.recover(tmp_path / "hasil") == []
    assert (victim / "keep.txt").read_text() == "x"
    assert (tmp_path / ".hasil2.tmp-abc").is_dir() and (tmp_path / "hasil.tmp-abc").is_dir()


def test_an_incomplete_parked_folder_is_not_restored(tmp_path):
    (tmp_path / ".hasil.old-1").mkdir()  # no run.json: not a petarawan output
    found = atomic.recover(tmp_path / "hasil")
    assert not (tmp_path / "hasil").exists() and [f.code for f in found] == ["out_leftovers_removed"]


# -- a full disk and other file-system errors while writing ------------------------------------
@pytest.mark.parametrize("err, code", [
    (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
    (sqlite3.OperationalError("database or disk is full"), "disk_full"),  # the GeoPackage style table
    (OSError(errno.EACCES, "Permission denied"), "no_permission"),
    (OSError(errno.EIO, "Input/output error"), "os_error"),
])
def test_write_errors_are_findings_naming_the_file(study, tmp_path, monkeypatch, err, code):
    out = tmp_path / "out"
    run(study, out)
    before = _snapshot(out)

    def full(res, path):
        if isinstance(err, OSError):
            err.filename = str(path)
        raise err

    monkeypatch.setitem(writers.WRITERS, "gpkg", full)
    with pytest.raises(InputError) as exc:
        run(study, out)
    f = exc.value.findings[0]
    assert f.code == code
    assert f.file == str(out.absolute() / "petarawan.gpkg") if isinstance(err, OSError) else f.file == str(out.absolute())
    assert ".tmp-" not in f.render("en")  # the user's folder, not our hidden temporary one
    assert _snapshot(out) == before and _hidden(tmp_path, "out") == []


def test_cli_reports_a_full_disk_not_an_internal_error(study, tmp_path, monkeypatch):
    def full(sheets, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setitem(writers.WRITERS, "xlsx", full)
    r = CliRunner().invoke(app, ["run", str(study), "--out", str(tmp_path / "out"), "--lang", "en"])
    assert r.exit_code == 1, r.output
    assert "the disk is full" in r.output and "petarawan.xlsx" in r.output and "free space" in r.output
    assert "internal error" not in r.output and "Traceback" not in r.output


def test_cli_reports_other_os_errors_by_file(study, tmp_path, monkeypatch):
    import petarawan.validate as validate

    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", str(study / "data.csv"))

    monkeypatch.setattr(validate, "load_study", denied)
    monkeypatch.setattr("petarawan.pipeline.load_study", denied)
    r = CliRunner().invoke(app, ["run", str(study), "--out", str(tmp_path / "out"), "--lang", "id"])
    assert r.exit_code == 1
    assert "tidak ada izin" in r.output and "data.csv" in r.output and "internal" not in r.output.lower()
