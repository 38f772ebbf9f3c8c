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
    assert len(f) == 1 and f[0].code == "spatial_islands" and "pulau" in f[0].text("id")
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


# --------------------------------------------------------------------------- geometric contiguity
def _frame(geoms: dict, crs: str | None = "EPSG:3857") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geoms.values()), index=pd.Index(list(geoms), name="code"), crs=crs)


def _strip_with_t_junctions(gap: float = 0.0, n: int = 4) -> gpd.GeoDataFrame:
    """A 4000 m strip 'base' with n 1000 m squares on top whose corners lie mid-edge on the strip
    (the strip has only its own 4 corners as vertices), the squares `gap` metres above it."""
    geoms = {"base": shapely.box(-500, -1000, n * 1000 + 500, 0)}
    geoms.update({f"s{i}": shapely.box(i * 1000, gap, (i + 1) * 1000, gap + 1000) for i in range(n)})
    return _frame(geoms)


@pytest.mark.parametrize("kind", ["queen", "rook"])
def test_t_junctions_are_neighbours_under_geometric_contiguity(kind):
    g = _strip_with_t_junctions()
    w = build_weights(g, kind)
    # every square shares a 1000 m stretch of the strip's top edge without sharing a vertex
    assert set(w.graph["base"].index) == {"s0", "s1", "s2", "s3"}
    assert w.params["contiguity"] == "geometric" and w.params["pairs_geometric_only"] == 4
    extra = [f for f in w.findings() if f.code == "contiguity_extra"]
    assert len(extra) == 1 and extra[0].level == "info" and extra[0].value == 4
    assert "base–s0" in extra[0].text("en") and "base–s3" in extra[0].text("en")
    # vertex-based contiguity (libpysal's default, GeoDa) sees none of them — and says so
    v = build_weights(g, kind, contiguity="vertex")
    assert "base" in v.islands
    missed = [f for f in v.findings() if f.code == "contiguity_missed"]
    assert len(missed) == 1 and missed[0].level == "warning" and missed[0].value == 4


def test_point_contact_is_queen_not_rook_whatever_the_vertices():
    # a diamond whose lowest corner touches the middle of the square's top edge: one shared point
    g = _frame({"sq": shapely.box(0, 0, 1000, 1000),
                "dia": shapely.Polygon([(500, 1000), (1000, 1500), (500, 2000), (0, 1500)]),
                "far": shapely.box(5000, 5000, 6000, 6000)})
    assert set(build_weights(g, "queen").graph["sq"].index) == {"dia"}
    assert build_weights(g, "rook").graph.cardinalities["sq"] == 0


def test_overlapping_boundaries_are_neighbours():
    # boundaries digitised from two sources overlap by a 2 m sliver along 1000 m and share no vertex
    g = _frame({"a": shapely.box(0, 0, 1000, 1000), "b": shapely.box(-300, 998, 1300, 2000),
                "c": shapely.box(5000, 0, 6000, 1000)})
    for kind in ("queen", "rook"):
        w = build_weights(g, kind)
        assert set(w.graph["a"].index) == {"b"} and w.islands == ("c",)


def test_snap_tolerance_closes_gaps_up_to_the_tolerance_in_metres():
    g = _strip_with_t_junctions(gap=0.5)
    for kind in ("queen", "rook"):
        assert build_weights(g, kind).graph.cardinalities["base"] == 0
        w = build_weights(g, kind, snap_tolerance=1.0)
        assert set(w.graph["base"].index) == {"s0", "s1", "s2", "s3"} and w.params["snap_tolerance_m"] == 1.0
        assert build_weights(g, kind, snap_tolerance=0.4).graph.cardinalities["base"] == 0
    # the squares are 1000 m apart from each other's far sides: a tolerance never links non-touching cells
    assert set(build_weights(g, "rook", snap_tolerance=1.0).graph["s1"].index) == {"base", "s0", "s2"}


def test_snap_tolerance_is_metres_in_a_geographic_crs():
    # 0.5 m gaps drawn in metres, stored in longitude/latitude: the tolerance is still metres
    g = _strip_with_t_junctions(gap=0.5)  # moved to Bangka (UTM 48S, around 106° E, 2° S)
    g = g.set_geometry(g.translate(600_000, 9_770_000)).set_crs("EPSG:32748", allow_override=True).to_crs("EPSG:4326")
    assert build_weights(g, "queen").graph.cardinalities["base"] == 0
    w = build_weights(g, "queen", snap_tolerance=1.0)
    assert w.graph.cardinalities["base"] == 4 and "32748" in w.params["distance_crs"]


def test_snap_tolerance_rook_corner_contact_stays_queen_only():
    # two squares meeting corner to corner with a 0.3 m gap: queen neighbours within 1 m, never rook
    g = _frame({"a": shapely.box(0, 0, 1000, 1000), "b": shapely.box(1000.3, 1000.3, 2000, 2000)})
    assert build_weights(g, "queen", snap_tolerance=1.0).graph.cardinalities["a"] == 1
    assert build_weights(g, "rook", snap_tolerance=1.0).graph.cardinalities["a"] == 0


def test_geometry_collection_from_repair_never_crashes_weights():
    # make_valid of a polygon with a zero-width spike: GeometryCollection(Polygon, LineString)
    spiked = shapely.Polygon([(1000, 0), (2000, 0), (2000, 500), (2600, 500), (2000, 500), (2000, 1000), (1000, 1000)])
    repaired = shapely.make_valid(spiked)
    assert repaired.geom_type == "GeometryCollection"
    g = _frame({"a": shapely.box(0, 0, 1000, 1000), "b": repaired, "c": shapely.box(2000, 0, 3000, 1000),
                "d": shapely.GeometryCollection([shapely.LineString([(5000, 0), (6000, 0)])])})
    for kind in ("queen", "rook", "knn", "distance_band"):
        w = build_weights(g.drop(index="d") if kind in ("knn", "distance_band") else g, kind, k=1, threshold=1100.0)
        assert set(w.graph["b"].index) >= {"a"}
        codes = {f.code: f for f in w.findings()}
        assert codes["geometry_not_polygonal"].value == (2 if "d" in w.graph.unique_ids else 1)
    q = build_weights(g, "queen")
    assert set(q.graph["b"].index) == {"a", "c"} and q.islands == ("d",)
    assert "d" in {f.code: f for f in q.findings()}["geometry_empty"].text("en")


def test_contiguity_options_are_checked():
    with pytest.raises(InputError, match="contiguity"):
        build_weights(lattice(2, 2), "queen", contiguity="edges")
    with pytest.raises(InputError, match="tolerance"):
        build_weights(lattice(2, 2), "queen", snap_tolerance=-1.0)
