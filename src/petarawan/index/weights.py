"""Weighting: AHP, PCA (Handbook and first component), budget allocation, effective weights.

Weights are *relative*: within each dimension the indicator weights are rescaled to sum to 1,
and the dimension weights likewise; an indicator's overall weight is the product
(OECD/JRC Handbook 2008, §6.1).  The pure functions are here with their registry
:data:`WEIGHTINGS`; :func:`petarawan.index.composite.nominal_weights` applies them to a study's
framework.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..i18n import Msg
from ..methods import MethodRegistry
from .aggregate import one_blas_thread

__all__ = ["WEIGHTINGS", "WeightInputs", "ahp", "ahp_for", "budget", "budget_for", "pca_handbook",
           "pca_first_component", "varimax", "retained_factors", "rescale", "effective_weights", "SAATY_RI"]


def _rescale(w: dict[str, float]) -> dict[str, float]:
    s = sum(w.values())
    return {k: v / s for k, v in w.items()}


SAATY_RI: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
                               9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}
"""Saaty's random consistency index RI(n) (Saaty, *The Analytic Hierarchy Process*, 1980,
Table 1.7 for n ≤ 10; n = 11–15 from Saaty 1990 / Saaty & Tran 2007)."""


def ahp(matrix: np.ndarray) -> dict:
    r"""AHP weights from a pairwise-comparison matrix (Saaty 1980).

    The weights are the principal right eigenvector :math:`A w = \lambda_{max} w`, scaled to
    sum to 1.  Consistency index :math:`CI = (\lambda_{max} - n)/(n - 1)`, consistency ratio
    :math:`CR = CI / RI(n)` with Saaty's random index :data:`SAATY_RI` (CR = 0 for n ≤ 2).
    The *most inconsistent pair* is the (i, j), i < j, whose judgement deviates most from the
    ratio the weights imply: the largest :math:`\max(\varepsilon_{ij}, 1/\varepsilon_{ij})`,
    :math:`\varepsilon_{ij} = a_{ij} w_j / w_i` (Saaty 2003, "Decision-making with the AHP:
    why is the principal eigenvector necessary", EJOR 145, §4); ``suggest`` = :math:`w_i/w_j`.

    Parameters
    ----------
    matrix : ndarray (n, n), positive, reciprocal

    Returns
    -------
    dict with ``weights`` (n,), ``lambda_max``, ``ci``, ``ri``, ``cr``, ``pair`` (i, j),
    ``pair_ratio`` (ε of that pair), ``suggest`` (w_i / w_j).
    """
    a = np.asarray(matrix, float)
    n = a.shape[0]
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = SAATY_RI.get(n, 1.59)
    cr = ci / ri if ri > 0 else 0.0
    eps = a * w[None, :] / w[:, None]
    dev = np.maximum(eps, 1.0 / eps)
    iu = np.triu_indices(n, 1)
    m = int(np.argmax(dev[iu]))
    i, j = int(iu[0][m]), int(iu[1][m])
    return {"weights": w, "lambda_max": lam, "ci": max(ci, 0.0), "ri": ri, "cr": max(cr, 0.0), "pair": (i, j),
            "pair_ratio": float(eps[i, j]), "suggest": float(w[i] / w[j])}


def ahp_for(mats: dict, key: str, items: list[str], where: str, max_cr: float = 0.10) -> tuple[dict[str, float], dict]:
    """AHP weights for ``items`` from ``mats[key]``; ConfigError if missing, mismatched or CR > max_cr."""
    if key not in mats:
        raise ConfigError(Msg("cfg.ahp_missing", where=where, items=", ".join(items), n=len(items)))
    spec = mats[key]
    if sorted(spec.items) != sorted(items):
        raise ConfigError(Msg("cfg.ahp_items", where=where, given=", ".join(spec.items), items=", ".join(items)))
    res = ahp(np.array(spec.values()))
    i, j = res["pair"]
    a_ij = spec.values()[i][j]
    if res["cr"] > max_cr:
        raise ConfigError(Msg(
            "cfg.ahp_inconsistent", where=where, cr=float(res["cr"]), max_cr=float(max_cr), lmax=float(res["lambda_max"]),
            ci=float(res["ci"]), ri=float(res["ri"]), a=spec.items[i], b=spec.items[j], aij=float(a_ij),
            suggest=float(res["suggest"])))
    w = dict(zip(spec.items, res["weights"]))
    params = {"items": list(spec.items), "lambda_max": res["lambda_max"], "ci": res["ci"], "ri": res["ri"],
              "cr": res["cr"], "most_inconsistent_pair": [spec.items[i], spec.items[j]]}
    return {c: float(w[c]) for c in items}, params


def budget(allocations: list[dict[str, float]], items: list[str]) -> np.ndarray:
    r"""Budget allocation (OECD/JRC Handbook 2008, §6.1.5): each expert distributes points over
    the items; each allocation is scaled to sum to 1 and the weights are the mean over experts,
    :math:`w_k = \frac1E \sum_e p_{ek} / \sum_l p_{el}`.  An item an expert leaves out gets 0
    points from that expert."""
    mat = np.array([[float(a.get(c, 0.0)) for c in items] for a in allocations])
    return (mat / mat.sum(axis=1, keepdims=True)).mean(axis=0)


def budget_for(allocs: dict, key: str, items: list[str], where: str) -> tuple[dict[str, float], dict]:
    if key not in allocs or not allocs[key]:
        raise ConfigError(Msg("cfg.budget_missing", where=where, items=", ".join(items)))
    for e, a in enumerate(allocs[key], start=1):
        unknown = sorted(set(a) - set(items))
        if unknown:
            raise ConfigError(Msg("cfg.budget_unknown", where=where, e=e, unknown=", ".join(unknown), items=", ".join(items)))
        neg = [k for k, v in a.items() if v < 0]
        if neg:
            raise ConfigError(Msg("cfg.budget_negative", where=where, e=e, neg=", ".join(neg)))
        if sum(a.values()) <= 0:
            raise ConfigError(Msg("cfg.budget_empty", where=where, e=e))
    w = budget(allocs[key], items)
    return dict(zip(items, map(float, w))), {"experts": len(allocs[key])}


def _complete_standardisable(x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Complete cases of ``x`` and the mask of columns with positive variance on them."""
    v = x.dropna().to_numpy(float)
    sd = v.std(axis=0, ddof=1) if len(v) > 1 else np.zeros(x.shape[1])
    return v, sd > 0


def pca_first_component(x: pd.DataFrame) -> tuple[dict[str, float], dict]:
    r"""Weights from the first principal component only: the squared loadings of the first
    eigenvector of the indicators' correlation matrix (complete cases), which sum to 1 because
    the eigenvector has unit length: :math:`w_k = v_{1k}^2` (Nicoletti, Scarpetta & Boylaud 2000
    with one factor; COINr ``get_PCA``/``weights_from_PCA`` style).  This was petarawan's
    ``pca`` weighting before 0.2; it equals :func:`pca_handbook` when one factor is retained.

    A single indicator gets weight 1; constant indicators (zero variance) get 0.
    """
    cols = list(x.columns)
    if len(cols) == 1:
        return {cols[0]: 1.0}, {"variance_explained": 1.0}
    v, ok = _complete_standardisable(x)
    w = np.zeros(len(cols))
    share = float("nan")
    if ok.sum() == 1:
        w[ok] = 1.0
        share = 1.0
    elif ok.sum() > 1:
        c = np.corrcoef(v[:, ok], rowvar=False)
        vals, vecs = np.linalg.eigh(c)
        w[ok] = vecs[:, -1] ** 2
        share = float(vals[-1] / vals.sum())
    else:
        w[:] = 1.0
    return dict(zip(cols, map(float, w))), {"variance_explained": share}


def varimax(loadings: np.ndarray, *, normalize: bool = True, eps: float = 1e-5, max_iter: int = 1000) -> np.ndarray:
    r"""Varimax rotation of a loading matrix (Kaiser 1958, "The varimax criterion for analytic
    rotation in factor analysis", *Psychometrika* 23:187–200), the algorithm of R's
    ``stats::varimax`` (SVD update of the rotation, Kaiser row normalisation, stop when the
    criterion grows by less than ``eps`` relative).

    Parameters
    ----------
    loadings : ndarray (m, k)
    normalize : Kaiser normalisation (rows scaled to unit length before, back after)

    Returns
    -------
    ndarray (m, k): rotated loadings (columns' signs and order as the algorithm leaves them).
    """
    L = np.asarray(loadings, float)
    m, k = L.shape
    if k < 2:
        return L.copy()
    h = np.sqrt((L ** 2).sum(axis=1)) if normalize else np.ones(m)
    h = np.where(h > 0, h, 1.0)
    A = L / h[:, None]
    T = np.eye(k)
    d = 0.0
    for _ in range(max_iter):
        z = A @ T
        B = A.T @ (z ** 3 - z * ((z ** 2).sum(axis=0) / m))
        u, sv, vt = np.linalg.svd(B)
        T = u @ vt
        d_old, d = d, sv.sum()
        if d < d_old * (1 + eps):
            break
    return (A @ T) * h[:, None]


def retained_factors(eigenvalues: np.ndarray, *, min_eigenvalue: float = 1.0, min_cumulative: float = 0.6) -> int:
    """Number of factors the Handbook's rule keeps: those with eigenvalue > ``min_eigenvalue``
    (Kaiser criterion), extended in order until they explain more than ``min_cumulative`` of the
    total variance (Handbook 2008, §6.1 / Step 4: "(i) have associated eigenvalues larger than
    one; … (iii) contribute cumulatively to the explanation of the overall variance by more than
    60%"); at least one.  ``eigenvalues`` in decreasing order."""
    ev = np.asarray(eigenvalues, float)
    k = max(1, int(np.sum(ev > min_eigenvalue)))
    share = np.cumsum(ev) / ev.sum()
    while k < len(ev) and share[k - 1] <= min_cumulative:
        k += 1
    return k


def pca_handbook(x: pd.DataFrame, *, n_factors: int | None = None) -> tuple[dict[str, float], dict]:
    r"""Weights from principal components with varimax rotation, the OECD/JRC Handbook procedure
    (Handbook 2008, §6.1 "Weights based on principal components analysis or factor analysis",
    worked on the Technology Achievement Index; Nicoletti, Scarpetta & Boylaud 2000):

    1. correlation matrix of the indicators (complete cases); eigenvalues
       :math:`\lambda_1 \ge \dots \ge \lambda_m`;
    2. keep ``K`` factors (:func:`retained_factors`: eigenvalue > 1, extended until the
       cumulative variance exceeds 60 %; or ``n_factors``); loadings
       :math:`L_{ik} = v_{ik}\sqrt{\lambda_k}`;
    3. rotate them with varimax (:func:`varimax`, Kaiser normalisation);
    4. per factor, the explained variance :math:`E_k = \sum_i L_{ik}^2` and the squared loadings
       scaled to unity sum :math:`s_{ik} = L_{ik}^2 / E_k`;
    5. each indicator belongs to the factor with its largest scaled squared loading
       :math:`k^*(i) = rg\max_k s_{ik}` (the "intermediate composite" it joins) and gets
       :math:`w_i = s_{i k^*} \cdot E_{k^*} / \sum_k E_k`;
    6. the weights are normalised to sum to 1.

    With one retained factor this is :func:`pca_first_component`.  A single indicator gets 1;
    constant indicators get 0.

    Returns
    -------
    weights : dict indicator → weight (sum 1)
    params : dict with ``eigenvalues``, ``factors`` (K), ``explained_variance`` (E_k / Σ λ),
        ``factor_share`` (E_k / Σ E), ``factor_of`` (indicator → factor number, 1-based),
        ``variance_explained`` (Σ E_k / Σ λ).
    """
    cols = list(x.columns)
    if len(cols) == 1:
        return {cols[0]: 1.0}, {"factors": 1, "variance_explained": 1.0}
    v, ok = _complete_standardisable(x)
    w = np.zeros(len(cols))
    if ok.sum() <= 1:
        w[ok] = 1.0
        if not ok.any():
            w[:] = 1.0
        return dict(zip(cols, map(float, w / w.sum()))), {"factors": 1, "variance_explained": 1.0}
    c = np.corrcoef(v[:, ok], rowvar=False)
    vals, vecs = np.linalg.eigh(c)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0.0, None), vecs[:, order]
    K = min(n_factors, len(vals)) if n_factors else retained_factors(vals)
    L = varimax(vecs[:, :K] * np.sqrt(vals[:K]))
    sq = L ** 2
    E = sq.sum(axis=0)
    scaled = sq / np.where(E > 0, E, 1.0)
    best = np.argmax(scaled, axis=1)
    raw = scaled[np.arange(len(best)), best] * E[best] / E.sum()
    w[ok] = raw / raw.sum()
    okcols = [c for c, o in zip(cols, ok) if o]
    params = {"eigenvalues": [float(e) for e in vals], "factors": int(K),
              "explained_variance": [float(e / vals.sum()) for e in E],
              "factor_share": [float(e / E.sum()) for e in E],
              "factor_of": {c: int(b) + 1 for c, b in zip(okcols, best)},
              "variance_explained": float(E.sum() / vals.sum())}
    return dict(zip(cols, map(float, w))), params


@dataclass(frozen=True)
class WeightInputs:
    """What a weighting may read for one group of items (COINr's per-level specs).

    Attributes
    ----------
    key : str
        The group: a dimension code (its indicators or child dimensions) or ``"dimensions"``
        (the dimensions that feed the index); the key of ``ahp`` and ``budget``.
    where : str
        The configuration key named in errors (``index.weighting.ahp.pasokan``).
    manual : dict item → weight from ``[[indicators]]``/``[[dimensions]]``
    ahp : dict key → pairwise-comparison matrix (``items``, ``values()``)
    budget : dict key → list of point allocations, one per expert
    data : DataFrame | None — normalised values of the items (data-driven weights)
    """

    key: str
    where: str
    manual: dict
    ahp: dict
    budget: dict
    data: pd.DataFrame | None = None


def _manual(items, inp):
    return {c: float(inp.manual[c]) for c in items}, {}


def _equal(items, inp):
    return {c: 1.0 for c in items}, {}


def _ahp(items, inp):
    return ahp_for(inp.ahp, inp.key, items, f"{inp.where}.ahp.{inp.key}")


def _budget(items, inp):
    return budget_for(inp.budget, inp.key, items, f"{inp.where}.budget.{inp.key}")


def _data_driven(f):
    def apply(items, inp):
        if inp.data is None:
            raise ConfigError(Msg("cfg.weighting_needs_data", where=inp.where, method="data"))
        return f(inp.data[list(items)])
    return apply


WEIGHTINGS: MethodRegistry = MethodRegistry("weighting", "wt")
"""Weightings.  ``apply(items, inputs: WeightInputs) -> (weights dict, params)``; properties
``indicator``/``dimension`` (levels where it may be used) and ``data_driven``."""

WEIGHTINGS.add("manual", _manual, apply=_manual, indicator=True, dimension=True, data_driven=False,
               )
WEIGHTINGS.add("equal", _equal, apply=_equal, indicator=True, dimension=True, data_driven=False,
               source="Handbook §6.1.1")
WEIGHTINGS.add("ahp", ahp, apply=_ahp, indicator=True, dimension=True, data_driven=False,
               source="Saaty 1980")
WEIGHTINGS.add("pca", pca_handbook, apply=_data_driven(pca_handbook), indicator=True, dimension=False,
               data_driven=True,
               source="Handbook 2008 §6.1; Nicoletti et al. 2000")
WEIGHTINGS.add("pca_first_component", pca_first_component, apply=_data_driven(pca_first_component), indicator=True,
               dimension=False, data_driven=True,
               )
WEIGHTINGS.add("budget", budget, apply=_budget, indicator=True, dimension=True, data_driven=False,
               source="Handbook §6.1.5")


def rescale(w: dict[str, float]) -> dict[str, float]:
    """Weights divided by their sum (they sum to 1)."""
    return _rescale(w)


EFFECTIVE_MAX_AREAS = 10_000
"""Above this many areas, effective weights are estimated on that many evenly spaced areas
(standard error of a correlation ≈ 1/√10,000 = 0.01)."""


def effective_weights(normalised: pd.DataFrame, score: pd.Series) -> dict[str, float]:
    r"""Effective weight of each indicator: its share of the explained variance of the score,
    .. math:: e_k = \frac{r_k^2}{\sum_j r_j^2}, \qquad r_k = \mathrm{corr}(x_k, \text{score})

    over areas with a score and a value.  With (approximately) linear aggregation the squared
    Pearson correlation is the first-order sensitivity index (Pearson's correlation ratio) of
    the score to the indicator (Paruolo, Saisana & Saltelli 2013, "Ratings and rankings: voodoo
    or science?", JRSS A 176(3), §3); comparing ``e_k`` with the nominal overall weight shows
    which indicators really drive the index.  A constant indicator gets 0.  With more than
    :data:`EFFECTIVE_MAX_AREAS` areas the correlations are estimated on that many evenly spaced
    areas (in the order given).
    """
    x = normalised.to_numpy(float)
    s = score.to_numpy(float)
    if len(s) > EFFECTIVE_MAX_AREAS:  # a descriptive share: an even subsample is precise enough
        rows = np.linspace(0, len(s) - 1, EFFECTIVE_MAX_AREAS).round().astype(int)
        x, s = x[rows], s[rows]
    s_ok = ~np.isnan(s)
    # pairwise complete: each indicator with the score over the areas having both; sums in one
    # pass each (values are on the normalised scale, so the one-pass covariance is exact to ~1e-12)
    ok = ~np.isnan(x)
    ok &= s_ok[:, None]
    mk = ok.astype(float)
    x0 = np.where(ok, x, 0.0)
    s0 = np.where(s_ok, s, 0.0)
    cnt = mk.sum(axis=0)
    with one_blas_thread():
        sx = x0.sum(axis=0)
        sxx = np.einsum("ij,ij->j", x0, x0)
        sxy = x0.T @ s0
        ss = mk.T @ s0
        sss = mk.T @ (s0 * s0)
    with np.errstate(all="ignore"):
        cov = sxy - sx * ss / cnt
        vx = sxx - sx * sx / cnt
        vs = sss - ss * ss / cnt
        tiny = 1e-12 * np.maximum(sxx, 1.0)
        r2 = np.where((cnt >= 3) & (vx > tiny) & (vs > 1e-12 * np.maximum(sss, 1.0)), cov**2 / (vx * vs), 0.0)
    r2 = np.clip(r2, 0.0, 1.0)
    out = dict(zip(normalised.columns, map(float, r2)))
    tot = sum(out.values())
    return {k: (v / tot if tot > 0 else float("nan")) for k, v in out.items()}
