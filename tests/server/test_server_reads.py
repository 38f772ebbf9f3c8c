"""The server's reads under load: one load per newly published run, upload checks off the web
process (issue #11's bench: p95 ≤ 100 ms for reads during an upload and a run)."""

from __future__ import annotations


def test_a_run_not_in_memory_is_loaded_once_however_many_readers_ask(monkeypatch, tmp_path):
    """50 readers of a newly published run: one GeoPackage read, not 50 (the stampede that once
    stalled the event loop into an httpx.ReadTimeout)."""
    import threading
    import time

    from petarawan.server import views

    made = []

    class Slow:
        def __init__(self, out_dir):
            made.append(out_dir)
            time.sleep(0.2)

    monkeypatch.setattr(views, "LoadedRun", Slow)
    cache = views.RunCache()
    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get(tmp_path / "runs" / "7"))) for _ in range(50)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(made) == 1 and len(got) == 50 and len({id(g) for g in got}) == 1


def test_upload_check_in_a_lower_priority_child_process(tmp_path):
    """Process mode: the check runs in the checker process (spawned, niceness 10) and its findings
    come back as dicts (a folder without petarawan.toml → an error naming it)."""
    import os
    import subprocess
    import sys

    from petarawan.server.child import BACKGROUND_NICE
    from petarawan.server.runs import Worker

    w = Worker(None, None, "sqlite://", mode="process")
    try:
        found = w.validate(tmp_path, "en")
        pid_nice = w._checker().submit(os.nice, 0).result()
    finally:
        w.shutdown()
    assert pid_nice == max(BACKGROUND_NICE, os.nice(0))
    assert found and found[0]["level"] == "error" and "petarawan.toml" in (found[0]["file"] or found[0]["message_en"])
    nice = subprocess.run([sys.executable, "-c", "import os; from petarawan.server.child import lower_priority; "
                           "lower_priority(); print(os.nice(0))"], capture_output=True, text=True, check=True).stdout
    assert int(nice) == max(BACKGROUND_NICE, os.nice(0))
