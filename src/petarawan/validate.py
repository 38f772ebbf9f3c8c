"""Validate and join a study's inputs: boundaries + indicator table → typed frames.

:func:`load_study` reads every input named in the configuration, checks it, and returns a
:class:`Study` whose frames are indexed by the canonical area code.  It collects *all*
problems before deciding: errors raise one :class:`~petarawan.errors.InputError` listing every
one of them (ordered by file, row, column); warnings travel with the study into ``run.json``
and the Excel sheet.

Checks (each yields a Finding with file, row, column, value and what was expected):

- boundaries: readable (a Shapefile with its .dbf/.shx), CRS declared, coordinates inside the
  CRS's valid range (a projected file declared as WGS84 is caught), polygons only, code and name
  columns present (matched ignoring case and spaces), codes present and unique, geometries
  present and valid (invalid ones are repaired with ``shapely.make_valid`` and reported as
  warnings), empty names (warning);
- table: readable, header found (a title row above it is skipped), code column and every
  configured indicator column present (with a "did you mean"), blank rows skipped, codes known
  and unique (per year) with hints when the column holds names, numbers parsed with one style per
  column (decimal comma or point; ambiguous ``5.309`` is an error unless the column settles it;
  counts must be whole numbers), missing-value tokens (``-``, ``NA``) reported, Excel percent
  cells rescaled and reported, counts not negative, denominators positive, rates not above their
  base, reference labels 0/1 (or ya/tidak), areas without data (warning: no score) and areas with
  partial data (warning listing what is missing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .codes import area_code, code_matcher, looks_like
from .config import StudyConfig
from .errors import Finding, Findings, InputError
from .io.numbers import NumberError, as_shown, parse_columns, parse_number
from .io.geometry import polygonal, read_boundary_layer
from .io.readers import Table, read_sheet, resolve, sha256
from .registry import load_config
from .io.tables import match_columns, sheet_with
from .i18n import Both, Join, Msg

POLYGONAL = {"Polygon", "MultiPolygon"}
YES = {"1", "ya", "y", "yes", "true", "benar"}
NO = {"0", "tidak", "t", "no", "n", "false", "salah", "bukan"}


@dataclass
class Study:
    """A validated study.

    Attributes
    ----------
    config : StudyConfig
    study_dir : Path
    areas : GeoDataFrame
        Index ``code``; columns ``name``, ``group`` (if configured), ``geometry``; boundary CRS.
    data : DataFrame
        Index ``code`` (same order as ``areas``); one float column per indicator (NaN = missing),
        as entered (counts stay counts).
    reference : Series | None
        The published 0/1 label named by ``data.reference_column``, index ``code``.
    denominators : DataFrame
        Index ``code``; one column per denominator named by an indicator (e.g. population) and
        per other positive count column a stage uses (:func:`extra_columns`).
    findings : list[Finding]
        Warnings and notes (no errors: errors raise).
    input_hashes : dict[str, str]
        Input file name → sha256.
    """

    config: StudyConfig
    study_dir: Path
    areas: gpd.GeoDataFrame
    data: pd.DataFrame
    reference: pd.Series | None
    denominators: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: list[Finding] = field(default_factory=list)
    input_hashes: dict[str, str] = field(default_factory=dict)


def scheme_findings(entered: list, codes: list[str | None], scheme: str, label: str, column: str) -> list[Finding]:
    """Say how codes are shown when they look like another scheme than the study declares.

    ``kemendagri``: a warning per code that cannot be a Kemendagri code (a BPS ``1971020008`` would
    be shown as another village's ``19.71.02.0008``).  ``as_entered``: one note when every code is
    an undotted Kemendagri code, naming the setting that shows them dotted."""
    from .errors import cap_rows

    out: list[Finding] = []
    if scheme == "kemendagri":
        for i, (v, c) in enumerate(zip(entered, codes), start=1):
            if c is not None and looks_like(str(v)) != "kemendagri":
                out.append(Finding(
                    "warning", "code_not_kemendagri", Msg("f.code_not_kemendagri", c=c), file=label, row=i, column=column, value=str(v),
                    expected=Msg("x.code_not_kemendagri")))
        return cap_rows(out)
    shown = [str(v).strip() for v, c in zip(entered, codes) if c is not None]
    if shown and all("." not in s and looks_like(s) == "kemendagri" for s in shown):
        out.append(Finding(
            "info", "codes_as_entered",
            Msg("f.codes_as_entered", shown=shown[0], dotted=area_code(shown[0], "kemendagri")), file=label, column=column))
    return out


def _repair(geoms, codes: list, label: str, found: Findings):
    """Invalid polygons repaired with ``shapely.make_valid`` and reduced to their polygonal part
    (:func:`petarawan.io.geometry.polygonal`), each repair a warning naming the area; a geometry
    with no polygonal part left is an error (None is returned then)."""
    types = shapely.get_type_id(geoms)
    todo = np.flatnonzero(~shapely.is_valid(geoms) | (types == 7))  # 7: GeometryCollection
    if not len(todo):
        return geoms
    repaired = shapely.make_valid(geoms[todo])
    cleaned, _, empty = polygonal(repaired)
    ok = True
    for k, i in enumerate(todo):
        g = geoms[i]
        reason = shapely.is_valid_reason(g) if not g.is_valid else g.geom_type
        lost = sorted({p.geom_type for p in shapely.get_parts(repaired[k]) if p.geom_type not in POLYGONAL})
        if empty[k]:
            found.add("error", "repair_no_polygon", Msg("f.repair_no_polygon", reason=reason), file=label, row=int(i) + 1,
                      value=codes[i], expected=Msg("x.repair_no_polygon"))
            ok = False
        elif lost:
            found.add("warning", "invalid_geometry", Msg("f.invalid_geometry.lost", reason=reason, lost=", ".join(lost)),
                      file=label, row=int(i) + 1, value=codes[i], expected=Msg("x.invalid_geometry.lost"))
        else:
            found.add("warning", "invalid_geometry", Msg("f.invalid_geometry", reason=reason),
                      file=label, row=int(i) + 1, value=codes[i])
    if not ok:
        return None
    geoms = geoms.copy()
    geoms[todo] = cleaned
    return geoms


def check_areas(gdf: gpd.GeoDataFrame, cfg: StudyConfig, label: str, found: Findings) -> gpd.GeoDataFrame | None:
    """Check a boundary layer and return it indexed by canonical code (``None`` if unusable)."""
    a = cfg.areas
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    roles = {key: wanted for key, wanted in (("code", a.code_column), ("name", a.name_column),
                                              ("group", a.group_column)) if wanted}
    got, problems = match_columns(cols, list(roles.values()), label)
    found.extend(problems)
    names = {key: got[wanted] for key, wanted in roles.items() if wanted in got}
    if gdf.crs is None:
        found.add("error", "missing_crs", Msg("f.missing_crs"), file=label,
                  expected=Msg("x.missing_crs"))
    if len(gdf) == 0:
        found.add("error", "empty", Msg("f.empty"), file=label)
        return None
    if len(names) < len([w for w in (a.code_column, a.name_column, a.group_column) if w]):
        return None
    ok = True
    geoms = gdf.geometry.values
    for i, g in enumerate(geoms, start=1):
        if g is None or g.is_empty:
            found.add("error", "empty_geometry", Msg("f.empty_geometry"), file=label, row=i, value=gdf[names["code"]].iloc[i - 1], expected=Msg("x.empty_geometry"))
            ok = False
        elif g.geom_type not in POLYGONAL and not (g.geom_type == "GeometryCollection" and polygonal([g])[0][0].area > 0):
            found.add("error", "not_polygon", Msg("f.not_polygon", geom_type=g.geom_type), file=label, row=i,
                      value=gdf[names["code"]].iloc[i - 1],
                      expected=Msg("x.not_polygon"))
            ok = False
    if gdf.crs is not None and gdf.crs.is_geographic and ok:
        minx, miny, maxx, maxy = gdf.total_bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            found.add("error", "coordinates_out_of_range",
                      Msg("f.coordinates_out_of_range", minx=minx, maxx=maxx, miny=miny, maxy=maxy, crs=gdf.crs.to_string()), file=label,
                      expected=Msg("x.coordinates_out_of_range"))
            ok = False
    codes = [area_code(v, a.code_scheme) for v in gdf[names["code"]]]
    found.extend(scheme_findings(list(gdf[names["code"]]), codes, a.code_scheme, label, names["code"]))
    seen: dict[str, int] = {}
    for i, code in enumerate(codes, start=1):
        if code is None:
            found.add("error", "empty_code", Msg("f.empty_code"), file=label, row=i, column=names["code"], expected=Msg("x.empty_code.validate"))
            ok = False
        elif code in seen:
            found.add("error", "duplicate_code", Msg("f.duplicate_code.validate", seen_code=seen[code]), file=label, row=i,
                      column=names["code"], value=code,
                      expected=Msg("x.duplicate_code.validate"))
            ok = False
        else:
            seen[code] = i
    if not ok or gdf.crs is None:
        return None
    geoms = _repair(geoms, codes, label, found)
    if geoms is None:
        return None
    area_names = []
    for i, (code, v) in enumerate(zip(codes, gdf[names["name"]]), start=1):
        if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip():
            found.add("warning", "empty_name", Msg("f.empty_name"), file=label, row=i,
                      column=names["name"], value=code)
            area_names.append(code)
        else:
            area_names.append(" ".join(str(v).split()))
    out = gpd.GeoDataFrame({"name": area_names}, geometry=gpd.GeoSeries(geoms, crs=gdf.crs).values, crs=gdf.crs,
                           index=pd.Index(codes, name="code"))
    if "group" in names:
        out.insert(1, "group", [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
                                for v in gdf[names["group"]]])
    return out


def _rows(rows: list[int], k: int = 8) -> str:
    s = ", ".join(str(r) for r in rows[:k])
    return s + (f", … (+{len(rows) - k})" if len(rows) > k else "")


YEAR_NAMES = ("tahun", "year")
FIRST_YEAR = 1900
"""Earliest plausible data year; the latest is next year (data are dated when collected)."""


def latest_plausible_year() -> int:
    import datetime

    return datetime.date.today().year + 1


def _years(df: pd.DataFrame, col: str, label: str, found: Findings) -> pd.Series | None:
    """The year of each row (index = spreadsheet row); every empty, non-whole or implausible year
    is an error naming its row (None when there is any)."""
    hi = latest_plausible_year()
    years, bad = {}, False
    for r, v in df[col].items():
        try:
            y = parse_number(v, whole=True)
        except NumberError:
            y = float("nan") if v is None else -1.0
        if v is None or y != y:
            found.add("error", "empty_year", Msg("f.empty_year"), file=label, row=int(r), column=col,
                      expected=Msg("x.empty_year", first_year=FIRST_YEAR, hi=hi))
            bad = True
        elif not FIRST_YEAR <= y <= hi:
            found.add("error", "implausible_year", Msg("f.implausible_year"), file=label, row=int(r), column=col,
                      value=as_shown(v),
                      expected=Msg("x.implausible_year", first_year=FIRST_YEAR, hi=hi))
            bad = True
        else:
            years[r] = int(y)
    return None if bad else pd.Series(years, dtype=int)


def _select_year(df: pd.DataFrame, cfg: StudyConfig, label: str, found: Findings
                 ) -> tuple[pd.DataFrame | None, pd.DataFrame, str | None]:
    """The rows of the analysed year, the rows of other years, and the year column.

    No year column: every row.  ``data.year`` set: its rows (an error listing the years present
    when it has none).  Otherwise the latest year, with a note."""
    d = cfg.data
    year_cols = [c for c in df.columns if " ".join(str(c).split()).lower() in YEAR_NAMES]
    if len(year_cols) > 1:
        found.add("error", "ambiguous_column", Msg("f.ambiguous_column", year_cols=year_cols), file=label, column=year_cols[0],
                  expected=Msg("x.ambiguous_column"))
        return None, df.iloc[:0], None
    if not year_cols:
        if d.year is not None:
            found.add("error", "no_year_column", Msg("f.no_year_column", year=d.year), file=label,
                      expected=Msg("x.no_year_column"))
            return None, df.iloc[:0], None
        return df, df.iloc[:0], None
    col = year_cols[0]
    years = _years(df, col, label, found)
    if years is None:
        return None, df.iloc[:0], col
    present = sorted(set(years))
    counts = Join(Msg("f.year_rows", year=y, n=int((years == y).sum())) for y in present)
    if d.year is not None:
        if d.year not in present:
            found.add("error", "no_rows_for_year", Msg("f.no_rows_for_year", year=d.year), file=label, column=col,
                      value=d.year, expected=Msg("x.no_rows_for_year", counts=counts))
            return None, df.iloc[:0], col
        chosen = d.year
    else:
        chosen = present[-1]
        if len(present) > 1:
            found.add("info", "latest_year", Msg("f.latest_year", counts=counts, chosen=chosen),
                      file=label, column=col, value=chosen, expected=Msg("x.latest_year"))
    mask = (years == chosen).reindex(df.index).to_numpy()
    return df[mask], df[~mask], col


def _other_year_rows(other: pd.DataFrame, code_col: str, year_col: str | None, to_code
                     ) -> dict[str, tuple[int, object]]:
    """Area code → (row, year) of its first row among the rows of other years."""
    out: dict[str, tuple[int, object]] = {}
    for r in other.index:
        code = to_code(other.at[r, code_col])
        if code is not None and code not in out:
            out[code] = (int(r), other.at[r, year_col] if year_col else None)
    return out


def check_table(table: Table, cfg: StudyConfig, areas: gpd.GeoDataFrame | None, label: str,
                found: Findings) -> tuple[pd.DataFrame | None, pd.Series | None, pd.DataFrame, dict[str, int],
                                          dict[str, tuple[int, object]], list[str]]:
    """Check the indicator table; return numeric data, the reference label and the
    denominators, all indexed by code, each code's spreadsheet row, and — for codes that have
    rows of other years only — the first such row and its year."""
    df = table.cells
    d = cfg.data
    if table.header_row > 1:
        found.add("info", "header_row", Msg("f.header_row", header_row=table.header_row),
                  file=label, row=table.header_row)
    cols = list(df.columns)
    wanted = [i.code for i in cfg.indicators if i.stage is None]
    denominators = sorted({i.denominator for i in cfg.indicators if i.denominator} | extra_columns(cfg))
    needed = [d.code_column] + wanted + denominators + ([d.reference_column] if d.reference_column else [])
    colmap, problems = match_columns(cols, needed, label, table.header_row)
    found.extend(problems)
    nothing = (None, None, pd.DataFrame(), {}, {}, [])
    if d.code_column not in colmap:
        if table.sheets and len(table.sheets) > 1:
            found.add("info", "sheets", Msg("f.sheets", sheets=list(table.sheets)),
                      file=label)
        return nothing
    blank = [int(r) for r in df.index if all(v is None for v in df.loc[r])]
    if blank:
        found.add("info", "blank_rows", Msg("f.blank_rows", n_blank=len(blank), blank=_rows(blank)), file=label)
        df = df.drop(index=blank)
    df, other, year_col = _select_year(df, cfg, label, found)
    if df is None:
        return nothing
    code_col = colmap[d.code_column]
    known = None if areas is None else areas.index
    # a list, not Series.map: pandas turns a returned None into NaN, and NaN is not "empty"
    to_code = code_matcher(known)
    codes = pd.Series([to_code(v) for v in df[code_col]], index=df.index, dtype=object)
    rows_by_code: dict[str, int] = {}
    keep: list[int] = []
    unknown: list[tuple[int, object]] = []
    for row, code in codes.items():
        if code is None:
            total = any(isinstance(v, str) and v.strip().lower() in ("jumlah", "total", "kota", "kabupaten")
                        for v in df.loc[row])
            found.add("error", "empty_code", Msg("f.empty_code.table", total=Msg("f.total_row") if total else ""),
                      file=label, row=int(row), column=code_col, expected=Msg("x.empty_code.table"))
        elif known is not None and code not in known:
            unknown.append((int(row), df.at[row, code_col]))
        elif code in rows_by_code:
            found.add("error", "duplicate_code", Msg("f.duplicate_code.validate2", rows_by_code_code=rows_by_code[code]), file=label,
                      row=int(row), column=code_col, value=code,
                      expected=Msg("x.duplicate_code.validate2"))
        else:
            rows_by_code[code] = int(row)
            keep.append(row)
    if unknown:
        _unknown_codes(unknown, codes, areas, code_col, label, found)
    index = pd.Index([codes[r] for r in keep], name="code")
    numeric = {colmap[s.code]: s.count for s in cfg.indicators if s.stage is None and s.code in colmap}
    for name in denominators:
        if name in colmap:
            numeric[colmap[name]] = True
    # a table with no value at all (a fresh template) is one problem, reported when no area can be scored
    some_data = any(df.at[r, c] is not None or (r, c) in table.formula_cells for c in numeric for r in keep)
    left_out: list[str] = []
    empty: list[str] = []
    if some_data:
        empty = _empty_indicators(df, keep, cfg, colmap, table.formula_cells, label, found)
        for code in empty:  # reported once, by indicator, not again as an empty column
            numeric.pop(colmap[code], None)
        left_out = empty if d.empty_columns == "leave_out" else []
    parsed = parse_columns(df, numeric, rows=keep, label=label, style=d.number_style(), setting="[data] decimal",
                           percent=table.percent_cells, formulas=table.formula_cells, empty_is_error=some_data)
    for p in parsed.values():
        found.extend(p.findings)
    values = pd.DataFrame(index=index)
    for spec in cfg.indicators:
        if spec.stage is not None or spec.code not in colmap or spec.code in empty:
            continue
        col = colmap[spec.code]
        x = parsed[col].values
        nonneg = spec.count or spec.nonnegative
        neg = [(r, df.at[r, col]) for r, v in zip(keep, x) if nonneg and v < 0]
        for r, cell in neg:
            found.add("error", "negative_count", Msg("f.negative_count.validate"), file=label,
                      row=int(r), column=col, value=as_shown(cell),
                      expected=Msg("x.negative_count.validate"))
        values[spec.code] = np.where(x < 0, np.nan, x) if nonneg else x
    denoms = pd.DataFrame(index=index)
    for name in denominators:
        if name not in colmap:
            continue
        col = colmap[name]
        x = parsed[col].values
        for r, v in zip(keep, x):
            if not np.isnan(v) and v <= 0:
                found.add("error", "bad_denominator", Msg("f.bad_denominator"), file=label, row=int(r), column=col,
                          value=as_shown(df.at[r, col]),
                          expected=Msg("x.bad_denominator"))
        denoms[name] = np.where(x > 0, x, np.nan)
        users = [spec for spec in cfg.indicators if spec.denominator == name and spec.code in values]
        for i, r in enumerate(keep):  # an empty denominator under a filled numerator: the rate silently missing
            if df.at[r, col] is None and (r, col) not in table.formula_cells:
                filled = [spec.code for spec in users if not np.isnan(values[spec.code].iloc[i])]
                if filled:
                    found.add("error", "empty_denominator", Msg("f.empty_denominator", indicators=", ".join(filled)),
                              file=label, row=int(r), column=col, expected=Msg("x.empty_denominator"))
    for spec in cfg.indicators:
        if spec.denominator and spec.code in values and spec.denominator in denoms:
            rate = values[spec.code] / denoms[spec.denominator]
            for code in rate.index[rate > 1]:
                found.add("warning", "implausible_rate",
                          Msg("f.implausible_rate", code=spec.code, at=values.at[code, spec.code], denominator=spec.denominator, at2=denoms.at[code, spec.denominator]), file=label,
                          row=rows_by_code[code], column=spec.code, value=code)
    reference = None
    if d.reference_column and d.reference_column in colmap:
        reference = _reference(df, keep, colmap[d.reference_column], index, label, found)
    others = {c: v for c, v in _other_year_rows(other, code_col, year_col, to_code).items() if c not in rows_by_code}
    return values, reference, denoms, rows_by_code, others, left_out


def _empty_indicators(df: pd.DataFrame, keep: list, cfg: StudyConfig, colmap: dict[str, str], formulas, label: str,
                      found: Findings) -> list[str]:
    """Indicators whose column holds no value in any kept row (a template column never filled).

    ``[data] empty_columns = "error"`` (default): one error per indicator naming the two ways out
    (``enabled = false`` in its block, or ``empty_columns = "leave_out"``).  ``"leave_out"``: one
    warning listing them (the caller leaves them out of this run).  Returns their codes."""
    empty = [s.code for s in cfg.indicators
             if s.stage is None and s.code in colmap
             and all(df.at[r, colmap[s.code]] is None and (r, colmap[s.code]) not in formulas for r in keep)]
    if not empty:
        return []
    if cfg.data.empty_columns == "error":
        for code in empty:
            spec = cfg.indicator(code)
            found.add("error", "empty_column",
                      Msg("f.empty_indicator", code=code, label=Both(spec.label_id, spec.label_en), rows=len(keep)),
                      file=label, column=colmap[code], expected=Msg("f.empty_indicator.expected", code=code))
        return empty
    found.add("warning", "indicators_left_out", Msg("f.indicators_left_out", n=len(empty), codes=", ".join(empty)),
              file=label)
    return empty


def without_indicators(cfg: StudyConfig, codes: list[str]) -> StudyConfig:
    """``cfg`` with the indicators ``codes`` left out (``[data] empty_columns = "leave_out"``).

    Raises
    ------
    InputError
        A dimension would be left without any indicator (``dimension_without_data``), naming it.
    """
    if not codes:
        return cfg
    kept = [i for i in cfg.indicators if i.code not in codes]
    holds = {i.dimension for i in kept} | {d.parent for d in cfg.dimensions if d.parent}
    empty = [d.code for d in cfg.dimensions if d.code not in holds]
    if empty:
        raise InputError([Finding("error", "dimension_without_data", Msg("f.dimension_without_data", dimension=d),
                                  file=cfg.data.file, expected=Msg("f.dimension_without_data.expected"))
                          for d in empty])
    return cfg.model_copy(update={"indicators": kept})


def _unknown_codes(unknown: list[tuple[int, object]], codes: pd.Series, areas, code_col: str, label: str,
                   found: Findings) -> None:
    known = areas.index
    by_name = {str(n).strip().lower(): c for c, n in areas["name"].items()}
    named = sum(1 for _, v in unknown if str(v).strip().lower() in by_name)
    hint: Msg | str = ""
    if named >= max(1, len(unknown) // 2):
        hint = Msg("f.unknown_code.names")
    elif len(unknown) == len(codes.dropna()) and len(unknown) > 2:
        hint = Msg("f.unknown_code.bps")
    for row, v in unknown:
        is_total = isinstance(v, str) and v.strip().lower() in ("jumlah", "total", "kota", "kabupaten")
        found.add("error", "unknown_code", Msg("f.unknown_code", total=Msg("f.total_row") if is_total else "", hint=hint),
                  file=label, row=row, column=code_col, value=v,
                  expected=Msg("x.unknown_code", n=len(known), example=known[0]))


def _reference(df: pd.DataFrame, keep: list[int], col: str, index: pd.Index, label: str, found: Findings) -> pd.Series:
    ref = []
    for row in keep:
        cell = df.at[row, col]
        key = None if cell is None else str(cell).strip().lower().removesuffix(".0")
        if key is None or key == "":
            ref.append(np.nan)
        elif key in YES:
            ref.append(1.0)
        elif key in NO:
            ref.append(0.0)
        else:
            found.add("error", "not_binary", Msg("f.not_binary"), file=label, row=int(row),
                      column=col, value=as_shown(cell),
                      expected=Msg("x.not_binary"))
            ref.append(np.nan)
    return pd.Series(ref, index=index, name=col)


def extra_columns(cfg: StudyConfig) -> set[str]:
    """Positive whole-number columns of the indicator table that stages use besides the
    denominators (the plan's population): validated once here, with the same rules."""
    plan = getattr(cfg, "plan", None)
    column = getattr(plan, "population_column", None) if plan is not None else None
    return {column} if column else set()


def coverage_findings(data: pd.DataFrame, label: str, rows: dict[str, int] | None = None,
                      names: pd.Series | None = None) -> list[Finding]:
    """Warnings for areas whose indicator data are partly missing: the table row, the area's
    name and code, the first empty column and the list of what is missing.

    Linear in the number of areas (one vectorised mask; only partial rows are visited)."""
    rows = rows or {}
    m = data.shape[1]
    missing = data.isna().to_numpy()
    k = missing.sum(axis=1)
    partial = np.flatnonzero((k > 0) & (k < m))
    cols = np.asarray(data.columns)
    codes = data.index.to_numpy()
    name_of = {} if names is None else dict(zip(names.index, names.to_numpy()))
    out = []
    for i in partial:
        code = codes[i]
        miss = list(cols[missing[i]])
        who = f"{name_of[code]} ({code})" if code in name_of else code
        more = "…" if len(miss) > 8 else ""
        out.append(Finding("warning", "partial_data",
                           Msg("f.partial_data", who=who, p=m - len(miss), m=m, miss=', '.join(miss[:8]), more=more),
                           file=label, row=rows.get(code), column=miss[0], value=code,
                           expected=Msg("x.partial_data")))
    return out


def load_study(study_dir: Path | str, *, config: StudyConfig | None = None) -> Study:
    """Read, check and join every input of a study folder.

    Parameters
    ----------
    study_dir : path
        Folder holding ``petarawan.toml`` and the files it names (a path to the
        ``petarawan.toml`` itself is accepted too).
    config : StudyConfig, optional
        Use this configuration instead of reading ``petarawan.toml`` (a replay uses the resolved
        configuration recorded in ``run.json``).

    Returns
    -------
    Study

    Raises
    ------
    ConfigError
        Invalid configuration.
    InputError
        Any error finding; ``err.findings`` lists them all, ordered by file, row and column.
    """
    study_dir = Path(study_dir)
    if study_dir.is_file() and study_dir.name.endswith(".toml"):
        study_dir = study_dir.parent
    cfg = config if config is not None else load_config(study_dir)
    found = Findings()
    hashes: dict[str, str] = {}
    areas = table = None
    try:
        apath = resolve(study_dir, cfg.areas.file, "boundary")
        hashes[cfg.areas.file] = sha256(apath)
        layer = read_boundary_layer(apath, layer=cfg.areas.layer, label=cfg.areas.file, encoding=cfg.areas.encoding)
        found.extend(layer.findings)
        areas = check_areas(layer.frame, cfg, cfg.areas.file, found)
    except InputError as err:
        found.extend(err.findings)
    try:
        tpath = resolve(study_dir, cfg.data.file, "indicator")
        hashes[cfg.data.file] = sha256(tpath)
        try:
            table = read_sheet(tpath, sheet=cfg.data.sheet, label=cfg.data.file, header_hint=cfg.data.code_column,
                               encoding=cfg.data.encoding)
            unread = None
        except InputError as err:
            unread = err
        if cfg.data.sheet is None and (unread is not None or cfg.data.code_column.lower() not in
                                       [str(c).lower() for c in table.cells.columns]):
            other = sheet_with(tpath, cfg.data.code_column, label=cfg.data.file)
            if other is not None:  # the data sit on another sheet (a "Petunjuk" sheet first): one finding
                unread = InputError(Finding("error", "data_on_other_sheet", Msg("v.other_sheet", first=other[0], sheet=other[1]),
                                            file=cfg.data.file, expected=Msg("v.other_sheet.exp", sheet=other[1])))
                table = None
        if unread is not None:
            raise unread
        found.extend(table.findings)
    except InputError as err:
        found.extend(err.findings)
    data = reference = None
    denoms = pd.DataFrame()
    table_rows: dict[str, int] = {}
    others: dict[str, tuple[int, object]] = {}
    left_out: list[str] = []
    if table is not None:
        data, reference, denoms, table_rows, others, left_out = check_table(table, cfg, areas, cfg.data.file, found)
    found.raise_if_errors()
    cfg = without_indicators(cfg, left_out)
    if data is not None:
        data = data.drop(columns=[c for c in left_out if c in data.columns])
    assert areas is not None and data is not None
    for code in areas.index.difference(data.index, sort=False):
        if code in others:
            row, year = others[code]
            found.add("warning", "no_row_for_year", Msg("f.no_row_for_year", year=year, row=row), file=cfg.data.file, row=row, value=code,
                      expected=Msg("x.no_row_for_year"))
            continue
        found.add("warning", "no_data", Msg("f.no_data"), file=cfg.data.file,
                  value=code,
                  expected=Msg("x.no_data"))
    data = data.reindex(areas.index)
    found.extend(coverage_findings(data, cfg.data.file, table_rows, areas["name"]))
    if not cfg.study.data_date.strip():
        found.add("warning", "no_data_date", Msg("f.no_data_date"),
                  file="petarawan.toml", column="study.data_date",
                  expected=Msg("x.no_data_date"))
    if reference is not None:
        reference = reference.reindex(areas.index)
    found.sort()
    return Study(cfg, study_dir, areas, data, reference, denoms.reindex(areas.index), found.items, hashes)
