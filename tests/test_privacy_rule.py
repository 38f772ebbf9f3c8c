"""The published-values rule (petarawan.privacy.publication) on a hand-worked study, and its parts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from petarawan.classify import classify, rank
from petarawan.index import build_index
from petarawan.privacy import (WITHHELD, Publication, band_bounds, format_published, publication, published_rank,
                               undetermined, undetermined_many)
from petarawan.registry import parse_config

CODES = [f"19.71.01.100{i}" for i in range(5)]


def _study(counts, x=(10, 20, 30, 40, 50), *, aggregation="arithmetic"):
    """Dimension A: one count c (BNN main, present at 1); dimension B: one other indicator x.
    Equal weights, min–max 0–100, classes by BNN's count rule (Siaga when the count is present)."""
    cfg = parse_config({
        "study": {"name": "uji"}, "areas": {"file": "-"}, "data": {"file": "-"},
        "dimensions": [{"code": "A", "label_id": "A", "weight": 1}, {"code": "B", "label_id": "B", "weight": 1}],
        "indicators": [{"code": "c", "label_id": "c", "dimension": "A", "count": True, "bnn": "main", "present_at": 1},
                       {"code": "x", "label_id": "x", "dimension": "B"}],
        "index": {"aggregation": aggregation},
        "classification": {"method": "count_rule", "count_rule": [{"class": "Siaga", "main": 1}]},
    })
    data = pd.DataFrame({"c": counts, "x": x}, index=pd.Index(CODES, name="code"), dtype=float)
    index = build_index(data, cfg)
    cls = classify(index.score, data, cfg)
    table = pd.DataFrame({"score": index.score, "class": cls["class"], "rank": rank(index.score),
                          "n_main": cls["n_main"], "n_supporting": cls["n_supporting"],
                          "dim_A": index.dimensions["A"], "dim_B": index.dimensions["B"]})
    return cfg, data, index, table


def test_hand_worked_bands():
    # c = 0, 1, 2, 3, 8: z_A = 12.5 c; x = 10…50: z_B = 0, 25, 50, 75, 100; score = (z_A + z_B) / 2
    pub = publication(*_study([0, 1, 2, 3, 8]))
    a0, a1, a2, a3, a8 = CODES
    # no small count: everything exact
    for code, score in ((a0, 0.0), (a8, 100.0)):
        assert (pub.low.at[code, "score"], pub.high.at[code, "score"]) == (score, score)
        assert pub.low.at[code, "dim_A"] == pub.high.at[code, "dim_A"]
    # c = 1 (z_B = 25): candidates c = 1..4 give scores 18.75, 25, 31.25, 37.5.  Bands of 25 split
    # off 18.75 ([0, 25)); bands of 50 hold all four → "0–50".  Dimension A (12.5 … 50): any band
    # leaves 50 or 12.5 alone → withheld.  Dimension B holds no count: exact.
    assert (pub.low.at[a1, "score"], pub.high.at[a1, "score"]) == (0.0, 50.0)
    assert math.isnan(pub.low.at[a1, "dim_A"]) and pub.low.at[a1, "dim_B"] == pub.high.at[a1, "dim_B"] == 25.0
    # c = 2 (z_B = 50): scores 31.25, 37.5, 43.75, 50 — 50 is alone in [50, 100] (and in [50, 75)):
    # withheld.  c = 3 (z_B = 75): scores 43.75 … 62.5 — 43.75 alone in [0, 50) and in [25, 50)
    assert math.isnan(pub.low.at[a2, "score"]) and math.isnan(pub.low.at[a3, "score"])
    # presence counts: 1 for every candidate, so always published; classes are published
    assert pub.low.loc[[a1, a2, a3], "n_main"].tolist() == [1, 1, 1]
    assert pub.reasons == {a1: "band", a2: "withheld", a3: "withheld"}
    # published ranks use the middles: 0, 25 (0–50), –, –, 100; withheld → <NA>
    assert pub.rank.tolist() == [3, 2, pd.NA, pd.NA, 1]
    assert [f.code for f in pub.findings] == ["published_coarsened"]


def test_geometric_means_are_protected_the_same_way():
    cfg, data, index, table = _study([0, 1, 2, 3, 8], aggregation="geometric")
    pub = publication(cfg, data, index, table)
    assert set(pub.reasons) == set(CODES[1:4])
    for code in CODES[1:4]:  # dimension A holds the count alone: never exact, never a band
        assert math.isnan(pub.low.at[code, "dim_A"])
    assert not pub.exact("score")[CODES[1:4]].any()


def test_only_one_candidate_fits_the_range():
    # c = 0, 1, 0, 0, 0: the largest value is 1, so the scale alone says "1" — the area's values
    # must not be published exactly (they would show that scale)
    pub = publication(*_study([0, 1, 0, 0, 0]))
    a1 = CODES[1]
    assert not pub.exact("score")[a1] and not pub.exact("dim_A")[a1]
    assert [f.code for f in pub.findings] == ["published_coarsened", "count_scale_small"]


def test_no_small_count_publishes_everything_exactly():
    cfg, data, index, table = _study([0, 5, 6, 7, 9])
    pub = publication(cfg, data, index, table)
    assert pub.reasons == {} and pub.findings == []
    assert pub.values("score").round(9).tolist() == table["score"].round(9).tolist()
    assert pub.rank.tolist() == table["rank"].tolist()


def test_publication_round_trips_through_run_json():
    cfg, data, index, table = _study([0, 1, 2, 3, 8])
    pub = publication(cfg, data, index, table)
    back = Publication.from_manifest(table, {"privacy": pub.to_manifest()})
    pd.testing.assert_frame_equal(back.low[pub.low.columns], pub.low, check_dtype=False)
    pd.testing.assert_frame_equal(back.high[pub.high.columns], pub.high, check_dtype=False)
    assert back.rank.tolist() == pub.rank.tolist()
    # a run.json written before the rule existed publishes no score at all
    assert Publication.from_manifest(table, {}).low.isna().all().all()


@pytest.mark.parametrize("keys, shape, expected", [
    ([[0], [0], [1]], (3,), False),          # the third candidate is alone
    ([[0], [0], [0]], (3,), True),
    ([[2], [3], [3], [4]], (2, 2), False),   # a sum of two cells: (1,1) and (2,2) are alone
    ([[0], [0], [0], [0]], (2, 2), True),
    ([[0], [1], [0], [1]], (2, 2), False),   # the published value names the second cell
    ([[0]], (1,), False),                    # one candidate: determined before anything is published
])
def test_undetermined_by_hand(keys, shape, expected):
    assert undetermined(np.array(keys), shape) is expected
    pos = np.indices(shape).reshape(len(shape), -1).T
    assert bool(undetermined_many(np.zeros(len(keys), int), [np.array(keys)[:, 0]], pos, 1)[0]) is expected


def test_bands_and_their_text():
    assert band_bounds(37.2, 4, 100.0, 0.0, 100.0) == (30.0, 40.0)     # 10 % bands
    assert band_bounds(100.0, 7, 100.0, 0.0, 100.0) == (50.0, 100.0)   # the top band is closed
    assert band_bounds(37.2, 0, 100.0, 0.0, 100.0) == (37.2, 37.2)     # exact
    assert all(math.isnan(v) for v in band_bounds(37.2, WITHHELD, 100.0, 0.0, 100.0))
    assert format_published(45.3125, 45.3125, "id") == "45,31" and format_published(45.3125, 45.3125, "en") == "45.31"
    assert format_published(2.5, 5.0, "id") == "2,5–5,0" and format_published(30, 40) == "30–40"
    assert format_published(float("nan"), float("nan")) == "–"
    low = pd.Series([30.0, 45.0, np.nan, 20.0])
    high = pd.Series([40.0, 45.0, np.nan, 50.0])
    assert published_rank(low, high).tolist() == [2, 1, pd.NA, 2]  # middles 35, 45, –, 35
