"""How much of an input file petarawan reads: caps that turn a hostile or broken file into a clear
error instead of exhausted memory or minutes of parsing.

The defaults fit national work with room to spare: Indonesia has about 84,000 desa/kelurahan, so an
indicator table of every village with 30 indicators is 2.5 million cells; an incident table of a
million points with five columns is 5 million.  A spreadsheet that declares 1,048,576 rows
(Excel's maximum) because of one stray cell, or an XLSX that inflates to gigabytes (a "zip bomb"),
is refused by name with what to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Caps applied by every table reader of :mod:`petarawan.io`.

    Attributes
    ----------
    max_bytes : int
        Size of a CSV/text table file on disk (bytes).
    max_rows : int
        Rows of one table or sheet, header included (empty rows inside the table count).
    max_columns : int
        Fields of one row (Excel's own maximum is 16,384).
    max_cells : int
        Rows × fields kept in memory for one table.
    max_xlsx_uncompressed : int
        Sum of the uncompressed sizes of the parts of an XLSX/XLSM (a zip archive), bytes.
    max_xlsx_ratio : float
        Largest uncompressed/compressed size ratio of one XLSX part larger than 1 MB; ordinary
        sheets compress 5–30 times, zip bombs by a thousand times or more.
    findings_per_kind : int
        Per-row findings of one kind (level, code, file, column) listed one by one; the rest are
        counted in one summary finding (:func:`petarawan.errors.cap_rows`).
    """

    max_bytes: int = 512 * 1024 * 1024
    max_rows: int = 1_000_000
    max_columns: int = 16_384
    max_cells: int = 10_000_000
    max_xlsx_uncompressed: int = 400 * 1024 * 1024
    max_xlsx_ratio: float = 200.0
    findings_per_kind: int = 10


LIMITS = Limits()
"""The defaults used when a reader is not given other limits."""
