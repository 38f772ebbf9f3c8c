"""Benchmark: the composite index and a 1,000-run uncertainty analysis at national scale.

Synthetic but realistically shaped data for every real village code (desa/kelurahan, codes with
four segments) in ../shared/data/indonesia-codes/wilayah.sql (about 84k areas) × 30 indicators
in 5 dimensions, seeded.  Prints wall time and peak memory (traced numpy/python allocations and
process peak RSS) for

1. the full index (imputation, outlier treatment, min–max, weights, aggregation, exclusions),
   classes and ranks;
2. a Monte Carlo uncertainty analysis of 1,000 runs (weights ±25 %, normalisation, aggregation,
   imputation, outlier treatment on/off) with per-area rank bands and class probabilities;
3. a Sobol design (optional, ``--sobol N``);

and the ratio against a bare numpy implementation of the same base formulas (min–max with
direction, weighted arithmetic means, rank), for the index alone and for 1,000 weight-perturbed
runs.  Targets (issue 3, on 2 cores): index + 1,000 runs ≤ 60 s and ≤ 4 GB; ratio ≤ 2.

Usage::

    python bench/index_national.py [--runs 1000] [--wilayah PATH] [--sobol 0]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from petarawan.classify import classify, rank
from petarawan.registry import parse_config
from petarawan.index import build_index
from petarawan.index.uncertainty import evaluate, rank_desc_min, sample_design, summarise

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import load, measure, peak_rss_mb, shared_file  # noqa: E402

DEFAULT_SQL = shared_file("data", "indonesia-codes", "wilayah.sql")

HERE = Path(__file__).resolve().parent
VILLAGE = re.compile(r"'(\d{2}\.\d{2}\.\d{2}\.\d{4})'")


def village_codes(path: Path) -> list[str]:
    """Every 13-character code with four segments (desa/kelurahan) in the SQL dump."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return sorted(set(VILLAGE.findall(text)))


def synthetic(codes: list[str], m: int = 30, d: int = 5, seed: int = 20211):
    rng = np.random.default_rng(seed)
    n = len(codes)
    per = m // d
    dims = [{"code": f"D{k}", "label_id": f"Dimensi {k}", "weight": float(1 + k % 3)} for k in range(d)]
    inds, cols = [], {}
    latent = rng.normal(size=n)
    for j in range(m):
        k = j // per
        direction = -1 if j % 4 == 3 else 1
        code = f"i{j:02d}"
        inds.append({"code": code, "label_id": code, "dimension": f"D{k}", "direction": direction,
                     "weight": float(1 + j % 3)})
        base = direction * 0.6 * latent + rng.normal(size=n)
        v = np.exp(base) if j % 3 == 0 else base * 10 + 50  # a third heavy-tailed (outlier treatment)
        v[rng.random(n) < 0.02] = np.nan
        cols[code] = v
    data = pd.DataFrame(cols, index=pd.Index(codes, name="code"))
    groups = pd.Series([c[:8] for c in codes], index=data.index)  # kecamatan
    return inds, dims, data, groups


def config(inds, dims, runs, index=None, unc=None):
    return parse_config({
        "study": {"name": "nasional", "seed": 20211}, "areas": {"file": "-"}, "data": {"file": "-"},
        "dimensions": dims, "indicators": inds, "index": index or {},
        "classification": {"bands": {"Bahaya": 65, "Waspada": 55, "Siaga": 45}},
        "uncertainty": unc or {"runs": runs},
    })


def bare_numpy_index(x: np.ndarray, direction: np.ndarray, members: list[np.ndarray], iw: np.ndarray,
                     dw: np.ndarray) -> np.ndarray:
    """The base formulas with nothing else: direction, min–max 0–100, weighted means skipping
    NaN, rank (1 = highest)."""
    y = x * direction
    mn, mx = np.nanmin(y, axis=0), np.nanmax(y, axis=0)
    z = 100 * (y - mn) / (mx - mn)
    ok = ~np.isnan(z)
    z0 = np.where(ok, z, 0.0)
    dim = np.empty((len(x), len(members)))
    for k, idx in enumerate(members):
        dim[:, k] = (z0[:, idx] @ iw[idx]) / (ok[:, idx] @ iw[idx])
    s = dim @ dw / dw.sum()
    return rank_desc_min(s)


def bare_numpy_mc(x, direction, members, iw, dw, wm, dm) -> np.ndarray:
    y = x * direction
    mn, mx = np.nanmin(y, axis=0), np.nanmax(y, axis=0)
    z = 100 * (y - mn) / (mx - mn)
    ok = ~np.isnan(z)
    z0 = np.where(ok, z, 0.0)
    R = len(wm)
    out = np.empty((len(x), R), np.float32)
    for r in range(R):
        w = iw * wm[r]
        dim = np.stack([(z0[:, idx] @ w[idx]) / (ok[:, idx] @ w[idx]) for idx in members], axis=1)
        dwr = dw * dm[r]
        out[:, r] = rank_desc_min(dim @ dwr / dwr.sum())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--wilayah", type=Path, default=DEFAULT_SQL)
    ap.add_argument("--sobol", type=int, default=1024, help="Sobol base samples N (0 = skip)")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions of each timing (the median is reported)")
    args = ap.parse_args()

    codes = village_codes(args.wilayah)
    inds, dims, data, groups = synthetic(codes)
    print(f"areas: {len(codes):,} villages × {data.shape[1]} indicators, {len(dims)} dimensions; runs: {args.runs}; "
          f"{load()} at start", flush=True)

    full_index = {"imputation": "group_mean", "outliers": True, "min_availability": 0.5}
    unc = {"runs": args.runs, "weights": 0.25, "normalisation": ["percentile"], "aggregation": ["geometric"],
           "imputation": ["median"], "outliers": True, "sobol": False}
    cfg = config(inds, dims, args.runs, full_index, unc)

    def index_and_runs():
        res = build_index(data, cfg, groups=groups)
        classify(res.score, data, cfg)
        rank(res.score)
        des = sample_design(cfg, args.runs, np.random.default_rng([20211, 1]))
        ranks, classes = evaluate(data, cfg, des, groups=groups)
        return summarise(ranks, classes, data.index)

    t_ir, summ = measure(f"1. index + {args.runs} runs (all 5 uncertain choices) + summary", index_and_runs, args.repeat)
    rss = peak_rss_mb()
    print(f"   process peak RSS so far {rss:.0f} MiB (target ≤ 2048); areas with top class probability < 0.8: "
          f"{(summ[['p_bahaya', 'p_waspada', 'p_siaga', 'p_aman']].max(axis=1) < 0.8).sum():,}", flush=True)

    # ratio against bare numpy: the same weight-perturbed runs (min–max, arithmetic means, rank)
    plain = config(inds, dims, args.runs, {}, {"runs": args.runs, "weights": 0.25, "sobol": False})
    codes_i = [i["code"] for i in inds]
    x = data[codes_i].to_numpy(float)
    direction = np.array([i["direction"] for i in inds], float)
    members = [np.array([j for j, i in enumerate(inds) if i["dimension"] == d["code"]]) for d in dims]
    iw = np.array([i["weight"] for i in inds], float)
    for idx in members:
        iw[idx] /= iw[idx].sum()
    dw = np.array([d["weight"] for d in dims], float)
    r_ours = rank(build_index(data, plain).score).astype("float").to_numpy()
    same_index = np.array_equal(r_ours, bare_numpy_index(x, direction, members, iw, dw), equal_nan=True)
    des_w = sample_design(plain, args.runs, np.random.default_rng([20211, 1]))
    t_mo, (mc_ours, _) = measure(f"2a. petarawan {args.runs} weight-perturbed runs", lambda: evaluate(data, plain, des_w),
                                 args.repeat)
    try:
        from threadpoolctl import threadpool_limits
        limit = threadpool_limits(1, user_api="blas")
    except ImportError:
        import contextlib
        limit = contextlib.nullcontext()
    with limit:
        t_mb, mc_bare = measure(f"2b. bare numpy loop, same {args.runs} runs (one BLAS thread)",
                                lambda: bare_numpy_mc(x, direction, members, iw, dw, des_w.w_mult, des_w.d_mult), 1)
    same_mc = np.array_equal(mc_ours, mc_bare, equal_nan=True)
    ratio = t_mo.median / t_mb.median
    print(f"   ratio petarawan / bare numpy (Monte Carlo): {ratio:.2f}; identical ranks: index {same_index}, runs {same_mc}",
          flush=True)
    del mc_ours, mc_bare

    sobol_s = None
    if args.sobol:
        from SALib.sample import sobol as ss

        from petarawan.index.uncertainty import design_from_unit, factors, sobol_ranks

        names = list(factors(cfg))
        base = rank_desc_min(build_index(data, cfg, groups=groups).score.to_numpy(float))

        def sob():
            X = ss.sample({"num_vars": len(names), "names": names, "bounds": [[0, 1]] * len(names)}, args.sobol,
                          calc_second_order=False, seed=1)
            sdes = design_from_unit(cfg, X, names, np.random.default_rng(2))
            return sobol_ranks(data, cfg, sdes, len(names), base, groups=groups)

        t_sob, out = measure(f"3. Sobol, N = {args.sobol} base samples × {len(names) + 2} ({', '.join(names)}) "
                             f"+ per-area indices", sob, 1)
        sobol_s = t_sob.median
        print(f"   {len(out.shift):,} runs; areas whose rank moves: {int(out.moving.sum()):,}; "
              f"process peak RSS {peak_rss_mb():.0f} MiB", flush=True)

    print(f"summary: index + runs {t_ir.median:.2f} s wall / {t_ir.median_cpu:.2f} s CPU (target ≤ 10 s), peak RSS "
          f"{rss:.0f} MiB (≤ 2048), ratio vs numpy {ratio:.2f}, Sobol {sobol_s if sobol_s is None else round(sobol_s, 2)} s "
          f"(≤ 60 s); {load()} at the end")
    print(json.dumps({"index_plus_runs_s": round(t_ir.median, 3), "peak_rss_mb": round(rss, 1),
                      "ratio_vs_numpy": round(ratio, 3), "sobol_s": None if sobol_s is None else round(sobol_s, 3),
                      "index_plus_runs_cpu_s": round(t_ir.median_cpu, 3), "load_1min": round(os.getloadavg()[0], 2),
                      "cores": os.cpu_count()}))


if __name__ == "__main__":
    main()
