"""Bench: a national IKRN round — read, checked, aggregated and bootstrapped.

About 84,000 desa/kelurahan × 33 respondents (30 residents, the village head, 2 officers) ≈ 2.8
million submissions × 40 items, simulated with ``scripts/ikrn_simulate.py`` (ILLUSTRATIVE) on a
grid of square "villages" over Indonesia's extent, written as one ODK-Central-style CSV per
instrument and province-sized part (like the exports offices download), with realistic faults
(duplicates, unknown codes, short interviews, geopoints outside their village).

Then, in a fresh process (so its peak memory is the analysis's own): read every export
(:func:`petarawan.ikrn.returns.read_export`), decode, run every quality check (including the
point-in-polygon test of each geopoint), count completeness, score respondents and areas, and
bootstrap the area scores 200 times.  Target (issue 10): ≤ 60 s and ≤ 4 GB on 2 cores.

Usage::

    python bench/ikrn_national.py [--areas 84000] [--replicates 200] [--keep DIR]

The last line printed is JSON: ``{"submissions", "seconds", "peak_rss_mb", ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

CELL = 0.02  # degrees: the side of a simulated village
PARTS = 12   # export files per instrument (e.g. one per group of provinces)


def bench_bank():
    """40 items asked by every instrument: 30 Likert, 5 yes/no, 5 counts over six dimensions."""
    from petarawan.ikrn.bank import default_bank, parse_bank

    base = default_bank()
    dims = [d.code for d in base.dimensions]
    items = []
    for k in range(40):
        resp = "likert" if k < 30 else "yesno" if k < 35 else "count"
        it = {"code": f"b{k:02d}", "text_id": f"Butir {k}", "instruments": ["ikrn1", "ikrn2", "ikrn3"], "response": resp,
              "direction": 1 if k % 4 else -1, "dimension": dims[k % len(dims)]}
        if resp == "count":
            it["max"] = 10
        items.append(it)
    data = base.model_dump(mode="json")
    data["items"] = items
    return parse_bank(data, "bench")


def grid(n: int):
    """``n`` square villages on a grid over lon 95–141, lat −11–6 (WGS84): codes, groups, GeoDataFrame."""
    import geopandas as gpd
    import shapely

    cols = int(np.ceil((141 - 95) / CELL))
    i = np.arange(n)
    x0 = 95 + (i % cols) * CELL
    y0 = -11 + (i // cols) * CELL
    prov, kab, kec, des = 11 + i // 4000, 1 + (i // 400) % 10, 1 + (i // 20) % 20, 1001 + i % 20
    codes = np.array([f"{a:02d}.{b:02d}.{c:02d}.{d:04d}" for a, b, c, d in zip(prov, kab, kec, des)], dtype=object)
    groups = np.array([f"Kecamatan {c[:8]}" for c in codes], dtype=object)
    geoms = shapely.box(x0, y0, x0 + CELL, y0 + CELL)
    g = gpd.GeoDataFrame({"name": [f"Desa {c}" for c in codes], "group": groups}, geometry=geoms, crs=4326,
                         index=__import__("pandas").Index(codes, name="code"))
    return codes, groups, g, x0, y0


def generate(out: Path, n: int, seed: int = 2024) -> dict:
    """Write the simulated exports into ``out``; returns {instrument: [file names]}."""
    from ikrn_simulate import simulate_round, write_export
    from petarawan.ikrn.bank import INSTRUMENTS

    bank = bench_bank()
    codes, groups, _, x0, y0 = grid(n)
    rng = np.random.default_rng(seed)
    latent = np.clip(rng.beta(2, 4, n), 0.02, 0.98)
    counts = np.tile([30, 1, 2], (n, 1))
    counts[rng.random(n) < 0.05, 0] = rng.integers(0, 30, int((rng.random(n) < 0.05).sum()) or 1)[0]
    files: dict[str, list[str]] = {k: [] for k in INSTRUMENTS}
    bounds = np.linspace(0, n, PARTS + 1).astype(int)
    for p in range(PARTS):
        lo, hi = bounds[p], bounds[p + 1]
        sl = slice(lo, hi)

        def points(area, _lo=lo):
            a = area + _lo
            lat = y0[a] + rng.random(len(a)) * CELL
            lon = x0[a] + rng.random(len(a)) * CELL
            far = rng.random(len(a)) < 0.005          # 0.5 %: filled far from the village
            lat[far] += 0.5
            none = rng.random(len(a)) < 0.1           # 10 %: no geopoint
            lat[none], lon[none] = np.nan, np.nan
            return lat, lon

        sim = simulate_round(bank, codes[sl], groups[sl], latent[sl], counts[sl], rng, points)
        for ins, cols in sim.items():
            m = len(cols["start"])
            dup = rng.random(m) < 0.003               # re-sent submissions: a duplicate instance ID
            src = np.flatnonzero(dup)
            for c, v in cols.items():
                cols[c] = np.concatenate([v, v[src]])
            bad = rng.random(len(cols["start"])) < 0.001
            cols["kode_wilayah"][bad] = "99.99.99.9999"
            short = np.flatnonzero(rng.random(len(cols["start"])) < 0.002)
            cols["end"][short] = cols["start"][short]
            name = f"{ins}_part{p + 1:02d}.csv"
            write_export(cols, out / name, "odk", form_id=f"ikrn_{ins}")
            files[ins].append(name)
    (out / "files.json").write_text(json.dumps({"areas": n, "files": files}), encoding="utf-8")
    return files


def measure(folder: Path, replicates: int) -> dict:
    """Read, check, aggregate and bootstrap the round in ``folder``; returns the figures."""
    from petarawan.ikrn.aggregate import area_scores, respondent_scores
    from petarawan.ikrn.bootstrap import bootstrap_areas
    from petarawan.ikrn.checks import run_checks
    from petarawan.ikrn.completeness import completeness_summary, completeness_table, returned_counts
    from petarawan.ikrn.config import IkrnConfig
    from petarawan.ikrn.returns import decode_returns, export_columns, read_export

    meta = json.loads((folder / "files.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    use0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = use0.ru_utime + use0.ru_stime
    steps = {}
    bank = bench_bank()
    _, _, areas, _, _ = grid(meta["areas"])
    cfg = IkrnConfig()
    # one export at a time: read, then decoded (the generator keeps a single export in memory)
    tables = ((ins, read_export(folder / name, keep=export_columns(bank, ins))) for ins, names in meta["files"].items()
              for name in names)
    sub = decode_returns(tables, bank, areas.index.tolist())
    steps["read+decode"] = time.perf_counter() - t0
    chk = run_checks(sub, bank, cfg.checks, areas)
    steps["checks"] = time.perf_counter() - t0 - sum(steps.values())
    returned = returned_counts(sub.area, sub.instrument, chk.kept, len(areas))
    table = completeness_table(returned, areas, cfg.quota)
    summary = completeness_summary(table, "group")
    resp = respondent_scores(sub, chk.kept, bank, min_item_share=cfg.min_item_share)
    sc = area_scores(resp, areas.index, weights=cfg.weights, min_respondents=cfg.min_respondents, required=cfg.required)
    steps["aggregate"] = time.perf_counter() - t0 - sum(steps.values())
    scored = sc.table[resp.columns[0]].notna().to_numpy()
    boot = bootstrap_areas(resp, len(areas), used=sc.used, scored=scored, weights=cfg.weights, replicates=replicates,
                           seed=[2024, 10])
    steps["bootstrap"] = time.perf_counter() - t0 - sum(steps.values())
    seconds = time.perf_counter() - t0
    use = resource.getrusage(resource.RUSAGE_SELF)
    peak = use.ru_maxrss / 1024
    cpu = use.ru_utime + use.ru_stime - cpu0
    return {"submissions": int(len(sub)), "seconds": round(seconds, 2), "peak_rss_mb": round(peak),
            "cpu_seconds": round(cpu, 1),
            "areas": int(len(areas)), "items": len(bank.items), "replicates": replicates,
            "kept": chk.counts["kept"], "findings": len(chk.findings),
            "duplicate": chk.counts["duplicate"], "outside_area": chk.counts["outside_area"],
            "areas_scored": int(scored.sum()), "study_reporting_rate": round(float(summary.loc["(total)", "reporting_rate"]), 4),
            "median_se": round(float(np.nanmedian(boot.se[:, 0])), 3),
            "steps": {k: round(v, 2) for k, v in steps.items()}}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--areas", type=int, default=84_000)
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--keep", type=Path, help="folder for the simulated exports (kept; reused when present)")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure is not None:  # the child process
        print(json.dumps(measure(args.measure, args.replicates)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ikrn-bench-"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        meta = folder / "files.json"
        if not (meta.is_file() and json.loads(meta.read_text())["areas"] == args.areas):
            t = time.perf_counter()
            generate(folder, args.areas)
            print(f"simulated exports written in {time.perf_counter() - t:.0f} s to {folder}", flush=True)
        out = subprocess.run([sys.executable, __file__, "--measure", str(folder), "--replicates", str(args.replicates)],
                             check=True, capture_output=True, text=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"steps (s): {result.pop('steps')}")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              "(other processes slow the wall-clock figure; cpu_seconds is the analysis's own)")
        print(json.dumps(result))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
