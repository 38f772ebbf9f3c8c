"""Data treatment: data availability, imputation and outliers (OECD/JRC Handbook 2008, step 3).

Sources: Handbook §3 (imputation: unconditional mean/median substitution; outliers);
COINr ``R/impute.R`` (``i_mean``, ``i_median``, ``i_mean_grp``, ``i_median_grp``) and
``R/treat.R`` (``check_SkewKurt``, ``skew``, ``kurt``, ``winsorise``, ``log_CT``; read at COINr
b968203).  Skewness and kurtosis are scipy.stats' bias-corrected estimators, which are COINr's
definitions (e1071 type 2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import Finding
from ..i18n import Msg
from ..methods import MethodRegistry

__all__ = ["IMPUTERS", "TREATMENTS", "availability", "impute", "skew", "kurt", "passes", "treat_column",
           "treat_outliers"]


def availability(raw: pd.DataFrame) -> pd.Series:
    """Share of indicators with a value, per area (0–1), counted before imputation
    (COINr ``get_data_avail``, ``Dat_Avail``)."""
    return pd.Series((~np.isnan(raw.to_numpy(float))).mean(axis=1), index=raw.index)


def _fill_stat(stat):
    def fill(x: np.ndarray, groups: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        miss = np.isnan(x)
        out = np.where(miss, stat(x) if (~miss).any() else np.nan, x)
        return out, np.zeros(len(x), bool)
    return fill


def _fill_group(stat):
    def fill(x: np.ndarray, groups: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        s = pd.Series(x)
        g = pd.Series(groups)
        by_group = s.groupby(g).transform(stat).to_numpy(float)
        miss = np.isnan(x)
        overall = getattr(s, stat)()
        fallback = miss & np.isnan(by_group)
        return np.where(miss, np.where(np.isnan(by_group), overall, by_group), x), fallback
    return fill


def _no_fill(x: np.ndarray, groups: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    return x, np.zeros(len(x), bool)


IMPUTERS: MethodRegistry = MethodRegistry("imputation", "imp")
"""Imputations.  ``func(x (n,), groups (n,) | None) -> (filled (n,), fallback (n,) bool)`` —
``fallback`` marks cells filled with the overall statistic because their group had no value.
Property ``needs_groups``."""

IMPUTERS.add("none", _no_fill, needs_groups=False,
             )
IMPUTERS.add("mean", _fill_stat(np.nanmean), needs_groups=False,
             source="Handbook §3.1 (unconditional mean substitution); COINr i_mean")
IMPUTERS.add("median", _fill_stat(np.nanmedian), needs_groups=False,
             source="Handbook §3.1; COINr i_median")
IMPUTERS.add("group_mean", _fill_group("mean"), needs_groups=True,
             source="COINr i_mean_grp")
IMPUTERS.add("group_median", _fill_group("median"), needs_groups=True,
             source="COINr i_median_grp")


def impute(raw: pd.DataFrame, method: str, *, groups: pd.Series | None = None) -> tuple[pd.DataFrame, list[Finding], dict]:
    """Fill missing values of each indicator with the imputer ``method`` of :data:`IMPUTERS`.

    ``mean``/``median``: the indicator's mean/median over all areas with a value (Handbook §3,
    unconditional substitution; COINr ``i_mean``/``i_median``).  ``group_mean``/``group_median``:
    over the areas of the same group (e.g. kecamatan; COINr ``i_mean_grp``/``i_median_grp``); an
    area whose group has no value for the indicator (or no group) falls back to the overall
    mean/median, and that fallback is reported.  Imputation happens *before* normalisation on
    the raw values; the direction does not matter.

    Returns
    -------
    treated : DataFrame (same shape)
    findings : list[Finding] — one ``info`` per indicator with imputed areas (named)
    params : dict — counts imputed per indicator and the method

    Raises
    ------
    ConfigError
        A group imputation without groups (``areas.group_column``).
    """
    imputer = IMPUTERS[method]
    if method == "none":
        return raw.copy(deep=False), [], {}  # copy-on-write: a later change cannot reach ``raw``
    if imputer.needs_groups and groups is None:
        from ..errors import ConfigError
        raise ConfigError(Msg("cfg.imputation_needs_group", method=str(method)))
    out = raw.copy()
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    fallbacks: dict[str, list[str]] = {}
    g = groups.reindex(raw.index).to_numpy(object) if groups is not None else None
    for col in raw.columns:
        x = raw[col].to_numpy(float)
        miss = np.isnan(x)
        if not miss.any():
            continue
        filled, fb = imputer.func(x, g)
        out[col] = filled
        if fb.any():
            fallbacks[col] = list(raw.index[fb])
        counts[col] = int(miss.sum())
        areas = list(raw.index[miss])
        shown = ", ".join(areas[:10]) + (" …" if len(areas) > 10 else "")
        findings.append(Finding("info", "imputed",
                                Msg("f.imputed", col=col, n_areas=len(areas), method=method, shown=shown), column=col))
    return out, findings, {"imputed": counts, "group_fallback_to_overall": fallbacks}


def _present(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, float)
    return x[~np.isnan(x)]


def skew(x: np.ndarray) -> float:
    r"""Sample skewness as COINr ``skew`` (``R/treat.R``: "the same definition of skewness as the
    skewness() function in the e1071 package where type == 2, which is equivalent to ... Excel"),
    i.e. the bias-corrected :math:`G_1 = g_1 \sqrt{n(n-1)}/(n-2)` — computed by
    ``scipy.stats.skew(x, bias=False)``:

    .. math:: G_1 = \frac{\sqrt n \sum (x-\bar x)^3}{(\sum (x-\bar x)^2)^{3/2}} \cdot \frac{\sqrt{n(n-1)}}{n-2}

    NaN ignored; NaN when fewer than 3 values (as COINr) or zero variance."""
    v = _present(x)
    if len(v) < 3 or not np.ptp(v) > 0:
        return float("nan")
    return float(stats.skew(v, bias=False))


def kurt(x: np.ndarray) -> float:
    r"""Sample excess kurtosis as COINr ``kurt`` (e1071 type 2 = Excel ``KURT``), i.e. the
    bias-corrected :math:`G_2` — computed by ``scipy.stats.kurtosis(x, fisher=True, bias=False)``:

    .. math:: r = \frac{n \sum (x-\bar x)^4}{(\sum (x-\bar x)^2)^2},\quad
              G_2 = \frac{((n+1)(r-3)+6)(n-1)}{(n-2)(n-3)}

    NaN ignored; NaN when fewer than 4 values (as COINr) or zero variance."""
    v = _present(x)
    if len(v) < 4 or not np.ptp(v) > 0:
        return float("nan")
    return float(stats.kurtosis(v, fisher=True, bias=False))


def passes(x: np.ndarray, skew_threshold: float = 2.0, kurtosis_threshold: float = 3.5) -> bool:
    """COINr ``check_SkewKurt``: pass when |skewness| < threshold **or** kurtosis < threshold.
    An indicator too short or constant to measure passes (nothing to treat)."""
    s, k = skew(x), kurt(x)
    if np.isnan(s) or np.isnan(k):
        return True
    return bool(abs(s) < skew_threshold or k < kurtosis_threshold)


def treat_column(x: np.ndarray, max_winsorise: int = 5, skew_threshold: float = 2.0,
                 kurtosis_threshold: float = 3.5) -> tuple[np.ndarray, dict]:
    """Treat one indicator for outliers the COINr way (``Treat.numeric`` defaults).

    1. If it passes (:func:`passes`), leave it.
    2. Otherwise winsorise one point at a time: when skewness ≥ 0 the largest value(s) take the
       next largest value (ties move together), else the smallest take the next smallest;
       repeat while it fails and fewer than ``max_winsorise`` points have been moved.
       (COINr ``winsorise``; petarawan counts moved points cumulatively, so the limit holds
       even when the same end is winsorised repeatedly.)
    3. If it still fails, discard the winsorisation and log-transform the *original* values
       (COINr ``combine_treat = FALSE``) with ``log_CT``:
       :math:`\\ln(x - \\min x + 0.01(\\max x - \\min x))`; for a negatively skewed indicator
       petarawan mirrors it, :math:`-\\ln(\\max x - x + 0.01(\\max x - \\min x))`, so that the
       long tail is compressed and the order of areas is kept (COINr applies ``log_CT`` either
       way, which stretches a low tail further).

    Returns
    -------
    treated : ndarray
    info : dict with ``action`` ("none" | "winsorised" | "log"), ``winsorised`` (row positions),
    ``skew_before``, ``kurt_before``, ``skew_after``, ``kurt_after``, ``passes_after``.
    """
    x = np.asarray(x, float).copy()
    orig = x.copy()
    info = {"action": "none", "winsorised": [], "skew_before": skew(x), "kurt_before": kurt(x)}
    if passes(x, skew_threshold, kurtosis_threshold):
        info.update(skew_after=info["skew_before"], kurt_after=info["kurt_before"], passes_after=True)
        return x, info
    moved: list[int] = []
    ok = ~np.isnan(x)
    while len(moved) < max_winsorise and not passes(x, skew_threshold, kurtosis_threshold):
        vals = x[ok]
        if skew(x) >= 0:
            top = np.nanmax(x)
            idx = np.flatnonzero(ok & (x == top))
            rest = vals[vals < top]
            if len(rest) == 0:
                break
            x[idx] = rest.max()
        else:
            bot = np.nanmin(x)
            idx = np.flatnonzero(ok & (x == bot))
            rest = vals[vals > bot]
            if len(rest) == 0:
                break
            x[idx] = rest.min()
        moved.extend(int(i) for i in idx if int(i) not in moved)
    if passes(x, skew_threshold, kurtosis_threshold):
        info.update(action="winsorised", winsorised=sorted(moved))
    else:
        mn, mx = np.nanmin(orig), np.nanmax(orig)
        a = 0.01 * (mx - mn)
        if info["skew_before"] >= 0:
            x = np.log(orig - mn + a)
        else:
            x = -np.log(mx - orig + a)
        info.update(action="log", winsorised=[])
    info.update(skew_after=skew(x), kurt_after=kurt(x), passes_after=passes(x, skew_threshold, kurtosis_threshold))
    return x, info


def _untreated(x: np.ndarray, max_winsorise: int = 5, skew_threshold: float = 2.0,
               kurtosis_threshold: float = 3.5) -> tuple[np.ndarray, dict]:
    s, k = skew(x), kurt(x)
    return np.asarray(x, float).copy(), {"action": "none", "winsorised": [], "skew_before": s, "kurt_before": k,
                                         "skew_after": s, "kurt_after": k,
                                         "passes_after": passes(x, skew_threshold, kurtosis_threshold)}


TREATMENTS: MethodRegistry = MethodRegistry("outlier treatment", "out")
"""Outlier treatments: ``func(x (n,), max_winsorise, skew_threshold, kurtosis_threshold) ->
(treated (n,), info)`` as :func:`treat_column`.  Property ``active`` (False for ``none``)."""

TREATMENTS.add("none", _untreated, active=False, )
TREATMENTS.add("coinr_winsorise_log", treat_column, active=True,
               source="COINr Treat (check_SkewKurt, winsorise, log_CT)")


def treat_outliers(data: pd.DataFrame, *, max_winsorise: int = 5, skew_threshold: float = 2.0,
                   kurtosis_threshold: float = 3.5, directions: dict | None = None,
                   method: str = "coinr_winsorise_log") -> tuple[pd.DataFrame, pd.DataFrame, list[Finding]]:
    """Apply the treatment ``method`` of :data:`TREATMENTS` (default :func:`treat_column`) to
    every indicator.

    Returns
    -------
    treated : DataFrame (same shape)
    table : DataFrame, one row per indicator: ``indicator``, ``action``, ``n_winsorised``,
        ``areas`` (codes treated, comma-separated), ``skew_before``, ``kurt_before``,
        ``skew_after``, ``kurt_after``, ``passes_after``
    findings : a warning per treated indicator naming what was done and to which areas
    """
    out = data.copy()
    rows = []
    findings: list[Finding] = []
    for col in data.columns:
        x, info = TREATMENTS[method].func(data[col].to_numpy(float), max_winsorise, skew_threshold, kurtosis_threshold)
        out[col] = x
        areas = [str(data.index[i]) for i in info["winsorised"]]
        if info["action"] == "log":
            areas_txt = "semua wilayah / all areas"
        else:
            areas_txt = ", ".join(areas)
        rows.append({"indicator": col, "action": info["action"], "n_winsorised": len(areas),
                     "areas": areas_txt if info["action"] != "none" else "",
                     "skew_before": info["skew_before"], "kurt_before": info["kurt_before"],
                     "skew_after": info["skew_after"], "kurt_after": info["kurt_after"],
                     "passes_after": info["passes_after"]})
        if info["action"] == "winsorised":
            findings.append(Finding("warning", "outliers_winsorised",
                                    Msg("f.outliers_winsorised", col=col, n_areas=len(areas), areas=', '.join(areas)), column=col))
        elif info["action"] == "log":
            findings.append(Finding("warning", "outliers_log",
                                    Msg("f.outliers_log", col=col, info_skew_before=info['skew_before'], info_kurt_before=info['kurt_before'], max_winsorise=max_winsorise), column=col))
    return out, pd.DataFrame(rows), findings
