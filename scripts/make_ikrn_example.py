"""Generate the ILLUSTRATIVE IKRN round of the Pangkalpinang example (42 kelurahan).

No IKRN microdata are public: every answer here is simulated (``scripts/ikrn_simulate.py``,
seeded), from the shipped ILLUSTRATIVE question bank (BNN's items are not public).  Latent
proneness follows the example's other illustrative data: higher in the three kecamatan of the
2025 red-zone report, highest in Pasir Putih.

Realistic faults, on purpose, so that the round's checks are exercised and visible:

- one kelurahan with no returns at all, several below quota (residents, village head, officers),
  one with too few residents for a survey score;
- duplicated submissions (same instance ID), submissions with an unknown area code, geopoints
  far outside their kelurahan, a village head who filled the residents' form, implausibly short
  interviews, straight-lining, out-of-scale answers (an edited CSV), refused consent.

Files: ``ikrn1_ILUSTRATIF.csv`` (KoboToolbox CSV), ``ikrn2_ILUSTRATIF.xlsx`` (KoboToolbox XLSX),
``ikrn3_ILUSTRATIF.zip`` (ODK Central zip), and the three XLSForms in ``formulir_ikrn/``.

Usage::

    python scripts/make_ikrn_example.py [--seed 2024]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from ikrn_simulate import simulate_round, write_export  # noqa: E402
from petarawan.codes import normalise_code  # noqa: E402
from petarawan.ikrn.bank import default_bank, INSTRUMENTS  # noqa: E402
from petarawan.ikrn.form import build_forms  # noqa: E402

EX = ROOT / "examples" / "pangkalpinang"
RED = {"Bukit Intan", "Pangkal Balam", "Gerunggang"}


def main(argv: list[str] | None = None) -> None:
    import geopandas as gpd
    import shapely

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    g = gpd.read_file(EX / "kelurahan.geojson").sort_values("kode").reset_index(drop=True)
    codes = np.array([normalise_code(c) for c in g["kode"]], dtype=object)
    groups = np.array(g["nama_kec"], dtype=object)
    names = list(g["nama"])
    n = len(g)
    latent = np.clip(0.3 + 0.25 * np.isin(groups, list(RED)) + rng.normal(0, 0.1, n), 0.05, 0.95)
    latent[names.index("Pasir Putih")] = 0.9
    bank = default_bank()
    quota = np.array([30, 1, 2])
    counts = np.tile(quota, (n, 1)) + np.column_stack([rng.integers(0, 5, n), np.zeros(n, int), np.zeros(n, int)])
    order = rng.permutation(n)
    none_area, few_area, below = order[0], order[1], order[2:8]
    counts[none_area] = 0                                  # no returns at all
    counts[few_area] = [6, 1, 1]                           # too few residents for a survey score
    counts[below, 0] = rng.integers(12, 28, len(below))    # residents below quota
    counts[order[8:11], 1] = 0                             # village head has not answered
    counts[order[10:14], 2] = 1                            # one officer only

    lonlat = g.to_crs(4326)

    def points(area: np.ndarray):
        lat = np.full(len(area), np.nan)
        lon = np.full(len(area), np.nan)
        for a in np.unique(area):
            idx = np.flatnonzero(area == a)
            geom = lonlat.geometry.iloc[a]
            minx, miny, maxx, maxy = geom.bounds
            got = []
            while len(got) < len(idx):
                x, y = rng.uniform(minx, maxx, 64), rng.uniform(miny, maxy, 64)
                inside = shapely.contains_xy(geom, x, y)
                got += list(zip(y[inside], x[inside]))
            lat[idx] = [p[0] for p in got[: len(idx)]]
            lon[idx] = [p[1] for p in got[: len(idx)]]
        share = rng.random(len(area)) < 0.7            # the geopoint is optional: 70 % give it
        lat[~share], lon[~share] = np.nan, np.nan
        return lat, lon

    sim = simulate_round(bank, codes, groups, latent, counts, rng, points)
    inject_faults(sim, bank, codes, rng, names)
    EX.mkdir(parents=True, exist_ok=True)
    write_export(sim["ikrn1"], EX / "ikrn1_ILUSTRATIF.csv", "kobo")
    write_export(sim["ikrn2"], EX / "ikrn2_ILUSTRATIF.xlsx", "kobo", form_id="ikrn2")
    write_export(sim["ikrn3"], EX / "ikrn3_ILUSTRATIF.zip", "odk", form_id="ikrn_ikrn3")
    build_forms(bank, zip(codes, names, groups), EX / "formulir_ikrn", title="Kota Pangkalpinang")
    for k in INSTRUMENTS:
        print(k, len(sim[k]["start"]), "rows")
    print("no returns:", names[none_area], "| too few residents:", names[few_area],
          "| residents below quota:", ", ".join(names[i] for i in below))


def _copy_row(cols: dict, i: int) -> None:
    for c, v in cols.items():
        cols[c] = np.append(v, v[i:i + 1]) if not isinstance(v, np.ndarray) or v.dtype != object \
            else np.concatenate([v, v[i:i + 1]])


def inject_faults(sim: dict, bank, codes, rng, names) -> None:
    c1 = sim["ikrn1"]
    n1 = len(c1["start"])
    pick = rng.choice(n1, 24, replace=False)
    # duplicated submissions (a phone sent twice): same instance ID
    for i in pick[:4]:
        _copy_row(c1, int(i))
    _copy_row(sim["ikrn3"], 0)
    # unknown area codes
    for i in pick[4:6]:
        c1["kode_wilayah"][i] = "19.71.09.9999"
    # geopoints far outside their kelurahan (filled at the kecamatan office across town, or a wrong fix)
    has_point = np.flatnonzero(np.isfinite(c1["_lat"].astype(float)))
    for i in rng.choice(has_point, 3, replace=False):
        c1["_lat"][i] = c1["_lat"][i] + 0.06
        c1["lokasi"][i] = f"{c1['_lat'][i]:.6f} {c1['_lon'][i]:.6f}"
    # a village head who filled the residents' form
    c1["peran"][pick[6]] = "kepala_desa"
    # implausibly short interviews
    for i in pick[7:10]:
        c1["end"][i] = c1["start"][i][:17] + "59" + c1["start"][i][19:] if c1["start"][i][17:19] != "59" else c1["start"][i]
    # straight-lining: every Likert answer '3'
    likert = [f"g_{it.dimension}/{it.code}" for it in bank.items_of("ikrn1") if it.response == "likert"]
    for i in pick[10:12]:
        for c in likert:
            c1[c][i] = "3"
    # out-of-scale answers (an edited CSV)
    c1[likert[0]][pick[12]] = "7"
    c1[likert[3]][pick[13]] = "0"
    # refused consent: no answers
    i = pick[14]
    c1["persetujuan"][i] = "tidak"
    for c in list(c1):
        if "/" in c:
            c1[c][i] = ""


if __name__ == "__main__":
    main()
