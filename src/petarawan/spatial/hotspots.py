"""Global and local spatial autocorrelation: Moran's I, Local Moran (LISA) and Getis–Ord Gi*.

Every statistic is computed by esda; this module prepares the weights (always a new object, never
the caller's), seeds the permutations, applies the False Discovery Rate and turns p-values into
the labels users read (LISA quadrants, ArcGIS-style Gi* bins).

Sources
-------
- Global Moran's I = (n / S0) · Σ_i Σ_j w_ij z_i z_j / Σ_i z_i², E[I] = −1/(n−1); inference under
  normality (z_norm) and by random permutation (p_sim = (M + 1)/(R + 1), M = number of
  permuted I at least as extreme, folded to the observed side).  Moran (1950); Cliff & Ord (1981);
  ``esda.Moran``.
- Local Moran I_i = z_i Σ_j w_ij z_j / (Σ_k z_k² / (n − 1)) (esda's scaling); quadrants 1 HH,
  2 LH, 3 LL, 4 HL from the sign of z_i and of its spatial lag; conditional permutation pseudo
  p-values.  Anselin (1995), "Local indicators of spatial association — LISA",
  *Geographical Analysis* 27(2); ``esda.Moran_Local``.
- Gi* = Σ_j w_ij x_j / Σ_j x_j with w_ii = 1 (binary weights); its z-score
  z_i = (Σ_j w_ij x_j − x̄ Σ_j w_ij) / (S √[(n Σ_j w_ij² − (Σ_j w_ij)²)/(n − 1)]).  Getis & Ord
  (1992); Ord & Getis (1995), *Geographical Analysis* 27(4); ``esda.G_Local(star=True,
  transform="B")``; the same z as ArcGIS *Hot Spot Analysis (Getis-Ord Gi*)*.
- Gi bins ±3/±2/±1 = significant at 99/95/90 % confidence, sign of z: Esri, "How Hot Spot Analysis
  (Getis-Ord Gi*) works" (ArcGIS Pro documentation).  With FDR on, each confidence level uses its
  own FDR cut-off, as ArcGIS's "Apply False Discovery Rate (FDR) Correction" does.
- FDR: Benjamini & Hochberg (1995) step-up cut-off, ``esda.fdr``.
- Fewer than 30 areas: ArcGIS's hot-spot tools warn that results are unreliable below 30 features.
- An area neighbouring all n − 1 others has a one-point conditional permutation distribution
  (Anselin 1995; conditional variance of I_i = 0, Sokal, Oden & Thomson 1998, eq. A8) and a zero
  Gi* variance (Ord & Getis 1995): p = 1, bin 0, label ``ns`` in both inference modes
  (:func:`complete_neighbourhood`; docs/method_spatial.md §5).
- An area with no neighbour (an island) has no local statistic: Local Moran I_i and Gi* are NaN,
  p = 1, label ``ns`` / bin 0 in both inference modes, and it is left out of the FDR (it tests
  nothing).  esda's conditional permutation gives an island weights [0, island_weight] and drops
  Gi*'s self-weight, so every permuted Gi* is 0 and p_sim = 1/(R+1) (a spurious 99 % spot), and
  the analytical Gi* z of an island is its own standardised value.  ArcGIS warns (message
  000846) and its Cluster and Outlier Analysis reports features without neighbours as NULL, their
  values still in the mean; esda's ``island_weight`` default 0 means "no local statistic"
  (:func:`islands_of`; docs/method_spatial.md §5).
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass
from typing import Literal

import esda
import numpy as np
import pandas as pd
from libpysal.graph import Graph
from scipy import stats

from ..errors import Finding, InputError
from .weights import star_weights
from ..i18n import Both, Msg

MIN_AREAS = 30
LISA_LABELS: dict[int, str] = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
"""esda quadrant codes → LISA cluster labels; non-significant areas are ``"ns"``."""
BIN_LEVELS: tuple[tuple[int, float], ...] = ((3, 0.01), (2, 0.05), (1, 0.10))
"""Gi bin magnitude → significance level (99 %, 95 %, 90 % confidence)."""
Inference = Literal["permutation", "analytical"]


def seed_from(seed: int | np.random.Generator) -> int:
    """An integer seed for esda: ``seed`` itself, or one drawn from a ``np.random.Generator``."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**31 - 1))
    return int(seed)


@contextlib.contextmanager
def _seeded_legacy_rng(seed: int):
    """Run esda code that draws from NumPy's *global* RNG (``esda.Moran`` has no ``seed``
    argument; esda's conditional randomisation calls ``np.random.seed``) with ``seed``, and
    restore the global state afterwards so no other code is affected."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        np.random.set_state(state)


Label = str | tuple[str, str]
"""How messages name the analysed values: one text, or (Bahasa Indonesia, English) — the
indicator's label, never an internal name."""


def _labels(label: Label) -> Both:
    """The label as a message parameter in the reader's language."""
    return Both(label) if isinstance(label, str) else Both(label[0], label[1])


def _aligned(y, graph: Graph, label: Label = "y") -> np.ndarray:
    """``y`` as a float array in the order of ``graph.unique_ids``.

    Raises
    ------
    InputError
        Naming the values by ``label`` and the areas: ids missing from a Series, a length that
        differs from the weights, missing (NaN) or infinite values (each said as what it is), or
        values that are the same in every area (all 0: "no event at all").
    """
    what = _labels(label)
    ids = list(graph.unique_ids)
    if isinstance(y, pd.Series):
        missing = [i for i in ids if i not in y.index]
        if missing:
            raise InputError(Finding("error", "spatial_missing_value",
                                     Msg("f.spatial_missing_value", what=what, missing=missing[:10]), value=len(missing),
                                     expected=Msg("x.spatial_missing_value")))
        y = y.reindex(ids)
    arr = np.asarray(y, dtype=float).ravel()
    if arr.shape[0] != len(ids):
        raise InputError(Finding("error", "spatial_shape", Msg("f.spatial_shape", what=what), value=arr.shape[0],
                                 expected=Msg("x.spatial_shape", n=len(ids))))
    for bad, kind in ((np.isnan(arr), "missing"), (np.isinf(arr), "infinite")):
        if bad.any():
            where = [ids[i] for i in np.flatnonzero(bad)[:10]]
            raise InputError(Finding("error", "spatial_missing_value",
                                     Msg(f"f.spatial_not_finite.{kind}", what=what, n=int(bad.sum()), where=where),
                                     value=int(bad.sum()), expected=Msg("x.spatial_not_finite")))
    if np.all(arr == arr[0]):
        why = Msg("f.spatial_constant.zero") if arr[0] == 0 else Msg("f.spatial_constant.value", value=float(arr[0]))
        raise InputError(Finding("error", "spatial_constant", Msg("f.spatial_constant", what=what, n=len(arr), why=why),
                                 value=float(arr[0]), expected=Msg("x.spatial_constant")))
    return arr


def small_n_findings(n: int) -> list[Finding]:
    """A warning when fewer than 30 areas are analysed (ArcGIS's rule for its hot-spot tools)."""
    if n >= MIN_AREAS:
        return []
    return [Finding("warning", "spatial_small_n",
                    Msg("f.spatial_small_n", n=n, min_areas=MIN_AREAS), value=n,
                    expected=Msg("x.spatial_small_n", min_areas=MIN_AREAS))]


def tie_safe_p_sim(observed: np.ndarray, simulations: np.ndarray) -> np.ndarray:
    """Folded pseudo p-value that counts ties as extreme in *both* directions.

    esda's ``p_sim`` folds to the observed side by comparing ``#(sim ≥ obs)`` with half the
    permutations; when many permuted statistics *equal* the observed one (count data with many
    zeros: an area whose whole neighbourhood is 0 has the smallest possible Gi*), that rule
    reports p = 1/(R+1) — a spurious, maximally significant cold spot.  Here
    p = min(p_lesser, p_greater), each ``(#(sim ≤ obs) + 1)/(R + 1)`` resp. ``(#(sim ≥ obs) + 1)/(R + 1)``
    from ``esda.significance.calculate_significance``; without ties it equals esda's ``p_sim``.
    Ties are recognised up to floating-point rounding (:func:`snap_ties`): esda sums each permuted
    neighbourhood in a random order, so a draw that equals the observed statistic mathematically
    can differ from it in the last bits and would otherwise count on one side only.

    Parameters
    ----------
    observed : ndarray (n,)
    simulations : ndarray (n, R)

    Returns
    -------
    ndarray (n,)
    """
    above, below, R = tie_counts(observed, simulations)
    # #(sim ≥ obs) = R − #(sim < obs), #(sim ≤ obs) = R − #(sim > obs), ties counted on both sides;
    # identical to calculate_significance(obs, snap_ties(obs, sims), "greater" / "lesser")
    return ((np.minimum(R - below, R - above) + 1) / (R + 1)).astype(float)


def tie_counts(observed: np.ndarray, simulations: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Per area, how many permuted statistics lie strictly above and strictly below the observed
    one beyond rounding (the tolerance of :func:`snap_ties`), and the number of permutations R.
    One pass over the (n, R) array, without a snapped copy (the hot path of large studies)."""
    obs = np.asarray(observed, dtype=float).reshape(-1)
    sims = np.atleast_2d(np.asarray(simulations, dtype=float))
    scale = np.maximum(np.abs(obs), np.maximum(np.abs(sims.max(axis=1)), np.abs(sims.min(axis=1))))
    tol = (TIE_RTOL * scale)[:, None]
    d = sims - obs[:, None]
    return (d > tol).sum(axis=1), (d < -tol).sum(axis=1), sims.shape[1]


TIE_RTOL = 1e-9
"""Relative tolerance under which a permuted statistic counts as equal to the observed one."""


def snap_ties(observed: np.ndarray, simulations: np.ndarray) -> np.ndarray:
    """``simulations`` with every value within rounding of the observed statistic set equal to it.

    A value ties when |sim − obs| ≤ ``TIE_RTOL`` · max(|obs|, max |sim|) of its area's row: the
    permuted statistics are the same sums of the same values in another order, so differences of
    that size are rounding (≈ 1e-16 relative), never information.

    Parameters
    ----------
    observed : ndarray (n,)
    simulations : ndarray (n, R)

    Returns
    -------
    ndarray (n, R), a new array.
    """
    obs = np.asarray(observed, dtype=float).reshape(-1, 1)
    sims = np.atleast_2d(np.asarray(simulations, dtype=float))
    scale = np.maximum(np.abs(obs), np.abs(sims).max(axis=1, keepdims=True))
    return np.where(np.abs(sims - obs) <= TIE_RTOL * scale, obs, sims)


def complete_neighbourhood(graph: Graph) -> np.ndarray:
    """Areas whose neighbours are all the other n − 1 areas, in the order of ``graph.unique_ids``.

    Such an area carries no local information: under conditional randomisation (its own value
    fixed, the other n − 1 values permuted over its neighbours; Anselin 1995) every permutation
    puts the same values around it, so with equal weights (binary, or row-standardised) the
    permutation distribution of Local Moran I_i and of Gi* is a single point — the conditional
    variance of I_i, Sokal, Oden & Thomson (1998) eq. A8 (``esda.Moran_Local.VIc``), has the
    factor Σ_j w_ij² − (Σ_j w_ij)²/(n − 1) = 0 — and the Gi* variance (Ord & Getis 1995) has
    n W_i − W_i² = 0 with W_i = n.  Such areas are reported with p = 1 (bin 0, label ``ns``).

    Returns
    -------
    ndarray (n,) of bool
    """
    adj = graph.adjacency
    focal = adj.index.get_level_values(0)
    neighbour = adj.index.get_level_values(1)
    real = (focal != neighbour) & (adj.to_numpy() != 0)
    counts = pd.Series(np.asarray(focal[real])).value_counts()
    ids = list(graph.unique_ids)
    return counts.reindex(ids, fill_value=0).to_numpy() == len(ids) - 1


def islands_of(graph: Graph) -> np.ndarray:
    """Areas without a neighbour (cardinality 0), in the order of ``graph.unique_ids``.

    Returns
    -------
    ndarray (n,) of bool
    """
    return graph.cardinalities.reindex(graph.unique_ids).fillna(0).to_numpy() == 0


def resolution_findings(n: int, permutations: int, alpha: float, fdr: bool, inference: str) -> list[Finding]:
    """Warn when permutation p-values are too coarse for the FDR over ``n`` areas.

    A pseudo p-value cannot be below 1/(R+1).  The Benjamini–Hochberg rule flags the k smallest
    p-values only if p_(k) ≤ k·α/n, so with R permutations at least ⌈n / ((R+1)·α)⌉ areas must
    all reach the floor before any is flagged.  When that number exceeds 1 the FDR becomes very
    conservative; the fix is more permutations (R + 1 ≥ n/α) or ``inference = "analytical"``.
    """
    if not fdr or inference != "permutation" or permutations < 1:
        return []
    need = int(np.ceil(n / ((permutations + 1) * alpha)))
    if need <= 1:
        return []
    return [Finding("warning", "fdr_resolution",
                    Msg("f.fdr_resolution", permutations=permutations, p=permutations + 1, n=n, need=need), value=permutations,
                    expected=Msg("x.fdr_resolution", p=int(np.ceil(n / alpha)) - 1))]


def significance_cutoff(p: np.ndarray, alpha: float, fdr: bool, tested: np.ndarray | None = None) -> float:
    """p-value cut-off: ``alpha``, or the Benjamini–Hochberg cut-off ``esda.fdr(p, alpha)``.
    An area is significant when ``p <= cutoff``.

    ``tested`` (bool, n) marks the areas that carry a test; the FDR counts only those
    (Benjamini & Hochberg 1995: m = the number of hypotheses tested) — islands test nothing."""
    if not fdr:
        return float(alpha)
    p = np.asarray(p, dtype=float)
    if tested is not None:
        p = p[np.asarray(tested, dtype=bool)]
    if len(p) == 0:
        return float(alpha)
    return float(esda.fdr(p, alpha))


@dataclass(frozen=True)
class GlobalMoranResult:
    """Global Moran's I (esda naming: ``I``, ``EI``, ``z_norm``, ``p_norm``, ``p_sim``).

    Attributes
    ----------
    I, EI : float
        Statistic and its expectation −1/(n−1).
    z_norm, p_norm : float
        z-score and two-sided p-value under the normality assumption.
    z_sim, p_sim : float
        z-score against the permutation distribution, and the pseudo p-value (R + 1 draws);
        NaN when ``permutations == 0``.
    permutations, seed, n : int
    transformation : str
    """

    I: float  # noqa: E741 — the field's name for the statistic
    EI: float
    z_norm: float
    p_norm: float
    z_sim: float
    p_sim: float
    permutations: int
    seed: int
    n: int
    transformation: str

    def manifest(self) -> dict:
        """``run.json`` keys: ``moran_i``, ``moran_p_sim``, ``moran_z`` (= z_norm) and the rest."""
        r = lambda v: None if v is None or not np.isfinite(v) else round(float(v), 6)  # noqa: E731
        return {"moran_i": r(self.I), "moran_p_sim": r(self.p_sim), "moran_z": r(self.z_norm),
                "moran_ei": r(self.EI), "moran_p_norm": r(self.p_norm), "moran_z_sim": r(self.z_sim),
                "moran_permutations": self.permutations, "moran_seed": self.seed,
                "moran_transformation": self.transformation, "moran_n": self.n}


def global_moran(y, graph: Graph, *, transformation: str = "r", permutations: int = 999,
                 seed: int | np.random.Generator = 0, label: Label = "y") -> GlobalMoranResult:
    """Global Moran's I with analytical and permutation inference.

    Parameters
    ----------
    y : Series | array
        (n,) values; a Series is aligned to ``graph.unique_ids``.
    graph : libpysal.graph.Graph
        Weights (any transformation; re-transformed to ``transformation`` in a new object).
    transformation : {"r", "b"}
    permutations : int
        Random permutations for ``p_sim`` (0 for none).
    seed : int | Generator
    label : str | (str, str)
        The values' name in messages (the indicator's label; Bahasa Indonesia, English).

    Returns
    -------
    GlobalMoranResult

    Raises
    ------
    InputError
        Missing, infinite or constant values, or a length that does not match the weights.
    """
    arr = _aligned(y, graph, label)
    s = seed_from(seed)
    g = graph.transform(transformation)
    with _seeded_legacy_rng(s):
        m = esda.Moran(arr, g, transformation=transformation, permutations=permutations, two_tailed=True)
    nan = float("nan")
    return GlobalMoranResult(float(m.I), float(m.EI), float(m.z_norm), float(m.p_norm),
                             float(getattr(m, "z_sim", nan)), float(getattr(m, "p_sim", nan)),
                             permutations, s, len(arr), transformation)


@dataclass(frozen=True)
class LocalMoranResult:
    """Local Moran (LISA) per area, in the order of ``ids``.

    Attributes
    ----------
    ids : Index
    Is : ndarray (n,)
        Local statistics; NaN for an island (no neighbour).
    q : ndarray (n,) of int
        Quadrant 1 HH, 2 LH, 3 LL, 4 HL; 0 for an island.
    p_sim : ndarray (n,)
        Conditional-permutation pseudo p-values (folded, GeoDa convention, ties counted as
        extreme both ways: :func:`tie_safe_p_sim`).
    labels : ndarray (n,) of str
        ``HH``, ``LH``, ``LL``, ``HL`` where ``p <= cutoff``, else ``ns`` (islands,
        areas neighbouring all others, and areas whose permuted I_i all tie have p = 1 and are ``ns``).
    cutoff, alpha : float
    fdr : bool
    permutations, seed : int
    p : ndarray (n,)
        The p-values that decided the labels (``p_sim`` or 2·``p_z_sim``).
    inference : {"permutation", "analytical"}
    """

    ids: pd.Index
    Is: np.ndarray
    q: np.ndarray
    p_sim: np.ndarray
    labels: np.ndarray
    cutoff: float
    alpha: float
    fdr: bool
    permutations: int
    seed: int
    p: np.ndarray | None = None
    inference: str = "permutation"

    def counts(self) -> dict[str, int]:
        return {lab: int((self.labels == lab).sum()) for lab in ("HH", "LH", "LL", "HL", "ns")}


def lisa_labels(q: np.ndarray, p: np.ndarray, cutoff: float, islands: np.ndarray | None = None) -> np.ndarray:
    """Cluster label per area: quadrant label where ``p <= cutoff``, else ``"ns"``."""
    lab = np.array([LISA_LABELS.get(int(k), "ns") for k in q], dtype=object)
    ns = ~(np.asarray(p) <= cutoff)
    if islands is not None:
        ns |= islands
    lab[ns] = "ns"
    return lab


def local_moran(y, graph: Graph, *, transformation: str = "r", permutations: int = 999,
                seed: int | np.random.Generator = 0, alpha: float = 0.05, fdr: bool = True,
                inference: Inference = "permutation", label: Label = "y") -> LocalMoranResult:
    """Local Moran's I with conditional permutation inference and cluster labels.

    Parameters
    ----------
    y : Series | array (n,)
    graph : libpysal.graph.Graph
    transformation : {"r", "b"}
    permutations : int (≥ 1)
    seed : int | Generator
    alpha : float
        Significance level for the labels.
    fdr : bool
        Use the Benjamini–Hochberg cut-off (``esda.fdr``) instead of ``alpha``.
    inference : {"permutation", "analytical"}
        Which p-value decides the labels: the pseudo p-value ``p_sim`` (GeoDa), or the two-sided
        normal approximation of the permutation distribution, 2·``p_z_sim`` (esda's documented
        two-sided use).  The latter is continuous, so FDR over thousands of areas is not limited
        by the 1/(R+1) resolution of ``p_sim``.
    label : str | (str, str)
        The values' name in messages (:func:`global_moran`).

    Returns
    -------
    LocalMoranResult

    Raises
    ------
    InputError
        As :func:`global_moran`, or ``permutations < 1``.
    """
    if permutations < 1:
        raise InputError(Finding("error", "permutations", Msg("f.permutations"), value=permutations,
                                 expected=Msg("x.permutations")))
    arr = _aligned(y, graph, label)
    s = seed_from(seed)
    g = graph.transform(transformation)
    with _seeded_legacy_rng(s):
        lm = esda.Moran_Local(arr, g, transformation=transformation, permutations=permutations,
                              n_jobs=1, keep_simulations=True, seed=s)
    islands = islands_of(graph)
    # No local information (docs/method_spatial.md §5): an area neighbouring all other areas, or
    # any area whose permuted I_i all tie with the observed one, has a one-point conditional
    # permutation distribution.  Its pseudo p is exactly (R + 1)/(R + 1) = 1; its z_sim is 0/0,
    # which esda evaluates on rounding noise (seI_sim ≈ 1e-18) as a huge z — so p = 1 here too.
    above, below, _ = tie_counts(lm.Is, lm.rlisas)
    uninformative = complete_neighbourhood(graph) | ((above == 0) & (below == 0))
    p_sim = tie_safe_p_sim(lm.Is, lm.rlisas)
    p_sim[uninformative] = 1.0
    p_two = np.minimum(1.0, 2.0 * np.nan_to_num(np.asarray(lm.p_z_sim, dtype=float), nan=1.0))
    p_two[uninformative] = 1.0
    # islands: no local statistic (module docstring) — I_i NaN, no quadrant, p = 1, not in the FDR
    Is = np.where(islands, np.nan, np.asarray(lm.Is, dtype=float))
    q = np.where(islands, 0, np.asarray(lm.q)).astype(int)
    p_sim[islands] = 1.0
    p_two[islands] = 1.0
    p = p_sim if inference == "permutation" else p_two
    cutoff = significance_cutoff(p, alpha, fdr, tested=~islands)
    labels = lisa_labels(q, p, cutoff, islands)
    return LocalMoranResult(pd.Index(graph.unique_ids), Is, q, p_sim, labels, cutoff, alpha, fdr, permutations, s, p,
                            inference)


@dataclass(frozen=True)
class GiStarResult:
    """Getis–Ord Gi* per area, in the order of ``ids``.

    Attributes
    ----------
    ids : Index
    Gs : ndarray (n,)
        Gi* statistics; NaN for an island (no neighbour).
    z : ndarray (n,)
        Gi* z-scores (``esda.G_Local.Zs``; ArcGIS's GiZScore); NaN for an island and for an area
        neighbouring every other area.
    p : ndarray (n,)
        p-values used for the bins: ``p_sim`` (permutation) or ``p_norm`` (analytical).
    p_sim : ndarray (n,) | None
        Conditional-permutation pseudo p-values (folded, GeoDa convention, ties counted as
        extreme both ways: :func:`tie_safe_p_sim`).
    p_norm : ndarray (n,)
        Two-sided normal p-values of ``z`` (ArcGIS's GiPValue): 2·(1 − Φ(|z|)).
        ``p``, ``p_sim`` and ``p_norm`` are 1 for an area whose neighbourhood is every area
        (W_i = n, ``z`` NaN) and for an island.
    bins : ndarray (n,) of int
        −3…3: ±3, ±2, ±1 where significant at 99, 95, 90 % confidence, sign of ``z``; 0 otherwise.
    cutoffs : dict[float, float]
        Significance level → p cut-off actually applied (FDR-adjusted when ``fdr``).
    inference : {"permutation", "analytical"}
    fdr : bool
    permutations, seed : int
    """

    ids: pd.Index
    Gs: np.ndarray
    z: np.ndarray
    p: np.ndarray
    p_sim: np.ndarray | None
    p_norm: np.ndarray
    bins: np.ndarray
    cutoffs: dict
    inference: str
    fdr: bool
    permutations: int
    seed: int

    def counts(self) -> dict[str, int]:
        return {str(b): int((self.bins == b).sum()) for b in range(-3, 4)}


def gi_bins(z: np.ndarray, p: np.ndarray, *, fdr: bool = True, tested: np.ndarray | None = None
            ) -> tuple[np.ndarray, dict]:
    """ArcGIS-style Gi bins from z-scores and p-values.

    Bin = sign(z) × 3 when ``p <= cut(0.01)``, × 2 when ``p <= cut(0.05)``, × 1 when
    ``p <= cut(0.10)``, else 0; ``cut(a)`` is ``a`` or the FDR cut-off ``esda.fdr(p, a)`` over the
    ``tested`` areas (default: all).  A NaN z (no statistic) is never significant.

    Returns
    -------
    bins : ndarray (n,) of int
    cutoffs : dict {0.01: float, 0.05: float, 0.10: float}
    """
    z = np.asarray(z, dtype=float)
    p = np.where(np.isfinite(z), np.asarray(p, dtype=float), 1.0)  # undefined z: never significant
    bins = np.zeros(len(z), dtype=int)
    cutoffs: dict[float, float] = {}
    for level, a in sorted(BIN_LEVELS, key=lambda t: t[1], reverse=True):  # 0.10, then 0.05, then 0.01
        cut = significance_cutoff(p, a, fdr, tested)
        cutoffs[a] = cut
        bins[p <= cut] = level
    return (bins * np.sign(np.nan_to_num(z))).astype(int), cutoffs


def gi_star(y, graph: Graph, *, permutations: int = 999, seed: int | np.random.Generator = 0,
            fdr: bool = True, inference: Inference = "permutation", label: Label = "y") -> GiStarResult:
    """Getis–Ord Gi* hot and cold spots with ArcGIS-style bins.

    Parameters
    ----------
    y : Series | array (n,)
        Non-negative values are expected by the statistic (counts, rates).
    graph : libpysal.graph.Graph
        Neighbours; Gi* uses them as binary weights with w_ii = 1 (:func:`star_weights`).
    permutations : int
        0 allowed only with ``inference="analytical"``.
    seed : int | Generator
    fdr : bool
    inference : {"permutation", "analytical"}
        Which p-value decides the bins: permutation ``p_sim`` (PySAL/GeoDa) or the normal
        two-sided ``p_norm`` of the z-score (ArcGIS).
    label : str | (str, str)
        The values' name in messages (:func:`global_moran`).

    Returns
    -------
    GiStarResult

    Raises
    ------
    InputError
        As :func:`global_moran`; negative values; permutation inference without permutations.
    """
    if inference not in ("permutation", "analytical"):
        raise InputError(Finding("error", "inference", Msg("f.inference"),
                                 value=inference, expected=Msg("x.inference")))
    if inference == "permutation" and permutations < 1:
        raise InputError(Finding("error", "permutations", Msg("f.permutations.hotspots"), value=permutations,
                                 expected=Msg("x.permutations")))
    arr = _aligned(y, graph, label)
    if (arr < 0).any():
        where = [graph.unique_ids[i] for i in np.flatnonzero(arr < 0)[:10]]
        raise InputError(Finding("error", "gi_negative", Msg("f.gi_negative", what=_labels(label), where=where),
                                 value=float(arr.min()), expected=Msg("x.gi_negative")))
    s = seed_from(seed)
    g = star_weights(graph)
    with _seeded_legacy_rng(s):
        gl = esda.G_Local(arr, g, transform="B", star=True, permutations=permutations,
                          keep_simulations=bool(permutations), n_jobs=1, seed=s)
    # An area whose neighbourhood is every area (W_i = Σ_j w_ij = n) has zero variance: z is
    # undefined (NaN); it is reported with p = 1 and bin 0 in both inference modes
    # (:func:`complete_neighbourhood`; every permuted Gi* equals the observed one).
    # An island has no local statistic (module docstring): Gi* and z NaN, p = 1, bin 0, not in the FDR.
    islands = islands_of(graph)
    z = np.where(islands, np.nan, np.asarray(gl.Zs, dtype=float))
    Gs = np.where(islands, np.nan, np.asarray(gl.Gs, dtype=float))
    complete = complete_neighbourhood(graph) | ~np.isfinite(z)
    p_norm = np.where(complete, 1.0, 2.0 * stats.norm.sf(np.abs(np.nan_to_num(z))))
    p_sim = tie_safe_p_sim(gl.Gs, gl.rGs) if permutations else None
    if p_sim is not None:
        p_sim[complete] = 1.0
    p = p_sim if inference == "permutation" else p_norm
    bins, cutoffs = gi_bins(z, p, fdr=fdr, tested=~islands)
    return GiStarResult(pd.Index(graph.unique_ids), Gs, z, p, p_sim, p_norm, bins, cutoffs, inference, fdr,
                        permutations, s)
