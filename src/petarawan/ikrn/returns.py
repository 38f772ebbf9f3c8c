"""Returns of an IKRN round: exports of the three instruments, decoded into arrays.

Supported exports ("XML values and headers"; the form's choice *names*, not labels):

- KoboToolbox CSV (``;``, groups joined by ``/``, ``_uuid``, geopoint as ``lokasi`` "lat lon alt
  acc" and/or ``_lokasi_latitude`` …) and XLSX (first sheet);
- ODK Central CSV (``,``, groups joined by ``-``, ``KEY``/``meta-instanceID``, geopoint as
  ``lokasi-Latitude`` …) and the ``.zip`` it downloads (its main CSV is read).

Reading (:func:`read_export`) lives in :mod:`petarawan.io.exports` (re-exported here): a file
becomes an :class:`ExportTable` of dictionary-encoded text columns; CSV is parsed with pyarrow
(multi-threaded; millions of rows in seconds), other encodings through the one decoder, rows of
the wrong length refused with their row; XLSX with :func:`petarawan.io.tables.read_sheet`.

Decoding (:func:`decode_returns`) is vectorised over the distinct values of each column: an
answer is looked up once per distinct value, never once per cell, so a national round (≈ 2.8 M
submissions × 40 items) decodes in seconds.  It keeps only what the analysis needs — area,
role, consent, start/end, the geopoint (for the area check only; never written out) and the
items.  No other column (names, phone numbers, free text, device ids) is kept, and no finding
ever echoes a cell's value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..codes import code_key
from ..errors import Finding, InputError
from ..i18n import Msg, t
from ..io.exports import INSTANCE_COLUMNS, Column, ExportTable, read_export, table_from_frame
from .bank import DK_COUNT, DONT_KNOW, INSTRUMENTS, NO, YES, Bank

__all__ = ["ExportTable", "read_export", "table_from_frame", "Submissions", "decode_returns", "MISSING", "DK",
           "INSTANCE_COLUMNS"]

MISSING = np.float32(np.nan)
DK = np.float32(-1.0)
"""Decoded value of "tidak tahu" (don't know) in the answer matrices; NaN = no answer."""


# ------------------------------------------------------------------------------------------------
# reading: petarawan.io.exports (one decoder, row-length and zip checks); re-exported here


def _err(code: str, key: str, label: str, *, row=None, column=None, level="error", exp: str | None = "", **kw) -> Finding:
    """A finding from message ``key`` and expectation ``exp`` (default ``key + ".exp"``; None: none)."""
    exp = f"{key}.exp" if exp == "" else exp
    return Finding(level, code, Msg(key, **kw), file=label, row=row, column=column,
                   expected=Msg(exp, **kw) if exp else None)


def export_columns(bank: Bank, instrument: str):
    """Predicate on an export's column names: the columns :func:`decode_returns` reads for
    ``instrument`` (form fields, items, instance ID, geopoint).  Passed to :func:`read_export`,
    it keeps every other column (device ids, submitter names, free text…) from being parsed at all."""
    from .form import FORM_FIELDS

    wanted = set(FORM_FIELDS) | {it.code for it in bank.items_of(instrument)} | {"instanceID", "uuid"}

    def keep(name: str) -> bool:
        last = re.split(r"[/-]", name)[-1]
        return (name in INSTANCE_COLUMNS or last in wanted or last.lstrip("_") in wanted
                or name.startswith(("lokasi-", "_lokasi_")))

    return keep


# ------------------------------------------------------------------------------------------------
# decoding


@dataclass(frozen=True)
class Submissions:
    """Every submission read, as arrays (n = all rows of all exports, in file then row order).

    Attributes
    ----------
    files : list[str]
        Export labels; ``file[i]`` indexes it.
    file, row : int arrays (n,)
        Source of each submission (spreadsheet row, header = 1).
    instrument : int8 (n,)
        0, 1, 2 for ikrn1..3: the instrument whose export the row is in.
    declared : int8 (n,)
        Instrument named by the form's hidden ``instrumen`` field, −1 when absent.
    instance : int64 (n,)
        Instance ID as a number shared by equal IDs across every file; −1 when empty/absent.
    area : int32 (n,)
        Index into ``area_codes``; −1 empty code, −2 unknown code.
    role : int16 (n,)
        Index into ``bank.roles``; −1 empty or unknown.
    consent : bool (n,)
    start, end : float64 (n,)
        Seconds since 1970 (UTC); NaN when absent or unreadable.
    lat, lon : float64 (n,)
        WGS84 geopoint; NaN when absent.  Used only by the area check.
    answers : dict[str, float32 array (n_k, m_k)]
        Per instrument: its submissions' answers to its items (``bank.items_of``), NaN =
        unanswered or out of scale, −1 = don't know; Likert 1–5, yes = 1, no = 0, counts ≥ 0.
    members : dict[str, int array (n_k,)]
        Per instrument: positions (into the n submissions) of the rows of ``answers``.
    """

    files: list[str]
    file: np.ndarray
    row: np.ndarray
    instrument: np.ndarray
    declared: np.ndarray
    instance: np.ndarray
    area: np.ndarray
    role: np.ndarray
    consent: np.ndarray
    start: np.ndarray
    end: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    answers: dict[str, np.ndarray]
    members: dict[str, np.ndarray]
    area_codes: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    has_instance: dict[str, bool] = field(default_factory=dict)
    has_times: dict[str, bool] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.row)


def _find(table: ExportTable, *candidates: str) -> str | None:
    return next((c for c in candidates if c in table.columns), None)


def _lookup(table: ExportTable, col: str, mapping, dtype, default) -> np.ndarray:
    """Vectorised decode: ``mapping(value)`` once per distinct value, then gathered by code;
    ``default`` for empty cells."""
    c = table.columns[col]
    codes, values = c.codes, c.values
    lut = np.array([mapping(v) for v in values] + [default], dtype=dtype)
    return lut[np.where(codes < 0, len(values), codes)]


def _numbers(column: Column) -> np.ndarray:
    """Float cells of a column (NaN for empty or non-numeric)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(pc.utf8_trim_whitespace(column.arrow), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # decimal commas, U+2212…: the one number parser
        from ..io.numbers import NumberError, infer_style, parse_number

        codes, values = column.codes, column.values
        style = infer_style(list(values)).style

        def one(v):
            try:
                return parse_number(v, style=style)
            except NumberError:
                return np.nan

        nums = np.array([one(v) for v in values], dtype=float)  # once per distinct value
        return np.append(nums, np.nan)[np.where(codes < 0, len(values), codes)]


def _times(table: ExportTable, col: str) -> np.ndarray:
    """Seconds since 1970 (UTC) of ISO 8601 timestamps with their offset; NaN when unreadable."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table.columns[col]
    try:  # Arrow parses ISO 8601 with offsets in C; one bad cell fails the whole cast
        ms = pc.cast(pc.utf8_trim_whitespace(column.arrow), pa.timestamp("ms", tz="UTC"))
        secs = ms.cast(pa.int64()).to_numpy(zero_copy_only=False).astype(float) / 1000.0
        secs[np.asarray(ms.is_null())] = np.nan
        return secs
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        codes, values = column.codes, column.values
        ts = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601", errors="coerce")
        secs = (ts - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy(dtype=float)
        return np.append(secs, np.nan)[np.where(codes < 0, len(values), codes)]


def _geopoint(table: ExportTable, base: str = "lokasi") -> tuple[np.ndarray, np.ndarray]:
    n = len(table)
    for lat_c, lon_c in ((f"{base}-Latitude", f"{base}-Longitude"), (f"_{base}_latitude", f"_{base}_longitude")):
        if lat_c in table.columns and lon_c in table.columns:
            return _numbers(table.columns[lat_c]), _numbers(table.columns[lon_c])
    col = _find(table, base, *(c for c in table.columns if c.endswith((f"/{base}", f"-{base}"))))
    if col is None:
        return np.full(n, np.nan), np.full(n, np.nan)
    codes, values = table.columns[col].codes, table.columns[col].values
    parts = pd.Series(values, dtype=object).astype("string").str.split(expand=True)
    if parts.shape[1] < 2:
        return np.full(n, np.nan), np.full(n, np.nan)
    lat = np.append(pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=float), np.nan)
    lon = np.append(pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=float), np.nan)
    idx = np.where(codes < 0, len(values), codes)
    return lat[idx], lon[idx]


def _instance_ids(column: Column):
    """Instance IDs without the ``uuid:`` prefix (Kobo's ``_uuid`` lacks it, ``meta/instanceID``
    has it), empty → null; an Arrow string array."""
    import pyarrow.compute as pc

    ids = pc.replace_substring_regex(pc.utf8_trim_whitespace(column.arrow), "^uuid:", "")
    return pc.if_else(pc.equal(ids, ""), None, ids)


def _item_decoder(item):
    """``value text → float`` for one item: scale values, −1 for don't know, NaN + flag otherwise.
    Returns (decode, is_out_of_scale)."""
    if item.response == "likert":
        ok = {str(k): float(k) for k in range(1, 6)}
        ok.update({f"{k}.0": float(k) for k in range(1, 6)})
    elif item.response == "yesno":
        ok = {YES: 1.0, NO: 0.0}
    else:
        ok = None
    dk = {DONT_KNOW} if item.dont_know else set()

    def decode(v: str) -> tuple[float, bool]:
        if v is None or v == "":
            return np.nan, False
        if v in dk:
            return float(DK), False
        if ok is not None:
            return (ok[v], False) if v in ok else (np.nan, True)
        try:
            x = float(v.replace(",", "."))
        except ValueError:
            return np.nan, True
        if item.dont_know and x == DK_COUNT:
            return float(DK), False
        if x < 0 or not float(x).is_integer() or x > 100_000 or x != x:
            return np.nan, True
        return x, False

    return decode


def decode_returns(tables, bank: Bank, area_codes: list[str] | tuple[str, ...], *,
                   area_question: str = "kode_wilayah") -> Submissions:
    """Decode the exports of a round.

    Parameters
    ----------
    tables : iterable of (instrument, ExportTable)
        Each export with the instrument it was collected with (``ikrn1`` … ``ikrn3``); consumed
        once, so a generator that reads one file at a time keeps only one export in memory.
    area_codes : sequence of str
        The study's canonical area codes; ``Submissions.area`` indexes it.

    Returns
    -------
    Submissions
        With findings for refused rows, out-of-scale answers (file, row, column — never the
        value) and exports lacking optional columns (instance ID, start/end, consent).

    Raises
    ------
    InputError
        An export lacks a column the analysis cannot do without (area, role or an item of its
        instrument); the finding names the column names expected.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    codes_ix = {code_key(c): i for i, c in enumerate(area_codes)}  # written with or without dots
    role_ix = {r.code: i for i, r in enumerate(bank.roles)}
    ins_ix = {c: i for i, c in enumerate(INSTRUMENTS)}
    findings: list[Finding] = []
    errors: list[Finding] = []
    parts: dict[str, list] = {k: [] for k in ("file", "row", "instrument", "declared", "inst_text", "area", "role", "consent",
                                              "start", "end", "lat", "lon")}
    answers: dict[str, list[np.ndarray]] = {c: [] for c in INSTRUMENTS}
    members: dict[str, list[np.ndarray]] = {c: [] for c in INSTRUMENTS}
    has_instance: dict[str, bool] = {}
    has_times: dict[str, bool] = {}
    files: list[str] = []
    offset = 0
    for ins, tb in tables:
        if ins not in ins_ix:
            raise ValueError(f"unknown instrument {ins!r}")
        items = bank.items_of(ins)
        dims = {it.code: f"g_{it.dimension}" for it in items}
        n = len(tb)
        findings.extend(tb.findings)
        files.append(tb.label)
        fidx = len(files) - 1

        def col_of(name: str, group: str | None = None) -> str | None:
            cands = ([f"{group}/{name}", f"{group}-{name}"] if group else []) + [name]
            return _find(tb, *cands, *(c for c in tb.columns if c.endswith((f"/{name}", f"-{name}"))))

        need = {"kode_wilayah": col_of(area_question), "peran": col_of("peran")}
        need.update({it.code: col_of(it.code, dims[it.code]) for it in items})
        missing = [k for k, v in need.items() if v is None]
        for k in missing:
            grp = dims.get(k)
            cands = " / ".join(f"'{c}'" for c in ([f"{grp}/{k}", f"{grp}-{k}"] if grp else [k]))
            errors.append(_err("ikrn_column_missing", "ikrn.f.column_missing", tb.label, column=k, field=k, ins=ins,
                               cands=cands))
        if missing:
            continue
        parts["file"].append(np.full(n, fidx, np.int16))
        parts["row"].append(tb.rows)
        parts["instrument"].append(np.full(n, ins_ix[ins], np.int8))
        dcol = col_of("instrumen")
        parts["declared"].append(_lookup(tb, dcol, lambda v: ins_ix.get(v, -1), np.int8, -1) if dcol
                                 else np.full(n, -1, np.int8))
        icol = _find(tb, *INSTANCE_COLUMNS)
        has_instance[tb.label] = icol is not None
        if icol is None:
            findings.append(_err("ikrn_no_instance_id", "ikrn.f.no_instance", tb.label, level="warning",
                                 exp="ikrn.f.meta.exp", cols=", ".join(INSTANCE_COLUMNS)))
            parts["inst_text"].append(pa.nulls(n, pa.string()))
        else:
            parts["inst_text"].append(_instance_ids(tb.columns[icol]))

        def area_of(v: str) -> int:
            code = code_key(v)
            return -1 if code is None else codes_ix.get(code, -2)

        parts["area"].append(_lookup(tb, need["kode_wilayah"], area_of, np.int32, -1))
        parts["role"].append(_lookup(tb, need["peran"], lambda v: role_ix.get(v, -1), np.int16, -1))
        ccol = col_of("persetujuan")
        if ccol is None:
            findings.append(_err("ikrn_no_consent_column", "ikrn.f.no_consent_col", tb.label, level="info",
                                 exp="ikrn.f.meta.exp", cols="persetujuan"))
            parts["consent"].append(np.ones(n, bool))
        else:
            parts["consent"].append(_lookup(tb, ccol, lambda v: v == YES, bool, False))
        s_col, e_col = col_of("start"), col_of("end")
        has_times[tb.label] = bool(s_col and e_col)
        if not (s_col and e_col):
            findings.append(_err("ikrn_no_times", "ikrn.f.no_times", tb.label, level="warning", exp="ikrn.f.meta.exp",
                                 cols="start, end"))
        parts["start"].append(_times(tb, s_col) if s_col else np.full(n, np.nan))
        parts["end"].append(_times(tb, e_col) if e_col else np.full(n, np.nan))
        lat, lon = _geopoint(tb)
        parts["lat"].append(lat)
        parts["lon"].append(lon)
        mat = np.empty((n, len(items)), np.float32)
        for j, it in enumerate(items):
            codes, values = tb.columns[need[it.code]].transient()
            dec = _item_decoder(it)
            pairs = [dec(v) for v in values]
            lut = np.array([p[0] for p in pairs] + [np.nan], dtype=np.float32)
            bad = np.array([p[1] for p in pairs] + [False], dtype=bool)
            k = np.where(codes < 0, len(values), codes)
            mat[:, j] = lut[k]
            if bad.any():
                for r in tb.rows[bad[k]]:
                    findings.append(Finding("warning", "ikrn_out_of_scale", Msg("ikrn.f.out_of_scale"), file=tb.label,
                                            row=int(r), column=need[it.code], expected=_scale(it)))
        answers[ins].append(mat)
        members[ins].append(np.arange(offset, offset + n, dtype=np.int64))
        offset += n
    if errors:
        raise InputError(errors)

    def cat(key, dtype):
        return np.concatenate(parts[key]).astype(dtype, copy=False) if parts[key] else np.empty(0, dtype)

    inst_codes = (pc.dictionary_encode(pa.concat_arrays(parts["inst_text"])).indices.fill_null(-1)
                  .to_numpy(zero_copy_only=False) if parts["inst_text"] else np.empty(0, np.int64))
    return Submissions(
        files=files, file=cat("file", np.int16), row=cat("row", np.int64), instrument=cat("instrument", np.int8),
        declared=cat("declared", np.int8), instance=inst_codes.astype(np.int64), area=cat("area", np.int32),
        role=cat("role", np.int16), consent=cat("consent", bool), start=cat("start", float), end=cat("end", float),
        lat=cat("lat", float), lon=cat("lon", float),
        answers={c: (np.concatenate(v) if v else np.empty((0, len(bank.items_of(c))), np.float32))
                 for c, v in answers.items() if any(c == i.code for i in bank.instruments)},
        members={c: (np.concatenate(v) if v else np.empty(0, np.int64)) for c, v in members.items()
                 if any(c == i.code for i in bank.instruments)},
        area_codes=tuple(area_codes), findings=findings, has_instance=has_instance, has_times=has_times)


def _scale(item) -> Msg:
    """The answers an item accepts (the expectation of an out-of-scale answer)."""
    dk = f", '{DONT_KNOW}'" if item.dont_know else ""
    if item.response == "likert":
        return Msg("ikrn.scale.likert", dk=dk)
    if item.response == "yesno":
        return Msg("ikrn.scale.yesno", yes=YES, no=NO, dk=dk)
    return Msg("ikrn.scale.count", dk=Msg("ikrn.scale.dk_count", code=DK_COUNT) if item.dont_know else "")
