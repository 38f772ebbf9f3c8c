"""`petarawan init --areas` with a boundary file whose columns are not `kode`/`nama` (tester
finding 16: Geoportal/BIG village layers use KDEPUM and WADMKD): each missing column is named
with the option that picks another and the columns present, in one language."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from petarawan.cli import app


def _layer(path, properties):
    square = [[[106.1, -2.1], [106.2, -2.1], [106.2, -2.0], [106.1, -2.0], [106.1, -2.1]]]
    feats = [{"type": "Feature", "properties": p, "geometry": {"type": "Polygon", "coordinates": square}} for p in properties]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return path


def test_geoportal_columns_suggest_the_options(tmp_path):
    src = _layer(tmp_path / "bps.geojson", [{"KDEPUM": "19.71.01.1001", "WADMKD": "Pasir Putih"}])
    res = CliRunner().invoke(app, ["init", str(tmp_path / "s"), "--areas", str(src), "--lang", "id"])
    assert res.exit_code == 1
    assert "--code-column KDEPUM" in res.output and "--name-column WADMKD" in res.output
    assert "sebutkan dengan" in res.output and "expected" not in res.output and "one of" not in res.output
    ok = CliRunner().invoke(app, ["init", str(tmp_path / "s"), "--areas", str(src), "--code-column", "KDEPUM",
                                  "--name-column", "WADMKD"])
    assert ok.exit_code == 0, ok.output


def test_a_layer_without_properties_says_so_in_english(tmp_path):
    src = _layer(tmp_path / "bare.geojson", [{}])
    res = CliRunner().invoke(app, ["init", str(tmp_path / "s"), "--areas", str(src), "--lang", "en"])
    assert res.exit_code == 1 and "--code-column COLUMN" in res.output and "kolom" not in res.output
