"""Benchmark: the published-values rule (petarawan.privacy.publication) at national scale.

Synthetic, seeded data for every real village code in ../shared/data/indonesia-codes/wilayah.sql
(about 84k areas): 30 indicators in 5 dimensions, 10 of them counts drawn from Poisson
distributions with small means (so most areas hold several counts of 1–4), min–max, arithmetic
means.  Prints the wall time and peak memory of the index and of the rule, and what the rule
published (areas with bands, withheld values).

Usage::

    python bench/privacy_national.py [--areas N] [--wilayah PATH]
"""

from __future__ import annotations

import argparse
import re
import resource
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from petarawan.classify import classify, rank
from petarawan.registry import parse_config
from petarawan.index import build_index
from petarawan.privacy import publication

HERE = Path(__file__).resolve().parent
DEFAULT_SQL = HERE.parent.parent / "shared" / "data" / "indonesia-codes" / "wilayah.sql"
VILLAGE = re.compile(r"'(\d{2}\.\d{2}\.\d{2}\.\d{4})'")


def village_codes(path: Path, n: int | None) -> list[str]:
    if path.is_file():
        codes = sorted(set(VILLAGE.findall(path.read_text(encoding="utf-8", errors="replace"))))
    else:  # no code list: made-up codes
        codes = [f"{i // 10000:02d}.01.01.{i % 10000:04d}" for i in range(n or 84000)]
    return codes[:n] if n else codes


def synthetic(codes: list[str], seed: int = 20211):
    rng = np.random.default_rng(seed)
    n = len(codes)
    dims = [{"code": f"D{k}", "label_id": f"Dimensi {k}", "weight": float(1 + k % 3)} for k in range(5)]
    inds, cols = [], {}
    latent = rng.normal(size=n)
    for j in range(30):
        code, dim = f"i{j:02d}", f"D{j // 6}"
        count = j % 3 == 0
        entry = {"code": code, "label_id": code, "dimension": dim, "weight": float(1 + j % 2), "count": count}
        if count:
            v = rng.poisson(np.exp(0.3 * latent + rng.normal(0.5, 0.5, n))).astype(float)
            if j % 2:
                entry.update(bnn="main", present_at=1)
        else:
            v = 50 + 10 * (0.6 * latent + rng.normal(size=n))
        inds.append(entry)
        cols[code] = v
    return inds, dims, pd.DataFrame(cols, index=pd.Index(codes, name="code"))


def timed(label, fn, *a, **k):
    """Wall time and process peak RSS (no tracemalloc: tracing every allocation distorts the time)."""
    t0 = time.perf_counter()
    out = fn(*a, **k)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<40s} {dt:8.2f} s   process peak RSS {rss:8.0f} MiB")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--areas", type=int, default=None, help="first N village codes only")
    ap.add_argument("--wilayah", type=Path, default=DEFAULT_SQL)
    args = ap.parse_args()
    codes = village_codes(args.wilayah, args.areas)
    inds, dims, data = synthetic(codes)
    cfg = parse_config({"study": {"name": "nasional"}, "areas": {"file": "-"}, "data": {"file": "-"},
                        "dimensions": dims, "indicators": inds,
                        "classification": {"bands": {"Bahaya": 65, "Waspada": 55, "Siaga": 45}}})
    small = ((data > 0) & (data < 5))[[i["code"] for i in inds if i["count"]]]
    print(f"areas: {len(codes):,}; count cells of 1–4: {int(small.to_numpy().sum()):,} "
          f"(areas with any: {int(small.any(axis=1).sum()):,})")
    index = timed("index", build_index, data, cfg)
    cls = classify(index.score, data, cfg)
    table = pd.DataFrame({"score": index.score, "class": cls["class"], "rank": rank(index.score),
                          "n_main": cls["n_main"], "n_supporting": cls["n_supporting"]})
    for d in index.dimensions.columns:
        table[f"dim_{d}"] = index.dimensions[d]
    pub = timed("published-values rule", publication, cfg, data, index, table)
    reasons = Counter(v.split(":")[0] for v in pub.reasons.values())
    exact = int(pub.exact("score").sum())
    print(f"score exact {exact:,}, band {reasons.get('band', 0):,}, withheld {reasons.get('withheld', 0):,}; "
          f"reasons {dict(Counter(pub.reasons.values()))}")


if __name__ == "__main__":
    main()
