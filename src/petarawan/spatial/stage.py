"""Pipeline stage ``hotspots`` (pre-index): counts → rates → Moran / LISA / Gi* → emerging hot
spots → kernel density, returned as a :class:`~petarawan.stages.StageResult`.

:func:`analyse_hotspots` is the pure core (frames in, :class:`HotspotAnalysis` out);
:func:`load_counts` does the reading; :func:`run_hotspots` connects both to the pipeline and
builds the layers, maps, sheets, report sections and manifest.

Its ``indicators`` (usable by ``[[indicators]]`` entries with ``stage = "hotspots"``), for
``variable = v``: ``count_v``, ``rate_v``, ``eb_rate_v`` (with population), ``gi_z_v``,
``gi_bin_v``, ``lisa_i_v``, and ``v`` itself (the analysed value) when the counts come from
``[hotspots.counts]`` or ``[hotspots.incidents]``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from ..codes import normalise_code
from ..errors import Finding, InputError
from ..i18n import register, t
from ..io.readers import NumberError, parse_number, read_table, resolve, sha256
from ..stages import ReportSection, Stage, StageResult, StudyContext
from .checks import cap_rows
from .config import HotspotConfig
from .density import DensityResult, kernel_density
from .emerging import PATTERNS, EmergingResult, emerging_hotspots
from .hotspots import (
    GiStarResult,
    GlobalMoranResult,
    LocalMoranResult,
    gi_star,
    global_moran,
    local_moran,
    resolution_findings,
    small_n_findings,
)
from .incidents import Incidents, assign_points, count_by_area, missing_column, period_label, read_incidents
from ..style import GI_COLOURS, LISA_COLOURS, TREND_COLOURS
from .maps import category_map, density_map
from .rates import RateResult, compute_rates
from .weights import WeightsResult, build_weights

PERIOD_NAME = re.compile(r"^\d{4}(Q[1-4]|-\d{2})?$")

register({
    "stage.hotspots": {"id": "hot spot", "en": "hot spots"},
    "hs.gi.title": {"id": "Hot spot Getis–Ord Gi*: {v}", "en": "Getis–Ord Gi* hot spots: {v}"},
    "hs.lisa.title": {"id": "Klaster Local Moran (LISA): {v}", "en": "Local Moran (LISA) clusters: {v}"},
    "hs.trend.title": {"id": "Hot spot berkembang (tren ruang-waktu): {v}", "en": "Emerging hot spots (space-time trends): {v}"},
    "hs.density.title": {"id": "Kepadatan kernel kejadian: {v}", "en": "Kernel density of incidents: {v}"},
    "hs.density.legend": {"id": "kejadian per km²", "en": "incidents per km²"},
    "hs.gi.3": {"id": "Hot spot, kepercayaan 99%", "en": "Hot spot, 99% confidence"},
    "hs.gi.2": {"id": "Hot spot, kepercayaan 95%", "en": "Hot spot, 95% confidence"},
    "hs.gi.1": {"id": "Hot spot, kepercayaan 90%", "en": "Hot spot, 90% confidence"},
    "hs.gi.0": {"id": "Tidak signifikan", "en": "Not significant"},
    "hs.gi.-1": {"id": "Cold spot, kepercayaan 90%", "en": "Cold spot, 90% confidence"},
    "hs.gi.-2": {"id": "Cold spot, kepercayaan 95%", "en": "Cold spot, 95% confidence"},
    "hs.gi.-3": {"id": "Cold spot, kepercayaan 99%", "en": "Cold spot, 99% confidence"},
    "hs.lisa.HH": {"id": "Tinggi–Tinggi (HH)", "en": "High–High (HH)"},
    "hs.lisa.LL": {"id": "Rendah–Rendah (LL)", "en": "Low–Low (LL)"},
    "hs.lisa.LH": {"id": "Rendah–Tinggi (LH)", "en": "Low–High (LH)"},
    "hs.lisa.HL": {"id": "Tinggi–Rendah (HL)", "en": "High–Low (HL)"},
    "hs.lisa.ns": {"id": "Tidak signifikan", "en": "Not significant"},
    "hs.no_data": {"id": "tanpa data", "en": "no data"},
    "pattern.new_hot": {"id": "Hot spot baru", "en": "New hot spot"},
    "pattern.consecutive_hot": {"id": "Hot spot beruntun", "en": "Consecutive hot spot"},
    "pattern.intensifying_hot": {"id": "Hot spot menguat", "en": "Intensifying hot spot"},
    "pattern.persistent_hot": {"id": "Hot spot menetap", "en": "Persistent hot spot"},
    "pattern.diminishing_hot": {"id": "Hot spot melemah", "en": "Diminishing hot spot"},
    "pattern.sporadic_hot": {"id": "Hot spot sporadis", "en": "Sporadic hot spot"},
    "pattern.oscillating_hot": {"id": "Hot spot berosilasi", "en": "Oscillating hot spot"},
    "pattern.historical_hot": {"id": "Hot spot historis", "en": "Historical hot spot"},
    "pattern.new_cold": {"id": "Cold spot baru", "en": "New cold spot"},
    "pattern.consecutive_cold": {"id": "Cold spot beruntun", "en": "Consecutive cold spot"},
    "pattern.intensifying_cold": {"id": "Cold spot menguat", "en": "Intensifying cold spot"},
    "pattern.persistent_cold": {"id": "Cold spot menetap", "en": "Persistent cold spot"},
    "pattern.diminishing_cold": {"id": "Cold spot melemah", "en": "Diminishing cold spot"},
    "pattern.sporadic_cold": {"id": "Cold spot sporadis", "en": "Sporadic cold spot"},
    "pattern.oscillating_cold": {"id": "Cold spot berosilasi", "en": "Oscillating cold spot"},
    "pattern.historical_cold": {"id": "Cold spot historis", "en": "Historical cold spot"},
    "pattern.no_pattern": {"id": "Tidak ada pola", "en": "No pattern detected"},
    "hs.note": {"id": "Bobot {w}; {perm} permutasi, seed {seed}; p {inf}; FDR {fdr}; α = {alpha}. Tanpa peta dasar.",
                "en": "{w} weights; {perm} permutations, seed {seed}; {inf} p-values; FDR {fdr}; α = {alpha}. No basemap."},
    "hs.inference.permutation": {"id": "permutasi", "en": "permutation"},
    "hs.inference.analytical": {"id": "pendekatan normal", "en": "normal-approximation"},
    "hs.section.title": {"id": "Hot spot dan klaster spasial", "en": "Hot spots and spatial clusters"},
    "hs.section.moran": {
        "id": "Moran's I global untuk <b>{v}</b> ({period}, {n} wilayah, bobot {w}) = <b>{i}</b> "
              "(E[I] = {ei}; z = {z}; p permutasi = {p}). {verdict}",
        "en": "Global Moran's I of <b>{v}</b> ({period}, {n} areas, {w} weights) = <b>{i}</b> "
              "(E[I] = {ei}; z = {z}; permutation p = {p}). {verdict}"},
    "hs.verdict.clustered": {"id": "Nilai tinggi dan rendah mengelompok secara spasial.",
                             "en": "High and low values cluster in space."},
    "hs.verdict.random": {"id": "Tidak ada bukti pengelompokan spasial.", "en": "No evidence of spatial clustering."},
    "hs.verdict.dispersed": {"id": "Nilai cenderung tersebar (tetangga berbeda).", "en": "Values tend to be dispersed."},
    "hs.section.counts": {"id": "Gi*: {hot} wilayah hot spot dan {cold} wilayah cold spot (90% atau lebih); "
                                "Local Moran: {hh} HH, {ll} LL, {lh} LH, {hl} HL.",
                          "en": "Gi*: {hot} hot-spot and {cold} cold-spot areas (90% or more); "
                                "Local Moran: {hh} HH, {ll} LL, {lh} LH, {hl} HL."},
    "hs.section.top": {"id": "Wilayah dengan Gi* z tertinggi", "en": "Areas with the highest Gi* z"},
    "hs.section.caveat": {
        "id": "Hot spot menunjukkan pengelompokan nilai, bukan sebab. Label wilayah dapat menstigma warganya; "
              "publikasikan secara agregat dan sebutkan metodenya.",
        "en": "Hot spots show clustering of values, not causes. Area labels can stigmatise residents; publish "
              "aggregates and state the method."},
    "hs.trend.section": {"id": "Hot spot berkembang (tren ruang-waktu)", "en": "Emerging hot spots (space-time trends)"},
    "hs.trend.text": {
        "id": "Gi* dihitung per periode ({periods}); tren Mann–Kendall pada skor z tiap wilayah; pola mengikuti "
              "definisi Emerging Hot Spot Analysis ArcGIS.",
        "en": "Gi* per period ({periods}); Mann–Kendall trend of each area's z-scores; patterns follow the "
              "ArcGIS Emerging Hot Spot Analysis definitions."},
    "hs.density.section": {"id": "Kepadatan kejadian", "en": "Incident density"},
    "hs.density.text": {
        "id": "{n} titik kejadian; kernel Gauss (scipy gaussian_kde, bandwidth {bw}, ±{bwm} m), sel {cell} m.",
        "en": "{n} incident points; Gaussian kernel (scipy gaussian_kde, bandwidth {bw}, ±{bwm} m), {cell} m cells."},
    "hs.col.code": {"id": "Kode", "en": "Code"},
    "hs.col.name": {"id": "Nama", "en": "Name"},
    "hs.col.pattern": {"id": "Pola", "en": "Pattern"},
    "hs.col.areas": {"id": "Jumlah wilayah", "en": "Areas"},
    # headings of the sheets and of the published columns (keys = column names)
    "hs.sheet.hotspots": {"id": "Hot spot", "en": "Hot spots"},
    "hs.sheet.trend": {"id": "Tren hot spot", "en": "Hot-spot trends"},
    "hs.h.code": {"id": "Kode wilayah", "en": "Area code"},
    "hs.h.name": {"id": "Nama wilayah", "en": "Area name"},
    "hs.h.value": {"id": "{v} (nilai di tabel indikator)", "en": "{v} (value in the indicator table)"},
    "hs.h.count": {"id": "Jumlah {v}", "en": "{v}: count"},
    "hs.h.rate": {"id": "Laju {v} per {per} penduduk", "en": "{v} rate per {per} residents"},
    "hs.h.eb_rate": {"id": "Laju {v} dihaluskan (empirical Bayes) per {per} penduduk",
                     "en": "{v} rate, empirical-Bayes smoothed, per {per} residents"},
    "hs.h.lisa_i": {"id": "Local Moran I", "en": "Local Moran I"},
    "hs.h.lisa_p": {"id": "Local Moran: nilai p", "en": "Local Moran: p-value"},
    "hs.h.lisa_cluster": {"id": "Klaster LISA (kode)", "en": "LISA cluster (code)"},
    "hs.h.lisa_label": {"id": "Klaster LISA", "en": "LISA cluster"},
    "hs.h.gi_z": {"id": "Skor z Gi*", "en": "Gi* z-score"},
    "hs.h.gi_p": {"id": "Gi*: nilai p", "en": "Gi*: p-value"},
    "hs.h.gi_bin": {"id": "Kelas Gi* (3 = hot spot 99% … −3 = cold spot 99%)",
                    "en": "Gi* bin (3 = hot spot 99% … −3 = cold spot 99%)"},
    "hs.h.gi_label": {"id": "Hot spot Gi*", "en": "Gi* hot spot"},
    "hs.h.trend_pattern": {"id": "Pola tren (kode)", "en": "Trend pattern (code)"},
    "hs.h.trend_label": {"id": "Pola hot spot berkembang", "en": "Emerging hot-spot pattern"},
    "hs.h.trend_tau": {"id": "Tau Mann–Kendall", "en": "Mann–Kendall tau"},
    "hs.h.trend_p": {"id": "Tren: nilai p (Mann–Kendall)", "en": "Trend: p-value (Mann–Kendall)"},
    "hs.h.hot_periods": {"id": "Jumlah periode hot spot", "en": "Hot-spot periods"},
    "hs.h.cold_periods": {"id": "Jumlah periode cold spot", "en": "Cold-spot periods"},
    "hs.h.gi_z_period": {"id": "Skor z Gi* {p}", "en": "Gi* z-score {p}"},
    "hs.measure.count": {"id": "jumlah", "en": "count"},
    "hs.measure.rate": {"id": "laju", "en": "rate"},
    "hs.measure.eb_global": {"id": "laju EB global", "en": "global EB rate"},
    "hs.measure.eb_spatial": {"id": "laju EB spasial", "en": "spatial EB rate"},
})

PUBLIC_COLUMNS = ("gi_bin", "lisa_label", "trend_label")
"""Area columns that may be published (report, dashboard): categorical results only — the Gi*
bin and the readable LISA and emerging-hot-spot labels.  Never counts, rates or smoothed rates
(with a population, a rate gives the count back; counts below ``privacy.min_count`` must not be
published), and not Gi* z either: Gi*_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²)/(n − 1)))
is linear in the values, so the z of every area plus three published values solve back every
value — exactly from full precision, to ±0.5 for most areas from z rounded to 2 decimals
(checked on examples/columbus; see docs/method_spatial.md §8)."""


# ---------------------------------------------------------------------------------------- reading
def _unknown_code(label: str, row: int, column: str, code: str, n_known: int) -> Finding:
    return Finding("error", "unknown_code", "kode wilayah tidak ada di berkas batas wilayah",
                   message_en="area code not in the boundary file", file=label, row=row, column=column, value=code,
                   expected=f"salah satu dari {n_known} kode di berkas batas wilayah",
                   expected_en=f"one of the {n_known} codes of the boundary file")


def _count_cell(cell, label: str, row: int, column: str) -> tuple[float, Finding | None]:
    """One count cell → (value, None) or (nan, error).  Empty cells and missing-value tokens
    are NaN (the area is then left out of the analysis, with a warning)."""
    try:
        x = parse_number(cell, whole=True)
    except NumberError as err:
        return float("nan"), Finding("error", "not_numeric", "bukan jumlah (bilangan bulat)", message_en="not a count (a whole number)",
                                     file=label, row=row, column=column, value=cell, expected=f"jumlah ≥ 0: {err.hint_id}",
                                     expected_en=f"a count ≥ 0: {err.hint_en}")
    if x < 0:
        return float("nan"), Finding("error", "negative_count", "jumlah negatif", message_en="negative count", file=label,
                                     row=row, column=column, value=cell, expected="jumlah ≥ 0", expected_en="a count ≥ 0")
    return x, None


def counts_from_table(df: pd.DataFrame, spec, label: str, known: pd.Index | None = None
                      ) -> tuple[pd.DataFrame | None, list[Finding]]:
    """Counts per area and period from a wide or long table of cells, with every problem found.

    Parameters
    ----------
    df : DataFrame
        Cells as :func:`petarawan.io.readers.read_table` returns them (index = spreadsheet row).
    spec : CountsSpec
    label : str
        File name for the findings.
    known : Index, optional
        Canonical codes of the boundary file; a code outside it is an error naming its row.

    Returns
    -------
    counts : DataFrame | None
        Index canonical code, columns periods in time order; ``None`` when a required column is
        missing (nothing else can be checked).
    errors : list[Finding]
        Every problem, each naming file, row, column, value and what was expected: missing
        columns, empty / duplicate / unknown codes, missing periods, cells that are not whole
        numbers, negative counts.  Repeated kinds are capped (:func:`.checks.cap_rows`).
    """
    errors: list[Finding] = []
    if spec.code_column not in df.columns:
        errors.append(missing_column(label, spec.code_column, df.columns))
    if spec.layout == "long":
        errors += [missing_column(label, c, df.columns) for c in (spec.period_column, spec.count_column)
                   if c not in df.columns]
        if errors:
            return None, errors
        rows, seen = [], {}
        for row in df.index:
            r = int(row)
            code = normalise_code(df.at[row, spec.code_column])
            per = df.at[row, spec.period_column]
            x, bad = _count_cell(df.at[row, spec.count_column], label, r, spec.count_column)
            if code is None:
                errors.append(Finding("error", "empty_code", "kode wilayah kosong", message_en="empty area code",
                                      file=label, row=r, column=spec.code_column, expected="kode wilayah",
                                      expected_en="an area code"))
            elif known is not None and code not in known:
                errors.append(_unknown_code(label, r, spec.code_column, code, len(known)))
            if per is None or not str(per).strip():
                errors.append(Finding("error", "empty_period", "periode kosong", message_en="empty period", file=label,
                                      row=r, column=spec.period_column, expected="periode seperti 2021, 2021Q3 atau 2021-07",
                                      expected_en="a period such as 2021, 2021Q3 or 2021-07"))
                per = None
            if bad is not None:
                errors.append(bad)
            if code is None or per is None:
                continue
            per = str(per).strip().removesuffix(".0")
            if (code, per) in seen:
                errors.append(Finding("error", "duplicate_code", f"kode dan periode ganda (juga di baris {seen[code, per]})",
                                      message_en=f"duplicate code and period (also row {seen[code, per]})", file=label,
                                      row=r, column=spec.code_column, value=f"{code} {per}",
                                      expected="satu baris per wilayah dan periode",
                                      expected_en="one row per area and period"))
                continue
            seen[code, per] = r
            rows.append((code, per, x))
        long = pd.DataFrame(rows, columns=["code", "period", "count"])
        wide = long.pivot(index="code", columns="period", values="count")
        return wide.reindex(columns=sorted(wide.columns)), cap_rows(errors)
    periods = spec.periods or [c for c in df.columns if PERIOD_NAME.match(str(c))]
    missing = [p for p in periods if p not in df.columns]
    if missing or not periods:
        errors.append(Finding("error", "missing_column", "kolom periode tidak ada", message_en="period column(s) missing",
                              file=label, value=missing or None,
                              expected=f"kolom periode seperti 2021 (kolom yang ada: {list(df.columns)})",
                              expected_en=f"period columns such as 2021 (columns found: {list(df.columns)})"))
    if errors:
        return None, errors
    values = np.full((len(df), len(periods)), np.nan)
    seen: dict[str, int] = {}
    keep = np.zeros(len(df), dtype=bool)
    codes = []
    for i, row in enumerate(df.index):
        r = int(row)
        code = normalise_code(df.at[row, spec.code_column])
        codes.append(code)
        if code is None:
            errors.append(Finding("error", "empty_code", "kode wilayah kosong", message_en="empty area code",
                                  file=label, row=r, column=spec.code_column, expected="kode wilayah",
                                  expected_en="an area code"))
        elif code in seen:
            errors.append(Finding("error", "duplicate_code", f"kode wilayah ganda (juga di baris {seen[code]})",
                                  message_en=f"duplicate area code (also row {seen[code]})", file=label, row=r,
                                  column=spec.code_column, value=code, expected="satu baris per wilayah",
                                  expected_en="one row per area"))
        else:
            seen[code] = r
            keep[i] = True
            if known is not None and code not in known:
                errors.append(_unknown_code(label, r, spec.code_column, code, len(known)))
        for j, p in enumerate(periods):  # every cell is checked, whatever the code
            values[i, j], bad = _count_cell(df.at[row, p], label, r, p)
            if bad is not None:
                errors.append(bad)
    out = pd.DataFrame(values[keep], index=pd.Index([c for c, k in zip(codes, keep) if k], name="code"),
                       columns=list(periods))
    return out, cap_rows(errors)


def _study_bounds(areas: gpd.GeoDataFrame, crs: str) -> tuple[float, float, float, float] | None:
    """The areas' bounds in ``crs`` (None when the areas cannot be transformed, e.g. local units)."""
    try:
        return tuple(float(v) for v in areas.to_crs(crs).total_bounds)
    except Exception:  # noqa: BLE001 - no CRS / engineering CRS: the swapped-columns check is skipped
        return None


def load_counts(ctx: StudyContext, cfg: HotspotConfig) -> tuple[pd.DataFrame, Incidents | None, list[Finding]]:
    """Read the per-area, per-period values the stage analyses.

    Returns
    -------
    counts : DataFrame
        Index = canonical area codes of the boundary file (some may be missing — reported as
        warnings by the analysis); columns = periods.
    incidents : Incidents | None
    findings : list[Finding]
        Warnings and information (points outside every area, points on a border).

    Raises
    ------
    InputError
        Unreadable files, missing columns, bad values, codes not in the boundary file, swapped
        coordinate columns — every problem of the file at once.
    """
    findings: list[Finding] = []
    incidents = None
    if cfg.counts is not None:
        path = resolve(ctx.study_dir, cfg.counts.file, "jumlah kasus / counts")
        counts, errors = counts_from_table(read_table(path, sheet=cfg.counts.sheet, label=cfg.counts.file), cfg.counts,
                                           cfg.counts.file, known=ctx.areas.index)
        if errors:
            raise InputError(errors)
    elif cfg.incidents is not None:
        spec = cfg.incidents
        path = resolve(ctx.study_dir, spec.file, "kejadian / incidents")
        incidents = read_incidents(path, x_column=spec.x_column, y_column=spec.y_column, crs=spec.crs,
                                   date_column=spec.date_column, type_column=spec.type_column, sheet=spec.sheet,
                                   label=spec.file, study_bounds=_study_bounds(ctx.areas, spec.crs))
        pts = incidents.points
        if spec.types is not None:
            pts = pts[pts["type"].isin(spec.types)]
        assigned = assign_points(pts, ctx.areas, label=spec.file)
        findings.extend(assigned.findings)
        n_border = int(assigned.on_border.sum())
        if n_border:
            findings.append(Finding("info", "point_on_border",
                                    f"{n_border} titik di batas bersama; diberikan ke wilayah dengan kode terkecil",
                                    message_en=f"{n_border} point(s) on a shared border; assigned to the area with "
                                               "the lowest code", file=spec.file, value=n_border))
        periods = period_label(pts["date"], spec.period) if spec.date_column else None
        counts = count_by_area(assigned.code, ctx.areas.index, periods)
        # keep the counted points only (outside ones are reported above), with their area and period
        pts = pts.assign(code=assigned.code, period=periods if periods is not None else "all")
        incidents = Incidents(pts[pts["code"].notna()], incidents.file, incidents.findings)
    else:
        if cfg.variable not in ctx.data.columns:
            raise InputError(Finding("error", "hotspot_variable",
                                     f"variabel hot spot '{cfg.variable}' bukan indikator di tabel",
                                     message_en=f"hot-spot variable '{cfg.variable}' is not an indicator of the table",
                                     value=cfg.variable,
                                     expected=f"salah satu dari {list(ctx.data.columns)} atau bagian [hotspots.counts]",
                                     expected_en=f"one of {list(ctx.data.columns)} or a [hotspots.counts] section"))
        counts = ctx.data[[cfg.variable]].rename(columns={cfg.variable: "all"})
        counts = counts[counts["all"].notna()]
    return counts, incidents, findings


def population_from_table(df: pd.DataFrame, spec, label: str, known: pd.Index | None = None
                          ) -> tuple[pd.Series | None, list[Finding]]:
    """Population per canonical code from a table of cells, with every problem found.

    Returns
    -------
    population : Series | None
        Index canonical code (first row of each code), values > 0; ``None`` when a column is missing.
    findings : list[Finding]
        Errors: missing columns, empty or duplicate codes, values that are not numbers or not
        > 0.  Warnings: codes not in the boundary file (ignored).  An empty cell is no error:
        the area is left out of the rates with a ``no_population`` warning.  Repeated kinds are
        capped (:func:`.checks.cap_rows`).
    """
    found = [missing_column(label, c, df.columns) for c in (spec.code_column, spec.column) if c not in df.columns]
    if found:
        return None, found
    out: dict[str, float] = {}
    seen: dict[str, int] = {}
    for row in df.index:
        r = int(row)
        cell = df.at[row, spec.column]
        code = normalise_code(df.at[row, spec.code_column])
        if code is None:
            found.append(Finding("error", "empty_code", "kode wilayah kosong", message_en="empty area code", file=label,
                                 row=r, column=spec.code_column, expected="kode wilayah", expected_en="an area code"))
        elif code in seen:
            found.append(Finding("error", "duplicate_code", f"kode wilayah ganda (juga di baris {seen[code]})",
                                 message_en=f"duplicate area code (also row {seen[code]})", file=label, row=r,
                                 column=spec.code_column, value=code, expected="satu baris per wilayah",
                                 expected_en="one row per area"))
            code = None
        else:
            seen[code] = r
            if known is not None and code not in known:
                found.append(Finding("warning", "unknown_code", "kode wilayah tidak ada di berkas batas wilayah; diabaikan",
                                     message_en="area code not in the boundary file; ignored", file=label, row=r,
                                     column=spec.code_column, value=code,
                                     expected=f"salah satu dari {len(known)} kode di berkas batas wilayah",
                                     expected_en=f"one of the {len(known)} codes of the boundary file"))
                code = None
        try:
            x = parse_number(cell)
        except NumberError as err:
            found.append(Finding("error", "not_numeric", "penduduk bukan angka", message_en="population is not a number",
                                 file=label, row=r, column=spec.column, value=cell,
                                 expected=f"penduduk > 0: {err.hint_id}", expected_en=f"a population > 0: {err.hint_en}"))
            continue
        if x != x:  # empty: the analysis reports the area as without population
            continue
        if not x > 0:
            found.append(Finding("error", "population_not_positive", "penduduk harus > 0",
                                 message_en="population must be > 0", file=label, row=r, column=spec.column,
                                 value=cell, expected="penduduk > 0", expected_en="a population > 0"))
            continue
        if code is not None:
            out[code] = x
    return pd.Series(out, name="population", dtype=float), cap_rows(found)


def load_population(ctx: StudyContext, cfg: HotspotConfig) -> tuple[pd.Series | None, list[Finding]]:
    """Population per canonical area code from ``[hotspots.population]``.

    Returns
    -------
    population : Series | None
        ``None`` if not configured.
    findings : list[Finding]
        Warnings (codes not in the boundary file).

    Raises
    ------
    InputError
        Every error of the file at once (see :func:`population_from_table`).
    """
    spec = cfg.population
    if spec is None:
        return None, []
    path = resolve(ctx.study_dir, spec.file, "penduduk / population")
    pop, found = population_from_table(read_table(path, sheet=spec.sheet, label=spec.file), spec, spec.file,
                                       known=ctx.areas.index)
    errors = [f for f in found if f.level == "error"]
    if errors:
        raise InputError(errors)
    return pop, found


# ---------------------------------------------------------------------------------------- analysis
@dataclass(frozen=True)
class HotspotAnalysis:
    """Everything the stage computed.

    Attributes
    ----------
    variable, measure, period : str
    value : Series
        Analysed value per area code (areas with data only).
    weights : WeightsResult
    moran : GlobalMoranResult
    lisa : LocalMoranResult
    gi : GiStarResult
    rates : RateResult | None
    emerging : EmergingResult | None
    excluded : tuple[str, ...]
        Area codes without data (not analysed).
    findings : list[Finding]
    seeds : dict[str, int]
    """

    variable: str
    measure: str
    period: str
    value: pd.Series
    counts: pd.DataFrame
    weights: WeightsResult
    moran: GlobalMoranResult
    lisa: LocalMoranResult
    gi: GiStarResult
    rates: RateResult | None
    emerging: EmergingResult | None
    excluded: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)
    seeds: dict[str, int] = field(default_factory=dict)

    def area_table(self) -> pd.DataFrame:
        """Per-area results (index code, areas with data only)."""
        v = self.variable
        d = pd.DataFrame(index=self.value.index)
        d.index.name = "code"
        if self.rates is not None or self.measure == "count":
            d[f"count_{v}"] = self.counts[self.period] if self.period in self.counts.columns else self.counts.sum(axis=1)
        if self.rates is not None:
            d[f"rate_{v}"] = self.rates.rate
            d[f"eb_rate_{v}"] = self.rates.eb_spatial if self.measure == "eb_spatial" and self.rates.eb_spatial is not None \
                else self.rates.eb_global
        d["lisa_i"] = pd.Series(self.lisa.Is, index=self.lisa.ids)
        d["lisa_p"] = pd.Series(self.lisa.p, index=self.lisa.ids)
        d["lisa_cluster"] = pd.Series(self.lisa.labels, index=self.lisa.ids).astype(str)
        d["gi_z"] = pd.Series(self.gi.z, index=self.gi.ids)
        d["gi_p"] = pd.Series(self.gi.p, index=self.gi.ids)
        d["gi_bin"] = pd.Series(self.gi.bins, index=self.gi.ids).astype(int)
        if self.emerging is not None:
            e = self.emerging
            d["trend_pattern"] = pd.Series(e.pattern, index=e.ids).astype(str)
            d["trend_tau"] = pd.Series(e.tau, index=e.ids)
            d["trend_p"] = pd.Series(e.trend_p, index=e.ids)
            d["hot_periods"] = pd.Series(e.hot.sum(axis=1), index=e.ids).astype(int)
            d["cold_periods"] = pd.Series(e.cold.sum(axis=1), index=e.ids).astype(int)
        return d


def _choose_period(counts: pd.DataFrame, period: str | None) -> tuple[pd.Series, str]:
    if period == "all" or list(counts.columns) == ["all"]:
        return counts.sum(axis=1, min_count=1), "all"
    if period is None:
        period = str(counts.columns[-1])
    if period not in counts.columns:
        raise InputError(Finding("error", "hotspot_period", "periode tidak ada", message_en="period not found",
                                 value=period, expected=f"salah satu dari {list(counts.columns)} atau 'all'",
                                 expected_en=f"one of {list(counts.columns)} or 'all'"))
    return counts[period], period


def analyse_hotspots(areas: gpd.GeoDataFrame, counts: pd.DataFrame, cfg: HotspotConfig, *,
                     population: pd.Series | None = None,
                     seed: int | np.random.Generator = 0) -> HotspotAnalysis:
    """The whole hot-spot analysis on in-memory data (no files read or written).

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons indexed by canonical code.
    counts : DataFrame
        Index code, columns periods in time order (one column ``"all"`` for a single value).
        Areas absent from ``counts`` or with a missing value are excluded (warning).
    cfg : HotspotConfig
    population : Series, optional
        Population by code (needed for rates).
    seed : int | Generator
        Master seed; each random step gets its own seed drawn from ``np.random.default_rng(seed)``.

    Returns
    -------
    HotspotAnalysis

    Raises
    ------
    InputError
        Too few areas with data, constant values, population missing for an analysed area.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    findings: list[Finding] = []
    counts = counts.reindex(columns=counts.columns)  # copy
    complete = counts.index[counts.notna().all(axis=1)]
    use = areas.index[areas.index.isin(complete)]
    if population is not None and cfg.measure != "count":
        use = use[use.isin(population.index)]
        no_pop = areas.index[areas.index.isin(complete) & ~areas.index.isin(population.index)]
        for code in no_pop[:50]:
            findings.append(Finding("warning", "no_population", "wilayah tanpa data penduduk; tidak dianalisis",
                                    message_en="area without population; not analysed", value=code,
                                    expected="baris penduduk untuk kode ini",
                                    expected_en="a population row for this code"))
    excluded = tuple(str(c) for c in areas.index.difference(use, sort=False))
    if excluded:
        shown = ", ".join(excluded[:20]) + (" …" if len(excluded) > 20 else "")
        findings.append(Finding("warning", "hotspot_no_data",
                                f"{len(excluded)} wilayah tanpa data {cfg.variable}, tidak dianalisis hot spot: "
                                f"{shown}",
                                message_en=f"{len(excluded)} area(s) without {cfg.variable} data, left out of the "
                                           f"hot-spot analysis: {shown}", value=len(excluded),
                                expected="nilai untuk setiap periode", expected_en="a value for every period"))
    if len(use) < 3:
        raise InputError(Finding("error", "hotspot_too_few", "terlalu sedikit wilayah dengan data untuk hot spot",
                                 message_en="too few areas with data for hot spots", value=len(use),
                                 expected="≥ 3 (dianjurkan ≥ 30)", expected_en="≥ 3 (≥ 30 recommended)"))
    findings.extend(small_n_findings(len(use)))
    sub = areas.loc[use]
    counts = counts.loc[use]
    ws = cfg.weights
    weights = build_weights(sub, ws.kind, transformation=ws.transformation, k=ws.k, threshold=ws.threshold,
                            contiguity=ws.contiguity, snap_tolerance=ws.snap_tolerance)
    findings.extend(weights.findings())
    raw, period = _choose_period(counts, cfg.period)
    rates = None
    value = raw.astype(float)
    if population is not None:
        rates = compute_rates(raw.astype(float), population.reindex(use).astype(float),
                              graph=weights.graph if cfg.measure == "eb_spatial" else None)
        findings.extend(rates.findings)
        value = {"count": raw.astype(float), "rate": rates.rate, "eb_global": rates.eb_global,
                 "eb_spatial": rates.eb_spatial}[cfg.measure]
    seeds = {k: int(rng.integers(0, 2**31 - 1)) for k in ("moran", "lisa", "gi", "emerging")}
    moran = global_moran(value, weights.graph, transformation=ws.transformation, permutations=cfg.permutations,
                         seed=seeds["moran"])
    findings.extend(resolution_findings(len(use), cfg.permutations, cfg.alpha, cfg.fdr, cfg.inference))
    lisa = local_moran(value, weights.graph, transformation=ws.transformation, permutations=cfg.permutations,
                       seed=seeds["lisa"], alpha=cfg.alpha, fdr=cfg.fdr, inference=cfg.inference)
    gi = gi_star(value, weights.graph, permutations=cfg.permutations, seed=seeds["gi"], fdr=cfg.fdr,
                 inference=cfg.inference)
    emerging = None
    n_periods = 0 if list(counts.columns) == ["all"] else counts.shape[1]
    if cfg.emerging and n_periods >= 4:
        series = counts
        if population is not None and cfg.measure != "count":
            series = counts.div(population.reindex(use), axis=0) * 10_000
        emerging = emerging_hotspots(series, weights.graph, permutations=cfg.permutations, seed=seeds["emerging"],
                                     alpha=cfg.alpha, trend_alpha=cfg.trend_alpha, fdr=cfg.fdr, inference=cfg.inference)
        findings.extend(emerging.findings)
    elif cfg.emerging and n_periods > 1:
        findings.append(Finding("info", "emerging_skipped", f"hanya {n_periods} periode; hot spot berkembang butuh ≥ 4",
                                message_en=f"only {n_periods} periods; emerging hot spots need ≥ 4", value=n_periods))
    return HotspotAnalysis(cfg.variable, cfg.measure, period, value, counts, weights, moran, lisa, gi, rates, emerging,
                           excluded, findings, seeds)


# ---------------------------------------------------------------------------------------- stage
def with_labels(tab: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``tab`` (:meth:`HotspotAnalysis.area_table`) plus readable labels in ``lang``:
    ``lisa_label`` after ``lisa_cluster`` and, with emerging hot spots, ``trend_label`` after
    ``trend_pattern`` (e.g. ``"HH"`` → "Tinggi–Tinggi (HH)", ``"new_hot"`` → "Hot spot baru")."""
    out = tab.copy()
    out.insert(out.columns.get_loc("lisa_cluster") + 1, "lisa_label",
               [t(f"hs.lisa.{c}", lang) if f"{c}" in LISA_COLOURS else None for c in tab["lisa_cluster"]])
    if "trend_pattern" in out.columns:
        out.insert(out.columns.get_loc("trend_pattern") + 1, "trend_label",
                   [t(f"pattern.{p}", lang) if p in TREND_COLOURS else None for p in tab["trend_pattern"]])
    return out


def public_columns(columns) -> dict[str, tuple[str, str]]:
    """The publishable subset of ``columns`` (:data:`PUBLIC_COLUMNS`) with their (Bahasa
    Indonesia, English) headings."""
    return {c: (t(f"hs.h.{c}", "id"), t(f"hs.h.{c}", "en")) for c in PUBLIC_COLUMNS if c in columns}


def _per_text(per: int | None, lang: str) -> str:
    if per is None:
        return ""
    s = f"{per:,}"
    return s.replace(",", ".") if lang == "id" else s


def _labels_both(cols: pd.DataFrame, v: str, per, from_table: bool) -> dict[str, tuple[str, str]]:
    """Headings of the area columns in both languages (for the workbook's ranking sheet)."""
    probe = pd.DataFrame(columns=cols.columns)
    ind, eng = (list(readable(probe, lg, v, per=per, from_table=from_table).columns) for lg in ("id", "en"))
    return dict(zip(cols.columns, zip(ind, eng)))


def readable(df: pd.DataFrame, lang: str, v: str, *, per: int | None = None, from_table: bool = False,
             periods=()) -> pd.DataFrame:
    """``df`` with every column of the hot-spot sheets renamed to its heading in ``lang``
    (``lisa_i`` → "Local Moran I", ``count_v`` → "Jumlah v", ``gi_z_2021`` → "Skor z Gi* 2021").

    Raises
    ------
    KeyError
        A column without a heading (a new column must get one).
    """
    names: dict[str, str] = {}
    for c in df.columns:
        if c in ("code", "name"):
            names[c] = t(f"hs.h.{c}", lang)
        elif c == f"count_{v}":
            names[c] = t("hs.h.value" if from_table else "hs.h.count", lang, v=v)
        elif c == f"rate_{v}":
            names[c] = t("hs.h.rate", lang, v=v, per=_per_text(per, lang))
        elif c == f"eb_rate_{v}":
            names[c] = t("hs.h.eb_rate", lang, v=v, per=_per_text(per, lang))
        elif c.startswith("gi_z_") and c[5:] in [str(p) for p in periods]:
            names[c] = t("hs.h.gi_z_period", lang, p=c[5:])
        else:
            key = f"hs.h.{c}"
            if t(key, lang) == key:
                raise KeyError(f"no heading for hot-spot column {c!r}")
            names[c] = t(key, lang)
    return df.rename(columns=names)


def _fmt(x: float, nd: int = 4) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:.{nd}f}"


def _subtitle(ctx: StudyContext, a: HotspotAnalysis) -> str:
    st = ctx.config.study
    bits = [st.name]
    if st.data_date:
        bits.append(t("map.date", ctx.lang, date=st.data_date))
    cfg = ctx.section("hotspots")
    if cfg is not None and cfg.counts is None and cfg.incidents is None and a.measure == "count":
        bits.append(a.variable)  # an indicator of the table, analysed as given
    else:
        bits.append(f"{_vlabel(ctx, a.variable)} ({t('hs.measure.' + a.measure, ctx.lang)}{'' if a.period == 'all' else ', ' + a.period})")
    return " · ".join(bits)


def _vlabel(ctx: StudyContext, v: str) -> str:
    """The analysed variable as a reader knows it: the indicator's label when it is one."""
    spec = next((i for i in ctx.config.indicators if i.code == v), None)
    return spec.label(ctx.lang) if spec is not None else v


def _note(ctx: StudyContext, a: HotspotAnalysis, cfg: HotspotConfig) -> str:
    fdr = "on" if cfg.fdr else "off"
    if ctx.lang == "id":
        fdr = "aktif" if cfg.fdr else "tidak aktif"
    return t("hs.note", ctx.lang, w=a.weights.kind, perm=cfg.permutations, seed=a.seeds["gi"], fdr=fdr, alpha=cfg.alpha,
             inf=t(f"hs.inference.{cfg.inference}", ctx.lang))


def _figures(ctx: StudyContext, a: HotspotAnalysis, cfg: HotspotConfig, density: DensityResult | None) -> dict[str, bytes]:
    lang, areas = ctx.lang, ctx.areas
    sub, note = _subtitle(ctx, a), _note(ctx, a, cfg)
    nd = t("hs.no_data", lang)
    mark = {"watermark": t("illustrative", lang) if ctx.config.study.illustrative else "", "lang": lang}
    tab = a.area_table()
    figs = {
        "hotspot_gi_bins.png": category_map(areas, tab["gi_bin"], {k: GI_COLOURS[k] for k in (3, 2, 1, 0, -1, -2, -3)},
                                            {k: t(f"hs.gi.{k}", lang) for k in range(-3, 4)},
                                            title=t("hs.gi.title", lang, v=_vlabel(ctx, a.variable)), subtitle=sub, note=note,
                                            no_data_label=nd, **mark),
        "hotspot_lisa.png": category_map(areas, tab["lisa_cluster"], LISA_COLOURS,
                                         {k: t(f"hs.lisa.{k}", lang) for k in LISA_COLOURS},
                                         title=t("hs.lisa.title", lang, v=_vlabel(ctx, a.variable)), subtitle=sub, note=note,
                                         no_data_label=nd, **mark),
    }
    if a.emerging is not None:
        present = [p for p in PATTERNS if (a.emerging.pattern == p).any()] or ["no_pattern"]
        figs["hotspot_trend.png"] = category_map(
            areas, tab["trend_pattern"], {p: TREND_COLOURS[p] for p in present},
            {p: t(f"pattern.{p}", lang) for p in present}, title=t("hs.trend.title", lang, v=_vlabel(ctx, a.variable)),
            subtitle=f"{sub} · {a.emerging.periods[0]}–{a.emerging.periods[-1]}", note=note, no_data_label=nd, **mark)
    if density is not None:
        figs["hotspot_density.png"] = density_map(density.grid, areas, title=t("hs.density.title", lang, v=_vlabel(ctx, a.variable)),
                                                  legend=t("hs.density.legend", lang), subtitle=sub,
                                                  note=t("hs.density.text", lang, n=density.n_points, bw=density.bandwidth,
                                                         bwm=round(density.bandwidth_m), cell=round(density.cell_size)),
                                                  **mark)
    return figs


def _is_count(ctx: StudyContext, v: str) -> bool:
    """The analysed variable is a count: read from counts or incidents, or an indicator marked
    ``count = true``."""
    cfg = ctx.section("hotspots")
    if cfg.counts is not None or cfg.incidents is not None:
        return True
    spec = next((i for i in ctx.config.indicators if i.code == v), None)
    return bool(spec is not None and getattr(spec, "count", False))


def _sections(ctx: StudyContext, a: HotspotAnalysis, density: DensityResult | None) -> list[ReportSection]:
    lang = ctx.lang
    esc = html.escape
    m = a.moran
    verdict = "hs.verdict.random"
    if np.isfinite(m.p_sim) and m.p_sim <= 0.05:
        verdict = "hs.verdict.clustered" if m.I > m.EI else "hs.verdict.dispersed"
    single = a.emerging is None and ctx.section("hotspots").counts is None and ctx.section("hotspots").incidents is None
    if a.period != "all":
        period = a.period
    elif single:  # one period: the indicator table's own date
        period = ctx.config.study.data_date or "—"
    else:
        period = "semua periode" if lang == "id" else "all periods"
    body = "<p>" + t("hs.section.moran", lang, v=esc(_vlabel(ctx, a.variable)), period=esc(period), n=m.n, w=esc(a.weights.kind),
                     i=_fmt(m.I), ei=_fmt(m.EI), z=_fmt(m.z_norm, 2), p=_fmt(m.p_sim, 3), verdict=t(verdict, lang)) + "</p>"
    gi, lc = a.gi.counts(), a.lisa.counts()
    body += "<p>" + t("hs.section.counts", lang, hot=gi["1"] + gi["2"] + gi["3"], cold=gi["-1"] + gi["-2"] + gi["-3"],
                      hh=lc["HH"], ll=lc["LL"], lh=lc["LH"], hl=lc["HL"]) + "</p>"
    tab = with_labels(a.area_table(), lang)
    top = tab.sort_values("gi_z", ascending=False).head(10)
    names = ctx.areas["name"].reindex(top.index)
    # published: categorical results only — no count, rate or z-score (the z-scores of all areas
    # plus a few known values let the counts be solved back; docs/method_spatial.md §8)
    head = [t("hs.col.code", lang), t("hs.col.name", lang)] + [t(f"hs.h.{c}", lang) for c in ("gi_label", "lisa_label")] + \
        ([t("hs.h.trend_label", lang)] if a.emerging is not None else [])
    rows = []
    for code, r in top.iterrows():
        cells = [esc(str(code)), esc(str(names.get(code) or "")), esc(t(f"hs.gi.{int(r['gi_bin'])}", lang)),
                 esc(str(r["lisa_label"]))]
        if a.emerging is not None:
            cells.append(esc(str(r["trend_label"])))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    body += f"<h4>{esc(t('hs.section.top', lang))}</h4><table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + \
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    body += f"<p><i>{esc(t('hs.section.caveat', lang))}</i></p>"
    out = [ReportSection(t("hs.section.title", lang), body, "hotspot_gi_bins.png"),
           ReportSection(t("hs.lisa.title", lang, v=_vlabel(ctx, a.variable)), "", "hotspot_lisa.png")]
    if a.emerging is not None:
        e = a.emerging
        cnt = e.counts()
        trows = "".join(f"<tr><td>{esc(t('pattern.' + p, lang))}</td><td>{n}</td></tr>" for p, n in cnt.items())
        tbody = "<p>" + t("hs.trend.text", lang, periods=f"{esc(e.periods[0])}–{esc(e.periods[-1])}") + "</p>" + \
            f"<table><thead><tr><th>{esc(t('hs.col.pattern', lang))}</th><th>{esc(t('hs.col.areas', lang))}</th></tr></thead>" \
            f"<tbody>{trows}</tbody></table>"
        out.append(ReportSection(t("hs.trend.section", lang), tbody, "hotspot_trend.png"))
    if density is not None:
        out.append(ReportSection(t("hs.density.section", lang),
                                 "<p>" + esc(t("hs.density.text", lang, n=density.n_points, bw=density.bandwidth,
                                                bwm=round(density.bandwidth_m), cell=round(density.cell_size))) + "</p>",
                                 "hotspot_density.png"))
    return out


def _manifest(a: HotspotAnalysis, cfg: HotspotConfig, density: DensityResult | None, n_points: int | None) -> dict:
    man = {"config": cfg.model_dump(mode="json"), "variable": a.variable, "measure": a.measure, "period": a.period,
           "n_areas": int(len(a.value)), "n_excluded": len(a.excluded), "excluded": list(a.excluded[:100]),
           "weights": a.weights.params, "islands": list(a.weights.islands[:100]), "seeds": a.seeds}
    man.update(a.moran.manifest())
    man["lisa"] = {"counts": a.lisa.counts(), "cutoff": a.lisa.cutoff, "alpha": a.lisa.alpha, "fdr": a.lisa.fdr,
                   "permutations": a.lisa.permutations, "transformation": a.weights.transformation,
                   "inference": a.lisa.inference,
                   "method": "esda.Moran_Local, conditional permutation; p = folded pseudo p_sim (permutation) "
                             "or 2·p_z_sim (analytical)"}
    man["gi_star"] = {"counts": a.gi.counts(), "cutoffs": {str(k): v for k, v in a.gi.cutoffs.items()},
                      "inference": a.gi.inference, "fdr": a.gi.fdr, "permutations": a.gi.permutations,
                      "weights": "binary with self-weight 1 (Ord & Getis 1995)", "method": "esda.G_Local(star=True, transform='B')"}
    if a.rates is not None:
        man["rates"] = {"per": a.rates.per, "eb_prior_variance": a.rates.prior_variance,
                        "method": {"rate": "e/b", "eb_global": "esda.smoothing.Empirical_Bayes (Marshall 1991)",
                                   "eb_spatial": "esda.smoothing.Spatial_Empirical_Bayes"}[a.measure]
                        if a.measure != "count" else "count analysed; rates reported"}
    if a.emerging is not None:
        man["emerging"] = dict(a.emerging.params, counts=a.emerging.counts())
    if n_points is not None:
        man["incidents"] = {"n_points": n_points}
    if density is not None:
        man["density"] = {"method": "scipy.stats.gaussian_kde", "bandwidth": density.bandwidth,
                          "bandwidth_m": round(density.bandwidth_m, 2), "cell_size_m": round(density.cell_size, 2),
                          "n_cells": int(len(density.grid)), "n_points": density.n_points,
                          "period": a.period, "unit": "expected incidents per km²"}
    return man


@dataclass(frozen=True, kw_only=True)
class HotspotsStageResult(StageResult):
    """The hot-spot stage's result.

    Attributes
    ----------
    analysis : HotspotAnalysis
        Weights, Moran's I, Local Moran, Gi*, rates and emerging hot spots.
    density : DensityResult | None
        Kernel density of the incident points, when ``[hotspots.density]`` is set.
    """

    analysis: HotspotAnalysis
    density: DensityResult | None = None


def _input_hashes(ctx: StudyContext, cfg: HotspotConfig) -> dict[str, str]:
    """sha256 of every file ``[hotspots]`` reads (counts or incidents, population)."""
    files = [(spec.file, what) for spec, what in ((cfg.counts, "jumlah kasus / counts"),
                                                  (cfg.incidents, "kejadian / incidents"),
                                                  (cfg.population, "penduduk / population")) if spec is not None]
    return {name: sha256(resolve(ctx.study_dir, name, what)) for name, what in files}


def run_hotspots(ctx: StudyContext) -> HotspotsStageResult:
    """Pipeline stage ``hotspots`` (runs before the index: it provides indicators); see the
    module docstring.

    Raises
    ------
    InputError
        From reading the inputs or from the analysis.
    """
    cfg: HotspotConfig = ctx.section("hotspots")
    errors: list[Finding] = []  # every input file is read and checked before any error is raised
    counts, incidents, findings, population = None, None, [], None
    try:
        counts, incidents, findings = load_counts(ctx, cfg)
    except InputError as err:
        errors += err.findings
    try:
        population, pop_findings = load_population(ctx, cfg)
        findings = findings + pop_findings
    except InputError as err:
        errors += err.findings
    if errors:
        raise InputError(errors)
    inputs = _input_hashes(ctx, cfg)
    a = analyse_hotspots(ctx.areas, counts, cfg, population=population, seed=ctx.config.study.seed)
    findings = findings + a.findings
    density = None
    if cfg.density is not None and incidents is not None:
        # the same incidents as the hot-spot maps: the analysed period (all periods for 'all')
        pts = incidents.points if a.period == "all" else incidents.points[incidents.points["period"] == a.period]
        density = kernel_density(pts, ctx.areas, cell_size=cfg.density.cell_size, bandwidth=cfg.density.bandwidth)
    v = a.variable
    tab = a.area_table()
    ind = pd.DataFrame(index=tab.index)
    from_table = cfg.counts is None and cfg.incidents is None
    if not from_table:
        ind[v] = a.value
    for col in (f"count_{v}", f"rate_{v}", f"eb_rate_{v}"):
        if col in tab.columns and col not in ind.columns:
            ind[col] = tab[col].astype(float)
    ind[f"gi_z_{v}"] = tab["gi_z"]
    ind[f"gi_bin_{v}"] = tab["gi_bin"].astype(float)
    ind[f"lisa_i_{v}"] = tab["lisa_i"]
    ind = ind.reindex(ctx.areas.index)
    lang = ctx.lang
    cols = with_labels(tab, lang).reindex(ctx.areas.index)
    layer = gpd.GeoDataFrame(cols.reset_index(), geometry=ctx.areas.geometry.values, crs=ctx.areas.crs)
    layer.insert(1, "name", ctx.areas["name"].to_numpy())
    layers = {"hotspots": layer}
    per = a.rates.per if a.rates is not None else None
    names = ctx.areas["name"]
    sheet = cols.loc[tab.index].sort_values("gi_z", ascending=False).drop(columns=["trend_pattern"], errors="ignore")
    sheet.insert(0, "name", names.reindex(sheet.index).to_numpy())
    sheets = {t("hs.sheet.hotspots", lang): readable(sheet.reset_index(), lang, v, per=per, from_table=from_table)}
    if a.emerging is not None:
        zt = pd.DataFrame(a.emerging.z, index=a.emerging.ids, columns=[f"gi_z_{p}" for p in a.emerging.periods])
        zt.index.name = "code"
        zt.insert(0, "trend_label", [t(f"pattern.{p}", lang) for p in a.emerging.pattern.astype(str)])
        zt.insert(0, "name", names.reindex(zt.index).to_numpy())
        sheets[t("hs.sheet.trend", lang)] = readable(zt.reset_index(), lang, v, periods=a.emerging.periods)
    if density is not None:
        layers["density"] = density.grid.reset_index()
    return HotspotsStageResult(
        name="hotspots",
        area_columns=cols,
        public_columns=public_columns(cols.columns),
        column_labels=_labels_both(cols, v, per, from_table),
        layers=layers,
        sheets=sheets,
        manifest=_manifest(a, cfg, density, None if incidents is None else len(incidents.points)),
        findings=findings,
        figures=_figures(ctx, a, cfg, density),
        sections=_sections(ctx, a, density),
        indicators=ind,
        inputs=inputs,
        analysis=a,
        density=density,
    )


STAGE = Stage(name="hotspots", run=run_hotspots, section=HotspotConfig, provides=("indicators",))
