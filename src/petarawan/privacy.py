"""Privacy rules applied to everything petarawan publishes.

- Small counts: a count ``0 < x < min_count`` is shown as ``"<min_count"`` in published outputs
  (report, map labels).  Zero is shown as 0 (it reveals no person).  This is the usual
  small-cell suppression rule of statistical offices (e.g. a threshold of 5 in CDC's and
  Eurostat's guidance); the threshold is configuration (``[privacy] min_count``).
- Formula injection: text from input files that starts with ``= + - @`` (or tab / CR) is
  neutralised before it is written to a spreadsheet (OWASP, "CSV Injection").
- Identifiers: petarawan never reads names, NIK or phone numbers into its outputs; the boundary
  file's code and name are the only text carried from input to output.
"""

from __future__ import annotations

import math

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def suppress_count(value: float | int | None, min_count: int) -> str:
    """Text for a count in a published output: ``"<5"`` for 1–4 (with ``min_count=5``).

    >>> suppress_count(3, 5), suppress_count(0, 5), suppress_count(12, 5)
    ('<5', '0', '12')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if 0 < value < min_count:
        return f"<{min_count}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def neutralise_formula(value: object) -> object:
    """Return ``value`` unchanged unless it is text that a spreadsheet would run as a formula;
    then prefix it with an apostrophe so it is shown as text.

    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
