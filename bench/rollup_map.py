"""Roll-up map payload at national scale (synthetic): bytes sent to a phone per level.

    .venv/bin/python bench/rollup_map.py [--kab 500] [--cells 13] [--edge 8]

``--kab`` kabupaten/kota (a square grid of them, 0.5° each, spread over ~11° like a province
group; Indonesia has 514), each split into ``--cells``² kelurahan of jagged outline (``--edge``
vertices per side, shared exactly with the neighbour), so 500 × 169 ≈ 84,500 areas (Indonesia
has ~83,000 villages).  Prints the GeoJSON bytes the old route sent (every area as stored),
:func:`petarawan.server.views.rollup_map` at level 0 (areas, simplified to one pixel of a 2000 px
map) and at level 2 (kabupaten dissolved and simplified), with CPU seconds; last line JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
import shapely

from petarawan.server import views


class SyntheticRun:
    """Stands in for a LoadedRun: creation date, public GeoJSON properties, shapes in memory."""

    def __init__(self, codes: list[str], classes: list[str], shapes: np.ndarray):
        self.manifest = {"created": "2025-01-01"}
        self.geojson = {"crs": "EPSG:4326", "features": [{"geometry": True, "properties": {"code": c, "name": c, "class": k}}
                                                        for c, k in zip(codes, classes)]}
        self._memo = {("shapes",): list(shapes)}

    def memo(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]


def synthetic(kab: int, cells: int, edge: int, seed: int = 1) -> SyntheticRun:
    side = math.ceil(math.sqrt(kab))
    n = side * cells  # cells per row overall
    step = 0.5 / cells
    rng = np.random.default_rng(seed)
    m = n * edge + 1
    xs = np.arange(m) * step / edge
    lat = np.stack(np.meshgrid(xs, xs, indexing="ij"), axis=-1) + rng.normal(0, step / edge / 6, (m, m, 2))
    lat[0, :, 0], lat[-1, :, 0], lat[:, 0, 1], lat[:, -1, 1] = xs[0], xs[-1], xs[0], xs[-1]
    lat += np.array([95.0, -11.0])
    # ring of one cell: bottom → right → top → left along the shared lattice points
    k = np.arange(edge)
    ring_i = np.concatenate([k, np.full(edge, edge), edge - k, np.zeros(edge, int), [0]])
    ring_j = np.concatenate([np.zeros(edge, int), k, np.full(edge, edge), edge - k, [0]])
    codes, classes, rings = [], [], []
    names = ["Bahaya", "Waspada", "Siaga", "Aman"]
    for kb in range(kab):
        kx, ky = divmod(kb, side)
        for c in range(cells * cells):
            cx, cy = kx * cells + c // cells, ky * cells + c % cells
            rings.append(lat[cx * edge + ring_i, cy * edge + ring_j])
            codes.append(f"{11 + kb // 100:02d}.{kb % 100:02d}.{c // 100:02d}.{1000 + c % 100:04d}")
            classes.append(names[int(rng.integers(0, 4))])
    return SyntheticRun(codes, classes, shapely.polygons(np.array(rings)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kab", type=int, default=500)
    ap.add_argument("--cells", type=int, default=13)
    ap.add_argument("--edge", type=int, default=8)
    a = ap.parse_args()
    run = synthetic(a.kab, a.cells, a.edge)
    shapes = run.memo(("shapes",), None)
    raw = sum(len(s) for s in shapely.to_geojson(np.array(shapes, dtype=object))) + 80 * len(shapes)
    out = {"areas": len(shapes), "raw_bytes": raw}
    for level in (0, 2):
        t0 = time.process_time()
        geo = views.rollup_map([({"name": "national"}, run)], level=level)
        body = json.dumps(geo, ensure_ascii=False, separators=(",", ":")).encode()
        out[f"level{level}_bytes"] = len(body)
        out[f"level{level}_features"] = len(geo["features"])
        out[f"level{level}_cpu_s"] = round(time.process_time() - t0, 2)
        print(f"level {level}: {len(geo['features'])} features, {len(body) / 1e6:.2f} MB, "
              f"tolerance {geo['tolerance']:.4g}°, {out[f'level{level}_cpu_s']} s CPU", flush=True)
    print(f"as stored: {len(shapes)} areas, {raw / 1e6:.1f} MB")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
