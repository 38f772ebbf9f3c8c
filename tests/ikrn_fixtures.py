"""A small, hand-checkable IKRN round on the 4-area test study (``studyfix``).

Bank: three items.
  q1  Likert 1–5, direction +1, dimension d1, asked by ikrn1, ikrn2, ikrn3
  q2  yes/no,     direction −1, dimension d1, asked by ikrn1
  q3  count, max 4, direction +1, dimension d2, asked by ikrn1, ikrn2

Submissions (area A = 19.71.01.1001 "Alfa", B = 19.71.01.1002 "Bravo"), see ROUND below.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from petarawan.ikrn.bank import parse_bank

A, B, C, D = "19.71.01.1001", "19.71.01.1002", "19.71.01.1003", "19.71.01.1004"

BANK = {
    "title_id": "Uji", "illustrative": True, "version": "t1",
    "dimensions": [{"code": "d1", "label_id": "Satu"}, {"code": "d2", "label_id": "Dua"}],
    "roles": [{"code": "warga", "label_id": "Warga"}, {"code": "kepala_desa", "label_id": "Kepala desa"},
              {"code": "bhabinkamtibmas", "label_id": "Bhabinkamtibmas"}],
    "instruments": [{"code": "ikrn1", "label_id": "IKRN 1", "roles": ["warga"]},
                    {"code": "ikrn2", "label_id": "IKRN 2", "roles": ["kepala_desa"]},
                    {"code": "ikrn3", "label_id": "IKRN 3", "roles": ["bhabinkamtibmas"]}],
    "items": [
        {"code": "q1", "text_id": "Butir satu", "instruments": ["ikrn1", "ikrn2", "ikrn3"], "response": "likert",
         "direction": 1, "dimension": "d1"},
        {"code": "q2", "text_id": "Butir dua", "instruments": ["ikrn1"], "response": "yesno", "direction": -1,
         "dimension": "d1"},
        {"code": "q3", "text_id": "Butir tiga", "instruments": ["ikrn1", "ikrn2"], "response": "count", "max": 4,
         "direction": 1, "dimension": "d2"},
    ],
}


def bank():
    return parse_bank(BANK, "uji.toml")


T0 = "2024-10-14T09:00:00.000+07:00"
T_OK = "2024-10-14T09:10:00.000+07:00"
T_SHORT = "2024-10-14T09:00:03.000+07:00"

# (instrument, uuid, area, role, consent, end, answers {q: text}, geopoint "lat lon" or "")
ROUND = [
    # --- area A, residents
    ("ikrn1", "a1", A, "warga", "ya", T_OK, {"q1": "5", "q2": "tidak", "q3": "2"}, ""),   # 100, 100, 50 → 83.33
    ("ikrn1", "a2", A, "warga", "ya", T_OK, {"q1": "1", "q2": "ya", "q3": "-1"}, ""),     # 0, 0, dk → 0
    ("ikrn1", "a3", A, "warga", "ya", T_OK, {"q1": "3", "q2": "tt", "q3": "9"}, ""),      # 50, dk, 100 → 75
    ("ikrn1", "a4", A, "warga", "ya", T_OK, {"q1": "", "q2": "", "q3": "1"}, ""),         # 1 of 3 items: unscored
    ("ikrn1", "a1", A, "warga", "ya", T_OK, {"q1": "5", "q2": "tidak", "q3": "2"}, ""),   # duplicate of a1
    ("ikrn1", "x1", "19.71.09.9999", "warga", "ya", T_OK, {"q1": "5", "q2": "ya", "q3": "1"}, ""),  # unknown area
    ("ikrn1", "x2", A, "kepala_desa", "ya", T_OK, {"q1": "5", "q2": "ya", "q3": "1"}, ""),  # wrong role
    ("ikrn1", "x3", A, "warga", "ya", T_SHORT, {"q1": "5", "q2": "ya", "q3": "1"}, ""),    # 3 s: too short
    ("ikrn1", "x4", A, "warga", "tidak", T_OK, {"q1": "", "q2": "", "q3": ""}, ""),        # no consent
    # --- area B, residents (2 < minimum 3: no survey score)
    ("ikrn1", "b1", B, "warga", "ya", T_OK, {"q1": "7", "q2": "ya", "q3": "0"}, ""),       # q1 out of scale
    ("ikrn1", "b2", B, "warga", "ya", T_OK, {"q1": "4", "q2": "tidak", "q3": "4"}, ""),
    # --- village heads
    ("ikrn2", "h1", A, "kepala_desa", "ya", T_OK, {"q1": "4", "q3": "0"}, ""),             # 75, 0 → 37.5
    ("ikrn2", "h2", B, "kepala_desa", "ya", T_OK, {"q1": "2", "q3": "4"}, ""),             # 25, 100 → 62.5
    # --- officers
    ("ikrn3", "o1", A, "bhabinkamtibmas", "ya", T_OK, {"q1": "2"}, ""),                    # 25
    ("ikrn3", "o2", A, "bhabinkamtibmas", "ya", T_OK, {"q1": "5"}, ""),                    # 100
]
"""Hand-computed: area A ikrn1 mean (83.333 + 0 + 75) / 3 = 52.778; ikrn2 37.5; ikrn3 62.5;
survey score (52.778 + 37.5 + 62.5) / 3 = 50.926.  Area B: 2 scored residents < 3 → no score."""

GROUP = {"q1": "g_d1", "q2": "g_d1", "q3": "g_d2"}
ITEMS = {"ikrn1": ["q1", "q2", "q3"], "ikrn2": ["q1", "q3"], "ikrn3": ["q1"]}


def kobo_rows(instrument: str, rows=ROUND):
    """Header and rows of a KoboToolbox export ("XML values and headers")."""
    header = ["start", "end", "instrumen", "persetujuan", "kecamatan", "kode_wilayah", "peran", "lokasi"]
    header += [f"{GROUP[q]}/{q}" for q in ITEMS[instrument]] + ["meta/instanceID", "_id", "_uuid", "_index"]
    out = []
    for k, (ins, uid, area, role, consent, end, ans, point) in enumerate((r for r in rows if r[0] == instrument), 1):
        out.append([T0, end, ins, consent, "satu", area, role, point] + [ans.get(q, "") for q in ITEMS[instrument]]
                   + [f"uuid:{uid}", k, uid, k])
    return header, out


def write_kobo_csv(path: Path, instrument: str, rows=ROUND) -> Path:
    header, body = kobo_rows(instrument, rows)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(header)
    w.writerows(body)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def write_odk_zip(path: Path, instrument: str, rows=ROUND) -> Path:
    import zipfile

    header, body = kobo_rows(instrument, rows)
    header = [h.replace("/", "-") for h in header]
    header = ["KEY" if h == "_uuid" else h for h in header]
    buf = io.StringIO()
    csv.writer(buf).writerows([header] + body)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"ikrn_{instrument}.csv", buf.getvalue())
    return path


def write_kobo_xlsx(path: Path, instrument: str, rows=ROUND) -> Path:
    from openpyxl import Workbook

    header, body = kobo_rows(instrument, rows)
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in body:  # Excel stores Likert and count answers as numbers
        ws.append([int(v) if isinstance(v, str) and v.lstrip("-").isdigit() and h != "kode_wilayah" else v
                   for h, v in zip(header, r)])
    wb.save(path)
    return path


IKRN_SECTION = """
[ikrn]
bank = "bank_uji.toml"
quota = { ikrn1 = 4, ikrn2 = 1, ikrn3 = 2 }
min_respondents = { ikrn1 = 3, ikrn2 = 1, ikrn3 = 1 }
bootstrap = 50

[ikrn.returns]
ikrn1 = ["ikrn1.csv"]
ikrn2 = ["ikrn2.xlsx"]
ikrn3 = ["ikrn3.zip"]
"""


def bank_toml() -> str:
    lines = ['title_id = "Uji"', "illustrative = true", 'version = "t1"']
    for d in BANK["dimensions"]:
        lines += ["[[dimensions]]", f'code = "{d["code"]}"', f'label_id = "{d["label_id"]}"']
    for r in BANK["roles"]:
        lines += ["[[roles]]", f'code = "{r["code"]}"', f'label_id = "{r["label_id"]}"']
    for i in BANK["instruments"]:
        lines += ["[[instruments]]", f'code = "{i["code"]}"', f'label_id = "{i["label_id"]}"', f'roles = {i["roles"]!r}'.replace("'", '"')]
    for it in BANK["items"]:
        lines += ["[[items]]"] + [f"{k} = {v!r}".replace("'", '"') if not isinstance(v, int) else f"{k} = {v}"
                                  for k, v in it.items()]
    return "\n".join(lines) + "\n"


def make_round_study(study: Path) -> Path:
    (study / "bank_uji.toml").write_text(bank_toml(), encoding="utf-8")
    write_kobo_csv(study / "ikrn1.csv", "ikrn1")
    write_kobo_xlsx(study / "ikrn2.xlsx", "ikrn2")
    write_odk_zip(study / "ikrn3.zip", "ikrn3")
    with open(study / "petarawan.toml", "a", encoding="utf-8") as f:
        f.write(IKRN_SECTION)
    return study
