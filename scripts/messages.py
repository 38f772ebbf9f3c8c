"""Maintain the message catalogues (``src/petarawan/locale/{id,en}/LC_MESSAGES/petarawan.po``).

    python scripts/messages.py add KEY --id "Teks {n}" --en "Text {n}"   # add or replace, both languages
    python scripts/messages.py remove KEY [KEY ...]
    python scripts/messages.py compile                                    # .po → .mo (pip install does it too)
    python scripts/messages.py show KEY

Editing the ``.po`` files by hand is fine as well (keep them sorted by key; ``{name}`` fields
must be the same in both languages — ``tests/test_i18n.py`` checks it).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_catalogue", ROOT / "src" / "petarawan" / "_catalogue.py")
catalogue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogue)  # type: ignore[union-attr]

HEADER = {
    "id": "# petarawan — pesan untuk pengguna, Bahasa Indonesia.\n# msgid = kunci pesan; msgstr = teks (kolom {nama} diisi saat dipakai).",
    "en": "# petarawan — user-facing messages, English.\n# msgid = message key; msgstr = text ({name} fields are filled in when used).",
}


def load(lang: str):
    from babel.messages.catalog import Catalog

    path = catalogue.po_path(lang)
    if path.is_file():
        return catalogue.read_po(path)
    return Catalog(locale=lang, domain=catalogue.DOMAIN, project="petarawan", version="0.1",
                   header_comment=HEADER[lang], msgid_bugs_address="", copyright_holder="", fuzzy=False,
                   last_translator="petarawan", language_team=lang)


def save(lang: str, cat) -> None:
    from babel.messages.pofile import write_po

    path = catalogue.po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, cat, width=0, sort_output=True, no_location=True)


def add(entries: dict[str, dict[str, str]]) -> None:
    """Add or replace ``{key: {"id": ..., "en": ...}}`` in both catalogues."""
    for lang in ("id", "en"):
        cat = load(lang)
        for key, texts in entries.items():
            if key in cat:
                del cat[key]
            cat.add(key, texts[lang])
        save(lang, cat)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add")
    a.add_argument("key")
    a.add_argument("--id", required=True, dest="text_id")
    a.add_argument("--en", required=True, dest="text_en")
    r = sub.add_parser("remove")
    r.add_argument("keys", nargs="+")
    s = sub.add_parser("show")
    s.add_argument("key")
    sub.add_parser("compile")
    args = ap.parse_args(argv)
    if args.cmd == "add":
        add({args.key: {"id": args.text_id, "en": args.text_en}})
    elif args.cmd == "remove":
        for lang in ("id", "en"):
            cat = load(lang)
            for k in args.keys:
                if k in cat:
                    del cat[k]
            save(lang, cat)
    elif args.cmd == "show":
        for lang in ("id", "en"):
            m = load(lang).get(args.key)
            print(f"{lang}: {m.string if m else '(missing)'}")
        return 0
    for p in catalogue.compile_all():
        print(p.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
