"""The one number parser of petarawan: table cells → floats, with one number style per column.

Indonesian tables write ``1.234,5`` (decimal comma, dot for thousands); English-style tables write
``1,234.5``.  A cell alone is often ambiguous — ``5.309`` is 5309 in the first style and 5.309 in
the second — so the style is decided per column from *all* its cells (:func:`infer_style`):

- a cell with a decimal separator that cannot be a thousands separator settles the column:
  ``0.373`` (a thousands group never follows a lone leading ``0``), ``26.76`` or ``1,5`` (a group
  of other than three digits), ``1234.567`` (more than three digits before the separator),
  ``1.234,5`` / ``1,234.5`` (both separators: the last one is the decimal), ``1.234.567``
  (repeated separator: thousands), ``1,5E-05`` (a mantissa's separator is a decimal);
- ``5.309``, ``7,306`` and ``51.054`` (one to three digits, not a lone ``0``, then one group of
  exactly three) settle nothing;
- cells that settle different styles: the majority decides and every other cell is an error
  naming its row and value (``mixed_number_style``);
- a column where nothing settles the style: counts (whole numbers) read ``5.309`` as 5309; other
  columns take the style of the other columns of the same table when those agree (a note says
  so), or the column is refused by name (``ambiguous_number_column``), naming the setting that
  decides it (``decimal = ","`` or ``"."``);
- an explicit ``decimal``/``thousands`` setting of the table overrides inference; cells written
  otherwise are errors naming row and value.

Spaces (also no-break and thin spaces) are thousands separators in every style; ``−`` (U+2212) is
a minus sign; ``-``, ``–``, ``NA``, ``n/a``, ``null``, ``#N/A`` are missing-value marks (NaN, and a
warning per column); ``9,81%`` is refused (write the number without ``%``); Excel dates, times and
booleans are refused.  Numeric spreadsheet cells are taken as they are.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

import numpy as np

from ..errors import Finding
from ..i18n import Msg, MsgError

MISSING_TOKENS = {"", "-", "–", "—", "na", "n/a", "nan", "null", "#n/a"}
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_INT = re.compile(r"\d+")
_GROUP_HEAD = re.compile(r"[1-9]\d{0,2}")
_DIGITS3 = re.compile(r"\d{3}")
_MANTISSA = re.compile(r"[\d.,]*\d[\d.,]*")
_EXP = re.compile(r"(.+?)[eE]([+-]?\d+)")


@dataclass(frozen=True)
class NumberStyle:
    """How a column writes numbers: its ``decimal`` separator and its ``thousands`` separator
    (``""`` = none; spaces are always accepted as thousands separators)."""

    decimal: str
    thousands: str

    @property
    def name(self) -> str:
        return {",": "id", ".": "en"}.get(self.decimal, self.decimal)

    def example(self) -> str:
        """``1.234,5`` or ``1,234.5``: how this style writes one thousand two hundred … ."""
        return f"1{self.thousands}234{self.decimal}5"


ID = NumberStyle(",", ".")
"""Indonesian style: decimal comma, dot for thousands (``1.234,5``)."""
EN = NumberStyle(".", ",")
"""English style: decimal point, comma for thousands (``1,234.5``)."""
STYLES = {"id": ID, "en": EN}


def style_from_settings(decimal: str | None, thousands: str | None) -> NumberStyle | None:
    """The style an explicit ``decimal``/``thousands`` setting fixes (None: infer per column).

    ``decimal`` alone: the thousands separator is the other of ``,``/``.``; ``thousands`` of
    ``,`` or ``.`` alone: the decimal separator is the other one.
    """
    if decimal is None and thousands is None:
        return None
    other = {",": ".", ".": ","}
    if decimal is None:
        if thousands not in other:
            raise MsgError(Msg("cfg.thousands_needs_decimal"), at="decimal")
        decimal = other[thousands]
    if thousands is None:
        thousands = other[decimal]
    if thousands == decimal:
        raise MsgError(Msg("cfg.separators_differ", sep=repr(decimal)), at="thousands")
    return NumberStyle(decimal, thousands)


class NumberError(ValueError):
    """A cell that is not a number; ``hint`` (a message) says what to write instead."""

    def __init__(self, value: object, hint: Msg, kind: str = "not_numeric"):
        super().__init__(str(value))
        self.hint, self.kind = hint, kind


def _clean(value: str) -> str:
    """Spaces (also no-break and thin) removed, the minus sign U+2212 as ``-``, an accounting
    negative ``(12)`` as ``-12``."""
    s = value.strip().translate(_SPACES).replace("\u2212", "-")
    if len(s) > 2 and s[0] == "(" and s[-1] == ")" and s[1] not in "+-":
        s = "-" + s[1:-1]
    return s


def _split_sign(s: str) -> tuple[str, str]:
    return (s[0], s[1:]) if s[:1] in ("+", "-") else ("", s)


def _parse_styled(s: str, style: NumberStyle) -> float | None:
    """``s`` (cleaned, sign allowed) read in ``style``; None when it is not written that way."""
    sign, body = _split_sign(s)
    exp = "0"
    m = _EXP.fullmatch(body)
    if m:
        body, exp = m.group(1), m.group(2)
    if not _MANTISSA.fullmatch(body):
        return None
    if body.count(style.decimal) > 1:
        return None
    intpart, _, frac = body.partition(style.decimal)
    if style.decimal in body and not _INT.fullmatch(frac):
        return None
    if style.thousands and style.thousands in intpart:
        groups = intpart.split(style.thousands)
        if not _GROUP_HEAD.fullmatch(groups[0]) or not all(_DIGITS3.fullmatch(g) for g in groups[1:]):
            return None
        intpart = "".join(groups)
    if intpart and not _INT.fullmatch(intpart):
        return None
    return float(f"{sign}{intpart or '0'}.{frac or '0'}e{exp}")


def classify(s: str) -> str:
    """What one cleaned text cell says about its column's style.

    Returns ``"int"`` (no separator), ``"id"`` or ``"en"`` (settles the style), ``"amb"``
    (``5.309``: thousands or decimals) or ``"bad"`` (not a number in either style).
    """
    _, body = _split_sign(s)
    m = _EXP.fullmatch(body)
    mant = m.group(1) if m else body
    if not _MANTISSA.fullmatch(mant):
        return "bad"
    dots, commas = mant.count("."), mant.count(",")
    if not dots and not commas:
        return "int"
    if dots and commas:
        style = EN if mant.rfind(".") > mant.rfind(",") else ID  # the last separator is the decimal
    elif dots + commas == 1:
        sep = "," if commas else "."
        head, tail = mant.split(sep)
        if not m and _GROUP_HEAD.fullmatch(head) and len(tail) == 3:
            return "amb"
        style = EN if sep == "." else ID  # a mantissa's separator, or one that cannot separate thousands
    else:
        style = ID if dots else EN  # a repeated separator separates thousands
    return style.name if _parse_styled(s, style) is not None else "bad"


def _kind_of(value: object) -> tuple[str, str | None]:
    """(kind, cleaned text): kind is "none", "token", "number", "bool", "date", "percent" or the
    :func:`classify` answer for text."""
    if value is None:
        return "none", None
    if isinstance(value, bool):
        return "bool", None
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return "date", None
    if isinstance(value, (int, float, np.number)):
        return "number", None
    s = _clean(str(value))
    if s.lower() in MISSING_TOKENS:
        return "token", s
    if s.endswith("%"):
        return "percent", s
    return classify(s), s


def parse_number(value: object, *, style: NumberStyle | str | None = None, whole: bool = False) -> float:
    """Parse one cell as a number.

    Parameters
    ----------
    value : str | int | float | datetime | bool | None
    style : NumberStyle | {"id", "en"} | None
        The column's style (:func:`infer_style`).  Without it, a cell that only a style can read
        (``5.309``) is ambiguous.
    whole : bool
        The column holds whole numbers (counts): an ambiguous ``5.309`` can only be 5309.

    Returns
    -------
    float
        ``nan`` for an empty cell or a missing-value mark.

    Raises
    ------
    NumberError
        Not a number, ambiguous, written in another style than ``style``, a date, a boolean, a
        percent sign, not finite, or (``whole``) not a whole number.  ``err.kind`` is
        ``not_numeric``, ``ambiguous``, ``mixed`` or ``not_whole``.
    """
    if isinstance(style, str):
        style = STYLES[style]
    kind, s = _kind_of(value)
    if kind in ("none", "token"):
        return float("nan")
    if kind == "bool":
        raise NumberError(value, Msg("x.number.bool"))
    if kind == "date":
        raise NumberError(value, Msg("x.number.date"))
    if kind == "percent":  # "12%" / "12,5 %": the number of percentage points (as Excel percent cells ×100)
        inner = s[:-1]
        if not inner or inner.endswith("%") or _kind_of(inner)[0] in ("none", "token"):
            raise NumberError(value, Msg("x.number.percent"))
        return parse_number(inner, style=style, whole=whole)
    if kind == "bad":
        raise NumberError(value, Msg("x.number.bad"))
    if kind == "number":
        x = float(value)
    elif kind == "int":
        x = _parse_styled(s, ID)
    elif kind == "amb" and style is None:
        if not whole:
            digits = s.replace(".", "").replace(",", "")
            raise NumberError(value, Msg("x.number.ambiguous", s=s, digits=digits), "ambiguous")
        x = float(s.replace(".", "").replace(",", ""))
    else:
        use = style or STYLES[kind]
        x = _parse_styled(s, use)
        if x is None:
            raise NumberError(value, Msg("x.number.mixed", example=use.example()), "mixed")
    if not np.isfinite(x):
        raise NumberError(value, Msg("x.number.finite"))
    if whole and not float(x).is_integer():
        raise NumberError(value, Msg("x.number.whole"), "not_whole")
    return x


@dataclass(frozen=True)
class StyleVotes:
    """What a column's cells say about its number style.

    Attributes
    ----------
    votes : dict
        ``"id"``/``"en"`` → the (row, value) of every cell that settles that style, in order.
    ambiguous : list of (row, value)
        Cells that settle nothing (``5.309``).
    """

    votes: dict[str, list[tuple[int, object]]]
    ambiguous: list[tuple[int, object]]

    @property
    def style(self) -> NumberStyle | None:
        """The majority style (ties: the style of the first settling cell); None if none settles."""
        if not any(self.votes.values()):
            return None
        first = min((v[0][0], k) for k, v in self.votes.items() if v)[1]
        return STYLES[max(self.votes, key=lambda k: (len(self.votes[k]), k == first))]


def infer_style(cells: list[object], rows: list[int] | None = None) -> StyleVotes:
    """Collect the style votes of a column's cells (rule in the module docstring)."""
    rows = rows if rows is not None else list(range(1, len(cells) + 1))
    votes: dict[str, list[tuple[int, object]]] = {"id": [], "en": []}
    amb: list[tuple[int, object]] = []
    for r, v in zip(rows, cells):
        if not isinstance(v, str):
            continue
        kind, s = _kind_of(v)
        if kind == "percent":
            kind = classify(s[:-1])
        if kind in votes:
            votes[kind].append((r, v))
        elif kind == "amb":
            amb.append((r, v))
    return StyleVotes(votes, amb)


def table_style(columns: list[StyleVotes]) -> NumberStyle | None:
    """The style every settled column of a table agrees on (None when none is settled or they
    disagree) — the fallback for a column its own cells cannot settle."""
    styles = {c.style for c in columns if c.style is not None}
    return styles.pop() if len(styles) == 1 else None


@dataclass(frozen=True)
class ParsedColumn:
    """One column parsed.

    Attributes
    ----------
    values : ndarray of float, shape (n,)
        NaN for empty cells, missing-value marks and cells with an error.
    findings : list[Finding]
        Errors (per cell, or one per column for an undecidable style) and warnings/notes.
    style : NumberStyle | None
        The style used (None: no cell needed one).
    """

    values: np.ndarray
    findings: list[Finding] = field(default_factory=list)
    style: NumberStyle | None = None


def _rows(rows: list[int], k: int = 8) -> str:
    s = ", ".join(str(r) for r in rows[:k])
    return s + (f", … (+{len(rows) - k})" if len(rows) > k else "")


def _where(setting: str, style: NumberStyle) -> str:
    return f'{setting} = "{style.decimal}"'


def as_shown(value: object) -> object:
    """A cell's value as a spreadsheet shows it, for findings: a date ``04/03/2025`` (day first, as
    Excel shows it in Indonesia), a time ``09:30``, a boolean ``TRUE``/``FALSE`` — never a Python
    repr such as ``datetime.datetime(2025, 3, 4, 0, 0)``; other values unchanged."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, _dt.datetime):
        return value.strftime("%d/%m/%Y" if value.time() == _dt.time() else "%d/%m/%Y %H:%M")
    if isinstance(value, _dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, _dt.time):
        return value.strftime("%H:%M")
    return value


def parse_column(cells: list[object], rows: list[int], *, label: str, column: str, whole: bool = False,
                 style: NumberStyle | None = None, fallback: NumberStyle | None = None,
                 setting: str = "[data] decimal", percent_rows: frozenset[int] | set[int] = frozenset(),
                 formulas: dict[int, str] | None = None, echo: bool = True, votes: StyleVotes | None = None,
                 empty_is_error: bool = False) -> ParsedColumn:
    """Parse a column's cells with one number style and report every problem.

    Parameters
    ----------
    cells, rows : list
        The cells and their spreadsheet rows.
    label, column : str
        File and column named in findings.
    whole : bool
        Counts: values must be whole numbers; an undecided ``5.309`` is 5309.
    style : NumberStyle, optional
        An explicit setting of the table (:func:`style_from_settings`); overrides inference.
    fallback : NumberStyle, optional
        The table's style (:func:`table_style`) for a column its own cells cannot settle.
    setting : str
        The configuration key that sets the style, named in the refusal (e.g.
        ``"[hotspots.population] decimal"``).
    percent_rows : set of int
        Rows whose spreadsheet cell is formatted as percent: multiplied by 100 (a note).
    formulas : dict row → formula, optional
        Cells holding a formula without a stored result: an error each.
    echo : bool
        Put the cell's value in findings.  False for survey answers (typed by respondents or
        enumerators): findings then give row and column only.
    votes : StyleVotes, optional
        :func:`infer_style` of these cells, when the caller computed it already.
    empty_is_error : bool
        A column without any value is an error (``empty_column``).

    Returns
    -------
    ParsedColumn
        Findings: ``not_numeric``, ``not_whole``, ``mixed_number_style`` (row and value of each
        cell written in the other style), ``ambiguous_number_column`` (one per column),
        ``formula_without_value``, ``empty_column`` (errors); ``missing_token`` (warning);
        ``percent_cells``, ``number_style_from_table`` (notes).
    """
    formulas = formulas or {}
    found: list[Finding] = []
    out = np.full(len(cells), np.nan)

    def value_of(v):
        return as_shown(v) if echo else None

    for r in rows:
        if r in formulas:
            found.append(Finding(
                "error", "formula_without_value", Msg("f.formula_without_value"), file=label,
                row=int(r), column=column, value=value_of(formulas[r]),
                expected=Msg("x.formula_without_value")))
    if not any(c is not None for c in cells) and not formulas:
        if empty_is_error and cells:
            found.append(Finding(
                "error", "empty_column", Msg("f.empty_column", column=column, n_cells=len(cells)),
                file=label, column=column,
                expected=Msg("x.empty_column")))
        return ParsedColumn(out, found, style)
    votes = votes or infer_style(cells, rows)
    explicit = style is not None
    if style is None:
        style = votes.style
        if style is None and votes.ambiguous and fallback is not None:
            style = fallback
            r0, v0 = votes.ambiguous[0]
            read = (Msg("f.number_style_from_table.cell", cell=v0, read=_parse_styled(_clean(v0), style)) if echo
                    else Msg("f.number_style_from_table.decimal", decimal=style.decimal))
            found.append(Finding(
                "info", "number_style_from_table", Msg("f.number_style_from_table", read=read), file=label,
                row=int(r0), column=column, expected=Msg("x.number_style_from_table", where=_where(setting, style))))
    if style is None and votes.ambiguous and not whole:
        r0, v0 = votes.ambiguous[0]
        amb_rows = [r for r, _ in votes.ambiguous]
        found.append(Finding(
            "error", "ambiguous_number_column",
            Msg("f.ambiguous_number_column", amb_rows=_rows(amb_rows)), file=label, row=int(r0), column=column,
            value=value_of(v0),
            expected=Msg("x.ambiguous_number_column", setting=setting)))
        return ParsedColumn(out, found, None)
    if not explicit and style is not None and votes.votes["id"] and votes.votes["en"]:
        ex_r, ex_v = votes.votes[style.name][0]
    else:
        ex_r = ex_v = None
    tokens: list[int] = []
    pct: list[int] = []
    pct_text: list[int] = []
    for j, (r, cell) in enumerate(zip(rows, cells)):
        try:
            x = parse_number(cell, style=style, whole=whole)
        except NumberError as err:
            if err.kind == "mixed":
                if explicit:
                    msg = Msg("f.mixed_number_style.setting", where=_where(setting, style))
                elif echo:
                    msg = Msg("f.mixed_number_style.example", decimal=style.decimal, row=ex_r, cell=ex_v)
                else:
                    msg = Msg("f.mixed_number_style", decimal=style.decimal, row=ex_r)
                found.append(Finding("error", "mixed_number_style", msg, file=label, row=int(r), column=column,
                                     value=value_of(cell),
                                     expected=Msg("x.mixed_number_style", example=style.example(), setting=setting)))
            elif err.kind == "not_whole":
                found.append(Finding("error", "not_whole", Msg("f.not_whole"), file=label, row=int(r), column=column,
                                     value=value_of(cell), expected=err.hint))
            else:
                hint = err.hint if echo or err.kind != "ambiguous" else Msg("x.not_numeric.no_thousands", setting=setting)
                found.append(Finding("error", "not_numeric", Msg("f.not_numeric"), file=label, row=int(r), column=column,
                                     value=value_of(cell), expected=hint))
            continue
        if np.isnan(x):
            if cell is not None:
                tokens.append(int(r))
            continue
        if r in percent_rows:
            x *= 100
            pct.append(int(r))
        elif isinstance(cell, str) and cell.rstrip().endswith("%"):
            pct_text.append(int(r))
        out[j] = x
    if tokens:
        found.append(Finding(
            "warning", "missing_token", Msg("f.missing_token", n_tokens=len(tokens), tokens=_rows(tokens)), file=label, column=column,
            expected=Msg("x.missing_token")))
    if pct:
        found.append(Finding(
            "info", "percent_cells", Msg("f.percent_cells", n_pct=len(pct), pct=_rows(pct)),
            file=label, column=column))
    if pct_text:
        found.append(Finding("info", "percent_text", Msg("io.percent_text", n=len(pct_text), rows=_rows(pct_text)),
                             file=label, column=column))
    return ParsedColumn(out, found, style)


def parse_columns(cells, columns: dict[str, bool], *, rows: list[int], label: str, style: NumberStyle | None = None,
                  setting: str = "[data] decimal", percent: frozenset[tuple[int, str]] = frozenset(),
                  formulas: dict[tuple[int, str], str] | None = None, echo: bool = True,
                  empty_is_error: bool = False) -> dict[str, ParsedColumn]:
    """Parse several numeric columns of one table (:func:`parse_column` each), a column its own
    cells cannot settle taking the style the other columns agree on (:func:`table_style`).

    Parameters
    ----------
    cells : DataFrame
        Cells as read (:class:`petarawan.io.tables.Table.cells`), index = spreadsheet row.
    columns : dict
        Column name → ``whole`` (True for counts).
    rows : list of int
        The rows to parse (e.g. without blank rows or other years).
    percent, formulas :
        :class:`~petarawan.io.tables.Table` ``percent_cells`` and ``formula_cells``.
    style, setting, echo, empty_is_error :
        As for :func:`parse_column`.

    Returns
    -------
    dict
        Column name → :class:`ParsedColumn`, in the order of ``columns``.
    """
    formulas = formulas or {}
    data = {c: [cells.at[r, c] for r in rows] for c in columns}
    votes = {c: infer_style(data[c], rows) for c in columns}
    fallback = None if style is not None else table_style(list(votes.values()))
    return {c: parse_column(data[c], rows, label=label, column=c, whole=whole, style=style, fallback=fallback,
                            setting=setting, percent_rows={r for r, col in percent if col == c},
                            formulas={r: f for (r, col), f in formulas.items() if col == c}, echo=echo,
                            votes=votes[c], empty_is_error=empty_is_error)
            for c, whole in columns.items()}
