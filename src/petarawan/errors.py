"""Errors and data-quality findings.

Every problem petarawan finds in a user's input is a :class:`Finding` that names the file, the row,
the column, the value and what was expected.  Recoverable problems are ``warning`` findings that
are copied into ``run.json`` and the Excel *Kualitas data* sheet; unusable input raises
:class:`InputError` carrying *all* the error findings, so the user sees every problem at once.
The CLI turns any :class:`PetarawanError` into a readable message and exit code 1 — never a
traceback.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One data-quality finding.

    Attributes
    ----------
    level : {"error", "warning", "info"}
    message : str
        Human-readable text in Bahasa Indonesia (or in both languages when ``message_en`` is
        not given).
    file : str | None
        File name (relative to the study folder) the problem is in.
    row : int | None
        1-based row number as a spreadsheet shows it (header = row 1, first data row = 2),
        or the feature number (1-based) for boundary files.
    column : str | None
    value : Any
        The offending value, as read.
    expected : str | None
        What would have been accepted (Bahasa Indonesia, or both languages).
    code : str
        Stable machine identifier of the kind of finding (e.g. ``"duplicate_code"``).
    """

    level: Level
    code: str
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None
    message_en: str | None = None
    expected_en: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        v = d["value"]
        if v is not None and not isinstance(v, (str, int, float, bool)):
            d["value"] = str(v)
        if isinstance(v, float) and v != v:  # NaN is not JSON
            d["value"] = None
        return d

    def location(self, lang: str | None = None) -> str:
        row, col = {"id": ("baris", "kolom"), "en": ("row", "column")}.get(lang or "", ("baris/row", "kolom/column"))
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"{row} {self.row}")
        if self.column:
            parts.append(f"{col} '{self.column}'")
        return ", ".join(parts)

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` ("id" or "en"); ``"id / en"`` when ``lang`` is None."""
        if self.message_en is None:
            return self.message
        if lang is None:
            return f"{self.message} / {self.message_en}"
        return self.message_en if lang == "en" else self.message

    def expectation(self, lang: str | None = None) -> str | None:
        """What was expected, in ``lang`` when both languages were given."""
        if self.expected_en is None or self.expected is None:
            return self.expected
        if lang is None:
            return f"{self.expected} / {self.expected_en}"
        return self.expected_en if lang == "en" else self.expected

    def render(self, lang: str | None = None) -> str:
        """One line: level, location, message, value and what was expected."""
        loc = self.location(lang)
        level = {"id": {"error": "KESALAHAN", "warning": "PERINGATAN", "info": "INFO"}}.get(lang or "", {}).get(
            self.level, self.level.upper())
        s = f"[{level}] {loc + ': ' if loc else ''}{self.text(lang)}"
        if self.value is not None:
            s += f" ({'value' if lang == 'en' else 'nilai'}: {self.value!r})"
        exp = self.expectation(lang)
        if exp:
            s += f" — {'expected' if lang == 'en' else 'diharapkan'}: {exp}"
        return s

    def __str__(self) -> str:
        return self.render(None)


class PetarawanError(Exception):
    """Base class of every error petarawan reports to a user."""


class InputError(PetarawanError, ValueError):
    """Input data cannot be used.  ``findings`` lists every problem found (level ``error``)."""

    def __init__(self, findings: list[Finding] | Finding | str):
        if isinstance(findings, str):
            findings = [Finding("error", "input", findings)]
        elif isinstance(findings, Finding):
            findings = [findings]
        self.findings: list[Finding] = list(findings)
        super().__init__("\n".join(str(f) for f in self.findings))


class ConfigError(PetarawanError, ValueError):
    """The study configuration (``petarawan.toml``) is invalid; the message names the key."""


class ReplayError(PetarawanError):
    """A run cannot be replayed from its ``run.json`` (not a petarawan manifest, no table hashes,
    no study folder, or the replay would overwrite the run it replays)."""


@dataclass
class Findings:
    """An accumulator of findings, shared by every validation step of a run."""

    items: list[Finding] = field(default_factory=list)

    def add(self, level: Level, code: str, message: str, **where: Any) -> Finding:
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
        after[idx[first - 1]] = Finding(
            f0.level, f0.code,
            f"{len(rest)} baris lain dengan masalah yang sama (baris {lo}–{hi}): {f0.text('id')}",
            message_en=f"{len(rest)} more rows with the same problem (rows {lo}–{hi}): {f0.text('en')}",
            file=f0.file, column=f0.column, value=len(rest), expected=f0.expectation("id"),
            expected_en=f0.expectation("en") if f0.expected_en is not None else None)
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

