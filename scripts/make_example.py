"""Build examples/pangkalpinang/ reproducibly.

Boundaries and codes are real (cahyadsn/wilayah_boundaries, MIT; see the example's README).
Kelurahan-level drug data are NOT public, so every indicator value written here is
ILLUSTRATIVE: drawn from a seeded model in which a latent proneness is higher in the three
kecamatan that BNN Kota Pangkalpinang named as red zones in 2025 (Bukit Intan, Pangkal Balam,
Gerunggang) and highest in Kelurahan Pasir Putih, mirroring BNN's published 2021 finding.
The real 2025 red-zone flag is copied as a column so reports can compare.

Run:  python scripts/make_example.py   (needs only the Python standard library + numpy)
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "pangkalpinang"
OUT = ROOT / "examples" / "pangkalpinang"
SEED = 20211
TOTAL_POPULATION = 242_285  # Kota Pangkalpinang, Dukcapil December 2024 (shared/data/indonesia-codes)

sys.path.insert(0, str(ROOT / "src"))
from petarawan.template import FRAMEWORK, render_config  # noqa: E402


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHARED / "pangkalpinang_kelurahan.geojson", OUT / "kelurahan.geojson")
    shutil.copy(SHARED / "LICENSE-wilayah_boundaries", OUT / "LICENSE-wilayah_boundaries")
    with open(SHARED / "pangkalpinang_kelurahan.csv", encoding="utf-8") as f:
        areas = list(csv.DictReader(f))
    rng = np.random.default_rng(SEED)
    n = len(areas)
    red = np.array([int(a["bnnk_zona_merah_2025"]) for a in areas])
    km2 = np.array([float(a["area_km2_approx"]) for a in areas])
    # latent proneness in [0, 1]: red-zone kecamatan higher, Pasir Putih highest
    latent = np.clip(0.25 + 0.3 * red + rng.normal(0, 0.12, n), 0.02, 0.9)
    latent[[i for i, a in enumerate(areas) if a["nama"] == "Pasir Putih"][0]] = 1.0
    dens = rng.lognormal(np.log(3000), 0.6, n) * (1 + 0.5 * latent)
    pop = dens * km2
    pop = np.round(pop / pop.sum() * TOTAL_POPULATION).astype(int)

    def pois(mean):
        return rng.poisson(np.maximum(mean, 0))

    per10k = pop / 10_000
    values = {
        "kasus_narkoba": pois(0.2 + 6 * latent ** 2 * per10k / per10k.mean()),
        "bandar": pois(2.5 * latent ** 3),
        "produksi": (rng.random(n) < 0.08 * latent).astype(int),
        "barang_bukti": np.round(rng.gamma(1.2, 30, n) * (rng.random(n) < 0.3 + 0.6 * latent), 1),
        "jalur_masuk": (rng.random(n) < 0.05 + 0.45 * latent * red).astype(int),
        "kurir": pois(1.8 * latent ** 2),
        "pengguna": pois(1 + 18 * latent ** 1.5 * per10k / per10k.mean()),
        "kriminalitas": np.round(rng.gamma(4, 3 + 5 * latent), 1),
        "rehabilitasi": pois(0.5 + 5 * latent),
        "tempat_hiburan": pois(2.2 * latent ** 2),
        "kos_privasi": pois(4 + 30 * latent),
        "kemiskinan": np.round(np.clip(rng.normal(4 + 6 * latent, 1.5), 0.5, None), 2),
        "fasilitas_publik": np.round(np.clip(rng.normal(5 - 3 * latent, 0.8), 0.2, None), 2),
        "kegiatan_sosial": np.round(np.clip(rng.normal(5 - 3 * latent, 1.0), 0, None), 1),
        "kepadatan": np.round(pop / km2, 0),
        "pengangguran": np.round(np.clip(rng.normal(5 + 4 * latent, 1.2), 1, None), 2),
        "putus_sekolah": pois(3 + 12 * latent),
    }
    assert set(values) == {i.code for i in FRAMEWORK}
    with open(OUT / "indikator_ILUSTRATIF.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["kode", "nama", "tahun", "penduduk_ilustratif"] + [i.code for i in FRAMEWORK]
                   + ["bnnk_zona_merah_2025", "keterangan"])
        for k, a in enumerate(areas):
            row = [a["kode"], a["nama"], 2025, int(pop[k])]
            for i in FRAMEWORK:
                v = values[i.code][k]
                # decimal comma for rates, as Indonesian spreadsheets write them
                row.append(str(v).replace(".", ",") if isinstance(v, (float, np.floating)) else int(v))
            row += [a["bnnk_zona_merah_2025"], "ILUSTRATIF: nilai indikator bukan data sebenarnya"]
            w.writerow(row)
    (OUT / "petarawan.toml").write_text(render_config(
        name="Kota Pangkalpinang", areas_file="kelurahan.geojson", data_file="indikator_ILUSTRATIF.csv",
        data_date="2025 (ilustratif)", illustrative=True, group_column="nama_kec",
        reference_column="bnnk_zona_merah_2025", population_column="penduduk_ilustratif",
        reference_source="Kepala BNN Kota Pangkalpinang, dikutip ANTARA Babel (2025)", reference_date="2025",
        classification="count_rule") + "\n" + (ROOT / "scripts" / "pangkalpinang_stages.toml").read_text(encoding="utf-8"),
        encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
