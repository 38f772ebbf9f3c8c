"""Pre-index stage ``potential``: survey export → community potential per area.

Returns the potential score as indicator ``cfg.potential.indicator`` (default ``potensi``) so
``[[indicators]]`` can use it as coping capacity (``direction = -1``, ``stage = "potential"``),
the ``potential`` GeoPackage layer, the ``Potensi`` sheet, a report section and a map, all with
small counts suppressed; the unsuppressed result goes to the plan stage as typed fields of
:class:`PotentialStageResult`.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Finding, InputError
from ..i18n import register, t
from ..io.readers import resolve, sha256
from ..privacy import suppress_count
from ..report.mapkit import subtitle_with_date
from ..stages import ReportSection, Stage, StageResult, StudyContext
from ..style import POTENTIAL_CMAP
from .config import PotentialConfig
from .figures import choropleth_png
from .scoring import PotentialResult, publish, read_questions, score_potential
from .survey import Form, read_form, read_survey

register({
    "stage.potential": {"id": "potensi masyarakat", "en": "community potential"},
    "pot.title": {"id": "Potensi masyarakat", "en": "Community potential"},
    "pot.map_title": {"id": "Skor potensi masyarakat (0–100)", "en": "Community-potential score (0–100)"},
    "pot.summary": {
        "id": "{read} kiriman survei dibaca; {kept} dipakai ({consent}, {unknown} kode wilayah tidak dikenal "
              "atau kosong, {dup} kiriman ganda dibuang; {choice} jawaban dengan pilihan tidak dikenal dianggap kosong). "
              "{areas} dari {total} wilayah memiliki minimal {minn} responden.",
        "en": "{read} survey submissions read; {kept} used ({consent}, {unknown} with unknown or empty area "
              "code, {dup} duplicates dropped; {choice} answers with unknown choices treated as missing). "
              "{areas} of {total} areas have at least {minn} respondents.",
    },
    "pot.privacy": {
        "id": "Privasi: identitas (nama, nomor HP, NIK, teks bebas, lokasi GPS rumah) dihapus saat data dibaca dan tidak ditulis ke "
              "keluaran mana pun. Kolom yang dihapus: {cols}. Jumlah 1–{tm1} disembunyikan (ditulis &lt;{t}) beserta persentasenya; "
              "{cells} sel disembunyikan.",
        "en": "Privacy: identifiers (names, phone numbers, NIK, free text, home GPS) are dropped when the data are read and never "
              "written to any output. Columns dropped: {cols}. Counts of 1–{tm1} are suppressed (shown as &lt;{t}) with their "
              "shares; {cells} cells suppressed.",
    },
    "pot.formula": {
        "id": "Skor potensi = 100 × rata-rata tertimbang dari proporsi rumah tangga dengan keterampilan, sumber daya, usaha, "
              "akses pasar, kesediaan menjadi pendamping, dan minat pelatihan (komponen: {comps}). Selang kepercayaan {conf} % "
              "metode Wilson. {imputed}",
        "en": "Potential score = 100 × weighted mean of the shares of households with skills, resources, a business, market "
              "access, willingness to serve as facilitator and interest in training (components: {comps}). {conf} % Wilson "
              "intervals. {imputed}",
    },
    "pot.no_consent_q": {"id": "formulir tanpa pertanyaan persetujuan", "en": "the form asks no consent"},
    "pot.consent_n": {"id": "{n} tanpa persetujuan", "en": "{n} without consent"},
    "pot.sheet": {"id": "Potensi", "en": "Potential"},
    "pot.no_responses": {
        "id": "survei tidak menghasilkan satu pun jawaban yang dapat dipakai ({read} dibaca: {consent}, {unknown} kode "
              "wilayah tidak dikenal atau kosong, {dup} kiriman ganda); skor potensi dan rencana tidak dapat dihitung",
        "en": "the survey yields no usable response ({read} read: {consent}, {unknown} with unknown or empty area code, "
              "{dup} duplicates); the potential score and the plan cannot be computed"},
    "pot.no_responses_exp": {
        "id": "ekspor dengan jawaban (bukan hanya baris judul) yang kode wilayahnya ada di berkas batas wilayah; atau "
              "hapus bagian [potential] sampai survei selesai",
        "en": "an export with responses (not just the header line) whose area codes are in the boundary file; or remove "
              "the [potential] section until the survey is done"},
    "pot.no_scored": {
        "id": "tidak ada wilayah dengan minimal {minn} responden; skor potensi tidak dapat dihitung ({kept} jawaban "
              "dipakai di {areas} wilayah)",
        "en": "no area has at least {minn} respondents; the potential score cannot be computed ({kept} responses used "
              "in {areas} areas)"},
    "pot.no_scored_exp": {"id": "lebih banyak responden per wilayah, atau potential.min_respondents lebih kecil",
                          "en": "more respondents per area, or a smaller potential.min_respondents"},
    "pot.imputed": {"id": "Wilayah tanpa skor (responden kurang dari {minn}) diberi median: {names}.",
                    "en": "Areas without a score (fewer than {minn} respondents) were given the median: {names}."},
    "pot.col.code": {"id": "Kode", "en": "Code"},
    "pot.col.name": {"id": "Kelurahan/desa", "en": "Area"},
    "pot.col.group": {"id": "Kecamatan", "en": "District"},
    "pot.col.n": {"id": "Responden", "en": "Respondents"},
    "pot.col.potensi": {"id": "Skor potensi", "en": "Potential score"},
    "pot.col.potensi_imputasi": {"id": "Skor diimputasi (1=ya)", "en": "Score imputed (1=yes)"},
    "pot.col.terpapar": {"id": "Rumah tangga terdampak (proporsi)", "en": "Affected households (share)"},
    "pot.col.minat_pelatihan": {"id": "Minat pelatihan (proporsi)", "en": "Interest in training (share)"},
    "pot.col.punya_usaha": {"id": "Punya usaha (proporsi)", "en": "Runs a business (share)"},
    "pot.col.bersedia_pendamping": {"id": "Bersedia jadi pendamping (proporsi)", "en": "Willing facilitator (share)"},
    "pot.col.pendamping_total": {"id": "Calon pendamping (jumlah)", "en": "Facilitator candidates (count)"},
    "pot.col.suppressed": {"id": "Sel disembunyikan", "en": "Cells suppressed"},
    "pot.col.lo": {"id": "batas bawah", "en": "lower bound"},
    "pot.col.hi": {"id": "batas atas", "en": "upper bound"},
    "pot.col.top": {"id": "Minat usaha teratas", "en": "Top business interests"},
    "pot.pre.minat": {"id": "Minat", "en": "Interest"},
    "pot.pre.keterampilan": {"id": "Keterampilan", "en": "Skill"},
    "pot.pre.sda": {"id": "SDA", "en": "Resource"},
    "pot.pre.pasar": {"id": "Pasar", "en": "Market"},
    "pot.pre.pendamping": {"id": "Calon pendamping", "en": "Facilitator candidates"},
    "pot.dropped_cols": {"id": "kolom identitas/teks bebas dihapus saat dibaca", "en": "identifier/free-text column dropped at ingest"},
    "pot.imputed_finding": {"id": "wilayah tanpa skor potensi (responden terlalu sedikit), diberi median",
                            "en": "area without a potential score (too few respondents), given the median"},
})

_QKEY = {"minat": "interest", "keterampilan": "skills", "sda": "resources", "pasar": "market"}


def _headings(cols: list[str], ctx: StudyContext, form, cfg) -> dict[str, str]:
    lang = ctx.lang
    out = {}
    for c in cols:
        base, suffix = c, ""
        for sfx in ("_lo", "_hi"):
            if c.endswith(sfx):
                base, suffix = c[: -len(sfx)], f" ({t('pot.col.' + sfx[1:], lang)})"
        key = f"pot.col.{base}"
        if t(key, lang) != key:
            out[c] = t(key, lang) + suffix
            continue
        pre, _, opt = base.partition("_")
        if pre in _QKEY:
            q = getattr(cfg.questions, _QKEY[pre])
            out[c] = f"{t('pot.pre.' + pre, lang)}: {form.label(q, opt, lang)}{suffix}"
        elif pre == "pendamping":
            out[c] = f"{t('pot.pre.pendamping', lang)}: {form.label(cfg.questions.role, opt, lang)}"
        else:
            out[c] = c
    return out


def sheet_table(pub: pd.DataFrame, mask: pd.DataFrame, areas: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Published table for the workbook: suppressed cells as the text ``<t``, empty as ``None``."""
    df = pub.astype(object).where(pub.notna(), None)
    df = df.mask(mask, f"<{threshold}")
    front = pd.DataFrame({"code": areas.index, "name": areas["name"].to_numpy()}, index=areas.index)
    if "group" in areas.columns:
        front["group"] = areas["group"].to_numpy()
    return pd.concat([front, df.reindex(areas.index)], axis=1).reset_index(drop=True)


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
    privacy = getattr(ctx.config, "privacy", None)
    if "suppress_below" not in cfg.model_fields_set and privacy is not None and hasattr(privacy, "min_count"):
        cfg = cfg.model_copy(update={"suppress_below": int(privacy.min_count)})  # the study-wide [privacy] rule
    lang = ctx.lang
    form_path = resolve(ctx.study_dir, cfg.form, "XLSForm")
    inputs = {cfg.form: sha256(form_path)}
    form = read_form(form_path, label=cfg.form)
    paths = []
    for name in cfg.survey:
        p = resolve(ctx.study_dir, name, "survey")
        inputs[name] = sha256(p)
        paths.append(p)
    data = read_survey(paths, form, area_question=cfg.area_question, known_codes=ctx.areas.index,
                       consent_question=cfg.consent_question or None, consent_yes=cfg.yes, labels=list(cfg.survey),
                       required=read_questions(cfg, form))
    plan = ctx.section("plan")
    if plan is not None:  # programme choices must exist in this form (checked here so `validate` sees it)
        from ..plan.config import check_programme_choices

        check_programme_choices(plan.programmes, form, cfg.questions)
    counts = dict(data.counts)
    if counts.get("kept", 0) == 0:
        m_id, m_en = _both("pot.no_responses", read=counts.get("read", 0), unknown=counts.get("unknown_area", 0),
                           dup=counts.get("duplicate", 0), consent="{consent}")
        raise InputError(Finding("error", "survey_no_usable_responses",
                                 m_id.replace("{consent}", _consent_text(counts, "id")),
                                 message_en=m_en.replace("{consent}", _consent_text(counts, "en")),
                                 file=", ".join(cfg.survey), value=counts.get("read", 0),
                                 expected=t("pot.no_responses_exp", "id"), expected_en=t("pot.no_responses_exp", "en")))
    res = score_potential(data.responses, form, ctx.areas.index, cfg)
    n_ok = int((res.table["n"] >= cfg.min_respondents).sum())
    if not np.isfinite(res.table["score"].to_numpy(dtype=float)).any():
        kw = dict(minn=cfg.min_respondents, kept=counts["kept"], areas=int((res.table["n"] > 0).sum()))
        raise InputError(Finding("error", "survey_no_area_scored", t("pot.no_scored", "id", **kw),
                                 message_en=t("pot.no_scored", "en", **kw), file=", ".join(cfg.survey),
                                 column="potential.min_respondents", value=cfg.min_respondents,
                                 expected=t("pot.no_scored_exp", "id"), expected_en=t("pot.no_scored_exp", "en")))
    pub, mask = publish(res, cfg)
    findings = list(data.findings)
    for c in data.dropped_columns:
        findings.append(Finding("info", "survey_identifier_dropped", t("pot.dropped_cols", "id"),
                                message_en=t("pot.dropped_cols", "en"), file=", ".join(cfg.survey), column=c))
    imputed = res.table.index[res.table["score_imputed"]]
    for code in imputed:
        findings.append(Finding("warning", "potential_imputed", t("pot.imputed_finding", "id"),
                                message_en=t("pot.imputed_finding", "en"), file=", ".join(cfg.survey),
                                column=cfg.area_question, value=code, expected=f"≥ {cfg.min_respondents} responden",
                                expected_en=f"≥ {cfg.min_respondents} respondents"))

    areas = ctx.areas
    layer = areas[[c for c in ("name", "group", "geometry") if c in areas.columns]].join(pub)
    layer = layer.reset_index()
    sheet = sheet_table(pub, mask, areas, cfg.suppress_below)
    heads = _headings(list(pub.columns), ctx, form, cfg)
    heads.update({"code": t("pot.col.code", lang), "name": t("pot.col.name", lang), "group": t("pot.col.group", lang)})
    sheet = sheet.rename(columns=heads)

    indicators = pd.DataFrame({cfg.indicator: res.table["score"]}, index=res.table.index)
    choice_warnings = sum(1 for f in data.findings if f.code == "survey_unknown_choice")
    study = ctx.config.study
    figures = {"potensi.png": choropleth_png(areas, res.table["score"].where(~mask["potensi"]), t("pot.map_title", lang),
                                             subtitle_with_date(study.name, study.data_date, lang), lang=lang, cmap=POTENTIAL_CMAP,
                                             note=t("illustrative", lang) if ctx.config.study.illustrative else "")}
    section = ReportSection(t("pot.title", lang), _section_html(ctx, cfg, res, pub, mask, form, data, counts, choice_warnings,
                                                                 n_ok, imputed), figure="potensi.png")
    manifest = {
        "config": cfg.model_dump(mode="json"),
        "counts": {**counts, "unknown_choice_answers": choice_warnings, "areas_scored": n_ok,
                   "areas_imputed": int(len(imputed))},
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
                                layers={"potential": layer}, sheets={t("pot.sheet", lang): sheet}, manifest=manifest,
                                findings=findings, figures=figures, sections=[section], indicators=indicators,
                                inputs=inputs, scores=res, form=form, config=cfg, published=pub, mask=mask)


STAGE = Stage(name="potential", run=run_potential, section=PotentialConfig, provides=("indicators",))


def _consent_text(counts: dict, lang: str) -> str:
    if "no_consent" not in counts:
        return t("pot.no_consent_q", lang)
    return t("pot.consent_n", lang, n=counts["no_consent"])


def _both(key: str, **kw) -> tuple[str, str]:
    return t(key, "id", **kw), t(key, "en", **kw)


def _fmt_share(v: float, lo: float | None = None, hi: float | None = None) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "–"
    s = f"{100 * v:.0f} %"
    if lo is not None and not np.isnan(lo):
        s += f" ({100 * lo:.0f}–{100 * hi:.0f})"
    return s


def _section_html(ctx, cfg, res: PotentialResult, pub, mask, form, data, counts, choice_warnings, n_ok, imputed) -> str:
    lang = ctx.lang
    e = html.escape
    th = cfg.suppress_below
    parts = [f"<p>{e(t('pot.summary', lang, read=counts.get('read', 0), kept=counts.get('kept', 0), consent=_consent_text(counts, lang), unknown=counts.get('unknown_area', 0), dup=counts.get('duplicate', 0), choice=choice_warnings, areas=n_ok, total=len(ctx.areas), minn=cfg.min_respondents))}</p>"]
    cols = ", ".join(e(c) for c in data.dropped_columns) or "–"
    parts.append(f"<p>{t('pot.privacy', lang, cols=cols, tm1=th - 1, t=th, cells=int(pub['suppressed'].sum()))}</p>")
    names = ", ".join(e(str(ctx.areas.at[c, 'name'])) for c in imputed)
    imp = t("pot.imputed", lang, minn=cfg.min_respondents, names=names) if len(imputed) else ""
    names_c = {"id": {"skills": "keterampilan", "resources": "sumber daya", "business": "usaha", "market": "akses pasar",
                      "facilitator": "pendamping", "training": "minat pelatihan"}}
    comps = ", ".join(names_c.get(lang, {}).get(c, c) for c in res.components)
    parts.append(f"<p>{e(t('pot.formula', lang, comps=comps, conf=round(100 * cfg.confidence), imputed=imp))}</p>")
    head = [t("pot.col.name", lang), t("pot.col.n", lang), t("pot.col.potensi", lang), t("pot.col.terpapar", lang),
            t("pot.col.pendamping_total", lang), t("pot.col.top", lang)]
    rows = []
    order = res.table["score"].sort_values(ascending=False, na_position="last").index
    for code in order:
        n = res.table.at[code, "n"]
        ptxt = suppress_count(int(n), th)
        score = "–" if mask.at[code, "potensi"] or np.isnan(pub.at[code, "potensi"]) else f"{pub.at[code, 'potensi']:.1f}"
        if "terpapar" in pub.columns:
            exp = f"&lt;{th}" if mask.at[code, "terpapar"] and n else _fmt_share(pub.at[code, "terpapar"], pub.at[code, "terpapar_lo"], pub.at[code, "terpapar_hi"])
        else:
            exp = "–"
        fac = "–"
        if "pendamping_total" in pub.columns:
            fac = f"&lt;{th}" if mask.at[code, "pendamping_total"] else ("–" if np.isnan(pub.at[code, "pendamping_total"]) else str(int(pub.at[code, "pendamping_total"])))
        toptxt = ""
        s_int = res.shares.get("interest")
        if s_int is not None and not mask.at[code, "n"]:
            k = s_int.k.loc[code].drop(labels=[o for o in cfg.none_options if o in s_int.k.columns])
            k = k[k > 0].sort_values(ascending=False, kind="stable").head(3)
            items = []
            for o in k.index:
                col = f"minat_{o}"
                share = f"&lt;{th}" if mask.at[code, col] else _fmt_share(pub.at[code, col])
                items.append(f"{e(form.label(cfg.questions.interest, o, lang))} {share}")
            toptxt = "; ".join(items)
        rows.append([e(str(ctx.areas.at[code, 'name'])), ptxt.replace("<", "&lt;"), score, exp, fac, toptxt or "–"])
    table = "<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>"
    table += "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</tbody></table>"
    parts.append(table)
    return "\n".join(parts)
