"""The output folder: safety check, lock, atomic replacement and recovery after a crash.

A run writes every output into a private temporary sibling of ``OUT`` (``.OUT.tmp-XXXX``, mode
0700 while it is being written, so per-area values are never readable by other users of the
machine) and then swaps it in with two renames::

    OUT            -> .OUT.old-XXXX      (1)
    .OUT.tmp-XXXX  -> OUT                (2)

A crash (power cut, ``kill -9``) between (1) and (2) would leave ``OUT`` missing.  The next
:func:`output_lock` holder — the next ``petarawan run`` or ``petarawan serve`` of that folder —
puts the earlier results back (:func:`recover`) and removes leftover temporary folders; the
restore is reported as a warning finding.

Only one run may write into a folder at a time: :func:`output_lock` takes an exclusive lock on
``.OUT.lock`` beside the folder (``fcntl.flock`` on Linux/macOS, ``msvcrt.locking`` on Windows;
both are released by the operating system when the process dies, so a killed run never leaves a
stale lock).  A second run into a locked folder stops at once with a finding naming the process
that holds it.

Errors: every problem is an :class:`~petarawan.errors.InputError` carrying a finding that names
the folder or file and says what to do (full disk, no permission, read-only drive, folder in
use) — never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import stat
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterator

from ..errors import Finding, InputError
from ..i18n import Msg

__all__ = ["check_out_dir", "atomic_dir", "output_lock", "recover", "prepare_out_dir", "os_error_finding",
           "write_error"]

PUBLIC_MODE = 0o755
"""Mode of a finished output folder: colleagues on a shared drive must be able to read results."""

_held: dict[str, list] = {}  # resolved lock path -> [owner thread id, depth, fd]
_held_guard = threading.Lock()


# --------------------------------------------------------------------------- errors
_OS_KINDS = {  # errno → (finding code, message key of the cause, key of what to do)
    errno.ENOSPC: ("disk_full", "f.os.disk_full", "x.os.disk_full"),
    errno.EACCES: ("no_permission", "f.os.no_permission", "x.os.no_permission"),
    errno.EROFS: ("read_only", "f.os.read_only", "x.os.read_only"),
    errno.ENOENT: ("not_found", "f.os.not_found", "x.os.not_found"),
}
_OS_KINDS[errno.EPERM] = _OS_KINDS[errno.EACCES]
if hasattr(errno, "EDQUOT"):
    _OS_KINDS[errno.EDQUOT] = ("disk_full", "f.os.quota", "x.os.disk_full")


def os_error_finding(err: OSError, *, file: str | os.PathLike | None = None, action: str = "write") -> Finding:
    """A finding for an operating-system error: what happened, which file, what to do.

    Parameters
    ----------
    err : OSError
        ``errno`` selects the kind: ENOSPC/EDQUOT → ``disk_full``, EACCES/EPERM →
        ``no_permission``, EROFS → ``read_only``, ENOENT → ``not_found``; anything else →
        ``os_error`` with the system's own text.
    file : path, optional
        The file to name; default ``err.filename``.
    action : {"write", "read"}

    Returns
    -------
    Finding
        Level ``error``; ``file`` set; both languages.
    """
    kind = _OS_KINDS.get(err.errno or -1)
    name = str(file if file is not None else (err.filename or ""))
    verb = Msg("f.os.writing" if action == "write" else "f.os.reading")
    if kind is None:
        return Finding("error", "os_error", Msg("f.os_error", verb=verb, why=err.strerror or type(err).__name__),
                       file=name or None, expected=Msg("x.os_error"))
    code, why, exp = kind
    return Finding("error", code, Msg("f.os_failed", verb=verb, why=Msg(why)), file=name or None, expected=Msg(exp))


_DISK_FULL_TEXT = ("no space left on device", "database or disk is full", "disk full", "not enough space")


def write_error(err: BaseException, *, file: str | os.PathLike) -> InputError | None:
    """The :class:`InputError` for a failure while writing ``file``, or ``None`` when ``err``
    is not a file-system problem (a bug: let it propagate).

    Recognises :class:`OSError` by ``errno`` and, because GDAL/SQLite/zip writers report a full
    disk in their own exception types, any exception whose text says the disk is full."""
    if isinstance(err, OSError) and err.errno is not None:
        return InputError(os_error_finding(err, file=file))
    text = str(err).lower()
    if any(s in text for s in _DISK_FULL_TEXT):
        return InputError(os_error_finding(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), file=file))
    return None


# --------------------------------------------------------------------------- safety check
def check_out_dir(out_dir: Path, study_dir: Path | None = None) -> None:
    """Refuse an output folder whose replacement would destroy anything petarawan did not write.

    Raises
    ------
    InputError
        ``out_dir`` is a file; is the study folder or one of its parents; or exists, is not
        empty, and is not a previous petarawan output (a ``run.json`` listing every file in it).
    """
    out_dir = Path(out_dir).absolute().resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(Finding("error", "out_not_dir", Msg("f.out_not_dir"), file=str(out_dir), expected=Msg("x.out_not_dir")))
    if study_dir is not None:
        study = Path(study_dir).absolute().resolve()
        if out_dir == study or out_dir in study.parents:
            raise InputError(Finding("error", "out_contains_study", Msg("f.out_contains_study"), file=str(out_dir),
                                     expected=Msg("x.out_contains_study", example=study / "hasil")))
    if out_dir.is_dir() and any(out_dir.iterdir()):
        present = {p.name for p in out_dir.iterdir()}
        ours: set[str] = set()
        try:
            man = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
            if isinstance(man, dict) and "petarawan_version" in man:
                ours = set(man.get("outputs", {})) | {"run.json"}
        except (OSError, ValueError):
            pass
        foreign = sorted(present - ours)
        if foreign:
            raise InputError(Finding(
                "error", "out_not_empty",
                Msg("f.out_not_empty", foreign=', '.join(foreign[:5]), p=', …' if len(foreign) > 5 else ''), file=str(out_dir),
                expected=Msg("x.out_not_empty")))


# --------------------------------------------------------------------------- lock
def _lock_path(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.lock"


def _try_lock(fd: int) -> bool:
    """Non-blocking exclusive lock of an open file; False when another process holds it."""
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, 0x10000, os.SEEK_SET)  # lock one byte past the pid text, which stays readable
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0x10000, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _busy(out_dir: Path, lock: Path) -> InputError:
    holder = ""
    with contextlib.suppress(OSError, ValueError):
        holder = lock.read_text(encoding="utf-8").split()[0]
    return InputError(Finding(
        "error", "out_locked", Msg("f.out_locked", who=Msg("f.out_locked.process", pid=holder) if holder else ""),
        file=str(out_dir), expected=Msg("x.out_locked")))


@contextlib.contextmanager
def output_lock(out_dir: Path | str) -> Iterator[None]:
    """Hold the exclusive lock of ``out_dir`` for the duration of the ``with`` block.

    Re-entrant within one thread (the pipeline holds it for the whole run and
    :func:`atomic_dir` takes it again); another thread or process gets ``out_locked`` at once.
    The lock file ``.OUT.lock`` holds the owner's process id and is removed on release.

    Raises
    ------
    InputError
        ``out_locked`` (held elsewhere) or ``out_unwritable`` (the parent folder cannot be
        created or written).
    """
    out_dir = Path(out_dir).absolute()
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(_unwritable(out_dir, err)) from None
    lock = _lock_path(out_dir)
    key = str(lock.parent.resolve() / lock.name)
    me = threading.get_ident()
    with _held_guard:
        entry = _held.get(key)
        if entry is not None:
            if entry[0] != me:
                raise _busy(out_dir, lock)
            entry[1] += 1
    if entry is not None:
        try:
            yield
        finally:
            with _held_guard:
                entry[1] -= 1
        return
    try:
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            if not _try_lock(fd):
                os.close(fd)
                raise _busy(out_dir, lock)
            # the file may have been removed by its previous owner between open and lock: retry
            try:
                same = os.name == "nt" or os.stat(lock).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError as err:
        raise InputError(_unwritable(out_dir, err)) from None
    with _held_guard:
        _held[key] = [me, 1, fd]
    try:
        yield
    finally:
        with _held_guard:
            del _held[key]
        with contextlib.suppress(OSError):
            if os.name != "nt":
                os.unlink(lock)  # while still locked: a waiter then sees a new inode and retries
            _unlock(fd)
        os.close(fd)
        if os.name == "nt":  # pragma: no cover
            with contextlib.suppress(OSError):
                os.unlink(lock)


def _unwritable(out_dir: Path, err: OSError) -> Finding:
    f = os_error_finding(err, file=out_dir)
    if f.code in ("disk_full", "read_only", "no_permission"):
        return f
    return Finding("error", "out_unwritable", Msg("f.out_unwritable", strerror=err.strerror),
                   file=str(out_dir),
                   expected=Msg("x.out_unwritable"))


# --------------------------------------------------------------------------- recovery
def _leftovers(out_dir: Path, kind: str) -> list[Path]:
    """Our hidden siblings ``.OUT.<kind>-*`` that are real folders (never follow a symlink)."""
    prefix = f".{out_dir.name}.{kind}-"
    try:
        entries = list(out_dir.parent.iterdir())
    except OSError:
        return []
    out = []
    for p in entries:
        if not p.name.startswith(prefix):
            continue
        try:
            st = p.lstat()
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            out.append(p)
    return sorted(out, key=lambda p: p.lstat().st_mtime)


def _is_output(folder: Path) -> bool:
    try:
        man = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(man, dict) and "petarawan_version" in man


def recover(out_dir: Path | str) -> list[Finding]:
    """Repair what an interrupted run left beside ``out_dir``; call it holding :func:`output_lock`.

    - ``out_dir`` missing and an earlier output parked as ``.OUT.old-*``: it is renamed back to
      ``out_dir`` (the newest complete one) — the run that parked it never finished.
    - every other ``.OUT.old-*`` and ``.OUT.tmp-*`` folder is removed (no run is using them:
      the caller holds the lock).

    Returns
    -------
    list[Finding]
        A ``warning`` ``out_restored`` when earlier results were put back; an ``info``
        ``out_leftovers_removed`` with the number of folders removed.
    """
    out_dir = Path(out_dir).absolute()
    found: list[Finding] = []
    olds = _leftovers(out_dir, "old")
    if not os.path.lexists(out_dir):
        complete = [p for p in olds if _is_output(p)]
        if complete:
            best = complete[-1]
            try:
                os.replace(best, out_dir)
            except OSError as err:
                raise InputError(_unwritable(out_dir, err)) from None
            olds.remove(best)
            found.append(Finding(
                "warning", "out_restored",
                Msg("f.out_restored"), file=str(out_dir)))
    stale = olds + _leftovers(out_dir, "tmp")
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    if stale:
        found.append(Finding("info", "out_leftovers_removed",
                             Msg("f.out_leftovers_removed", n_stale=len(stale)), file=str(out_dir.parent)))
    return found


def prepare_out_dir(out_dir: Path | str, study_dir: Path | str | None = None) -> list[Finding]:
    """:func:`recover`, then :func:`check_out_dir`; call it holding :func:`output_lock`."""
    found = recover(out_dir)
    check_out_dir(Path(out_dir), Path(study_dir) if study_dir is not None else None)
    return found


# --------------------------------------------------------------------------- the swap
def atomic_dir(out_dir: Path, build: Callable[[Path], None], *, study_dir: Path | None = None) -> None:
    """Call ``build(tmp_dir)`` then replace ``out_dir`` by ``tmp_dir`` with two renames.

    The temporary folder is a private (0700) sibling of ``out_dir`` — same file system, so each
    rename is atomic — made readable (0755) only once it has become ``out_dir``.  Holds :func:`output_lock`
    throughout and first runs :func:`recover`.  If ``build`` raises, ``out_dir`` is untouched and
    the temporary folder removed.  Only an empty folder or an earlier petarawan output is ever
    replaced (:func:`check_out_dir`).

    Raises
    ------
    InputError
        Unsafe, locked or unwritable output folder; a full disk or another file-system error
        while writing (finding names the output file and what to do).
    """
    out_dir = Path(out_dir).absolute()
    with output_lock(out_dir):
        prepare_out_dir(out_dir, study_dir)
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))  # 0700
        except OSError as err:
            raise InputError(_unwritable(out_dir, err)) from None
        try:
            build(tmp)
        except BaseException as err:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(err, Exception) and not isinstance(err, InputError):
                name = getattr(err, "filename", None)
                target = out_dir / Path(name).name if name and str(name).startswith(str(tmp)) else out_dir
                mapped = write_error(err, file=target)
                if mapped is not None:
                    raise mapped from None
            raise
        old = None
        try:
            if os.path.lexists(out_dir):
                old = out_dir.parent / f".{out_dir.name}.old-{secrets.token_hex(4)}"
                os.replace(out_dir, old)
            os.replace(tmp, out_dir)
            os.chmod(out_dir, PUBLIC_MODE)  # only now: a crash before this leaves nothing readable to others
        except OSError as err:
            if old is not None and not os.path.lexists(out_dir):
                with contextlib.suppress(OSError):
                    os.replace(old, out_dir)
            shutil.rmtree(tmp, ignore_errors=True)
            raise InputError(os_error_finding(err, file=out_dir)) from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def replace_file(path: Path, write: Callable[[Path], None], *, mode: int = 0o644) -> None:
    """Replace one file atomically: ``write(tmp)`` fills a temporary sibling of ``path`` (created
    private, 0600), which is then given ``mode`` and renamed over ``path``.  An earlier file
    survives any failure (the temporary file is removed); readers never see a half-written file.

    Raises
    ------
    Whatever ``write`` raises, or OSError from the rename (see :func:`write_error`).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_bytes(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """:func:`replace_file` writing ``data``."""
    replace_file(path, lambda tmp: tmp.write_bytes(data), mode=mode)
