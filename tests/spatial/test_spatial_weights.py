"""Spatial weights: kinds, islands, transformations, and no mutation of the caller's objects."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from spatial_fixtures import lattice

from petarawan.errors import InputError
from petarawan.spatial.weights import build_weights, star_weights


def test_queen_vs_rook_on_lattice():
    g = lattice(3, 3)
    q = build_weights(g, "queen")
    r = build_weights(g, "rook")
    # corner a: rook {b, d}; queen adds the diagonal e
    assert set(r.graph["a"].index) == {"b", "d"}
    assert set(q.graph["a"].index) == {"b", "d", "e"}
    # rook links on 3×3: 12 shared edges × 2 = 24; queen adds 4 diagonals per 2×2 block: 4 × 2 × 2 = 16 → 40
    assert r.graph.n_edges == 24 and q.graph.n_edges == 40


def test_row_standardised_rows_sum_to_one_and_binary_are_ones():
    g = lattice(3, 3)
    r = build_weights(g, "rook", transformation="r").graph
    np.testing.assert_allclose(np.asarray(r.sparse.sum(axis=1)).ravel(), 1.0)
    b = build_weights(g, "rook", transformation="b").graph
    assert set(np.unique(b.sparse.data)) == {1.0}


def test_islands_reported():
    g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(10, 10, 11, 11)],
                         index=pd.Index(["x", "y", "pulau"]), crs="EPSG:3857")
    w = build_weights(g, "queen")
    assert w.islands == ("pulau",)
    f = w.findings()
    assert len(f) == 1 and f[0].code == "spatial_islands" and "pulau" in f[0].message
    # k nearest neighbours never leaves an island
    assert build_weights(g, "knn", k=1).islands == ()


def test_knn_and_distance_band_in_metres():
    g = lattice(1, 4)  # cell centres 500, 1500, 2500, 3500 m
    k = build_weights(g, "knn", k=2)
    assert set(k.graph["a"].index) == {"b", "c"}
    d = build_weights(g, "distance_band", threshold=1000.0, transformation="b")
    assert set(d.graph["b"].index) == {"a", "c"}
    assert d.params["threshold"] == 1000.0


def test_geographic_crs_is_projected_for_distances():
    g = lattice(1, 3).to_crs("EPSG:4326")
    d = build_weights(g, "distance_band", threshold=1001.0)
    assert "UTM" in d.params["distance_crs"] or "326" in d.params["distance_crs"]
    assert set(d.graph["b"].index) == {"a", "c"}


def test_star_weights_are_new_objects():
    g = build_weights(lattice(2, 2), "rook", transformation="r").graph
    s = star_weights(g)
    assert g.transformation == "R"
    dense = s.sparse.toarray()
    assert np.all(np.diag(dense) == 1.0) and set(np.unique(dense)) <= {0.0, 1.0}


@pytest.mark.parametrize("kw,match", [({"kind": "hex"}, "unknown spatial weights kind"),
                                      ({"kind": "knn", "k": 9}, "k out of range"),
                                      ({"kind": "distance_band"}, "threshold"),
                                      ({"kind": "queen", "transformation": "v"}, "transformation")])
def test_bad_options(kw, match):
    with pytest.raises(InputError, match=match):
        build_weights(lattice(3, 3), **kw)
