"""Normalisation, aggregation, weighting (AHP, budget, PCA), imputation and outlier methods.

Every expected value is worked out in a comment or taken from a cited published example.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kurtosis as sp_kurtosis
from scipy.stats import skew as sp_skew

from index_fixtures import FOUR_DATA, four_config, make_config
from petarawan.errors import ConfigError, InputError
from petarawan.index import build_index
from petarawan.index import normalise as nz
from petarawan.index.aggregate import copeland, generalised, geometric, harmonic
from petarawan.index.treat import impute, kurt, skew, treat_column, treat_outliers
from petarawan.index.weights import SAATY_RI, ahp, budget, pca_first_component

ONE = [{"code": "x", "label_id": "x", "dimension": "D"}]
ONE_DIM = [{"code": "D", "label_id": "D"}]


def col(v):
    return np.asarray(v, float)[:, None]


# ---------------------------------------------------------------- normalisation

def test_percentile_rank_svi_with_ties():
    # CDC/ATSDR SVI: (rank − 1)/(n − 1), ties take the lowest rank (Excel PERCENTRANK.INC).
    # values 10, 20, 20, 30, 40 → ranks 1, 2, 2, 4, 5 → 0/4, 1/4, 1/4, 3/4, 4/4
    out = nz.percentile(col([10, 20, 20, 30, 40]), 0, 1)
    np.testing.assert_allclose(out[:, 0], [0, 0.25, 0.25, 0.75, 1.0])
    # NaN stays NaN and n counts only present values: 5, NaN, 1 → ranks 2, –, 1 → 1, –, 0
    out = nz.percentile(col([5, np.nan, 1]), 0, 100)
    np.testing.assert_allclose(out[:, 0], [100, np.nan, 0])


def test_zscore_and_rank():
    # mean 4, sample sd sqrt(((−2)² + 0 + 2²)/2) = 2 → −1, 0, 1
    np.testing.assert_allclose(nz.zscore(col([2, 4, 6]))[:, 0], [-1, 0, 1])
    # ascending ranks, ties lowest: 3, 1, 3, 2 → 3, 1, 3, 2
    np.testing.assert_allclose(nz.rank(col([3, 1, 3, 2]))[:, 0], [3, 1, 3, 2])


def test_goalposts_both_directions():
    inds = [{"code": "up", "label_id": "up", "dimension": "D", "goalposts": [0, 50]},
            {"code": "down", "label_id": "down", "dimension": "D", "direction": -1, "goalposts": [100, 0]}]
    cfg = make_config(inds, ONE_DIM, index={"normalisation": "goalposts"})
    data = pd.DataFrame({"up": [-10.0, 0, 25, 80], "down": [100.0, 75, 0, -5]}, index=list("abcd"))
    n = build_index(data, cfg).normalised
    # up: (x − 0)/(50 − 0), capped: −10 → 0, 0 → 0, 25 → 50, 80 → 100
    assert n["up"].tolist() == pytest.approx([0, 0, 50, 100])
    # down: least prone 100, most prone 0: 100 → 0, 75 → 25, 0 → 100, −5 → 100 (capped)
    assert n["down"].tolist() == pytest.approx([0, 25, 100, 100])


def test_goalposts_missing_is_config_error():
    with pytest.raises(ConfigError, match="goalposts"):
        build_index(FOUR_DATA, four_config(index={"normalisation": "goalposts"}))


def test_distance_to_target():
    inds = [{"code": "x", "label_id": "x", "dimension": "D", "target": 10}]
    cfg = make_config(inds, ONE_DIM, index={"normalisation": "target"})
    n = build_index(pd.DataFrame({"x": [0.0, 5, 10, 20]}, index=list("abcd")), cfg).normalised
    # min 0: (x − 0)/(10 − 0) capped at 1 → 0, 50, 100, 100
    assert n["x"].tolist() == pytest.approx([0, 50, 100, 100])


def test_distance_to_reference_area():
    cfg = make_config(ONE, ONE_DIM, index={"normalisation": "reference", "reference_area": "c"})
    n = build_index(pd.DataFrame({"x": [0.0, 5, 10, 30]}, index=list("abcd")), cfg).normalised
    # ½ (x − min)/(x_ref − min) = ½ x/10 → 0, .25, .5, 1.5 (capped 1) → ×100
    assert n["x"].tolist() == pytest.approx([0, 25, 50, 100])
    bad = make_config(ONE, ONE_DIM, index={"normalisation": "reference", "reference_area": "zz"})
    with pytest.raises(ConfigError, match="zz"):
        build_index(pd.DataFrame({"x": [0.0, 5]}, index=list("ab")), bad)


# ---------------------------------------------------------------- aggregation

GOAL = [{"code": "x", "label_id": "x", "dimension": "D", "goalposts": [0, 100]},
        {"code": "y", "label_id": "y", "dimension": "D", "goalposts": [0, 100]}]


def _one_dim_score(agg, data, weights=(1, 1), **index):
    """Dimension score of a one-dimension study whose goalposts [0, 100] on range 0–100 leave
    every value as entered, so the mean of the raw values is what build_index must return."""
    inds = [dict(i, weight=w) for i, w in zip(GOAL, weights)]
    cfg = make_config(inds, ONE_DIM, index={"normalisation": "goalposts", "aggregation": agg, **index})
    res = build_index(pd.DataFrame(data, index=[f"k{i}" for i in range(len(data["x"]))]), cfg)
    np.testing.assert_allclose(res.score, res.dimensions["D"])  # one dimension: index = dimension
    return res.dimensions["D"].to_numpy()


def test_geometric_harmonic_generalised_by_hand():
    # the production path (build_index → aggregate_framework); area k0 has x = 4, y = 16, the
    # others keep every value positive (no shift): 100/100 and 1/1
    data = {"x": [4.0, 100, 1], "y": [16.0, 100, 1]}
    assert _one_dim_score("geometric", data)[0] == pytest.approx(8.0)                 # sqrt(4·16)
    assert _one_dim_score("harmonic", data)[0] == pytest.approx(6.4)                  # 2/(1/4 + 1/16) = 32/5
    assert _one_dim_score("generalised", data, power=2)[0] == pytest.approx(np.sqrt(136))  # sqrt((16 + 256)/2)
    assert _one_dim_score("arithmetic", data)[0] == pytest.approx(10.0)
    # weights 3:1 → geometric 4^(3/4)·16^(1/4) = 2^(3/2)·2 = 2^2.5 = 5.657
    assert _one_dim_score("geometric", data, weights=(3, 1))[0] == pytest.approx(2 ** 2.5)
    # a zero: harmonic of (0, 4) on 0–100 shifts by c = 1 − 0 = 1: 2/(1/1 + 1/5) − 1 = 2/3
    shifted = _one_dim_score("harmonic", {"x": [0.0, 100, 1], "y": [4.0, 100, 1]})
    assert shifted[0] == pytest.approx(2 / 3)
    # index level: two dimensions of one indicator each, D1 = 4, D2 = 16, weights 1:3 →
    # geometric index 4^(1/4)·16^(3/4) = 2^(1/2 + 3) = 2^3.5
    inds = [dict(GOAL[0], dimension="D1"), dict(GOAL[1], dimension="D2")]
    cfg = make_config(inds, [{"code": "D1", "label_id": "D1", "weight": 1}, {"code": "D2", "label_id": "D2", "weight": 3}],
                      index={"normalisation": "goalposts", "index_aggregation": "geometric"})
    res = build_index(pd.DataFrame(data, index=["k0", "k1", "k2"]), cfg)
    assert res.score["k0"] == pytest.approx(2 ** 3.5)
    # the named one-level functions are the same implementation
    x, w = np.array([[4.0, 16.0]]), np.array([1.0, 1.0])
    assert geometric(x, w)[0] == pytest.approx(8.0)
    assert harmonic(x, w)[0] == pytest.approx(6.4)
    assert generalised(x, w, 2)[0] == pytest.approx(np.sqrt(136))


def test_geometric_with_zero_is_shifted_and_reported():
    # min–max 0–100 makes zeros; the shifted geometric mean with c = 1 − 0 = 1:
    # area P normalised (a1 0, a2 100): A = exp(¼ ln 1 + ¾ ln 101) − 1 = 101^0.75 − 1 = 31.0
    res = build_index(FOUR_DATA, four_config(index={"aggregation": "geometric", "index_aggregation": "arithmetic"}))
    assert res.dimensions.loc["P", "A"] == pytest.approx(101 ** 0.75 - 1)
    assert any(f.code == "aggregation_shift" for f in res.findings)
    agg = [s for s in res.steps if s["step"] == "aggregation"]
    assert agg[0]["params"]["shifts"]["A"] == pytest.approx(1.0)
    # range 1–100 (COINr's advice): no zeros, no shift
    res = build_index(FOUR_DATA, four_config(index={"aggregation": "geometric", "range": [1, 100]}))
    assert not any(f.code == "aggregation_shift" for f in res.findings)


def test_geometric_zero_error_option():
    with pytest.raises(InputError, match="zero_handling|range"):
        build_index(FOUR_DATA, four_config(index={"aggregation": "geometric", "zero_handling": "error"}))


def _outranking_row_sums(x, w):
    # COINr outrankMatrix: O_ij = Σ w[x_i > x_j] + ½ Σ w[x_i = x_j], i ≠ j; Copeland = row sums
    n = len(x)
    O = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                O[i, j] = w[x[i] > x[j]].sum() + 0.5 * w[x[i] == x[j]].sum()
    return O.sum(axis=1)


def test_copeland_equals_outranking_row_sums():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 4, size=(7, 3)).astype(float)  # many ties
    w = np.array([0.5, 0.3, 0.2])
    n = len(x)
    expected = _outranking_row_sums(x, w)
    # production path: build_index with Copeland within the dimension; min–max (direction +1)
    # keeps every order and tie of the raw values, so the outranking matrix of the raw values
    # applies; petarawan puts the row sums on 0–100 by dividing by n − 1 (weights sum to 1)
    inds = [{"code": f"c{k}", "label_id": f"c{k}", "dimension": "D", "weight": float(w[k])} for k in range(3)]
    cfg = make_config(inds, ONE_DIM, index={"aggregation": "copeland", "index_aggregation": "arithmetic"})
    data = pd.DataFrame(x, columns=["c0", "c1", "c2"], index=[f"k{i}" for i in range(n)])
    res = build_index(data, cfg)
    np.testing.assert_allclose(res.dimensions["D"], 100 * expected / (n - 1))
    # and at the index level: three dimensions of one indicator each, dimension weights w
    inds = [{"code": f"c{k}", "label_id": f"c{k}", "dimension": f"D{k}"} for k in range(3)]
    dims = [{"code": f"D{k}", "label_id": f"D{k}", "weight": float(w[k])} for k in range(3)]
    res = build_index(data, make_config(inds, dims, index={"index_aggregation": "copeland"}))
    np.testing.assert_allclose(res.score, 100 * expected / (n - 1))
    np.testing.assert_allclose(copeland(x, w, 0, n - 1), expected)


# ---------------------------------------------------------------- weighting

def test_ahp_saaty_wealth_of_nations():
    # Saaty (1990), "How to make a decision: the AHP", EJOR 48, Table 2 (relative wealth of
    # US, USSR, China, France, UK, Japan, W. Germany): eigenvector .427 .230 .021 .052 .052
    # .123 .094, λmax = 7.61, CR = 0.08 (RI(7) = 1.32)
    A = np.array([[1, 4, 9, 6, 6, 5, 5], [1 / 4, 1, 7, 5, 5, 3, 4], [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
                  [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3], [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
                  [1 / 5, 1 / 3, 7, 3, 3, 1, 2], [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1]])
    r = ahp(A)
    np.testing.assert_allclose(r["weights"], [.427, .230, .021, .052, .052, .123, .094], atol=5e-4)
    assert r["lambda_max"] == pytest.approx(7.61, abs=0.005)
    assert r["cr"] == pytest.approx(0.08, abs=0.005)
    assert SAATY_RI[3] == 0.58 and SAATY_RI[7] == 1.32


def test_ahp_consistent_matrix_by_hand():
    # a_ij = w_i/w_j for w = (0.5, 0.3, 0.2): eigenvector = w, λmax = n = 3, CI = CR = 0
    w = np.array([0.5, 0.3, 0.2])
    r = ahp(w[:, None] / w[None, :])
    np.testing.assert_allclose(r["weights"], w)
    assert r["lambda_max"] == pytest.approx(3.0)
    assert r["cr"] == pytest.approx(0.0, abs=1e-12)


AHP_DIMS = [{"code": "A", "label_id": "A"}, {"code": "B", "label_id": "B"}, {"code": "C", "label_id": "C"}]
AHP_INDS = [{"code": c.lower(), "label_id": c, "dimension": c} for c in "ABC"]


def test_ahp_weights_from_config_with_fractions():
    ahp_cfg = {"dimensions": {"items": ["A", "B", "C"], "matrix": [[1, "5/3", 2.5], ["3/5", 1, 1.5], [0.4, "2/3", 1]]}}
    cfg = make_config(AHP_INDS, AHP_DIMS, index={"weighting": {"dimensions": "ahp", "ahp": ahp_cfg}})
    data = pd.DataFrame({"a": [0.0, 1], "b": [0.0, 1], "c": [1.0, 0]}, index=["p", "q"])
    res = build_index(data, cfg)
    assert res.weights.set_index("indicator")["dimension_weight"].tolist() == pytest.approx([0.5, 0.3, 0.2])
    # p: 0·.5 + 0·.3 + 100·.2 = 20; q: 50 + 30 + 0 = 80
    assert res.score.tolist() == pytest.approx([20, 80])
    step = next(s for s in res.steps if s["step"] == "weighting" and s["params"]["level"] == "dimension")
    assert step["method"] == "ahp" and step["params"]["cr"] == pytest.approx(0, abs=1e-9)


def test_ahp_inconsistent_is_config_error_with_cr_and_pair():
    # A ≻ B (9), B ≻ C (9) but C ≻ A (9): circular, CR ≫ 0.10
    ahp_cfg = {"dimensions": {"items": ["A", "B", "C"], "matrix": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]}}
    cfg = make_config(AHP_INDS, AHP_DIMS, index={"weighting": {"dimensions": "ahp", "ahp": ahp_cfg}})
    data = pd.DataFrame({"a": [0.0, 1], "b": [0.0, 1], "c": [1.0, 0]}, index=["p", "q"])
    with pytest.raises(ConfigError) as e:
        build_index(data, cfg)
    msg = e.value.text("en")
    assert "CR = " in msg and "> 0.10" in msg and "most inconsistent pair" in msg
    cr = float(msg.split("CR = ")[1].split()[0])
    assert cr > 1.0
    assert "> 0,10" in e.value.text("id") and "pasangan paling tidak konsisten" in e.value.text("id")  # Indonesian decimals


def test_ahp_matrix_not_reciprocal_rejected():
    with pytest.raises(ConfigError, match="reciprocal"):
        make_config(AHP_INDS, AHP_DIMS, index={"weighting": {"dimensions": "ahp", "ahp": {
            "dimensions": {"items": ["A", "B", "C"], "matrix": [[1, 3, 1], [3, 1, 1], [1, 1, 1]]}}}})


def test_budget_allocation_by_hand():
    # expert 1: 60/40 → .6, .4; expert 2: 20/80 → .2, .8; expert 3 gives all 10 points to a → 1, 0
    # mean: (.6 + .2 + 1)/3 = .6, (.4 + .8 + 0)/3 = .4
    w = budget([{"a": 60, "b": 40}, {"a": 20, "b": 80}, {"a": 10}], ["a", "b"])
    np.testing.assert_allclose(w, [0.6, 0.4])
    inds = [{"code": "a", "label_id": "a", "dimension": "D"}, {"code": "b", "label_id": "b", "dimension": "D"}]
    cfg = make_config(inds, ONE_DIM, index={"weighting": {"indicators": "budget", "budget": {"D": [{"a": 60, "b": 40}, {"a": 20, "b": 80}, {"a": 10}]}}})
    res = build_index(pd.DataFrame({"a": [0.0, 1], "b": [1.0, 0]}, index=["p", "q"]), cfg)
    assert res.weights["weight"].tolist() == pytest.approx([0.6, 0.4])
    bad = make_config(inds, ONE_DIM, index={"weighting": {"indicators": "budget", "budget": {"D": [{"a": 5, "zz": 5}]}}})
    with pytest.raises(ConfigError, match="zz"):
        build_index(pd.DataFrame({"a": [0.0, 1], "b": [1.0, 0]}, index=["p", "q"]), bad)


def test_pca_first_component_squared_loadings():
    # x2 = x1 and x3 ⟂ x1 (centred x1 = −1.5, −.5, .5, 1.5; x3 = 1, −1, −1, 1; dot = 0):
    # correlation matrix [[1,1,0],[1,1,0],[0,0,1]] → PC1 = (1/√2, 1/√2, 0) → weights .5, .5, 0
    x = pd.DataFrame({"x1": [1.0, 2, 3, 4], "x2": [1.0, 2, 3, 4], "x3": [1.0, -1, -1, 1]})
    w, params = pca_first_component(x)
    assert [w["x1"], w["x2"], w["x3"]] == pytest.approx([0.5, 0.5, 0.0], abs=1e-12)
    assert params["variance_explained"] == pytest.approx(2 / 3)


def test_pca_handbook_two_blocks_by_hand():
    # Four indicators in two uncorrelated blocks, built from orthogonal centred columns of a
    # Hadamard matrix (h1…h4, equal norms): a1 = h1, a2 = 0.8 h1 + 0.6 h2 (corr 0.8);
    # b1 = h3, b2 = 0.4 h3 + √0.84 h4 (corr 0.4).  Correlation eigenvalues 1.8, 1.4, 0.6, 0.2:
    # two exceed 1 and explain (1.8 + 1.4)/4 = 80 % > 60 % → K = 2 factors.  The loadings are
    # already simple (a on factor 1: √0.9 each; b on factor 2: √0.7 each), varimax keeps them;
    # squared loadings scaled to unity sum: 0.5 each within a factor; explained variance
    # 1.8 and 1.4 → shares 1.8/3.2 = 0.5625 and 0.4375; weights 0.5 · share:
    # a1 = a2 = 0.28125, b1 = b2 = 0.21875 (sum 1).  The first component alone: 0.5, 0.5, 0, 0.
    from scipy.linalg import hadamard

    from petarawan.index.weights import pca_handbook

    h = hadamard(8).astype(float)[:, 1:5]
    x = pd.DataFrame({"a1": h[:, 0], "a2": 0.8 * h[:, 0] + 0.6 * h[:, 1],
                      "b1": h[:, 2], "b2": 0.4 * h[:, 2] + np.sqrt(0.84) * h[:, 3]})
    w, params = pca_handbook(x)
    assert params["factors"] == 2
    np.testing.assert_allclose(params["eigenvalues"], [1.8, 1.4, 0.6, 0.2], atol=1e-12)
    assert [w[c] for c in ("a1", "a2", "b1", "b2")] == pytest.approx([0.28125, 0.28125, 0.21875, 0.21875], abs=1e-9)
    w1, _ = pca_first_component(x)
    assert [w1[c] for c in ("a1", "a2", "b1", "b2")] == pytest.approx([0.5, 0.5, 0, 0], abs=1e-9)


# Technology Achievement Index, 23 countries × 8 indicators, the data of the OECD/JRC Handbook's
# worked example (Handbook 2008, TAI data; as transcribed in forum.posit.co/t/varimax-rotation/109877)
TAI = pd.DataFrame(
    [[187, 125.6, 200.2, 50.7, 3.08, 4.15, 10, 27.4], [289, 130, 179.1, 66.2, 3, 4.07, 12, 13.9],
     [271, 156.6, 125.8, 59.7, 3.1, 4.14, 11.4, 15.3], [994, 64.6, 49, 80.8, 3, 3.86, 9.5, 10],
     [779, 9.8, 4.8, 66.7, 2.97, 3.65, 10.8, 23.2], [189, 151.2, 136, 50.9, 3.02, 3.77, 9.4, 9.5],
     [82, 134, 57.4, 61.9, 3.02, 3.73, 9.4, 14.9], [31, 38.6, 108, 48.7, 2.94, 4.18, 11.6, 14.2],
     [75, 18.2, 125.9, 16.2, 2.94, 3.94, 10.9, 25.3], [8, 25.5, 72.3, 74.9, 2.95, 3.83, 7.1, 24.2],
     [235, 36.8, 41.2, 64.2, 2.94, 3.75, 10.2, 14.4], [103, 20.2, 193.6, 19, 3.12, 4.39, 11.9, 11.2],
     [106, 110.3, 48.6, 53.6, 2.97, 3.68, 9.4, 12.3], [72, 73.9, 58.9, 47.6, 2.91, 3.86, 9.3, 13.6],
     [103, 13, 146.7, 15.4, 2.86, 3.91, 11.7, 13.1], [165, 14.8, 84.2, 50.3, 2.99, 3.79, 8.4, 13.6],
     [205, 33.6, 36.4, 58.9, 2.97, 3.8, 7.9, 12.6], [74, 43.6, 43.2, 45, 2.96, 3.74, 9.6, 11],
     [42, 8.6, 21, 53.4, 2.86, 3.62, 7.3, 15.6], [13, 9.8, 30.4, 51, 3, 3.65, 7.2, 13],
     [28, 4.2, 25, 51.7, 2.75, 3.68, 9.5, 8.2], [26, 6.2, 21.6, 63.5, 2.73, 3.46, 9.1, 7.7],
     [105, 4, 20.3, 49.5, 2.84, 3.71, 7.1, 10.6]],
    columns=["patents", "royalties", "internet", "exports", "telephones", "electricity", "schooling", "university"])


def test_pca_handbook_tai_worked_example():
    # Handbook 2008, table "Eigenvalues of TAI data set" (numbered 16 in the text quoted at
    # mendeley.com/research/handbook-on-constructing-composite-indicators-methodology-and-user-guide-1):
    # 3.3, 1.7, 1.0, 0.9, 0.5, 0.3, 0.2, 0.1 with
    # variance 41.9, 21.8, 12.3, 11.1 (cumulative 87.2) % for the first four; the example keeps
    # four factors and reports Patents' rotated loadings 0.07, 0.97, 0.06, 0.06, squared and
    # scaled 0.00, 0.67, 0.00, 0.00 (table "Factor loadings of TAI based on principal components").
    from petarawan.index.weights import pca_handbook, retained_factors, varimax

    w, params = pca_handbook(TAI, n_factors=4)
    ev = np.array(params["eigenvalues"])
    np.testing.assert_allclose(ev, [3.3, 1.7, 1.0, 0.9, 0.5, 0.3, 0.2, 0.1], atol=0.06)
    np.testing.assert_allclose(100 * np.cumsum(ev)[3] / 8, 87.2, atol=0.05)
    np.testing.assert_allclose(100 * ev[:3] / 8, [41.9, 21.8, 12.3], atol=0.05)
    c = np.corrcoef(TAI.to_numpy(float), rowvar=False)
    vals, vecs = np.linalg.eigh(c)
    L = varimax(vecs[:, ::-1][:, :4] * np.sqrt(vals[::-1][:4]))
    patents = np.sort(np.abs(L[0]))[::-1]
    np.testing.assert_allclose(patents, [0.97, 0.07, 0.06, 0.06], atol=0.011)
    k = int(np.argmax(np.abs(L[0])))
    assert L[0, k] ** 2 / (L[:, k] ** 2).sum() == pytest.approx(0.67, abs=0.005)
    assert params["factor_of"]["patents"] == k + 1
    assert sum(w.values()) == pytest.approx(1.0)
    # the Handbook's stated rule (eigenvalue > 1, then > 60 % cumulative) keeps two factors here;
    # the worked example keeps four although the third and fourth eigenvalues are 0.98 and 0.89
    assert retained_factors(ev) == 2
    assert pca_handbook(TAI)[1]["factors"] == 2


def test_effective_weight_of_dominant_indicator():
    # b1 is the only indicator of B (overall weight 1/3) but a1 and a2 partly cancel inside A;
    # effective weights are r²-shares and must sum to 1
    w = build_index(FOUR_DATA, four_config()).weights.set_index("indicator")["effective_weight"]
    assert w.sum() == pytest.approx(1.0)
    assert (w >= 0).all()


# ---------------------------------------------------------------- imputation & availability

def test_group_mean_and_median_imputation_with_fallback():
    raw = pd.DataFrame({"x": [1.0, np.nan, 3.0, 10.0, np.nan, np.nan, 20.0]}, index=list("abcdefg"))
    groups = pd.Series(["g1", "g1", "g1", "g2", "g2", "g3", "g2"], index=raw.index)
    out, findings, params = impute(raw, "group_mean", groups=groups)
    # g1 mean (1 + 3)/2 = 2; g2 mean (10 + 20)/2 = 15; g3 has no value → overall mean (1+3+10+20)/4 = 8.5
    assert out["x"].tolist() == [1, 2, 3, 10, 15, 8.5, 20]
    assert params["group_fallback_to_overall"] == {"x": ["f"]}
    assert findings and "b" in findings[0].text("id")
    out, _, _ = impute(raw, "median", groups=None)
    # overall median of 1, 3, 10, 20 = 6.5
    assert out["x"].tolist() == [1, 6.5, 3, 10, 6.5, 6.5, 20]
    with pytest.raises(ConfigError, match="group_column"):
        impute(raw, "group_median", groups=None)


def test_availability_threshold_excludes_with_reason():
    data = FOUR_DATA.copy()
    data.loc["Q", ["a1", "a2"]] = np.nan  # Q has 1 of 3 indicators = 33 %
    res = build_index(data, four_config(index={"min_availability": 0.5, "imputation": "mean"}))
    assert np.isnan(res.score["Q"])
    assert "33%" in res.excluded["Q"] and "50%" in res.excluded["Q"]
    assert res.score.notna().sum() == 3


# ---------------------------------------------------------------- outliers

def test_skew_kurtosis_match_coinr_definitions():
    # COINr skew/kurt are e1071 type 2 = Excel SKEW/KURT = scipy's bias-corrected G1, G2
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    assert skew(x) == pytest.approx(sp_skew(x, bias=False))
    assert kurt(x) == pytest.approx(sp_kurtosis(x, bias=False))
    # hand: x = 1, 2, 3, 10 → mean 4, d = −3, −2, −1, 6; Σd² = 50, Σd³ = −27 − 8 − 1 + 216 = 180
    # g = √4·180/50^1.5 · √(4·3)/2 = 360/353.553 · 1.732 = 1.7636
    assert skew(np.array([1.0, 2, 3, 10])) == pytest.approx(2 * 180 / 50 ** 1.5 * np.sqrt(12) / 2)
    # kurtosis: Σd⁴ = 81 + 16 + 1 + 1296 = 1394; r = 4·1394/50² = 2.2304;
    # k = ((4 + 1)(2.2304 − 3) + 6)(4 − 1)/((4 − 2)(4 − 3)) = 2.152 · 1.5 = 3.228
    assert kurt(np.array([1.0, 2, 3, 10])) == pytest.approx(3.228)
    # as COINr: too few values or no spread → NaN (NaN values ignored)
    assert np.isnan(skew(np.array([1.0, 2]))) and np.isnan(kurt(np.array([1.0, 2, 3])))
    assert np.isnan(skew(np.array([4.0, 4, 4, 4]))) and skew(np.array([1.0, 2, np.nan, 3, 10])) == skew(np.array([1.0, 2, 3, 10]))


def test_winsorise_then_pass():
    # COINr's own example x = 1..10, 30, 100: skew 3.06, kurtosis 9.74 → fails.  Winsorising the
    # largest point (100 → next largest 30) gives skew 1.71 < 2 → passes after one point.
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    out, info = treat_column(x)
    assert info["action"] == "winsorised" and info["winsorised"] == [11]
    assert out[11] == 30 and out[:11].tolist() == x[:11].tolist()
    assert info["skew_before"] == pytest.approx(3.0632, abs=1e-4)


def test_ties_move_together_and_log_when_winsorising_is_not_enough():
    # two tied maxima move together and count as two points
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 200, 200])
    out, info = treat_column(x, max_winsorise=5)
    assert info["winsorised"][:2] == [18, 19]
    # no winsorising allowed → log_CT of the original: ln(x − min + 0.01·(max − min))
    y = np.array([1.0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 50])
    out, info = treat_column(y, max_winsorise=0)
    assert info["action"] == "log"
    np.testing.assert_allclose(out, np.log(y - 1 + 0.49))


def test_treat_outliers_reports_areas():
    data = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100], "y": np.arange(12.0)},
                        index=[f"k{i}" for i in range(12)])
    out, table, findings = treat_outliers(data)
    t = table.set_index("indicator")
    assert t.loc["x", "action"] == "winsorised" and t.loc["x", "areas"] == "k11"
    assert t.loc["y", "action"] == "none"
    assert len(findings) == 1 and "k11" in findings[0].text("id")
    res = build_index(data, make_config([{"code": "x", "label_id": "x", "dimension": "D"},
                                         {"code": "y", "label_id": "y", "dimension": "D"}], ONE_DIM,
                                        index={"outliers": True}))
    assert res.treated.loc["k11", "x"] == 30
    assert res.treatment.set_index("indicator").loc["x", "n_winsorised"] == 1


# ---------------------------------------------------------------- per-indicator normalisation

def test_per_indicator_normalisation_by_hand():
    # [index] min–max; y has its own goalposts [0, 10]; z its own percentile rank
    inds = [{"code": "x", "label_id": "x", "dimension": "D"},
            {"code": "y", "label_id": "y", "dimension": "D", "normalisation": "goalposts", "goalposts": [0, 10]},
            {"code": "z", "label_id": "z", "dimension": "D", "normalisation": "percentile"}]
    cfg = make_config(inds, ONE_DIM)
    data = pd.DataFrame({"x": [0.0, 5, 10], "y": [2.0, 4, 20], "z": [3.0, 1, 2]}, index=["p", "q", "r"])
    res = build_index(data, cfg)
    # x min–max: 0, 50, 100; y goalposts: 20, 40, 100 (20 capped); z: ranks 3, 1, 2 → (r − 1)/2 → 100, 0, 50
    assert res.normalised["x"].tolist() == pytest.approx([0, 50, 100])
    assert res.normalised["y"].tolist() == pytest.approx([20, 40, 100])
    assert res.normalised["z"].tolist() == pytest.approx([100, 0, 50])
    # equal weights: D = (0 + 20 + 100)/3 = 40, (50 + 40 + 0)/3 = 30, (100 + 100 + 50)/3 = 83.33
    assert res.score.tolist() == pytest.approx([40, 30, 250 / 3])
    step = next(s for s in res.steps if s["step"] == "normalisation")
    assert step["params"]["per_indicator"] == {"y": "goalposts", "z": "percentile"}
    # a Monte Carlo alternative replaces only the study-wide default: x becomes a rank, y and z keep theirs
    from petarawan.index.composite import normalise_frame

    nf = normalise_frame(data, cfg, "rank")
    np.testing.assert_allclose(nf.values, [[1, 20, 100], [2, 40, 0], [3, 100, 50]])
    # bands need every indicator on the range: an indicator with its own z-score is refused
    from petarawan.classify import classify

    zcfg = make_config([inds[0], dict(inds[1], normalisation="zscore")], ONE_DIM)
    with pytest.raises(ConfigError, match="zscore"):
        classify(build_index(data, zcfg).score, data, zcfg)


def test_unknown_method_names_list_the_registered_ones():
    from petarawan.index.normalise import NORMALISERS

    with pytest.raises(ConfigError) as e:
        make_config([dict(ONE[0], normalisation="minimax")], ONE_DIM)
    assert all(name in str(e.value) for name in NORMALISERS.names())
    with pytest.raises(ConfigError, match="'manual', 'equal', 'ahp' or 'budget'"):
        make_config(ONE, ONE_DIM, index={"weighting": {"dimensions": "pca"}})  # data-driven: indicators only
