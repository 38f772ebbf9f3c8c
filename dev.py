#!/usr/bin/env python3
"""The README's two commands, with nothing but Python ≥ 3.11 on the machine (no make needed).

    python3 dev.py demo   # creates .venv, installs petarawan, runs the Pangkalpinang example → out/pangkalpinang/
    python3 dev.py test   # installs the test extras into .venv and runs the whole test suite

Extra arguments after ``test`` go to pytest (``python3 dev.py test tests/test_index_core.py -q``);
after ``demo`` they go to ``petarawan run`` (``python3 dev.py demo --lang en``).  The virtual
environment's folder is ``.venv`` unless the ``VENV`` environment variable names another; the
demo's output folder is ``out/pangkalpinang`` unless ``OUT`` names another.  Exit code: the
command's own (1 for a failed test, 2 for bad usage).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*args: str | Path) -> None:
    done = subprocess.run([str(a) for a in args], cwd=ROOT)
    if done.returncode:
        sys.exit(done.returncode)


def install(extras: str = "") -> None:
    """Create ``.venv`` when missing and install petarawan into it (editable, with ``extras``)."""
    if sys.version_info < (3, 11):
        sys.exit(f"petarawan needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PY.exists():
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # Debian/Ubuntu without python3-venv: ensurepip is missing
            sys.exit(f"Could not create {VENV} ({exc}). On Debian/Ubuntu: apt install python3-venv")
        _run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(PY, "-m", "pip", "install", "--quiet", "-e", f".{extras}")


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in {"demo", "test", "install"}:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    cmd, rest = argv[0], argv[1:]
    if cmd == "demo":
        install()
        out = os.environ.get("OUT", "out/pangkalpinang")
        _run(BIN / "petarawan", "run", "examples/pangkalpinang", "--out", out, *rest)
    elif cmd == "test":
        install("[test]")
        _run(PY, "-m", "pytest", *rest)
    else:
        install("[test]")


if __name__ == "__main__":
    main(sys.argv[1:])
