"""Weighting: nominal weights per level, AHP, PCA, budget allocation and effective weights.

Weights are *relative*: within each dimension the indicator weights are rescaled to sum to 1,
and the dimension weights likewise; an indicator's overall weight is the product
(OECD/JRC Handbook 2008, §6.1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import StudyConfig
from ..errors import ConfigError
from .aggregate import one_blas_thread



__all__ = ["nominal_weights", "weights_table", "ahp", "ahp_for", "budget", "budget_for", "pca_weights",
           "effective_weights", "SAATY_RI"]


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
        raise ConfigError(f"{where}: AHP matrix missing — add [{where}] with items = {items} and a {len(items)}×{len(items)} matrix")
    spec = mats[key]
    if sorted(spec.items) != sorted(items):
        raise ConfigError(f"{where}.items = {spec.items} must list exactly {items}")
    res = ahp(np.array(spec.values()))
    i, j = res["pair"]
    a_ij = spec.values()[i][j]
    if res["cr"] > max_cr:
        raise ConfigError(
            f"{where}: matriks AHP tidak konsisten / AHP matrix inconsistent: CR = {res['cr']:.3f} > {max_cr:.2f} "
            f"(λmax = {res['lambda_max']:.3f}, CI = {res['ci']:.3f}, RI = {res['ri']:.2f}). "
            f"Pasangan paling tidak konsisten / most inconsistent pair: {spec.items[i]} vs {spec.items[j]} = {a_ij:g}; "
            f"bobot lain menyiratkan / the other judgements imply ≈ {res['suggest']:.2f}")
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
        raise ConfigError(f"{where}: budget allocation missing — add {where} = [{{...}}, ...] (one table of points per expert over {items})")
    for e, a in enumerate(allocs[key], start=1):
        unknown = sorted(set(a) - set(items))
        if unknown:
            raise ConfigError(f"{where}[{e}]: unknown item(s) {unknown}; expected some of {items}")
        neg = [k for k, v in a.items() if v < 0]
        if neg:
            raise ConfigError(f"{where}[{e}]: negative points for {neg}")
        if sum(a.values()) <= 0:
            raise ConfigError(f"{where}[{e}]: the expert gave no points")
    w = budget(allocs[key], items)
    return dict(zip(items, map(float, w))), {"experts": len(allocs[key])}


def pca_weights(x: pd.DataFrame) -> tuple[dict[str, float], dict]:
    r"""PCA weights (OECD/JRC Handbook 2008, §6.1.2; Nicoletti et al. 2000): the squared loadings
    of the first principal component of the indicators' correlation matrix (complete cases),
    which sum to 1 because the eigenvector has unit length: :math:`w_k = v_{1k}^2`.

    A single indicator gets weight 1.  Constant indicators (zero variance) get weight 0.
    """
    cols = list(x.columns)
    if len(cols) == 1:
        return {cols[0]: 1.0}, {"variance_explained": 1.0}
    v = x.dropna().to_numpy(float)
    sd = v.std(axis=0, ddof=1) if len(v) > 1 else np.zeros(len(cols))
    ok = sd > 0
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


def nominal_weights(config: StudyConfig, normalised: pd.DataFrame | None = None) -> tuple[dict[str, float], dict[str, float], list[dict]]:
    """Indicator weights (within dimension, sum 1 per dimension) and dimension weights (sum 1).

    Parameters
    ----------
    config : StudyConfig
        ``index.weighting`` chooses the method per level.
    normalised : DataFrame | None
        Normalised indicators (needed by PCA weighting).

    Returns
    -------
    ind_w : dict indicator → weight within its dimension
    dim_w : dict dimension → weight
    steps : list of {"step", "method", "params"} records

    Raises
    ------
    ConfigError
        AHP matrix inconsistent (CR > 0.10) or not matching the framework; budget allocation
        naming unknown items.
    """
    ws = config.index.weighting
    ind_w: dict[str, float] = {}
    steps: list[dict] = []
    for dim in config.dimensions:
        inds = [i for i in config.indicators if i.dimension == dim.code]
        codes = [i.code for i in inds]
        method = ws.indicators
        if method == "manual":
            w = {i.code: float(i.weight) for i in inds}
            params: dict = {}
        elif method == "equal":
            w = {c: 1.0 for c in codes}
            params = {}
        elif method == "ahp":
            w, params = ahp_for(ws.ahp, dim.code, codes, f"index.weighting.ahp.{dim.code}")
        elif method == "budget":
            w, params = budget_for(ws.budget, dim.code, codes, f"index.weighting.budget.{dim.code}")
        elif method == "pca":
            if normalised is None:
                raise ConfigError("index.weighting.indicators = 'pca' needs the normalised data")
            w, params = pca_weights(normalised[codes])
        else:  # pragma: no cover - pydantic restricts the values
            raise ConfigError(f"index.weighting.indicators: unknown method {method!r}")
        if sum(w.values()) <= 0:
            raise ConfigError(f"dimension '{dim.code}': indicator weights sum to 0")
        for c, v in _rescale(w).items():
            ind_w[c] = v
        steps.append({"step": "weighting", "method": method, "params": {"level": "indicator", "dimension": dim.code,
                                                                           "weights": _rescale(w), **params}})
    dcodes = [d.code for d in config.dimensions]
    method = ws.dimensions
    if method == "manual":
        dw = {d.code: float(d.weight) for d in config.dimensions}
        params = {}
    elif method == "equal":
        dw = {c: 1.0 for c in dcodes}
        params = {}
    elif method == "ahp":
        dw, params = ahp_for(ws.ahp, "dimensions", dcodes, "index.weighting.ahp.dimensions")
    elif method == "budget":
        dw, params = budget_for(ws.budget, "dimensions", dcodes, "index.weighting.budget.dimensions")
    else:  # pragma: no cover
        raise ConfigError(f"index.weighting.dimensions: unknown method {method!r}")
    if sum(dw.values()) <= 0:
        raise ConfigError("dimension weights sum to 0")
    dw = _rescale(dw)
    steps.append({"step": "weighting", "method": method, "params": {"level": "dimension", "weights": dw, **params}})
    return ind_w, dw, steps


def weights_table(config: StudyConfig, ind_w: dict[str, float], dim_w: dict[str, float]) -> pd.DataFrame:
    """One row per indicator: ``indicator``, ``dimension``, ``weight`` (within dimension),
    ``dimension_weight``, ``overall_weight`` (product; sums to 1)."""
    rows = []
    for ind in config.indicators:
        w = ind_w[ind.code]
        d = dim_w[ind.dimension]
        rows.append({"indicator": ind.code, "dimension": ind.dimension, "weight": w,
                     "dimension_weight": d, "overall_weight": w * d})
    return pd.DataFrame(rows)


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
