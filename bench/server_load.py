"""Load bench of the office server: 50 concurrent users on loopback read the class map and area
profiles while an analyst uploads a table (validation preview) and a full run of the
Pangkalpinang example proceeds in the background worker.

    .venv/bin/python bench/server_load.py [--users 50] [--think 0.5] [--min-seconds 20]

Setup: ``server init``, ``server run`` in a child process, one study with the example uploaded as
a zipped study folder and run once, ``--users`` viewer accounts, each signed in (a login is a
deliberately slow argon2 check, so sign-ins happen before the measurement, as in an office
where people are already at work).  Each user then loops: the map of the published round, then
one area's profile, with a think time drawn uniformly from [0, 2·think] s between requests.
Reads are timed from request to the last byte.  Three phases, each at least ``--min-seconds``:

``idle``
    reads only: the server's own cost under this machine's load;
``paused``
    a run is started and its worker process stopped (SIGSTOP) while the reads go on: what the
    run costs besides its CPU (database writes, locks, the GIL if it were in-process);
``busy``
    the target: an upload with its validation preview is accepted and a full run proceeds.

Target: p95 ≤ 100 ms for reads in ``busy``.  Each phase line also gives the machine's load
average (``uptime``; the bench machine may be shared) and the CPU seconds spent by the web
process (``server``), by its background processes (``background``: runs and upload checks, at
lower priority) and by this client (``client``; ``server`` / ``requests`` is the server's cost
per read, which does not depend on the machine's load).  The server is started in its own
session, as a service is: on Linux with autogroup scheduling the bench client (standing in for
50 browsers on other machines) then does not share the server's CPU share.  Last line: a JSON
object ``{"users", "requests", "p95_ms", "errors"}`` of the ``busy`` phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pangkalpinang"
PASSWORD = "bench password long"
YEAR = 2025


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(c: httpx.Client, user: str) -> str:
    r = c.post("/api/login", json={"username": user, "password": PASSWORD})
    r.raise_for_status()
    return r.json()["csrf"]


def study_zip() -> bytes:
    """The example study folder as a zip (sub-folders kept)."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(EXAMPLE.rglob("*")):
            if p.is_file():
                zf.write(p, "pangkalpinang/" + p.relative_to(EXAMPLE).as_posix())
    return buf.getvalue()


def wait_run(c: httpx.Client, sid: int, rid: int) -> str:
    while (status := c.get(f"/api/studies/{sid}/runs/{rid}").json()["status"]) in ("queued", "running"):
        time.sleep(0.5)
    return status


def setup(url: str, users: int) -> tuple[int, list[httpx.Cookies], list[str]]:
    """A study with one published run of the full example; ``users`` signed-in viewers."""
    c = httpx.Client(base_url=url, timeout=300)
    c.headers["X-CSRF-Token"] = _login(c, "admin")
    sid = c.post("/api/studies", json={"name": "Kota Pangkalpinang", "region": "19.71"}).json()["id"]
    c.post(f"/api/studies/{sid}/rounds", json={"year": YEAR})
    up = c.post(f"/api/studies/{sid}/rounds/{YEAR}/uploads", data={"kind": "config"},
                files=[("file", ("pangkalpinang.zip", study_zip()))]).json()
    assert up["n_errors"] == 0, up["findings"][:3]
    c.post(f"/api/studies/{sid}/rounds/{YEAR}/uploads/{up['id']}/accept").raise_for_status()
    run = c.post(f"/api/studies/{sid}/rounds/{YEAR}/runs").json()
    assert wait_run(c, sid, run["id"]) == "succeeded"
    jars = []
    for i in range(users):
        name = f"viewer{i:02d}"
        c.post("/api/users", json={"username": name, "password": PASSWORD, "role": "viewer"}).raise_for_status()
        with httpx.Client(base_url=url, timeout=300) as v:
            _login(v, name)
            jars.append(httpx.Cookies(v.cookies))
    geo = c.get(f"/api/studies/{sid}/rounds/{YEAR}/map").json()
    return sid, jars, [f["properties"]["code"] for f in geo["features"]]


async def reader(url: str, jar: httpx.Cookies, sid: int, codes: list[str], stop: asyncio.Event, times: list[tuple[float, float]],
                 errors: list[str], think: float) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60, cookies=jar) as c:
        while not stop.is_set():
            for p in (f"/api/studies/{sid}/rounds/{YEAR}/map",
                      f"/api/studies/{sid}/rounds/{YEAR}/areas/{random.choice(codes)}"):
                t0 = time.perf_counter()
                try:
                    resp = await c.get(p)
                    await resp.aread()
                    if resp.status_code != 200:
                        errors.append(f"{p} {resp.status_code}")
                except httpx.HTTPError as err:
                    errors.append(f"{p} {type(err).__name__}")
                times.append((t0, time.perf_counter() - t0))
                await asyncio.sleep(random.uniform(0, 2 * think))


def _children(pid: int) -> list[int]:
    """Child processes of ``pid`` (started by any of its threads)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def writer(url: str, sid: int, server_pid: int, pause: float | None) -> tuple[float, tuple[float, float] | None]:
    """Upload the table again (validation preview), accept it, run; with ``pause`` the run's
    worker process is stopped for ``pause`` seconds once it started.  Returns seconds taken and
    the (start, end) of the pause."""
    t0 = time.perf_counter()
    window = None
    c = httpx.Client(base_url=url, timeout=300)
    c.headers["X-CSRF-Token"] = _login(c, "admin")
    if pause is None:
        table = EXAMPLE / "indikator_ILUSTRATIF.csv"
        up = c.post(f"/api/studies/{sid}/rounds/{YEAR}/uploads", data={"kind": "table"},
                    files=[("file", (table.name, table.read_bytes()))]).json()
        c.post(f"/api/studies/{sid}/rounds/{YEAR}/uploads/{up['id']}/accept").raise_for_status()
    run = c.post(f"/api/studies/{sid}/rounds/{YEAR}/runs").json()
    if pause is not None:
        deadline = time.monotonic() + 60
        while not (kids := _children(server_pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kids, "the run's worker process did not start"
        time.sleep(1.0)  # past the process start-up (imports)
        for k in kids:
            os.kill(k, signal.SIGSTOP)
        p0 = time.perf_counter()
        time.sleep(pause)
        window = (p0, time.perf_counter())
        for k in kids:
            os.kill(k, signal.SIGCONT)
    status = wait_run(c, sid, run["id"])
    assert status == "succeeded", status
    return time.perf_counter() - t0, window


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) of the web process, of its finished child processes (runs,
    upload checks) and of this client process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    me = os.times()
    return {"server": (int(fields[11]) + int(fields[12])) / tick, "background": (int(fields[13]) + int(fields[14])) / tick,
            "client": me.user + me.system}


def pct(times: list[float], q: float) -> float:
    return times[min(len(times) - 1, int(q * (len(times) - 1)))] * 1000 if times else float("nan")


async def phase(name: str, url: str, sid: int, jars, codes, think: float, min_seconds: float, server_pid: int,
                work: str | None) -> dict:
    stop = asyncio.Event()
    samples: list[tuple[float, float]] = []
    errors: list[str] = []
    tasks = [asyncio.create_task(reader(url, j, sid, codes, stop, samples, errors, think)) for j in jars]
    await asyncio.sleep(1.0)  # everyone reading
    load0 = os.getloadavg()[0]
    cpu0 = cpu_seconds(server_pid)
    t0 = time.perf_counter()
    took, window = None, None
    if work == "run":
        took, _ = await asyncio.to_thread(writer, url, sid, server_pid, None)
    elif work == "paused":
        took, window = await asyncio.to_thread(writer, url, sid, server_pid, min_seconds)
    rest = min_seconds - (time.perf_counter() - t0)
    if rest > 0:
        await asyncio.sleep(rest)
    stop.set()
    await asyncio.gather(*tasks)
    cpu1 = cpu_seconds(server_pid)
    lo, hi = window or (t0, time.perf_counter())
    wall = hi - lo
    times = sorted(dt for start, dt in samples if lo <= start <= hi)
    out = {"phase": name, "requests": len(times), "seconds": round(wall, 1), "p50_ms": round(pct(times, 0.5), 1),
           "p95_ms": round(pct(times, 0.95), 1), "max_ms": round(times[-1] * 1000 if times else float("nan"), 1),
           "errors": len(errors), "load1": [round(load0, 2), round(os.getloadavg()[0], 2)],
           "cpu_s": {k: round(cpu1[k] - cpu0[k], 2) for k in cpu0}}
    out["server_ms_per_request"] = round(1000 * out["cpu_s"]["server"] / max(1, len(samples)), 2)
    if took is not None:
        out["writer_s"] = round(took, 1)
    print(f"{name}: {json.dumps(out)}" + (f" first errors {errors[:3]}" if errors else ""), flush=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--think", type=float, default=0.5, help="mean think time between a user's requests (s)")
    ap.add_argument("--min-seconds", type=float, default=20.0, help="least duration of each phase (s)")
    ap.add_argument("--phases", default="idle,busy", help="phases to measure, in order")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="petarawan-bench-"))
    db = f"sqlite:///{tmp / 'bench.sqlite'}"
    subprocess.run([sys.executable, "-m", "petarawan", "server", "init", "--db", db, "--admin", "admin"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    port = _port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "petarawan", "server", "run", "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = {}
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        sid, jars, codes = setup(url, a.users)
        print(f"server pid {proc.pid} on {url}; {len(codes)} areas; {a.users} users signed in; think time {a.think} s; "
              f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}", flush=True)
        work = {"idle": None, "paused": "paused", "busy": "run"}
        for name in a.phases.split(","):
            results[name] = asyncio.run(phase(name, url, sid, jars, codes, a.think, a.min_seconds, proc.pid,
                                              work[name]))
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    last = results.get("busy") or list(results.values())[-1]
    print(json.dumps({"users": a.users, "requests": last["requests"], "p95_ms": last["p95_ms"],
                      "errors": last["errors"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
