"""Spatial weights: which areas are neighbours, and how much each neighbour counts.

Built with :class:`libpysal.graph.Graph`, PySAL's immutable weights object: every function here
returns a *new* graph and never changes the one it was given (unlike setting
``libpysal.weights.W.transform``, which mutates the caller's object).

Sources
-------
- Contiguity (Queen: a shared vertex suffices; Rook: a shared edge is needed), k nearest
  neighbours and distance bands: Anselin & Rey (2014), *Modern Spatial Econometrics in Practice*,
  ch. 3; implementation ``libpysal.graph.Graph.build_contiguity`` / ``build_knn`` /
  ``build_distance_band``.
- Row standardisation (``"r"``): w*_ij = w_ij / Σ_j w_ij, so each row sums to 1; binary (``"b"``):
  w_ij ∈ {0, 1}.  ``libpysal.graph.Graph.transform``.
- Islands (areas with no neighbour) are reported; in libpysal a Graph keeps them as a zero
  self-weight, and esda gives them no local statistic (``island_weight=0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
from libpysal.graph import Graph

from ..errors import Finding, InputError

Kind = Literal["queen", "rook", "knn", "distance_band"]
Transformation = Literal["r", "b"]
KINDS: tuple[str, ...] = ("queen", "rook", "knn", "distance_band")


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
        Every choice made (for ``run.json``): k, threshold, CRS used for distances, mean and
        maximum number of neighbours, number of islands.
    """

    graph: Graph
    kind: str
    transformation: str
    islands: tuple[str, ...]
    params: dict

    def findings(self) -> list[Finding]:
        """A warning naming every island (an area without neighbours has no local statistic)."""
        if not self.islands:
            return []
        shown = ", ".join(self.islands[:20]) + (" …" if len(self.islands) > 20 else "")
        return [Finding("warning", "spatial_islands",
                        f"{len(self.islands)} wilayah tanpa tetangga (pulau) dengan bobot '{self.kind}': {shown}; "
                        "statistik lokalnya tidak dihitung",
                        message_en=f"{len(self.islands)} area(s) have no neighbour (islands) under '{self.kind}' "
                                   f"weights: {shown}; no local statistic for them", value=len(self.islands),
                        expected="pakai knn atau jarak ambang lebih besar bila pulau perlu punya tetangga",
                        expected_en="use knn or a larger distance band if islands should have neighbours")]


def projected(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``areas`` in a projected CRS (distances in metres): unchanged if already projected,
    else reprojected to its UTM zone (``GeoDataFrame.estimate_utm_crs``).  Returns a new frame."""
    if areas.crs is None or not areas.crs.is_geographic:
        return areas
    return areas.to_crs(areas.estimate_utm_crs())


def build_weights(
    areas: gpd.GeoDataFrame,
    kind: Kind = "queen",
    *,
    transformation: Transformation = "r",
    k: int = 8,
    threshold: float | None = None,
) -> WeightsResult:
    """Build spatial weights for polygons.

    Parameters
    ----------
    areas : GeoDataFrame
        n polygons; the index gives the ids (area codes), which must be unique.
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

    Returns
    -------
    WeightsResult

    Raises
    ------
    InputError
        Unknown kind or transformation, k out of range, missing threshold, duplicate ids.
    """
    if kind not in KINDS:
        raise InputError(Finding("error", "weights_kind", "jenis bobot spasial tidak dikenal",
                                 message_en="unknown spatial weights kind", value=kind,
                                 expected=f"salah satu dari {list(KINDS)}", expected_en=f"one of {list(KINDS)}"))
    if transformation not in ("r", "b"):
        raise InputError(Finding("error", "weights_transformation", "transformasi bobot tidak dikenal",
                                 message_en="unknown weights transformation", value=transformation,
                                 expected="'r' (distandarkan per baris) atau 'b' (biner)",
                                 expected_en="'r' (row-standardised) or 'b' (binary)"))
    if not areas.index.is_unique:
        dup = sorted(set(areas.index[areas.index.duplicated()].astype(str)))
        raise InputError(Finding("error", "duplicate_code", "kode wilayah ganda", message_en="duplicate area ids",
                                 value=dup[:10], expected="kode wilayah yang unik", expected_en="unique area codes"))
    n = len(areas)
    params: dict = {"kind": kind, "transformation": transformation}
    if kind in ("queen", "rook"):
        g = Graph.build_contiguity(areas.geometry, rook=(kind == "rook"))
    else:
        proj = projected(areas)
        pts = proj.geometry.centroid
        params["distance_crs"] = proj.crs.to_string() if proj.crs is not None else None
        if kind == "knn":
            if not 1 <= k < n:
                raise InputError(Finding("error", "weights_k", "k di luar rentang", message_en="k out of range",
                                         value=k, expected=f"1 ≤ k < {n} (jumlah wilayah)",
                                         expected_en=f"1 ≤ k < {n} (the number of areas)"))
            g = Graph.build_knn(pts, k=k)
            params["k"] = k
        else:
            if threshold is None or not threshold > 0:
                raise InputError(Finding("error", "weights_threshold",
                                         "jarak ambang (threshold) wajib untuk distance_band",
                                         message_en="distance_band needs a positive threshold", value=threshold,
                                         expected="jarak dalam satuan CRS, mis. 1500 (meter)",
                                         expected_en="a distance in the CRS units, e.g. 1500 (metres)"))
            g = Graph.build_distance_band(pts, threshold=threshold, binary=True)
            params["threshold"] = float(threshold)
    g = g.transform(transformation)
    card = g.cardinalities.reindex(areas.index)
    islands = tuple(str(i) for i in g.isolates)
    params.update(mean_neighbours=round(float(card.mean()), 4), max_neighbours=int(card.max()),
                  min_neighbours=int(card.min()), islands=len(islands))
    return WeightsResult(g, kind, transformation, islands, params)


def star_weights(graph: Graph) -> Graph:
    """Binary weights with a self-weight of 1 (w_ii = 1), as Gi* needs.

    Ord & Getis (1995), eq. 1–2: Gi* includes the area itself in its own neighbourhood.
    ArcGIS *Hot Spot Analysis* uses binary contiguity / distance weights for Gi*.  Returns a new
    graph; ``graph`` is not changed.
    """
    return graph.transform("b").assign_self_weight(1.0)
