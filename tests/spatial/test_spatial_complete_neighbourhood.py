"""Areas that neighbour every other area carry no local information (docs/method_spatial.md §5).

3 × 2 grid, queen contiguity, ids row by row; b and e touch all five other cells:

    a=0.75  b=0.45  c=0.05
    d=0.65  e=0.35  f=0.15

(rates: decimals that are not exact in binary, so esda's permuted sums differ from the observed
ones in the last bits — the tester's setting.)  n = 6, Σx = 2.4, x̄ = 0.4,
deviations 0.35, 0.05, −0.35, 0.25, −0.05, −0.25; Σd² = 0.1225·2 + 0.0025·2 + 0.0625·2 = 0.375,
S² = 0.375/6 = 0.0625, S = 0.25.

Gi* (binary, w_ii = 1), W_i = 4 for a, c, d, f; W_i = 6 = n for b, e:
    denominator (W = 4) = S √[(6·4 − 16)/5] = 0.25 · √1.6 = 0.316228
    a: a+b+d+e = 0.75+0.45+0.65+0.35 = 2.2; 2.2 − 0.4·4 = 0.6 → z = 0.6/0.316228 = 1.897367
    c: c+b+e+f = 1.0 → −0.6 → z = −1.897367;  d: 2.2 → 1.897367;  f: 1.0 → −1.897367
    b, e: denominator S √[(36 − 36)/5] = 0 → z undefined → p = 1, bin 0.
    p = 2(1 − Φ(1.897367)) = 0.057780.  Bins, FDR at 90 %: sorted p 0.0578 ×4, 1, 1;
    k = 4: 0.0578 ≤ 4·0.10/6 = 0.0667 → a, c, d, f significant; at 95 %: 0.0578 > 4·0.05/6 = 0.0333
    and > 0.05/6 … → bins a = 1, c = −1, d = 1, f = −1, b = e = 0.

Local Moran (row-standardised, esda scaling I_i = (n − 1) z_i lag_i / Σ z², z = d / S, Σz² = n):
    z = 1.4, 0.2, −1.4, 1.0, −0.2, −1.0
    a: lag (b, d, e) = (0.2 + 1.0 − 0.2)/3 = 1/3     → I = 5/6 · 1.4 · 1/3   = 7/18 (HH)
    c: lag (b, e, f) = (0.2 − 0.2 − 1.0)/3 = −1/3    → I = 5/6 · −1.4 · −1/3 = 7/18 (LL)
    d: lag (a, b, e) = (1.4 + 0.2 − 0.2)/3 = 1.4/3   → I = 5/6 · 1.0 · 1.4/3 = 7/18 (HH)
    f: lag (b, c, e) = (0.2 − 1.4 − 0.2)/3 = −1.4/3  → I = 5/6 · −1.0 · −1.4/3 = 7/18 (LL)
    b: lag = mean of the others = −0.2/5 = −0.04     → I = 5/6 · 0.2 · −0.04 = −1/150 (HL)
    e: lag = 0.2/5 = 0.04                            → I = 5/6 · −0.2 · 0.04 = −1/150 (LH)
    b, e: every conditional permutation puts the same five values around them → one-point
    permutation distribution → p = 1, label ns, in both inference modes.
    a: 3 of the 5 other z {0.2, −1.4, 1.0, −0.2, −1.0} around it; C(5,3) = 10 equally likely sets,
    the observed {0.2, 1.0, −0.2} (sum 1.0) is the largest and the only one → P(sim ≥ obs) = 1/10,
    so the pseudo p ≈ 0.1 (binomial sd √(0.1·0.9/999) = 0.0095).  c, d, f likewise.
"""

from __future__ import annotations

import esda
import numpy as np
import pytest
from spatial_fixtures import lattice

from petarawan.spatial.hotspots import complete_neighbourhood, gi_star, local_moran
from petarawan.spatial.weights import build_weights, star_weights

X = np.array([0.75, 0.45, 0.05, 0.65, 0.35, 0.15])
GI_Z = 0.6 / (0.25 * 1.6**0.5)   # 1.897367
GI_P = 0.057780                   # 2(1 − Φ(1.897367))
FULL = [1, 4]                     # b, e


@pytest.fixture
def graph():
    return build_weights(lattice(2, 3), "queen").graph


def test_complete_neighbourhood_finds_b_and_e(graph):
    assert list(graph.unique_ids) == list("abcdef")
    assert complete_neighbourhood(graph).tolist() == [False, True, False, False, True, False]
    assert not complete_neighbourhood(build_weights(lattice(2, 3), "rook").graph).any()  # b: a, c, e only


@pytest.mark.parametrize("inference", ["permutation", "analytical"])
def test_gi_star_full_neighbourhood_p1_bin0_in_both_modes(graph, inference):
    r = gi_star(X, graph, permutations=999, seed=0, inference=inference, fdr=True)
    assert np.isnan(r.z[FULL]).all()
    assert r.p[FULL].tolist() == [1.0, 1.0] and r.p_sim[FULL].tolist() == [1.0, 1.0]
    assert r.p_norm[FULL].tolist() == [1.0, 1.0]
    assert r.bins[FULL].tolist() == [0, 0]
    # other areas as before: z by hand in both modes
    np.testing.assert_allclose(r.z[[0, 2, 3, 5]], [GI_Z, -GI_Z, GI_Z, -GI_Z], atol=1e-9)
    np.testing.assert_allclose(r.p_norm[[0, 2, 3, 5]], GI_P, atol=1e-6)


def test_gi_star_analytical_bins_by_hand(graph):
    r = gi_star(X, graph, permutations=0, inference="analytical", fdr=True)
    assert r.bins.tolist() == [1, 0, -1, 1, 0, -1]
    assert r.cutoffs[0.10] == pytest.approx(4 * 0.10 / 6)    # BH: k = 4 largest with p_(k) ≤ k·0.10/6


def test_raw_esda_shows_the_rounding_noise_we_guard_against(graph):
    """Without the guard, the full-neighbourhood areas get arbitrary p from last-bit noise."""
    raw = esda.G_Local(X, star_weights(graph), transform="B", star=True, permutations=999, seed=0, n_jobs=1)
    sims = np.asarray(raw.rGs)[1]
    assert np.ptp(sims) < 1e-12 and np.ptp(sims) > 0          # mathematically equal, not in floats
    lm = esda.Moran_Local(X, graph.transform("r"), transformation="r", permutations=999, seed=0, n_jobs=1)
    assert np.asarray(lm.seI_sim)[FULL].max() < 1e-12          # z_sim = I / ~0: noise


@pytest.mark.parametrize("inference", ["permutation", "analytical"])
def test_local_moran_full_neighbourhood_is_ns_with_p1(graph, inference):
    r = local_moran(X, graph, permutations=999, seed=0, inference=inference, fdr=False, alpha=0.05)
    np.testing.assert_allclose(r.Is, [7 / 18, -1 / 150, 7 / 18, 7 / 18, -1 / 150, 7 / 18], atol=1e-12)
    assert r.q.tolist() == [1, 4, 3, 1, 2, 3]                  # HH, HL, LL, HH, LH, LL
    assert r.p[FULL].tolist() == [1.0, 1.0] and r.p_sim[FULL].tolist() == [1.0, 1.0]
    assert r.labels[FULL].tolist() == ["ns", "ns"]


def test_local_moran_other_areas_unchanged(graph):
    """a, c, d, f: analytical p is still esda's 2·p_z_sim; permutation p ≈ 1/10 (hand count above),
    not the 0.001–0.04 that ties split by rounding gave before."""
    an = local_moran(X, graph, permutations=999, seed=0, inference="analytical", fdr=False)
    lm = esda.Moran_Local(X, graph.transform("r"), transformation="r", permutations=999, seed=0, n_jobs=1)
    other = [0, 2, 3, 5]
    np.testing.assert_allclose(an.p[other], 2 * np.asarray(lm.p_z_sim)[other], rtol=1e-12)
    pm = local_moran(X, graph, permutations=999, seed=0, inference="permutation", fdr=False)
    np.testing.assert_allclose(pm.p[other], 0.1, atol=0.04)
    assert (pm.labels == "ns").all()


def test_permutation_p_does_not_depend_on_units(graph):
    """x and 10·x (same z, same I_i, same Gi* z) give identical pseudo p-values for the same seed:
    ties are ties whatever the rounding of the sums."""
    for f in (local_moran, gi_star):
        a = f(X, graph, permutations=999, seed=3, fdr=False)
        b = f(X * 10, graph, permutations=999, seed=3, fdr=False)
        np.testing.assert_array_equal(a.p_sim, b.p_sim)


def test_tie_counting_equals_esda_on_snapped_simulations():
    """The one-pass tie counting gives exactly esda's folded p on the snapped simulations."""
    import numpy as np
    from esda.significance import calculate_significance

    from petarawan.spatial.hotspots import snap_ties, tie_safe_p_sim

    rng = np.random.default_rng(7)
    obs = rng.integers(0, 4, 50).astype(float)
    sims = rng.integers(0, 4, (50, 99)).astype(float) + rng.normal(0, 1e-15, (50, 99))  # ties up to rounding
    snapped = snap_ties(obs, sims)
    expected = np.minimum(calculate_significance(obs, snapped, alternative="lesser"),
                          calculate_significance(obs, snapped, alternative="greater"))
    np.testing.assert_allclose(tie_safe_p_sim(obs, sims), expected, rtol=0, atol=1e-12)
