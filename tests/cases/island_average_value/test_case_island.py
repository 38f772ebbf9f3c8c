"""Case island_average_value (../shared/cases/island_average_value/EXPECTED.txt): area I0001 has no
Queen neighbour; its value 21.469 is close to the mean.  esda's conditional permutation gives an
island the weights [0, island_weight] — Gi*'s self-weight is dropped — so every permuted Gi* is 0
and its p_sim = 0.001: petarawan labelled it a 99 % cold spot.  With ``inference = "analytical"``
the island got a bin from its own standardised value (the EXPECTED's variant: a value 4 × the
maximum gave bin 3, p 1.2e-8).

Right: an area with no neighbours gets no local statistic in any mode — Gi* and Local Moran
(both inference modes) and emerging hot spots: statistic NaN, p = 1, Gi* bin 0, LISA ``ns``,
no trend pattern — and it does not count in the FDR.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from petarawan import analyse, load_study
from petarawan.spatial.emerging import emerging_hotspots
from petarawan.spatial.hotspots import gi_star, local_moran
from petarawan.spatial.weights import build_weights, star_weights

HERE = Path(__file__).parent
ISLAND = "I0001"


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    return gpd.read_file(HERE / "areas.geojson").set_index("kode")


@pytest.fixture(scope="module")
def x() -> pd.Series:
    return pd.read_csv(HERE / "data.csv").set_index("kode")["x"]


def test_esda_alone_makes_the_island_a_99_percent_spot(areas, x):
    """The cause, by hand from the data: G*_i = x_i / Σx and z = (x_i − x̄)/S (its own value only)."""
    w = build_weights(areas, "queen")
    assert w.islands == (ISLAND,)
    y = x.reindex(w.graph.unique_ids).to_numpy()
    i = list(w.graph.unique_ids).index(ISLAND)
    S = np.sqrt((y ** 2).mean() - y.mean() ** 2)
    assert y[i] / y.sum() == pytest.approx(0.026428, abs=1e-6)
    assert (y[i] - y.mean()) / S == pytest.approx(-0.078921, abs=1e-6)
    raw = esda.G_Local(y, star_weights(w.graph), transform="B", star=True, permutations=999, seed=1,
                       keep_simulations=True, n_jobs=1)
    assert raw.Zs[i] == pytest.approx(-0.078921, abs=1e-6)
    assert raw.p_sim[i] == pytest.approx(0.001) and raw.rGs[i].max() == 0.0


@pytest.mark.parametrize("inference", ["permutation", "analytical"])
def test_the_run_gives_the_island_no_local_statistic(tmp_path, inference):
    study = tmp_path / "study"
    shutil.copytree(HERE, study, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    toml = study / "petarawan.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('inference = "permutation"', f'inference = "{inference}"'),
                    encoding="utf-8")
    res = analyse(load_study(study), post=False)
    tab = res.stages["hotspots"].analysis.area_table()
    row = tab.loc[ISLAND]
    assert row["gi_p"] == 1.0 and row["gi_bin"] == 0 and np.isnan(row["gi_z"])
    assert row["lisa_p"] == 1.0 and row["lisa_cluster"] == "ns" and np.isnan(row["lisa_i"])
    assert tab.drop(index=ISLAND)["gi_z"].notna().all()  # every other area keeps its statistic
    islands = [f for f in res.findings if f.code == "spatial_islands"]
    assert len(islands) == 1 and ISLAND in islands[0].text("en") and "no local statistic" in islands[0].text("en")


@pytest.mark.parametrize("inference", ["permutation", "analytical"])
def test_island_with_an_extreme_value_is_still_no_hot_spot(areas, x, inference):
    """The EXPECTED's analytical variant: the island's value 4 × the maximum."""
    y = x.copy()
    y[ISLAND] = 4 * x.max()
    g = build_weights(areas, "queen").graph
    gi = gi_star(y, g, permutations=999, seed=3, inference=inference)
    i = list(gi.ids).index(ISLAND)
    assert gi.bins[i] == 0 and gi.p[i] == 1.0 and gi.p_norm[i] == 1.0 and np.isnan(gi.z[i])
    lm = local_moran(y, g, permutations=999, seed=3, inference=inference)
    assert lm.labels[i] == "ns" and lm.p[i] == 1.0 and lm.p_sim[i] == 1.0 and np.isnan(lm.Is[i])
    # the FDR counts the areas that carry a test: the island is left out
    tested = np.array([c != ISLAND for c in gi.ids])
    for a, cut in gi.cutoffs.items():
        assert cut == pytest.approx(esda.fdr(gi.p[tested], a))
    assert lm.cutoff == pytest.approx(esda.fdr(lm.p[tested], 0.05))


@pytest.mark.parametrize("inference", ["permutation", "analytical"])
def test_emerging_hot_spots_give_the_island_no_pattern(areas, x, inference):
    # 6 periods; the island's value grows to 4 × the maximum (a "new/intensifying hot spot" if it were tested)
    rng = np.random.default_rng(5)
    periods = [str(y) for y in range(2016, 2022)]
    counts = pd.DataFrame({p: x.to_numpy() * rng.uniform(0.8, 1.2, len(x)) for p in periods}, index=x.index)
    counts.loc[ISLAND] = np.linspace(x[ISLAND], 4 * x.max(), len(periods))
    g = build_weights(areas, "queen").graph
    e = emerging_hotspots(counts, g, permutations=199, seed=2, inference=inference)
    i = list(e.ids).index(ISLAND)
    assert e.pattern[i] == "no_pattern" and not e.hot[i].any() and not e.cold[i].any()
    assert np.isnan(e.z[i]).all() and (e.p[i] == 1.0).all() and np.isnan(e.tau[i]) and np.isnan(e.trend_p[i])
    assert e.params["islands"] == [ISLAND]
    assert np.isfinite(np.delete(e.z, i, axis=0)).all()
