"""Input files: where each input is, its hash, and the readers of :mod:`petarawan.io`.

Every file petarawan reads is read in :mod:`petarawan.io` — text decoding (:mod:`.text`), tables
(:mod:`.tables`), numbers (:mod:`.numbers`), boundaries (:mod:`.geometry`), survey exports
(:mod:`.survey`) — and every reader turns format problems into :class:`~petarawan.errors.InputError`
naming the file, so a user never sees a traceback from pyogrio, openpyxl or pandas.  This module
re-exports the public readers under their historical names.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import Finding, InputError
from .geometry import BOUNDARY_SUFFIXES, read_boundaries  # noqa: F401
from .numbers import MISSING_TOKENS, NumberError, parse_column, parse_columns, parse_number  # noqa: F401
from .tables import TABLE_SUFFIXES, Table, read_sheet, read_table  # noqa: F401


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes (recorded in ``run.json`` for every input)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def resolve(study_dir: Path, name: str, what_id: str, what_en: str | None = None) -> Path:
    """Path of an input file named in the configuration; :class:`InputError` if it is missing."""
    what_en = what_en or what_id
    p = Path(study_dir) / name
    if not p.is_file():
        raise InputError(Finding("error", "file_missing", f"berkas {what_id} tidak ditemukan", file=name,
                                 message_en=f"{what_en} file not found",
                                 expected=f"berkas di {p} (periksa nama berkas di petarawan.toml)",
                                 expected_en=f"a file at {p} (check the file name in petarawan.toml)"))
    return p
