"""Published reference values on the Columbus data (Anselin 1988; libpysal/GeoDa), and the
contracts of the hot-spot functions (seeded, no mutation of inputs or of NumPy's global RNG)."""

from __future__ import annotations

import numpy as np
import pytest

from petarawan.errors import InputError
from petarawan.spatial.hotspots import gi_star, global_moran, local_moran, resolution_findings, small_n_findings
from petarawan.spatial.weights import build_weights

# Reference: Moran's I of CRIME, row-standardised, as published for PySAL/GeoDa's Columbus data
# (../shared/DOMAIN.md §4): Queen 0.500189, Rook 0.523670, E[I] = −1/(n−1) = −1/48 = −0.020833.


@pytest.mark.parametrize("kind,expected", [("queen", 0.500189), ("rook", 0.523670)], ids=["queen", "rook"])
def test_columbus_moran_reference(columbus, kind, expected):
    w = build_weights(columbus, kind, transformation="r")
    m = global_moran(columbus["CRIME"], w.graph, transformation="r", permutations=99, seed=1)
    assert m.I == pytest.approx(expected, abs=1e-6)
    assert m.EI == pytest.approx(-0.020833, abs=1e-6)
    assert m.EI == pytest.approx(-1 / 48, abs=1e-12)
    assert m.n == 49
    man = m.manifest()
    assert man["moran_i"] == pytest.approx(expected, abs=1e-6)
    assert 0 < man["moran_p_sim"] <= 0.01  # 99 permutations: strong clustering → p_sim = 1/100
    assert man["moran_z"] > 3


def test_columbus_queen_matches_published_gal(columbus):
    """Our Queen contiguity equals the published Queen neighbours file columbus.gal (GeoDa)."""
    import libpysal

    gal = libpysal.io.open(libpysal.examples.get_path("columbus.gal")).read()
    w = build_weights(columbus, "queen")
    assert w.islands == ()
    ours = {str(i): set(map(str, w.graph[i].index)) for i in w.graph.unique_ids}
    theirs = {str(i): set(map(str, nb)) for i, nb in gal.neighbors.items()}
    assert ours == theirs
    # 236 links in the .gal file → mean 236 / 49 = 4.8163 neighbours
    assert w.params["mean_neighbours"] == pytest.approx(236 / 49, abs=1e-4)


def test_seeded_and_no_side_effects(columbus):
    w = build_weights(columbus, "queen", transformation="r")
    before = w.graph.transformation
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    a = local_moran(columbus["CRIME"], w.graph, transformation="b", permutations=99, seed=5)
    m = global_moran(columbus["CRIME"], w.graph, transformation="b", permutations=99, seed=5)
    # NumPy's global RNG is where the caller left it
    assert np.random.random() == expected_next
    b = local_moran(columbus["CRIME"], w.graph, transformation="b", permutations=99, seed=5)
    m2 = global_moran(columbus["CRIME"], w.graph, transformation="b", permutations=99, seed=5)
    np.testing.assert_array_equal(a.p_sim, b.p_sim)
    assert m.p_sim == m2.p_sim and m.z_sim == m2.z_sim
    # the caller's weights keep their transformation (esda would set w.transform on a W)
    assert w.graph.transformation == before == "R"
    c = local_moran(columbus["CRIME"], w.graph, transformation="b", permutations=99, seed=6)
    assert not np.array_equal(a.p_sim, c.p_sim)


def test_lisa_labels_follow_quadrants_and_significance(columbus):
    w = build_weights(columbus, "queen")
    lm = local_moran(columbus["CRIME"], w.graph, permutations=999, seed=3, alpha=0.05, fdr=False)
    sig = lm.p_sim <= 0.05
    quad = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
    for q, p_ok, lab in zip(lm.q, sig, lm.labels):
        assert lab == (quad[int(q)] if p_ok else "ns")
    # FDR can only remove labels, never add them
    lf = local_moran(columbus["CRIME"], w.graph, permutations=999, seed=3, alpha=0.05, fdr=True)
    assert set(np.flatnonzero(lf.labels != "ns")) <= set(np.flatnonzero(lm.labels != "ns"))
    assert lm.counts()["HH"] >= 1 and lm.counts()["LL"] >= 1  # central high-crime, outer low-crime


def test_bad_input_names_the_problem(columbus):
    w = build_weights(columbus, "queen")
    y = columbus["CRIME"].copy()
    y.iloc[3] = np.nan
    with pytest.raises(InputError, match=r"'Crime rate' is missing for 1 area\(s\): \['4'\]"):
        global_moran(y, w.graph, label=("Tingkat kejahatan", "Crime rate"))
    y.iloc[3] = np.inf
    with pytest.raises(InputError, match="is infinite for 1 area"):
        global_moran(y, w.graph)
    with pytest.raises(InputError, match=r"'Kasus' sama untuk semua 49 wilayah \(semua nilai 1\)"):
        gi_star(np.ones(49), w.graph, label=("Kasus", "Cases"))
    # all-zero counts are no "missing or infinite" values: the message says what they are
    with pytest.raises(InputError, match=r"'Cases' is the same in all 49 areas \(every value is 0 \(no event at all\)\)"):
        local_moran(np.zeros(49), w.graph, label=("Kasus", "Cases"))
    with pytest.raises(InputError, match=r"'y' is negative in areas \['1', '2'"):
        gi_star(columbus["CRIME"] - 100, w.graph)
    with pytest.raises(InputError, match="missing for areas"):
        global_moran(columbus["CRIME"].iloc[:40], w.graph)


def test_small_n_and_fdr_resolution_warnings():
    assert small_n_findings(29)[0].code == "spatial_small_n"
    assert small_n_findings(30) == []
    # 4,829 areas, 999 permutations, α = 0.05: ⌈4829 / (1000 · 0.05)⌉ = ⌈96.58⌉ = 97 areas must reach p = 0.001
    f = resolution_findings(4829, 999, 0.05, True, "permutation")
    assert f and "97" in f[0].text("id")
    # 49 areas: ⌈49 / 50⌉ = 1 → no warning
    assert resolution_findings(49, 999, 0.05, True, "permutation") == []
    assert resolution_findings(4829, 999, 0.05, True, "analytical") == []
