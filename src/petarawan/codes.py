"""Area codes (*kode wilayah*): how a study's codes are shown and how every table joins them.

Kemendagri codes have the form ``PP.KK.CC.DDDD`` (province, regency/city, district, village),
e.g. ``19.71.01.1008`` (Permendagri 72/2019; Kepmendagri 300.2.2-2138/2025); village numbers are
``1xxx`` for a kelurahan and ``2xxx`` for a desa.  BPS uses another 10-digit scheme,
``PPKKCCCDDD`` (``1971020008``: district ``020``, village ``008``), which the dotted Kemendagri
form would misrepresent as district ``02``, village ``0008`` — another village's code.

So a code is **shown as entered** in the boundary file (``[areas] code_scheme = "as_entered"``,
the default) unless the study says its codes are Kemendagri codes (``code_scheme =
"kemendagri"``), which shows them in the dotted form (:func:`normalise_code`).  Either way,
every table joins its codes to the areas by :func:`code_key` — the code without dots, spaces or
Excel's ``.0`` — so ``1971011008``, ``19.71.01.1008`` and ``1971011008.0`` denote the same area
(:func:`code_matcher`).  Codes of other schemes (an LSOA ``E01000006``, a plain id ``0001``) are
kept as trimmed text.
"""

from __future__ import annotations

import math
import re
from typing import Callable

import numpy as np

_SEGMENTS = (2, 2, 2, 4)
_DOTTED = re.compile(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$")
_DIGITS = re.compile(r"^\d+$")
_DIGITS_DOTS = re.compile(r"^\d+(\.\d+)*$")


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
    s = clean_code(value)
    if s is None:
        return None
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


def clean_code(value: object) -> str | None:
    """A code as entered: trimmed text, Excel's number form undone (``1971011008.0`` →
    ``"1971011008"``); ``None`` when empty."""
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
    return s


def code_key(value: object) -> str | None:
    """The join key of a code: :func:`clean_code`, without the dots of a digits-and-dots code
    (``19.71.01.1008`` and ``1971011008`` share the key ``1971011008``)."""
    s = clean_code(value)
    if s is not None and _DIGITS_DOTS.match(s):
        return s.replace(".", "")
    return s


def area_code(value: object, scheme: str = "as_entered") -> str | None:
    """How the study shows the code of an area of its boundary file: as entered, or in the dotted
    Kemendagri form when ``scheme`` is ``"kemendagri"``."""
    return normalise_code(value) if scheme == "kemendagri" else clean_code(value)


def code_matcher(known) -> Callable[[object], str | None]:
    """A function mapping a code as any table writes it to the study's area code with the same
    :func:`code_key` (``None`` for an empty cell; the code as entered, :func:`clean_code`, when it
    matches no area — the caller reports it as unknown).

    Parameters
    ----------
    known : iterable of str, or None
        The study's area codes (``areas.index``).  None: every code is taken as entered.

    A number (a spreadsheet cell typed as a number, which drops leading zeros: ``0071`` → 71)
    matches the one area whose code is that number with leading zeros; text is never padded.
    """
    keys = {} if known is None else {code_key(c): c for c in known}
    # a spreadsheet cell typed as a number lost its leading zeros (code 0071 → 71): matched to the
    # one area whose digits-only key is that number with zeros in front
    unpadded: dict[str, object] = {}
    for k, c in keys.items():
        if k and k[0] == "0" and k.isdigit():
            u = k.lstrip("0") or "0"
            unpadded[u] = None if u in unpadded or u in keys else c

    def match(value: object) -> str | None:
        s = clean_code(value)
        if s is None:
            return None
        k = code_key(s)
        if k not in keys and isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            return unpadded.get(k) or s
        return keys.get(k, s)

    return match


def looks_like(code: str) -> str | None:
    """``"kemendagri"`` for a dotted or 10-digit code whose province is 11–96 and whose village
    number starts with 1 (kelurahan) or 2 (desa); ``"bps"`` for a 10-digit code whose last four
    digits cannot be a Kemendagri village number (``1971020008``); None otherwise."""
    key = code_key(code) or ""
    if not _DIGITS.match(key):
        return None
    dotted = _DOTTED.match(code) is not None
    if len(key) == 10 and (dotted or "." not in code):
        ok = 11 <= int(key[:2]) <= 96 and key[6] in "12"
        if ok:
            return "kemendagri"
        return None if dotted else "bps"
    if dotted and len(key) in (2, 4, 6) and 11 <= int(key[:2]) <= 96:
        return "kemendagri"
    return None


def code_level(code: str) -> str | None:
    """Administrative level of a canonical Kemendagri code: ``province``, ``regency``,
    ``district`` or ``village``; ``None`` for codes of another scheme."""
    if not _DOTTED.match(code):
        return None
    return {1: "province", 2: "regency", 3: "district", 4: "village"}[code.count(".") + 1]
