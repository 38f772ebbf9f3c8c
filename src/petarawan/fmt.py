"""Numbers, dates and sums of money as a reader writes them, through Babel (CLDR locale data).

In Bahasa Indonesia ``1.234,5``, ``0,21``, ``28 April 2026``, ``Rp 750 juta``; in English
``1,234.5``, ``0.21``, ``28 April 2026``, ``Rp 750 million``.  Every reader-facing number —
report, maps, workbook labels, CLI summary, dashboard and server strings, and every ``{field}``
of a catalogue message (:func:`petarawan.i18n.t` formats numeric fields here) — goes through this
module; nothing else formats numbers for readers.

All functions take ``lang`` ("id" or "en"); a missing value (None, NaN) reads ``–``.
Source of the conventions: CLDR (Unicode Common Locale Data Repository) via Babel
(``babel.numbers``, ``babel.dates``); Indonesian dates and times follow PUEBI (``15.45``).
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from typing import Any

LOCALES = {"id": "id_ID", "en": "en_GB"}
MISSING = "–"
WIB = _dt.timezone(_dt.timedelta(hours=7))


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["id"])


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN (float, numpy, pandas NA raises → treated below)
    except TypeError:
        return True


def _real(x: Any) -> float | None:
    if _missing(x):
        return None
    return float(x)


def number(x: Any, lang: str, *, decimals: int | None = None, digits: int | None = None) -> str:
    """A number with the locale's decimal mark and thousands grouping.

    Parameters
    ----------
    x : float | int | None
    decimals : int, optional
        Exactly this many digits after the decimal mark (``number(16.5, "id", decimals=2)`` →
        ``16,50``).
    digits : int, optional
        At most this many significant digits, trailing zeros dropped (``digits=4``: 0.21 →
        ``0,21``; 11850.4 → ``11.850``); values below 0.0001 keep ``digits`` significant digits
        in scientific notation (``1,2e-05``).
    (neither) : up to 3 decimals, trailing zeros dropped (Babel's default pattern).

    Returns
    -------
    str
        ``–`` for None/NaN, ``∞``/``−∞`` for infinities.
    """
    from babel.numbers import format_decimal

    v = _real(x)
    if v is None:
        return MISSING
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    loc = _locale(lang)
    if decimals is not None:
        return format_decimal(v, format="#,##0" + ("." + "0" * decimals if decimals > 0 else ""), locale=loc,
                              decimal_quantization=True)
    if digits is None:
        if v != 0 and abs(v) < 0.001:
            digits = 2
        else:
            return format_decimal(v, locale=loc)
    if v == 0:
        return "0"
    exp = math.floor(math.log10(abs(v)))
    if exp < -4:
        mantissa, power = f"{v:.{max(digits - 1, 0)}e}".split("e")
        if "." in mantissa:  # trailing zeros dropped, as for the other numbers: 1e-09, 1,2e-05
            mantissa = mantissa.rstrip("0").rstrip(".")
        return (mantissa + "e" + power).replace(".", _decimal_symbol(lang))
    rounded = float(f"{v:.{digits}g}")
    frac = max(0, digits - 1 - exp)
    return format_decimal(rounded, format="#,##0" + ("." + "#" * frac if frac else ""), locale=loc)


def _decimal_symbol(lang: str) -> str:
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(_locale(lang))


def integer(n: Any, lang: str) -> str:
    """A whole number with thousands grouping: ``11850`` → ``11.850`` (id), ``11,850`` (en)."""
    v = _real(n)
    return MISSING if v is None else number(round(v), lang, decimals=0)


def percent(x: Any, lang: str, decimals: int = 0) -> str:
    """A fraction as a percentage: ``0.215`` → ``22%`` (``decimals=1``: ``21,5%`` / ``21.5%``)."""
    from babel.numbers import format_percent

    v = _real(x)
    if v is None:
        return MISSING
    return format_percent(v, format="#,##0" + ("." + "0" * decimals if decimals else "") + "%",
                          locale=_locale(lang), decimal_quantization=True)


def readable(x: Any, lang: str) -> str:
    """A number for a reader: whole and grouped from 1,000 up (``11.850``), at most 4
    significant digits below (``0,2134``, ``16,5``)."""
    v = _real(x)
    if v is None:
        return MISSING
    return integer(v, lang) if abs(v) >= 1000 else number(v, lang, digits=4)


def rupiah(x: Any, lang: str) -> str:
    """A sum in rupiah, whole: ``1250000`` → ``Rp 1.250.000`` (id), ``Rp 1,250,000`` (en)."""
    v = _real(x)
    return MISSING if v is None else f"Rp {integer(v, lang)}"


def rupiah_short(x: Any, lang: str) -> str:
    """A large sum in words: ``750_000_000`` → ``Rp 750 juta`` (id), ``Rp 750 million`` (en);
    ``1_250_000_000`` → ``Rp 1,3 miliar`` / ``Rp 1.3 billion``; below one million as
    :func:`rupiah`."""
    from babel.numbers import format_compact_decimal

    v = _real(x)
    if v is None:
        return MISSING
    if abs(v) < 1_000_000:
        return rupiah(v, lang)
    return "Rp " + format_compact_decimal(v, format_type="long", locale=_locale(lang), fraction_digits=1)


def _as_date(value: Any) -> tuple[_dt.date, str] | None:
    """A date and its precision ("day", "month", "year") from a date, datetime or ISO text."""
    if isinstance(value, _dt.datetime):
        return value.date(), "day"
    if isinstance(value, _dt.date):
        return value, "day"
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if m:
        y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        try:
            return _dt.date(y, mo, d), "day" if m[3] else "month" if m[2] else "year"
        except ValueError:
            return None
    try:
        return _dt.datetime.fromisoformat(text).date(), "day"
    except ValueError:
        return None


def date(value: Any, lang: str) -> str:
    """A calendar date in words: ``2026-04-28`` → ``28 April 2026`` (both languages; months
    translated: ``2026-08`` → ``Agustus 2026`` / ``August 2026``).  Text that is not an ISO date
    (``"Triwulan I 2025"``) is returned unchanged."""
    from babel.dates import format_date

    got = _as_date(value) if not _missing(value) else None
    if got is None:
        return MISSING if _missing(value) else str(value)
    d, precision = got
    pattern = {"day": "d MMMM y", "month": "MMMM y", "year": "y"}[precision]
    return format_date(d, pattern, locale=_locale(lang))


def timestamp(value: Any, lang: str) -> str:
    """An instant in Western Indonesia Time: ``2026-11-29T08:45:50+00:00`` → ``29 November
    2026, 15.45 WIB`` (id) / ``29 November 2026, 15:45 WIB`` (en).  The UTC instant stays in
    run.json; text that is not an ISO timestamp is returned unchanged."""
    from babel.dates import format_datetime

    try:
        when = value if isinstance(value, _dt.datetime) else _dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    when = when.astimezone(WIB)
    pattern = "d MMMM y, HH.mm" if lang == "id" else "d MMMM y, HH:mm"
    return format_datetime(when, pattern, tzinfo=WIB, locale=_locale(lang)) + " WIB"


_SPEC = re.compile(r"(?P<group>,)?(?:\.(?P<prec>\d+))?(?P<type>[fFgGn%d]?)")


def format_value(value: Any, spec: str, lang: str) -> str | None:
    """A catalogue message field ``{name:spec}`` holding a number, in ``lang``; ``None`` when
    ``value`` is not a number or ``spec`` is not one this module speaks (the caller then uses
    Python's ``format``).

    - whole numbers: ``{n}`` as is (years, row numbers: ``2026``, ``row 12345``), ``{n:,}``
      grouped (``11.850``);
    - other numbers: ``{x}`` up to 3 decimals; ``{x:.1f}`` exactly 1 decimal; ``{x:g}`` /
      ``{x:.3g}`` at most 6 / 3 significant digits; ``{x:.0%}`` a percentage — all with the
      locale's marks and grouping.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    m = _SPEC.fullmatch(spec)
    if m is None:
        return None
    kind, prec = m["type"], m["prec"]
    if isinstance(value, numbers.Integral) and kind in ("", "d", "n"):
        return integer(value, lang) if m["group"] else str(int(value))
    v = float(value)
    if kind == "%":
        return percent(v, lang, int(prec) if prec is not None else 0)
    if kind in ("f", "F"):
        return number(v, lang, decimals=int(prec) if prec is not None else 6)
    if kind in ("g", "G"):
        return number(v, lang, digits=int(prec) if prec else 6)
    if kind == "d":
        return None
    if m["group"] and prec is None and v == round(v):
        return integer(v, lang)
    return number(v, lang)
