"""The ``uncertainty`` stage: Monte Carlo rank bands and class probabilities, Sobol indices,
their table, plot and plain-language report section (Bahasa Indonesia / English).

Configured by ``[uncertainty]`` (:class:`petarawan.uncertainty.config.UncertaintySection`); the
engine is :mod:`petarawan.index.uncertainty`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import StudyConfig
from ..errors import ConfigError, Finding
from ..i18n import Msg, t
from ..index.uncertainty import (design_from_unit, evaluate, evaluate_with_draws, factors, rank_desc_min, sample_design,
                                 sobol_ranks, summarise)
from ..report import uncertainty as view
from . import presence as presence_model
from ..stages import Stage, StageResult, StudyContext
from .config import UncertaintySection

__all__ = ["run_uncertainty", "check_uncertainty_config", "UncertaintyStageResult", "STAGE"]


SCORE_SCALE_FREE = ("zscore", "rank")


def check_uncertainty_config(config: StudyConfig) -> None:
    """Refuse combinations whose runs cannot be compared.

    Raises
    ------
    ConfigError
        Score bands (on the normalisation range) combined with a normalisation whose scores are
        not on that range (z-score, rank) in the base run or among the alternatives.
    """
    if config.classification.method != "bands":
        return
    used = {config.index.normalisation, *config.uncertainty.normalisation}
    bad = sorted(used & set(SCORE_SCALE_FREE))
    if bad:
        raise ConfigError(Msg("cfg.unc_off_range", bad=str(bad), range=str(list(config.index.range))))


def _progress_bar(total: int, label: str):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    prog = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                    transient=True, disable=not console.is_terminal)
    return prog


def _run_with_progress(raw, config, design, groups, label, presence=None, draws=None, replicate=None):
    prog = _progress_bar(len(design), label)
    with prog:
        task = prog.add_task(label, total=len(design))
        if draws is not None:
            return evaluate_with_draws(raw, config, design, draws, replicate, groups=groups,
                                       progress=lambda k: prog.advance(task, k), presence=presence)
        return evaluate(raw, config, design, groups=groups, progress=lambda k: prog.advance(task, k), presence=presence)


def survey_draws(ctx: StudyContext, codes: list[str], runs: int, seed: int):
    """Survey sampling in the Monte Carlo: when the ``ikrn`` stage ran with a bootstrap and the
    index uses its indicators, each run takes one bootstrap replicate of them (drawn uniformly,
    stream ``[seed, 3]``).  Returns (draws (R,), replicate(b) → DataFrame, columns) or
    (None, None, [])."""
    from ..ikrn.stage import IkrnStageResult

    if "ikrn" not in ctx.stage_results:
        return None, None, []
    ik = ctx.need("ikrn", IkrnStageResult)
    cols = [c for c in ik.indicator_names if c in codes]
    if ik.replicates is None or not cols:
        return None, None, []
    draws = np.random.default_rng([seed, 3]).integers(0, ik.replicates.shape[0], runs)
    return draws, (lambda b: ik.replicate_frame(b)[cols]), cols


@dataclass(frozen=True, kw_only=True)
class UncertaintyStageResult(StageResult):
    """The uncertainty stage's result.

    Attributes
    ----------
    summary : DataFrame
        Index code: ``rank_median``, ``rank_p05``, ``rank_p95``, ``p_bahaya``, ``p_waspada``,
        ``p_siaga``, ``p_aman``.
    """

    summary: pd.DataFrame


def run_uncertainty(ctx: StudyContext) -> UncertaintyStageResult:
    """Stage function: Monte Carlo + Sobol on the study in ``ctx``.

    Returns
    -------
    UncertaintyStageResult with
        area_columns : ``rank_median``, ``rank_p05``, ``rank_p95``, ``p_bahaya``, ``p_waspada``,
            ``p_siaga``, ``p_aman`` (index code);
        public_columns : all of them, with readable headings (:func:`public_columns`);
        sheets : ``Ketidakpastian`` / ``Uncertainty`` (per area) and, with Sobol, ``Sensitivitas`` /
            ``Sensitivity`` (per choice), headings in the run's language;
        figures : ``sensitivity.png``; sections : plain-language explanation;
        manifest : every choice, seeds, N, summary numbers.

    Raises
    ------
    ConfigError
        See :func:`check_uncertainty_config`.
    """
    cfg = ctx.config
    u = cfg.uncertainty
    lang = ctx.lang
    check_uncertainty_config(cfg)
    codes = [i.code for i in cfg.indicators]
    # the very values the base run's index used (rates where a denominator is set), so every
    # Monte Carlo run starts from the same input as the base run; values as entered for presence
    raw = ctx.index.raw[codes]
    presence = ctx.data[codes]
    groups = ctx.areas["group"] if "group" in ctx.areas.columns else None
    seed = cfg.study.seed
    rng = np.random.default_rng([seed, 1])
    design = sample_design(cfg, u.runs, rng)
    draws, replicate, survey_cols = survey_draws(ctx, codes, u.runs, seed)
    ranks, classes = _run_with_progress(raw, cfg, design, groups, "Monte Carlo", presence, draws, replicate)
    if presence_model.modelled(cfg):  # the count rule: counts and thresholds drawn (uncertainty/presence.py)
        drawn = presence_model.presence_classes(presence, cfg, u.runs, np.random.default_rng([seed, 4]),
                                                draws=draws, replicate=replicate)
        classes = np.where(classes < 0, classes, drawn).astype(np.int8)
    summary = summarise(ranks, classes, raw.index)
    pcols = ["p_bahaya", "p_waspada", "p_siaga", "p_aman"]
    ptop = summary[pcols].max(axis=1)
    scored = ctx.result["score"].notna().reindex(raw.index).fillna(False) if ctx.result is not None else pd.Series(True, index=raw.index)
    uncertain = (ptop < u.uncertain_below) & scored
    band = (summary["rank_p95"] - summary["rank_p05"])[scored]
    f = factors(cfg)
    findings: list[Finding] = []
    alt_norms = sorted(set(u.normalisation) - {cfg.index.normalisation})
    if cfg.classification.method == "bands" and alt_norms:
        findings.append(Finding(
            "warning", "bands_across_normalisations",
            Msg("f.bands_across_normalisations", alt_norms=', '.join(alt_norms)),
            expected=Msg("x.bands_across_normalisations")))
    manifest: dict = {"runs": u.runs, "seed": seed, "factors": {k: v for k, v in f.items()},
                      "weights_perturbation": u.weights, "uncertain_below": u.uncertain_below,
                      "n_uncertain": int(uncertain.sum()), "mean_rank_band": float(band.mean()) if len(band) else None,
                      "method": "Monte Carlo, every step of the base run recomputed in every run"}
    if presence_model.modelled(cfg):
        manifest["presence_uncertainty"] = {
            "count_uncertainty": u.count_uncertainty, "threshold_uncertainty": u.threshold_uncertainty,
            "seed": [seed, 4], "method": "count indicators drawn from their Poisson posterior predictive (Jeffreys "
                                         "prior); present_at × U(1 − δ, 1 + δ) per indicator and run "
                                         "(petarawan.uncertainty.presence)"}
    if survey_cols:
        manifest["survey_draws"] = {"indicators": survey_cols, "seed": [seed, 3],
                                    "method": "each run takes one bootstrap replicate of the IKRN survey indicators"}
    sheets = {}
    names = ctx.areas["name"] if "name" in ctx.areas.columns else pd.Series(raw.index, index=raw.index)
    area_sheet = summary.copy()
    area_sheet.insert(0, "name", names.reindex(raw.index))
    area_sheet.index.name = "code"
    sheets[t("unc.sheet.areas", lang)] = view.readable(area_sheet.reset_index(), lang)
    figures: dict[str, bytes] = {}
    table, sobol_runs = None, 0
    if u.sobol and f:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample

        fnames = list(f)
        problem = {"num_vars": len(fnames), "names": fnames, "bounds": [[0.0, 1.0]] * len(fnames)}
        X = sobol_sample.sample(problem, u.sobol_samples, calc_second_order=False, seed=seed)
        sdes = design_from_unit(cfg, X, fnames, np.random.default_rng([seed, 2]))
        base_score = ctx.result["score"] if ctx.result is not None else ctx.index.score
        base_rank = rank_desc_min(base_score.reindex(raw.index).to_numpy(float))
        prog = _progress_bar(len(sdes), "Sobol")
        with prog:
            task = prog.add_task("Sobol", total=len(sdes))
            sob = sobol_ranks(raw, cfg, sdes, len(fnames), base_rank, groups=groups, presence=presence,
                              progress=lambda k: prog.advance(task, k))
        res = sobol_analyze.analyze(problem, sob.shift, calc_second_order=False, seed=seed, print_to_console=False)
        s1, st, moving = sob.s1, sob.st, sob.moving
        table = pd.DataFrame({
            "factor": fnames,
            "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"],
            "S1_area_mean": s1[moving].mean(axis=0) if moving.any() else np.zeros(len(fnames)),
            "ST_area_mean": st[moving].mean(axis=0) if moving.any() else np.zeros(len(fnames)),
        })
        sobol_runs = len(sdes)
        labels = [view.factor_label(k, lang, u.weights) for k in fnames]
        shown = table.copy()
        shown.insert(1, "label", labels)
        sheets[t("unc.sheet.sobol", lang)] = view.readable(shown, lang)
        figures["sensitivity.png"] = view.plot(table, labels, lang, **view.marks(ctx))
        manifest["sobol"] = {"base_samples": u.sobol_samples, "runs": len(sdes), "output": "mean absolute rank shift vs base run",
                             "estimators": "Saltelli et al. 2010 (SALib analyze.sobol)", "weight_sets": 256,
                             "indices": table.to_dict(orient="records")}
    if uncertain.any():
        findings.append(Finding("info", "uncertain_class",
                                Msg("f.uncertain_class", sum=int(uncertain.sum()), uncertain_below=u.uncertain_below)))
    section = view.section(ctx, summary, uncertain, scored, band, f, table, sobol_runs, survey=survey_cols)
    return UncertaintyStageResult(name="uncertainty", area_columns=summary,
                                  public_columns=view.public_columns(summary.columns), sheets=sheets, manifest=manifest,
                                  findings=findings, figures=figures, sections=[section], summary=summary)


STAGE = Stage(name="uncertainty", run=run_uncertainty, section=UncertaintySection, requires=("index", "classes"),
              uses=("ikrn",))
