"""Build-time helper: compile the message catalogues (``locale/<lang>/LC_MESSAGES/petarawan.po``)
into the ``.mo`` files :mod:`petarawan.i18n` reads.

This module imports only the standard library and Babel, so ``setup.py`` can load it by path in
the isolated build environment (where petarawan's own dependencies are not installed); the
test suite and ``scripts/messages.py`` use the same functions.
"""

from __future__ import annotations

import io
from pathlib import Path

DOMAIN = "petarawan"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def po_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def languages(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Every language with a ``.po`` file, sorted."""
    return sorted(p.parent.parent.name for p in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_po(path: Path):
    """The catalogue of one ``.po`` file (:class:`babel.messages.catalog.Catalog`)."""
    from babel.messages.pofile import read_po as _read

    with open(path, "rb") as fh:
        return _read(fh, abort_invalid=True)


def mo_bytes(path: Path) -> bytes:
    """The compiled ``.mo`` content of a ``.po`` file (fuzzy entries are compiled too: the
    catalogue's keys are not English sentences, so a fuzzy entry must not fall back to its key)."""
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, read_po(path), use_fuzzy=True)
    return buf.getvalue()


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every ``.po`` under ``locale_dir`` next to itself; returns the ``.mo`` paths
    (a ``.mo`` whose content is already current is not rewritten)."""
    written = []
    for lang in languages(locale_dir):
        data = mo_bytes(po_path(lang, locale_dir))
        mo = mo_path(lang, locale_dir)
        if not mo.is_file() or mo.read_bytes() != data:
            tmp = mo.with_suffix(".mo.tmp")
            tmp.write_bytes(data)
            tmp.replace(mo)
        written.append(mo)
    return written


if __name__ == "__main__":  # python src/petarawan/_catalogue.py
    for p in compile_all():
        print(p)
