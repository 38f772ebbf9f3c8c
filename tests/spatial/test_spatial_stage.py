"""The ``hotspots`` stage on the Columbus example and on a small incidents study, called directly
(without the pipeline): indicators, area columns, layers, figures, manifest, findings."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pydantic import ValidationError

from petarawan.registry import parse_config
from petarawan.errors import ConfigError, InputError
from petarawan.spatial.config import HotspotConfig
from petarawan.spatial.stage import run_hotspots
from petarawan.stages import StudyContext

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def columbus_result():
    from petarawan.validate import load_study

    study = load_study(ROOT / "examples" / "columbus")
    ctx = StudyContext(study.config, study.study_dir, "en", study.areas, study.data.copy())
    return run_hotspots(ctx), study


def test_columbus_stage_reference_and_outputs(columbus_result):
    res, study = columbus_result
    m = res.manifest
    assert m["moran_i"] == pytest.approx(0.500189, abs=1e-6)
    assert m["moran_ei"] == pytest.approx(-0.020833, abs=1e-6)
    assert {"moran_i", "moran_p_sim", "moran_z"} <= set(m)
    assert m["weights"]["kind"] == "queen" and m["n_areas"] == 49
    assert m["lisa"]["permutations"] == 999 and m["gi_star"]["fdr"] is True
    cols = res.area_columns
    assert set(cols.index) == set(study.areas.index)
    assert {"lisa_cluster", "lisa_i", "lisa_p", "gi_z", "gi_p", "gi_bin"} <= set(cols.columns)
    assert set(cols["lisa_cluster"]) <= {"HH", "LH", "LL", "HL", "ns"}
    assert set(cols["gi_bin"]) <= set(range(-3, 4))
    assert "gi_z_CRIME" in res.indicators.columns and "CRIME" not in res.indicators.columns
    assert set(res.figures) == {"hotspot_gi_bins.png", "hotspot_lisa.png"}
    assert all(b.startswith(PNG) for b in res.figures.values())
    assert "hotspots" in res.layers and len(res.layers["hotspots"]) == 49
    assert any("Moran" in s.html for s in res.sections)
    # Columbus has 49 ≥ 30 areas and no islands: nothing to warn about
    assert [f.code for f in res.findings] == []


def _incident_study(tmp_path: Path, extra: str = "") -> StudyContext:
    """A 6 × 6 lattice of 1 km kelurahan in UTM 48S; incidents clustered in the north-west
    corner in 2021 and spread evenly in 2020, plus one point outside every area."""
    rows = cols = 6
    x0, y0 = 600_000, 9_760_000
    cells = [shapely.box(x0 + c * 1000, y0 + (rows - 1 - r) * 1000, x0 + (c + 1) * 1000, y0 + (rows - r) * 1000)
             for r in range(rows) for c in range(cols)]
    codes = [f"19.71.0{1 + i // 10}.{1001 + i:04d}" for i in range(rows * cols)]
    areas = gpd.GeoDataFrame({"name": [f"K{i}" for i in range(36)]}, geometry=cells,
                             index=pd.Index(codes, name="code"), crs="EPSG:32748")
    rng = np.random.default_rng(5)
    pts = [(x0 + 500 + 1000 * (i % 6), y0 + 500 + 1000 * (i // 6), "2020-06-01") for i in range(36)]
    nw = rng.uniform([x0, y0 + 4000], [x0 + 2000, y0 + 6000], size=(60, 2))
    pts += [(x, y, "2021-03-01") for x, y in nw]
    pts += [(x0 - 5000, y0 - 5000, "2021-01-01")]  # outside
    pd.DataFrame(pts, columns=["x", "y", "tanggal"]).to_csv(tmp_path / "kejadian.csv", index=False)
    pd.DataFrame({"kode": codes, "penduduk": [1500 + 10 * i for i in range(36)]}).to_csv(tmp_path / "penduduk.csv",
                                                                                       index=False)
    cfg = parse_config({
        "study": {"name": "Uji", "seed": 7},
        "areas": {"file": "a.geojson"}, "data": {"file": "d.csv"},
        "dimensions": [{"code": "d", "label_id": "D"}],
        "indicators": [{"code": "gi_z_kasus", "label_id": "Gi* z kasus", "dimension": "d", "stage": "hotspots"}],
        "hotspots": {"variable": "kasus", "measure": "eb_spatial", "permutations": 199,
                     "incidents": {"file": "kejadian.csv", "x_column": "x", "y_column": "y", "crs": "EPSG:32748",
                                   "date_column": "tanggal"},
                     "population": {"file": "penduduk.csv", "column": "penduduk"},
                     "density": {"cell_size": 250}},
    })
    return StudyContext(cfg, tmp_path, "id", areas, pd.DataFrame(index=areas.index))


def test_incident_study_end_to_end(tmp_path):
    ctx = _incident_study(tmp_path)
    res = run_hotspots(ctx)
    ind = res.indicators
    assert {"kasus", "count_kasus", "rate_kasus", "eb_rate_kasus", "gi_z_kasus", "gi_bin_kasus", "lisa_i_kasus"} <= set(ind.columns)
    # 2021 is the latest period: 60 points in the NW block, the outside point not counted
    assert ind["count_kasus"].sum() == 60
    nw = ind["count_kasus"].idxmax()
    assert ind.loc[nw, "gi_z_kasus"] > 2 and res.area_columns.loc[nw, "gi_bin"] > 0
    outside = [f for f in res.findings if f.code == "point_outside"]
    assert len(outside) == 1 and outside[0].row == 98  # header row 1, 97 points → the last is row 98
    assert any(f.code == "emerging_skipped" for f in res.findings)  # 2 periods only
    assert "density" in res.layers and "hotspot_density.png" in res.figures
    assert res.manifest["density"]["cell_size_m"] == 250
    assert res.manifest["incidents"]["n_points"] == 96  # 36 + 60 counted; the outside point is not
    assert res.manifest["density"]["n_points"] == 60    # density of the analysed period (2021) only
    assert res.manifest["rates"]["method"].startswith("esda.smoothing.Spatial_Empirical_Bayes")
    assert set(res.inputs) == {"kejadian.csv", "penduduk.csv"}
    # Bahasa Indonesia by default
    assert res.sections[0].title == "Hot spot dan klaster spasial"


def test_counts_long_layout_and_unknown_code(tmp_path):
    ctx = _incident_study(tmp_path)
    codes = list(ctx.areas.index)
    long = pd.DataFrame([(c, y, (i * 7 + y) % 5) for i, c in enumerate(codes) for y in range(2016, 2022)],
                        columns=["kode", "tahun", "jumlah"])
    long.to_csv(tmp_path / "jumlah.csv", index=False)
    raw = ctx.config.model_dump(mode="json", by_alias=True)
    raw["hotspots"] = {"variable": "kasus", "permutations": 99, "counts": {"file": "jumlah.csv", "layout": "long"}}
    ctx2 = StudyContext(parse_config(raw), tmp_path, "en", ctx.areas, ctx.data)
    res = run_hotspots(ctx2)
    assert res.manifest["emerging"]["periods"] == [str(y) for y in range(2016, 2022)]
    assert set(res.area_columns["trend_pattern"].dropna()) <= set(__import__("petarawan.spatial.emerging",
                                                                          fromlist=["PATTERNS"]).PATTERNS)
    assert "hotspot_trend.png" in res.figures
    long.loc[len(long)] = ["99.99.99.9999", 2021, 1]
    long.to_csv(tmp_path / "jumlah.csv", index=False)
    with pytest.raises(InputError, match="not in the boundary file"):
        run_hotspots(ctx2)


def test_config_is_strict():
    with pytest.raises(ValidationError, match="extra"):
        HotspotConfig(variable="x", permutation=99)
    with pytest.raises(ValidationError, match="population"):
        HotspotConfig(variable="x", measure="rate")
    with pytest.raises(ValidationError, match="threshold"):
        HotspotConfig(variable="x", weights={"kind": "distance_band"})
    with pytest.raises(ValidationError, match="snap_tolerance"):
        HotspotConfig(variable="x", weights={"kind": "knn", "snap_tolerance": 1.0})
    with pytest.raises(ValidationError, match="snap_tolerance"):
        HotspotConfig(variable="x", weights={"contiguity": "vertex", "snap_tolerance": 1.0})
    for bad in (-1.0, float("inf")):
        with pytest.raises(ValidationError, match="snap_tolerance"):
            HotspotConfig(variable="x", weights={"snap_tolerance": bad})
    assert HotspotConfig(variable="x", weights={"snap_tolerance": 2.5}).weights.contiguity == "geometric"
    with pytest.raises(ConfigError, match="hotspots.weights.kind"):
        parse_config({"study": {"name": "x"}, "areas": {"file": "a"}, "data": {"file": "d"},
                      "dimensions": [{"code": "d", "label_id": "D"}],
                      "indicators": [{"code": "i", "label_id": "I", "dimension": "d"}],
                      "hotspots": {"variable": "i", "weights": {"kind": "hexagon"}}})
