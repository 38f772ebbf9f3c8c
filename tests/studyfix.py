"""Test helpers: a tiny hand-checkable study written to a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path


CODES = ["19.71.01.1001", "19.71.01.1002", "19.71.01.1003", "19.71.01.1004"]
NAMES = ["Alfa", "Bravo", "Charlie", "Delta"]

# Hand-worked 4-area study (see test_pipeline.py for the arithmetic)
TABLE = {
    "x1": [0, 5, 10, 20],   # dimension s, direction +1, weight 1, count, BNN main present_at 5
    "x2": [4, 2, 0, 4],     # dimension s, direction -1, weight 3, BNN supporting present_at 1 (<= for -1)
    "x3": [1, 3, 5, 3],     # dimension d, direction +1, weight 1
}


def square(i: int) -> list:
    # 2 x 2 lattice of 0.01° squares near Pangkalpinang (lon 106.1, lat -2.1)
    x0, y0 = 106.10 + 0.01 * (i % 2), -2.10 - 0.01 * (i // 2)
    return [[[x0, y0], [x0 + 0.01, y0], [x0 + 0.01, y0 - 0.01], [x0, y0 - 0.01], [x0, y0]]]


def boundary_geojson(codes=CODES, names=NAMES, geoms=None) -> dict:
    feats = []
    for i, (c, n) in enumerate(zip(codes, names)):
        g = geoms[i] if geoms else {"type": "Polygon", "coordinates": square(i)}
        feats.append({"type": "Feature", "properties": {"kode": c, "nama": n, "kec": "Satu" if i < 2 else "Dua"},
                      "geometry": g})
    return {"type": "FeatureCollection", "features": feats}


CONFIG = """
[study]
name = "Uji"
data_date = "2025"

[areas]
file = "areas.geojson"
group_column = "kec"

[data]
file = "data.csv"

[[dimensions]]
code = "s"
label_id = "Pasokan"
weight = 3

[[dimensions]]
code = "d"
label_id = "Permintaan"
weight = 1

[[indicators]]
code = "x1"
label_id = "Kasus"
dimension = "s"
count = true
bnn = "main"
present_at = 5

[[indicators]]
code = "x2"
label_id = "Fasilitas"
dimension = "s"
direction = -1
weight = 3
bnn = "supporting"
present_at = 1

[[indicators]]
code = "x3"
label_id = "Pengguna"
dimension = "d"
"""


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


