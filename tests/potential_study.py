"""Shared fixture of the issue-5 tests: the Pangkalpinang example with [potential] and [plan],
run once per test session through the real pipeline (outputs written to a temporary folder)."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pangkalpinang"


def make_study(dest: Path) -> Path:
    """Copy the example (which has the [potential] and [plan] sections) into ``dest``."""
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("*.sqlite"))
    return dest


@functools.lru_cache(maxsize=1)
def full_run() -> tuple[Path, Path, object]:
    """(study_dir, out_dir, RunResult) of one complete run."""
    from petarawan.pipeline import run

    base = Path(tempfile.mkdtemp(prefix="petarawan-i5-"))
    study = make_study(base / "study")
    out = base / "out"
    res = run(study, out)
    return study, out, res
