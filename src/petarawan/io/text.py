"""The one text decoder of petarawan: bytes of a CSV (or any text input) → ``str``.

Order of decisions (never a silent ``errors="replace"``):

1. ``encoding`` given by the study (e.g. ``[data] encoding = "cp1252"``): decoded strictly with it;
   bytes it cannot decode are an error naming the byte offset.
2. A byte-order mark: UTF-32, UTF-8 (Excel's "CSV UTF-8"), UTF-16 (Excel's "Unicode text").
3. Valid UTF-8 without NUL bytes: UTF-8 (ASCII is UTF-8).
4. Otherwise the encoding is detected with charset-normalizer (Ahmed Tahri, MIT licence), first among
   the encodings tables in Indonesia are saved in (UTF-16 without a mark, Windows-1252 — "ANSI" on
   an Indonesian or English Windows), then among every encoding it knows.  The text is decoded
   strictly and a warning says which encoding was used and how to make the file unambiguous.
5. Nothing decodes: an error (the file is not text, or is damaged).

A NUL byte in a file that is not UTF-16/32 (fewer than one byte in four is NUL) is an error naming
its line — such a file would otherwise be "detected" as UTF-16 and read as garbage.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from ..errors import Finding, InputError
from ..i18n import Msg

PREFERRED = ("utf_16", "utf_16_le", "utf_16_be", "cp1252")
"""Encodings tried first when a file is not UTF-8 (charset-normalizer names)."""

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from bytes.

    Attributes
    ----------
    text : str
    encoding : str
        Python codec name used (``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1252``, …).
    findings : list[Finding]
        A warning when the encoding was detected rather than known (not UTF-8, no byte-order mark).
    """

    text: str
    encoding: str
    findings: list[Finding] = field(default_factory=list)


def _undecodable(label: str, encoding: str, err: UnicodeDecodeError) -> InputError:
    return InputError(Finding(
        "error", "bad_encoding", Msg("f.bad_encoding", encoding=encoding, p=err.start + 1), file=label, value=encoding,
        expected=Msg("x.bad_encoding")))


def _check_nul(raw: bytes, label: str) -> None:
    """A NUL byte in a file that is not UTF-16/32 text (where every other byte of Latin text is
    NUL) is damage or a binary export: refused naming its line, never read as UTF-16 garbage."""
    n = raw.count(b"\x00")
    if n and n * 4 < len(raw):
        at = raw.index(b"\x00")
        line = raw.count(b"\n", 0, at) + 1
        raise InputError(Finding("error", "nul_byte", Msg("io.nul_byte", byte=at + 1), file=label, row=line,
                                 expected=Msg("io.nul_byte.exp")))


def decode_text(raw: bytes, *, label: str, encoding: str | None = None) -> DecodedText:
    """Decode the bytes of a text file.

    Parameters
    ----------
    raw : bytes
        The whole file.
    label : str
        File name for findings.
    encoding : str, optional
        A codec name set by the study; overrides detection.

    Returns
    -------
    DecodedText

    Raises
    ------
    InputError
        ``bad_encoding`` (the given or detected encoding fails, or an unknown codec name);
        ``not_text`` (no encoding decodes the bytes — a binary or damaged file); ``nul_byte`` (a
        NUL byte in a file that is not UTF-16/32, naming its line).
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(Finding(
                "error", "bad_encoding", Msg("f.bad_encoding.text"), file=label,
                value=encoding, expected=Msg("x.bad_encoding.text"))) from None
        try:
            return DecodedText(raw.decode(encoding), encoding)
        except UnicodeDecodeError as err:
            raise _undecodable(label, encoding, err) from None
    _check_nul(raw, label)
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return DecodedText(raw.decode(codec), codec)
            except UnicodeDecodeError as err:
                raise _undecodable(label, codec, err) from None
    if b"\x00" not in raw:
        try:
            return DecodedText(raw.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(PREFERRED)).best() or from_bytes(raw).best()
    if best is None:
        raise InputError(Finding(
            "error", "not_text", Msg("f.not_text"), file=label,
            expected=Msg("x.not_text")))
    codec = codecs.lookup(best.encoding).name
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as err:  # charset-normalizer judged from samples; the whole file decides
        raise _undecodable(label, codec, err) from None
    return DecodedText(text, codec, [Finding(
        "warning", "encoding_detected", Msg("f.encoding_detected", codec=codec), file=label, value=codec,
        expected=Msg("x.encoding_detected", codec=codec))])
