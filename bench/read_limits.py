"""Time the table reader on hostile inputs: it must stay fast and bounded.

Prints, for each input, the seconds taken and what the reader answered:

- headings: 1,000 … 100,000 identical headings (renaming is one dictionary pass; the old
  ``while name in seen: name += "_"`` loop was cubic and ran > 5 minutes at 100,000);
- a CSV of 100,000 identical headings read end to end (refused: duplicate headings);
- an XLSX declaring A1:XFD1048576 with one stray cell (refused by the row cap, never padded);
- an XLSX with a 64 MB part of zeros (refused before parsing: compression ratio);
- a CSV of 300,000 rows with a bad value in every row (findings capped per kind).

Run: ``python bench/read_limits.py``.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl

from petarawan.errors import InputError
from petarawan.io.limits import Limits
from petarawan.io.tables import read_sheet, unique_headings


def timed(label: str, fn) -> None:
    t = time.perf_counter()
    try:
        out = fn()
        answer = f"ok ({out})"
    except InputError as err:
        f = err.findings[0]
        answer = f"refused: {f.code} ({len(err.findings)} findings) — {f.message_en[:90]}"
    print(f"{label:<46} {time.perf_counter() - t:8.3f} s  {answer}")


def main() -> None:
    for n in (1_000, 10_000, 100_000):
        timed(f"unique_headings, {n:,} identical", lambda n=n: len(set(unique_headings(["x"] * n)[0])))
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "wide.csv").write_text("kode," + ",".join(["x"] * 100_000) + "\n1\n", encoding="utf-8")
        timed("CSV, 100,000 identical headings", lambda: read_sheet(d / "wide.csv", limits=Limits(max_columns=200_000)))
        wb = openpyxl.Workbook()
        wb.active["A1"] = "kode"
        wb.active["XFD1048576"] = 1
        wb.save(d / "stray.xlsx")
        timed("XLSX, one cell at XFD1048576", lambda: read_sheet(d / "stray.xlsx"))
        wb = openpyxl.Workbook()
        wb.active.append(["kode"])
        wb.save(d / "bomb.xlsx")
        with zipfile.ZipFile(d / "bomb.xlsx", "a", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/media/pad.bin", b"\0" * (64 << 20))
        timed("XLSX, 64 MB part of zeros", lambda: read_sheet(d / "bomb.xlsx"))
        (d / "long.csv").write_text("kode,x\n" + "".join(f"{i},1,2\n" for i in range(300_000)), encoding="utf-8")
        timed("CSV, 300,000 rows each too long", lambda: read_sheet(d / "long.csv"))


if __name__ == "__main__":
    main()
