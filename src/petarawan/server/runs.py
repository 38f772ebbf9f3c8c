"""The background worker: runs the pipeline on a round's current version, one run at a time.

A run executes in a child process (``python -m petarawan.server.runs``) so that a long
computation does not slow the web process; the child writes its progress, findings and outcome
into the ``run`` row.  ``petarawan.pipeline.run`` writes the outputs atomically into
``runs/<id>/``; only a run that succeeds becomes the round's published run, so a failed run leaves
the last good one published.  Every run's folder is kept (``run.json`` is its manifest).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sqlalchemy import select

from ..errors import ConfigError, Finding, InputError
from .db import Round, Run, make_engine, now, sessions
from .child import lower_priority
from .files import Layout
from ..i18n import Msg


def execute(engine, layout: Layout, run_id: int, study_id: int | None = None) -> str:
    """Run ``run_id`` to its end and record the outcome; returns the final status."""
    from ..pipeline import run as run_pipeline

    Session = sessions(engine)
    with Session() as db:
        run = db.get(Run, run_id)
        rnd = db.get(Round, run.round_id)
        study_dir = layout.version(rnd.study_id, rnd.year, run.version)
        run.status, run.started, run.progress = "running", now(), []
        db.commit()

    def progress(msg: str) -> None:
        with Session() as db:
            row = db.get(Run, run_id)
            row.progress = [*row.progress, msg]
            db.commit()

    status, findings, counts = "failed", [], {}
    try:
        res = run_pipeline(study_dir, layout.run(run_id), progress=progress)
        status, counts = "succeeded", res.class_counts()
        findings = [f.to_dict() for f in res.findings if f.level != "info"]
    except InputError as err:
        findings = [f.to_dict() for f in err.findings]
    except ConfigError as err:
        findings = [Finding("error", "config", err.msg, file="petarawan.toml").to_dict()]
    except Exception as err:  # noqa: BLE001 - a run must end with a recorded status, never a hang
        findings = [Finding("error", "internal", Msg("f.internal", kind=type(err).__name__)).to_dict()]
    with Session() as db:
        row = db.get(Run, run_id)
        row.status, row.findings, row.class_counts, row.finished = status, findings, counts, now()
        if status == "succeeded":
            rnd = db.get(Round, row.round_id)
            if rnd.published_run_id is None or rnd.published_run_id < row.id:
                rnd.published_run_id = row.id
        db.commit()
    return status


def worker_log(root: Path, run_id: int, stderr: str | None) -> str | None:
    """Keep a crashed worker's standard error as ``logs/run-<id>.log`` under the data folder
    (never served; it may hold values from the data) and return that relative path for the run's
    finding, or ``None`` when the worker printed nothing.  Tester finding 24: the error that made
    every later run crash was discarded, so the page said only "worker_crashed"."""
    if not stderr or not stderr.strip():
        return None
    from ..io.atomic import replace_bytes

    path = Path(root) / "logs" / f"run-{int(run_id)}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_bytes(path, stderr[-200_000:].encode("utf-8", "replace"), mode=0o600)
    return path.relative_to(root).as_posix()


class Worker:
    """Runs queued runs one at a time, in a child process (``mode="process"``) or in a thread of
    this process (``mode="thread"``, used by tests)."""

    def __init__(self, engine, layout: Layout, url: str, mode: str = "process", published=None):
        """``published(run_id)`` is called (in the worker thread) after a run succeeded: the web
        application loads the new run's outputs there, before readers ask for them."""
        self.engine, self.layout, self.url, self.mode = engine, layout, url, mode
        self.published = published
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="petarawan-run")
        self.idle = threading.Event()
        self.idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def recover(self) -> None:
        """After a restart: a run left ``running`` failed with the server; queued ones go on."""
        Session = sessions(self.engine)
        with Session() as db:
            for row in db.execute(select(Run).where(Run.status.in_(("running", "queued")))).scalars():
                if row.status == "running":
                    row.status, row.finished = "failed", now()
                    row.findings = [Finding("error", "interrupted", Msg("f.interrupted")).to_dict()]
                else:
                    self.submit(row.id)
            db.commit()

    def submit(self, run_id: int) -> None:
        with self._lock:
            self._pending += 1
            self.idle.clear()
        self.pool.submit(self._one, run_id)

    def _one(self, run_id: int) -> None:
        try:
            if self.mode == "thread":
                execute(self.engine, self.layout, run_id)
            else:
                proc = subprocess.run([sys.executable, "-m", "petarawan.server.runs", "--db", self.url,
                                       "--data", str(self.layout.root), str(run_id)],
                                      stdin=subprocess.DEVNULL, capture_output=True, text=True)
                if proc.returncode != 0:
                    self._mark_crashed(run_id, worker_log(self.layout.root, run_id, proc.stderr))
            if self.published is not None and self._status(run_id) == "succeeded":
                try:
                    self.published(run_id)
                except Exception:  # noqa: BLE001 - readers then load it themselves and see the error
                    pass
        except Exception:  # noqa: BLE001
            self._mark_crashed(run_id)
        finally:
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self.idle.set()

    def _status(self, run_id: int) -> str | None:
        with sessions(self.engine)() as db:
            row = db.get(Run, run_id)
            return None if row is None else row.status

    def _mark_crashed(self, run_id: int, log: str | None = None) -> None:
        msg = Msg("f.worker_crashed.log", log=log) if log else Msg("f.worker_crashed")
        with sessions(self.engine)() as db:
            row = db.get(Run, run_id)
            if row is not None and row.status in ("queued", "running"):
                row.status, row.finished = "failed", now()
                row.findings = [Finding("error", "worker_crashed", msg).to_dict()]
                db.commit()

    def _checker(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                import multiprocessing

                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=lower_priority)
                from .files import warm_up

                self._pool.submit(warm_up)
            return self._pool

    def start_checker(self) -> None:
        """Start the checker process now (``mode="process"``): imports take seconds, the first
        upload should not wait for them."""
        if self.mode == "process":
            self._checker()

    def validate(self, staged: Path, lang: str) -> list[dict]:
        """The findings (as dicts) of :func:`petarawan.server.files.validate_folder` on ``staged``:
        in the checker process, a lower-priority child kept warm (``mode="process"``; the pandas
        work then never holds the web process's interpreter lock), or in this thread
        (``mode="thread"``)."""
        from .files import check_folder

        if self.mode == "thread":
            return check_folder(str(staged), lang)
        try:
            return self._checker().submit(check_folder, str(staged), lang).result()
        except BrokenProcessPool:  # the checker died (memory?): a new one next time
            with self._lock:
                self._pool = None
            return [Finding("error", "internal", Msg("f.check_stopped")).to_dict()]

    def wait(self, timeout: float | None = None) -> bool:
        return self.idle.wait(timeout)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m petarawan.server.runs", description="run one queued petarawan run")
    p.add_argument("--db", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("run_id", type=int)
    a = p.parse_args(argv)
    lower_priority()
    engine = make_engine(a.db)
    status = execute(engine, Layout(Path(a.data)), a.run_id)
    engine.dispose()
    return 0 if status in ("succeeded", "failed") else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
