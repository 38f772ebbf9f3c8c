"""Benchmark: the full hot-spot analysis of London's drug offences (4,829 LSOAs × 11 years).

Prints wall and CPU seconds (medians of ``--repeat`` runs, with the load average: the machine
may be shared) for

1. ``petarawan run examples/london-drugs --out DIR`` end to end in a new process (interpreter
   start, imports, validation, hot-spot stage with global Moran, Local Moran, Gi*, emerging hot
   spots over 11 years, maps, composite index, every output written) — target ≤ 8 s on 2 cores;
2. the hot-spot stage's computation (:func:`petarawan.spatial.analysis.analyse_hotspots`:
   weights, Moran, Local Moran, Gi*, emerging hot spots with the example's settings);
3. the same statistics by calling libpysal / esda directly on the same arrays (same weights
   kind, permutations, seeds, inference) with no validation, FDR, labels, trend test or result
   objects; and, for reference, with pymannkendall's ``original_test`` per area added;

and the ratio 2 / 3 (esda alone, the strict comparison) — target ≤ 1.1.  The last line is one
JSON object ``{"total_s", "hotspot_stage_s", "ratio_vs_esda", ...}``.

Usage::

    python bench/spatial_london.py [--repeat 3] [--skip-run]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import load, measure, petarawan_command  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "examples" / "london-drugs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-run", action="store_true", help="skip the end-to-end run")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    print(f"{load()} at start", flush=True)

    total = None
    if not args.skip_run:
        with tempfile.TemporaryDirectory() as tmp:
            def once():
                r = subprocess.run(petarawan_command("run", str(STUDY), "--out", str(Path(tmp) / "out")), capture_output=True,
                                   text=True)
                if r.returncode != 0:
                    raise SystemExit(f"run failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")

            total, _ = measure("1. petarawan run examples/london-drugs (new process, end to end)", once, args.repeat)

    import esda
    import pymannkendall as mk
    from libpysal.graph import Graph

    from petarawan.spatial.analysis import analyse_hotspots
    from petarawan.spatial.inputs import load_counts
    from petarawan.stages import StudyContext
    from petarawan.validate import load_study

    study = load_study(STUDY)
    cfg = study.config.hotspots
    ctx = StudyContext(study.config, study.study_dir, "en", study.areas, study.data.copy())
    counts, _, _ = load_counts(ctx, cfg)
    seed = study.config.study.seed

    def ours():
        return analyse_hotspots(study.areas, counts, cfg, seed=seed)

    a = ours()  # warm-up (compiled kernels, caches); also gives the arrays for the direct calls
    areas = study.areas.loc[a.value.index]
    Y = counts.loc[a.value.index].to_numpy(dtype=float)
    y = Y[:, list(counts.columns).index(a.period)]
    R = cfg.permutations
    analytical = cfg.inference == "analytical"

    def direct(with_mk: bool = False):
        g = Graph.build_contiguity(areas.geometry, rook=cfg.weights.kind == "rook").transform(cfg.weights.transformation)
        gs = g.transform("b").assign_self_weight(1.0)
        np.random.seed(seed)
        esda.Moran(y, g, transformation=cfg.weights.transformation, permutations=R)
        esda.Moran_Local(y, g, transformation=cfg.weights.transformation, permutations=R, n_jobs=1,
                         keep_simulations=True, seed=seed)
        esda.G_Local(y, gs, transform="B", star=True, permutations=R, n_jobs=1, keep_simulations=True, seed=seed)
        Z = np.empty_like(Y)
        for t in range(Y.shape[1]):
            Z[:, t] = esda.G_Local(Y[:, t], gs, transform="B", star=True, permutations=0 if analytical else R,
                                   n_jobs=1, seed=seed).Zs
        if with_mk:
            for i in range(Z.shape[0]):
                if np.ptp(Z[i]) > 0:
                    mk.original_test(Z[i], alpha=cfg.trend_alpha)

    direct()  # warm-up
    t_ours, t_direct = measure("2. analyse_hotspots", ours, 1, quiet=True)[0], measure("3. esda", direct, 1, quiet=True)[0]
    for _ in range(args.repeat - 1):  # interleaved so that machine noise hits both alike
        for t, fn in ((t_ours, ours), (t_direct, direct)):
            tt, _ = measure(t.label, fn, 1, quiet=True)
            t.wall += tt.wall
            t.cpu += tt.cpu
            t.loads += tt.loads
    t_ours.label = f"2. analyse_hotspots ({len(a.value)} areas × {counts.shape[1]} periods)"
    t_direct.label = "3. libpysal + esda directly (same settings)"
    print(t_ours.line())
    print(t_direct.line())
    t_mk, _ = measure("3b. ... plus pymannkendall.original_test per area", lambda: direct(True), 1)
    ratio = t_ours.median / t_direct.median
    print(f"   ratio 2 / 3 = {ratio:.2f} wall, {t_ours.median_cpu / t_direct.median_cpu:.2f} CPU (target ≤ 1.1); "
          f"vs 3b {t_ours.median / t_mk.median:.2f}")
    print(f"   moran_i = {a.moran.I:.6f}, Gi* hot/cold areas = "
          f"{int((a.gi.bins > 0).sum())}/{int((a.gi.bins < 0).sum())}, patterns = {a.emerging.counts()}")
    print(f"summary: total {'-' if total is None else f'{total.median:.2f}'} s (≤ 8 s), hot-spot stage "
          f"{t_ours.median:.2f} s, ratio vs esda {ratio:.2f} (≤ 1.1); {load()} at the end")
    print(json.dumps({"total_s": None if total is None else round(total.median, 3),
                      "total_cpu_s": None if total is None else round(total.median_cpu, 3),
                      "hotspot_stage_s": round(t_ours.median, 3), "hotspot_stage_cpu_s": round(t_ours.median_cpu, 3),
                      "esda_direct_s": round(t_direct.median, 3), "ratio_vs_esda": round(ratio, 3),
                      "load_1min": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
