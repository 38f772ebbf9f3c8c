"""Why an area has its score and its class: each indicator's contribution to the score, and which
BNN main/supporting indicators are present against their thresholds.

Pure functions over the index result and the configuration; presentation is in
:mod:`petarawan.report.why`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # config imports index modules
    from ..config import StudyConfig
    from .composite import IndexResult

__all__ = ["contributions", "presence", "rule_met"]


def contributions(index: "IndexResult", config: "StudyConfig") -> pd.DataFrame | None:
    r"""Each indicator's contribution to each area's score, in score points.

    Defined when every level is aggregated with the weighted arithmetic mean (the default): then

    .. math:: c_{ai} = x_{ai}\,\frac{w_i}{\sum_{j \in d,\ x_{aj}\ \text{present}} w_j}
              \prod_{k \in \text{path}(d)} \frac{W_k}{\sum_{k' \in \text{siblings}(k),\ \text{present}} W_{k'}}

    with :math:`x_{ai}` the normalised value (direction applied), :math:`w_i` the indicator's
    weight within its dimension :math:`d`, :math:`W_k` each dimension's weight within its parent,
    missing values and dimensions without a value skipped and the weights of the others
    renormalised — the rule of :func:`petarawan.index.aggregate.aggregate_framework` (COINr
    ``a_amean``).  The contributions of an area add up to its score.  Indicators left out of the
    run (constant) contribute nothing (NaN).

    Returns
    -------
    DataFrame (areas × indicators) of points, NaN where an indicator has no value or the area no
    score; ``None`` when some level uses another mean (geometric, harmonic, generalised,
    Copeland): a non-linear mean has no additive contributions.
    """
    ix = config.index
    if ix.level_aggregation("dimension") != "arithmetic" or ix.level_aggregation("index") != "arithmetic":
        return None
    fw = config.framework
    x = index.normalised[list(fw.indicators)].to_numpy(float)
    active = np.array([c not in index.dropped for c in fw.indicators])
    w_tab = index.weights.set_index("indicator")["weight"] if "indicator" in index.weights.columns else index.weights["weight"]
    w = np.array([float(w_tab.get(c, 0.0)) for c in fw.indicators])
    present = ~np.isnan(x) & active[None, :]
    mult = np.zeros_like(x)
    for k in fw.leaves:
        m = list(fw.members(k))
        wk = np.where(present[:, m], w[m][None, :], 0.0)
        tot = wk.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            mult[:, m] = np.where(tot > 0, wk / tot, 0.0)
    dims = index.dimensions[list(fw.dimensions)].to_numpy(float)
    has = ~np.isnan(dims)
    W = np.array([float(index.dimension_weights.get(d, 0.0)) for d in fw.dimensions])
    factor = np.zeros_like(dims)
    for _parent, kids in fw.siblings().items():
        kids = list(kids)
        wk = np.where(has[:, kids], W[kids][None, :], 0.0)
        tot = wk.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            factor[:, kids] = np.where(tot > 0, wk / tot, 0.0)
    for i, k in enumerate(fw.indicator_parent):
        j = k
        while j >= 0:
            mult[:, i] *= factor[:, j]
            j = fw.dimension_parent[j]
    out = np.where(present, x * mult, np.nan)
    out[np.isnan(index.score.to_numpy(float))] = np.nan
    return pd.DataFrame(out, index=index.normalised.index, columns=list(fw.indicators))


def presence(data: pd.DataFrame, config: "StudyConfig") -> pd.DataFrame:
    """For every BNN main/supporting indicator, whether it is present in each area: ``True``
    (value ≥ ``present_at``, ≤ for direction −1), ``False``, or ``<NA>`` (no value — counted as
    not present by the count rule, :func:`petarawan.classify.present_counts`).

    Returns a DataFrame (areas × BNN indicators, in configuration order) of nullable booleans."""
    out = pd.DataFrame(index=data.index)
    for ind in config.indicators:
        if not ind.bnn or ind.code not in data.columns:
            continue
        v = pd.to_numeric(data[ind.code], errors="coerce").to_numpy(float)
        with np.errstate(invalid="ignore"):
            hit = v >= ind.present_at if ind.direction == 1 else v <= ind.present_at
        out[ind.code] = pd.array([None if np.isnan(a) else bool(h) for a, h in zip(v, hit)], dtype="boolean")
    return out


def rule_met(n_main: int, n_supporting: int, config: "StudyConfig"):
    """The count rule that gives an area with these counts its class (the first met, in the order
    Bahaya, Waspada, Siaga), or ``None`` (Aman: no rule met)."""
    from ..classify import CLASSES

    for r in sorted(config.classification.count_rule, key=lambda r: CLASSES.index(r.cls)):
        if n_main >= r.main and n_supporting >= r.supporting:
            return r
    return None
