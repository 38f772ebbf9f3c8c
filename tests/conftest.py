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


@pytest.fixture(scope="session")
def pangkalpinang_en(tmp_path_factory):
    """The bundled example, copied and run ONCE for the session with ``--lang en`` through the
    command line (shared by the replay tests and the English-means-English test, so the suite
    runs the example one time).  Returns ``(base, study, out, cli_output, figure_texts)``:
    ``figure_texts`` are every string handed to matplotlib while the maps were drawn."""
    import shutil

    import matplotlib.text
    from typer.testing import CliRunner

    from petarawan.cli import app

    base = tmp_path_factory.mktemp("pangkalpinang_en")
    study = base / "study"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "pangkalpinang", study)
    texts: list[str] = []
    set_text = matplotlib.text.Text.set_text

    def recording(self, s):
        if s is not None and str(s).strip():
            texts.append(str(s))
        return set_text(self, s)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matplotlib.text.Text, "set_text", recording)
        mp.delenv("PETARAWAN_LANG", raising=False)
        res = CliRunner().invoke(app, ["run", str(study), "--out", str(base / "out"), "--lang", "en"], terminal_width=200)
    assert res.exit_code == 0, res.output
    return base, study, base / "out", res.output, texts
