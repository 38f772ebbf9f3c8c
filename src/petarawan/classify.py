"""Classes Bahaya / Waspada / Siaga / Aman, ranks, and agreement with a published label.

Four rules, chosen by ``[classification] method``:

- ``bands``: score thresholds (scores compared at 9 decimals) — ``score >= bands["Bahaya"]`` → Bahaya, else ``>= bands["Waspada"]``
  → Waspada, else ``>= bands["Siaga"]`` → Siaga, else Aman (INFORM-style fixed thresholds).
- ``count_rule``: BNN's rule on the number of main (*pokok*) and supporting (*pendukung*)
  indicators present (DOMAIN §3; e.g. Bahaya when at least 5 main and 4 supporting are present).
  The rules are tried in the order Bahaya, Waspada, Siaga; the first whose two minima are both
  met gives the class; an area meeting none is Aman.
- ``quantiles``: four classes of equal count (quartiles of the score; mapclassify ``Quantiles``).
- ``jenks``: Fisher–Jenks natural breaks into four classes (Fisher 1958; mapclassify
  ``FisherJenks``, reimplemented vectorised in :func:`fisher_jenks_breaks`), which minimise the
  within-class sum of squared deviations (fitted on at most 1,000 evenly spaced order statistics
  for large studies, see :func:`_jenks_bins`).

An area without a score gets no class (``<NA>``), whatever the rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .config import CLASSES, StudyConfig
from .errors import ConfigError

__all__ = ["classify", "rank", "present_counts", "class_from_score", "agreement", "fisher_jenks_breaks"]


def present_counts(data: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """Counts of BNN main and supporting indicators present per area.

    An indicator with ``bnn = "main"|"supporting"`` is present when its value is
    ``>= present_at`` (direction +1) or ``<= present_at`` (direction −1).  A missing value (or a
    missing column) counts as *not present*.

    Returns
    -------
    DataFrame, index = ``data.index``, Int64 columns ``n_main``, ``n_supporting``.
    """
    out = pd.DataFrame(index=data.index)
    for kind, col in (("main", "n_main"), ("supporting", "n_supporting")):
        n = np.zeros(len(data), dtype=np.int64)
        for ind in config.indicators:
            if ind.bnn != kind or ind.code not in data.columns:
                continue
            v = pd.to_numeric(data[ind.code], errors="coerce").to_numpy(float)
            with np.errstate(invalid="ignore"):
                hit = v >= ind.present_at if ind.direction == 1 else v <= ind.present_at
            n += np.where(np.isnan(v), False, hit).astype(np.int64)
        out[col] = pd.array(n, dtype="Int64")
    return out


def class_from_score(score: np.ndarray, config: StudyConfig) -> np.ndarray:
    """Class code 0 (Bahaya) … 3 (Aman) from scores for the score-based methods; −1 where NaN.

    Works on (n,) or (n, R) arrays (bands only for 2-D).  Used by the Monte Carlo runs too.
    """
    cfg = config.classification
    s = np.asarray(score, float)
    out = np.full(s.shape, -1, dtype=np.int8)
    ok = ~np.isnan(s)
    if cfg.method == "bands":
        b = cfg.bands
        # compare at 9 decimals: a score that equals a threshold on paper (e.g. 75) must not fall
        # below it through floating-point error (74.99999999999999)
        r = np.round(s, 9)
        cls = np.where(r >= b["Bahaya"], 0, np.where(r >= b["Waspada"], 1, np.where(r >= b["Siaga"], 2, 3)))
        out[ok] = cls[ok]
        return out
    if cfg.method in ("quantiles", "jenks"):
        if s.ndim == 2:
            for r in range(s.shape[1]):
                out[:, r] = class_from_score(s[:, r], config)
            return out
        import mapclassify

        vals = s[ok]
        if len(np.unique(vals)) < 4:
            # too few distinct scores for four classes: rank the distinct values instead
            uniq = np.unique(vals)
            bins = uniq
            yb = np.searchsorted(bins, vals) + (4 - len(uniq))
        else:
            if cfg.method == "quantiles":
                yb = np.asarray(mapclassify.Quantiles(vals, k=4).yb)
            else:
                yb = _jenks_bins(vals)
        out[ok] = 3 - yb  # highest bin → Bahaya
        return out
    raise ValueError(f"method {cfg.method!r} does not classify from the score")


JENKS_MAX_POINTS = 1000


def fisher_jenks_breaks(values: np.ndarray, k: int = 4) -> np.ndarray:
    """Exact Fisher–Jenks optimal breaks (Fisher 1958): the partition of the sorted values into
    ``k`` contiguous classes that minimises the total within-class sum of squared deviations.

    Dynamic programme over prefix sums, vectorised with numpy (O(k n²) arithmetic, O(n²)
    memory); gives the same classes as mapclassify ``FisherJenks`` (tested).

    Returns
    -------
    ndarray (k,): the largest value of each class (mapclassify's ``bins``).
    """
    x = np.sort(np.asarray(values, float))
    n = len(x)
    k = min(k, n)
    c1 = np.concatenate([[0.0], np.cumsum(x)])
    c2 = np.concatenate([[0.0], np.cumsum(x * x)])
    i = np.arange(n)[:, None]  # class start
    j = np.arange(n)[None, :]  # class end (inclusive)
    cnt = (j - i + 1).astype(float)
    with np.errstate(all="ignore"):
        s1 = c1[j + 1] - c1[i]
        ssd = (c2[j + 1] - c2[i]) - s1 * s1 / cnt
    ssd = np.where(j >= i, np.maximum(ssd, 0.0), np.inf)
    best = ssd[0].copy()  # one class covering 0..j
    back = []
    for _ in range(1, k):
        prev = np.concatenate([[np.inf], best[:-1]])  # best cost of values 0..i-1
        tot = prev[:, None] + ssd  # start the last class at i
        arg = np.argmin(tot, axis=0)
        back.append(arg)
        best = tot[arg, np.arange(n)]
    ends = [n - 1]
    end = n - 1
    for arg in reversed(back):
        start = int(arg[end])
        ends.append(start - 1)
        end = start - 1
    return x[np.array(sorted(ends))]


def _jenks_bins(vals: np.ndarray) -> np.ndarray:
    """Fisher–Jenks class (0–3) of each value.  Above :data:`JENKS_MAX_POINTS` values the breaks
    are found on that many evenly spaced order statistics of the sorted values (deterministic,
    unlike mapclassify's random ``FisherJenksSampled``), then applied to every value."""
    fit = vals
    if len(vals) > JENKS_MAX_POINTS:
        srt = np.sort(vals)
        fit = srt[np.linspace(0, len(srt) - 1, JENKS_MAX_POINTS).round().astype(int)]
    bins = fisher_jenks_breaks(fit, 4).astype(float)
    bins[-1] = np.inf
    return np.searchsorted(bins, vals, side="left")


def classify(score: pd.Series, data: pd.DataFrame, config: StudyConfig) -> pd.DataFrame:
    """Class of each area by ``config.classification``.

    Parameters
    ----------
    score : Series, index area code → composite score (NaN = no score)
    data : DataFrame, index area code, raw indicator columns (for the count rule and counts)
    config : StudyConfig

    Returns
    -------
    DataFrame indexed like ``score`` with ``class`` (string dtype: Bahaya/Waspada/Siaga/Aman,
    ``<NA>`` where the score is NaN), ``n_main``, ``n_supporting`` (Int64).
    """
    cfg = config.classification
    if cfg.method == "bands" and config.index.normalisation in ("zscore", "rank"):
        raise ConfigError(
            f"classification.method = 'bands' classes scores on index.range {list(config.index.range)}, but "
            f"index.normalisation = '{config.index.normalisation}' does not put scores on that range; use minmax, "
            f"percentile, goalposts, target or reference, or classification.method = 'quantiles' or 'jenks'")
    counts = present_counts(data.reindex(score.index), config)
    s = score.to_numpy(float)
    if cfg.method == "count_rule":
        rules = sorted(cfg.count_rule, key=lambda r: CLASSES.index(r.cls))
        code = np.full(len(s), 3, dtype=np.int8)
        done = np.zeros(len(s), bool)
        nm = counts["n_main"].to_numpy(np.int64)
        ns = counts["n_supporting"].to_numpy(np.int64)
        for rule in rules:
            hit = ~done & (nm >= rule.main) & (ns >= rule.supporting)
            code[hit] = CLASSES.index(rule.cls)
            done |= hit
        code[np.isnan(s)] = -1
    else:
        code = class_from_score(s, config)
    labels = np.array(CLASSES + (None,), dtype=object)[np.where(code < 0, 4, code)]
    out = pd.DataFrame(index=score.index)
    out["class"] = pd.array(labels, dtype="string")
    out["n_main"] = counts["n_main"]
    out["n_supporting"] = counts["n_supporting"]
    return out


def rank(score: pd.Series) -> pd.Series:
    """Rank 1 = most prone (highest score); ties share the lowest rank number (pandas
    ``method="min"``, as competition ranking 1, 2, 2, 4); NaN stays ``<NA>``; dtype Int64.
    Scores are compared at 9 decimals, so equal scores computed along different floating-point
    paths (e.g. 75 and 74.99999999999999) tie."""
    s = np.round(score.to_numpy(float), 9)
    nan = np.isnan(s)
    key = np.where(nan, np.inf, -s)
    order = np.argsort(key, kind="stable")
    sv = key[order]
    new = np.ones(len(sv), bool)
    new[1:] = sv[1:] != sv[:-1]
    first = np.maximum.accumulate(np.where(new, np.arange(len(sv)), 0))
    r = np.empty(len(s), np.int64)
    r[order] = first + 1
    r[nan] = 0
    return pd.Series(pd.arrays.IntegerArray(r, nan), index=score.index, name="rank")


def agreement(classes: pd.Series, reference: pd.Series) -> pd.DataFrame:
    """Cross-table of computed classes against a published 0/1 label (e.g. BNNK red zones).

    Parameters
    ----------
    classes : Series of class names (``<NA>`` = no score), index area code
    reference : Series of 0/1 (or bool), same index; missing values are left out

    Returns
    -------
    DataFrame, one row per class (Bahaya … Aman, then "Tanpa skor" if any), columns
    ``reference_1`` (areas labelled prone), ``reference_0``, ``total``, ``share_of_reference_1``
    (share of the labelled areas that fall in this class).  ``attrs`` holds
    ``sensitivity`` (labelled areas classed Bahaya or Waspada / labelled areas) and
    ``specificity`` (unlabelled areas classed Siaga or Aman / unlabelled areas) — the
    confusion-matrix rates with Bahaya+Waspada counted as "prone" (BNN counts both as prone
    villages, DOMAIN §3).
    """
    ref = pd.to_numeric(reference.reindex(classes.index), errors="coerce")
    ok = ref.notna()
    cls = classes[ok].astype("object").where(classes[ok].notna(), "Tanpa skor")
    ref = ref[ok].astype(int)
    rows = []
    order = list(CLASSES) + (["Tanpa skor"] if (cls == "Tanpa skor").any() else [])
    n1 = int((ref == 1).sum())
    for c in order:
        m = cls == c
        r1 = int((m & (ref == 1)).sum())
        r0 = int((m & (ref == 0)).sum())
        rows.append({"class": c, "reference_1": r1, "reference_0": r0, "total": r1 + r0,
                     "share_of_reference_1": r1 / n1 if n1 else float("nan")})
    out = pd.DataFrame(rows).set_index("class")
    prone = cls.isin(["Bahaya", "Waspada"])
    n0 = int((ref == 0).sum())
    out.attrs["sensitivity"] = float((prone & (ref == 1)).sum() / n1) if n1 else float("nan")
    out.attrs["specificity"] = float((~prone & (cls != "Tanpa skor") & (ref == 0)).sum() / n0) if n0 else float("nan")
    return out
