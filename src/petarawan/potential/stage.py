"""Pre-index stage ``potential``: survey export → community potential per area.

Returns the potential score as indicator ``cfg.potential.indicator`` (default ``potensi``) so
``[[indicators]]`` can use it as coping capacity (``direction = -1``, ``stage = "potential"``),
the ``potential`` GeoPackage layer, the ``Potensi`` sheet, a report section and a map, all with
small counts suppressed; the unsuppressed result goes to the plan stage as typed fields of
:class:`PotentialStageResult`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Finding, InputError
from ..i18n import Msg, t
from ..io.readers import resolve, sha256
from ..report import potential as view
from ..stages import Stage, StageResult, StudyContext
from .config import PotentialConfig
from .scoring import PotentialResult, publish, read_questions, score_potential
from ..io.survey import Form, read_form, read_survey


@dataclass(frozen=True, kw_only=True)
class PotentialStageResult(StageResult):
    """The community-potential stage's result, as later stages (the plan) read it.

    Attributes
    ----------
    scores : PotentialResult
        Unsuppressed per-area shares and scores (:func:`petarawan.potential.scoring.score_potential`).
    form : Form
        The XLSForm the survey was collected with.
    config : PotentialConfig
        The ``[potential]`` section as applied (``suppress_below`` from ``[privacy]`` when unset).
    published : DataFrame
        The published table (:func:`petarawan.potential.scoring.publish`), index code.
    mask : DataFrame
        True where a published cell is suppressed (same shape as ``published``).
    """

    scores: PotentialResult
    form: Form
    config: PotentialConfig
    published: pd.DataFrame
    mask: pd.DataFrame


def run_potential(ctx: StudyContext) -> PotentialStageResult:
    """Run the community-potential stage (before the index: it provides the indicator
    ``[potential] indicator``).

    Reads ``[potential] form`` and ``survey`` from the study folder (their sha256 in the
    result's ``inputs``).  Raises :class:`~petarawan.errors.InputError` for unreadable files.
    """
    cfg: PotentialConfig = ctx.section("potential")
    if cfg.suppress_below is None:  # the study-wide [privacy] rule
        cfg = cfg.model_copy(update={"suppress_below": int(ctx.config.privacy.min_count)})
    form_path = resolve(ctx.study_dir, cfg.form, "xlsform")
    inputs = {cfg.form: sha256(form_path)}
    form = read_form(form_path, label=cfg.form)
    paths = []
    for name in cfg.survey:
        p = resolve(ctx.study_dir, name, "survey")
        inputs[name] = sha256(p)
        paths.append(p)
    data = read_survey(paths, form, area_question=cfg.area_question, known_codes=ctx.areas.index,
                       consent_question=cfg.consent_question or None, consent_yes=cfg.yes, labels=list(cfg.survey),
                       required=read_questions(cfg, form), style=cfg.number_style(), encoding=cfg.encoding,
                       area_names=ctx.areas["name"] if "name" in ctx.areas.columns else None)
    plan = ctx.section("plan")
    if plan is not None:  # programme choices must exist in this form (checked here so `validate` sees it)
        from ..plan.config import check_programme_choices

        check_programme_choices(plan.programmes, form, cfg.questions)
    counts = dict(data.counts)
    if counts.get("kept", 0) == 0:
        raise InputError(Finding("error", "survey_no_usable_responses",
                                 Msg("pot.no_responses", read=counts.get("read", 0), unknown=counts.get("unknown_area", 0),
                                     dup=counts.get("duplicate", 0), consent=view.consent_msg(counts)),
                                 file=", ".join(cfg.survey), value=counts.get("read", 0),
                                 expected=Msg("pot.no_responses_exp")))
    res = score_potential(data.responses, form, ctx.areas.index, cfg)
    n_ok = int((res.table["n"] >= cfg.min_respondents).sum())
    if not np.isfinite(res.table["score"].to_numpy(dtype=float)).any():
        kw = dict(minn=cfg.min_respondents, kept=counts["kept"], areas=int((res.table["n"] > 0).sum()))
        raise InputError(Finding("error", "survey_no_area_scored", Msg("pot.no_scored", **kw), file=", ".join(cfg.survey),
                                 column="potential.min_respondents", value=cfg.min_respondents,
                                 expected=Msg("pot.no_scored_exp")))
    pub, mask = publish(res, cfg)
    findings = list(data.findings)
    for c in data.dropped_columns:
        findings.append(Finding("info", "survey_identifier_dropped", Msg("pot.dropped_cols"), file=", ".join(cfg.survey),
                                column=c))
    imputed = res.table.index[res.table["score_imputed"]]
    for code in imputed:
        findings.append(Finding("warning", "potential_imputed", Msg("pot.imputed_finding"), file=", ".join(cfg.survey),
                                column=cfg.area_question, value=code, expected=Msg("x.min_respondents", n=cfg.min_respondents)))

    areas = ctx.areas
    # analysts' files (GeoPackage, workbook) carry every number; ``suppressed`` counts the cells that
    # published outputs (report, maps, dashboard) hide
    full, _ = publish(res, cfg.model_copy(update={"suppress_below": 1}))
    full["suppressed"] = pub["suppressed"]
    layer = areas[[c for c in ("name", "group", "geometry") if c in areas.columns]].join(full)
    layer = layer.reset_index()
    indicators = pd.DataFrame({cfg.indicator: res.table["score"]}, index=res.table.index)
    choice_warnings = sum(1 for f in data.findings if f.code == "survey_unknown_choice")
    all_counts = {**counts, "unknown_choice_answers": choice_warnings, "areas_scored": n_ok,
                  "areas_imputed": int(len(imputed))}
    manifest = {
        "config": cfg.model_dump(mode="json"),
        "counts": all_counts,
        "components": res.components,
        "dropped_columns": data.dropped_columns,
        "suppressed_cells": int(pub["suppressed"].sum()),
        "findings": dict(Counter(f.code for f in data.findings)),
        "method": {
            "interval": f"Wilson score interval, {cfg.confidence:.0%} (Wilson 1927; Brown, Cai & DasGupta 2001)",
            "score": "100 * sum_c w_c s_c / sum_c w_c over components with weight > 0 (docs/method_potential.md)",
            "suppression": f"counts 1..{cfg.suppress_below - 1} and the shares built on them suppressed",
        },
    }
    # published per-area column: the score, hidden (NaN) where the area has 1..t-1 respondents
    area_cols = pd.DataFrame({cfg.indicator: pub["potensi"]}, index=res.table.index)
    return PotentialStageResult(name="potential", area_columns=area_cols,
                                public_columns={cfg.indicator: _both("pot.col.potensi")},
                                layers={"potential": layer}, sheets=view.sheet(full, mask & False, ctx, form, cfg),
                                manifest=manifest, findings=findings, figures=view.figure(ctx, res.table["score"], mask),
                                sections=[view.section(ctx, cfg, res, pub, mask, form, all_counts, data.dropped_columns)],
                                indicators=indicators,
                                inputs=inputs, scores=res, form=form, config=cfg, published=pub, mask=mask)


STAGE = Stage(name="potential", run=run_potential, section=PotentialConfig, provides=("indicators",))


def _both(key: str, **kw) -> tuple[str, str]:
    return t(key, "id", **kw), t(key, "en", **kw)


