"""Case t_junction (../shared/cases/t_junction): 30 small areas whose corners lie in the middle of a
long strip's edge (T-junctions, no shared vertex).  The strip is the area coded ``BASE`` in the
case's files (its README calls it S00; S00 is the first small area).

Right (README): neighbours are the areas whose boundaries meet, whatever the vertices — the strip
has 30 Queen neighbours — and the disagreement with vertex-based contiguity is reported with the
pairs.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from petarawan import analyse, load_study
from petarawan.spatial.weights import build_weights

HERE = Path(__file__).parent


def test_strip_has_its_30_queen_neighbours_and_the_disagreement_is_reported():
    res = analyse(load_study(HERE), post=False)
    w = res.stages["hotspots"].analysis.weights
    small = {f"S{i:02d}" for i in range(30)}
    assert set(w.graph["BASE"].index) == small
    # each small square: its left and right neighbours (the ends have one) and the strip
    assert set(w.graph["S00"].index) == {"S01", "BASE"} and set(w.graph["S17"].index) == {"S16", "S18", "BASE"}
    assert w.params["max_neighbours"] == 30 and w.islands == ()
    extra = [f for f in res.findings if f.code == "contiguity_extra"]
    # the vertex rule finds the strip's two end squares (they share the strip's corners): 28 pairs missed
    assert len(extra) == 1 and extra[0].value == 28
    assert "BASE–S01" in extra[0].text("en") and "(+8)" in extra[0].text("en")


def test_vertex_rule_loses_the_neighbours_and_says_which():
    areas = gpd.read_file(HERE / "areas.geojson").set_index("kode")
    for kind in ("queen", "rook"):
        v = build_weights(areas, kind, contiguity="vertex")
        assert v.graph.cardinalities["BASE"] == (2 if kind == "queen" else 0)
        missed = [f for f in v.findings() if f.code == "contiguity_missed"]
        assert missed[0].value == (28 if kind == "queen" else 30)
        assert build_weights(areas, kind).graph.cardinalities["BASE"] == 30
