"""Areas without a population, and areas left without neighbours by missing data — the
neighbouring inputs of cases count_pop_missing and island_average_value, at the analysis level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from spatial_fixtures import lattice

from petarawan.spatial.analysis import analyse_hotspots
from petarawan.spatial.config import HotspotConfig

AREAS = lattice(4, 4)  # a … p, rook / queen grid of 1000 m cells
COUNTS = pd.DataFrame({"2021": [3, 0, 5, 9, 1, 4, 7, 2, 8, 6, 0, 5, 2, 9, 4, 1]}, index=AREAS.index, dtype=float)


def _cfg(measure: str, **kw) -> HotspotConfig:
    return HotspotConfig(variable="kasus", measure=measure, permutations=99, emerging=False,
                         population={"file": "penduduk.xlsx", "column": "jiwa"}, **kw)


@pytest.mark.parametrize("measure,kept", [("count", True), ("rate", False), ("eb_global", False), ("eb_spatial", False)])
def test_area_with_no_population_row(measure, kept):
    pop = pd.Series(1000.0, index=AREAS.index).drop(index="f")  # no row at all for f
    a = analyse_hotspots(AREAS, COUNTS, _cfg(measure), population=pop)
    assert ("f" in a.value.index) is kept and ("f" in a.excluded) is not kept
    (w,) = [f for f in a.findings if f.code == "no_population"]
    assert (w.file, w.column, w.value) == ("penduduk.xlsx", "jiwa", 1) and w.text("en").endswith(": f")
    tab = a.area_table()
    if kept:  # the count analysed over all 16 areas, f without rates
        assert len(a.value) == 16 and np.isnan(tab.at["f", "rate_kasus"]) and tab.at["f", "count_kasus"] == 4
        assert a.rates.rate.index.tolist() == [c for c in AREAS.index if c != "f"]
    else:
        assert len(a.value) == 15 and "f" not in tab.index


def test_area_whose_only_neighbours_have_no_data_becomes_an_island():
    # rook: corner a's neighbours are b and e; without their data a has no neighbour left
    counts = COUNTS.copy()
    counts.loc[["b", "e"], "2021"] = np.nan
    a = analyse_hotspots(AREAS, counts, HotspotConfig(variable="kasus", permutations=99, emerging=False,
                                                       weights={"kind": "rook"}))
    assert a.weights.islands == ("a",) and set(a.excluded) == {"b", "e"}
    row = a.area_table().loc["a"]
    assert np.isnan(row["gi_z"]) and row["gi_p"] == 1 and row["gi_bin"] == 0
    assert np.isnan(row["lisa_i"]) and row["lisa_p"] == 1 and row["lisa_cluster"] == "ns"
