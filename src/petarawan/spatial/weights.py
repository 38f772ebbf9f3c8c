"""Spatial weights: which areas are neighbours, and how much each neighbour counts.

Built with :class:`libpysal.graph.Graph`, PySAL's immutable weights object: every function here
returns a *new* graph and never changes the one it was given (unlike setting
``libpysal.weights.W.transform``, which mutates the caller's object).

Sources
-------
- Contiguity (Queen: a shared point suffices; Rook: a shared stretch of boundary is needed), k
  nearest neighbours and distance bands: Anselin & Rey (2014), *Modern Spatial Econometrics in
  Practice*, ch. 3; ``libpysal.graph.Graph.build_knn`` / ``build_distance_band``.
- Contiguity is *geometric* by default (:func:`contiguity_pairs`): two areas are Queen
  neighbours when their polygons intersect (share at least one point, wherever the vertices
  are), Rook neighbours when their boundaries share a line or their interiors overlap (DE-9IM
  ``****1****`` or ``T********``; OGC Simple Features / shapely ``relate_pattern``).  This is
  libpysal's "strict" contiguity (``Graph.build_contiguity(strict=True)``: "contiguity
  determined based on geometric relations that do not require precise topology"), except that
  overlapping areas — boundaries digitised from different sources — count as neighbours instead
  of being dropped.  libpysal's default (``strict=False``) and GeoDa compare vertex coordinates
  and miss neighbours at T-junctions (a corner of one area in the middle of another's edge) and
  across overlaps; with ``contiguity="vertex"`` that rule is used, and in both modes every pair
  the two rules disagree on is reported (:func:`contiguity_findings`).
- Snapping tolerance t (metres, in a projected CRS): Queen neighbours are the areas within t of
  each other (``shapely.dwithin``); Rook neighbours are those pairs that share a line or overlap
  after one is snapped to the other within t (``shapely.snap``: GEOS ``GeometrySnapper``, as in
  QGIS's *Snap geometries to layer*).
- Row standardisation (``"r"``): w*_ij = w_ij / Σ_j w_ij, so each row sums to 1; binary (``"b"``):
  w_ij ∈ {0, 1}.  ``libpysal.graph.Graph.transform``.
- Islands (areas with no neighbour) are reported; in libpysal a Graph keeps them as a zero
  self-weight, and esda gives them no local statistic (``island_weight=0``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from libpysal.graph import Graph

from ..io.geometry import polygonal  # the one repair to polygons (io owns it)
from ..errors import Finding, InputError
from ..i18n import Msg

Kind = Literal["queen", "rook", "knn", "distance_band"]
Transformation = Literal["r", "b"]
Contiguity = Literal["geometric", "vertex"]
KINDS: tuple[str, ...] = ("queen", "rook", "knn", "distance_band")
CONTIGUITY: tuple[str, ...] = ("geometric", "vertex")
SHOWN_PAIRS = 20
"""Pairs listed by name in a contiguity finding; the rest are counted."""


@dataclass(frozen=True)
class WeightsResult:
    """Spatial weights and what was found while building them.

    Attributes
    ----------
    graph : libpysal.graph.Graph
        n × n weights, ``graph.unique_ids`` equal to the input frame's index, transformed as
        requested.
    kind : str
        ``queen``, ``rook``, ``knn`` or ``distance_band``.
    transformation : str
        ``"r"`` (row-standardised) or ``"b"`` (binary).
    islands : tuple[str, ...]
        Ids of the areas with no neighbour.
    params : dict
        Every choice made (for ``run.json``): contiguity rule and snapping tolerance, k,
        threshold, CRS used for distances, mean and maximum number of neighbours, number of
        islands, number of neighbour pairs the vertex rule misses.
    notes : tuple[Finding, ...]
        Findings made while building (non-polygonal parts left out, contiguity disagreements).
    """

    graph: Graph
    kind: str
    transformation: str
    islands: tuple[str, ...]
    params: dict
    notes: tuple[Finding, ...] = field(default=())

    def findings(self) -> list[Finding]:
        """The notes, then a warning naming every island (an area without neighbours has no local
        statistic)."""
        out = list(self.notes)
        if not self.islands:
            return out
        shown = ", ".join(self.islands[:20]) + (" …" if len(self.islands) > 20 else "")
        return out + [Finding("warning", "spatial_islands",
                              Msg("f.spatial_islands", n_islands=len(self.islands), kind=self.kind, shown=shown), value=len(self.islands),
                              expected=Msg("x.spatial_islands"))]


def projected(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``areas`` in a projected CRS (distances in metres): unchanged if already projected,
    else reprojected to its UTM zone (``GeoDataFrame.estimate_utm_crs``).  Returns a new frame."""
    if areas.crs is None or not areas.crs.is_geographic:
        return areas
    return areas.to_crs(areas.estimate_utm_crs())


ROOK_PATTERNS = ("****1****", "T********")
"""DE-9IM patterns of Rook contiguity: the boundaries share a line, or the interiors overlap."""


def contiguity_pairs(geoms, *, rook: bool, tolerance: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Geometric contiguity: every ordered pair (i, j), i ≠ j, of neighbouring polygons.

    Queen: the polygons intersect — they share at least one point, wherever the vertices lie —
    or, with ``tolerance`` t > 0, come within t of each other.  Rook: the boundaries share a line
    or the interiors overlap (:data:`ROOK_PATTERNS`); with t > 0, after snapping either polygon
    to the other within t (``shapely.snap``).  A T-junction (a corner of one polygon in the middle
    of another's edge) is a neighbour under both rules.

    Parameters
    ----------
    geoms : array-like (n,) of Polygon | MultiPolygon
        Valid polygons (see :func:`polygonal`), in a CRS whose unit is that of ``tolerance``.
    rook : bool
    tolerance : float
        Snapping distance ≥ 0 in CRS units (metres in a projected CRS).

    Returns
    -------
    focal, neighbour : ndarray of int
        Positions into ``geoms``, both directions of every pair, sorted by focal then neighbour.
    """
    arr = np.asarray(geoms, dtype=object)
    tree = shapely.STRtree(arr)
    if tolerance > 0:
        h, t = tree.query(arr, predicate="dwithin", distance=tolerance)
    else:
        h, t = tree.query(arr, predicate="intersects")
    keep = h < t
    h, t = h[keep], t[keep]
    if rook and len(h):
        a, b = arr[h], arr[t]
        sides = [(a, b)]
        if tolerance > 0:
            sides = [(shapely.snap(a, b, tolerance), b), (shapely.snap(b, a, tolerance), a)]
        hit = np.zeros(len(h), dtype=bool)
        for x, y in sides:
            for pattern in ROOK_PATTERNS:
                hit |= shapely.relate_pattern(x, y, pattern)
        h, t = h[hit], t[hit]
    focal = np.concatenate([h, t])
    neighbour = np.concatenate([t, h])
    order = np.lexsort((neighbour, focal))
    return focal[order], neighbour[order]


def vertex_pairs(geoms, *, rook: bool) -> tuple[np.ndarray, np.ndarray]:
    """Vertex-based contiguity (libpysal's default ``Graph.build_contiguity(strict=False)``, GeoDa):
    Queen neighbours share a vertex, Rook neighbours a pair of consecutive vertices.

    Returns ordered pairs of positions like :func:`contiguity_pairs`.
    """
    arr = np.asarray(geoms, dtype=object)
    g = Graph.build_contiguity(gpd.GeoSeries(arr, index=pd.RangeIndex(len(arr))), rook=rook)
    adj = g.adjacency
    focal = adj.index.get_level_values(0).to_numpy()
    neighbour = adj.index.get_level_values(1).to_numpy()
    real = (focal != neighbour) & (adj.to_numpy() != 0)
    return focal[real].astype(int), neighbour[real].astype(int)


def graph_from_pairs(ids: pd.Index, focal: np.ndarray, neighbour: np.ndarray) -> Graph:
    """Binary :class:`~libpysal.graph.Graph` over ``ids`` (in that order) from position pairs;
    an area without pairs is an island (a zero self-weight, libpysal's convention)."""
    n = len(ids)
    isolated = np.setdiff1d(np.arange(n), focal)
    f = np.concatenate([focal, isolated]).astype(int)
    nb = np.concatenate([neighbour, isolated]).astype(int)
    w = np.concatenate([np.ones(len(focal)), np.zeros(len(isolated))])
    order = np.lexsort((nb, f))
    values = np.asarray(ids, dtype=object)
    return Graph.from_arrays(values[f[order]], values[nb[order]], w[order])


def _pair_names(ids: pd.Index, pairs: set[tuple[int, int]]) -> tuple[str, int]:
    ordered = sorted(tuple(sorted((str(ids[i]), str(ids[j])))) for i, j in pairs)
    shown = ", ".join(f"{a}–{b}" for a, b in ordered[:SHOWN_PAIRS])
    return shown + (f" … (+{len(ordered) - SHOWN_PAIRS})" if len(ordered) > SHOWN_PAIRS else ""), len(ordered)


def contiguity_findings(ids: pd.Index, used: set[tuple[int, int]], other: set[tuple[int, int]], *,
                        contiguity: str, kind: str) -> list[Finding]:
    """One finding per direction in which the geometric and the vertex rule disagree.

    Parameters
    ----------
    ids : Index (n,)
    used, other : set of (i, j), i < j
        Unordered neighbour pairs (positions) of the rule used and of the other rule.
    contiguity : {"geometric", "vertex"}
        The rule used.

    Returns
    -------
    list[Finding]
        ``contiguity_extra`` (info): pairs the geometric rule finds and the vertex rule misses,
        when the geometric rule is used; ``contiguity_missed`` (warning): the same pairs when the
        vertex rule is used (they are not neighbours in this run); ``contiguity_vertex_only``
        (warning): pairs only the vertex rule finds (rare: coinciding vertices of polygons that do
        not meet after snapping within the tolerance).
    """
    out: list[Finding] = []
    geometric, vertex = (used, other) if contiguity == "geometric" else (other, used)
    only_geo = geometric - vertex
    only_vertex = vertex - geometric
    if only_geo:
        shown, n = _pair_names(ids, only_geo)
        if contiguity == "geometric":
            out.append(Finding(
                "info", "contiguity_extra",
                Msg("f.contiguity_extra", n=n, kind=kind, shown=shown), value=n,
                expected=Msg("x.contiguity_extra")))
        else:
            out.append(Finding(
                "warning", "contiguity_missed",
                Msg("f.contiguity_missed", n=n, shown=shown), value=n,
                expected=Msg("x.contiguity_missed")))
    if only_vertex:
        shown, n = _pair_names(ids, only_vertex)
        out.append(Finding(
            "warning", "contiguity_vertex_only",
            Msg("f.contiguity_vertex_only", n=n, shown=shown),
            value=n, expected=Msg("x.contiguity_vertex_only")))
    return out


def _unordered(focal: np.ndarray, neighbour: np.ndarray) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in zip(focal, neighbour) if i < j}


def build_weights(
    areas: gpd.GeoDataFrame,
    kind: Kind = "queen",
    *,
    transformation: Transformation = "r",
    k: int = 8,
    threshold: float | None = None,
    contiguity: Contiguity = "geometric",
    snap_tolerance: float = 0.0,
) -> WeightsResult:
    """Build spatial weights for polygons.

    Parameters
    ----------
    areas : GeoDataFrame
        n polygons; the index gives the ids (area codes), which must be unique.  Parts that are
        not polygons (lines left by geometry repair) are ignored (:func:`polygonal`).
    kind : {"queen", "rook", "knn", "distance_band"}
        Contiguity uses the polygons; knn and distance band use their centroids in a projected
        CRS (a geographic CRS is first reprojected to its UTM zone, see :func:`projected`).
    transformation : {"r", "b"}
        Row-standardised or binary weights.
    k : int
        Number of neighbours for ``knn`` (1 ≤ k < n).
    threshold : float
        Distance band in the units of the projected CRS (metres for UTM / British National Grid);
        required for ``distance_band``.
    contiguity : {"geometric", "vertex"}
        Queen / Rook rule: geometric relations (:func:`contiguity_pairs`, default) or shared
        vertices (:func:`vertex_pairs`).  The pairs the two rules disagree on are reported either
        way (:func:`contiguity_findings`).
    snap_tolerance : float
        Metres (≥ 0), geometric contiguity only: areas whose boundaries come within this distance
        count as touching.  Measured in the projected CRS of :func:`projected`.

    Returns
    -------
    WeightsResult

    Raises
    ------
    InputError
        Unknown kind, contiguity or transformation, k out of range, missing threshold, negative
        tolerance, duplicate ids.
    """
    if kind not in KINDS:
        raise InputError(Finding("error", "weights_kind", Msg("f.weights_kind"), value=kind,
                                 expected=Msg("x.weights_kind", kinds=list(KINDS))))
    if contiguity not in CONTIGUITY:
        raise InputError(Finding("error", "weights_contiguity", Msg("f.weights_contiguity"), value=contiguity,
                                 expected=Msg("x.weights_contiguity", contiguity=list(CONTIGUITY))))
    if not (np.isfinite(snap_tolerance) and snap_tolerance >= 0):
        raise InputError(Finding("error", "weights_snap_tolerance", Msg("f.weights_snap_tolerance"), value=snap_tolerance,
                                 expected=Msg("x.weights_snap_tolerance")))
    if transformation not in ("r", "b"):
        raise InputError(Finding("error", "weights_transformation", Msg("f.weights_transformation"), value=transformation,
                                 expected=Msg("x.weights_transformation")))
    if not areas.index.is_unique:
        dup = sorted(set(areas.index[areas.index.duplicated()].astype(str)))
        raise InputError(Finding("error", "duplicate_code", Msg("f.duplicate_code.weights"),
                                 value=dup[:10], expected=Msg("x.duplicate_code.weights")))
    n = len(areas)
    params: dict = {"kind": kind, "transformation": transformation}
    notes: list[Finding] = []
    geoms, changed, empty = polygonal(areas.geometry.values)
    if changed.any():
        codes = [str(c) for c in areas.index[changed]]
        notes.append(Finding("warning", "geometry_not_polygonal",
                             Msg("f.geometry_not_polygonal", n_codes=len(codes), codes=', '.join(codes[:20])), value=len(codes),
                             expected=Msg("x.geometry_not_polygonal")))
    if empty.any():
        codes = [str(c) for c in areas.index[empty]]
        notes.append(Finding("warning", "geometry_empty",
                             Msg("f.geometry_empty", n_codes=len(codes), codes=', '.join(codes[:20])), value=len(codes),
                             expected=Msg("x.geometry_not_polygonal")))
    clean = gpd.GeoDataFrame(geometry=geoms, index=areas.index, crs=areas.crs)
    if kind in ("queen", "rook"):
        rook = kind == "rook"
        params.update(contiguity=contiguity, snap_tolerance_m=float(snap_tolerance))
        solid = ~empty
        pos = np.flatnonzero(solid)
        vf, vn = vertex_pairs(geoms[solid], rook=rook)
        vertex = _unordered(pos[vf], pos[vn])
        if snap_tolerance > 0:
            proj = projected(clean)
            params["distance_crs"] = proj.crs.to_string() if proj.crs is not None else None
            gg = proj.geometry.values[solid]
        else:
            gg = geoms[solid]
        gf, gn = contiguity_pairs(gg, rook=rook, tolerance=snap_tolerance)
        geometric = _unordered(pos[gf], pos[gn])
        used, other = (geometric, vertex) if contiguity == "geometric" else (vertex, geometric)
        notes += contiguity_findings(areas.index, used, other, contiguity=contiguity, kind=kind)
        params.update(pairs_geometric_only=len(geometric - vertex), pairs_vertex_only=len(vertex - geometric))
        f = np.array([i for i, j in used] + [j for i, j in used], dtype=int)
        nb = np.array([j for i, j in used] + [i for i, j in used], dtype=int)
        g = graph_from_pairs(areas.index, f, nb)
    else:
        proj = projected(clean)
        pts = proj.geometry.centroid
        params["distance_crs"] = proj.crs.to_string() if proj.crs is not None else None
        if kind == "knn":
            if not 1 <= k < n:
                raise InputError(Finding("error", "weights_k", Msg("f.weights_k"),
                                         value=k, expected=Msg("x.weights_k", n=n)))
            g = Graph.build_knn(pts, k=k)
            params["k"] = k
        else:
            if threshold is None or not threshold > 0:
                raise InputError(Finding("error", "weights_threshold",
                                         Msg("f.weights_threshold"), value=threshold,
                                         expected=Msg("x.weights_threshold")))
            g = Graph.build_distance_band(pts, threshold=threshold, binary=True)
            params["threshold"] = float(threshold)
    g = g.transform(transformation)
    card = g.cardinalities.reindex(areas.index)
    islands = tuple(str(i) for i in g.isolates)
    params.update(mean_neighbours=round(float(card.mean()), 4), max_neighbours=int(card.max()),
                  min_neighbours=int(card.min()), islands=len(islands))
    return WeightsResult(g, kind, transformation, islands, params, tuple(notes))


def star_weights(graph: Graph) -> Graph:
    """Binary weights with a self-weight of 1 (w_ii = 1), as Gi* needs.

    Ord & Getis (1995), eq. 1–2: Gi* includes the area itself in its own neighbourhood.
    ArcGIS *Hot Spot Analysis* uses binary contiguity / distance weights for Gi*.  Returns a new
    graph; ``graph`` is not changed.
    """
    return graph.transform("b").assign_self_weight(1.0)
