r"""Classes Bahaya / Waspada / Siaga / Aman, ranks, and agreement with a published label.

Four rules, chosen by ``[classification] method`` — the registry :data:`CLASSIFIERS`:

- ``bands``: score thresholds (scores compared at 9 decimals) — ``score >= bands["Bahaya"]`` →
  Bahaya, else ``>= bands["Waspada"]`` → Waspada, else ``>= bands["Siaga"]`` → Siaga, else Aman
  (INFORM-style fixed thresholds).
- ``count_rule``: BNN's rule on the number of main (*pokok*) and supporting (*pendukung*)
  indicators present (DOMAIN §3; e.g. Bahaya when at least 5 main and 4 supporting are present).
  The rules are tried in the order Bahaya, Waspada, Siaga; the first whose two minima are both
  met gives the class; an area meeting none is Aman.
- ``quantiles``: four classes of equal count between the quartiles of the score.
- ``jenks``: Fisher–Jenks natural breaks into four classes (Fisher 1958; mapclassify
  ``FisherJenks``), fitted on at most :data:`JENKS_MAX_POINTS` evenly spaced order statistics.

Quantile and Jenks classes are right-closed intervals between breaks (mapclassify's rule
:math:`C^l < y \le C^u`): an area's class is the number of breaks its score *exceeds*.  So equal
scores always share a class, the lowest score — and a score shared by every area — is always
Aman, and when breaks coincide (ties at a quartile) or there are fewer distinct scores than
classes, the classes in between stay empty and a warning says so (mapclassify instead drops the
repeated breaks and renumbers the classes, which pushed tied lowest scores up to Waspada).

An area without a score gets no class (``<NA>``), whatever the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import ConfigError, Finding
from .methods import MethodRegistry
from .i18n import Msg

if TYPE_CHECKING:  # config imports this module (for CLASSES and the registry)
    from .config import StudyConfig

__all__ = ["CLASSES", "CLASSIFIERS", "classify", "rank", "present_counts", "class_from_score", "classes_from_score",
           "quantile_levels", "jenks_levels", "agreement"]

CLASSES: tuple[str, ...] = ("Bahaya", "Waspada", "Siaga", "Aman")
"""BNN classes from worst to best (class code 0 … 3)."""

K = len(CLASSES)
JENKS_MAX_POINTS = 300
"""Above this many scores Fisher–Jenks breaks are fitted on this many evenly spaced order
statistics (deterministic; mapclassify's exact algorithm is O(k n²) in Python)."""


def present_counts(data: pd.DataFrame, config: "StudyConfig") -> pd.DataFrame:
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


# ---------------------------------------------------------------------------------------- pure rules

def band_levels(score: np.ndarray, bands: dict[str, float]) -> np.ndarray:
    """Class codes 0 (Bahaya) … 3 (Aman) by score thresholds, −1 where NaN; (n,) or (n, R).
    Scores are compared at 9 decimals: a score equal to a threshold on paper (75) must not fall
    below it through floating-point error (74.99999999999999)."""
    s = np.asarray(score, float)
    r = np.round(s, 9)
    cls = np.where(r >= bands["Bahaya"], 0, np.where(r >= bands["Waspada"], 1, np.where(r >= bands["Siaga"], 2, 3)))
    return np.where(np.isnan(s), -1, cls).astype(np.int8)


def _notes(level: np.ndarray, distinct: int, coinciding: bool, k: int) -> dict:
    counts = np.bincount(level, minlength=k)
    return {"distinct": distinct, "breaks_coincide": coinciding,
            "empty": [CLASSES[k - 1 - j] for j in reversed(range(k)) if counts[j] == 0]}


def quantile_levels(values: np.ndarray, k: int = K) -> tuple[np.ndarray, dict]:
    r"""Quantile class level of each value: 0 (lowest class) … k − 1.

    The breaks are the j/k quantiles, j = 1 … k − 1 (linear interpolation, as mapclassify's
    ``Quantiles`` and ``numpy.percentile``); the level is the number of breaks the value exceeds,
    :math:`\ell(y) = \#\{j : y > q_j\}` — right-closed classes :math:`q_{j-1} < y \le q_j` as in
    mapclassify, but coinciding breaks are kept, so their class is empty instead of the classes
    being renumbered.  Values are compared at 9 decimals.

    Returns the levels (n,) and notes ``{"distinct", "breaks_coincide", "empty": [class names]}``.
    """
    v = np.round(np.asarray(values, float), 9)
    if len(v) == 0:
        return np.zeros(0, int), {"distinct": 0, "breaks_coincide": False, "empty": []}
    q = np.round(np.percentile(v, 100.0 * np.arange(1, k) / k), 9)
    level = (v[:, None] > q[None, :]).sum(axis=1)
    return level, _notes(level, len(np.unique(v)), bool(np.any(np.diff(q) == 0)), k)


def jenks_levels(values: np.ndarray, k: int = K) -> tuple[np.ndarray, dict]:
    """Fisher–Jenks class level of each value: 0 (lowest class) … k − 1.

    The breaks are mapclassify's ``FisherJenks(values, k).bins`` (Fisher 1958: the partition of
    the sorted values into k contiguous classes with the least within-class sum of squared
    deviations), fitted on at most :data:`JENKS_MAX_POINTS` evenly spaced order statistics; the
    level is the number of the k − 1 inner breaks a value exceeds (right-closed, as mapclassify).
    With fewer distinct values than classes every distinct value is its own class: the lowest
    is level 0 (Aman), the others take the top levels in order (the highest is Bahaya), and the
    classes in between stay empty.

    Returns the levels (n,) and notes as :func:`quantile_levels`.
    """
    import warnings

    import mapclassify

    v = np.round(np.asarray(values, float), 9)
    uniq = np.unique(v)
    if len(uniq) <= k:
        pos = np.searchsorted(uniq, v)
        level = np.where(pos == 0, 0, pos + (k - len(uniq)))
        return level, _notes(level, len(uniq), False, k)
    fit = v
    if len(v) > JENKS_MAX_POINTS:
        srt = np.sort(v)
        fit = srt[np.linspace(0, len(srt) - 1, JENKS_MAX_POINTS).round().astype(int)]
        if len(np.unique(fit)) < k:  # the sample lost distinct values: fit on the distinct ones
            fit = uniq[np.linspace(0, len(uniq) - 1, min(len(uniq), JENKS_MAX_POINTS)).round().astype(int)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed": the pure-Python path is exact
        bins = np.asarray(mapclassify.FisherJenks(fit, k=k).bins, float)
    level = (v[:, None] > bins[None, :-1]).sum(axis=1)
    return level, _notes(level, len(uniq), False, k)


def _by_levels(fn):
    def classify_scores(score: np.ndarray, **_: object) -> tuple[np.ndarray, dict]:
        s = np.asarray(score, float)
        out = np.full(s.shape, -1, dtype=np.int8)
        ok = ~np.isnan(s)
        if s.ndim == 2:  # Monte Carlo runs: one classification per column
            for r in range(s.shape[1]):
                out[:, r], _ = classify_scores(s[:, r])
            return out, {}
        level, notes = fn(s[ok])
        out[ok] = K - 1 - level
        return out, notes
    return classify_scores


def _bands(score: np.ndarray, *, bands: dict[str, float], **_: object) -> tuple[np.ndarray, dict]:
    return band_levels(score, bands), {}


def count_rule_codes(n_main: np.ndarray, n_supporting: np.ndarray, rules: list) -> np.ndarray:
    """BNN's count rule: rules (objects with ``cls``, ``main``, ``supporting``) tried in the order
    Bahaya, Waspada, Siaga; the first whose minima are both met gives the class; else Aman (3)."""
    code = np.full(len(n_main), 3, dtype=np.int8)
    done = np.zeros(len(n_main), bool)
    for rule in sorted(rules, key=lambda r: CLASSES.index(r.cls)):
        hit = ~done & (n_main >= rule.main) & (n_supporting >= rule.supporting)
        code[hit] = CLASSES.index(rule.cls)
        done |= hit
    return code


CLASSIFIERS: MethodRegistry = MethodRegistry("classification", "rule")
"""Classification rules.  Score-based rules (``from_score = True``) have ``func(score (n,) or
(n, R), *, bands) -> (codes int8, notes)``, codes 0 = Bahaya … 3 = Aman, −1 = no score."""

CLASSIFIERS.add("bands", _bands, from_score=True,
                source="INFORM (fixed thresholds)")
CLASSIFIERS.add("count_rule", count_rule_codes, from_score=False,
                source="BNN (DOMAIN §3)")
CLASSIFIERS.add("quantiles", _by_levels(quantile_levels), from_score=True,
                source="mapclassify Quantiles (right-closed quartile classes)")
CLASSIFIERS.add("jenks", _by_levels(jenks_levels), from_score=True,
                source="Fisher 1958; mapclassify FisherJenks")


def classes_from_score(score: np.ndarray, method: str, *, bands: dict[str, float] | None = None
                       ) -> tuple[np.ndarray, dict]:
    """Class codes 0 (Bahaya) … 3 (Aman), −1 where NaN, for a score-based rule of
    :data:`CLASSIFIERS`; ``score`` (n,) or (n, R) (one classification per column).

    Returns the codes and the notes of a 1-D classification (``distinct``,
    ``breaks_coincide``, ``empty``).

    Raises
    ------
    ValueError
        ``method`` does not classify from the score (the count rule).
    """
    m = CLASSIFIERS[method]
    if not m.from_score:
        raise ValueError(f"method {method!r} does not classify from the score")
    return m.func(score, bands=bands)


def class_from_score(score: np.ndarray, config: "StudyConfig") -> np.ndarray:
    """:func:`classes_from_score` with the study's rule; (n,) or (n, R).  Used by the Monte Carlo."""
    cfg = config.classification
    return classes_from_score(score, cfg.method, bands=cfg.bands)[0]


def tie_findings(notes: dict, method: str) -> list[Finding]:
    """A warning when classes are left empty (coinciding breaks, too few distinct scores, or
    ties at a Fisher–Jenks break)."""
    if not notes or not notes.get("empty"):
        return []
    coincide = Msg("f.class_breaks_tied.coincide") if notes["breaks_coincide"] else ""
    return [Finding(
        "warning", "class_breaks_tied",
        Msg("f.class_breaks_tied", method=Msg(f"rule.{method}"), distinct=notes["distinct"], k=K, coincide=coincide,
            empty=", ".join(notes["empty"])),
        expected=Msg("x.class_breaks_tied"))]


def classify(score: pd.Series, data: pd.DataFrame, config: "StudyConfig") -> pd.DataFrame:
    """Class of each area by ``config.classification``.

    Parameters
    ----------
    score : Series, index area code → composite score (NaN = no score)
    data : DataFrame, index area code, raw indicator columns (for the count rule and counts)
    config : StudyConfig

    Returns
    -------
    DataFrame indexed like ``score`` with ``class`` (string dtype: Bahaya/Waspada/Siaga/Aman,
    ``<NA>`` where the score is NaN), ``n_main``, ``n_supporting`` (Int64).  ``attrs["findings"]``
    holds warnings about the classes (e.g. :func:`tie_findings`).

    Raises
    ------
    ConfigError
        Score bands with a normalisation whose scores are not on ``index.range``.
    """
    from .index.normalise import NORMALISERS

    cfg = config.classification
    off_range = sorted(m for m in config.normalisations_used() if not NORMALISERS[m].on_range)
    if cfg.method == "bands" and off_range:
        raise ConfigError(Msg("cfg.bands_off_range", range=str(list(config.index.range)), off=str(off_range),
                              on=", ".join(NORMALISERS.names(on_range=True))))
    counts = present_counts(data.reindex(score.index), config)
    s = score.to_numpy(float)
    notes: dict = {}
    if cfg.method == "count_rule":
        code = count_rule_codes(counts["n_main"].to_numpy(np.int64), counts["n_supporting"].to_numpy(np.int64),
                                cfg.count_rule)
        code[np.isnan(s)] = -1
    else:
        code, notes = classes_from_score(s, cfg.method, bands=cfg.bands)
    labels = np.array(CLASSES + (None,), dtype=object)[np.where(code < 0, 4, code)]
    out = pd.DataFrame(index=score.index)
    out["class"] = pd.array(labels, dtype="string")
    out["n_main"] = counts["n_main"]
    out["n_supporting"] = counts["n_supporting"]
    out.attrs["findings"] = tie_findings(notes, cfg.method)
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
