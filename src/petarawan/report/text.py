"""Sentences and numbers of the report that other outputs reuse (the map subtitle names the
method): the method paragraph, the classification rule, readable numbers and times."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n import t

if TYPE_CHECKING:
    from ..pipeline import RunResult


def rule_text(res: "RunResult") -> str:
    c, lang = res.study.config.classification, res.lang
    if c.method == "bands":
        return t("rep.rule.bands", lang, b=c.bands["Bahaya"], w=c.bands["Waspada"], s=c.bands["Siaga"])
    if c.method in ("quantiles", "jenks"):
        return t(f"rep.rule.{c.method}", lang)
    rules = "; ".join(t("rep.rule.item", lang, cls=r.cls, m=r.main, s=r.supporting) for r in c.count_rule)
    return t("rep.rule.count", lang, rules=rules)


def method_text(res: "RunResult") -> str:
    """The method paragraph of the report, composed from the configured choices."""
    ix, lang = res.study.config.index, res.lang

    def agg(level: str) -> str:
        return t(f"agg.{ix.level_aggregation(level)}", lang, p=ix.power)

    return t("rep.method.text", lang, norm=t(f"norm.{ix.normalisation}", lang, lo=ix.range[0], hi=ix.range[1]),
             agg_dim=agg("dimension"), agg_idx=agg("index"), w_ind=t(f"wt.{ix.weighting.indicators}", lang),
             w_dim=t(f"wt.{ix.weighting.dimensions}", lang), imp=t(f"imp.{ix.imputation}", lang),
             out=t(f"out.{ix.outlier_treatment}", lang))


def method_summary(res: "RunResult") -> str:
    """One line naming the method, for map subtitles."""
    ix, lang = res.study.config.index, res.lang
    rule = t(f"rep.rule.short.{res.study.config.classification.method}", lang)
    return ", ".join([t(f"norm.{ix.normalisation}", lang, lo=ix.range[0], hi=ix.range[1]),
                      t(f"agg.{ix.level_aggregation('index')}", lang, p=ix.power), rule])


def readable_number(v: float, lang: str) -> str:
    """A readable number: thousands separated (``11.850`` in Indonesian, ``11,850`` in English),
    at most 4 significant digits below 1,000, never scientific notation."""
    if abs(v) >= 1000:
        text = f"{v:,.0f}"
    else:
        text = f"{v:.4g}" if abs(v) >= 0.001 or v == 0 else f"{v:.2e}"
    if lang == "id":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


_MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]


def readable_time(iso: str, lang: str) -> str:
    """``2026-11-29T08:45:50+00:00`` → ``29 November 2026, 15.45 WIB`` (Western Indonesia Time,
    UTC+7; the UTC time is in run.json)."""
    from datetime import datetime, timedelta, timezone

    try:
        when = datetime.fromisoformat(iso).astimezone(timezone(timedelta(hours=7)))
    except ValueError:
        return iso
    month = _MONTHS_ID[when.month - 1] if lang == "id" else when.strftime("%B")
    sep = "." if lang == "id" else ":"
    return f"{when.day} {month} {when.year}, {when.hour:02d}{sep}{when.minute:02d} WIB"


def rupiah(x: float) -> str:
    """A sum in rupiah with Indonesian thousands separators: ``1250000`` → ``1.250.000``."""
    return f"{x:,.0f}".replace(",", ".")
