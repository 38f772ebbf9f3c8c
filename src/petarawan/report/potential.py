"""Presentation of the ``potential`` stage: readable headings, the published sheet, the map and
the report section (template ``potential.html``).  Small counts are shown as ``<t``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import Msg, has, t
from ..potential.config import PotentialConfig
from ..potential.figures import choropleth_png
from ..potential.scoring import PotentialResult
from ..io.survey import Form
from ..privacy import suppress_count
from ..stages import ReportSection, StudyContext
from ..style import POTENTIAL_CMAP
from .mapkit import map_marks, name_numbers, subtitle_with_date
from .. import fmt
from .render import markup, render


_QKEY = {"minat": "interest", "keterampilan": "skills", "sda": "resources", "pasar": "market"}


def headings(cols: list[str], lang: str, form: Form, cfg: PotentialConfig) -> dict[str, str]:
    """Readable heading of each published column (``minat_kuliner`` → "Minat: Kuliner", ``…_lo``
    → "… (lower bound)")."""
    out = {}
    for c in cols:
        base, suffix = c, ""
        for sfx in ("_lo", "_hi"):
            if c.endswith(sfx):
                base, suffix = c[: -len(sfx)], f" ({t('pot.col.' + sfx[1:], lang)})"
        key = f"pot.col.{base}"
        if has(key):
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


def consent_msg(counts: dict) -> Msg:
    """How many answers had no consent (or that the form asks none)."""
    if "no_consent" not in counts:
        return Msg("pot.no_consent_q")
    return Msg("pot.consent_n", n=counts["no_consent"])


def _fmt_share(v: float, lo: float | None = None, hi: float | None = None) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "–"
    s = f"{100 * v:.0f} %"
    if lo is not None and not np.isnan(lo):
        s += f" ({100 * lo:.0f}–{100 * hi:.0f})"
    return s


def section(ctx: StudyContext, cfg: PotentialConfig, res: PotentialResult, pub: pd.DataFrame, mask: pd.DataFrame,
            form: Form, counts: dict, dropped_columns: list[str]) -> ReportSection:
    """The report section: what the survey gave (``counts`` as in ``run.json``: read, kept,
    duplicates, unknown areas and choices, areas scored), privacy, the formula, then one row per
    area (score, exposure, facilitators, top business interests) with small counts suppressed."""
    lang = ctx.lang
    th = cfg.suppress_below
    imputed = res.table.index[res.table["score_imputed"]]
    summary = t("pot.summary", lang, read=counts.get("read", 0), kept=counts.get("kept", 0),
                consent=consent_msg(counts), unknown=counts.get("unknown_area", 0), dup=counts.get("duplicate", 0),
                choice=counts.get("unknown_choice_answers", 0), areas=counts.get("areas_scored", 0), total=len(ctx.areas),
                minn=cfg.min_respondents)
    privacy = markup("pot.privacy", lang, cols=", ".join(f"'{c}'" for c in dropped_columns) or "–", tm1=th - 1, t=th,
                     cells=int(pub["suppressed"].sum()))
    names = ", ".join(str(ctx.areas.at[c, "name"]) for c in imputed)
    imp = t("pot.imputed", lang, minn=cfg.min_respondents, names=names) if len(imputed) else ""
    names_c = {"id": {"skills": "keterampilan", "resources": "sumber daya", "business": "usaha", "market": "akses pasar",
                      "facilitator": "pendamping", "training": "minat pelatihan"}}
    comps = ", ".join(names_c.get(lang, {}).get(c, c) for c in res.components)
    formula = t("pot.formula", lang, comps=comps, conf=round(100 * cfg.confidence), imputed=imp)
    head = [t("pot.col.name", lang), t("pot.col.n", lang), t("pot.col.potensi", lang), t("pot.col.terpapar", lang),
            t("pot.col.pendamping_total", lang), t("pot.col.top", lang)]
    rows = []
    order = res.table["score"].sort_values(ascending=False, na_position="last").index
    for code in order:
        n = res.table.at[code, "n"]
        ptxt = suppress_count(int(n), th)
        score = "–" if mask.at[code, "potensi"] or np.isnan(pub.at[code, "potensi"]) else fmt.number(pub.at[code, "potensi"], lang, decimals=1)
        if "terpapar" in pub.columns:
            exp = f"<{th}" if mask.at[code, "terpapar"] and n else _fmt_share(pub.at[code, "terpapar"], pub.at[code, "terpapar_lo"], pub.at[code, "terpapar_hi"])
        else:
            exp = "–"
        fac = "–"
        if "pendamping_total" in pub.columns:
            fac = f"<{th}" if mask.at[code, "pendamping_total"] else fmt.integer(pub.at[code, "pendamping_total"], lang)
        toptxt = ""
        s_int = res.shares.get("interest")
        if s_int is not None and not mask.at[code, "n"]:
            k = s_int.k.loc[code].drop(labels=[o for o in cfg.none_options if o in s_int.k.columns])
            k = k[k > 0].sort_values(ascending=False, kind="stable").head(3)
            items = []
            for o in k.index:
                col = f"minat_{o}"
                share = f"<{th}" if mask.at[code, col] else _fmt_share(pub.at[code, col])
                items.append(f"{form.label(cfg.questions.interest, o, lang)} {share}")
            toptxt = "; ".join(items)
        rows.append([str(ctx.areas.at[code, "name"]), ptxt, score, exp, fac, toptxt or "–"])
    body = render("potential.html", summary=summary, privacy=privacy, formula=formula, head=head, rows=rows)
    return ReportSection(t("pot.title", lang), body, figure="potensi.png")


def sheet(pub: pd.DataFrame, mask: pd.DataFrame, ctx: StudyContext, form: Form, cfg: PotentialConfig) -> dict[str, pd.DataFrame]:
    """The ``Potensi`` sheet: the published table under readable headings, small counts as ``<t``."""
    lang = ctx.lang
    table = sheet_table(pub, mask, ctx.areas, cfg.suppress_below)
    heads = headings(list(pub.columns), lang, form, cfg)
    heads.update({"code": t("pot.col.code", lang), "name": t("pot.col.name", lang), "group": t("pot.col.group", lang)})
    return {t("pot.sheet", lang): table.rename(columns=heads)}


def figure(ctx: StudyContext, score: pd.Series, mask: pd.DataFrame) -> dict[str, bytes]:
    """``potensi.png``: the score per area, areas with suppressed scores hatched as missing."""
    lang, study = ctx.lang, ctx.config.study
    return {"potensi.png": choropleth_png(ctx.areas, score.where(~mask["potensi"]), t("pot.map_title", lang),
                                          subtitle_with_date(study.name, study.date_in(lang), lang), cmap=POTENTIAL_CMAP,
                                          footer=t("map.read.potential", lang, t=ctx.section("potential").suppress_below
                                                   or ctx.config.privacy.min_count),
                                          key=name_numbers(ctx.areas), key_title=t("map.key_names", lang),
                                          **map_marks(ctx.config, lang))}
