"""Composite index core: min–max with directions, weights, dimension scores, score, missing data.

The 4-area study (index_fixtures.FOUR_*), worked out by hand:

    area  a1(+1,w1)  a2(−1,w3)  b1(+1,w1)      dims: A (w2) = {a1, a2}, B (w1) = {b1}
    P        10          5          0
    Q        20         15          4
    R        30         10          8
    S        20          5          4

min–max 0–100, direction applied first:
    a1: min 10, max 30  → P 0,   Q 50, R 100, S 50
    a2: (max − x)/(15 − 5)·100 → P 100, Q 0,  R 50,  S 100
    b1: min 0, max 8    → P 0,   Q 50, R 100, S 50
weights within A: a1 1/4, a2 3/4;  dimension weights A 2/3, B 1/3
    A: P 0·.25 + 100·.75 = 75;  Q 12.5 + 0 = 12.5;  R 25 + 37.5 = 62.5;  S 12.5 + 75 = 87.5
    B: P 0, Q 50, R 100, S 50
score = (2A + B)/3:  P 150/3 = 50;  Q 75/3 = 25;  R 225/3 = 75;  S 225/3 = 75
"""

import numpy as np
import pandas as pd
import pytest

from index_fixtures import FOUR_DATA, four_config, make_config
from petarawan.errors import InputError
from petarawan.index import build_index
from petarawan.index import normalise as nz
from petarawan.index.aggregate import arithmetic


def test_four_area_study_by_hand():
    res = build_index(FOUR_DATA, four_config())
    n = res.normalised
    assert n["a1"].tolist() == pytest.approx([0, 50, 100, 50])
    assert n["a2"].tolist() == pytest.approx([100, 0, 50, 100])
    assert n["b1"].tolist() == pytest.approx([0, 50, 100, 50])
    assert res.dimensions["A"].tolist() == pytest.approx([75, 12.5, 62.5, 87.5])
    assert res.dimensions["B"].tolist() == pytest.approx([0, 50, 100, 50])
    assert res.score.tolist() == pytest.approx([50, 25, 75, 75])
    assert list(res.score.index) == ["P", "Q", "R", "S"]
    assert res.excluded.empty
    pd.testing.assert_frame_equal(res.treated, res.raw)


def test_weights_table():
    w = build_index(FOUR_DATA, four_config()).weights.set_index("indicator")
    # within A: 1/(1+3), 3/(1+3); B alone: 1.  Dimensions: 2/3, 1/3.  Overall = product.
    assert w["weight"].tolist() == pytest.approx([0.25, 0.75, 1.0])
    assert w["dimension_weight"].tolist() == pytest.approx([2 / 3, 2 / 3, 1 / 3])
    assert w["overall_weight"].tolist() == pytest.approx([1 / 6, 1 / 2, 1 / 3])
    assert w["overall_weight"].sum() == pytest.approx(1.0)
    assert w["effective_weight"].sum() == pytest.approx(1.0)


def test_steps_record_every_choice_in_order():
    res = build_index(FOUR_DATA, four_config())
    names = [s["step"] for s in res.steps]
    assert names.index("imputation") < names.index("outliers") < names.index("normalisation") < names.index("weighting")
    assert names[-2:] == ["aggregation", "aggregation"]
    norm = next(s for s in res.steps if s["step"] == "normalisation")
    assert norm["method"] == "minmax" and norm["params"]["range"] == [0.0, 100.0]
    assert norm["params"]["directions"] == {"a1": 1, "a2": -1, "b1": 1}


def test_range_is_configurable():
    # x' = lo + (hi − lo)·p: a1 on [1, 10]: P 1, Q 5.5, R 10
    res = build_index(FOUR_DATA, four_config(index={"range": [1, 10]}))
    assert res.normalised["a1"].tolist() == pytest.approx([1, 5.5, 10, 5.5])


def test_missing_indicator_within_dimension_renormalises():
    data = FOUR_DATA.copy()
    data.loc["P", "a2"] = np.nan
    res = build_index(data, four_config())
    # a2 over Q, R, S only: min 5 (S), max 15 (Q) → Q 0, R 50, S 100 (unchanged).
    # P's A score uses a1 alone (weight 1/4 renormalised to 1): A = 0 → score = (0 + 0)/3 = 0
    assert res.dimensions.loc["P", "A"] == pytest.approx(0.0)
    assert res.score["P"] == pytest.approx(0.0)
    assert res.score["S"] == pytest.approx(75.0)


def test_missing_whole_dimension_gives_no_score_with_reason():
    data = FOUR_DATA.copy()
    data.loc["Q", "b1"] = np.nan
    res = build_index(data, four_config())
    assert np.isnan(res.score["Q"])
    assert "B" in res.excluded["Q"] and "dimension" in res.excluded["Q"]
    assert res.score.notna().sum() == 3
    assert any(f.code == "no_score" and f.value == "Q" for f in res.findings)


def test_area_without_any_data():
    data = FOUR_DATA.copy()
    data.loc["R"] = np.nan
    res = build_index(data, four_config())
    assert np.isnan(res.score["R"])
    assert "no indicator data" in res.excluded["R"]


def test_constant_indicator_is_dropped_and_its_dimension_renormalised():
    data = FOUR_DATA.copy()
    data["a2"] = 7.0
    res = build_index(data, four_config())
    # a2 constant → left out (NaN, as COINr's n_minmax); A = a1 alone (its weight 1/4 → 1):
    # A: P 0, Q 50, R 100, S 50; score = (2A + B)/3: P 0, Q 50, R 100, S 50
    assert res.normalised["a2"].isna().all()
    assert res.dimensions["A"].tolist() == pytest.approx([0, 50, 100, 50])
    assert res.score.tolist() == pytest.approx([0, 50, 100, 50])
    assert res.dropped == ("a2",)
    w = res.weights.set_index("indicator")
    assert w.loc[["a1", "a2", "b1"], "weight"].tolist() == pytest.approx([1, 0, 1])
    assert w["overall_weight"].sum() == pytest.approx(1.0)
    warn = [f for f in res.findings if f.code == "constant_indicator"]
    assert len(warn) == 1 and warn[0].column == "a2" and warn[0].level == "warning" and "'A'" in warn[0].text("en")


def test_dimension_of_only_constant_indicators_is_dropped():
    data = FOUR_DATA.copy()
    data["b1"] = 7.0
    res = build_index(data, four_config())
    # B holds only b1 → B is left out and A carries the whole index (weight 2/3 → 1)
    assert res.dimensions["B"].isna().all()
    assert res.score.tolist() == pytest.approx([75, 12.5, 62.5, 87.5])
    assert res.dimension_weights.tolist() == pytest.approx([1, 0])
    assert res.weights.set_index("indicator")["overall_weight"].tolist() == pytest.approx([0.25, 0.75, 0])
    assert {f.code for f in res.findings} >= {"constant_indicator", "dimension_dropped"}
    assert res.excluded.empty


def test_constant_indicator_under_goalposts_is_kept():
    # goalposts are a fixed scale, not relative to the data: a constant indicator keeps its value
    inds = [dict(i, goalposts=[0, 40]) for i in [{"code": "a1", "label_id": "a1", "dimension": "A"},
                                                 {"code": "a2", "label_id": "a2", "dimension": "A"}]]
    cfg = make_config(inds, [{"code": "A", "label_id": "A"}], index={"normalisation": "goalposts"})
    res = build_index(pd.DataFrame({"a1": [0.0, 20, 40], "a2": [10.0, 10, 10]}, index=list("pqr")), cfg)
    # a1: 0, 50, 100; a2: 10/40 = 25 for all; A = mean: 12.5, 37.5, 62.5
    assert res.score.tolist() == pytest.approx([12.5, 37.5, 62.5])
    assert res.dropped == ()
    assert [f.code for f in res.findings if f.column == "a2"] == ["constant_indicator_goalposts"]


def test_missing_indicator_column_is_input_error():
    with pytest.raises(InputError, match="b1"):
        build_index(FOUR_DATA.drop(columns="b1"), four_config())


def test_minmax_direction_minus_one_formula():
    x = np.array([[2.0], [4.0], [10.0]])
    # direction −1: (max − x)/(max − min)·100 = (10 − 2)/8 = 100, (10 − 4)/8 = 75, 0
    out = nz.minmax(nz.apply_direction(x, np.array([-1])), 0, 100)
    assert out[:, 0].tolist() == pytest.approx([100, 75, 0])


def test_arithmetic_weighted_many_weight_sets():
    x = np.array([[10.0, 20.0], [np.nan, 40.0]])
    w = np.array([[1.0, 3.0], [1.0, 1.0]])  # two weight sets as columns (k=2, R=2)
    out = arithmetic(x, w)
    # row 0: set 0 (1·10 + 1·20)/2 = 15; set 1 (3·10 + 1·20)/4 = 12.5; row 1: only 40 present
    np.testing.assert_allclose(out, [[15, 12.5], [40, 40]])


def test_input_not_mutated():
    data = FOUR_DATA.copy()
    before = data.copy()
    build_index(data, four_config())
    pd.testing.assert_frame_equal(data, before)


def test_fused_minmax_equals_direction_then_minmax():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(50, 4)) * [1, 10, 100, 0]  # last column constant (all 0)
    x[rng.random((50, 4)) < 0.1] = np.nan
    d = np.array([1, -1, -1, 1])
    fused, const = nz.minmax_directed(x, d, 1, 10)
    np.testing.assert_allclose(fused, nz.minmax(nz.apply_direction(x, d), 1, 10), rtol=1e-12, atol=1e-12)
    assert const.tolist() == [False, False, False, True]
