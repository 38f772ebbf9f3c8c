"""A crashed run worker keeps its error for the administrator (tester finding 24: the child's
standard error was discarded, so every later failed run said only "worker_crashed")."""

from __future__ import annotations

import os
import stat

from sqlalchemy import text

from petarawan.server.db import Run, make_engine, migrate, sessions
from petarawan.server.files import Layout
from petarawan.server.runs import Worker, worker_log


def test_a_crashing_child_leaves_its_log_and_names_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'office.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    with sessions(engine)() as db:               # a queued run; its child gets a database it cannot open
        db.execute(text("PRAGMA foreign_keys=OFF"))
        db.add(Run(id=7, round_id=999, version=1, status="queued", username="rina"))
        db.commit()
    worker = Worker(engine, Layout(tmp_path / "data"), f"sqlite:///{tmp_path / 'no' / 'such' / 'x.sqlite'}", mode="process")
    worker.submit(7)
    assert worker.idle.wait(120)
    worker.shutdown()
    with sessions(engine)() as db:
        row = db.get(Run, 7)
        assert row.status == "failed"
        finding = row.findings[0]
    log = tmp_path / "data" / "logs" / "run-7.log"
    assert finding["code"] == "worker_crashed" and "logs/run-7.log" in str(finding)
    assert "Traceback" in log.read_text(encoding="utf-8")          # the child's own error, kept
    if os.name == "posix":
        assert stat.S_IMODE(log.stat().st_mode) == 0o600           # may hold data values: owner only


def test_nothing_printed_means_no_log(tmp_path):
    assert worker_log(tmp_path, 3, "  \n") is None and not (tmp_path / "logs").exists()
