"""Benchmark: the full hot-spot analysis of London's drug offences (4,829 LSOAs × 11 years).

Prints wall times for

1. ``petarawan run examples/london-drugs`` end to end (validation, hot-spot stage with global
   Moran, Local Moran, Gi*, emerging hot spots over 11 years, maps, composite index, every output
   written) — target ≤ 30 s on 2 cores;
2. the hot-spot analysis core (:func:`petarawan.spatial.stage.analyse_hotspots`: weights, Moran,
   Local Moran, Gi*, emerging hot spots with the example's settings);
3. the same statistics by calling libpysal / esda / pymannkendall directly on the same arrays
   (same weights kind, permutations, seeds, inference) with no validation, FDR, labels or
   result objects;

and the ratio 2 / 3 — target ≤ 1.2.  Each timing is the best of ``--repeat`` runs.

Usage::

    python bench/spatial_london.py [--repeat 5] [--skip-run]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
STUDY = ROOT / "examples" / "london-drugs"


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-run", action="store_true", help="skip the end-to-end pipeline run")
    args = ap.parse_args()
    warnings.simplefilter("ignore")

    import esda
    import pymannkendall as mk
    from libpysal.graph import Graph

    from petarawan.pipeline import run
    from petarawan.spatial.stage import analyse_hotspots, load_counts
    from petarawan.stages import StudyContext
    from petarawan.validate import load_study

    if not args.skip_run:
        with tempfile.TemporaryDirectory() as tmp:
            t_run, _ = best(lambda: run(STUDY, Path(tmp) / "out"), 1)
        print(f"1. petarawan run examples/london-drugs (end to end): {t_run:7.2f} s   (target ≤ 30 s)")

    study = load_study(STUDY)
    cfg = study.config.hotspots
    ctx = StudyContext(study.config, study.study_dir, "en", study.areas, study.data.copy())
    counts, _, _ = load_counts(ctx, cfg)
    seed = study.config.study.seed

    def ours():
        return analyse_hotspots(study.areas, counts, cfg, seed=seed)

    a = ours()  # warm-up; also gives the arrays for the direct calls

    # the same statistics straight from the libraries, on the same arrays
    areas = study.areas.loc[a.value.index]
    Y = counts.loc[a.value.index].to_numpy(dtype=float)
    y = Y[:, list(counts.columns).index(a.period)]
    R = cfg.permutations
    analytical = cfg.inference == "analytical"

    def direct():
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
        for i in range(Z.shape[0]):
            if np.ptp(Z[i]) > 0:
                mk.original_test(Z[i], alpha=cfg.trend_alpha)

    # interleave the two so that machine noise hits both alike; best of --repeat each
    t_ours, t_direct = float("inf"), float("inf")
    for _ in range(args.repeat):
        t_ours = min(t_ours, best(ours, 1)[0])
        t_direct = min(t_direct, best(direct, 1)[0])
    print(f"2. analyse_hotspots ({len(a.value)} areas × {counts.shape[1]} periods):   {t_ours:7.2f} s")
    print(f"3. libpysal + esda + pymannkendall directly:          {t_direct:7.2f} s")
    print(f"   ratio 2 / 3 = {t_ours / t_direct:.2f}   (target ≤ 1.2)")
    print(f"   moran_i = {a.moran.I:.6f}, Gi* hot/cold areas = "
          f"{int((a.gi.bins > 0).sum())}/{int((a.gi.bins < 0).sum())}, patterns = {a.emerging.counts()}")


if __name__ == "__main__":
    main()
