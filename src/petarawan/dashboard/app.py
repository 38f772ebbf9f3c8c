"""A read-only, offline dashboard for one output folder (FastAPI).

``create_app(out_dir)`` reads ``run.json`` and the ``areas`` layer of ``petarawan.gpkg`` once and
serves:

- ``/`` — the single-page dashboard (our own HTML/JS/CSS; no CDN, no tiles, no web fonts);
- ``/api/run`` — study, data date, class counts, method summary from ``run.json``;
- ``/api/areas`` — the areas as GeoJSON in WGS84 (geometry simplified for the screen) with the
  result columns (score, class, rank, dimension scores, uncertainty and hot-spot columns);
- ``/api/areas/{code}`` — one area's indicators: normalised values, and raw values with small
  counts suppressed as in the report;
- ``/files/{name}`` — download of an output listed in ``run.json`` (nothing else is reachable).

It binds to 127.0.0.1 by default and never writes anything.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import Finding, InputError
from ..privacy import suppress_count
from ..style import dashboard_style

STATIC = Path(__file__).with_name("static")
CORE_COLUMNS = ("score", "class", "rank", "n_main", "n_supporting", "reference")
"""Result columns always shown; stage columns only when their stage lists them as public."""


def _clean(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else round(float(v), 6)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


def load_output(out_dir: Path) -> tuple[dict, gpd.GeoDataFrame]:
    """Read ``run.json`` and the ``areas`` layer; :class:`InputError` if the folder is not a
    petarawan output."""
    out_dir = Path(out_dir)
    try:
        manifest = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
        areas = gpd.read_file(out_dir / "petarawan.gpkg", layer="areas", engine="pyogrio")
    except (OSError, ValueError, Exception) as err:  # noqa: BLE001 - any failure means "not an output folder"
        raise InputError(Finding("error", "not_output", f"bukan folder hasil petarawan ({type(err).__name__})",
                                 file=str(out_dir), message_en=f"not a petarawan output folder ({type(err).__name__})",
                                 expected="folder yang ditulis oleh: petarawan run STUDI --out FOLDER",
                                 expected_en="a folder written by: petarawan run STUDY --out FOLDER")) from None
    return manifest, areas


def public_keys(columns, manifest: dict) -> list[str]:
    """Columns the dashboard may show: code, name, group, the core results, dimension scores and
    the stages' public columns (``run.json`` ``public_columns``)."""
    public = set(manifest.get("public_columns", {}))
    return [c for c in columns if c in ("code", "name", "group") or c in CORE_COLUMNS or c.startswith("dim_")
            or c in public]


def areas_geojson(areas: gpd.GeoDataFrame, manifest: dict | None = None, *, tolerance_m: float = 15.0) -> dict:
    """Areas with public result columns only; geometry simplified by ``tolerance_m`` metres
    (topology preserved) and, when the CRS allows it, in WGS84 rounded to 6 decimals (~0.1 m).
    A layer in local units that cannot be transformed (e.g. Columbus) keeps its coordinates and the
    collection says ``"crs": "local"``."""
    g = areas
    local = False
    try:
        metric = g.to_crs(g.estimate_utm_crs()) if g.crs is not None and g.crs.is_geographic else g
        simple = metric.geometry.simplify(tolerance_m if metric.crs is not None else 0.0, preserve_topology=True)
        simple = gpd.GeoSeries(simple, crs=metric.crs).to_crs(4326) if metric.crs is not None else simple
        simple = shapely.set_precision(simple.values, 1e-6)
    except Exception:  # noqa: BLE001 - local/unknown units: draw as stored
        simple, local = g.geometry.values, True
    keep = public_keys(g.columns, manifest or {})
    feats = []
    for geom, (_, row) in zip(simple, g[keep].iterrows()):
        feats.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom) if geom is not None else None,
                      "properties": {k: _clean(row[k]) for k in keep}})
    return {"type": "FeatureCollection", "crs": "local" if local else "EPSG:4326", "features": feats}


def area_detail(areas: gpd.GeoDataFrame, manifest: dict, code: str, lang: str = "id") -> dict | None:
    """One area's indicators (label, unit, raw value with small counts suppressed, normalised)."""
    hit = areas[areas["code"] == code]
    if hit.empty:
        return None
    row = hit.iloc[0]
    cfg = manifest.get("config", {})
    k = int(cfg.get("privacy", {}).get("min_count", 5))
    out = []
    for ind in cfg.get("indicators", []):
        c = ind["code"]
        raw = _clean(row.get(c)) if c in row.index else None
        shown = suppress_count(raw, k) if ind.get("count") else (None if raw is None else f"{raw:.4g}")
        # a count's normalised value (or its rate's) would let a hidden count be solved back from
        # the counts that are shown: publish it only for indicators that are not counts
        hide_norm = bool(ind.get("count") or ind.get("denominator"))
        label = ind.get("label_en") if lang == "en" and ind.get("label_en") else ind.get("label_id")
        out.append({"code": c, "label": label, "unit": ind.get("unit", ""), "dimension": ind.get("dimension"),
                    "value": shown, "normalised": None if hide_norm else _clean(row.get(f"{c}_norm"))})
    props = {c: _clean(row[c]) for c in public_keys(row.index, manifest)}
    return {"area": props, "indicators": out}


def create_app(out_dir: Path | str):
    """The FastAPI application serving one output folder.

    Raises
    ------
    InputError
        ``out_dir`` is not a petarawan output folder.
    """
    from fastapi import FastAPI, HTTPException
    from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

    out_dir = Path(out_dir).resolve()
    manifest, areas = load_output(out_dir)
    geojson = areas_geojson(areas, manifest)
    # the GeoPackage and the workbook hold per-area raw values (analysts' files): not served
    allowed = {n for n in manifest.get("outputs", {}) if n.endswith((".png", ".html"))}
    app = FastAPI(title="petarawan", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return (STATIC / "index.html").read_text(encoding="utf-8")

    @app.get("/api/run")
    def run_summary() -> dict:
        cfg = manifest.get("config", {})
        return {
            "study": manifest.get("study"), "illustrative": manifest.get("illustrative", False),
            "data_date": cfg.get("study", {}).get("data_date", ""), "created": manifest.get("created"),
            "version": manifest.get("petarawan_version"), "language": manifest.get("language", "id"),
            "n_areas": manifest.get("n_areas"), "n_scored": manifest.get("n_scored"),
            "class_counts": manifest.get("class_counts", {}), "classification": cfg.get("classification", {}).get("method"),
            "normalisation": cfg.get("index", {}).get("normalisation"), "aggregation": cfg.get("index", {}).get("aggregation"),
            "dimensions": [{"code": d["code"], "label_id": d.get("label_id"), "label_en": d.get("label_en") or d.get("label_id")}
                           for d in cfg.get("dimensions", [])],
            "files": sorted(allowed),
            "style": dashboard_style(),
        }

    @app.get("/api/areas")
    def areas_layer() -> JSONResponse:
        return JSONResponse(geojson)

    @app.get("/api/areas/{code}")
    def one_area(code: str, lang: str = "id") -> dict:
        detail = area_detail(areas, manifest, code, lang)
        if detail is None:
            raise HTTPException(404, "unknown area code")
        return detail

    @app.get("/files/{name}")
    def download(name: str) -> FileResponse:
        if name not in allowed or "/" in name or "\\" in name:
            raise HTTPException(404, "not an output of this run")
        return FileResponse(out_dir / name, filename=name)

    return app


def serve(out_dir: Path | str, *, host: str = "127.0.0.1", port: int = 8765) -> None:  # pragma: no cover - blocking
    """Run the dashboard with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(out_dir), host=host, port=port, log_level="warning")
