"""A framework of any depth: indicators → sub-dimensions → dimensions → index.

The study, by hand (min–max 0–100, arithmetic means):

    area  a1   a2   a3   b1        S1 = {a1, a2} (w 1), S2 = {a3} (w 3)  → A;  B = {b1};  A, B (w 1, 1) → index
    p      0    0    0    0
    q     10   30  100    0
    r     20   40   50    0
    s     40   20    0   10

    a1 → 0, 25, 50, 100;  a2 → 0, 75, 100, 50;  a3 → 0, 100, 50, 0;  b1 → 0, 0, 0, 100
    S1 = (a1 + a2)/2 = 0, 50, 75, 75;  S2 = a3 = 0, 100, 50, 0
    A = (1·S1 + 3·S2)/4 = 0, 87.5, 56.25, 18.75;  B = 0, 0, 0, 100
    index = (A + B)/2 = 0, 43.75, 28.125, 59.375
    overall weights: a1, a2 = ½·¼·½ = 1/16; a3 = 1·¾·½ = 3/8; b1 = ½
"""

import numpy as np
import pandas as pd
import pytest

from index_fixtures import make_config
from petarawan.errors import ConfigError
from petarawan.index import build_index
from petarawan.index.uncertainty import evaluate, run_config, sample_design

INDS = [{"code": "a1", "label_id": "a1", "dimension": "S1"}, {"code": "a2", "label_id": "a2", "dimension": "S1"},
        {"code": "a3", "label_id": "a3", "dimension": "S2"}, {"code": "b1", "label_id": "b1", "dimension": "B"}]
DIMS = [{"code": "A", "label_id": "A"}, {"code": "S1", "label_id": "S1", "parent": "A", "weight": 1},
        {"code": "S2", "label_id": "S2", "parent": "A", "weight": 3}, {"code": "B", "label_id": "B"}]
DATA = pd.DataFrame({"a1": [0.0, 10, 20, 40], "a2": [0.0, 30, 40, 20], "a3": [0.0, 100, 50, 0], "b1": [0.0, 0, 0, 10]},
                    index=list("pqrs"))


def test_three_levels_by_hand():
    res = build_index(DATA, make_config(INDS, DIMS))
    d = res.dimensions
    assert list(d.columns) == ["A", "S1", "S2", "B"]
    assert d["S1"].tolist() == pytest.approx([0, 50, 75, 75])
    assert d["S2"].tolist() == pytest.approx([0, 100, 50, 0])
    assert d["A"].tolist() == pytest.approx([0, 87.5, 56.25, 18.75])
    assert d["B"].tolist() == pytest.approx([0, 0, 0, 100])
    assert res.score.tolist() == pytest.approx([0, 43.75, 28.125, 59.375])
    w = res.weights.set_index("indicator")
    assert w["overall_weight"].tolist() == pytest.approx([1 / 16, 1 / 16, 3 / 8, 1 / 2])
    assert res.dimension_weights.to_dict() == pytest.approx({"A": 0.5, "S1": 0.25, "S2": 0.75, "B": 0.5})


def test_geometric_index_over_a_deep_framework():
    # index level geometric over A and B with equal weights; a 0 among them → shift c = 1 − 0 = 1:
    # q: sqrt(88.5 · 1) − 1 = 8.4074; s: sqrt(19.75 · 101) − 1 = 43.6631
    res = build_index(DATA, make_config(INDS, DIMS, index={"index_aggregation": "geometric"}))
    assert res.score["q"] == pytest.approx(np.sqrt(88.5) - 1)
    assert res.score["s"] == pytest.approx(np.sqrt(19.75 * 101) - 1)


def test_constant_indicator_drops_its_sub_dimension():
    data = DATA.assign(a3=5.0)
    res = build_index(data, make_config(INDS, DIMS))
    # S2 has nothing left → dropped; A = S1; index = (S1 + B)/2 = 0, 25, 37.5, 87.5
    assert res.dimensions["S2"].isna().all()
    assert res.score.tolist() == pytest.approx([0, 25, 37.5, 87.5])
    assert res.dimension_weights["S1"] == pytest.approx(1.0) and res.dimension_weights["S2"] == 0
    assert {f.code for f in res.findings} >= {"constant_indicator", "dimension_dropped"}


def test_ahp_over_sub_dimensions_uses_the_parent_code():
    # S1 : S2 judged 1 : 3 → weights ¼, ¾ — the same as the manual weights above
    ahp = {"A": {"items": ["S1", "S2"], "matrix": [[1, "1/3"], [3, 1]]}}
    dims = [dict(d, weight=1) for d in DIMS]
    res = build_index(DATA, make_config(INDS, dims, index={"weighting": {"dimensions": "ahp", "ahp": {
        **ahp, "dimensions": {"items": ["A", "B"], "matrix": [[1, 1], [1, 1]]}}}}))
    assert res.score.tolist() == pytest.approx([0, 43.75, 28.125, 59.375])


@pytest.mark.parametrize("dims,match", [
    ([*DIMS[:3], dict(DIMS[3], parent="Z")], "parent 'Z' is not declared"),
    ([dict(DIMS[0], parent="S1"), *DIMS[1:]], "cycle"),
    ([*DIMS, {"code": "C", "label_id": "C", "parent": "B"}], "hold both indicators and dimensions"),
    ([*DIMS, {"code": "C", "label_id": "C"}], "have no indicator"),
])
def test_framework_errors_name_the_dimension(dims, match):
    with pytest.raises(ConfigError, match=match):
        make_config(INDS, dims)


def test_monte_carlo_runs_follow_the_deep_framework():
    unc = {"runs": 12, "weights": 0.3, "normalisation": ["percentile"], "aggregation": ["geometric"], "sobol": False}
    cfg = make_config(INDS, DIMS, index={"min_availability": 0.0}, uncertainty=unc,
                      classification={"method": "quantiles"})
    des = sample_design(cfg, 12, np.random.default_rng(1))
    assert des.d_mult.shape == (12, 4)
    ranks, classes = evaluate(DATA, cfg, des)
    from petarawan.classify import classify, rank
    from petarawan.config import CLASSES

    for r in range(12):
        rc = run_config(cfg, des, r, DATA)
        res = build_index(DATA, rc)
        np.testing.assert_array_equal(ranks[:, r], rank(res.score).astype("float").to_numpy(), err_msg=f"run {r}")
        cls = classify(res.score, DATA, rc)["class"]
        np.testing.assert_array_equal(classes[:, r], [CLASSES.index(c) for c in cls], err_msg=f"run {r}")
