"""Case pii-echo-in-findings: an enumerator typed a name and phone number into a select_one field
(row 4, responden/peran) and a NIK into the area-code field (row 8).  Before: both values — and the
_uuid of duplicate submissions — were echoed in findings, into report.html (published), run.json
and petarawan.xlsx.  Right: findings about survey cells give file, row and column, never the value."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

from casefix import EXAMPLE, pangkalpinang_study, potential_config
from petarawan import run

NAME_PHONE = "Siti_Aminah_081277776666"
NIK = "NIK3171234567890123"


def pii_study(tmp_path):
    d = pangkalpinang_study(tmp_path, "pii-echo-in-findings", config=potential_config())
    shutil.copy(EXAMPLE / "potensi_masyarakat.xlsx", d)
    text = (EXAMPLE / "survei_potensi_ILUSTRATIF.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    head = rows[0]
    rows[3][head.index("responden/peran")] = NAME_PHONE      # spreadsheet row 4
    rows[7][head.index("wilayah/kode_wilayah")] = NIK        # spreadsheet row 8
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    (d / "survei_potensi_ILUSTRATIF.csv").write_text(out.getvalue(), encoding="utf-8")
    uuids = [r[head.index("_uuid")] for r in rows[1:]]
    duplicates = sorted({u for u in uuids if uuids.count(u) > 1})
    return d, duplicates


def test_no_typed_value_reaches_any_output(tmp_path):
    d, duplicates = pii_study(tmp_path)
    assert duplicates  # the example export holds duplicate submissions: their _uuid must not be echoed either
    res = run(d, tmp_path / "out")
    out = tmp_path / "out"
    xlsx = zipfile.ZipFile(out / "petarawan.xlsx")
    texts = {"report.html": (out / "report.html").read_text(encoding="utf-8"),
             "run.json": (out / "run.json").read_text(encoding="utf-8"),
             "petarawan.xlsx": "".join(xlsx.read(n).decode("utf-8") for n in xlsx.namelist() if n.endswith(".xml"))}
    for secret in [NAME_PHONE, "081277776666", NIK, "3171234567890123", *duplicates]:
        for name, text in texts.items():
            assert secret not in text, f"{secret!r} in {name}"
    # the problems are still reported, by row and column
    found = {(f.code, f.row, f.column) for f in res.findings}
    assert ("survey_unknown_choice", 4, "responden/peran") in found
    assert ("survey_unknown_area", 8, "wilayah/kode_wilayah") in found
    manifest = json.loads(texts["run.json"])
    choice = next(f for f in manifest["findings"] if f["code"] == "survey_unknown_choice" and f["row"] == 4)
    assert choice["value"] is None and "not a known choice" in choice["message"]["en"]
