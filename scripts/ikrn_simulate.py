"""Simulate ILLUSTRATIVE IKRN exports (vectorised; shared by the example and the national bench).

No IKRN microdata are public.  :func:`simulate_round` draws, for every area a with a latent
proneness L_a ∈ [0, 1], respondents whose perception is θ = L_a + N(0, 0.15); a Likert answer is
round(1 + 4·p + N(0, 0.7)) clipped to 1–5, a yes/no answer is Bernoulli(p), a count is
Poisson(0.6 · max · p), with p = θ for items of direction +1 and 1 − θ otherwise; 4 % of answers
are "tidak tahu" where the item offers it.  Interviews last 4–15 minutes; geopoints are drawn
inside the area by a caller-supplied sampler.

:func:`write_export` writes one instrument as a KoboToolbox CSV (``;``, groups ``/``, ``_uuid``,
geopoint ``lokasi`` + ``_lokasi_latitude`` …), KoboToolbox XLSX, or ODK Central CSV/zip (``,``,
groups ``-``, ``meta-instanceID``/``KEY``, ``lokasi-Latitude`` …).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from petarawan.ikrn.bank import DK_COUNT, DONT_KNOW, INSTRUMENTS, NO, YES, Bank

T0 = pd.Timestamp("2024-10-07T08:00:00+07:00").value // 10**9  # the nationwide round of October 2024


def simulate_round(bank: Bank, codes: np.ndarray, groups: np.ndarray, latent: np.ndarray, counts: np.ndarray,
                   rng: np.random.Generator, points=None) -> dict[str, dict[str, np.ndarray]]:
    """Columns (field name → array of text) of each instrument's submissions.

    Parameters
    ----------
    codes, groups, latent : arrays (n_areas,)
    counts : int array (n_areas, 3) — respondents per area and instrument
    points : callable(area_index array) → (lat, lon) arrays, or None for no geopoint
    """
    out: dict[str, dict[str, np.ndarray]] = {}
    for ins in bank.instruments:
        k = INSTRUMENTS.index(ins.code)
        area = np.repeat(np.arange(len(codes)), counts[:, k])
        n = len(area)
        theta = np.clip(latent[area] + rng.normal(0, 0.15, n), 0, 1)
        cols: dict[str, np.ndarray] = {}
        start = T0 + rng.integers(0, 21 * 86400, n)
        end = start + rng.integers(240, 900, n)
        cols["start"] = _iso(start)
        cols["end"] = _iso(end)
        cols["instrumen"] = np.full(n, ins.code, dtype=object)
        cols["persetujuan"] = np.full(n, YES, dtype=object)
        cols["kecamatan"] = groups[area].astype(object)
        cols["kode_wilayah"] = codes[area].astype(object)
        roles = np.array(ins.roles, dtype=object)
        cols["peran"] = roles[rng.integers(0, len(roles), n)] if len(roles) > 1 else np.full(n, roles[0], dtype=object)
        if points is not None:
            lat, lon = points(area)
            lat, lon = np.round(lat, 6), np.round(lon, 6)
            cols["lokasi"] = np.char.add(np.char.add(np.round(lat, 6).astype(str), " "), np.round(lon, 6).astype(str)).astype(object)
            cols["_lat"], cols["_lon"] = lat, lon
        for it in bank.items_of(ins.code):
            p = theta if it.direction == 1 else 1 - theta
            dk = it.dont_know & (rng.random(n) < 0.04)
            if it.response == "likert":
                v = np.clip(np.rint(1 + 4 * p + rng.normal(0, 0.7, n)), 1, 5).astype(int)
                txt = np.array(["", "1", "2", "3", "4", "5"], dtype=object)[v]
                txt[dk] = DONT_KNOW
            elif it.response == "yesno":
                txt = np.where(rng.random(n) < p, YES, NO).astype(object)
                txt[dk] = DONT_KNOW
            else:
                txt = rng.poisson(0.6 * it.max * p).astype(str).astype(object)
                txt[dk] = str(DK_COUNT)
            cols[f"g_{it.dimension}/{it.code}"] = txt
        cols["_uuid"] = np.array([f"{a:016x}-{b:016x}" for a, b in rng.integers(0, 2**62, (n, 2))], dtype=object)
        cols["_area"] = area
        out[ins.code] = cols
    return out


def _iso(secs: np.ndarray) -> np.ndarray:
    ts = pd.to_datetime(secs, unit="s", utc=True).tz_convert("Asia/Jakarta")
    return np.asarray(ts.strftime("%Y-%m-%dT%H:%M:%S.000+07:00"), dtype=object)


def export_frame(cols: dict[str, np.ndarray], style: str) -> pd.DataFrame:
    """An export's columns in KoboToolbox (``kobo``) or ODK Central (``odk``) layout."""
    n = len(cols["start"])
    out: dict[str, np.ndarray] = {}
    has_point = "lokasi" in cols
    if style == "odk":
        out["SubmissionDate"] = cols["end"]
    for f in ("start", "end", "instrumen", "persetujuan", "kecamatan", "kode_wilayah", "peran"):
        out[f] = cols[f]
    if has_point:
        if style == "kobo":
            out["lokasi"] = np.where(pd.isna(cols["_lat"]), "", cols["lokasi"] + " 0 15").astype(object)
            out["_lokasi_latitude"] = cols["_lat"]
            out["_lokasi_longitude"] = cols["_lon"]
            out["_lokasi_altitude"] = np.where(pd.isna(cols["_lat"]), np.nan, 0.0)
            out["_lokasi_precision"] = np.where(pd.isna(cols["_lat"]), np.nan, 15.0)
        else:
            out["lokasi-Latitude"] = cols["_lat"]
            out["lokasi-Longitude"] = cols["_lon"]
            out["lokasi-Altitude"] = np.where(pd.isna(cols["_lat"]), np.nan, 0.0)
            out["lokasi-Accuracy"] = np.where(pd.isna(cols["_lat"]), np.nan, 15.0)
    for c, v in cols.items():
        if "/" in c:
            out[c if style == "kobo" else c.replace("/", "-")] = v
    if style == "kobo":
        out["meta/instanceID"] = np.char.add("uuid:", cols["_uuid"].astype(str)).astype(object)
        out["_id"] = np.arange(1, n + 1)
        out["_uuid"] = cols["_uuid"]
        out["_submission_time"] = cols["end"]
        out["_index"] = np.arange(1, n + 1)
    else:
        out["meta-instanceID"] = np.char.add("uuid:", cols["_uuid"].astype(str)).astype(object)
        out["KEY"] = out["meta-instanceID"]
        out["SubmitterID"] = np.full(n, "7", dtype=object)
        out["SubmitterName"] = np.full(n, "petugas", dtype=object)
        out["ReviewState"] = np.full(n, "", dtype=object)
    return pd.DataFrame(out)


def write_export(cols: dict[str, np.ndarray], path: Path, style: str, *, form_id: str = "ikrn") -> Path:
    """Write one instrument's export: ``kobo`` CSV/XLSX (by suffix) or ``odk`` CSV/zip."""
    df = export_frame(cols, "odk" if style == "odk" else "kobo")
    path = Path(path)
    if path.suffix == ".xlsx":
        df.to_excel(path, index=False, sheet_name=form_id[:31])
    elif path.suffix == ".zip":
        buf = io.StringIO()
        df.to_csv(buf, index=False)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(f"{form_id}.csv", buf.getvalue())
    else:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        tb = pa.Table.from_pandas(df.astype({c: object for c in df.columns if df[c].dtype == object}), preserve_index=False)
        # ODK Central quotes only what needs it; simulated cells never contain a separator or quote
        pacsv.write_csv(tb, str(path), write_options=pacsv.WriteOptions(delimiter=";" if style == "kobo" else ",",
                                                                        quoting_style="none" if style == "odk" else "needed"))
    return path
