"""Benchmark: Fisher–Jenks classification (mapclassify) per call, as the base run and every Monte
Carlo run with ``classification.method = "jenks"`` pay it.

Prints, for n scores (lognormal, seeded), the time of one :func:`petarawan.classify.jenks_levels`
call (mapclassify ``FisherJenks`` fitted on at most ``JENKS_MAX_POINTS`` order statistics) and of
quantile classes for comparison, and what 1,000 Monte Carlo runs would spend classifying.

Usage::

    python bench/classify_jenks.py [--sizes 42 300 1000 83762] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from petarawan.classify import JENKS_MAX_POINTS, jenks_levels, quantile_levels


def best_of(f, x, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        f(x)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[42, 300, 1000, 83_762])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    import mapclassify  # noqa: F401  (import cost not counted)

    jenks_levels(np.arange(10.0))
    print(f"Fisher–Jenks fitted on at most {JENKS_MAX_POINTS} order statistics (mapclassify, pure Python)")
    for n in args.sizes:
        x = np.random.default_rng(n).lognormal(size=n) * 20
        tj, tq = best_of(jenks_levels, x, args.repeat), best_of(quantile_levels, x, args.repeat)
        print(f"n = {n:>6}: jenks {tj * 1e3:8.1f} ms (1,000 runs: {tj * 1e3:6.0f} s)   "
              f"quantiles {tq * 1e3:6.2f} ms (1,000 runs: {tq * 1e3:5.1f} s)")


if __name__ == "__main__":
    main()
