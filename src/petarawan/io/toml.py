"""Reading TOML files (the study's ``petarawan.toml``, the IKRN item bank): the one place they are
read, with caps that turn a hostile or broken file into a clear :class:`ConfigError`.

Python's ``tomllib`` parses nested arrays and inline tables recursively (a few thousand ``[`` end
in ``RecursionError``) and dotted keys in time quadratic in their length (60 keys of 2,000 parts
take 10 s).  Before parsing, :func:`toml_shape` measures both in one linear pass that knows TOML's
strings and comments; a file over :attr:`TomlLimits.max_bytes`, nested deeper than
:attr:`TomlLimits.max_depth` or with a key of more than :attr:`TomlLimits.max_key_parts` parts is
refused by name.  A study configuration is a few kilobytes, 2–4 levels deep.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import Msg


@dataclass(frozen=True)
class TomlLimits:
    """Caps of :func:`read_toml` (bytes of the file; nesting of arrays/inline tables; parts of
    one dotted key)."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 32
    max_key_parts: int = 32


TOML_LIMITS = TomlLimits()


def toml_shape(text: str) -> tuple[int, int]:
    """``(deepest nesting of [ ] / { } in values, most parts of one key)`` of TOML text, in one
    pass that skips strings (basic, literal, multi-line) and comments.  A table header
    ``[a.b]`` / ``[[a.b]]`` counts as a key, not as nesting.  Approximate only where the text is
    not valid TOML (the parser then reports it)."""
    deepest = parts = most = 0
    stack: list[str] = []          # "[" / "{" openers of values
    in_key = True                  # at a key: line start outside values, or after { or , in an inline table
    header = False                 # inside [table] / [[table]]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            while j < n:
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if len(quote) == 1 and text[j] == "\n":
                    break
                j += 1
            i = j + len(quote)
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "\n":
            if not stack:
                in_key, header, parts = True, False, 0
        elif c == "[" and in_key and not stack:
            header, in_key, parts = True, False, 0
        elif c == "[" and header:
            pass                   # the second [ of [[array.of.tables]]
        elif c == "]" and header:
            header = False
        elif c in "[{":
            stack.append(c)
            deepest = max(deepest, len(stack))
            in_key, parts = c == "{", 0
        elif c in "]}":
            if stack:
                stack.pop()
        elif c == "=" and in_key:
            in_key = False
        elif c == "," and stack and stack[-1] == "{":
            in_key, parts = True, 0
        elif c == "." and (in_key or header):
            parts += 1
            most = max(most, parts + 1)
        i += 1
    return deepest, max(most, 1)


def toml_error(err: "tomllib.TOMLDecodeError", text: str, source: str) -> Msg:
    """``cfg.bad_toml``: the line and column where the parser stopped and that line as written,
    in the reader's language (tomllib's own sentence is English).  Python ≥ 3.14 gives
    ``lineno``/``colno``; before, they are read from the message's ``(at line L, column C)``."""
    line, col = getattr(err, "lineno", None), getattr(err, "colno", None)
    if line is None:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        if m is None:  # "(at end of document)"
            lines = text.splitlines() or [""]
            line, col = len(lines), len(lines[-1]) + 1
        else:
            line, col = int(m.group(1)), int(m.group(2))
    lines = text.splitlines()
    shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return Msg("cfg.bad_toml", path=source, line=line, col=col, text=shown[:120])


def parse_toml(text: str, source: str, limits: TomlLimits = TOML_LIMITS) -> dict[str, Any]:
    """Parse TOML text after checking its shape (:func:`toml_shape`).

    Raises
    ------
    ConfigError
        ``config.too_deep`` / ``config.key_too_long`` (naming the cap), ``cfg.bad_toml`` (the
        parser's message with line and column).
    """
    deepest, key_parts = toml_shape(text)
    if deepest > limits.max_depth:
        raise ConfigError(Msg("config.too_deep", source=source, depth=deepest, limit=limits.max_depth))
    if key_parts > limits.max_key_parts:
        raise ConfigError(Msg("config.key_too_long", source=source, parts=key_parts, limit=limits.max_key_parts))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(toml_error(err, text, source)) from None
    except RecursionError:  # a shape the scan did not foresee: still never an internal error
        raise ConfigError(Msg("config.too_deep", source=source, depth=deepest, limit=limits.max_depth)) from None


def read_toml(path: Path | str, limits: TomlLimits = TOML_LIMITS) -> dict[str, Any]:
    """Read a UTF-8 TOML file (a byte-order mark is allowed) within ``limits``.

    Raises
    ------
    ConfigError
        File larger than ``limits.max_bytes`` (``config.too_big``), not UTF-8
        (``config.not_utf8``), or see :func:`parse_toml`.  A missing file is the caller's
        message (:class:`FileNotFoundError` passes through).
    """
    path = Path(path)
    source = str(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ConfigError(Msg("config.too_big", source=source, size=size, limit=limits.max_bytes))
    with path.open("rb") as fh:
        raw = fh.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise ConfigError(Msg("config.too_big", source=source, size=len(raw), limit=limits.max_bytes))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(Msg("config.not_utf8", source=source, byte=err.start + 1)) from None
    return parse_toml(text, source, limits)
