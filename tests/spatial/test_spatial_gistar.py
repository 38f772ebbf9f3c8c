"""Gi* z-scores and ArcGIS-style bins on a hand-built 3 × 3 lattice, worked out on paper.

Lattice (rook contiguity), ids row by row, values x:

    a=12  b=12  c=0
    d=12  e=0   f=0
    g=0   h=0   i=0

n = 9, Σx = 36, x̄ = 4, Σx² = 3·144 = 432, S² = 432/9 − 4² = 48 − 16 = 32, S = √32 = 5.656854.
Gi* (Ord & Getis 1995) with binary weights and w_ii = 1:
    z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √[(n W_i − W_i²)/(n − 1)]),  W_i = Σ_j w_ij (= neighbours + 1).
Corners W = 3: denominator S √[(27 − 9)/8] = S · 1.5 = 8.485281.
Edges   W = 4: denominator S √[(36 − 16)/8] = S · √2.5 = 8.944272.
Centre  W = 5: denominator S √[(45 − 25)/8] = S · √2.5 = 8.944272.

    a: (12+12+12 − 4·3)/8.485281 = 24/8.485281 =  2.828427   p = 2(1 − Φ(2.8284)) = 0.004678
    b: (12+12+0+0 − 16)/8.944272 =  8/8.944272 =  0.894427   (d alike)
    c: (12+0+0 − 12)/8.485281    =  0                       (g alike)
    e: (12+12+0+0+0 − 20)/8.944272 = 4/8.944272 = 0.447214
    f: (0+0+0+0 − 16)/8.944272   = −1.788854   p = 0.073638 (h alike)
    i: (0+0+0 − 12)/8.485281     = −1.414214   p = 0.157299

Bins without FDR (|z| > 2.576 → 3, > 1.960 → 2, > 1.645 → 1): a = 3, f = h = −1, others 0.
With FDR (Benjamini–Hochberg, n = 9):
    α = 0.01: smallest p 0.004678 > 1 · 0.01/9 = 0.001111 → nothing at 99 %;
    α = 0.05: 0.004678 ≤ 1 · 0.05/9 = 0.005556 → a; next p 0.073638 > 2 · 0.05/9 = 0.011111;
    α = 0.10: 0.004678 ≤ 0.011111 → a; 0.073638 > 2 · 0.10/9 = 0.022222 and > 3 · 0.10/9 = 0.033333.
    → a = 2, all others 0.
"""

from __future__ import annotations

import numpy as np
import pytest
from spatial_fixtures import lattice

from petarawan.spatial.hotspots import gi_bins, gi_star
from petarawan.spatial.weights import build_weights

X = np.array([12, 12, 0, 12, 0, 0, 0, 0, 0], dtype=float)
Z = {"a": 24 / (32**0.5 * 1.5), "b": 8 / (32**0.5 * 2.5**0.5), "c": 0.0, "d": 8 / (32**0.5 * 2.5**0.5),
     "e": 4 / (32**0.5 * 2.5**0.5), "f": -16 / (32**0.5 * 2.5**0.5), "g": 0.0, "h": -16 / (32**0.5 * 2.5**0.5),
     "i": -12 / (32**0.5 * 1.5)}


@pytest.fixture
def graph():
    return build_weights(lattice(3, 3), "rook").graph


def test_gi_star_z_by_hand(graph):
    r = gi_star(X, graph, permutations=0, inference="analytical", fdr=False)
    assert list(r.ids) == list("abcdefghi")
    np.testing.assert_allclose(r.z, [Z[k] for k in "abcdefghi"], atol=1e-9)
    assert r.z[0] == pytest.approx(2.828427, abs=1e-6)
    assert r.p_norm[0] == pytest.approx(0.004678, abs=1e-6)
    assert r.p_norm[5] == pytest.approx(0.073638, abs=1e-6)


def test_gi_bins_without_fdr(graph):
    r = gi_star(X, graph, permutations=0, inference="analytical", fdr=False)
    assert dict(zip(r.ids, r.bins.tolist())) == {"a": 3, "b": 0, "c": 0, "d": 0, "e": 0, "f": -1, "g": 0, "h": -1, "i": 0}
    assert r.cutoffs == {0.10: 0.10, 0.05: 0.05, 0.01: 0.01}


def test_gi_bins_with_fdr(graph):
    r = gi_star(X, graph, permutations=0, inference="analytical", fdr=True)
    assert dict(zip(r.ids, r.bins.tolist())) == {"a": 2, "b": 0, "c": 0, "d": 0, "e": 0, "f": 0, "g": 0, "h": 0, "i": 0}
    assert r.cutoffs[0.05] == pytest.approx(0.05 / 9)
    assert r.cutoffs[0.01] == pytest.approx(0.01 / 9)  # esda.fdr falls back to Bonferroni α/n


def test_gi_bins_thresholds_and_sign():
    # p exactly at a level counts as significant (p ≤ cut-off); sign from z; undefined z → 0
    z = np.array([3.0, -3.0, 2.0, -1.7, 0.5, np.nan])
    p = np.array([0.01, 0.0099, 0.05, 0.10, 0.6, np.nan])
    bins, _ = gi_bins(z, p, fdr=False)
    assert bins.tolist() == [3, -3, 2, -1, 0, 0]


def test_permutation_bins_agree_in_sign_and_are_seeded(graph):
    a = gi_star(X, graph, permutations=199, seed=11, fdr=False)
    b = gi_star(X, graph, permutations=199, seed=11, fdr=False)
    np.testing.assert_array_equal(a.p_sim, b.p_sim)
    nz = a.bins != 0
    assert (np.sign(a.bins[nz]) == np.sign(a.z[nz])).all()
    assert np.all((a.p_sim >= 1 / 200 - 1e-12) & (a.p_sim <= 1))


def test_ties_do_not_make_spurious_cold_spots(graph):
    """f, h and i have an all-zero neighbourhood: every permutation of the other 8 values that
    puts zeros around them ties with the observed Gi*.  esda's raw folded p_sim calls such ties
    maximally significant (1/(R+1)); counted both ways, p_lesser = (#(sim ≤ obs)+1)/(R+1) is
    large whenever most draws tie, so the area is not a cold spot at 90 %."""
    import esda

    from petarawan.spatial.weights import star_weights

    raw = esda.G_Local(X, star_weights(graph), transform="B", star=True, permutations=199, seed=11, n_jobs=1)
    ours = gi_star(X, graph, permutations=199, seed=11, fdr=False)
    i = list(ours.ids).index("i")
    sims = np.asarray(raw.rGs)[i]
    ties = np.isclose(sims, raw.Gs[i]).sum()
    assert raw.p_sim[i] == pytest.approx(1 / 200)              # esda: spuriously significant
    assert ours.p_sim[i] == pytest.approx((ties + 1) / 200)   # ours: ties count as extreme both ways
    assert ties > 20 and ours.bins[i] == 0


def test_centre_of_complete_neighbourhood_is_undefined_not_an_error():
    # Queen on 3 × 3: the centre neighbours all 9 cells (W = n) → zero variance → bin 0, p = 1
    g = build_weights(lattice(3, 3), "queen").graph
    r = gi_star(X, g, permutations=0, inference="analytical", fdr=False)
    assert np.isnan(r.z[4]) and r.p_norm[4] == 1.0 and r.bins[4] == 0
