"""``petarawan replay OUT/run.json --out DIR``: re-run a study from its manifest and say whether
every table comes out identical.

The manifest of a run (:mod:`petarawan.outputs`) records each input file with its sha256, the
resolved configuration (every default filled in, the seeds among them), the language and the
canonical hash of every table it wrote (each GeoPackage layer and workbook sheet,
:mod:`petarawan.io.digest`).  A replay

1. checks every input against its recorded sha256 — a missing or changed file is an error naming
   it (a replay of other data would prove nothing);
2. runs the study again with the recorded configuration (not today's ``petarawan.toml``) and
   language, writing into ``DIR`` atomically like ``petarawan run``;
3. compares the new tables' hashes with the recorded ones (:class:`ReplayResult`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .errors import Finding, InputError, ReplayError
from .io.readers import sha256
from .i18n import Msg

STATUS = ("identical", "different", "missing", "new")
"""How a table of the replay compares with the recorded run: the same hash, another hash, not
written by the replay, not in the recorded run."""


@dataclass(frozen=True)
class TableComparison:
    """One table of the recorded run and of the replay (``None`` where it is absent)."""

    name: str
    recorded: str | None
    replayed: str | None

    @property
    def status(self) -> str:
        if self.recorded is None:
            return "new"
        if self.replayed is None:
            return "missing"
        return "identical" if self.recorded == self.replayed else "different"


@dataclass(frozen=True)
class ReplayResult:
    """What a replay found.

    Attributes
    ----------
    out_dir : Path
        Where the replay wrote its outputs.
    tables : tuple[TableComparison, ...]
        Every table of either run, sorted by name.
    recorded_version, version : str
        petarawan versions of the recorded run and of the replay.
    """

    out_dir: Path
    tables: tuple[TableComparison, ...]
    recorded_version: str
    version: str

    @property
    def identical(self) -> bool:
        """True when every table of the recorded run came out with the same hash, and no other."""
        return bool(self.tables) and all(c.status == "identical" for c in self.tables)


def read_manifest(path: Path | str) -> dict[str, Any]:
    """Read a ``run.json``.

    Raises
    ------
    ReplayError
        Missing, not JSON, not a petarawan manifest, or written before table hashes were recorded.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "run.json"
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReplayError(f"{path}: berkas tidak ada / file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ReplayError(f"{path}: bukan run.json yang dapat dibaca / not a readable run.json ({err})") from None
    if not isinstance(man, dict) or "petarawan_version" not in man or "config" not in man:
        raise ReplayError(f"{path}: bukan manifes petarawan / not a petarawan manifest")
    if "tables" not in man:
        raise ReplayError(f"{path}: manifes ini dibuat sebelum petarawan mencatat hash tabel; jalankan ulang dengan "
                          f"'petarawan run' / this manifest predates table hashes; run the study again with 'petarawan run'")
    return man


def check_inputs(manifest: dict[str, Any], study_dir: Path) -> None:
    """Every input of the recorded run must be in ``study_dir`` with the recorded sha256.

    Raises
    ------
    InputError
        One finding per missing or changed file, naming it and both hashes (first 12 digits).
    """
    found = []
    for name, digest in sorted(manifest.get("inputs", {}).items()):
        path = study_dir / name
        if not path.is_file():
            found.append(Finding("error", "replay_input_missing", Msg("f.replay_input_missing"), file=name,
                                 expected=Msg("x.replay_input_missing", path=path, digest=digest[:12])))
            continue
        now = sha256(path)
        if now != digest:
            found.append(Finding("error", "replay_input_changed",
                                 Msg("f.replay_input_changed", now=now[:12]),
                                 file=name, expected=Msg("x.replay_input_changed", digest=digest[:12])))
    if found:
        raise InputError(found)


def compare_tables(recorded: dict[str, str], replayed: dict[str, str]) -> tuple[TableComparison, ...]:
    """Every table of either run with both hashes, sorted by name."""
    return tuple(TableComparison(n, recorded.get(n), replayed.get(n)) for n in sorted(set(recorded) | set(replayed)))


def replay(manifest_path: Path | str, out_dir: Path | str, *, study_dir: Path | str | None = None,
           progress: Callable[[str], None] | None = None) -> ReplayResult:
    """Re-run the study of ``manifest_path`` into ``out_dir`` and compare every table.

    Parameters
    ----------
    study_dir : path, optional
        The study folder; default: the one recorded in the manifest (``study_dir``).

    Raises
    ------
    ReplayError
        Unusable manifest, or no study folder known.
    InputError
        A missing or changed input (:func:`check_inputs`), or anything ``petarawan run`` refuses.
    ConfigError
        The recorded configuration is not valid for this petarawan version.
    """
    from .pipeline import run
    from .registry import parse_config

    path = Path(manifest_path)
    man = read_manifest(path)
    where = study_dir if study_dir is not None else man.get("study_dir")
    if not where:
        raise ReplayError(f"{path}: folder studi tidak tercatat; berikan --study / the study folder is not recorded; "
                          f"give --study")
    where = Path(where)
    if Path(out_dir).resolve() == path.resolve().parent:
        raise ReplayError(f"{out_dir}: folder hasil yang diulang tidak boleh ditimpa; pilih folder lain / the replayed run's "
                          f"folder must not be overwritten; choose another folder")
    check_inputs(man, where)
    config = parse_config(man["config"], f"{path} (config)")
    record = {"replay_of": {"manifest": str(path.resolve()), "created": man.get("created"),
                            "petarawan_version": man.get("petarawan_version")}}
    run(where, out_dir, lang=man.get("language"), progress=progress, config=config, record=record)
    new = read_manifest(Path(out_dir) / "run.json")
    return ReplayResult(Path(out_dir), compare_tables(man["tables"], new["tables"]), str(man["petarawan_version"]),
                        __version__)
