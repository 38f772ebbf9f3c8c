"""User-facing text in Bahasa Indonesia (default) and English, from one message catalogue.

Every sentence, label and heading a reader sees is a message in the gettext catalogues
``locale/id/LC_MESSAGES/petarawan.po`` and ``locale/en/LC_MESSAGES/petarawan.po`` (the msgid is
a stable key such as ``cli.done`` or ``f.duplicate_code``; the msgstr the text, with ``{name}``
fields).  The ``.po`` files are compiled to ``.mo`` when petarawan is installed (``setup.py``
→ :mod:`petarawan._catalogue`); this module reads the ``.mo`` files.

- :func:`t` ``(key, lang, **params)`` — the text of ``key`` in ``lang`` with its fields filled;
  numbers in the fields are written the reader's way (:mod:`petarawan.fmt`: ``1.234,5`` in
  Indonesian, ``1,234.5`` in English), :class:`Msg` fields are rendered in the same language.
- :class:`Msg` — a key and its parameters, rendered later in the reader's language (findings,
  configuration errors, anything computed before the language is known).
- A key missing from a catalogue never shows: under the test suite (``PETARAWAN_STRICT_MESSAGES
  =1``) it raises :class:`MessageMissing`; otherwise the other language's text is used, and a key
  missing from both raises.  ``tests/test_i18n.py`` checks that every key the code uses is in
  both catalogues with the same fields.

Adding a message: ``python scripts/messages.py add KEY --id "…" --en "…"`` (or edit both ``.po``
files), then ``make install`` (or ``pip install -e .``) compiles them.
"""

from __future__ import annotations

import os
import string
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

Lang = Literal["id", "en"]
LANGS: tuple[str, ...] = ("id", "en")
DEFAULT_LANG = "id"
ENV_LANG = "PETARAWAN_LANG"
"""Environment variable naming the language when ``--lang`` is not given (before the study's
``[study] lang``)."""
ENV_STRICT = "PETARAWAN_STRICT_MESSAGES"
DOMAIN = "petarawan"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


class MessageMissing(LookupError):
    """A message key is not in the catalogue of a language (a programming error: every key used
    must be in both ``.po`` files)."""


class CatalogueMissing(RuntimeError):
    """The compiled catalogue (``.mo``) is not installed: petarawan was not installed with pip."""


def read_mo(data: bytes) -> dict[str, str]:
    """The messages of a GNU ``.mo`` file (format: GNU gettext manual, "The Format of MO Files"):
    ``{msgid: msgstr}``, the header entry (empty msgid) left out."""
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic == 0x950412DE else ">"
    _rev, n, o_orig, o_trans = struct.unpack(end + "4I", data[4:20])
    out: dict[str, str] = {}
    for i in range(n):
        ln, off = struct.unpack(end + "2I", data[o_orig + 8 * i:o_orig + 8 * i + 8])
        tl, toff = struct.unpack(end + "2I", data[o_trans + 8 * i:o_trans + 8 * i + 8])
        key = data[off:off + ln].decode("utf-8")
        if key and "\x04" not in key:  # no header, no msgctxt entries
            out[key.split("\x00")[0]] = data[toff:toff + tl].decode("utf-8").split("\x00")[0]
    return out


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """``{key: text}`` of ``lang`` from its compiled ``.mo``.

    Raises
    ------
    CatalogueMissing
        The ``.mo`` file is not there (install petarawan with pip, or ``make install``).
    """
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        return read_mo(mo.read_bytes())
    except FileNotFoundError:
        raise CatalogueMissing(f"{mo} is missing: install petarawan with pip (`pip install -e .` or `make install`), "
                               "which compiles the message catalogues") from None


def strict() -> bool:
    """True under the test suite: a missing message or field raises instead of falling back."""
    return os.environ.get(ENV_STRICT) == "1"


def has(key: str, lang: str | None = None) -> bool:
    """Whether ``key`` is in the catalogue of ``lang`` (of every language when ``lang`` is None)."""
    return all(key in catalogue(lg) for lg in ((lang,) if lang else LANGS))


def text_of(key: str, lang: str) -> str:
    """The raw text (fields not filled) of ``key`` in ``lang``.

    Raises
    ------
    MessageMissing
        ``key`` is in no catalogue, or (strict mode) not in ``lang``'s.
    """
    lang = lang if lang in LANGS else DEFAULT_LANG
    text = catalogue(lang).get(key)
    if text is not None:
        return text
    if strict():
        raise MessageMissing(f"message {key!r} is not in the {lang!r} catalogue")
    for other in LANGS:
        if key in catalogue(other):
            return catalogue(other)[key]
    raise MessageMissing(f"message {key!r} is in no catalogue")


class _Formatter(string.Formatter):
    """``str.format`` in a language: numbers through :mod:`petarawan.fmt`, :class:`Msg` fields
    rendered in the same language."""

    def __init__(self, lang: str, escape: Callable[[str], str] | None = None) -> None:
        self.lang = lang
        self.escape = escape

    def format_field(self, value: Any, format_spec: str) -> str:
        from . import fmt

        if isinstance(value, Msg):
            value = value.render(self.lang)
        elif isinstance(value, Both):
            value = value.get(self.lang)
        elif isinstance(value, Join):
            value = value.render(self.lang)
        text = fmt.format_value(value, format_spec, self.lang)
        text = text if text is not None else format(value, format_spec)
        return self.escape(text) if self.escape else text


def t(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The text of ``key`` in ``lang`` (``"id"`` or ``"en"``) with ``params`` filled in.

    Raises
    ------
    MessageMissing
        See :func:`text_of`.
    KeyError
        (strict mode) the text names a field not in ``params``.
    """
    return fill(text_of(key, lang), lang, params)


def fill(text: str, lang: str, params: dict[str, Any], escape: Callable[[str], str] | None = None) -> str:
    """Fill the ``{fields}`` of a message text (see :func:`t`); ``escape`` is applied to every
    filled-in value (markup messages: :func:`petarawan.report.render.markup`)."""
    try:
        return _Formatter(lang, escape).format(text, **params)
    except (KeyError, IndexError, ValueError):
        if strict():
            raise
        return text


def fields(text: str) -> set[str]:
    """The field names of a message text (``"{n} of {total:,}"`` → ``{"n", "total"}``)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


class Msg:
    """A message to be rendered later, in the reader's language: a catalogue key and its
    parameters (numbers, text, or other :class:`Msg`).

    ``Msg("f.duplicate_code", other=3).render("en")`` → the English text with ``{other}`` = 3.
    """

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params

    def render(self, lang: str) -> str:
        return t(self.key, lang, **self.params)

    def both(self) -> dict[str, str]:
        """``{"id": ..., "en": ...}``."""
        return {lg: self.render(lg) for lg in LANGS}

    def to_dict(self) -> dict[str, Any]:
        """Key, parameters (nested messages as dicts) and both renderings — for ``run.json``."""
        return {"key": self.key, "params": {k: _plain(v) for k, v in self.params.items()}, **self.both()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash((self.key, repr(sorted(self.params.items()))))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Msg({self.key!r}{args})"


class MsgError(ValueError):
    """A ``ValueError`` carrying a :class:`Msg` (``args[0]``), for pydantic validators and pure
    structures (:class:`petarawan.index.framework.Framework`): the configuration error shown to the
    user is rendered in the reader's language; ``str()`` is the English text (logs, ``pytest.raises``).

    ``at`` is the key path below the model that raised it (``"indicators[kasus_narkoba].dimension"``,
    ``"bands"``), so the error names the key rather than the section."""

    def __init__(self, msg: Msg, *, at: str = "") -> None:
        super().__init__(msg)
        self.at = at

    @property
    def msg(self) -> Msg:
        return self.args[0]

    def __str__(self) -> str:
        return self.args[0].render("en")


class Both:
    """A parameter value the user gave in both languages (an indicator's ``label_id`` /
    ``label_en``): rendered in the reader's language, the Indonesian one when no English is given."""

    __slots__ = ("id", "en")

    def __init__(self, id: str, en: str | None = None) -> None:  # noqa: A002 — the language code
        self.id = id
        self.en = en or id

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Both) and (self.id, self.en) == (other.id, other.en)

    def __hash__(self) -> int:
        return hash((self.id, self.en))

    def __repr__(self) -> str:
        return f"Both({self.id!r}, {self.en!r})"


class Join:
    """A parameter value made of several parts (text, :class:`Msg`, :class:`Both`) joined by
    ``sep`` in the reader's language: ``Join([Msg("f.year_rows", year=2024, n=1), ...])`` →
    "2024 (1 baris), 2025 (3 baris)"."""

    __slots__ = ("items", "sep")

    def __init__(self, items: Iterable[Any], sep: str = ", ") -> None:
        self.items = tuple(items)
        self.sep = sep

    def render(self, lang: str) -> str:
        return self.sep.join(_Formatter(lang).format_field(i, "") for i in self.items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Join) and (self.items, self.sep) == (other.items, other.sep)

    def __hash__(self) -> int:
        return hash((self.items, self.sep))

    def __repr__(self) -> str:
        return f"Join({list(self.items)!r}, {self.sep!r})"


def _plain(v: Any) -> Any:
    if isinstance(v, Join):
        return [_plain(x) for x in v.items]
    if isinstance(v, Both):
        return {"id": v.id, "en": v.en}
    if isinstance(v, Msg):
        return {"key": v.key, "params": {k: _plain(x) for k, x in v.params.items()}}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "item") and callable(v.item):  # numpy scalars
        try:
            return v.item()
        except (ValueError, TypeError):
            return str(v)
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return str(v)  # paths, exceptions, dates: as text (run.json, the server's database are JSON)


def join(items: Iterable[Any], lang: str, sep: str = ", ") -> str:
    """Items (text or :class:`Msg`) rendered in ``lang`` and joined."""
    return sep.join(i.render(lang) if isinstance(i, Msg) else str(i) for i in items)


def resolve_lang(explicit: str | None = None, config_lang: str | None = None) -> str:
    """The reader's language: ``--lang`` (``explicit``), else the environment variable
    ``PETARAWAN_LANG``, else the study's ``[study] lang`` (``config_lang``), else Indonesian.
    Unknown values are skipped."""
    for cand in (explicit, os.environ.get(ENV_LANG), config_lang):
        if cand and str(cand).strip().lower() in LANGS:
            return str(cand).strip().lower()
    return DEFAULT_LANG


def method_label(kind: str, name: str, lang: str = "id", **kwargs: object) -> str:
    # the labels ``norm.*``, ``agg.*``, ``wt.*``, ``imp.*``, ``out.*``, ``rule.*`` are the catalogue
    # entries of the method registries (petarawan.methods)
    """Readable name of a method choice: ``method_label("agg", "geometric")`` → "rata-rata
    geometrik".  A value ``"a|b"`` (indicator→dimension | dimension→index) reads "a → b", or once
    when both levels agree; a name with no label (a custom value) reads as itself."""
    parts = str(name).split("|")
    labels = [t(f"{kind}.{p}", lang, **kwargs) if has(f"{kind}.{p}") else p for p in parts]
    return labels[0] if len(set(labels)) == 1 else " → ".join(labels)
