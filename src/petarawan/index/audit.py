"""Statistical audit of the index (OECD/JRC Handbook 2008, step 4 "multivariate analysis").

- Pearson correlations of the normalised indicators with each other, with their own dimension,
  with the other dimensions and with the index (COINr ``get_corr``, ``get_corr_flags``).
  Flags: an indicator correlating *negatively* with its own dimension (it pulls against the
  concept), and pairs with |r| above ``audit.collinear_above`` (0.9; double counting).
- Cronbach's alpha per dimension (Cronbach 1951; Handbook §4.1, eq. 4.1):
  :math:`\\alpha = \\frac{k}{k-1}\\Big(1 - \\frac{\\sum_i \\sigma^2_i}{\\sigma^2_{\\sum_i x_i}}\\Big)`
  on the areas with every indicator of the dimension (COINr ``get_cronbach``).
- PCA of the indicators' correlation matrix (complete cases): the share of variance of each
  principal component, overall and — for the first component — per dimension (Handbook §4.1;
  COINr ``get_PCA``).
- Also shown here: what the outlier treatment did, and — when ``data.reference_column`` is set —
  the agreement of the classes with the published label (:func:`petarawan.classify.agreement`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import StudyConfig
from ..i18n import t

__all__ = ["cronbach_alpha", "pca_variance", "correlations", "flags", "audit_tables", "readable"]


def _item(name: str, lang: str, config: StudyConfig) -> str:
    """Readable name of a row/column of the correlation matrix: an indicator code stays, a
    dimension ``dim_<code>`` becomes "Dimensi: <label>", ``index`` becomes "Indeks"."""
    if name == "index":
        return t("audit.h.index", lang)
    if name.startswith("dim_"):
        code = name[4:]
        dim = next((d for d in config.dimensions if d.code == code), None)
        return t("audit.h.dim", lang, d=dim.label(lang) if dim is not None else code)
    return name


def readable(df: pd.DataFrame, lang: str, config: StudyConfig) -> pd.DataFrame:
    """An audit table with readable headings (and flag kinds, actions, classes, matrix items)
    in ``lang``.

    Raises
    ------
    KeyError
        A column without a heading (a new column must get one)."""
    out = df.copy()
    values = {"kind": lambda v: t(f"audit.kind.{v}", lang), "action": lambda v: t(f"audit.action.{v}", lang),
              "item": lambda v: _item(str(v), lang, config),
              "class": lambda v: t(f"class.{v}", lang) if v in ("Bahaya", "Waspada", "Siaga", "Aman") else t("class.none", lang)}
    for c, f in values.items():
        if c in out.columns:
            out[c] = [f(v) for v in out[c]]
    codes = {i.code for i in config.indicators}
    names = {}
    for c in out.columns:
        if c in codes or c == "index" or str(c).startswith("dim_"):
            names[c] = _item(str(c), lang, config)
        else:
            key = f"audit.h.{c}"
            if t(key, lang) == key:
                raise KeyError(f"no heading for audit column {c!r}")
            names[c] = t(key, lang)
    return out.rename(columns=names)


def cronbach_alpha(x: pd.DataFrame) -> float:
    """Cronbach's alpha of the columns of ``x`` (n × k, k ≥ 2) over complete rows, with sample
    variances (ddof = 1).  NaN when k < 2, fewer than 2 complete rows, or the total has no
    variance."""
    v = x.dropna()
    k = v.shape[1]
    if k < 2 or len(v) < 2:
        return float("nan")
    item_var = v.var(axis=0, ddof=1).sum()
    tot_var = v.sum(axis=1).var(ddof=1)
    if tot_var <= 0:
        return float("nan")
    return float(k / (k - 1) * (1 - item_var / tot_var))


def pca_variance(x: pd.DataFrame) -> np.ndarray:
    """Share of variance of each principal component of the correlation matrix of ``x``
    (complete rows; constant columns dropped), largest first; sums to 1."""
    v = x.dropna()
    v = v.loc[:, v.std(ddof=1) > 0]
    if v.shape[1] == 0 or len(v) < 2:
        return np.array([])
    if v.shape[1] == 1:
        return np.array([1.0])
    vals = np.linalg.eigvalsh(np.corrcoef(v.to_numpy(float), rowvar=False))[::-1]
    vals = np.clip(vals, 0, None)
    return vals / vals.sum()


def correlations(normalised: pd.DataFrame, dimensions: pd.DataFrame, score: pd.Series) -> pd.DataFrame:
    """Pearson correlation matrix (pairwise complete) of indicators, dimensions and the index
    (column ``index``)."""
    allv = pd.concat([normalised, dimensions.add_prefix("dim_"), score.rename("index")], axis=1)
    return allv.corr(method="pearson", min_periods=3)


def flags(corr: pd.DataFrame, config: StudyConfig, collinear_above: float = 0.9) -> pd.DataFrame:
    """Rows ``kind`` ("negative_with_own_dimension" | "collinear"), ``item``, ``other``, ``r``."""
    rows = []
    codes = [i.code for i in config.indicators]
    for ind in config.indicators:
        r = corr.at[ind.code, f"dim_{ind.dimension}"]
        if r < 0:
            rows.append({"kind": "negative_with_own_dimension", "item": ind.code, "other": ind.dimension, "r": float(r)})
    for a in range(len(codes)):
        for b in range(a + 1, len(codes)):
            r = corr.at[codes[a], codes[b]]
            if abs(r) > collinear_above:
                rows.append({"kind": "collinear", "item": codes[a], "other": codes[b], "r": float(r)})
    return pd.DataFrame(rows, columns=["kind", "item", "other", "r"])


def audit_tables(normalised: pd.DataFrame, dimensions: pd.DataFrame, score: pd.Series, config: StudyConfig,
                 collinear_above: float = 0.9) -> dict[str, pd.DataFrame]:
    """``correlations`` (matrix), ``dimensions`` (per dimension: indicators, Cronbach's alpha,
    PC1 share), ``flags``, ``pca`` (variance share per component)."""
    corr = correlations(normalised, dimensions, score)
    rows = []
    fw = config.framework
    for k, d in enumerate(config.dimensions):
        # every indicator below the dimension (any depth), except those left out of the run
        cols = [c for c in fw.indicators_under(k) if normalised[c].notna().any()]
        pv = pca_variance(normalised[cols])
        rows.append({"dimension": d.code, "n_indicators": len(cols), "cronbach_alpha": cronbach_alpha(normalised[cols]),
                     "pc1_share": float(pv[0]) if len(pv) else float("nan")})
    pv = pca_variance(normalised.loc[:, normalised.notna().any()])
    pca = pd.DataFrame({"component": [f"PC{i + 1}" for i in range(len(pv))], "variance_share": pv,
                        "cumulative": np.cumsum(pv)})
    return {"correlations": corr, "dimensions": pd.DataFrame(rows), "flags": flags(corr, config, collinear_above), "pca": pca}
