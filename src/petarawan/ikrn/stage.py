"""The ``ikrn`` stage: an IKRN round → completeness, area survey indicators, sampling uncertainty.

Runs before the composite index (it provides ``"indicators"``): ``[[indicators]]`` entries with
``stage = "ikrn"`` use the area survey score (``ikrn.indicator``, default ``survei_ikrn``; 0–100,
higher = more drug-prone) and, with ``dimension_indicators = true``, one score per bank
dimension, beside the administrative indicators and BNN's count rule.

Outputs: GeoPackage layer ``ikrn`` (per area returned / expected per instrument, reporting rate,
survey score and its bootstrap standard error, below quota), the workbook sheets *IKRN* and
*IKRN kecamatan*, the completeness map ``ikrn_kelengkapan.png`` and a report section
(questionnaire counts shown whole, see :mod:`petarawan.report.ikrn`), and the published columns ``ikrn_reporting_rate`` and
``ikrn_below_quota`` (the dashboard's "kelengkapan" colour mode).  The bootstrap replicates
(:attr:`IkrnStageResult.replicates`) are the survey draws of the uncertainty stage's Monte Carlo.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Finding
from ..i18n import Msg, has, t
from ..report import ikrn as view
from ..stages import Stage, StageResult, StudyContext
from .bank import INSTRUMENTS
from .checks import KINDS
from .completeness import completeness_summary
from .config import IkrnConfig
from .round import assess_round, read_round, score_round, study_bank

__all__ = ["IkrnStageResult", "run_ikrn", "STAGE", "layer_table", "PUBLIC"]


PUBLIC = ("ikrn_reporting_rate", "ikrn_below_quota", "ikrn_survey_se")
"""Area columns that may be published: no counts (a reporting rate and a flag; the standard
error is a property of the published survey score)."""


@dataclass(frozen=True, kw_only=True)
class IkrnStageResult(StageResult):
    """The IKRN stage's result, as later stages read it.

    Attributes
    ----------
    completeness : DataFrame
        Index code: :func:`~petarawan.ikrn.completeness.completeness_table`.
    scores : DataFrame
        Index code: :attr:`~petarawan.ikrn.aggregate.AreaScores.table` plus ``survey_se``.
    indicator_names : tuple[str, ...]
        The indicators provided (overall score first).
    replicates : ndarray | None
        Bootstrap replicates float32 (B, n_areas, K), areas in ``scores`` order, K as
        ``indicator_names``; ``None`` with ``bootstrap = 0``.
    seed : list[int]
        The bootstrap's seed (``[study.seed, 10]``), recorded in ``run.json``.
    """

    completeness: pd.DataFrame
    scores: pd.DataFrame
    indicator_names: tuple[str, ...]
    replicates: np.ndarray | None = None
    seed: tuple[int, ...] = ()

    def replicate_frame(self, b: int) -> pd.DataFrame:
        """Replicate ``b`` of the survey indicators (index code, one column per indicator)."""
        return pd.DataFrame(self.replicates[b].astype(float), index=self.scores.index, columns=list(self.indicator_names))


def _both(key: str, **kw) -> tuple[str, str]:
    return t(key, "id", **kw), t(key, "en", **kw)


def _heading(col: str, lang: str) -> str:
    for prefix in ("returned", "expected", "n", "mean"):
        for ins in INSTRUMENTS:
            if col == f"{prefix}_{ins}":
                return t(f"ikrn.col.{prefix}", lang, ins=ins.upper().replace("IKRN", "IKRN "))
    key = f"ikrn.col.{col}"
    return t(key, lang) if has(key) else col


def layer_table(completeness: pd.DataFrame, scores: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Per-area columns of the ``ikrn`` layer and sheet (index code)."""
    out = completeness.drop(columns=[c for c in ("name", "group") if c in completeness.columns]).copy()
    out["survey_score"] = scores[indicator]
    out["survey_se"] = scores["survey_se"]
    for ins in INSTRUMENTS:
        out[f"n_{ins}"] = scores[f"n_{ins}"]
    for ins in INSTRUMENTS:
        out[f"mean_{ins}"] = scores[f"mean_{ins}"]
    out["no_score_reason"] = scores["no_score_reason"]
    return out


def run_ikrn(ctx: StudyContext) -> IkrnStageResult:
    """Run the IKRN stage (before the composite index).

    Raises
    ------
    InputError
        An export named in ``[ikrn.returns]`` is missing or unreadable, or lacks a column the
        analysis needs.
    ConfigError
        The question bank is invalid.
    """
    from ..io.readers import sha256
    from ..potential.figures import choropleth_png
    from ..report.mapkit import map_marks, name_numbers, subtitle_with_date

    cfg: IkrnConfig = ctx.section("ikrn")
    lang = ctx.lang
    bank = study_bank(ctx.study_dir, cfg)
    data = read_round(ctx.study_dir, cfg, bank)
    inputs = dict(data.hashes)
    if cfg.bank:
        inputs[cfg.bank] = sha256(ctx.study_dir / cfg.bank)
    areas = ctx.areas
    assessed = assess_round(data, bank, cfg, areas)
    seed = (int(ctx.config.study.seed), 10)
    scored = score_round(assessed, bank, cfg, areas.index, seed=list(seed))
    names = tuple(scored.areas.columns)
    scores = scored.areas.table.copy()
    se = scored.bootstrap.se[:, 0] if scored.bootstrap is not None else np.full(len(scores), np.nan)
    scores["survey_se"] = se
    table = assessed.completeness
    layer_cols = layer_table(table, scores, cfg.indicator)

    findings = list(assessed.findings)
    for code, reason in scores["no_score_reason"].items():
        if reason:
            findings.append(Finding("warning", "ikrn_no_survey_score", Msg("ikrn.no_score", reason=reason),
                                    column="ikrn.min_respondents", value=code, expected=Msg("ikrn.no_score.exp")))
    # outputs
    keep = [c for c in ("name", "group", "geometry") if c in areas.columns]
    layer = areas[keep].join(layer_cols).reset_index()
    sheet = pd.concat([areas[[c for c in ("name", "group") if c in areas.columns]], layer_cols], axis=1)
    sheet = sheet.reset_index().rename(columns=lambda c: _heading(c, lang))
    summ = completeness_summary(table, "group" if "group" in table.columns else None)
    summ_sheet = summ.reset_index().rename(columns={"index": t("ikrn.col.group", lang)})
    summ_sheet = summ_sheet.rename(columns=lambda c: _heading(c, lang))
    study = ctx.config.study
    note = t("illustrative", lang) if (study.illustrative or bank.illustrative) else ""
    rate = table["reporting_rate"] * 100
    figures = {"ikrn_kelengkapan.png": choropleth_png(
        areas, rate, t("ikrn.map_title", lang), subtitle_with_date(study.name, study.date_in(lang), lang),
        cmap="RdYlGn", legend_title="%", footer=t("map.read.ikrn", lang), key=name_numbers(areas),
        key_title=t("map.key_names", lang), **{**map_marks(ctx.config, lang), "watermark": note})}
    area_cols = pd.DataFrame({"ikrn_reporting_rate": table["reporting_rate"], "ikrn_below_quota": table["below_quota"],
                              "ikrn_survey_se": scores["survey_se"]}, index=table.index)
    indicators = scores[list(names)]
    counts = dict(assessed.checks.counts)
    manifest = {
        "bank": {"title": bank.title_id, "version": bank.version, "illustrative": bank.illustrative,
                 "items": {i.code: len(bank.items_of(i.code)) for i in bank.instruments}},
        "config": cfg.model_dump(mode="json"),
        "counts": counts,
        "findings": dict(Counter(f.code for f in assessed.findings)),
        "completeness": {k: (None if isinstance(v, float) and v != v else v)
                         for k, v in summ.loc["(total)"].to_dict().items()},
        "areas_scored": int(scores[cfg.indicator].notna().sum()),
        "areas_without_score": [c for c, r in scores["no_score_reason"].items() if r],
        "indicators": list(names),
        "bootstrap": None if scored.bootstrap is None else {
            "replicates": cfg.bootstrap, "seed": list(seed), "method": scored.bootstrap.method,
            "references": "Rao & Wu 1988 (JASA 83:231-241); Efron & Tibshirani 1993"},
        "reporting_rate": "sum_k min(returned_k, expected_k) / sum_k expected_k (DHIS2 reporting rate)",
    }
    section = view.section(ctx, bank, cfg, assessed, scores, summ, KINDS)
    heads = {c: _both(f"ikrn.col.{c.removeprefix('ikrn_')}") for c in PUBLIC}
    return IkrnStageResult(
        name="ikrn", area_columns=area_cols, public_columns=heads, layers={"ikrn": layer},
        sheets={t("ikrn.sheet", lang): sheet, t("ikrn.sheet.kec", lang): summ_sheet}, manifest=manifest, findings=findings,
        figures=figures, sections=[section], indicators=indicators, inputs=inputs, completeness=table, scores=scores,
        indicator_names=names, replicates=None if scored.bootstrap is None else scored.bootstrap.replicates, seed=seed)


STAGE = Stage(name="ikrn", run=run_ikrn, section=IkrnConfig, provides=("indicators",))
