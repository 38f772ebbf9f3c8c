"""Generate the ILLUSTRATIVE community-potential survey export of the Pangkalpinang example.

No public survey data exist for Pangkalpinang.  This script writes a reproducible, seeded
KoboToolbox CSV export ("XML values and headers", ``;`` separator, groups joined by ``/``,
select_multiple as space-separated values plus ``question/option`` 0/1 columns) of the shipped
form ``forms/potensi_masyarakat.xlsx`` for the 42 real kelurahan codes of Kota Pangkalpinang.

Skews (invented, plausible): more affected households in the 18 kelurahan of the 2025 red-zone
report (Bukit Intan, Pangkal Balam, Gerunggang); fish farming and sea products in the coastal
kecamatan; leaders more willing to serve as facilitators than residents.

Dirty rows, on purpose, so the reader's checks are exercised: unknown area codes, duplicated
submissions (same ``_uuid``), unknown choice values, a refused consent, codes typed without dots,
and FAKE identifiers (names, phone numbers, a free-text note naming someone) that petarawan must
drop at ingest.  Every name and number here is invented.

Usage::

    python scripts/make_survey_example.py [--seed 2026] [--out examples/pangkalpinang/survei_potensi_ILUSTRATIF.csv]
"""

from __future__ import annotations

import argparse
import csv
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from petarawan.potential.survey import read_form  # noqa: E402

FORM = ROOT / "forms" / "potensi_masyarakat.xlsx"
OUT = ROOT / "examples" / "pangkalpinang" / "survei_potensi_ILUSTRATIF.csv"
GEOJSON = ROOT / "examples" / "pangkalpinang" / "kelurahan.geojson"

FAKE_FIRST = ["Rahmat", "Siti", "Agus", "Dewi", "Budi", "Yanti", "Hendra", "Nurul", "Eko", "Wulan", "Joko", "Rina"]
FAKE_LAST = ["Contohputra", "Fiktifwati", "Samaransyah", "Karanganto", "Tiruanita", "Rekaanudin"]
COASTAL = {"Pangkal Balam", "Gabek", "Rangkui", "Gerunggang"}


def _weights(names: list[str], base: dict[str, float]) -> np.ndarray:
    w = np.array([base.get(n, 1.0) for n in names], dtype=float)
    return w / w.sum()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Illustrative KoboToolbox export of the potential survey")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    form = read_form(FORM)
    import geopandas as gpd

    g = gpd.read_file(GEOJSON)
    red_kec = {"Bukit Intan", "Pangkal Balam", "Gerunggang"}
    areas = [(r.kode, r.nama_kec) for r in g.itertuples()]
    areas.sort()

    q = form.questions
    header: list[str] = []
    order: list[tuple[str, str | None]] = []  # (question, option)
    for name, qq in q.items():
        if qq.type in ("start", "end"):
            header.append(name)
            order.append((name, None))
            continue
        if qq.type in ("note",):
            continue
        path = "/".join(qq.path + (name,))
        header.append(path)
        order.append((name, None))
        if qq.type == "select_multiple":
            for o in form.options(name):
                header.append(f"{path}/{o}")
                order.append((name, o))
    meta = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
            "__version__", "_tags", "_index"]
    header += meta

    roles = form.options("peran")
    usaha = [o for o in form.options("minat_usaha") if o not in ("tidak_ada",)]
    skills = [o for o in form.options("keterampilan") if o != "tidak_ada"]
    sda = [o for o in form.options("sda") if o != "tidak_ada"]
    pasar = [o for o in form.options("akses_pasar") if o != "tidak_ada"]
    skill_for = {"kuliner": "memasak", "menjahit": "menjahit", "kerajinan": "kerajinan_tangan", "perbengkelan": "otomotif",
                 "budidaya_ikan": "budidaya_perikanan", "pertanian_hidroponik": "bertani", "jasa_digital": "komputer_digital",
                 "salon_tata_rias": "tata_rias"}

    rows: list[dict[str, str]] = []
    start0 = datetime(2026, 3, 2, 8, 0)
    for i, (code, kec) in enumerate(areas):
        red = kec in red_kec
        coastal = kec in COASTAL
        n = int(rng.integers(7, 19))
        if i in (5, 23):   # two thinly surveyed areas: below the 5-respondent minimum
            n = 3
        p_exposed = rng.beta(3, 17) if red else rng.beta(1.2, 22)
        base_int = {"kuliner": 3.0, "menjahit": 1.5, "kerajinan": 1.0, "perbengkelan": 1.4, "budidaya_ikan": 2.5 if coastal else 0.4,
                    "pertanian_hidroponik": 1.0, "jasa_digital": 1.6, "salon_tata_rias": 1.2, "laundry": 0.7, "warung": 1.3,
                    "lainnya": 0.2}
        local = rng.gamma(2.0, 0.5, len(usaha))  # area-specific taste
        w_int = _weights(usaha, base_int) * local
        w_int /= w_int.sum()
        p_fac_leader, p_fac_warga = rng.uniform(0.4, 0.8), rng.uniform(0.05, 0.2)
        for j in range(n):
            t0 = start0 + timedelta(days=int(rng.integers(0, 21)), minutes=int(rng.integers(0, 600)))
            rec: dict[tuple[str, str | None], str] = {}
            rec[("start", None)] = t0.strftime("%Y-%m-%dT%H:%M:%S.000+07:00")
            rec[("end", None)] = (t0 + timedelta(minutes=int(rng.integers(8, 25)))).strftime("%Y-%m-%dT%H:%M:%S.000+07:00")
            consent = "ya" if not (i == 10 and j == 0) else "tidak"
            rec[("persetujuan", None)] = consent
            if consent == "ya":
                c = code if rng.random() > 0.08 else code.replace(".", "")  # some codes typed without dots
                rec[("kode_wilayah", None)] = c
                rec[("nama_responden", None)] = f"{rng.choice(FAKE_FIRST)} {rng.choice(FAKE_LAST)}" if rng.random() < 0.6 else ""
                role = str(rng.choice(roles, p=_weights(roles, {"warga": 14, "tokoh_masyarakat": 1.6, "tokoh_agama": 1.2,
                                                                  "tokoh_pemuda": 1.6, "perangkat_kelurahan": 1.0, "aparat": 0.6})))
                rec[("peran", None)] = role
                rec[("kelompok_usia", None)] = str(rng.choice(form.options("kelompok_usia"), p=[0.2, 0.25, 0.24, 0.22, 0.09]))
                rec[("jenis_kelamin", None)] = str(rng.choice(["l", "p"]))
                rec[("jumlah_art", None)] = str(int(rng.integers(1, 8)))
                u = rng.random()
                rec[("rt_terpapar", None)] = "tidak_menjawab" if u < 0.1 else ("ya" if rng.random() < p_exposed else "tidak")
                rec[("minat_pelatihan", None)] = str(rng.choice(["ya", "mungkin", "tidak"], p=[0.55, 0.25, 0.2]))
                k = int(rng.choice([0, 1, 2, 3], p=[0.08, 0.5, 0.3, 0.12]))
                chosen = sorted(rng.choice(usaha, size=k, replace=False, p=w_int)) if k else ["tidak_ada"]
                rec[("minat_usaha", None)] = " ".join(chosen)
                if "lainnya" in chosen:
                    rec[("minat_usaha_lain", None)] = "jual pempek keliling"
                sk = {skill_for[c] for c in chosen if c in skill_for and rng.random() < 0.5}
                sk |= {s for s in skills if rng.random() < 0.08}
                rec[("keterampilan", None)] = " ".join(sorted(sk)) or "tidak_ada"
                has_biz = rng.random() < 0.3
                rec[("punya_usaha", None)] = "ya" if has_biz else "tidak"
                if has_biz:
                    rec[("usaha_dimiliki", None)] = str(rng.choice(usaha[:-1]))
                res = {s for s in sda if rng.random() < (0.3 if (coastal and s in ("kolam_perairan", "hasil_laut")) else 0.12)}
                rec[("sda", None)] = " ".join(sorted(res)) or "tidak_ada"
                mk = {m for m in pasar if rng.random() < 0.3}
                rec[("akses_pasar", None)] = " ".join(sorted(mk)) or "tidak_ada"
                willing = rng.random() < (p_fac_warga if role == "warga" else p_fac_leader)
                rec[("bersedia_pendamping", None)] = "ya" if willing else str(rng.choice(["mungkin", "tidak"]))
                if willing:
                    rec[("no_hp", None)] = f"0812{int(rng.integers(5550000, 5559999)):07d}"
                if rng.random() < 0.05:
                    rec[("catatan", None)] = f"Bu {rng.choice(FAKE_FIRST)} {rng.choice(FAKE_LAST)}, rumah dekat masjid"
            rows.append(_flatten(rec, order, form))
    # dirty rows ----------------------------------------------------------------------------
    rng2 = np.random.default_rng(args.seed + 1)
    base = rows[3]
    for bad in ("19.71.09.1001", "1971019999", "19.71.02.1099"):   # codes that are not kelurahan of the study
        r = dict(base)
        r["wilayah/kode_wilayah"] = bad
        rows.append(r)
    r = dict(rows[40])
    r["responden/peran"] = "ketua_rt"                      # not a choice of list 'peran'
    rows[40] = r
    r = dict(rows[77])
    r["usaha/minat_usaha"] = r["usaha/minat_usaha"] + " budidaya ikan"   # a label typed instead of the choice name
    rows[77] = r
    # assign ids, then duplicate two submissions (same _uuid: re-sent from the device)
    for k, r in enumerate(rows, start=1):
        r["_id"] = str(41000000 + k)
        r["_uuid"] = str(uuid.UUID(int=int(rng2.integers(0, 2**63)) << 64 | k))
        r["_submission_time"] = r["end"][:19] if r["end"] else ""
        r["_status"] = "submitted_via_web"
        r["_submitted_by"] = "enumerator_bnnk01"
        r["__version__"] = "vPtsWfi3ZXSp2Mp8ad4cJ8"
    for k in (12, 200):
        dup = dict(rows[k])
        dup["_id"] = str(int(dup["_id"]) + 500000)
        rows.append(dup)
    order_idx = rng2.permutation(len(rows))
    rows = [rows[k] for k in order_idx]
    for k, r in enumerate(rows, start=1):
        r["_index"] = str(k)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, delimiter=";", quoting=csv.QUOTE_MINIMAL, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({h: r.get(h, "") for h in header})
    print(f"{args.out}: {len(rows)} submissions (ILUSTRATIF)")


def _flatten(rec: dict[tuple[str, str | None], str], order: list[tuple[str, str | None]], form) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, opt in order:
        qq = form.questions[name]
        path = name if qq.type in ("start", "end") else "/".join(qq.path + (name,))
        if opt is None:
            out[path] = rec.get((name, None), "")
        else:
            v = rec.get((name, None), "")
            out[f"{path}/{opt}"] = "" if v == "" else ("1" if opt in v.split() else "0")
    return out


if __name__ == "__main__":
    main()
