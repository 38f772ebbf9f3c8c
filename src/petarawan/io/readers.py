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
from ..i18n import Msg


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes (recorded in ``run.json`` for every input)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


FILE_KINDS = ("boundary", "indicator", "counts", "incidents", "population", "xlsform", "survey")
"""What an input file is, for messages (``file.<kind>`` in the catalogue)."""


def resolve(study_dir: Path, name: str, kind: str) -> Path:
    """Path of an input file named in the configuration; :class:`InputError` if it is missing.
    ``kind`` is one of :data:`FILE_KINDS` (how the message names the file)."""
    p = Path(study_dir) / name
    if not p.is_file():
        raise InputError(Finding("error", "file_missing", Msg("f.file_missing.input", what=Msg(f"file.{kind}")), file=name,
                                 expected=Msg("x.file_missing.input", path=p)))
    return p
