"""Community potential per area: shares with Wilson intervals, facilitator candidates, a score.

All functions are pure: decoded responses in (:class:`~petarawan.io.survey.SurveyData`),
tables out.  Published tables go through :func:`publish`, which suppresses small counts.

Formulas (sources in ``docs/method_potential.md``):

- Share of respondents in area *a* choosing option *o*: ``p = k / n`` where *n* counts the
  respondents of *a* who answered the question.
- Wilson score interval at level ``1 − α`` (Wilson 1927; Brown, Cai & DasGupta 2001, eq. 4)::

      z = Φ⁻¹(1 − α/2)
      centre = (p + z²/(2n)) / (1 + z²/n)
      half   = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/(4n²))

- Community-potential score, 0–100, higher = more capacity to cope (the coping-capacity pillar of
  INFORM Risk, JRC 2017; aggregated as a weighted arithmetic mean of shares, OECD/JRC Handbook
  2008 §6)::

      potential = 100 · Σ_c w_c s_c / Σ_c w_c

  over the components *c* whose question the form has: skills (share of households with at least
  one skill), resources (≥ 1 local resource), business (runs a small business), market (≥ 1 market
  channel), facilitator (willing to serve as pendamping: "ya"), training (a household member would
  join training: "ya").  Areas with fewer than ``min_respondents`` respondents get no score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..errors import Finding, InputError
from .config import COMPONENTS, PotentialConfig
from ..io.survey import Form, expected_headers
from ..i18n import Msg


def read_questions(cfg: PotentialConfig, form: Form) -> list[str]:
    """The form questions the score reads (``cfg.questions`` entries that the form has)."""
    return [q for q in cfg.questions.model_dump().values() if q and q in form.questions]


def _check_columns(responses: pd.DataFrame, form: Form, cfg: PotentialConfig) -> None:
    missing = []
    for q in read_questions(cfg, form):
        if form.questions[q].type.startswith("select_multiple"):
            ok = all(f"{q}/{o}" in responses.columns for o in form.options(q))
        else:
            ok = q in responses.columns
        if not ok:
            missing.append(Finding("error", "survey_question_missing", Msg("f.survey_question_missing"), column=q,
                                   value=sorted(map(str, responses.columns)),
                                   expected=Msg("x.survey_question_missing", expected_headers=expected_headers(form, q))))
    if missing:
        raise InputError(missing)


def wilson_interval(k: np.ndarray | float, n: np.ndarray | float, confidence: float = 0.90) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion ``k / n``.

    Parameters
    ----------
    k, n : array_like
        Successes and trials (same shape); ``n = 0`` gives ``nan``.
    confidence : float
        Two-sided level, e.g. 0.90.

    Returns
    -------
    (lo, hi) : tuple of ndarray
        Bounds in [0, 1].

    Notes
    -----
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    *JASA* 22(158), 209–212.  Brown, Cai & DasGupta (2001), *Statistical Science* 16(2), 101–133,
    recommend it over the Wald interval for small *n*.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = norm.ppf(1 - (1 - confidence) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        lo, hi = centre - half, centre + half
    lo = np.where(n > 0, np.clip(lo, 0, 1), np.nan)
    hi = np.where(n > 0, np.clip(hi, 0, 1), np.nan)
    return lo, hi


@dataclass
class Shares:
    """Counts of respondents choosing each option, per area.

    Attributes
    ----------
    k : DataFrame
        Area code × option: respondents who chose the option.
    n : Series
        Area code: respondents who answered the question.
    """

    k: pd.DataFrame
    n: pd.Series

    def share(self) -> pd.DataFrame:
        return self.k.div(self.n.where(self.n > 0), axis=0)

    def interval(self, confidence: float) -> tuple[pd.DataFrame, pd.DataFrame]:
        nn = np.repeat(self.n.to_numpy()[:, None], self.k.shape[1], axis=1)
        lo, hi = wilson_interval(self.k.to_numpy(), nn, confidence)
        return (pd.DataFrame(lo, index=self.k.index, columns=self.k.columns),
                pd.DataFrame(hi, index=self.k.index, columns=self.k.columns))


@dataclass
class PotentialResult:
    """Everything the potential stage computed, unsuppressed (never written as is).

    Attributes
    ----------
    table : DataFrame
        Index = every area code.  ``n`` respondents; ``exposed_k``/``exposed_n``/
        ``exposed_share``/``exposed_lo``/``exposed_hi`` (households affected among those who
        answered yes or no) and ``exposed_nonresponse``; the same for ``training`` and
        ``facilitator`` ("ya" answers); ``fac_<role>`` facilitator candidates by role;
        ``comp_<component>`` shares; ``score`` (0–100) and ``score_imputed``.
    shares : dict[str, Shares]
        ``interest``, ``skills``, ``resources``, ``market``: per option.
    components : list[str]
        Components that entered the score.
    """

    table: pd.DataFrame
    shares: dict[str, Shares] = field(default_factory=dict)
    components: list[str] = field(default_factory=list)
    confidence: float = 0.90
    roles: list[str] = field(default_factory=list)


def _multi(responses: pd.DataFrame, q: str, options: list[str], codes: pd.Index) -> Shares:
    cols = [f"{q}/{o}" for o in options]
    answered = responses[cols].notna().any(axis=1)
    sub = responses.loc[answered, cols].fillna(False).astype(int)
    sub.columns = options
    k = sub.groupby(responses.loc[answered, "code"]).sum().reindex(codes, fill_value=0).astype(int)
    n = answered.groupby(responses["code"]).sum().reindex(codes, fill_value=0).astype(int)
    return Shares(k, n)


def _yes(responses: pd.DataFrame, q: str, yes: str, no: set[str] | None, codes: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Counts of ``yes`` and of valid answers (``yes`` or one of ``no``; any answer if ``no`` is None)."""
    v = responses[q]
    valid = v.notna() if no is None else v.isin([yes, *no]).fillna(False)
    k = (v == yes).fillna(False).groupby(responses["code"]).sum().reindex(codes, fill_value=0).astype(int)
    n = valid.astype(bool).groupby(responses["code"]).sum().reindex(codes, fill_value=0).astype(int)
    return k, n


def score_potential(responses: pd.DataFrame, form: Form, codes: pd.Index, cfg: PotentialConfig) -> PotentialResult:
    """Per-area community potential from decoded responses.

    Parameters
    ----------
    responses : DataFrame
        :attr:`SurveyData.responses` (column ``code`` plus decoded questions).
    form : Form
    codes : Index
        Every area code of the study (areas without responses get ``n = 0``).
    cfg : PotentialConfig

    Returns
    -------
    PotentialResult

    Raises
    ------
    InputError
        A question of ``cfg.questions`` that the form has is missing from ``responses``.
    """
    _check_columns(responses, form, cfg)
    qm = cfg.questions
    table = pd.DataFrame(index=pd.Index(codes, name="code"))
    table["n"] = responses.groupby("code").size().reindex(codes, fill_value=0).astype(int)
    has = lambda name: bool(name) and name in form.questions  # noqa: E731
    conf = cfg.confidence

    def put(prefix: str, k: pd.Series, n: pd.Series) -> None:
        table[f"{prefix}_k"], table[f"{prefix}_n"] = k, n
        table[f"{prefix}_share"] = k / n.where(n > 0)
        lo, hi = wilson_interval(k.to_numpy(), n.to_numpy(), conf)
        table[f"{prefix}_lo"], table[f"{prefix}_hi"] = lo, hi

    if has(qm.exposed):
        k, n = _yes(responses, qm.exposed, cfg.yes, {cfg.exposed_no}, codes)
        put("exposed", k, n)
        table["exposed_nonresponse"] = table["n"] - n
    for key, q in (("training", qm.training), ("facilitator", qm.facilitator), ("business", qm.business)):
        if has(q):
            k, n = _yes(responses, q, cfg.yes, None, codes)
            put(key, k, n)
    roles: list[str] = []
    if has(qm.facilitator) and has(qm.role):
        roles = form.options(qm.role)
        willing = responses[qm.facilitator] == cfg.yes
        sub = responses.loc[willing.fillna(False).astype(bool)]
        counts = sub.groupby([sub["code"], sub[qm.role].fillna("_")]).size().unstack(fill_value=0)
        for r in roles:
            table[f"fac_{r}"] = (counts[r] if r in counts.columns else pd.Series(dtype=int)).reindex(codes, fill_value=0).astype(int)
    shares: dict[str, Shares] = {}
    for key, q in (("interest", qm.interest), ("skills", qm.skills), ("resources", qm.resources), ("market", qm.market)):
        if has(q):
            opts = form.options(q)
            shares[key] = _multi(responses, q, opts, codes)
    # components: share of households with >= 1 non-"none" option, or "ya"
    comps: list[str] = []
    for c in COMPONENTS:
        w = cfg.score_weights.get(c, 0.0)
        if c in ("skills", "resources", "market") and c in shares:
            s = shares[c]
            real = [o for o in s.k.columns if o not in cfg.none_options]
            q = getattr(qm, c)
            cols = [f"{q}/{o}" for o in real]
            answered = responses[[f"{q}/{o}" for o in s.k.columns]].notna().any(axis=1)
            anyreal = responses.loc[answered, cols].fillna(False).any(axis=1)
            k = anyreal.groupby(responses.loc[answered, "code"]).sum().reindex(codes, fill_value=0)
            table[f"comp_{c}"] = k / s.n.where(s.n > 0)
        elif c in ("business", "facilitator", "training") and f"{c}_share" in table.columns:
            table[f"comp_{c}"] = table[f"{c}_share"]
        else:
            continue
        if w > 0:
            comps.append(c)
    if comps:
        w = np.array([cfg.score_weights.get(c, 0.0) for c in comps])
        m = table[[f"comp_{c}" for c in comps]].to_numpy(dtype=float)
        score = 100 * (m * w).sum(axis=1) / w.sum()
        score[np.isnan(m).any(axis=1) | (table["n"].to_numpy() < cfg.min_respondents)] = np.nan
    else:
        score = np.full(len(table), np.nan)
    table["score"] = score
    table["score_imputed"] = False
    if cfg.missing_score == "median" and np.isfinite(score).any():
        miss = np.isnan(score)
        table.loc[miss, "score"] = float(np.nanmedian(score))
        table.loc[miss, "score_imputed"] = True
    return PotentialResult(table, shares, comps, conf, roles)


def suppress_mask(k: pd.Series | pd.DataFrame, threshold: int) -> pd.Series | pd.DataFrame:
    """True where a count is small enough to identify someone: ``0 < k < threshold``.

    Source: small-cell suppression rule of statistical offices (threshold 5 by default, e.g.
    CDC/NCHS and Eurostat practice); zero reveals no person and is shown.
    """
    return (k > 0) & (k < threshold)


DEFAULT_SUPPRESS_BELOW = 5
"""Suppression threshold when ``suppress_below`` is unset and no ``[privacy]`` rule is given
(the stage passes the study's ``privacy.min_count``)."""


def publish(res: PotentialResult, cfg: PotentialConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-area table as published: small counts and the shares derived from them suppressed.

    Rules (``t = cfg.suppress_below``): an area with ``0 < n < t`` respondents shows nothing but
    ``n`` suppressed; a count ``0 < k < t`` is suppressed together with its share and interval;
    the exposure share is also suppressed when the complement ``n − k`` is in ``1..t−1``
    (otherwise ``k = n − (n − k)`` would reveal it).  Suppressed cells are ``NaN`` and listed in
    ``suppressed`` (number of cells).

    Returns
    -------
    (table, mask) : tuple of DataFrame
        ``table``: index code; machine column names (``n``, ``potensi``, ``terpapar``,
        ``terpapar_lo``, ..., ``minat_<option>``, ``pendamping_<role>``).  ``mask``: same shape,
        True where a cell is suppressed.
    """
    t = cfg.suppress_below if cfg.suppress_below is not None else DEFAULT_SUPPRESS_BELOW
    tab = res.table
    out = pd.DataFrame(index=tab.index)
    n = tab["n"].astype(float)
    small_area = suppress_mask(tab["n"], t)
    out["n"] = n.where(~small_area)
    out["potensi"] = tab["score"].where(~small_area).round(1)
    out["potensi_imputasi"] = tab["score_imputed"].astype(int)
    supp = pd.Series(0, index=tab.index)
    masks: dict[str, pd.Series] = {"n": small_area, "potensi": small_area}

    def add(name: str, k: pd.Series, share: pd.Series, lo: pd.Series | None, hi: pd.Series | None,
            extra: pd.Series | None = None) -> None:
        nonlocal supp
        mask = suppress_mask(k, t) | small_area
        if extra is not None:
            mask = mask | extra
        supp = supp + mask.astype(int)
        out[name] = share.where(~mask).round(3)
        masks[name] = mask
        if lo is not None:
            masks[f"{name}_lo"] = masks[f"{name}_hi"] = mask
            out[f"{name}_lo"] = lo.where(~mask).round(3)
            out[f"{name}_hi"] = hi.where(~mask).round(3)

    if "exposed_k" in tab.columns:
        comp = tab["exposed_n"] - tab["exposed_k"]
        add("terpapar", tab["exposed_k"], tab["exposed_share"], tab["exposed_lo"], tab["exposed_hi"], suppress_mask(comp, t))
    for key, name in (("training", "minat_pelatihan"), ("business", "punya_usaha"), ("facilitator", "bersedia_pendamping")):
        if f"{key}_k" in tab.columns:
            add(name, tab[f"{key}_k"], tab[f"{key}_share"], tab[f"{key}_lo"], tab[f"{key}_hi"])
    if res.roles:
        total = sum(tab[f"fac_{r}"] for r in res.roles)
        m = suppress_mask(total, t) | small_area
        out["pendamping_total"] = total.astype(float).where(~m)
        masks["pendamping_total"] = m
        supp = supp + m.astype(int)
        for r in res.roles:
            m = suppress_mask(tab[f"fac_{r}"], t) | small_area
            out[f"pendamping_{r}"] = tab[f"fac_{r}"].astype(float).where(~m)
            masks[f"pendamping_{r}"] = m
            supp = supp + m.astype(int)
    prefix = {"interest": "minat", "skills": "keterampilan", "resources": "sda", "market": "pasar"}
    for key, s in res.shares.items():
        share = s.share()
        lo, hi = s.interval(res.confidence)
        for o in s.k.columns:
            if key == "interest":
                add(f"{prefix[key]}_{o}", s.k[o], share[o], lo[o], hi[o])
            else:
                add(f"{prefix[key]}_{o}", s.k[o], share[o], None, None)
    out["suppressed"] = supp
    mask = pd.DataFrame({c: masks.get(c, pd.Series(False, index=tab.index)) for c in out.columns}, index=tab.index)
    return out, mask.astype(bool)
