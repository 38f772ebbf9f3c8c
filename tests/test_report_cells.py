"""Every cell of the report's tables reads as the reader writes it (issue 12, item 8):
ya/tidak instead of True/False, the language's decimal mark, whole numbers without decimals,
"–" for a missing value (with a reason for Cronbach's alpha of a one-indicator dimension)."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from petarawan import run
from petarawan.report.cells import cell, column_decimals, rows

CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
AREA_CODE = re.compile(r"^\d+(\.\d+){2,}$")  # 19.71.01.1008: dotted codes, not decimals


def _fake_stage(monkeypatch):
    """The index plus a stage publishing a yes/no column and a column of decimals, chosen by hand."""
    import petarawan.pipeline as pipeline
    from petarawan.index.stage import STAGE as INDEX
    from petarawan.audit.stage import STAGE as AUDIT
    from petarawan.stages import Registry, Stage, StageResult

    def fake(ctx):
        cols = pd.DataFrame({"flag_x": [True, False, True, False], "rate_x": [1.5, 2.25, np.nan, 3.0]},
                            index=ctx.result.index)
        return StageResult(name="fake", area_columns=cols,
                           public_columns={"flag_x": ("Tanda X", "Flag X"), "rate_x": ("Laju X", "Rate X")})

    monkeypatch.setattr(pipeline, "STAGES", Registry([Stage(name="fake", run=fake, requires=("classes",), always=True),
                                                      INDEX, AUDIT]))


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in CELL.findall(html)]


@pytest.fixture
def reports(study, tmp_path, monkeypatch):
    _fake_stage(monkeypatch)
    out = {}
    for lang in ("id", "en"):
        run(study, tmp_path / lang, lang=lang)
        out[lang] = (tmp_path / lang / "report.html").read_text(encoding="utf-8")
    return out


def test_no_python_values_in_report_tables(reports):
    for lang, html in reports.items():
        for bad in (">True<", ">False<", ">nan<", ">None<", ">NaN<", "<NA>"):
            assert bad not in html, (lang, bad)
    cells = _cells(reports["id"])
    assert cells, "the report has tables"
    points = [c for c in cells if re.search(r"\d+\.\d\d", c) and not AREA_CODE.match(c)]
    assert points == [], points


def test_yes_no_and_decimals_in_each_language(reports):
    ids, ens = _cells(reports["id"]), _cells(reports["en"])
    # the fake stage's columns, ranking order aside: True/False and 1.5, 2.25, NaN, 3.0 at 2 decimals
    assert {"ya", "tidak"} <= set(ids) and {"yes", "no"} <= set(ens)
    assert {"1,50", "2,25", "3,00"} <= set(ids) and {"1.50", "2.25", "3.00"} <= set(ens)
    # overall weight of x2 by hand: 3/(1+3) within dimension s, times s's weight 3/(3+1) = 0.5625
    assert "0,56" in ids and "0.56" in ens
    # x1: 1/4 · 3/4 = 0.1875; x3 alone in d: 1 · 1/4 = 0.25
    assert {"0,19", "0,25"} <= set(ids) and {"0.19", "0.25"} <= set(ens)


def test_ranks_are_whole_and_alpha_of_one_indicator_has_a_reason(reports):
    for lang, reason in (("id", "– (1 indikator)"), ("en", "– (1 indicator)")):
        html = reports[lang]
        assert f"<td>{reason}</td>" in html  # dimension d has one indicator: no Cronbach's alpha
        assert not re.search(r"<td>\d+[.,]00</td>\s*<td>19\.71", html)  # a rank before a code has no decimals


def test_cell_kinds():
    assert [cell(v, "id") for v in (True, np.bool_(False), None, math.nan, pd.NA, 12, np.int64(11850), 84.4, "19.71.01.1008")] \
        == ["ya", "tidak", "–", "–", "–", "12", "11.850", "84,40", "19.71.01.1008"]
    assert [cell(v, "en") for v in (True, False, 11850, 84.4, 0.0333)] == ["yes", "no", "11,850", "84.40", "0.03"]
    assert cell(0.5625, "id", None) == "0,5625" and cell(2.0, "id", 0) == "2"
    assert column_decimals([1.0, 2.0, math.nan]) == 0 and column_decimals([1.0, 2.5]) == 2
    assert rows([[1.0, 0.5], [2.0, math.nan]], "id") == [["1", "0,50"], ["2", "–"]]
