"""The ``ikrn`` stage: an IKRN round → completeness, area survey indicators, sampling uncertainty.

Runs before the composite index (it provides ``"indicators"``): ``[[indicators]]`` entries with
``stage = "ikrn"`` use the area survey score (``ikrn.indicator``, default ``survei_ikrn``; 0–100,
higher = more drug-prone) and, with ``dimension_indicators = true``, one score per bank
dimension, beside the administrative indicators and BNN's count rule.

Outputs: GeoPackage layer ``ikrn`` (per area returned / expected per instrument, reporting rate,
survey score and its bootstrap standard error, below quota), the workbook sheets *IKRN* and
*IKRN kecamatan*, the completeness map ``ikrn_kelengkapan.png`` and a report section (counts of
1..min_count−1 suppressed), and the published columns ``ikrn_reporting_rate`` and
``ikrn_below_quota`` (the dashboard's "kelengkapan" colour mode).  The bootstrap replicates
(:attr:`IkrnStageResult.replicates`) are the survey draws of the uncertainty stage's Monte Carlo.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Finding
from ..i18n import register, t
from ..report import ikrn as view
from ..stages import Stage, StageResult, StudyContext
from .bank import INSTRUMENTS
from .completeness import completeness_summary
from .config import IkrnConfig
from .round import assess_round, read_round, score_round, study_bank

__all__ = ["IkrnStageResult", "run_ikrn", "STAGE", "layer_table", "PUBLIC"]

register({
    "ikrn.title": {"id": "Putaran survei IKRN: kelengkapan dan skor survei", "en": "IKRN survey round: completeness and survey scores"},
    "ikrn.sheet": {"id": "IKRN", "en": "IKRN"},
    "ikrn.sheet.kec": {"id": "IKRN kecamatan", "en": "IKRN districts"},
    "ikrn.map_title": {"id": "Kelengkapan IKRN: tingkat pelaporan (%)", "en": "IKRN completeness: reporting rate (%)"},
    "ikrn.illustrative_bank": {
        "id": "Bank butir ILUSTRATIF: butir, bobot dan batas IKRN BNN tidak dipublikasikan; skor survei ini hanya contoh cara kerja.",
        "en": "ILLUSTRATIVE item bank: BNN's IKRN items, weights and cut-offs are not public; this survey score only shows how the method works."},
    "ikrn.summary": {
        "id": "{read} kiriman dibaca dari {files} berkas; {kept} dihitung, {excl} tidak dihitung. Tingkat pelaporan studi: "
              "{rate} ({complete} dari {n} wilayah memenuhi kuota IKRN 1/2/3 = {q}; {none} wilayah belum mengirim sama sekali).",
        "en": "{read} submissions read from {files} files; {kept} counted, {excl} not counted. Study reporting rate: {rate} "
              "({complete} of {n} areas meet the IKRN 1/2/3 quota of {q}; {none} areas have sent nothing yet)."},
    "ikrn.rate_def": {
        "id": "Tingkat pelaporan = jumlah kuesioner yang kembali (paling banyak sebanyak kuota per instrumen) dibagi jumlah "
              "kuesioner yang diharapkan, seperti tingkat pelaporan DHIS2.",
        "en": "Reporting rate = questionnaires returned (at most the quota per instrument) divided by questionnaires expected, "
              "as DHIS2's reporting rate."},
    "ikrn.checks": {"id": "Pemeriksaan mutu (jumlah kiriman)", "en": "Quality checks (number of submissions)"},
    "ikrn.scored": {
        "id": "Skor survei (0–100, makin tinggi makin rawan) untuk {scored} dari {n} wilayah; {unscored} wilayah tanpa skor karena "
              "respondennya kurang dari minimum (IKRN 1 ≥ {min1}). Galat baku dari bootstrap responden dalam wilayah "
              "({B} ulangan, benih {seed}).",
        "en": "Survey score (0–100, higher = more prone) for {scored} of {n} areas; {unscored} areas have no score because they "
              "have fewer respondents than the minimum (IKRN 1 ≥ {min1}). Standard errors from a bootstrap of respondents within "
              "areas ({B} replicates, seed {seed})."},
    "ikrn.below": {"id": "Wilayah di bawah kuota (untuk ditindaklanjuti)", "en": "Areas below quota (for follow-up)"},
    "ikrn.no_score": {"id": "wilayah tanpa skor survei IKRN: responden kurang ({reason})",
                      "en": "area without an IKRN survey score: too few respondents ({reason})"},
    "ikrn.no_score.exp": {"id": "lebih banyak kiriman, atau ikrn.min_respondents lebih kecil",
                          "en": "more returns, or a smaller ikrn.min_respondents"},
    "ikrn.privacy": {"id": "Jumlah 1–{tm1} ditampilkan sebagai &lt;{t}.", "en": "Counts of 1–{tm1} are shown as &lt;{t}."},
    "ikrn.col.code": {"id": "Kode", "en": "Code"},
    "ikrn.col.name": {"id": "Kelurahan/desa", "en": "Area"},
    "ikrn.col.group": {"id": "Kecamatan", "en": "District"},
    "ikrn.col.returned": {"id": "{ins} kembali", "en": "{ins} returned"},
    "ikrn.col.expected": {"id": "{ins} diharapkan", "en": "{ins} expected"},
    "ikrn.col.n": {"id": "{ins} responden berskor", "en": "{ins} scored respondents"},
    "ikrn.col.mean": {"id": "{ins} rata-rata (0–100)", "en": "{ins} mean (0–100)"},
    "ikrn.col.reporting_rate": {"id": "Tingkat pelaporan IKRN", "en": "IKRN reporting rate"},
    "ikrn.col.below_quota": {"id": "Di bawah kuota IKRN", "en": "Below IKRN quota"},
    "ikrn.col.missing": {"id": "Kuesioner kurang", "en": "Questionnaires still needed"},
    "ikrn.col.survey_score": {"id": "Skor survei IKRN (0–100)", "en": "IKRN survey score (0–100)"},
    "ikrn.col.survey_se": {"id": "Galat baku skor survei", "en": "Survey score standard error"},
    "ikrn.col.no_score_reason": {"id": "Alasan tanpa skor", "en": "Reason for no score"},
    "ikrn.col.areas": {"id": "Wilayah", "en": "Areas"},
    "ikrn.col.areas_complete": {"id": "Wilayah lengkap", "en": "Complete areas"},
    "ikrn.col.areas_without_returns": {"id": "Wilayah tanpa kiriman", "en": "Areas without returns"},
    "ikrn.col.kind": {"id": "Pemeriksaan", "en": "Check"},
    "ikrn.col.count": {"id": "Kiriman", "en": "Submissions"},
    "ikrn.col.effect": {"id": "Akibat", "en": "Effect"},
    "ikrn.eff.excluded": {"id": "tidak dihitung", "en": "not counted"},
    "ikrn.eff.flagged": {"id": "ditandai saja", "en": "flagged only"},
    "ikrn.eff.answer": {"id": "jawaban dianggap kosong", "en": "answer treated as missing"},
    "ikrn.eff.row": {"id": "baris tidak dipakai", "en": "row not used"},
    "ikrn.kind.row_length": {"id": "baris rusak (jumlah kolom salah)", "en": "broken row (wrong number of fields)"},
    "ikrn.kind.unknown_area": {"id": "kode wilayah kosong/tidak dikenal", "en": "empty or unknown area code"},
    "ikrn.kind.no_consent": {"id": "tanpa persetujuan", "en": "no consent"},
    "ikrn.kind.duplicate": {"id": "kiriman ganda", "en": "duplicate submission"},
    "ikrn.kind.wrong_role": {"id": "peran tidak sesuai instrumen", "en": "role does not match the instrument"},
    "ikrn.kind.too_short": {"id": "wawancara terlalu singkat", "en": "implausibly short interview"},
    "ikrn.kind.outside_area": {"id": "lokasi di luar wilayahnya", "en": "location outside its area"},
    "ikrn.kind.straightlining": {"id": "jawaban Likert seragam", "en": "straight-lining"},
    "ikrn.kind.out_of_scale": {"id": "jawaban di luar skala", "en": "answer outside the scale"},
    "ikrn.total": {"id": "Total", "en": "Total"},
})

PUBLIC = ("ikrn_reporting_rate", "ikrn_below_quota", "ikrn_survey_se")
"""Area columns that may be published: no counts (a reporting rate and a flag; the standard
error is a property of the published survey score)."""
KINDS = ("row_length", "unknown_area", "no_consent", "duplicate", "wrong_role", "too_short", "outside_area",
         "straightlining", "out_of_scale")


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
    out = t(key, lang)
    return col if out == key else out


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
    from ..report.mapkit import subtitle_with_date

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
    privacy = ctx.section("privacy")
    min_count = int(getattr(privacy, "min_count", 5))

    findings = list(assessed.findings)
    for code, reason in scores["no_score_reason"].items():
        if reason:
            findings.append(Finding("warning", "ikrn_no_survey_score", t("ikrn.no_score", "id", reason=reason),
                                    message_en=t("ikrn.no_score", "en", reason=reason), column="ikrn.min_respondents",
                                    value=code, expected=t("ikrn.no_score.exp", "id"), expected_en=t("ikrn.no_score.exp", "en")))
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
        areas, rate, t("ikrn.map_title", lang), subtitle_with_date(study.name, study.data_date, lang), lang=lang,
        cmap="RdYlGn", note=note, legend_title="%")}
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
    section = view.section(ctx, bank, cfg, assessed, scores, summ, min_count, KINDS)
    heads = {c: _both(f"ikrn.col.{c.removeprefix('ikrn_')}") for c in PUBLIC}
    return IkrnStageResult(
        name="ikrn", area_columns=area_cols, public_columns=heads, layers={"ikrn": layer},
        sheets={t("ikrn.sheet", lang): sheet, t("ikrn.sheet.kec", lang): summ_sheet}, manifest=manifest, findings=findings,
        figures=figures, sections=[section], indicators=indicators, inputs=inputs, completeness=table, scores=scores,
        indicator_names=names, replicates=None if scored.bootstrap is None else scored.bootstrap.replicates, seed=seed)


STAGE = Stage(name="ikrn", run=run_ikrn, section=IkrnConfig, provides=("indicators",))
