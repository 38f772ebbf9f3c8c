"""Class uncertainty under BNN's count rule: the counts and the presence thresholds.

Under the count rule an area's class depends only on which BNN main/supporting indicators are
*present* (value as entered ≥ ``present_at``, ≤ for direction −1).  Weights and normalisations
never change it, so a Monte Carlo over method choices alone gives every area a class probability
of 1.  What does make the class uncertain is modelled here, each part a documented setting of
``[uncertainty]``:

- ``count_uncertainty = "poisson"`` — a count indicator's observed value ``x`` (cases, people,
  places in a year) is one realisation of a Poisson process.  Each run draws the count a
  comparable year could give from the posterior predictive distribution under Jeffreys' prior:
  ``λ ~ Gamma(x + ½, 1)``, then ``X ~ Poisson(λ)`` (a negative binomial; Jeffreys 1946; Gelman
  et al., *Bayesian Data Analysis*, 3rd ed., §2.6).  A zero can become 1 and a 1 can become 0.
- ``threshold_uncertainty = δ`` — each run multiplies the ``present_at`` of every indicator that
  is not a count by a factor uniform on ``[1 − δ, 1 + δ]`` (one factor per indicator and run):
  the threshold itself is a judgement.  Counts are whole numbers compared with whole thresholds;
  their uncertainty is the Poisson draw above.

Not modelled: errors in non-count values (rates, percentages, scores) other than through the
threshold; under-reporting (counts are taken as unbiased); dependence between indicators or
areas; a value that is missing stays "not present".  Survey indicators keep the bootstrap
replicate each run already draws (``draws``/``replicate``).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from ..classify import count_rule_codes


def modelled(config) -> bool:
    """True when the count rule classifies and some presence uncertainty is switched on."""
    u = getattr(config, "uncertainty", None)
    return (config.classification.method == "count_rule" and u is not None
            and (u.count_uncertainty != "none" or u.threshold_uncertainty > 0))


def presence_classes(values: pd.DataFrame, config, runs: int, rng: np.random.Generator, *,
                     draws: np.ndarray | None = None, replicate: Callable[[int], pd.DataFrame] | None = None
                     ) -> np.ndarray:
    """Count-rule class of every area in every run, with the counts and thresholds drawn.

    Parameters
    ----------
    values : DataFrame (n × m)
        Indicator values as entered (index area code), every ``[[indicators]]`` column.
    config : StudyConfig with an ``[uncertainty]`` section
        ``count_uncertainty`` and ``threshold_uncertainty`` as described in the module.
    runs : int
        R.
    rng : numpy Generator
    draws, replicate : optional
        Survey sampling: run ``r`` uses ``replicate(draws[r])`` for the columns it returns.

    Returns
    -------
    ndarray int8 (n, R): 0 = Bahaya … 3 = Aman (the rule's order; ``classify.count_rule_codes``).
    """
    u = config.uncertainty
    specs = [i for i in config.indicators if i.bnn in ("main", "supporting") and i.code in values.columns]
    n = len(values)
    n_main = np.zeros((n, runs), np.int64)
    n_sup = np.zeros((n, runs), np.int64)
    delta = float(u.threshold_uncertainty)
    survey_cols: set[str] = set()
    rep_values: dict[int, pd.DataFrame] = {}
    if draws is not None and replicate is not None:
        for b in np.unique(draws):
            rep_values[int(b)] = replicate(int(b))
        survey_cols = set().union(*(set(f.columns) for f in rep_values.values())) if rep_values else set()
    for spec in specs:
        base = pd.to_numeric(values[spec.code], errors="coerce").to_numpy(float)
        x = np.repeat(base[:, None], runs, axis=1)
        if spec.code in survey_cols:
            for b, frame in rep_values.items():
                cols = draws == b
                x[:, cols] = frame[spec.code].reindex(values.index).to_numpy(float)[:, None]
        missing = np.isnan(x)
        if spec.count and u.count_uncertainty == "poisson":
            lam = rng.gamma(np.where(missing, 1.0, x) + 0.5, 1.0)
            x = np.where(missing, np.nan, rng.poisson(lam).astype(float))
        thr = np.full(runs, float(spec.present_at))
        if delta > 0 and not spec.count:  # a count's uncertainty is its Poisson draw, not a fractional threshold
            thr = thr * rng.uniform(1 - delta, 1 + delta, runs)
        with np.errstate(invalid="ignore"):
            hit = (x >= thr[None, :]) if spec.direction == 1 else (x <= thr[None, :])
        hit &= ~missing
        if spec.bnn == "main":
            n_main += hit
        else:
            n_sup += hit
    codes = count_rule_codes(n_main.ravel(), n_sup.ravel(), config.classification.count_rule)
    return codes.reshape(n, runs)
