"""Small studies shared by the index tests (built with petarawan.config.parse_config)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from petarawan.registry import parse_config


def make_config(indicators, dimensions, index=None, classification=None, **extra):
    d = {
        "study": {"name": "uji"},
        "areas": {"file": "batas.geojson"},
        "data": {"file": "data.csv"},
        "dimensions": dimensions,
        "indicators": indicators,
    }
    if index is not None:
        d["index"] = index
    if classification is not None:
        d["classification"] = classification
    d.update(extra)
    return parse_config(d)


FOUR_INDICATORS = [
    {"code": "a1", "label_id": "A1", "dimension": "A", "direction": 1, "weight": 1},
    {"code": "a2", "label_id": "A2", "dimension": "A", "direction": -1, "weight": 3},
    {"code": "b1", "label_id": "B1", "dimension": "B", "direction": 1, "weight": 1},
]
FOUR_DIMENSIONS = [
    {"code": "A", "label_id": "Dimensi A", "weight": 2},
    {"code": "B", "label_id": "Dimensi B", "weight": 1},
]
FOUR_DATA = pd.DataFrame(
    {"a1": [10.0, 20.0, 30.0, 20.0], "a2": [5.0, 15.0, 10.0, 5.0], "b1": [0.0, 4.0, 8.0, 4.0]},
    index=pd.Index(["P", "Q", "R", "S"], name="code"),
)


def four_config(**kw):
    return make_config(FOUR_INDICATORS, FOUR_DIMENSIONS, **kw)


def random_study(n=40, m_per_dim=(3, 2, 2), seed=1, missing=0.0):
    """A seeded random study with len(m_per_dim) dimensions (for property tests)."""
    rng = np.random.default_rng(seed)
    inds, dims, cols = [], [], {}
    for d, m in enumerate(m_per_dim):
        dims.append({"code": f"D{d}", "label_id": f"D{d}", "weight": float(d + 1)})
        for j in range(m):
            code = f"x{d}{j}"
            inds.append({"code": code, "label_id": code, "dimension": f"D{d}",
                         "direction": 1 if (d + j) % 3 else -1, "weight": float(j + 1)})
            v = rng.lognormal(0, 1, n) * (10 ** j)
            if missing:
                v[rng.random(n) < missing] = np.nan
            cols[code] = v
    data = pd.DataFrame(cols, index=pd.Index([f"{i:02d}" for i in range(n)], name="code"))
    return inds, dims, data
