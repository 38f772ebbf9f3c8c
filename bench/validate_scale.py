"""Time input validation (``load_study``) as the study grows: it must grow linearly.

Builds synthetic grid studies of n areas (1 km squares in UTM 48S, real-looking codes) with 17
indicators and 3 % blanks, and prints the time of ``petarawan.load_study`` and its ratio to the
smallest size per area.  Run: ``python bench/validate_scale.py``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from petarawan import load_study
from petarawan.template import FRAMEWORK, render_config


def make(dirpath: Path, n: int, seed: int = 1) -> Path:
    side = int(np.ceil(np.sqrt(n)))
    codes = [f"99.{1 + i // 100000:02d}.{(i // 1000) % 100:02d}.{1000 + i % 1000:04d}" for i in range(n)]
    geoms = [box(500000 + (i % side) * 1000, 9000000 + (i // side) * 1000, 501000 + (i % side) * 1000,
                 9001000 + (i // side) * 1000) for i in range(n)]
    gpd.GeoDataFrame({"kode": codes, "nama": [f"Desa {i}" for i in range(n)]}, geometry=geoms, crs=32748).to_file(
        dirpath / "batas.gpkg")
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"kode": codes, "penduduk": rng.integers(500, 20000, n)})
    for ind in FRAMEWORK:
        v = rng.poisson(3, n).astype(float) if ind.count else np.round(rng.gamma(2, 3, n), 2)
        v[rng.random(n) < 0.03] = np.nan
        df[ind.code] = v
    df.to_csv(dirpath / "data.csv", index=False)
    (dirpath / "petarawan.toml").write_text(render_config(name="bench", areas_file="batas.gpkg", data_file="data.csv",
                                                         data_date="2025"), encoding="utf-8")
    return dirpath


def main() -> None:
    base = None
    for n in (1000, 4000, 10000):
        with tempfile.TemporaryDirectory() as d:
            study = make(Path(d), n)
            t0 = time.perf_counter()
            load_study(study)
            dt = time.perf_counter() - t0
        per = dt / n
        base = base or per
        print(f"n = {n:>6}: load_study {dt:6.2f} s   per area {per * 1e3:.3f} ms   ratio to n=1000 per area {per / base:.2f}")


if __name__ == "__main__":
    main()
