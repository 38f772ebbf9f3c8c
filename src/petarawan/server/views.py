"""Read models over a run's outputs (``run.json`` and the ``areas`` layer of the GeoPackage).

What a viewer sees is decided here, by the same rules as the read-only dashboard
(:mod:`petarawan.dashboard.app`): result columns, dimension scores and the columns the stages
declare public (``run.json`` ``public_columns``) exactly as :func:`petarawan.dashboard.app.published_properties`
publishes them (score and dimension scores exact, as a band, or withheld; the published rank;
uncertainty columns only where the score is exact — ``docs/privacy.md``), in the map, the area
profile and the history alike; counts through :func:`petarawan.privacy.suppress_count`; no
normalised value or contribution of a count or a rate, and no "present" flag a suppressed count's
candidates disagree on (a hidden count could be solved back from them).  Analysts and admins see
every value.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import CLASSES
from ..dashboard.app import _clean, area_detail, areas_geojson, load_output, public_keys
from ..privacy import suppress_count

CLASS_ORDER = {c: i for i, c in enumerate(CLASSES)}  # 0 = Bahaya (worst) … 3 = Aman


class RunCache:
    """Loaded runs by output folder (runs never change once written), least recently used out.

    Loading is single-flight: when many requests ask for a run that is not in memory yet (every
    reader, right after a new run is published) one of them loads it and the others wait for
    that load instead of each reading the GeoPackage again."""

    def __init__(self, size: int = 16):
        self.size, self._d, self._lock = size, OrderedDict(), threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    def peek(self, out_dir: Path) -> "LoadedRun | None":
        """The loaded run if it is already in memory (never reads files)."""
        return self._d.get(str(out_dir))

    def get(self, out_dir: Path) -> "LoadedRun":
        key = str(out_dir)
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
            gate = self._loading.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._d:
                    return self._d[key]
            try:
                loaded = LoadedRun(out_dir)
            finally:
                with self._lock:
                    self._loading.pop(key, None)
            with self._lock:
                self._d[key] = loaded
                while len(self._d) > self.size:
                    self._d.popitem(last=False)
        return loaded


class LoadedRun:
    """One run's manifest and areas, with its public GeoJSON serialised once."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.manifest, self.areas = load_output(self.out_dir)
        self.flat = self.areas.reset_index(drop=True)
        self.areas = self.areas.set_index("code", drop=False)
        self.geojson = areas_geojson(self.flat, self.manifest)
        self.public = {str(f["properties"]["code"]): f["properties"] for f in self.geojson["features"]}
        """Per area code its published properties (what a viewer may see: the map layer's)."""
        self.geojson_bytes = json.dumps(self.geojson, ensure_ascii=False, separators=(",", ":")).encode()
        self.plan = _plan_layer(self.out_dir)
        self._memo: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    def peek(self, key: tuple):
        """The memoised value of ``key``, or None."""
        return self._memo.get(key)

    def memo(self, key: tuple, make):
        """``make()`` once per ``key`` (a run never changes once written)."""
        try:
            return self._memo[key]
        except KeyError:
            value = make()
            with self._lock:
                self._memo[key] = value
            return value

    def summary(self, code: str, *, full: bool = False) -> dict | None:
        """Class, rank and score of one area (for the history across years): ``full`` the exact
        values (analysts), otherwise the published ones (score exact or ``None`` with
        ``score_band`` = [low, high]; the published rank)."""
        def make():
            if code not in self.areas.index:
                return None
            row = self.public.get(code) if not full else self.areas.loc[code]
            if row is None:
                return None
            rank, score = _num(row.get("rank")), _num(row.get("score"))
            out = {"class": _clean(row.get("class")), "rank": None if rank is None else int(rank),
                   "score": None if score is None else round(score, 6)}
            if not full and row.get("score_band"):
                out["score_band"] = row["score_band"]
            return out
        return self.memo(("summary", code, full), make)

    @property
    def min_count(self) -> int:
        return int(self.manifest.get("config", {}).get("privacy", {}).get("min_count", 5))

    def classes(self) -> dict[str, str | None]:
        return {c: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v)
                for c, v in self.areas["class"].items()}


def _plan_layer(out_dir: Path) -> dict[str, dict]:
    """Per area the planned programmes, classes, participants, cost and dates (``plan`` layer)."""
    import pyogrio

    gpkg = out_dir / "petarawan.gpkg"
    try:
        if "plan" not in {name for name, _ in pyogrio.list_layers(gpkg)}:
            return {}
        df = pyogrio.read_dataframe(gpkg, layer="plan", read_geometry=False)
    except Exception:  # noqa: BLE001 - an unreadable optional layer means "no plan"
        return {}
    keep = [c for c in ("chosen", "priority", "programmes", "classes", "participants", "participants_suppressed",
                        "seats", "cost", "start", "end") if c in df.columns]
    return {str(r["code"]): {k: _clean(r[k]) for k in keep} for _, r in df.iterrows()}


def weights_used(manifest: dict) -> tuple[dict[str, dict[str, float]], dict[str, float]] | None:
    """Indicator weights per dimension and dimension weights actually used (``method_steps``);
    None unless every aggregation is an arithmetic mean (only then do contributions add up to the
    score) and the framework has two levels (indicators → dimensions → index)."""
    steps = manifest.get("method_steps", [])
    aggs = [s for s in steps if s.get("step") == "aggregation"]
    if not aggs or any(s.get("method") != "arithmetic" for s in aggs):
        return None
    dims = manifest.get("config", {}).get("dimensions", [])
    dim_steps = [s for s in steps if s.get("step") == "weighting" and s.get("params", {}).get("level") == "dimension"]
    if any(d.get("parent") for d in dims) or len(dim_steps) > 1:
        return None  # a framework deeper than indicators → dimensions → index: not decomposed here
    ind: dict[str, dict[str, float]] = {}
    dim: dict[str, float] = {}
    for s in steps:
        p = s.get("params", {})
        if s.get("step") == "weighting" and p.get("level") == "indicator":
            ind[p.get("dimension")] = dict(p.get("weights", {}))
        elif s.get("step") == "weighting" and p.get("level") == "dimension":
            dim = dict(p.get("weights", {}))
    return (ind, dim) if ind and dim else None


def contributions(row, manifest: dict) -> dict[str, float] | None:
    r"""Each indicator's share of an area's score under arithmetic aggregation:

    .. math:: c_i = \frac{W_d}{\sum_{d' \text{ present}} W_{d'}}\,\frac{w_i}{\sum_{j \in d \text{ present}} w_j}\,x_i

    with :math:`x_i` the normalised value, :math:`w_i` the indicator weight within its dimension
    :math:`d` and :math:`W_d` the dimension weight (missing values skipped and weights
    renormalised as in :func:`petarawan.index.aggregate.arithmetic`).  The :math:`c_i` add up to
    the score.  None when the aggregation is not arithmetic or the area has no score."""
    used = weights_used(manifest)
    if used is None or _num(row.get("score")) is None:
        return None
    ind_w, dim_w = used
    out: dict[str, float] = {}
    dim_share: dict[str, float] = {}
    per_dim: dict[str, dict[str, float]] = {}
    for d, ws in ind_w.items():
        vals = {c: _num(row.get(f"{c}_norm")) for c in ws}
        present = {c: v for c, v in vals.items() if v is not None}
        tot = sum(ws[c] for c in present)
        if present and tot > 0:
            per_dim[d] = {c: ws[c] / tot * v for c, v in present.items()}
            dim_share[d] = dim_w.get(d, 0.0)
    total = sum(dim_share.values())
    if total <= 0:
        return None
    for d, parts in per_dim.items():
        for c, v in parts.items():
            out[c] = dim_share[d] / total * v
    return out


def _present(value: float, spec: dict) -> bool:
    """Does ``value`` count as present for a BNN indicator (``present_at``, ``direction``)?"""
    return value >= spec["present_at"] if spec.get("direction", 1) >= 0 else value <= spec["present_at"]


def _num(v: Any) -> float | None:
    v = _clean(v)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def profile(run: LoadedRun, code: str, *, full: bool, lang: str = "id") -> dict | None:
    """:func:`area_profile` computed once per run, area, view and language (a shallow copy)."""
    got = run.memo(("profile", code, full, lang), lambda: area_profile(run, code, full=full, lang=lang))
    return None if got is None else dict(got)


def area_profile(run: LoadedRun, code: str, *, full: bool, lang: str = "id") -> dict | None:
    """Why an area has its class.

    Returns ``{"area": public result columns, "indicators": [...], "dimensions": [...],
    "uncertainty": {...} | None, "potential": ..., "plan": {...}, "aggregation": str}`` or None
    for an unknown code.  Each indicator: code, label, unit, dimension, ``bnn`` role (main /
    supporting / None), ``present_at``, ``present`` (as the count rule saw it), ``value`` (text,
    small counts suppressed unless ``full``), ``normalised`` and ``contribution`` (hidden for
    counts and rates unless ``full``)."""
    if code not in run.areas.index:
        return None
    row = run.areas.loc[code]
    cfg = run.manifest.get("config", {})
    public = run.public.get(code, {})
    shown = area_detail(run.flat, run.manifest, code, lang, published=public)
    contrib = contributions(row, run.manifest) or {}
    by_code = {i["code"]: i for i in shown["indicators"]}
    indicators = []
    for spec in cfg.get("indicators", []):
        c = spec["code"]
        item = dict(by_code.get(c, {"code": c}))
        raw = _num(row.get(c)) if c in row.index else None
        # a viewer sees a count's normalised value and contribution exactly where the dashboard shows
        # them (dashboard.app.area_detail: no small count anywhere in that indicator's column)
        hidden = bool(spec.get("count") or spec.get("denominator")) and not full and item.get("normalised") is None
        if full:
            item["value"] = None if raw is None else f"{raw:.6g}"
            item["normalised"] = _num(row.get(f"{c}_norm"))
        item["contribution"] = None if hidden or c not in contrib else round(contrib[c], 6)
        item["bnn"] = spec.get("bnn")
        item["present_at"] = spec.get("present_at")
        item["direction"] = spec.get("direction", 1)
        present = None
        if spec.get("bnn") and spec.get("present_at") is not None and raw is not None:
            present = _present(raw, spec)
            if not full and spec.get("count") and 0 < raw < run.min_count:
                # shown as "<k": publish the flag only when every hidden value 1..k-1 gives it
                flags = {_present(c, spec) for c in range(1, run.min_count)}
                present = present if len(flags) == 1 else None
        item["present"] = present
        indicators.append(item)
    dims = []
    used = weights_used(run.manifest)
    seen = row if full else public  # a viewer: the published values only
    for d in cfg.get("dimensions", []):
        col = f"dim_{d['code']}"
        item = {"code": d["code"], "label": (d.get("label_en") if lang == "en" and d.get("label_en") else d.get("label_id")),
                "score": _num(seen.get(col)), "weight": (used[1].get(d["code"]) if used else d.get("weight"))}
        if not full and public.get(f"{col}_band"):
            item["band"] = public[f"{col}_band"]
        dims.append(item)
    unc = None
    if "rank_p05" in row.index and "p_bahaya" in row.index:
        unc = {"rank_median": _num(seen.get("rank_median")), "rank_p05": _num(seen.get("rank_p05")),
               "rank_p95": _num(seen.get("rank_p95")),
               "probabilities": {k: _num(seen.get(f"p_{k.lower()}")) for k in CLASSES}}
        if not full and all(v is None for v in (unc["rank_p05"], unc["rank_p95"], *unc["probabilities"].values())):
            unc = None  # withheld with the score (or not a public column)
    plan = run.plan.get(code) if run.plan else None
    if plan is not None and not full and plan.get("participants_suppressed"):
        # the GeoPackage is an analysts' file with the real total; a viewer gets it withheld
        plan = {**plan, "participants": None}
    rule = cfg.get("classification", {})
    return {"area": shown["area"], "indicators": indicators, "dimensions": dims, "uncertainty": unc,
            "potential": _num(row.get("potensi")) if "potensi" in row.index else None, "plan": plan,
            "classification": {"method": rule.get("method"), "bands": rule.get("bands"),
                               "count_rule": rule.get("count_rule")},
            "aggregation": "arithmetic" if used else "other", "min_count": run.min_count}


def activities(study_dir: Path, code: str, *, full: bool, min_count: int) -> list[dict]:
    """Completed activities for area ``code`` from the study's monitoring store
    (``petarawan.sqlite`` of ``petarawan track``, uploaded with the configuration): date, activity,
    programme and participants (small counts suppressed unless ``full``; spend only when
    ``full``).  An absent or unreadable store gives no activities."""
    from ..errors import PetarawanError
    from ..track import TrackStore

    path = study_dir / "petarawan.sqlite"
    if not path.is_file():
        return []
    try:
        with TrackStore(path, read_only=True) as store:
            df = store.activities()
    except (PetarawanError, Exception):  # noqa: BLE001 - a damaged store must not break the profile
        return []
    out = []
    for _, r in df[df["area"] == code].iterrows():
        n = int(r["exposed"] or 0) + int(r["not_exposed"] or 0) + int(r["facilitators"] or 0)
        item = {"date": str(r["date"]), "activity": r["activity"], "programme": r["programme"],
                "participants": str(n) if full else suppress_count(n, min_count)}
        if full:
            item["spend"] = float(r["spend"] or 0.0)
        out.append(item)
    return out


def compare(old: LoadedRun, new: LoadedRun) -> dict:
    """Class changes between two runs (*keterpulihan*): per area the old and new class and
    ``better`` / ``worse`` / ``same`` / ``new`` / ``gone``; a transition table
    ``counts[old][new]``; and the number of areas per direction."""
    a, b = old.classes(), new.classes()
    names = {**{c: _clean(v) for c, v in old.areas["name"].items()}, **{c: _clean(v) for c, v in new.areas["name"].items()}}
    rows = []
    table: dict[str, dict[str, int]] = {}
    summary = {"better": 0, "worse": 0, "same": 0, "new": 0, "gone": 0}
    for code in sorted(set(a) | set(b)):
        ca, cb = a.get(code), b.get(code)
        if ca is None and cb is None:
            change = "same"
        elif ca is None:
            change = "new"
        elif cb is None:
            change = "gone"
        else:
            change = "same" if ca == cb else ("better" if CLASS_ORDER[cb] > CLASS_ORDER[ca] else "worse")
        summary[change] += 1
        table.setdefault(ca or "none", {}).setdefault(cb or "none", 0)
        table[ca or "none"][cb or "none"] += 1
        rows.append({"code": code, "name": names.get(code), "old": ca, "new": cb, "change": change})
    return {"areas": rows, "counts": table, "summary": summary}


def region_of(code: str, level: int) -> str:
    """Kemendagri prefix: level 1 province (``19``), 2 kabupaten/kota (``19.71``)."""
    return ".".join(str(code).split(".")[:level])


def rollup(runs: list[tuple[dict, LoadedRun]], *, level: int = 2) -> dict:
    """Counts per class per region over the latest runs of many studies, as BNN publishes them.

    ``runs``: (study description, loaded run).  Returns ``{"rows": [{"region", "study", "Bahaya",
    …, "Aman", "none", "total"}], "total": {...}}``; an area appearing in two studies is counted
    once (the newer run wins)."""
    seen: dict[str, tuple[str, str | None, str]] = {}
    for study, run in sorted(runs, key=lambda sr: sr[1].manifest.get("created", "")):
        for code, cls in run.classes().items():
            seen[code] = (region_of(code, level), cls, study["name"])
    rows: dict[str, dict] = {}
    for code, (region, cls, study_name) in seen.items():
        r = rows.setdefault(region, {"region": region, "studies": set(), **{c: 0 for c in CLASSES}, "none": 0, "total": 0})
        r["studies"].add(study_name)
        r[cls or "none"] += 1
        r["total"] += 1
    out = []
    for region in sorted(rows):
        r = rows[region]
        r["studies"] = sorted(r["studies"])
        out.append(r)
    total = {c: sum(r[c] for r in out) for c in (*CLASSES, "none", "total")}
    return {"level": level, "rows": out, "total": total}


def suppressed(value, min_count: int) -> str:
    return suppress_count(value, min_count)


__all__ = ["LoadedRun", "RunCache", "activities", "area_profile", "compare", "contributions", "ikrn_completeness",
           "profile", "public_keys", "rollup"]


def ikrn_layer(run: LoadedRun) -> pd.DataFrame | None:
    """The run's ``ikrn`` layer (per area: returned and expected questionnaires per instrument,
    ``below_quota``), read once per run; None when the run has no IKRN stage."""
    def make():
        import pyogrio

        gpkg = run.out_dir / "petarawan.gpkg"
        try:
            if "ikrn" not in {name for name, _ in pyogrio.list_layers(gpkg)}:
                return None
            return pyogrio.read_dataframe(gpkg, layer="ikrn", read_geometry=False).set_index("code")
        except Exception:  # noqa: BLE001 - an unreadable optional layer means "no IKRN"
            return None
    return run.memo(("ikrn-layer",), make)


def ikrn_completeness(runs: list[tuple[dict, LoadedRun]], *, level: int = 2, lang: str = "id",
                      full: bool = False) -> dict | None:
    """IKRN reporting completeness per kabupaten/kota (``level`` 2) or province (1) over the
    latest runs of many studies.

    Per region: areas, areas with every quota met, areas without any return, questionnaires
    returned and expected per instrument, and the reporting rate
    Σ min(returned, expected) / Σ expected in % (DHIS2's reporting rate; the same function as the
    study's own table, :func:`petarawan.ikrn.completeness.completeness_summary`).  An area in two
    studies counts once (the newer run), as in :func:`rollup`.  Returned counts of 1..min_count−1
    are shown as ``<min_count`` unless ``full`` (analysts); the rate of such a region too (it
    would give the count back).  None when no run has an IKRN stage.

    Returns ``{"title_id", "title_en", "columns", "rows"}`` (headings in ``lang``; rows of text)."""
    from ..i18n import t
    from ..ikrn.bank import INSTRUMENTS
    from ..ikrn.completeness import completeness_summary

    frames: dict[str, pd.DataFrame] = {}
    min_count = 1
    for _study, run in sorted(runs, key=lambda sr: sr[1].manifest.get("created", "")):
        layer = ikrn_layer(run)
        if layer is None:
            continue
        min_count = max(min_count, run.min_count)
        for code in layer.index:
            frames[str(code)] = layer.loc[[code]]
    if not frames:
        return None
    ret = [f"returned_{k}" for k in INSTRUMENTS]
    exp = [f"expected_{k}" for k in INSTRUMENTS]
    table = pd.concat(frames.values())
    table = table[ret + exp].fillna(0).astype("int64").assign(below_quota=table["below_quota"].astype(bool))
    table["region"] = [region_of(c, level) for c in table.index]
    summ = completeness_summary(table, "region").sort_index(key=lambda ix: ix.map(lambda v: (v == "(total)", v)))
    heading = lambda c: t(f"ikrn.col.{c}", lang)  # noqa: E731
    ins_name = {k: k.upper().replace("IKRN", "IKRN ") for k in INSTRUMENTS}
    columns = [t("server.rollup.region" if level == 2 else "server.rollup.province", lang), heading("areas"),
               heading("areas_complete"), heading("areas_without_returns"),
               *[t("ikrn.col.returned", lang, ins=ins_name[k]) for k in INSTRUMENTS],
               *[t("ikrn.col.expected", lang, ins=ins_name[k]) for k in INSTRUMENTS], heading("reporting_rate") + " (%)"]
    rows = []
    for region, r in summ.iterrows():
        returned = [int(r[c]) for c in ret]
        hidden = not full and any(0 < n < min_count for n in returned)
        shown = [str(n) if full else suppress_count(n, min_count) for n in returned]
        rate = r["reporting_rate"]
        rate_text = "–" if hidden or rate != rate else f"{100 * rate:.1f}"
        rows.append([t("server.rollup.total", lang) if region == "(total)" else region, str(int(r["areas"])),
                     str(int(r["areas_complete"])), str(int(r["areas_without_returns"])), *shown,
                     *[str(int(r[c])) for c in exp], rate_text])
    return {"title_id": t("ikrn.map_title", "id"), "title_en": t("ikrn.map_title", "en"), "columns": columns, "rows": rows}


ROLLUP_AREA_LIMIT = 2000
"""Largest number of areas the roll-up map sends one by one; above it (a provincial or national
roll-up) the map shows kabupaten/kota dissolved from their areas."""
MAP_PIXELS = 2000
"""Pixels across the widest screen the roll-up map is drawn for (a 1000 px screen at 2× density):
the simplification tolerance is the map's extent divided by this, so no vertex is dropped that
could move a border by more than one pixel."""


def _wgs84_shapes(run: LoadedRun) -> list:
    """The run's public GeoJSON geometries as shapely geometries (once per run)."""
    import shapely.geometry

    return run.memo(("shapes",), lambda: [None if f["geometry"] is None else shapely.geometry.shape(f["geometry"])
                                          for f in run.geojson["features"]])


def rollup_map(runs: list[tuple[dict, LoadedRun]], *, level: int | None = None) -> dict:
    """The roll-up map as GeoJSON, light enough for a phone at any scale.

    Parameters
    ----------
    runs : list of (study, LoadedRun)
        The latest published run of each study; an area in two studies is drawn once (the newer
        run), as in :func:`rollup`.
    level : {0, 1, 2}, optional
        0 = the areas themselves (public columns); 2 = kabupaten/kota, 1 = provinces, each
        dissolved from its areas (``shapely.union_all``) with ``code``/``name`` = the Kemendagri
        prefix, the number of areas per class and ``class`` = the class most of its areas have
        (a tie goes to the worse class).  Default: 0 up to :data:`ROLLUP_AREA_LIMIT` areas, else 2.

    Geometry is simplified with a tolerance of (map extent) / :data:`MAP_PIXELS` in the map's
    units (degrees for WGS84) — one screen pixel — keeping shared borders shared
    (``shapely.coverage_simplify``), and coordinates are rounded to a tenth of that tolerance.
    Returns a FeatureCollection with ``level`` and ``tolerance``."""
    import numpy as np
    import shapely

    newest: dict[str, tuple[dict, Any]] = {}
    crs = "EPSG:4326"
    for _study, run in sorted(runs, key=lambda sr: sr[1].manifest.get("created", "")):
        crs = run.geojson.get("crs", crs) if not newest else crs
        for feat, geom in zip(run.geojson["features"], _wgs84_shapes(run)):
            if geom is not None:
                newest[str(feat["properties"].get("code"))] = (feat["properties"], geom)
    if level is None:
        level = 0 if len(newest) <= ROLLUP_AREA_LIMIT else 2
    if not newest:
        return {"type": "FeatureCollection", "crs": crs, "level": level, "tolerance": 0.0, "features": []}
    codes = list(newest)
    geoms = np.array([newest[c][1] for c in codes], dtype=object)
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    tol = max(maxx - minx, maxy - miny) / MAP_PIXELS
    if level == 0:
        props = [newest[c][0] for c in codes]
    else:
        groups: dict[str, list[int]] = {}
        for i, c in enumerate(codes):
            groups.setdefault(region_of(c, level), []).append(i)
        props, merged = [], []
        for region, idx in sorted(groups.items()):
            counts = {k: 0 for k in (*CLASSES, "none")}
            for i in idx:
                counts[newest[codes[i]][0].get("class") or "none"] += 1
            scored = [k for k in CLASSES if counts[k]]
            top = max(scored, key=lambda k: (counts[k], -CLASS_ORDER[k])) if scored else None
            label = " · ".join(f"{k} {counts[k]}" for k in CLASSES)
            props.append({"code": region, "name": f"{region}: {label}", "class": top, **counts, "total": len(idx)})
            merged.append(shapely.union_all(geoms[idx], grid_size=tol / 10))
        geoms = np.array(merged, dtype=object)
    try:
        simple = shapely.coverage_simplify(geoms, tol)
    except Exception:  # noqa: BLE001 - not a clean coverage (overlapping studies): simplify each
        simple = shapely.simplify(geoms, tol, preserve_topology=True)
    decimals = max(0, int(np.ceil(-np.log10(tol / 10)))) if tol > 0 else 6
    simple = shapely.transform(simple, lambda xy: np.round(xy, decimals))
    feats = [{"type": "Feature", "geometry": shapely.geometry.mapping(g) if g is not None and not g.is_empty else None,
              "properties": p} for g, p in zip(simple, props)]
    return {"type": "FeatureCollection", "crs": crs, "level": level, "tolerance": float(tol), "features": feats}
