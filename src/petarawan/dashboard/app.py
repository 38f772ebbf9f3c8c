"""A read-only, offline dashboard for one output folder (FastAPI).

``create_app(out_dir)`` reads ``run.json`` and the ``areas`` layer of ``petarawan.gpkg`` once and
serves:

- ``/`` — the single-page dashboard (our own HTML/JS/CSS; no CDN, no tiles, no web fonts);
- ``/api/run`` — study, data date, class counts, method summary from ``run.json``;
- ``/api/areas`` — the areas as GeoJSON in WGS84 (geometry simplified for the screen) with the
  result columns (score, class, rank, dimension scores, uncertainty and hot-spot columns);
- ``/api/areas/{code}`` — one area's indicators: normalised values, and raw values with small
  counts suppressed as in the report;
- ``/files/{name}`` — download of a map or the report listed in ``run.json``: only a regular
  file directly inside the output folder (no symlink, no ``..``, no sub-folder) whose bytes
  still have the sha256 ``run.json`` recorded.

It binds to 127.0.0.1 by default and answers only requests whose ``Host`` header names the
address it is bound to (:class:`HostCheck`): a web page the analyst visits cannot read it by DNS
rebinding.  It writes nothing, except that on start it repairs an output folder an interrupted
run left behind (:func:`petarawan.io.atomic.recover`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import os
import socket
import stat
from pathlib import Path
from typing import Any, Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import Finding, InputError
from ..i18n import Msg
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
        raise InputError(Finding("error", "not_output", Msg("f.not_output", kind=type(err).__name__),
                                 file=str(out_dir),
                                 expected=Msg("x.not_output"))) from None
    return manifest, areas


def public_keys(columns, manifest: dict) -> list[str]:
    """Columns the dashboard may show: code, name, group, the core results, dimension scores and
    the stages' public columns (``run.json`` ``public_columns``)."""
    public = set(manifest.get("public_columns", {}))
    return [c for c in columns if c in ("code", "name", "group") or c in CORE_COLUMNS or c.startswith("dim_")
            or c in public]


def published_properties(areas: gpd.GeoDataFrame, manifest: dict) -> list[dict]:
    """The public columns of each area (in ``areas`` order) as they may be published
    (:class:`petarawan.privacy.Publication` rebuilt from ``run.json``): ``score``, dimension
    scores, ``n_main`` and ``n_supporting`` exact or ``None``, with ``<column>_band = [low, high]``
    where a band is published instead; ``rank`` the published rank; score-derived stage columns
    ``None`` where the score is not exact."""
    from ..privacy import SCORE_DERIVED_COLUMNS, Publication

    keep = public_keys(areas.columns, manifest)
    table = areas[keep].copy()
    table.index = table["code"].astype(str)
    pub = Publication.from_manifest(table, manifest)
    exact_score = pub.exact("score") if "score" in pub.low.columns else pd.Series(False, index=table.index)
    out = []
    for code, row in table.iterrows():
        props = {}
        for k in keep:
            v = _clean(row[k])
            if k in pub.low.columns:
                lo, hi = float(pub.low.at[code, k]), float(pub.high.at[code, k])
                v = _clean(lo) if lo == hi else None
                if lo < hi:
                    props[f"{k}_band"] = [_clean(lo), _clean(hi)]
            elif k == "rank":
                v = _clean(pub.rank.get(code, pd.NA))
            elif k in SCORE_DERIVED_COLUMNS and not bool(exact_score.get(code, False)):
                v = None
            props[k] = v
        out.append(props)
    return out


def areas_geojson(areas: gpd.GeoDataFrame, manifest: dict | None = None, *, tolerance_m: float = 15.0) -> dict:
    """Areas with public result columns only (:func:`published_properties`); geometry simplified
    by ``tolerance_m`` metres (topology preserved) and, when the CRS allows it, in WGS84 rounded to
    6 decimals (~0.1 m).  A layer in local units that cannot be transformed (e.g. Columbus) keeps
    its coordinates and the collection says ``"crs": "local"``."""
    g = areas
    local = False
    try:
        metric = g.to_crs(g.estimate_utm_crs()) if g.crs is not None and g.crs.is_geographic else g
        simple = metric.geometry.simplify(tolerance_m if metric.crs is not None else 0.0, preserve_topology=True)
        simple = gpd.GeoSeries(simple, crs=metric.crs).to_crs(4326) if metric.crs is not None else simple
        simple = shapely.set_precision(simple.values, 1e-6)
    except Exception:  # noqa: BLE001 - local/unknown units: draw as stored
        simple, local = g.geometry.values, True
    props = published_properties(g, manifest or {})
    feats = [{"type": "Feature", "geometry": shapely.geometry.mapping(geom) if geom is not None else None,
              "properties": p} for geom, p in zip(simple, props)]
    return {"type": "FeatureCollection", "crs": "local" if local else "EPSG:4326", "features": feats}


def _has_small(areas, column: str, k: int) -> bool:
    """True when some area holds a count 1..k-1 in ``column`` (or the column is missing)."""
    if column not in areas.columns:
        return True
    v = pd.to_numeric(areas[column], errors="coerce")
    return bool(((v > 0) & (v < k)).any())


def area_detail(areas: gpd.GeoDataFrame, manifest: dict, code: str, lang: str = "id",
                published: dict | None = None) -> dict | None:
    """Why an area has its class: each indicator's label, unit, raw value (small counts shown as
    ``<k``), normalised value and contribution to the score in points (withheld where the count is
    small), and for BNN main/supporting indicators the threshold and whether it is present (for a
    count shown as ``<k`` only when every hidden value 1..k-1 gives the same answer); ``area``: its
    published results (``published``: its entry of :func:`published_properties`)."""
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
        # a count's normalised value or contribution would let a count shown as "<k" be solved back
        # (directly, or through the normalisation's offset and scale): published only for counts
        # whose column holds no small count in any area; a non-count rate stays withheld
        small = (bool(ind.get("denominator")) and not ind.get("count")) or (
            bool(ind.get("count")) and _has_small(areas, c, k))
        label = ind.get("label_en") if lang == "en" and ind.get("label_en") else ind.get("label_id")
        present = None
        if ind.get("bnn") and ind.get("present_at") is not None and isinstance(raw, (int, float)):
            flag = (lambda v: bool(v >= ind["present_at"] if ind.get("direction", 1) >= 0 else v <= ind["present_at"]))
            present = flag(raw)
            if ind.get("count") and 0 < raw < k and len({flag(v) for v in range(1, k)}) > 1:
                present = None  # shown as "<k": the flag would split the hidden values
        out.append({"code": c, "label": label, "unit": ind.get("unit", ""), "dimension": ind.get("dimension"),
                    "value": shown, "normalised": None if small else _clean(row.get(f"{c}_norm")),
                    "contribution": None if small else _clean(row.get(f"{c}_contrib")),
                    "bnn": ind.get("bnn"), "present_at": ind.get("present_at"), "direction": ind.get("direction", 1),
                    "present": present})
    if published is None:
        published = published_properties(areas, manifest)[list(areas["code"]).index(code)]
    return {"area": published, "indicators": out}


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Host names the dashboard answers to when bound to this computer only (the default)."""


def is_loopback(host: str) -> bool:
    """True when ``host`` (an address or name to bind to) reaches this computer only."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host part of a ``Host`` header, lower case, without port or trailing dot
    (``"[::1]:8765"`` → ``"::1"``, ``"LocalHost.:80"`` → ``"localhost"``)."""
    h = header.strip().lower()
    if h.startswith("["):
        h = h[1:h.find("]")] if "]" in h else h[1:]
    elif h.count(":") == 1:
        h = h.split(":")[0]
    return h.rstrip(".")


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host names accepted in the ``Host`` header when bound to ``host``.

    Loopback binding (default): ``127.0.0.1``, ``localhost``, ``::1``.  Another address: that
    address too, and for ``0.0.0.0``/``::`` (every interface) this computer's name, its fully
    qualified name and the addresses they resolve to.  ``extra``: further names the user lists
    (``petarawan serve --allow-host``).
    """
    names = set(LOOPBACK_HOSTS) | {host_name(h) for h in extra if h}
    bound = host_name(host)
    names.add(bound)
    if bound in ("0.0.0.0", "::", ""):
        for n in {socket.gethostname(), socket.getfqdn()}:
            if not n:
                continue
            names.add(n.lower())
            try:
                names |= {str(a[4][0]).lower() for a in socket.getaddrinfo(n, None)}
            except OSError:
                pass
    return frozenset(names)


class HostCheck:
    """ASGI middleware: answer ``400`` to any request whose ``Host`` header is not one of
    ``allowed`` (defence against DNS rebinding, as Starlette's ``TrustedHostMiddleware``, which
    cannot parse IPv6 ``[::1]:port`` hosts)."""

    def __init__(self, app, allowed: Iterable[str]):
        self.app = app
        self.allowed = frozenset(host_name(h) for h in allowed)

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            header = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
            if host_name(header) not in self.allowed:
                from starlette.responses import PlainTextResponse

                await PlainTextResponse("Invalid host header", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


MEDIA_TYPES = {".png": "image/png", ".html": "text/html; charset=utf-8"}


def read_output_file(out_dir: Path, name: str, digest: str | None) -> bytes | None:
    """The bytes of output ``name``, or ``None`` unless it is a regular file directly inside
    ``out_dir`` (not a symlink, not a folder, no path separator or ``..``) whose sha256 equals
    ``digest`` (the value ``run.json`` recorded when the run wrote it)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        return None
    path = Path(out_dir) / name
    try:
        if path.is_symlink():
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        data = fh.read()
    if os.path.realpath(path) != os.path.join(os.path.realpath(out_dir), name):
        return None
    if digest is None or hashlib.sha256(data).hexdigest() != digest:
        return None
    return data


def _repair(out_dir: Path) -> None:
    """Put back an output folder that a run killed mid-swap left missing (no-op when a run holds
    the folder — it repairs it itself — or the drive is read-only)."""
    from ..io.atomic import output_lock, recover

    try:
        with output_lock(out_dir):
            recover(out_dir)
    except InputError:
        pass


def create_app(out_dir: Path | str, *, hosts: Iterable[str] = LOOPBACK_HOSTS):
    """The FastAPI application serving one output folder.

    Parameters
    ----------
    out_dir : path
        An output folder of ``petarawan run``.
    hosts : names
        Accepted ``Host`` header names (:func:`allowed_hosts`); default this computer only.

    Raises
    ------
    InputError
        ``out_dir`` is not a petarawan output folder.
    """
    from fastapi import FastAPI, HTTPException
    from fastapi.responses import HTMLResponse, JSONResponse, Response

    out_dir = Path(out_dir).absolute()
    _repair(out_dir)
    out_dir = out_dir.resolve()
    manifest, areas = load_output(out_dir)
    geojson = areas_geojson(areas, manifest)
    by_code = {f["properties"].get("code"): f["properties"] for f in geojson["features"]}
    # the GeoPackage and the workbook hold per-area raw values (analysts' files): not served
    outputs = manifest.get("outputs", {}) if isinstance(manifest.get("outputs"), dict) else {}
    allowed = {n for n in outputs if isinstance(n, str) and n.endswith(tuple(MEDIA_TYPES))}
    app = FastAPI(title="petarawan", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(HostCheck, allowed=hosts)

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
        detail = area_detail(areas, manifest, code, lang, by_code.get(code))
        if detail is None:
            raise HTTPException(404, "unknown area code")
        return detail

    @app.get("/files/{name}")
    def download(name: str) -> Response:
        data = read_output_file(out_dir, name, outputs.get(name)) if name in allowed else None
        if data is None:
            raise HTTPException(404, "not an output of this run")
        return Response(data, media_type=MEDIA_TYPES[Path(name).suffix],
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "X-Content-Type-Options": "nosniff"})

    return app


def serve(out_dir: Path | str, *, host: str = "127.0.0.1", port: int = 8765,
          allow: Iterable[str] = ()) -> None:  # pragma: no cover - blocking
    """Run the dashboard with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(out_dir, hosts=allowed_hosts(host, allow)), host=host, port=port, log_level="warning")
