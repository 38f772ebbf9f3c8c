"""Survey exports read fast: KoboToolbox / ODK Central CSV (and the ODK Central ``.zip``), XLSX,
as tables of dictionary-encoded text columns (:class:`ExportTable`).

The IKRN rounds (:mod:`petarawan.ikrn.returns`) read national exports — millions of submissions —
so CSV is parsed with pyarrow (multi-threaded, streamed from the file), yet with the rules of every
other table of :mod:`petarawan.io`:

- text is UTF-8 (streamed as it is); any other encoding — a byte-order mark, UTF-16, Windows-1252 —
  goes through the one decoder :func:`petarawan.io.text.decode_text` (strict, a warning naming the
  detected encoding), never a replacement character;
- two columns with the same heading are an error;
- a row with more or fewer fields than the header is an error naming its row
  (:func:`petarawan.io.tables.row_length_finding`, as ``read_sheet(..., ragged="strict")``): the
  answers would otherwise shift into other questions; the findings never hold a cell's text;
- a ``.zip`` is checked with :func:`petarawan.io.tables.check_zip_archive` before anything is
  decompressed; a CSV larger than :data:`EXPORT_LIMITS` ``.max_bytes`` is refused.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Finding, InputError, cap_rows
from ..i18n import Msg
from .limits import LIMITS, Limits
from .tables import check_zip_archive, row_length_finding, too_big
from .text import decode_text

__all__ = ["Column", "ExportTable", "read_export", "table_from_frame", "INSTANCE_COLUMNS", "EXPORT_LIMITS"]

INSTANCE_COLUMNS = ("meta/instanceID", "meta-instanceID", "instanceID", "KEY", "_uuid")
"""Instance-ID column names of KoboToolbox and ODK Central exports, in order of preference."""

EXPORT_LIMITS = Limits(max_bytes=4 * 1024 ** 3, max_xlsx_uncompressed=4 * 1024 ** 3)
"""Caps of an export: a national round (2.8 M submissions × 40 items) is about 1 GB of CSV; rows
and cells are not capped (pyarrow holds them compactly), the size and the zip ratio are."""


class Column:
    """One export column of text cells: an Arrow string array, dictionary-encoded on first use.

    ``codes`` (int32, −1 = empty cell) and ``values`` (object array of stripped distinct texts)
    give cell i as ``values[codes[i]]``; ``arrow`` is the column itself (nulls for empty cells).
    """

    def __init__(self, arrow=None, codes: np.ndarray | None = None, values: np.ndarray | None = None):
        self._arrow, self._codes, self._values = arrow, codes, values

    @property
    def arrow(self):
        """The cells as an Arrow string array (nulls for empty cells)."""
        import pyarrow as pa

        if self._arrow is None:
            vals = np.append(self._values, None)
            self._arrow = pa.array(vals[np.where(self._codes < 0, len(self._values), self._codes)], pa.string())
        elif pa.types.is_dictionary(self._arrow.type):
            return self._arrow.cast(pa.string())
        return self._arrow

    def _encode(self) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        enc = self._arrow if pa.types.is_dictionary(self._arrow.type) else pc.dictionary_encode(self._arrow)
        values = np.asarray([None if v is None else v.strip() for v in enc.dictionary.to_pylist()], dtype=object)
        codes = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        empty = values == ""
        if empty.any():
            codes = np.where((codes >= 0) & empty[np.maximum(codes, 0)], -1, codes).astype(np.int32)
        self._codes, self._values = codes, values

    @property
    def codes(self) -> np.ndarray:
        if self._codes is None:
            self._encode()
        return self._codes

    def transient(self) -> tuple[np.ndarray, np.ndarray]:
        """(codes, values) without keeping the codes (answer columns are read once: caching them
        would hold an extra int32 copy of every answer)."""
        if self._codes is not None:
            return self._codes, self._values
        self._encode()
        out = self._codes, self._values
        if self._arrow is not None:
            self._codes, self._values = None, None
        return out

    @property
    def values(self) -> np.ndarray:
        if self._values is None:
            self._encode()
        return self._values


@dataclass(frozen=True)
class ExportTable:
    """One export as read.

    Attributes
    ----------
    label : str
        File name shown in findings.
    rows : int64 array (n,)
        Spreadsheet row number of each record (header = 1).
    columns : dict[str, Column]
        Column name → its cells (:class:`Column`).
    findings : list[Finding]
        Warnings from reading (an encoding detected rather than known), never with a cell's text.
    """

    label: str
    rows: np.ndarray
    columns: dict[str, Column]
    findings: list[Finding] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


def _err(code: str, key: str, label: str, *, row=None, column=None, level="error", exp: str | None = "", **kw) -> Finding:
    """A finding from message ``key`` and expectation ``exp`` (default ``key + ".exp"``; None: none)."""
    exp = f"{key}.exp" if exp == "" else exp
    return Finding(level, code, Msg(key, **kw), file=label, row=row, column=column,
                   expected=Msg(exp, **kw) if exp else None)


def _text_cell(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if v != v:
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    s = str(v).strip()
    return s or None


def table_from_frame(df: pd.DataFrame, label: str, rows: np.ndarray | None = None) -> ExportTable:
    """An :class:`ExportTable` from a frame of cells (e.g. :func:`petarawan.io.tables.read_sheet`)."""
    cols = {}
    for c in df.columns:
        texts = [_text_cell(v) for v in df[c].tolist()]
        codes, uniques = pd.factorize(pd.Series(texts, dtype=object), use_na_sentinel=True)
        cols[str(c)] = Column(codes=codes.astype(np.int32), values=np.asarray(uniques, dtype=object))
    rows = np.asarray(df.index if rows is None else rows, dtype=np.int64)
    return ExportTable(label, rows, cols)


def _kept(header: list[str], keep) -> list[str]:
    """Columns to parse: those ``keep`` accepts (all when None), with one instance-ID column."""
    cols = [h for h in header if keep is None or keep(h)]
    inst = next((c for c in INSTANCE_COLUMNS if c in cols), None)
    return [c for c in cols if c not in INSTANCE_COLUMNS or c == inst] if keep is not None else cols


_UTF16_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _csv_table(source: bytes | Path, label: str, keep=None, limits: Limits = EXPORT_LIMITS) -> ExportTable:
    """Parse a CSV export: a UTF-8 file is streamed to pyarrow as it is; bytes (from a zip) and any
    other encoding go through :func:`decode_text` first."""
    if isinstance(source, Path):
        size = source.stat().st_size
        if size > limits.max_bytes:
            raise too_big(label, Msg("f.too_large.file", n=size), limits.max_bytes, "bytes")
        with open(source, "rb") as f:
            head = f.read(1 << 16)
        if not head.startswith(_UTF16_32) and b"\x00" not in head:
            try:
                return _csv_parse(source, head, label, keep, limits)
            except _NotUtf8:
                pass
        source = source.read_bytes()
    dec = decode_text(source, label=label)
    data = dec.text.encode("utf-8")
    tb = _csv_parse(data, data[: 1 << 16], label, keep, limits)
    return replace(tb, findings=[*dec.findings, *tb.findings])


class _NotUtf8(Exception):
    pass


def _csv_parse(source: bytes | Path, head: bytes, label: str, keep, limits: Limits) -> ExportTable:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        first = head[: head.find(b"\n") if b"\n" in head else len(head)].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        if isinstance(source, Path):
            raise _NotUtf8 from None
        raise
    sep = max([",", ";", "\t"], key=first.count)
    header = [h.strip() for h in next(csv.reader([first], delimiter=sep), [])]
    dups = sorted({h for h in header if header.count(h) > 1})
    if dups:
        raise InputError([_err("export_duplicate_header", "ikrn.f.dup_header", label, column=h) for h in dups])
    bad: list[tuple[int | None, int]] = []

    def on_bad(row) -> str:
        bad.append((row.number, row.actual_columns))
        return "skip"

    def read(threads: bool):
        bad.clear()
        return pacsv.read_csv(
            pa.BufferReader(source) if isinstance(source, bytes) else str(source),
            read_options=pacsv.ReadOptions(use_threads=threads, column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep, invalid_row_handler=on_bad, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True, include_columns=wanted,
                                                 null_values=[""], quoted_strings_can_be_null=True))

    # answers, codes and roles have few distinct values: dictionary-encoded while parsing (in
    # parallel); IDs, times and coordinates, one value per row, stay plain text
    wanted = _kept(header, keep)
    types = {h: pa.string() if _unique_per_row(h) else pa.dictionary(pa.int32(), pa.string()) for h in wanted}

    try:
        tb = read(True)
        if bad and any(n is None for n, _ in bad):
            tb = read(False)  # physical line numbers are only known single-threaded
    except (pa.ArrowInvalid, pa.ArrowException, ValueError) as err:
        if isinstance(source, Path) and "UTF8" in str(err).upper().replace("-", ""):
            raise _NotUtf8 from None
        raise InputError(_err("unreadable", "ikrn.f.unreadable", label, err=type(err).__name__)) from None
    if bad:  # rows of the wrong length: the answers would shift into other questions
        raise InputError(cap_rows([row_length_finding(label, int(n), k, len(header), sep, shorter=k < len(header))
                                   for n, k in sorted(bad, key=lambda x: x[0] or 0)], limits.findings_per_kind))
    rows = np.arange(2, 2 + tb.num_rows, dtype=np.int64)
    cols = {name: Column(arrow=col.combine_chunks()) for name, col in zip(tb.column_names, tb.columns)}
    return ExportTable(label, rows, cols)


_ROW_UNIQUE = re.compile(r"(^|[/_-])(instanceID|KEY|PARENT_KEY|_?uuid|_id|_index|start|end|SubmissionDate|_submission_time|"
                         r"rootUuid|deprecatedID|lokasi|Latitude|Longitude|Altitude|Accuracy|latitude|longitude|altitude|"
                         r"precision|_geolocation)$")


def _unique_per_row(header: str) -> bool:
    """Columns holding (nearly) one value per row: read as plain text, not dictionary-encoded."""
    return bool(_ROW_UNIQUE.search(header))


def read_export(path: Path, label: str | None = None, keep=None, limits: Limits = EXPORT_LIMITS) -> ExportTable:
    """Read one export file (CSV, XLSX, or ODK Central zip).

    ``keep``: an optional predicate on column names (e.g. :func:`petarawan.ikrn.returns.export_columns`);
    other columns are not parsed.  Of several instance-ID columns only the first is kept.

    Raises
    ------
    InputError
        Unknown format, unreadable file, duplicate column headings, rows of the wrong length
        (``row_too_short`` / ``row_too_long`` with their row), a zip without a CSV or over the
        caps (``too_large`` / ``zip_bomb``), an encoding no decoder reads.
    """
    path = Path(path)
    label = label or path.name
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            from .tables import read_sheet

            cells = read_sheet(path, label=label, limits=LIMITS, rows_required=False).cells  # a round in progress
            return table_from_frame(cells[[c for c in _kept(list(cells.columns), keep)]], label)
        if suffix in (".csv", ".txt"):
            return _csv_table(path, label, keep, limits)
        if suffix == ".zip":
            check_zip_archive(path, label, limits)
            try:
                with zipfile.ZipFile(path) as z:
                    names = [n for n in z.namelist() if n.lower().endswith(".csv")]
                    main = sorted((n for n in names if b"PARENT_KEY" not in z.open(n).read(4096)), key=len)
                    if not main:
                        raise InputError(_err("export_zip_no_csv", "ikrn.f.zip_no_csv", label, exp="ikrn.f.unreadable.exp"))
                    return _csv_table(z.read(main[0]), f"{label}:{main[0]}", keep, limits)
            except zipfile.BadZipFile:
                raise InputError(_err("unreadable", "ikrn.f.unreadable", label, err="BadZipFile")) from None
    except OSError as err:
        raise InputError(_err("unreadable", "ikrn.f.unreadable", label, err=err.strerror or type(err).__name__)) from None
    raise InputError(_err("unreadable", "ikrn.f.unreadable", label, err=f"format {suffix or '?'}"))
