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
from ..i18n import register, t

__all__ = ["cronbach_alpha", "pca_variance", "correlations", "flags", "audit_tables", "readable"]

register({
    "audit.title": {"id": "Audit statistik indeks", "en": "Statistical audit of the index"},
    "audit.intro": {
        "id": ("Audit ini memeriksa apakah indikator dalam satu dimensi bergerak searah (korelasi dan alfa Cronbach), "
               "apakah ada pasangan indikator yang hampir sama (|r| > {thr}: dihitung dua kali), dan berapa bagian "
               "keragaman data yang ditangkap komponen utama pertama (PCA)."),
        "en": ("This audit checks whether the indicators of a dimension move together (correlations and Cronbach's alpha), "
               "whether any pair of indicators is nearly the same (|r| > {thr}: double counting), and how much of the "
               "data's variance the first principal component captures (PCA)."),
    },
    "audit.neg": {"id": "Indikator berkorelasi negatif dengan dimensinya sendiri: {items}. Periksa arah (direction) indikator ini.",
                  "en": "Indicators correlating negatively with their own dimension: {items}. Check their direction."},
    "audit.coll": {"id": "Pasangan hampir kolinear: {items}.", "en": "Nearly collinear pairs: {items}."},
    "audit.none": {"id": "Tidak ada indikator yang ditandai.", "en": "No indicator flagged."},
    "audit.pca": {"id": "Komponen utama pertama menjelaskan {share}% keragaman semua indikator.",
                  "en": "The first principal component explains {share}% of the variance of all indicators."},
    "audit.col.dim": {"id": "Dimensi", "en": "Dimension"},
    "audit.col.k": {"id": "Jumlah indikator", "en": "Indicators"},
    "audit.col.alpha": {"id": "Alfa Cronbach", "en": "Cronbach's alpha"},
    "audit.low_alpha": {
        "id": "Alfa Cronbach rendah (di bawah 0,5) pada dimensi {dims}: indikatornya tidak bergerak searah, sehingga "
              "skor dimensi menggabungkan hal-hal yang berbeda; nilai negatif biasanya berarti arah (direction) suatu "
              "indikator perlu diperiksa. Ini bukan kesalahan data, tetapi layak dibahas sebelum hasil dipakai.",
        "en": "Low Cronbach's alpha (below 0.5) in dimension(s) {dims}: their indicators do not move together, so the "
              "dimension score mixes different things; a negative value usually means an indicator's direction should be "
              "checked. This is not a data error, but worth discussing before the results are used.",
    },
    "audit.col.pc1": {"id": "PC1 (% varians)", "en": "PC1 (% variance)"},
    "audit.ref.title": {"id": "Perbandingan dengan label yang dipublikasikan ({col})",
                        "en": "Comparison with the published label ({col})"},
    "audit.ref.text": {
        "id": ("Dari {n1} wilayah berlabel rawan, {hit} ({sens}) masuk kelas Bahaya atau Waspada; dari {n0} wilayah tanpa label, "
               "{ok} ({spec}) masuk kelas Siaga atau Aman. Label yang dipublikasikan memakai metode lain; perbedaan bukan berarti "
               "salah satu keliru, tetapi layak diperiksa."),
        "en": ("Of {n1} areas labelled prone, {hit} ({sens}) are classed Bahaya or Waspada; of {n0} unlabelled areas, {ok} "
               "({spec}) are classed Siaga or Aman. The published label uses another method; a difference does not mean "
               "either is wrong, but it is worth checking."),
    },
    "audit.ref.col.class": {"id": "Kelas", "en": "Class"},
    "audit.ref.col.1": {"id": "Berlabel rawan (1)", "en": "Labelled prone (1)"},
    "audit.ref.col.0": {"id": "Tanpa label (0)", "en": "Not labelled (0)"},
    "audit.treat": {"id": "Penanganan pencilan: {items}.", "en": "Outlier treatment: {items}."},
    # sheet names and headings (keys = column names)
    "audit.sheet.dimensions": {"id": "Audit dimensi", "en": "Audit dimensions"},
    "audit.sheet.correlations": {"id": "Audit korelasi", "en": "Audit correlations"},
    "audit.sheet.flags": {"id": "Audit tanda", "en": "Audit flags"},
    "audit.sheet.pca": {"id": "Audit PCA", "en": "Audit PCA"},
    "audit.sheet.weights": {"id": "Bobot efektif", "en": "Effective weights"},
    "audit.sheet.outliers": {"id": "Pencilan", "en": "Outliers"},
    "audit.sheet.reference": {"id": "Kesesuaian referensi", "en": "Reference agreement"},
    "audit.h.dimension": {"id": "Dimensi", "en": "Dimension"},
    "audit.h.n_indicators": {"id": "Jumlah indikator", "en": "Indicators"},
    "audit.h.cronbach_alpha": {"id": "Alfa Cronbach", "en": "Cronbach's alpha"},
    "audit.h.pc1_share": {"id": "Bagian varians PC1", "en": "PC1 share of variance"},
    "audit.h.item": {"id": "Indikator / dimensi", "en": "Indicator / dimension"},
    "audit.h.index": {"id": "Indeks", "en": "Index"},
    "audit.h.dim": {"id": "Dimensi: {d}", "en": "Dimension: {d}"},
    "audit.h.kind": {"id": "Jenis tanda", "en": "Flag"},
    "audit.h.other": {"id": "Dengan", "en": "With"},
    "audit.h.r": {"id": "Korelasi r (Pearson)", "en": "Correlation r (Pearson)"},
    "audit.h.component": {"id": "Komponen", "en": "Component"},
    "audit.h.variance_share": {"id": "Bagian varians", "en": "Share of variance"},
    "audit.h.cumulative": {"id": "Bagian varians kumulatif", "en": "Cumulative share of variance"},
    "audit.h.indicator": {"id": "Indikator", "en": "Indicator"},
    "audit.h.overall_weight": {"id": "Bobot nominal keseluruhan", "en": "Overall nominal weight"},
    "audit.h.effective_weight": {"id": "Bobot efektif", "en": "Effective weight"},
    "audit.h.action": {"id": "Tindakan", "en": "Action"},
    "audit.h.n_winsorised": {"id": "Jumlah nilai diwinsorisasi", "en": "Values winsorised"},
    "audit.h.areas": {"id": "Wilayah", "en": "Areas"},
    "audit.h.skew_before": {"id": "Kemencengan sebelum", "en": "Skewness before"},
    "audit.h.kurt_before": {"id": "Kurtosis sebelum", "en": "Kurtosis before"},
    "audit.h.skew_after": {"id": "Kemencengan sesudah", "en": "Skewness after"},
    "audit.h.kurt_after": {"id": "Kurtosis sesudah", "en": "Kurtosis after"},
    "audit.h.passes_after": {"id": "Lolos batas sesudahnya", "en": "Within limits after"},
    "audit.h.class": {"id": "Kelas", "en": "Class"},
    "audit.h.reference_1": {"id": "Berlabel rawan (1)", "en": "Labelled prone (1)"},
    "audit.h.reference_0": {"id": "Tanpa label (0)", "en": "Not labelled (0)"},
    "audit.h.total": {"id": "Jumlah", "en": "Total"},
    "audit.h.share_of_reference_1": {"id": "Bagian dari yang berlabel rawan", "en": "Share of those labelled prone"},
    "audit.kind.negative_with_own_dimension": {"id": "berkorelasi negatif dengan dimensinya", "en": "negative with own dimension"},
    "audit.kind.collinear": {"id": "hampir kolinear", "en": "nearly collinear"},
    "audit.action.none": {"id": "tidak ada", "en": "none"},
    "audit.action.winsorised": {"id": "winsorisasi", "en": "winsorised"},
    "audit.action.log": {"id": "transformasi log", "en": "log-transformed"},
})


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
