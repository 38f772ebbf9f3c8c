"""Case constant_indicator_rank (../shared/cases/constant_indicator_rank): indicator a2 is 7 in every
area.

Right (EXPECTED.md): the constant indicator is dropped from its dimension for the run, as COINr
does (n_minmax gives NaN, a_amean skips it), the other weights renormalised, and a finding says
so.  By hand (min–max 0–100): a1 = 0, 10, 5 → 0, 100, 50 = A (a2 left out); b1 = 10, 0, 6 →
100, 0, 60 = B; index = (A + B)/2 → P 50, Q 50, R 55 → ranks R 1, P 2, Q 2.
(Giving a2 the midpoint instead would squash A: P 62.5, Q 37.5, R 55.)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from petarawan import analyse, load_study
from petarawan.registry import parse_config
from petarawan.index import build_index
from petarawan.index.uncertainty import Design, evaluate, sample_design

HERE = Path(__file__).parent


def test_constant_indicator_is_dropped_and_ranks_follow():
    res = analyse(load_study(HERE), post=False)
    assert res.result["score"][["P", "Q", "R"]].tolist() == pytest.approx([50, 50, 55])
    assert res.result["rank"][["P", "Q", "R"]].tolist() == [2, 2, 1]
    warn = [f for f in res.findings if f.code == "constant_indicator"]
    assert len(warn) == 1 and warn[0].column == "a2" and "left out" in warn[0].text("en")
    assert res.index.weights.set_index("indicator").loc["a2", "weight"] == 0


def _config(without_a2: bool = False, **extra):
    data = tomllib.loads((HERE / "petarawan.toml").read_text(encoding="utf-8"))
    if without_a2:
        data["indicators"] = [i for i in data["indicators"] if i["code"] != "a2"]
    data.update(extra)
    return parse_config(data)


DATA = pd.read_csv(HERE / "data.csv", index_col="kode").astype(float)


@pytest.mark.parametrize("norm", ["minmax", "zscore", "rank", "percentile", "reference"])
def test_every_data_relative_normalisation_drops_it(norm):
    # leaving a2 out must give exactly the study without a2
    index = {"normalisation": norm, "min_availability": 0.0, **({"reference_area": "R"} if norm == "reference" else {})}
    res = build_index(DATA, _config(index=index))
    ref = build_index(DATA.drop(columns="a2"), _config(True, index=index))
    assert res.normalised["a2"].isna().all()
    np.testing.assert_allclose(res.score, ref.score)
    np.testing.assert_allclose(res.dimensions, ref.dimensions)


def test_monte_carlo_runs_drop_it_too():
    unc = {"runs": 40, "weights": 0.3, "normalisation": ["zscore", "percentile"], "aggregation": ["geometric"],
           "sobol": False}
    cfg, ref_cfg = _config(uncertainty=unc), _config(True, uncertainty=unc)
    des = sample_design(cfg, 40, np.random.default_rng(3))
    ranks, classes = evaluate(DATA, cfg, des)
    # the same runs on the study without a2: its weight multipliers removed
    des2 = Design(des.imputation, des.outliers, des.normalisation, des.aggregation, des.w_mult[:, [0, 2]], des.d_mult)
    ref_ranks, ref_classes = evaluate(DATA.drop(columns="a2"), ref_cfg, des2)
    np.testing.assert_array_equal(ranks, ref_ranks)
    np.testing.assert_array_equal(classes, ref_classes)
    assert set(des.normalisation) == {"minmax", "zscore", "percentile"}
