"""Data entry in the browser: one area's indicator values written into the round's table.

The values typed in the browser are written, as typed, into a staged copy of the study's own
indicator table (CSV or XLSX, the file ``[data] file`` names) and the copy is validated by the
same rules as ``petarawan validate``; only a copy without errors becomes the round's next
version.  Other rows and columns of the table are left as they were.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..codes import normalise_code
from ..errors import Finding, InputError
from ..i18n import Msg
from ..io.atomic import replace_bytes
from ..io.text import decode_text


def _entry_indicators(cfg) -> list:
    """Indicators read from the table (not computed by a stage)."""
    return [i for i in cfg.indicators if i.stage is None]


def read_entry_table(study_dir: Path) -> dict:
    """The entry sheet of a (valid) version: indicators and, per area, its current values.

    Returns ``{"indicators": [{"code", "label_id", "label_en", "unit", "count"}], "areas": [{"code",
    "name", "group", "values": {indicator: float | None}}]}``."""
    from ..validate import load_study

    study = load_study(study_dir)
    inds = _entry_indicators(study.config)
    areas = []
    for code, row in study.areas.iterrows():
        vals = {}
        for i in inds:
            v = study.data.at[code, i.code] if i.code in study.data.columns else None
            vals[i.code] = None if v is None or v != v else float(v)
        areas.append({"code": code, "name": row.get("name"), "group": row.get("group") if "group" in row else None,
                      "values": vals})
    return {"indicators": [{"code": i.code, "label_id": i.label_id, "label_en": i.label_en or i.label_id,
                            "unit": i.unit, "count": bool(i.count)} for i in inds], "areas": areas}


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _match(header: list[str], wanted: str) -> int | None:
    low = [str(h).strip().lower() for h in header]
    return low.index(wanted.strip().lower()) if wanted.strip().lower() in low else None


def write_entry(study_dir: Path, code: str, values: dict) -> str:
    """Write ``values`` (indicator code → text as typed, or None to empty the cell) into area
    ``code``'s row of the study's table (a new row when the area has none); returns the table's
    file name.  The file is replaced by rename (never written in place: older versions share it
    by hard link).

    Raises
    ------
    InputError
        An indicator that is not entered from the table, or a table that cannot be edited.
    """
    from ..registry import load_config

    cfg = load_config(study_dir)
    allowed = {i.code for i in _entry_indicators(cfg)}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise InputError([Finding("error", "unknown_indicator", Msg("server.f.unknown_indicator", code=u), column=u,
                                  expected=Msg("server.x.one_of", choices=", ".join(sorted(allowed)))) for u in unknown])
    path = study_dir / cfg.data.file
    year = getattr(cfg.data, "year", None)
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, cfg, code, values, year)
    else:
        _write_csv(path, cfg, code, values, year)
    return cfg.data.file


def _locate(rows: list[list], cfg, code: str, year) -> tuple[int, list[str], int]:
    """(header index, header, row index of ``code`` or -1)."""
    want = cfg.data.code_column
    for h, row in enumerate(rows[:20]):
        header = [_text(x) for x in row]
        k = _match(header, want)
        if k is None:
            continue
        ycol = next((_match(header, n) for n in ("tahun", "year") if _match(header, n) is not None), None)
        for r in range(h + 1, len(rows)):
            cells = rows[r]
            if k < len(cells) and normalise_code(_text(cells[k])) == code:
                if year is None or ycol is None or _text(cells[ycol] if ycol < len(cells) else "") == str(year):
                    return h, header, r
        return h, header, -1
    raise InputError(Finding("error", "missing_column", Msg("f.missing_column", want=want), file=cfg.data.file,
                             column=want))


def _fill(header: list[str], row: list, cfg, code: str, values: dict, year) -> list:
    row = list(row) + [""] * (len(header) - len(row))
    row[_match(header, cfg.data.code_column)] = code
    for n in ("tahun", "year"):
        k = _match(header, n)
        if k is not None and year is not None and not _text(row[k]):
            row[k] = str(year)
    missing = [c for c in values if _match(header, c) is None]
    for c in missing:
        header.append(c)
        row.append("")
    for c, v in values.items():
        row[_match(header, c)] = "" if v is None else str(v).strip()
    return row


def _write_csv(path: Path, cfg, code: str, values: dict, year) -> None:
    text = decode_text(path.read_bytes(), label=path.name, encoding=cfg.data.encoding).text
    first = text.splitlines()[0] if text else ""
    delim = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    h, header, r = _locate(rows, cfg, code, year)
    row = _fill(header, rows[r] if r >= 0 else [], cfg, code, values, year)
    rows[h] = header
    if r >= 0:
        rows[r] = row
    else:
        rows.append(row)
    width = max(len(x) for x in rows)
    out = io.StringIO()
    csv.writer(out, delimiter=delim, lineterminator="\n").writerows([x + [""] * (width - len(x)) if i >= h else x
                                                                     for i, x in enumerate(rows)])
    replace_bytes(path, out.getvalue().encode("utf-8"))


def _write_xlsx(path: Path, cfg, code: str, values: dict, year) -> None:
    import openpyxl

    from ..io.tables import check_zip_archive

    check_zip_archive(path, path.name)  # a zip bomb is refused before openpyxl inflates it
    wb = openpyxl.load_workbook(path)
    ws = wb[cfg.data.sheet] if cfg.data.sheet else wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    h, header, r = _locate(rows, cfg, code, year)
    n_before = len(header)
    row = _fill(header, rows[r] if r >= 0 else [], cfg, code, values, year)
    for k in range(n_before, len(header)):
        ws.cell(row=h + 1, column=k + 1, value=header[k])
    target = (r if r >= 0 else len(rows)) + 1
    for k, v in enumerate(row):
        name = header[k]
        if r >= 0 and name not in values and _match([cfg.data.code_column], name) is None:
            continue
        ws.cell(row=target, column=k + 1, value=_cell(v))
    buf = io.BytesIO()
    wb.save(buf)
    replace_bytes(path, buf.getvalue())


def _cell(v):
    """A typed value as a spreadsheet cell: a plain number as a number, anything else as text
    (the validation then reports it)."""
    s = _text(v)
    try:
        return int(s) if s.lstrip("-").isdigit() else float(s) if s and s.replace(".", "", 1).lstrip("-").isdigit() else s or None
    except ValueError:
        return s
