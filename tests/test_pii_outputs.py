"""No name, NIK or phone number reaches any output (issue 8, README "Privacy").

The whole example (every stage: index, hot spots, potential survey, plan, uncertainty, IKRN rounds)
is run after a name, a 16-digit NIK and a phone number have been typed into every free-text input it
accepts: extra columns of the indicator table (and its ``keterangan`` column), the survey export's
text questions (``nama_responden``, ``no_hp``, ``minat_usaha_lain``, ``catatan``) and, in one row
each, a choice field and the area-code field; extra columns of the three IKRN exports (CSV, XLSX,
zipped CSV) and a choice field.  The area-name column is the one text carried to outputs (it is
allowed; nothing is typed into it).  Then every output is searched for them: report.html, the
workbook's XML, the GeoPackage's bytes, each PNG's bytes and every string given to matplotlib for
the figures, run.json, the CLI's stdout and stderr, the read-only dashboard's pages and API, and
the office server's viewer and analyst read models (map layer, area profiles).  The example's own
survey already holds names and phone numbers (``Yanti Rekaanudin``, ``08125553206``): searched too.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from petarawan.cli import app

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "pangkalpinang"
NAME = "Ratna Kusumawardhani"
NIK = "3171064509870002"  # 16 digits: province 31, kabupaten 71, kecamatan 06, born 05-09-87 (+40: female), 0002
PHONE = "081298765432"
PHONE_INTL = "+62 812-9876-5432"
TYPED = f"{NAME} NIK {NIK} HP {PHONE_INTL}"
EXAMPLE_PII = ("Yanti Rekaanudin", "08125553206")
"""A respondent's name and a phone number already in the example's survey export."""
SECRETS = (NAME, "Kusumawardhani", NIK, PHONE, PHONE_INTL, "812-9876-5432", "81298765432", *EXAMPLE_PII)
PII_COLUMNS = {"nama_petugas": NAME, "nik_petugas": NIK, "hp_petugas": PHONE, "catatan_petugas": TYPED}
"""Extra columns added to every table the example reads."""


def _indicators(study: Path) -> None:
    path = study / "indikator_ILUSTRATIF.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    head = rows[0]
    k = head.index("keterangan")
    for r in rows[1:]:
        r[k] = TYPED
    rows[0] = head + list(PII_COLUMNS)
    for r in rows[1:]:
        r.extend(PII_COLUMNS.values())
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _survey(study: Path) -> int:
    """Text questions of the potential survey, plus a choice field (row 4) and the area code (row 8)."""
    path = study / "survei_potensi_ILUSTRATIF.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))
    head = rows[0]
    text = {"responden/nama_responden": NAME, "responden/no_hp": PHONE, "usaha/minat_usaha_lain": TYPED,
            "catatan": TYPED}
    cols = {c: v for c, v in text.items() if c in head}
    for name in ("no_hp", "catatan", "minat_usaha_lain"):  # wherever the group puts them
        cols |= {c: text.get(c, TYPED) for c in head if c.endswith("/" + name) or c == name}
    assert len(cols) >= 4, cols  # every text question of the form is typed into
    for r in rows[1:]:
        for c, v in cols.items():
            r[head.index(c)] = v
    rows[3][head.index("responden/peran")] = f"{NAME} {PHONE}"
    rows[7][head.index("wilayah/kode_wilayah")] = NIK
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return len(cols)


def _csv_with_pii(text: str, delimiter: str) -> str:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    head = rows[0]
    rows[0] = head + list(PII_COLUMNS)
    for r in rows[1:]:
        r.extend(PII_COLUMNS.values())
    if "peran" in head:
        rows[2][head.index("peran")] = f"{NAME} {PHONE}"  # a choice field
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue()


def _ikrn(study: Path) -> None:
    p1 = study / "ikrn1_ILUSTRATIF.csv"
    p1.write_text(_csv_with_pii(p1.read_text(encoding="utf-8"), ";"), encoding="utf-8")
    p2 = study / "ikrn2_ILUSTRATIF.xlsx"
    wb = openpyxl.load_workbook(p2)
    ws = wb.worksheets[0]
    first = ws.max_column + 1
    for j, (col, value) in enumerate(PII_COLUMNS.items()):
        ws.cell(row=1, column=first + j, value=col)
        for i in range(2, ws.max_row + 1):
            ws.cell(row=i, column=first + j, value=value)
    wb.save(p2)
    p3 = study / "ikrn3_ILUSTRATIF.zip"
    with zipfile.ZipFile(p3) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(p3, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            if n.endswith(".csv"):
                sep = ";" if data.splitlines()[0].count(b";") > data.splitlines()[0].count(b",") else ","
                data = _csv_with_pii(data.decode("utf-8"), sep).encode("utf-8")
            zf.writestr(n, data)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, request):
    import matplotlib.figure
    import matplotlib.text

    tmp = tmp_path_factory.mktemp("pii")
    study = tmp / "study"
    shutil.copytree(EXAMPLE, study, ignore=shutil.ignore_patterns("*.sqlite"))
    toml = study / "petarawan.toml"
    cfg = toml.read_text(encoding="utf-8")
    cfg = cfg.replace("runs = 1000", "runs = 40", 1).replace("permutations = 999", "permutations = 99", 1)
    toml.write_text(cfg, encoding="utf-8")
    _indicators(study)
    n_text = _survey(study)
    _ikrn(study)
    # every string matplotlib is asked to draw, figure by figure
    drawn: list[str] = []
    real = matplotlib.figure.Figure.savefig
    mp = pytest.MonkeyPatch()

    def savefig(fig, *args, **kwargs):
        drawn.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text))
        return real(fig, *args, **kwargs)

    mp.setattr(matplotlib.figure.Figure, "savefig", savefig)
    out = tmp / "out"
    try:
        r = CliRunner().invoke(app, ["run", str(study), "--out", str(out)])
    finally:
        mp.undo()
    return {"study": study, "out": out, "result": r, "drawn": drawn, "n_text": n_text}


def _hits(text: str) -> list[str]:
    """The secrets found in ``text``, and any other 16-digit number standing alone (a NIK; not the
    digits of a decimal fraction or of a hexadecimal digest)."""
    return [s for s in SECRETS if s.lower() in text.lower()] + re.findall(r"(?<![\w.])\d{16}(?![\w.])", text)


def test_the_run_succeeds_and_reads_the_typed_inputs(outputs):
    r = outputs["result"]
    assert r.exit_code == 0, r.output
    man = json.loads((outputs["out"] / "run.json").read_text(encoding="utf-8"))
    assert {"potential", "ikrn", "plan", "uncertainty", "hotspots"} <= set(man["stages"])
    codes = {(f["code"], f.get("row"), f.get("column")) for f in man["findings"]}
    # the typed-in choice and area code are reported, by row and column only
    assert ("survey_unknown_choice", 4, "responden/peran") in codes
    assert ("survey_unknown_area", 8, "wilayah/kode_wilayah") in codes
    assert len(outputs["drawn"]) > 20  # the figures' texts were captured


def test_no_name_nik_or_phone_in_any_output_file(outputs):
    out = outputs["out"]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {"report.html", "run.json", "petarawan.gpkg", "petarawan.xlsx"} <= {p.name for p in files}
    assert any(p.suffix == ".png" for p in files)
    for p in files:
        data = p.read_bytes()
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as zf:
                text = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))
        else:
            text = data.decode("utf-8", errors="replace") + data.decode("utf-16-le", errors="replace")
        assert _hits(text) == [], p.name


def test_no_name_nik_or_phone_in_figures_or_cli_output(outputs):
    assert _hits("\n".join(outputs["drawn"])) == []
    r = outputs["result"]
    streams = r.output + (getattr(r, "stderr", "") or "")
    assert _hits(streams) == []


def test_no_name_nik_or_phone_in_dashboard_or_server_views(outputs):
    from fastapi.testclient import TestClient

    from petarawan.dashboard import create_app
    from petarawan.server.views import LoadedRun, area_profile

    out = outputs["out"]
    client = TestClient(create_app(out), base_url="http://127.0.0.1:8765")
    pages = [client.get(u).text for u in ("/", "/api/run", "/api/areas")]
    codes = [f["properties"]["code"] for f in client.get("/api/areas").json()["features"]]
    pages += [client.get(f"/api/areas/{c}").text for c in codes]
    run = LoadedRun(out)
    pages.append(run.geojson_bytes.decode("utf-8"))
    for c in codes:
        for full in (False, True):
            pages.append(json.dumps(area_profile(run, c, full=full, lang="en"), ensure_ascii=False, default=str))
    assert _hits("\n".join(pages)) == []
