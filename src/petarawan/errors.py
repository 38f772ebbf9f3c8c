"""Errors and data-quality findings.

Every problem petarawan finds in a user's input is a :class:`Finding` that names the file, the row,
the column, the value and what was expected.  Recoverable problems are ``warning`` findings that
are copied into ``run.json`` and the Excel *Kualitas data* sheet; unusable input raises
:class:`InputError` carrying *all* the error findings, so the user sees every problem at once.
The CLI turns any :class:`PetarawanError` into a readable message and exit code 1 — never a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .i18n import Msg, t

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One data-quality finding.

    Attributes
    ----------
    level : {"error", "warning", "info"}
    code : str
        Stable machine identifier of the kind of finding (e.g. ``"duplicate_code"``).
    message : petarawan.i18n.Msg
        What is wrong: a catalogue key and its parameters, rendered in the reader's language
        where the finding is shown (:meth:`text`); ``run.json`` keeps the key, the parameters
        and both renderings (:meth:`to_dict`).
    file : str | None
        File name (relative to the study folder) the problem is in.
    row : int | None
        1-based row number as a spreadsheet shows it (header = row 1, first data row = 2),
        or the feature number (1-based) for boundary files.
    column : str | None
    value : Any
        The offending value, as read.
    expected : petarawan.i18n.Msg | None
        What would have been accepted (:meth:`expectation`).
    """

    level: Level
    code: str
    message: Msg
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: Msg | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.message, Msg) or not (self.expected is None or isinstance(self.expected, Msg)):
            raise TypeError(f"Finding {self.code!r}: message and expected must be petarawan.i18n.Msg (catalogue keys)")

    def to_dict(self) -> dict[str, Any]:
        """For ``run.json``: level, code, the message and expectation as ``{"key", "params", "id",
        "en"}``, file, row, column and value (NaN → None)."""
        v = self.value
        if v is not None and not isinstance(v, (str, int, float, bool)):
            v = v.item() if hasattr(v, "item") and callable(v.item) else str(v)
        if isinstance(v, float) and v != v:  # NaN is not JSON
            v = None
        return {"level": self.level, "code": self.code, "message": self.message.to_dict(), "file": self.file,
                "row": self.row, "column": self.column, "value": v,
                "expected": self.expected.to_dict() if self.expected is not None else None}

    def location(self, lang: str | None = None) -> str:
        """``data.csv, baris 3, kolom 'x1'`` (``row 3, column 'x1'`` in English)."""
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(_both("finding.row", lang, row=self.row))
        if self.column:
            parts.append(_both("finding.column", lang, column=self.column))
        return ", ".join(parts)

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` ("id" or "en"); ``"id / en"`` when ``lang`` is None."""
        return _both(self.message, lang)

    def expectation(self, lang: str | None = None) -> str | None:
        """What was expected, in ``lang`` (both when None); None when not given."""
        return None if self.expected is None else _both(self.expected, lang)

    def render(self, lang: str | None = None) -> str:
        """One line: level, location, message, value and what was expected."""
        loc = self.location(lang)
        s = t("finding.line", lang or "id", level=_both(f"finding.level.{self.level}", lang),
              where=loc + ": " if loc else "", message=self.text(lang))
        if self.value is not None:
            s += " " + _both("finding.value", lang, value=repr(self.value))
        exp = self.expectation(lang)
        if exp:
            s += " — " + _both("finding.expected", lang, expected=exp)
        return s

    def __str__(self) -> str:
        return self.render(None)


def _both(msg: Msg | str, lang: str | None, **params: Any) -> str:
    """A message (or key with ``params``) in ``lang``, or "id / en" when ``lang`` is None (one
    text when both read the same)."""
    m = msg if isinstance(msg, Msg) else Msg(msg, **params)
    if lang is not None:
        return m.render(lang)
    ids, ens = m.render("id"), m.render("en")
    return ids if ids == ens else f"{ids} / {ens}"


class PetarawanError(Exception):
    """Base class of every error petarawan reports to a user."""


class InputError(PetarawanError, ValueError):
    """Input data cannot be used.  ``findings`` lists every problem found (level ``error``)."""

    def __init__(self, findings: list[Finding] | Finding):
        if isinstance(findings, Finding):
            findings = [findings]
        self.findings: list[Finding] = list(findings)
        super().__init__("\n".join(str(f) for f in self.findings))


class ConfigError(PetarawanError, ValueError):
    """The study configuration (``petarawan.toml``) is invalid; the message names the key.

    ``msg`` is the message (:class:`~petarawan.i18n.Msg`), rendered in the reader's language by
    :meth:`text`; ``str(err)`` gives both languages."""

    def __init__(self, message: Msg | str):
        self.msg = message if isinstance(message, Msg) else Msg("f.text", text=message)
        super().__init__(_both(self.msg, None))

    def text(self, lang: str | None = None) -> str:
        return _both(self.msg, lang)


class ReplayError(PetarawanError):
    """A run cannot be replayed from its ``run.json`` (not a petarawan manifest, no table hashes,
    no study folder, or the replay would overwrite the run it replays)."""


@dataclass
class Findings:
    """An accumulator of findings, shared by every validation step of a run."""

    items: list[Finding] = field(default_factory=list)

    def add(self, level: Level, code: str, message: Msg, **where: Any) -> Finding:
        f = Finding(level, code, message, **where)
        self.items.append(f)
        return f

    def extend(self, other: list[Finding]) -> None:
        self.items.extend(other)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.level == "warning"]

    def sort(self) -> None:
        """Order by file, then row, then column — the order a user fixes them in."""
        self.items.sort(key=lambda f: (f.file or "", f.row if f.row is not None else -1, f.column or ""))

    def raise_if_errors(self) -> None:
        if self.errors:
            self.sort()
            raise InputError(self.errors)


FIRST_ROWS = 10
"""Per-row findings of one kind (same level, code, file and column) listed one by one; the rest
are summarised in one finding with their number and row range."""


def cap_rows(findings: list[Finding], first: int = FIRST_ROWS) -> list[Finding]:
    """Keep the first ``first`` findings of each kind and summarise the rest.

    A *kind* is the tuple (level, code, file, column).  Findings without a row are never capped.

    Parameters
    ----------
    findings : list[Finding]
    first : int
        Findings of one kind listed individually (≥ 1).

    Returns
    -------
    list[Finding]
        The kept findings in their original order; after the last kept finding of a capped kind,
        one finding of the same level and code with ``row=None``, ``value`` = the number of rows
        left out, and their first–last row numbers in the message.

    Examples
    --------
    210 identical ``bad_coordinate`` errors (rows 2–211) with ``first=10`` → 10 findings for rows
    2–11, then one finding "200 more rows … (rows 12–211)" with ``value=200``.
    """
    groups: dict[tuple, list[int]] = {}
    for i, f in enumerate(findings):
        if f.row is not None:
            groups.setdefault((f.level, f.code, f.file, f.column), []).append(i)
    drop: set[int] = set()
    after: dict[int, Finding] = {}
    for key, idx in groups.items():
        if len(idx) <= first:
            continue
        rest = idx[first:]
        drop.update(rest)
        f0 = findings[idx[0]]
        rows = [findings[i].row for i in rest]
        lo, hi = min(rows), max(rows)
        after[idx[first - 1]] = Finding(f0.level, f0.code, Msg("f.more_rows", n=len(rest), lo=lo, hi=hi, inner=f0.message),
                                        file=f0.file, column=f0.column, value=len(rest), expected=f0.expected)
    out: list[Finding] = []
    for i, f in enumerate(findings):
        if i in drop:
            continue
        out.append(f)
        if i in after:
            out.append(after[i])
    return out


def sample_by_kind(findings: list[Finding], per_kind: int = 5) -> tuple[list[Finding], dict[str, int]]:
    """At most ``per_kind`` findings of each kind (``code``), in their order, and how many of each
    kind were left out — so one frequent kind cannot hide a rare, important one."""
    seen: dict[str, int] = {}
    kept: list[Finding] = []
    for f in findings:
        seen[f.code] = seen.get(f.code, 0) + 1
        if seen[f.code] <= per_kind:
            kept.append(f)
    return kept, {k: n - per_kind for k, n in seen.items() if n > per_kind}

