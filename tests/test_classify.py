"""Classes (bands, count rule, quantiles, Fisher–Jenks), ranks, agreement with a reference label.

Scores of the 4-area study (worked out in test_index_core.py): P 50, Q 25, R 75, S 75.
"""

import numpy as np
import pandas as pd
import pytest

from index_fixtures import FOUR_DATA, four_config, make_config
from petarawan.classify import agreement, classify, rank
from petarawan.errors import ConfigError
from petarawan.index import build_index


def test_default_bands_on_the_boundaries():
    res = build_index(FOUR_DATA, four_config())
    cls = classify(res.score, FOUR_DATA, four_config())
    # default bands Bahaya ≥ 75, Waspada ≥ 50, Siaga ≥ 25: R = 75 and S = 75 (computed as
    # 2/3·87.5 + 1/3·50, floating point) are Bahaya; P = 50 Waspada; Q = 25 Siaga
    assert cls["class"].tolist() == ["Waspada", "Siaga", "Bahaya", "Bahaya"]


def test_custom_bands_reach_aman():
    cfg = four_config(classification={"method": "bands", "bands": {"Bahaya": 70, "Waspada": 40, "Siaga": 30}})
    res = build_index(FOUR_DATA, cfg)
    # Q = 25 < 30 → Aman
    assert classify(res.score, FOUR_DATA, cfg)["class"].tolist() == ["Waspada", "Aman", "Bahaya", "Bahaya"]


def test_rank_with_tie_and_nan():
    s = pd.Series([50.0, 25.0, 75.0, 75.0, np.nan], index=list("PQRSX"))
    r = rank(s)
    # R and S tie at the top → both 1; P next → 3 (rank 2 is skipped); Q → 4; X no score
    assert r.dtype == "Int64"
    assert r.iloc[:4].tolist() == [3, 4, 1, 1]
    assert r.isna().tolist() == [False] * 4 + [True]


def test_no_score_no_class():
    s = pd.Series([50.0, np.nan], index=["P", "Q"])
    cls = classify(s, FOUR_DATA.loc[["P", "Q"]], four_config())
    assert cls.loc["P", "class"] == "Waspada"
    assert cls["class"].isna().tolist() == [False, True]


BNN_INDICATORS = [
    # 3 main (one of direction −1), 2 supporting
    {"code": "kasus", "label_id": "Kasus", "dimension": "S", "bnn": "main", "present_at": 1},
    {"code": "pengedar", "label_id": "Pengedar", "dimension": "S", "bnn": "main", "present_at": 2},
    {"code": "jarak", "label_id": "Jarak ke pelabuhan", "dimension": "S", "bnn": "main", "present_at": 5, "direction": -1},
    {"code": "hiburan", "label_id": "Tempat hiburan", "dimension": "V", "bnn": "supporting", "present_at": 1},
    {"code": "miskin", "label_id": "Kemiskinan", "dimension": "V", "bnn": "supporting", "present_at": 20},
]
BNN_DIMS = [{"code": "S", "label_id": "Pasokan"}, {"code": "V", "label_id": "Kerentanan"}]
RULES = [
    # written out of order on purpose: the rule tries Bahaya, Waspada, Siaga in that order
    {"class": "Siaga", "main": 0, "supporting": 1},
    {"class": "Bahaya", "main": 3, "supporting": 2},
    {"class": "Waspada", "main": 2, "supporting": 0},
]
BNN_DATA = pd.DataFrame(
    {
        #        kasus pengedar jarak hiburan miskin
        "kasus": [3.0, 1.0, 0.0, 0.0, 2.0, np.nan],
        "pengedar": [2.0, 5.0, 0.0, 1.0, 2.0, 9.0],
        "jarak": [5.0, 8.0, 9.0, 6.0, 1.0, 1.0],
        "hiburan": [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
        "miskin": [25.0, 10.0, 30.0, 5.0, 19.9, 50.0],
    },
    index=pd.Index(["A", "B", "C", "D", "E", "F"], name="code"),
)
# present (main: kasus ≥ 1, pengedar ≥ 2, jarak ≤ 5; supporting: hiburan ≥ 1, miskin ≥ 20):
#   A: main 3 (3≥1, 2≥2, 5≤5)  supp 2 (1≥1, 25≥20) → Bahaya (3 & 2)
#   B: main 2 (1≥1, 5≥2; 8>5)  supp 0              → Waspada (2 & 0)
#   C: main 0                   supp 1 (30≥20)      → Siaga (0 & 1)
#   D: main 0                   supp 0              → Aman
#   E: main 3 (2, 2, 1≤5)       supp 1 (19.9 < 20)  → not Bahaya (needs 2 supp) → Waspada
#   F: main 2 (kasus missing = not present; 9≥2; 1≤5) supp 1 (50≥20) → Waspada


def test_count_rule_by_hand():
    cfg = make_config(BNN_INDICATORS, BNN_DIMS, classification={"method": "count_rule", "count_rule": RULES})
    score = pd.Series(1.0, index=BNN_DATA.index)
    out = classify(score, BNN_DATA, cfg)
    assert out["n_main"].tolist() == [3, 2, 0, 0, 3, 2]
    assert out["n_supporting"].tolist() == [2, 0, 1, 0, 1, 1]
    assert out["class"].tolist() == ["Bahaya", "Waspada", "Siaga", "Aman", "Waspada", "Waspada"]


def test_count_rule_bnn_example_5_main_4_supporting():
    # the published rule "Bahaya when at least 5 main and 4 supporting present": 8 main, 5 supp
    inds = [{"code": f"m{i}", "label_id": f"m{i}", "dimension": "S", "bnn": "main", "present_at": 1} for i in range(8)]
    inds += [{"code": f"s{i}", "label_id": f"s{i}", "dimension": "V", "bnn": "supporting", "present_at": 1} for i in range(5)]
    cfg = make_config(inds, BNN_DIMS, classification={"method": "count_rule", "count_rule": [{"class": "Bahaya", "main": 5, "supporting": 4}]})
    cols = [f"m{i}" for i in range(8)] + [f"s{i}" for i in range(5)]
    rows = {
        "five_four": [1] * 5 + [0] * 3 + [1] * 4 + [0],   # exactly 5 & 4 → Bahaya
        "four_five": [1] * 4 + [0] * 4 + [1] * 5,          # 4 main → Aman
        "eight_three": [1] * 8 + [1] * 3 + [0] * 2,        # 3 supp → Aman
    }
    data = pd.DataFrame.from_dict(rows, orient="index", columns=cols).astype(float)
    out = classify(pd.Series(1.0, index=data.index), data, cfg)
    assert out["class"].tolist() == ["Bahaya", "Aman", "Aman"]


def test_count_rule_needs_rules():
    with pytest.raises(ConfigError, match="count_rule"):
        make_config(BNN_INDICATORS, BNN_DIMS, classification={"method": "count_rule"})


def test_quantiles_four_equal_classes():
    cfg = four_config(classification={"method": "quantiles"})
    s = pd.Series(np.arange(1.0, 9.0), index=list("abcdefgh"))
    out = classify(s, pd.DataFrame(index=s.index), cfg)
    # quartiles of 1..8 (2.75, 4.5, 6.25): 1,2 Aman; 3,4 Siaga; 5,6 Waspada; 7,8 Bahaya
    assert out["class"].tolist() == ["Aman"] * 2 + ["Siaga"] * 2 + ["Waspada"] * 2 + ["Bahaya"] * 2


def test_fisher_jenks_natural_breaks():
    cfg = four_config(classification={"method": "jenks"})
    # four well-separated clusters: Fisher–Jenks puts each in its own class
    vals = [1, 2, 3, 20, 21, 40, 41, 42, 90, 95]
    s = pd.Series(np.array(vals, float), index=[f"a{i}" for i in range(10)])
    out = classify(s, pd.DataFrame(index=s.index), cfg)
    assert out["class"].tolist() == ["Aman"] * 3 + ["Siaga"] * 2 + ["Waspada"] * 3 + ["Bahaya"] * 2


def test_agreement_table():
    classes = pd.Series(["Bahaya", "Waspada", "Siaga", "Aman", "Bahaya", None], index=list("abcdef"), dtype="string")
    ref = pd.Series([1, 1, 1, 0, 0, 1], index=list("abcdef"))
    t = agreement(classes, ref)
    assert t.loc["Bahaya", "reference_1"] == 1 and t.loc["Bahaya", "reference_0"] == 1
    assert t.loc["Tanpa skor", "reference_1"] == 1
    # labelled areas: a, b, c, f (4); prone (Bahaya/Waspada): a, b → sensitivity 2/4
    assert t.attrs["sensitivity"] == pytest.approx(0.5)
    # unlabelled: d, e; Siaga/Aman among them: d → 1/2
    assert t.attrs["specificity"] == pytest.approx(0.5)
    assert t["share_of_reference_1"].sum() == pytest.approx(1.0)


def test_bands_refuse_scores_off_the_range():
    cfg = four_config(index={"normalisation": "zscore"})
    res = build_index(FOUR_DATA, cfg)
    with pytest.raises(ConfigError, match="zscore"):
        classify(res.score, FOUR_DATA, cfg)
    # quantiles work on any scale
    cfg = four_config(index={"normalisation": "zscore"}, classification={"method": "quantiles"})
    assert classify(build_index(FOUR_DATA, cfg).score, FOUR_DATA, cfg)["class"].notna().all()
