"""Emerging-hot-spot pattern rules on hand-made series, one per pattern (hot and cold), and the
whole analysis on a small lattice.  Rules: Esri, "How Emerging Hot Spot Analysis works"
(module docstring of petarawan.spatial.emerging).  T = 10 periods, so "90 %" = at least 9."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from spatial_fixtures import lattice

from petarawan.errors import InputError
from petarawan.spatial.emerging import PATTERNS, classify_series, emerging_hotspots
from petarawan.spatial.weights import build_weights

H, C, _ = "H", "C", "."


def flags(s: str):
    return [c == "H" for c in s], [c == "C" for c in s]


CASES = [
    # (series: H hot, C cold, . neither; oldest first), significant MK trend sign, expected
    ("........." "H", 0, "new_hot"),             # hot only in the final period
    (".......HHH", 0, "consecutive_hot"),        # final run of 3, never hot before, 3/10 < 90 %
    ("HHHHHHHHHH", 1, "intensifying_hot"),       # 10/10 hot, final hot, increasing z
    (".HHHHHHHHH", 0, "persistent_hot"),         # 9/10 = 90 % hot, no trend
    ("HHHHHHHHHH", -1, "diminishing_hot"),       # 10/10 hot, decreasing z
    ("..H..HH..H", 0, "sporadic_hot"),           # final hot, earlier on-off hot, never cold
    ("CC.....HHH", 0, "oscillating_hot"),        # final hot, cold earlier, < 90 % hot
    ("HHHHHHHHH.", 0, "historical_hot"),         # 9/10 hot but not the final period
    ("........." "C", 0, "new_cold"),
    ("......CCCC", 0, "consecutive_cold"),
    ("CCCCCCCCCC", -1, "intensifying_cold"),     # z falling: colder
    ("CCCCCCCCC.", 0, "historical_cold"),
    ("CCCCCCCCCC", 0, "persistent_cold"),
    ("CCCCCCCCCC", 1, "diminishing_cold"),       # z rising towards 0: cold spot fading
    ("C..C...C.C", 0, "sporadic_cold"),
    ("HH......CC", 0, "oscillating_cold"),
    ("..HH......", 0, "no_pattern"),             # hot in the past only, < 90 %
    ("..........", 1, "no_pattern"),             # a trend alone is not a pattern
]


@pytest.mark.parametrize("series,trend,expected", CASES, ids=[c[2] + ":" + c[0] for c in CASES])
def test_pattern_rules(series, trend, expected):
    hot, cold = flags(series)
    assert classify_series(hot, cold, trend) == expected


def test_every_pattern_is_covered():
    assert {c[2] for c in CASES} == set(PATTERNS)


def test_boundary_cases():
    # 8/10 hot in one unbroken final run (< 90 %) → consecutive, not persistent
    hot, cold = flags("..HHHHHHHH")
    assert classify_series(hot, cold, 0) == "consecutive_hot"  # one unbroken final run of 8
    hot, cold = flags("H.HHHHHHHH")
    assert classify_series(hot, cold, 0) == "persistent_hot"   # 9/10 = 90 %
    hot, cold = flags("H..HHHHHHH")
    assert classify_series(hot, cold, 1) == "sporadic_hot"     # 8/10: trend is irrelevant below 90 %
    # a single final hot period after an earlier cold one is oscillating, not new
    hot, cold = flags("C........H")
    assert classify_series(hot, cold, 0) == "oscillating_hot"
    with pytest.raises(ValueError):
        classify_series([True, False], [True, False], 0)


def test_emerging_on_lattice_new_hot_spot():
    """5 × 5 lattice, 6 periods.  Periods 1–5: every area has 1 case (constant: no hot spot can
    exist).  Period 6: the top-left 2 × 2 block has 20 cases, the rest 1.  With analytical
    inference and no FDR, cell a (top-left, rook neighbours b, f) is then a significant hot spot
    for the first time in the final period → "new_hot"; far cells are never significant."""
    g = lattice(5, 5)
    w = build_weights(g, "rook").graph
    counts = pd.DataFrame(1.0, index=g.index, columns=[str(y) for y in range(2016, 2022)])
    counts.loc[["a", "b", "f", "g"], "2021"] = 20.0
    res = emerging_hotspots(counts, w, permutations=0, seed=1, alpha=0.05, fdr=False, inference="analytical")
    pat = dict(zip(res.ids, res.pattern))
    assert pat["a"] == "new_hot"
    assert pat["y"] == "no_pattern"
    assert res.hot[:, :5].sum() == 0 and res.cold[:, :5].sum() == 0
    assert res.periods == tuple(str(y) for y in range(2016, 2022))
    assert any(f.code == "emerging_few_periods" for f in res.findings)
    assert sum(f.code == "emerging_constant_period" for f in res.findings) == 5


def test_emerging_needs_four_periods():
    g = lattice(2, 2)
    w = build_weights(g, "rook").graph
    with pytest.raises(InputError, match="4 period"):
        emerging_hotspots(pd.DataFrame(np.arange(12.0).reshape(4, 3), index=g.index), w)
