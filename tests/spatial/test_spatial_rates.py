"""Rates per 10,000 and empirical Bayes smoothing against hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from spatial_fixtures import lattice

from petarawan.errors import InputError
from petarawan.spatial.rates import compute_rates
from petarawan.spatial.weights import build_weights

E = pd.Series([1.0, 2.0, 10.0, 0.0], index=list("abcd"))
B = pd.Series([100.0, 400.0, 1000.0, 500.0], index=list("abcd"))


def test_raw_rates_per_10000():
    r = compute_rates(E, B)
    # 1/100·10⁴ = 100, 2/400·10⁴ = 50, 10/1000·10⁴ = 100, 0
    assert r.rate.tolist() == pytest.approx([100.0, 50.0, 100.0, 0.0])


def test_global_eb_by_hand():
    """Marshall (1991) global EB, worked by hand:
    m = Σe/Σb = 13/2000 = 0.0065; r = (0.01, 0.005, 0.01, 0); b̄ = 500.
    r − m = (0.0035, −0.0015, 0.0035, −0.0065); b(r−m)² = (0.001225, 0.0009, 0.01225, 0.021125), Σ = 0.0355.
    s² = 0.0355/2000 − 0.0065/500 = 1.775e-5 − 1.3e-5 = 4.75e-6.
    w_i = s² / (s² + m/b_i): m/b = (6.5e-5, 1.625e-5, 6.5e-6, 1.3e-5)
        w = (4.75/69.75, 4.75/21, 4.75/11.25, 4.75/17.75).
    θ_i = w_i r_i + (1 − w_i) m, per 10,000.
    """
    m = 0.0065
    w = np.array([4.75 / 69.75, 4.75 / 21, 4.75 / 11.25, 4.75 / 17.75])
    r = np.array([0.01, 0.005, 0.01, 0.0])
    expected = (w * r + (1 - w) * m) * 10_000
    # e.g. area a: 0.068100·0.01 + 0.931900·0.0065 = 0.0067384 → 67.384 per 10,000
    assert expected[0] == pytest.approx(67.384, abs=1e-3)
    res = compute_rates(E, B)
    assert res.eb_global.to_numpy() == pytest.approx(expected, rel=1e-9)
    assert res.prior_variance == pytest.approx(4.75e-6, rel=1e-9)
    assert res.findings == []


def test_spatial_eb_by_hand():
    """Spatial EB on a 1 × 3 strip a–b–c (rook): area a's neighbourhood is {a, b}.
    e = (1, 2, 10), b = (100, 400, 1000).
    a: m_a = (1+2)/(100+400) = 0.006; r = (0.01, 0.005);
       s²_a = [100(0.004)² + 400(−0.001)²]/500 − 0.006/(500/2) = (0.0016 + 0.0004)/500 − 0.000024
            = 4e-6 − 2.4e-5 < 0 → 0, so θ_a = m_a = 0.006 → 60 per 10,000.
    b: neighbourhood {a, b, c}: m_b = 13/1500 = 0.0086667; r = (0.01, 0.005, 0.01)
       s²_b = [100(0.0013333)² + 400(−0.0036667)² + 1000(0.0013333)²]/1500 − 0.0086667/(1500/3)
            = (0.00017778 + 0.0053778 + 0.0017778)/1500 − 1.7333e-5 = 4.8889e-6 − 1.7333e-5 < 0 → θ_b = m_b.
    """
    strip = lattice(1, 3)
    g = build_weights(strip, "rook").graph
    e = pd.Series([1.0, 2.0, 10.0], index=list("abc"))
    b = pd.Series([100.0, 400.0, 1000.0], index=list("abc"))
    res = compute_rates(e, b, graph=g)
    assert res.eb_spatial["a"] == pytest.approx(60.0, rel=1e-9)
    assert res.eb_spatial["b"] == pytest.approx(13 / 1500 * 10_000, rel=1e-9)


def test_bad_population_is_an_error_naming_the_area():
    with pytest.raises(InputError, match="area b"):
        compute_rates(E, B.where(B.index != "b", 0.0))
    with pytest.raises(InputError, match="≥ 0"):
        compute_rates(E.where(E.index != "a", -1.0), B)


def _between(x, lo_hi_a, lo_hi_b, tol=1e-12):
    lo, hi = np.minimum(lo_hi_a, lo_hi_b), np.maximum(lo_hi_a, lo_hi_b)
    return np.all((x >= lo - tol) & (x <= hi + tol))


@pytest.mark.parametrize("seed", range(20))
def test_every_eb_rate_lies_between_the_raw_rate_and_its_mean(seed):
    """Bound property of empirical Bayes with the variance truncated at 0 (Marshall 1991): θ_i
    lies between r_i and the reference mean — the global m, or for spatial EB the neighbourhood
    mean m_i = (e_i + Σ_j e_j)/(b_i + Σ_j b_j) over the area and its rook neighbours.  Half of
    the draws are near-Poisson (negative moment estimate s², the case that broke esda's global EB)."""
    rng = np.random.default_rng(seed)
    g = lattice(4, 5)
    b = pd.Series(rng.integers(300, 5000, 20).astype(float), index=g.index)
    lam = 0.002 if seed % 2 else rng.uniform(0.0005, 0.01, 20)  # constant risk → s² < 0 most of the time
    e = pd.Series(rng.poisson(lam * b).astype(float), index=g.index)
    graph = build_weights(g, "rook").graph
    res = compute_rates(e, b, graph=graph)
    r = (e / b).to_numpy() * 10_000
    assert _between(res.eb_global.to_numpy(), r, res.mean)
    adj = graph.transform("b").sparse.toarray() + np.eye(20)
    m_local = adj @ e.to_numpy() / (adj @ b.to_numpy()) * 10_000
    assert _between(res.eb_spatial.to_numpy(), r, m_local)
    if res.truncated:
        np.testing.assert_allclose(res.eb_global.to_numpy(), res.mean, rtol=1e-12)


def test_global_eb_equals_esda_when_the_variance_is_positive():
    from esda.smoothing import Empirical_Bayes

    res = compute_rates(E, B)
    assert res.prior_variance > 0 and not res.truncated
    np.testing.assert_allclose(res.eb_global.to_numpy(), Empirical_Bayes(E.to_numpy(), B.to_numpy()).r.ravel() * 10_000,
                               rtol=1e-12)


def test_no_event_at_all_gives_zero_rates_not_missing_ones():
    # m = 0 and s² = 0: esda divides 0 by 0 (NaN, later reported as "missing or infinite")
    zero = E * 0
    g = lattice(2, 2, ids=list("abcd"))
    res = compute_rates(zero, B, graph=build_weights(g, "rook").graph)
    assert res.eb_global.tolist() == [0.0] * 4 and res.eb_spatial.tolist() == [0.0] * 4 and res.mean == 0.0


def test_local_eb_truncates_a_negative_neighbourhood_variance_to_its_mean():
    """Area a of the 1 × 3 strip (test_spatial_eb_by_hand): s²_a < 0 → θ_a = m_a exactly, between r_a and m_a."""
    g = build_weights(lattice(1, 3), "rook").graph
    e = pd.Series([1.0, 2.0, 10.0], index=list("abc"))
    b = pd.Series([100.0, 400.0, 1000.0], index=list("abc"))
    assert compute_rates(e, b, graph=g).eb_spatial["a"] == 3 / 500 * 10_000
