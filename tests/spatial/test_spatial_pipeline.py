"""examples/columbus through the main pipeline (petarawan.pipeline.run): the hot-spot stage's
outputs reach run.json, the GeoPackage and the figures."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_columbus_example_runs_end_to_end(tmp_path):
    from petarawan.pipeline import run

    out = tmp_path / "out"
    res = run(ROOT / "examples" / "columbus", out)
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    hs = manifest["stages"]["hotspots"]
    # Anselin (1988) Columbus CRIME, Queen, row-standardised
    assert hs["moran_i"] == pytest.approx(0.500189, abs=1e-6)
    assert hs["moran_ei"] == pytest.approx(-0.020833, abs=1e-6)
    assert 0 < hs["moran_p_sim"] <= 0.01 and hs["moran_z"] > 3
    for name in ("hotspot_gi_bins.png", "hotspot_lisa.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    areas = gpd.read_file(out / "petarawan.gpkg", layer="areas")
    assert {"gi_z", "gi_bin", "lisa_cluster"} <= set(areas.columns)
    layer = gpd.read_file(out / "petarawan.gpkg", layer="hotspots")
    assert len(layer) == 49
    # the Gi* z of CRIME fed the composite index as an indicator
    assert "gi_z_CRIME" in res.index.normalised.columns
    assert res.index.normalised["gi_z_CRIME"].notna().all()
    assert res.result["class"].notna().all()
