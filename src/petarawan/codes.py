"""Kemendagri area codes (*kode wilayah*).

Kemendagri codes have the form ``PP.KK.CC.DDDD`` (province, regency/city, district, village),
e.g. ``19.71.01.1008`` (Permendagri 72/2019; Kepmendagri 300.2.2-2138/2025).  Users type them with
or without dots, as numbers in Excel (``1971011008`` or ``1971011008.0``), with stray spaces.
:func:`normalise_code` maps all of these to the dotted canonical form, which is the join key.
Codes of other schemes (e.g. an English LSOA ``E01000006`` or a plain integer id) are kept as
trimmed text so the same machinery serves any study.
"""

from __future__ import annotations

import math
import re

_SEGMENTS = (2, 2, 2, 4)
_DOTTED = re.compile(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$")
_DIGITS = re.compile(r"^\d+$")


def normalise_code(value: object) -> str | None:
    """Return the canonical form of one area code, or ``None`` for an empty value.

    Parameters
    ----------
    value : str | int | float | None
        A code as read from a file.

    Returns
    -------
    str | None
        ``"19.71.01.1008"`` for ``"19.71.01.1008"``, ``"1971011008"``, ``1971011008``,
        ``1971011008.0`` or ``" 19.71.01.1008 "``; likewise for the shorter levels
        (``"1971"`` → ``"19.71"``).  Any other non-empty value is returned trimmed and unchanged.

    Examples
    --------
    >>> normalise_code("1971011008")
    '19.71.01.1008'
    >>> normalise_code(19710110.0)
    '19.71.01.10'
    >>> normalise_code("E01000006")
    'E01000006'
    """
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    s = str(value).strip()
    if not s or s.lower() in {"nan", "none", "null"}:
        return None
    if s.endswith(".0") and _DIGITS.match(s[:-2]):
        s = s[:-2]
    if _DOTTED.match(s):
        return s
    if _DIGITS.match(s) and len(s) in (2, 4, 6, 10):
        out, i = [], 0
        for n in _SEGMENTS:
            if i >= len(s):
                break
            out.append(s[i : i + n])
            i += n
        return ".".join(out)
    return s


def code_level(code: str) -> str | None:
    """Administrative level of a canonical Kemendagri code: ``province``, ``regency``,
    ``district`` or ``village``; ``None`` for codes of another scheme."""
    if not _DOTTED.match(code):
        return None
    return {1: "province", 2: "regency", 3: "district", 4: "village"}[code.count(".") + 1]
