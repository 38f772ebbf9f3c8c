"""Case count_pop_missing (../shared/cases/count_pop_missing/EXPECTED.txt): ``measure = "count"``
with ``[hotspots.population]`` whose cell for A0101 is empty stopped the run ("column
'population': population must be > 0 …", a column that is not in the file).

Right (docs/method_spatial.md §1): the count analysis uses all 36 areas — global Moran's I of the
2021 counts (queen, row-standardised) = 0.532275, E[I] = −0.028571 — and A0101 is left out of the
rates only, with a ``no_population`` warning naming the file pop.csv and its column 'penduduk'.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.graph import Graph

from petarawan import analyse, load_study

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def result():
    return analyse(load_study(HERE), post=False)


def test_count_analysis_uses_all_36_areas(result):
    a = result.stages["hotspots"].analysis
    assert len(a.value) == 36 and a.excluded == ()
    assert a.moran.I == pytest.approx(0.532275, abs=1e-6)
    assert a.moran.EI == pytest.approx(-1 / 35, abs=1e-12) == pytest.approx(-0.028571, abs=1e-6)


def test_moran_by_hand_from_the_counts():
    """I = (n/S0) z'Wz / z'z with row-standardised queen weights (S0 = n), independently of petarawan."""
    areas = gpd.read_file(HERE / "areas.geojson").set_index("kode")
    y = pd.read_csv(HERE / "data.csv").set_index("kode")["2021"].reindex(areas.index).to_numpy(float)
    W = Graph.build_contiguity(areas, rook=False).transform("r").sparse.toarray()
    z = y - y.mean()
    assert len(y) / W.sum() * (z @ W @ z) / (z @ z) == pytest.approx(0.532275, abs=1e-6)


def test_area_without_population_is_left_out_of_the_rates_only(result):
    a = result.stages["hotspots"].analysis
    tab = a.area_table()
    assert tab.at["A0101", "count_x"] == 4
    assert np.isnan(tab.at["A0101", "rate_x"]) and np.isnan(tab.at["A0101", "eb_rate_x"])
    assert tab.drop(index="A0101")[["rate_x", "eb_rate_x"]].notna().all().all()
    assert tab.at["A0101", "gi_bin"] in range(-3, 4)  # the count still has its hot-spot result
    # A0000: 5 cases / 1996 residents × 10,000
    assert tab.at["A0000", "rate_x"] == pytest.approx(5 / 1996 * 10_000)
    (w,) = [f for f in result.findings if f.code == "no_population"]
    assert (w.level, w.file, w.column, w.value) == ("warning", "pop.csv", "penduduk", 1)
    assert w.text("en").endswith("left out of the rates (its count is still analysed): A0101")
    assert "population" not in {f.column for f in result.findings}
