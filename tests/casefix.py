"""Helpers for the tests under ``tests/cases/``: a case's small input plus the bundled example's
boundaries and framework, so a case folder holds only what differs from the example."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pangkalpinang"
CASES = Path(__file__).resolve().parent / "cases"
STAGES_MARK = "# Tahap tambahan / optional stages"


def example_config(*, stages: bool = False) -> str:
    """The example's ``petarawan.toml``, by default without its optional stages (as the cases use it)."""
    text = (EXAMPLE / "petarawan.toml").read_text(encoding="utf-8")
    if not stages:
        text = text[: text.index(STAGES_MARK)]
        text = text[: text.rstrip().rfind("\n# ----")] + "\n"
    return text


def pangkalpinang_study(tmp: Path, case: str, *, files: tuple[str, ...] = (), config: str | None = None,
                        stages: bool = False) -> Path:
    """A study folder in ``tmp``: the example's boundaries and framework, the example's indicator
    table unless the case has its own, then the case's ``files`` (copied from tests/cases/<case>/)."""
    d = tmp / case
    d.mkdir(parents=True)
    shutil.copy(EXAMPLE / "kelurahan.geojson", d)
    shutil.copy(EXAMPLE / "indikator_ILUSTRATIF.csv", d)
    for f in files:
        shutil.copy(CASES / case / f, d / Path(f).name)
    (d / "petarawan.toml").write_text(config if config is not None else example_config(stages=stages), encoding="utf-8")
    return d


def potential_config() -> str:
    """The example's framework with its community-potential stage only (no hot spots, plan or
    uncertainty): the potential indicator and the ``[potential]`` section."""
    text = (EXAMPLE / "petarawan.toml").read_text(encoding="utf-8")
    start = text.index("# Potensi masyarakat — the potential score")
    return example_config() + "\n" + text[start: text.index("[plan]", start)]
