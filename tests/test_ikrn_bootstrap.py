"""Bootstrap of respondents within area × instrument strata: reproducibility and known values."""

from __future__ import annotations

import numpy as np
import pytest

from petarawan.ikrn.aggregate import RespondentScores, area_scores
from petarawan.ikrn.bootstrap import bootstrap_areas

W = {"ikrn1": 1.0, "ikrn2": 1.0, "ikrn3": 1.0}


def resp(area, inst, values) -> RespondentScores:
    area, inst, values = np.asarray(area, np.int32), np.asarray(inst, np.int8), np.asarray(values, float)
    order = np.lexsort((inst, area))
    return RespondentScores(area[order], inst[order], values[order][:, None], ["s"], np.zeros(3, np.int64))


def run(r, n_areas, B, seed, weights=W, mins=None, required=("ikrn1",)):
    sc = area_scores(r, list(range(n_areas)), weights=weights, min_respondents=mins or {"ikrn1": 1, "ikrn2": 1, "ikrn3": 1},
                     required=list(required))
    scored = sc.table["s"].notna().to_numpy()
    return sc, bootstrap_areas(r, n_areas, used=sc.used, scored=scored, weights=weights, replicates=B, seed=seed)


def test_same_seed_same_replicates_other_seed_other():
    rng = np.random.default_rng(0)
    r = resp(np.repeat([0, 1], 12), np.zeros(24), rng.uniform(0, 100, 24))
    _, b1 = run(r, 2, 100, seed=5)
    _, b2 = run(r, 2, 100, seed=5)
    _, b3 = run(r, 2, 100, seed=6)
    np.testing.assert_array_equal(b1.replicates, b2.replicates)
    assert not np.array_equal(b1.replicates, b3.replicates)
    assert b1.seed == 5


def test_se_zero_when_all_respondents_agree():
    r = resp([0] * 30 + [0, 0, 0], [0] * 30 + [1, 2, 2], [40.0] * 30 + [70.0, 10.0, 10.0])
    sc, b = run(r, 1, 200, seed=1)
    assert sc.table.loc[0, "s"] == pytest.approx((40 + 70 + 10) / 3)
    assert b.se[0, 0] == 0.0
    np.testing.assert_allclose(b.replicates[:, 0, 0], (40 + 70 + 10) / 3, rtol=1e-6)


def test_se_of_a_mean_is_s_over_sqrt_n():
    # one stratum: the Rao–Wu bootstrap with m = n − 1 has variance s²/n (s with ddof 1) exactly in
    # expectation; with B = 20,000 replicates the SE is within ~1 % of it
    rng = np.random.default_rng(42)
    y = rng.uniform(0, 100, 25)
    r = resp(np.zeros(25), np.zeros(25), y)
    _, b = run(r, 1, 20_000, seed=3, weights={"ikrn1": 1.0})
    expected = y.std(ddof=1) / np.sqrt(25)
    assert b.se[0, 0] == pytest.approx(expected, rel=0.02)
    # the naive bootstrap (resampling n) would be smaller by sqrt((n−1)/n) = 0.98: the mean of
    # the replicates is the sample mean
    assert b.replicates[:, 0, 0].mean() == pytest.approx(y.mean(), abs=3 * expected / np.sqrt(20_000) + 1e-3)


def test_se_of_weighted_instruments_combines_strata():
    # S = (m1 + m2 + m3) / 3 with independent strata: Var(S) = (s1²/n1 + s2²/n2 + s3²/n3) / 9;
    # the village head (n = 1) adds no sampling variance
    rng = np.random.default_rng(9)
    y1, y3 = rng.uniform(0, 100, 30), np.array([20.0, 80.0])
    r = resp([0] * 33, [0] * 30 + [1] + [2, 2], np.concatenate([y1, [55.0], y3]))
    _, b = run(r, 1, 20_000, seed=4)
    expected = np.sqrt((y1.var(ddof=1) / 30 + y3.var(ddof=1) / 2) / 9)
    assert b.se[0, 0] == pytest.approx(expected, rel=0.03)


def test_area_without_score_has_no_replicates_and_no_se():
    r = resp([0] * 12 + [1] * 2, [0] * 14, np.arange(14.0))
    sc, b = run(r, 2, 50, seed=1, mins={"ikrn1": 10})
    assert np.isnan(sc.table.loc[1, "s"]) and sc.table.loc[1, "no_score_reason"] == "ikrn1: 2 < 10"
    assert np.isnan(b.replicates[:, 1, 0]).all() and np.isnan(b.se[1, 0])
    assert np.isfinite(b.se[0, 0]) and b.se[0, 0] > 0


def test_fewer_respondents_wider_se():
    rng = np.random.default_rng(2)
    y = rng.uniform(0, 100, 200)
    r = resp([0] * 10 + [1] * 100, [0] * 110, np.concatenate([y[:10], y[100:200]]))
    _, b = run(r, 2, 2000, seed=8)
    assert b.se[0, 0] > 2 * b.se[1, 0]
