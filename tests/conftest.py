"""Shared fixtures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# a missing message or message field raises under the tests instead of falling back (petarawan.i18n)
os.environ.setdefault("PETARAWAN_STRICT_MESSAGES", "1")

from studyfix import CODES, CONFIG, TABLE, boundary_geojson, write_csv


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A valid 4-area study folder."""
    d = tmp_path / "study"
    d.mkdir()
    (d / "petarawan.toml").write_text(CONFIG, encoding="utf-8")
    (d / "areas.geojson").write_text(json.dumps(boundary_geojson()), encoding="utf-8")
    write_csv(d / "data.csv", ["kode", "x1", "x2", "x3"],
              [[c, TABLE["x1"][i], TABLE["x2"][i], TABLE["x3"][i]] for i, c in enumerate(CODES)])
    return d
