"""The study folders on disk: immutable versions per yearly round, and staged uploads.

Layout under the data folder::

    studies/<study>/<year>/v<N>/          the round's study folder, version N (never changed)
    studies/<study>/<year>/staging/u<id>/ an upload being previewed (a copy of the current
                                          version with the uploaded files put in place)
    runs/<run>/                           a run's outputs (written by ``petarawan.pipeline.run``)

An upload is validated by petarawan's own validation (:func:`petarawan.validate.load_study` and
the index/classes check of ``petarawan validate``) on the staged copy.  Accepting it renames the
staged folder to ``v<N+1>`` and the database then records N+1 as current in one transaction;
discarding it deletes the staged folder.  Unchanged files are hard links to the previous version
(versions are never written in place), so a new version costs only the changed files.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, Finding, InputError
from ..i18n import Msg

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""Largest accepted upload (all files together)."""
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
"""Largest declared uncompressed size of a zip container (.xlsx, .zip) — a guard against
decompression bombs before any reader opens the file."""
MAX_ZIP_RATIO = 200
"""Largest declared compression ratio of a zip container."""
ALLOWED_SUFFIXES = {".toml", ".csv", ".xlsx", ".geojson", ".json", ".gpkg", ".shp", ".shx", ".dbf", ".prj", ".cpg",
                    ".zip", ".sqlite"}
TRACK_STORE = "petarawan.sqlite"
"""The study's monitoring store (``petarawan track``): the only ``.sqlite`` file accepted."""
KINDS = ("config", "boundary", "table", "survey")
"""What an upload replaces: the configuration (with any input files beside it), the boundary
file, the indicator table, or a survey export of ``[potential]``."""


@dataclass(frozen=True)
class Incoming:
    """One uploaded file: the name the browser sent and the temporary path it was saved to."""

    name: str
    path: Path


def finding(code: str, *, file: str | None = None, expected: Msg | None = None, **params) -> Finding:
    """An error finding with the message ``server.f.<code>``."""
    return Finding("error", code, Msg(f"server.f.{code}", **params), file=file, expected=expected)


def safe_name(name: str) -> str:
    """A plain file name from what a browser sent: the last path part, no leading dot, only
    letters, digits, ``. _ -`` and spaces.

    Raises
    ------
    InputError
        Empty, ``.``/``..``, or a suffix petarawan does not read.
    """
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._ -]", "_", base).lstrip(".")
    suffix = Path(base).suffix.lower()
    if not base or base in (".", "..") or suffix not in ALLOWED_SUFFIXES or (suffix == ".sqlite" and base != TRACK_STORE):
        raise InputError(finding("bad_file_name", file=base or None,
                                 expected=Msg("server.x.bad_file_name", suffixes=", ".join(sorted(ALLOWED_SUFFIXES)))))
    return base


def check_container(path: Path, label: str) -> None:
    """Refuse a zip container (``label`` ends in ``.xlsx`` or ``.zip``) that declares more than
    :data:`MAX_UNZIPPED_BYTES` or a compression ratio above :data:`MAX_ZIP_RATIO`."""
    if Path(label).suffix.lower() not in (".xlsx", ".zip"):
        return
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        raise InputError(finding("bad_container", file=label)) from None
    size = max(path.stat().st_size, 1)
    if total > MAX_UNZIPPED_BYTES or total / size > MAX_ZIP_RATIO:
        raise InputError(finding("zip_bomb", file=label, mb=total // 2**20,
                                 expected=Msg("server.x.zip_bomb", mb=MAX_UNZIPPED_BYTES // 2**20)))


class Layout:
    """Paths under the data folder."""

    def __init__(self, root: Path | str):
        self.root = Path(root).absolute()

    def round_dir(self, study: int, year: int) -> Path:
        return self.root / "studies" / str(int(study)) / str(int(year))

    def version(self, study: int, year: int, v: int) -> Path:
        return self.round_dir(study, year) / f"v{int(v)}"

    def staging(self, study: int, year: int, upload: int) -> Path:
        return self.round_dir(study, year) / "staging" / f"u{int(upload)}"

    def run(self, run: int) -> Path:
        return self.root / "runs" / str(int(run))


def copy_version(src: Path | None, dst: Path) -> None:
    """Make ``dst`` a copy of version folder ``src`` (hard links where the file system allows;
    an empty folder when ``src`` is None)."""
    if dst.exists():
        shutil.rmtree(dst)
    if src is None or not src.is_dir():
        dst.mkdir(parents=True)
        return
    dst.parent.mkdir(parents=True, exist_ok=True)

    def link(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dst, copy_function=link)


def put_file(src: Path, dst: Path) -> None:
    """Place ``src`` at ``dst`` by writing a new file and renaming it over ``dst`` — a hard link
    to an earlier version is replaced, never written through."""
    from ..io.atomic import replace_file

    replace_file(dst, lambda tmp: shutil.copyfile(src, tmp), mode=0o600)  # private, as before


def extract_study(archive: Path, staged: Path, label: str) -> list[str]:
    """Unpack a zipped study folder (``petarawan.toml`` at its root or inside one top folder) into
    ``staged``, keeping sub-folders.  Every path part is reduced like :func:`safe_name`; entries
    with ``..``, absolute paths, hidden parts or a type petarawan does not read are skipped; the
    declared sizes were checked by :func:`check_container`.  Returns the names written."""
    from pathlib import PurePosixPath

    with zipfile.ZipFile(archive) as zf:
        entries = [i for i in zf.infolist() if not i.is_dir()]
        tomls = [PurePosixPath(i.filename) for i in entries if PurePosixPath(i.filename).name == "petarawan.toml"]
        roots = sorted(tomls, key=lambda p: len(p.parts))
        if not roots or len(roots[0].parts) > 2:
            raise InputError(Finding("error", "no_config", Msg("server.f.no_config_in_zip"), file=label,
                                     expected=Msg("server.x.study_zip")))
        prefix = roots[0].parts[:-1]
        written = []
        for info in entries:
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if parts[: len(prefix)] != prefix:
                continue
            rel = parts[len(prefix):]
            if not rel or any(p in ("", ".", "..") or p.startswith(".") or p == "__MACOSX" for p in rel) \
                    or info.filename.startswith("/"):
                continue
            if Path(rel[-1]).suffix.lower() not in ALLOWED_SUFFIXES:
                continue
            try:
                clean = [re.sub(r"[^A-Za-z0-9._ -]", "_", p) for p in rel[:-1]] + [safe_name(rel[-1])]
            except InputError:
                continue
            dst = staged.joinpath(*clean)
            if staged.resolve() not in dst.resolve().parents:
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, dst.open("wb") as out:
                shutil.copyfileobj(src, out, 1024 * 1024)
            written.append("/".join(clean))
    return written


def _config(staged: Path):
    from ..registry import load_config

    try:
        return load_config(staged)
    except (ConfigError, InputError, OSError):
        return None


TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")
"""Indicator-table formats one reader accepts; a new table may switch between them."""


def _table_target(staged: Path, current: str, suffix: str) -> str:
    """Where a new indicator table goes: the configured ``[data] file``, or — when the upload is
    the other format (an XLSX where the study had a CSV, or back) — the same name with the
    upload's suffix, written into the staged ``petarawan.toml`` (tester finding 22: the analyst had
    to re-upload the whole study to switch).  Unchanged when the suffixes agree or are not tables."""
    old = Path(current)
    if suffix == old.suffix.lower() or suffix not in TABLE_SUFFIXES or old.suffix.lower() not in TABLE_SUFFIXES:
        return current
    new = old.with_suffix(suffix).as_posix()
    cfg_path = staged / "petarawan.toml"
    text = cfg_path.read_text(encoding="utf-8")
    section = re.search(r"(?ms)^\[data\][^\n]*\n(.*?)(?=^\[|\Z)", text)
    if section is None:
        return current
    body = section.group(1)
    line = re.compile(r"(?m)^(\s*file\s*=\s*)([\"'])" + re.escape(current) + r"\2")
    if not line.search(body):
        return current
    body = line.sub(lambda m: f"{m.group(1)}{m.group(2)}{new}{m.group(2)}", body, count=1)
    from ..io.atomic import replace_bytes

    replace_bytes(cfg_path, (text[:section.start(1)] + body + text[section.end(1):]).encode("utf-8"))
    return new


def place(staged: Path, kind: str, files: list[Incoming]) -> list[str]:
    """Put uploaded ``files`` into the staged study folder where the configuration expects them.

    - ``config``: every file by its own (sanitised) name; one must be ``petarawan.toml``;
    - ``boundary``, ``table``: one file (a Shapefile with its sidecars) saved under the name the
      configuration gives (``[areas] file`` / ``[data] file``); the suffix must match;
    - ``survey``: each export under the configured ``[potential] survey`` name with the same
      name, or the only configured one with the same suffix.

    Returns the names written.  Raises :class:`InputError` with every problem found.
    """
    if kind not in KINDS:
        raise InputError(finding("bad_kind", expected=Msg("server.x.one_of", choices=", ".join(KINDS))))
    names = [safe_name(f.name) for f in files]
    if not files:
        raise InputError(finding("no_file"))
    for f, n in zip(files, names):
        check_container(f.path, n)
    if kind == "config" and len(files) == 1 and names[0].lower().endswith(".zip"):
        return extract_study(files[0].path, staged, names[0])
    if kind == "config":
        if "petarawan.toml" not in names:
            raise InputError(finding("no_config", expected=Msg("server.x.one_of", choices="petarawan.toml")))
        for f, n in zip(files, names):
            put_file(f.path, staged / n)
        return names
    cfg = _config(staged)
    if cfg is None:
        raise InputError(finding("no_config_yet", expected=Msg("server.x.no_config_yet")))
    if kind == "survey":
        potential = getattr(cfg, "potential", None)
        targets = list(potential.survey) if potential is not None else []
        if not targets:
            raise InputError(finding("no_survey_section", file="petarawan.toml"))
    else:
        targets = [cfg.areas.file if kind == "boundary" else cfg.data.file]
        if kind == "table" and len(files) == 1:
            targets = [_table_target(staged, targets[0], Path(names[0]).suffix.lower())]
    written = []
    problems = []
    main = Path(targets[0])
    for f, n in zip(files, names):
        suffix = Path(n).suffix.lower()
        if kind == "boundary" and main.suffix.lower() == ".shp" and suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            target = main.with_suffix(suffix).as_posix()
        elif n in targets:
            target = n
        else:
            same = [t for t in targets if Path(t).suffix.lower() == suffix]
            target = same[0] if len(same) == 1 else None
        if target is None:
            problems.append(finding("wrong_suffix", file=n, name=n,
                                    expected=Msg("server.x.wrong_suffix", targets=", ".join(targets))))
            continue
        dst = (staged / target).resolve()
        if staged.resolve() not in dst.parents:
            problems.append(finding("outside", file=target))
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        put_file(f.path, dst)
        written.append(target)
    if problems:
        raise InputError(problems)
    return written


_PATH_KEY = re.compile(r"(file|files|bank|returns|path|dir|folder|export)s?$", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]|^\\\\|^~")
_DATA_SUFFIXES = ALLOWED_SUFFIXES | {".txt", ".xls", ".xlsm", ".ods", ".db", ".parquet", ".tsv"}


def paths_outside(study_dir: Path, raw: dict) -> list[Finding]:
    """Every file name in the configuration that leaves ``study_dir``: an absolute path, a
    drive or home path, or ``..`` escaping the folder (symbolic links followed).

    ``raw`` is the parsed ``petarawan.toml``.  A string is a file name when its key names one
    (``file``, ``files``, ``bank``, ``returns``, ``path``, …) or it ends in a data suffix; lists
    and nested tables are walked.  On the office server a study may read only what was uploaded
    with it (tester finding 15: ``[data] file = "/srv/…/other-office.csv"`` was read and its
    headings shown in the preview).  Returns one ``path_outside`` error per name, naming the key.
    """
    root = Path(study_dir).resolve()
    out: list[Finding] = []

    def check(key: str, value: str) -> None:
        leaves = bool(_DRIVE.match(value)) or Path(value).is_absolute()
        if not leaves:
            target = (root / value).resolve()
            leaves = target != root and root not in target.parents
        if leaves:
            out.append(finding("path_outside", file="petarawan.toml", key=key, value=value,
                               expected=Msg("server.x.path_outside")))

    def walk(node, key: str, named: bool) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{key}.{k}" if key else str(k), bool(_PATH_KEY.search(str(k))))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{key}[{i}]", named)
        elif isinstance(node, str) and node.strip():
            if named or Path(node.strip()).suffix.lower() in _DATA_SUFFIXES:
                check(key, node.strip())

    walk(raw, "", False)
    return out


def validate_folder(study_dir: Path, lang: str = "id") -> list[Finding]:
    """Every finding of ``petarawan validate`` on ``study_dir``: :func:`load_study` then the
    index and classes (``analyse(post=False)``).  Never raises for bad input: a configuration
    error becomes one finding naming ``petarawan.toml``.  A configuration naming any file outside
    ``study_dir`` (:func:`paths_outside`) is refused before anything is read."""
    from ..io.toml import read_toml
    from ..pipeline import analyse
    from ..validate import load_study

    try:
        outside = paths_outside(study_dir, read_toml(Path(study_dir) / "petarawan.toml"))
    except (ConfigError, InputError, OSError):
        outside = []          # unreadable TOML: load_study below names the problem
    if outside:
        return outside
    try:
        study = load_study(study_dir)
        res = analyse(study, lang=lang, post=False)
    except InputError as err:
        return list(err.findings)
    except ConfigError as err:
        return [Finding("error", "config", err.msg, file="petarawan.toml")]
    except FileNotFoundError as err:
        return [finding("file_missing", file=Path(err.filename or "").name or None)]
    return [f for f in res.findings]



def check_folder(study_dir: str, lang: str = "id") -> list[dict]:
    """:func:`validate_folder` with the findings as JSON-ready dicts (what the server's checker
    process returns to the web process)."""
    from ..io.writers import jsonable

    return jsonable([f.to_dict() for f in validate_folder(Path(study_dir), lang)])


def warm_up() -> None:
    """Import what a check needs (run once in a fresh checker process, so that the first
    upload's preview does not wait for pandas, geopandas and the stages to load)."""
    from .. import pipeline, validate  # noqa: F401
