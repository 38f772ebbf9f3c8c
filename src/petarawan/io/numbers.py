"""The one number parser of petarawan (see :func:`parse_number`)."""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np

_INT = re.compile(r"^[+-]?\d+$")
_DOT_DEC = re.compile(r"^[+-]?\d*\.\d+$")
_COMMA_DEC = re.compile(r"^[+-]?\d*,\d+$")
_ID_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_EN_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")
MISSING_TOKENS = {"", "-", "–", "—", "na", "n/a", "nan", "null", "#n/a"}


class NumberError(ValueError):
    """A cell that is not a number; ``hint_id``/``hint_en`` say what to write instead."""

    def __init__(self, value: object, hint_id: str, hint_en: str):
        super().__init__(str(value))
        self.hint_id, self.hint_en = hint_id, hint_en


def number_style(cells: list[object]) -> str | None:
    """Decide a column's number style from its unambiguous text cells.

    Returns ``"id"`` (decimal comma, dot for thousands), ``"en"`` (decimal point, comma for
    thousands), ``None`` when no cell settles it, or ``"mixed"`` when cells disagree.
    """
    id_, en = False, False
    for v in cells:
        if not isinstance(v, str):
            continue
        s = v.replace(" ", "").replace("\u00a0", "")
        if _AMBIGUOUS.match(s):
            continue
        if _COMMA_DEC.match(s) or _ID_THOUSANDS.match(s):
            id_ = True
        elif _DOT_DEC.match(s) or _EN_THOUSANDS.match(s):
            en = True
    if id_ and en:
        return "mixed"
    return "id" if id_ else ("en" if en else None)


def parse_number(value: object, *, style: str | None = None, whole: bool = False) -> float:
    """Parse one cell as a number.

    Parameters
    ----------
    value : str | int | float | datetime | bool | None
    style : {"id", "en", None}
        The column's style (:func:`number_style`): ``"id"`` reads ``1.234,5`` as 1234.5;
        ``"en"`` reads ``1,234.5`` as 1234.5.  A value like ``5.309`` or ``7,306`` is ambiguous
        (thousands or decimals?) unless the style settles it or ``whole`` is true.
    whole : bool
        The column holds whole numbers (counts): ``5.309`` and ``7,306`` can only be thousands.

    Returns
    -------
    float
        ``nan`` for an empty cell or a missing-value token (``-``, ``NA``, ``n/a``).

    Raises
    ------
    NumberError
        Not a number, ambiguous, a date, a boolean, or (``whole``) not a whole number.
    """
    if value is None:
        return float("nan")
    if isinstance(value, bool):
        raise NumberError(value, "angka, bukan TRUE/FALSE", "a number, not TRUE/FALSE")
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        raise NumberError(value, "angka; Excel mengubah isian ini menjadi tanggal — format sel sebagai Angka lalu ketik ulang",
                          "a number; Excel turned this entry into a date — format the cell as Number and type it again")
    if isinstance(value, (int, float, np.number)):
        x = float(value)
    else:
        s = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if s.lower() in MISSING_TOKENS:
            return float("nan")
        if s.endswith("%"):
            raise NumberError(value, "angka tanpa tanda % (mis. 9,81)", "a number without the % sign (e.g. 9.81)")
        if _INT.match(s):
            x = float(s)
        elif _AMBIGUOUS.match(s):
            thousands = whole or (style == "id" and "." in s) or (style == "en" and "," in s)
            decimal = not whole and ((style == "id" and "," in s) or (style == "en" and "." in s))
            if thousands:
                x = float(s.replace(".", "").replace(",", ""))
            elif decimal:
                x = float(s.replace(",", "."))
            else:
                raise NumberError(value, f"angka yang tidak ambigu: '{s}' bisa berarti ribuan atau desimal — tulis tanpa "
                                         f"pemisah ribuan (mis. {s.replace('.', '').replace(',', '')}) atau dengan dua desimal",
                                  f"an unambiguous number: '{s}' may mean thousands or decimals — write it without a "
                                  f"thousands separator (e.g. {s.replace('.', '').replace(',', '')}) or with two decimals")
        elif _ID_THOUSANDS.match(s) or (_COMMA_DEC.match(s) and style != "en"):
            x = float(s.replace(".", "").replace(",", "."))
        elif _EN_THOUSANDS.match(s) or _DOT_DEC.match(s):
            if style == "id" and _DOT_DEC.match(s) and not _AMBIGUOUS.match(s):
                raise NumberError(value, "gaya angka yang sama dalam satu kolom (kolom ini memakai koma desimal)",
                                  "one number style per column (this column uses a decimal comma)")
            x = float(s.replace(",", ""))
        else:
            try:
                x = float(s)
            except ValueError:
                raise NumberError(value, "sebuah angka (koma desimal boleh: 1,5)", "a number (decimal comma accepted: 1,5)") from None
    if not np.isfinite(x):
        raise NumberError(value, "angka terhingga", "a finite number")
    if whole and not float(x).is_integer():
        raise NumberError(value, "bilangan bulat (jumlah)", "a whole number (a count)")
    return x
