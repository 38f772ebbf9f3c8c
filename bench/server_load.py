"""Load bench of the office server: 50 concurrent users on loopback read the class map and area
profiles while an analyst uploads a table (validation preview) and a full run of the
Pangkalpinang example proceeds in the background worker.

    .venv/bin/python bench/server_load.py [--users 50] [--think 0.5] [--min-seconds 15]

Each user logs in, then loops: the map of the published round, then one area's profile, with a
think time drawn uniformly from [0, 2·think] seconds between requests (people read pages).
Reads are timed from request to the last byte.  Target: p95 ≤ 100 ms for reads.
Last line: a JSON object {"users", "requests", "p95_ms", "errors"}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
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


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(c: httpx.Client | httpx.AsyncClient, user: str):
    return c.post("/api/login", json={"username": user, "password": PASSWORD})


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


def setup(url: str, users: int) -> tuple[int, list[str], list[str]]:
    """A study with one published run of the full example; ``users`` viewer accounts."""
    c = httpx.Client(base_url=url, timeout=120)
    c.headers["X-CSRF-Token"] = _login(c, "admin").json()["csrf"]
    sid = c.post("/api/studies", json={"name": "Kota Pangkalpinang", "region": "19.71"}).json()["id"]
    c.post(f"/api/studies/{sid}/rounds", json={"year": 2025})
    up = c.post(f"/api/studies/{sid}/rounds/2025/uploads", data={"kind": "config"},
                files=[("file", ("pangkalpinang.zip", study_zip()))]).json()
    assert up["n_errors"] == 0, up["findings"][:3]
    c.post(f"/api/studies/{sid}/rounds/2025/uploads/{up['id']}/accept").raise_for_status()
    run = c.post(f"/api/studies/{sid}/rounds/2025/runs").json()
    while c.get(f"/api/studies/{sid}/runs/{run['id']}").json()["status"] in ("queued", "running"):
        time.sleep(0.5)
    names = []
    for i in range(users):
        name = f"viewer{i:02d}"
        c.post("/api/users", json={"username": name, "password": PASSWORD, "role": "viewer"}).raise_for_status()
        names.append(name)
    geo = c.get(f"/api/studies/{sid}/rounds/2025/map").json()
    return sid, names, [f["properties"]["code"] for f in geo["features"]]


async def reader(url: str, name: str, sid: int, codes: list[str], stop: asyncio.Event, times: list[float],
                 errors: list[str], think: float) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        r = await _login(c, name)
        if r.status_code != 200:
            errors.append(f"login {r.status_code}")
            return
        paths = [f"/api/studies/{sid}/rounds/2025/map"]
        while not stop.is_set():
            paths.append(f"/api/studies/{sid}/rounds/2025/areas/{random.choice(codes)}")
            for p in paths[-2:] if len(paths) > 1 else paths:
                t0 = time.perf_counter()
                try:
                    resp = await c.get(p)
                    await resp.aread()
                    if resp.status_code != 200:
                        errors.append(f"{p} {resp.status_code}")
                except httpx.HTTPError as err:
                    errors.append(f"{p} {type(err).__name__}")
                times.append(time.perf_counter() - t0)
                await asyncio.sleep(random.uniform(0, 2 * think))


def writer(url: str, sid: int) -> float:
    """Upload the table again (validation preview), accept it, run; returns seconds taken."""
    t0 = time.perf_counter()
    c = httpx.Client(base_url=url, timeout=120)
    c.headers["X-CSRF-Token"] = _login(c, "admin").json()["csrf"]
    table = EXAMPLE / "indikator_ILUSTRATIF.csv"
    up = c.post(f"/api/studies/{sid}/rounds/2025/uploads", data={"kind": "table"},
                files=[("file", (table.name, table.read_bytes()))]).json()
    c.post(f"/api/studies/{sid}/rounds/2025/uploads/{up['id']}/accept")
    run = c.post(f"/api/studies/{sid}/rounds/2025/runs").json()
    while c.get(f"/api/studies/{sid}/runs/{run['id']}").json()["status"] in ("queued", "running"):
        time.sleep(0.5)
    return time.perf_counter() - t0


async def measure(url: str, sid: int, names: list[str], codes: list[str], think: float, min_seconds: float) -> dict:
    stop = asyncio.Event()
    times: list[float] = []
    errors: list[str] = []
    tasks = [asyncio.create_task(reader(url, n, sid, codes, stop, times, errors, think)) for n in names]
    await asyncio.sleep(1.0)  # everyone logged in and reading
    n0 = len(times)
    del times[:n0]
    t0 = time.perf_counter()
    took = await asyncio.to_thread(writer, url, sid)
    rest = min_seconds - (time.perf_counter() - t0)
    if rest > 0:
        await asyncio.sleep(rest)
    stop.set()
    await asyncio.gather(*tasks)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))] * 1000 if times else float("nan")
    p50 = times[len(times) // 2] * 1000 if times else float("nan")
    print(f"upload + run took {took:.1f} s; {len(times)} reads; p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {times[-1] * 1000 if times else float('nan'):.1f} ms; errors {len(errors)} {errors[:3]}")
    return {"users": len(names), "requests": len(times), "p95_ms": round(p95, 1), "errors": len(errors)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--think", type=float, default=0.5, help="mean think time between a user's requests (s)")
    ap.add_argument("--min-seconds", type=float, default=15.0)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="petarawan-bench-"))
    db = f"sqlite:///{tmp / 'bench.sqlite'}"
    subprocess.run([sys.executable, "-m", "petarawan", "server", "init", "--db", db, "--admin", "admin"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    port = _port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "petarawan", "server", "run", "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        sid, names, codes = setup(url, a.users)
        print(f"server on {url}; {len(codes)} areas; {a.users} users, think time {a.think} s")
        result = asyncio.run(measure(url, sid, names, codes, a.think, a.min_seconds))
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
