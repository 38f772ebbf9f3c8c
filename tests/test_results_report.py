"""Issue 12 items 4, 5 and 9 in the report: what orders each list, why each area has its class
(presence against thresholds, contributions in score points), and a report that prints on A4.

Hand values: the 4-area study of ``studyfix`` (see test_pipeline.py): area 2 has x1 = 5, x2 = 2,
x3 = 3 → normalised 25, 50 (direction −1: (4 − 2)/4), 50; dimension s = (1·25 + 3·50)/4 = 43.75,
d = 50; score = (3·43.75 + 1·50)/4 = 45.3125."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from petarawan import run
from petarawan.index.explain import contributions, presence, rule_met
from petarawan.pipeline import analyse
from petarawan.registry import load_config
from petarawan.validate import load_study
from studyfix import CODES


@pytest.fixture
def result(study):
    return analyse(load_study(study), lang="en", post=False)


def test_contributions_are_score_points_that_add_up_to_the_score(result):
    c = contributions(result.index, result.study.config)
    row = c.loc[CODES[1]]
    # x1: 25 · (1/4 within s) · (3/4 of the index); x2: 50 · 3/4 · 3/4; x3: 50 · 1 · 1/4
    assert row.to_dict() == pytest.approx({"x1": 4.6875, "x2": 28.125, "x3": 12.5})
    assert c.sum(axis=1).to_numpy() == pytest.approx(result.index.score.to_numpy())


def test_a_missing_value_renormalises_the_weights_of_the_others(study):
    text = (study / "data.csv").read_text().replace("19.71.01.1002,5,2,3", "19.71.01.1002,,2,3")
    (study / "data.csv").write_text(text)
    (study / "petarawan.toml").write_text((study / "petarawan.toml").read_text().replace(
        "[study]", "[index]\nmin_availability = 0\n\n[study]"))
    res = analyse(load_study(study), post=False)
    row = contributions(res.index, res.study.config).loc[CODES[1]]
    # x1 missing: s = x2 alone = 50 → x2 contributes 50 · 1 · 3/4, x3 50 · 1/4
    assert np.isnan(row["x1"]) and row["x2"] == pytest.approx(37.5) and row["x3"] == pytest.approx(12.5)
    assert row.sum() == pytest.approx(res.index.score[CODES[1]])


def test_no_additive_contributions_under_a_geometric_mean(study):
    (study / "petarawan.toml").write_text((study / "petarawan.toml").read_text().replace(
        "[study]", '[index]\nindex_aggregation = "geometric"\n\n[study]'))
    res = analyse(load_study(study), post=False)
    assert contributions(res.index, res.study.config) is None


def test_presence_against_the_threshold_and_the_rule_met(study):
    cfg = load_config(study)
    data = pd.DataFrame({"x1": [4.0, 5.0, np.nan], "x2": [1.0, 2.0, 0.0], "x3": [9.0, 9.0, 9.0]}, index=list("abc"))
    p = presence(data, cfg)
    # x1 main, present at ≥ 5; x2 supporting, direction −1: present at ≤ 1; x3 not a BNN indicator
    assert list(p.columns) == ["x1", "x2"]
    assert p["x1"].tolist() == [False, True, pd.NA] and p["x2"].tolist() == [True, False, True]
    rules = cfg.model_copy(update={"classification": cfg.classification.model_copy(update={
        "method": "count_rule", "count_rule": [type(cfg.classification).model_fields["count_rule"].annotation.__args__[0](
            **{"class": "Waspada", "main": 1, "supporting": 1})]})})
    assert rule_met(1, 1, rules).cls == "Waspada" and rule_met(1, 0, rules) is None


def test_report_says_why_each_area_has_its_class_and_what_orders_each_list(study, tmp_path):
    (study / "petarawan.toml").write_text((study / "petarawan.toml").read_text().replace(
        'name = "Uji"', 'name = "Uji"\nlang = "en"'))
    run(study, tmp_path / "o")
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "<h2>Why this class</h2>" in html
    # Charlie (area 3, score 90.625 ≥ 75) is Bahaya by the bands; Bravo 45.3 ≥ 25 → Siaga
    assert "Bahaya (danger): score ≥ 75" in html and "Siaga (standby): score ≥ 25" in html
    # x1 is a count: never itemised in the published report, only together with the other counts
    why = html[html.index("<h2>Why this class</h2>"):]
    why = why[:why.index("</section>")]
    assert "Kasus +" not in why and "count indicators (together) +" in why
    assert "Fasilitas +28.1" in why  # Bravo's x2 (label "Fasilitas"): 28.125 points
    assert "Order: by class (Bahaya first), then by the highest score" in html
    assert "Numbers on the map = rank by score" in html
    assert html.count("Order: rank by proneness score") == 2  # the ranking and the why table


def test_report_prints_on_a4_with_the_whole_ranking(study, tmp_path):
    run(study, tmp_path / "o")
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "@page{size:A4" in html and "@page wide{size:A4 landscape" in html and "@media print" in html
    css = html[html.index("@media print"):html.index("</style>")]
    # paper: no scroll box, no clipped table, headings repeated, a new page per chapter
    assert ".scroll{max-height:none;overflow:visible" in css and "display:table;overflow:visible" in css
    assert "thead{display:table-header-group}" in css and "h2{break-before:page" in css
    ranking = html[html.index('<section class="wide ranking">'):]
    ranking = ranking[:ranking.index("</section>")]
    assert all(code in ranking for code in CODES)  # every area, not a cut
    assert len(re.findall(r"<th>", ranking.split("</thead>")[0])) == len(re.findall(r"<td>", ranking.split("</tr>")[1]))


def test_workbook_has_every_contribution_including_counts(study, tmp_path):
    import openpyxl

    run(study, tmp_path / "o")
    wb = openpyxl.load_workbook(tmp_path / "o" / "petarawan.xlsx", read_only=True)
    rows = list(wb["Kontribusi"].iter_rows(values_only=True))
    head = list(rows[0])
    bravo = dict(zip(head, next(r for r in rows if r[0] == CODES[1])))
    assert bravo["Kasus"] == pytest.approx(4.6875) and bravo["Fasilitas"] == pytest.approx(28.125)


def test_every_area_left_out_of_the_plan_says_why():
    from types import SimpleNamespace

    from petarawan.plan.planner import LEFT_OUT, left_out_reasons

    codes = list("abcdefgh")
    chosen = np.array([1, 0, 0, 0, 0, 0, 0, 0], bool)
    score = pd.Series([90, np.nan, 10, 50, 50, 50, 50, 40], index=codes, dtype=float)
    eligible = np.array([1, 0, 0, 1, 1, 1, 1, 1], bool)  # min_class_score = 20
    imputed = pd.Series([False, False, False, True, False, False, False, False], index=codes)
    cheapest = np.array([5, np.inf, 5, np.inf, np.inf, 2_000, 50, 60], float)
    cfg = SimpleNamespace(min_class_score=20.0, budget=1_000.0, max_areas=None)
    got = left_out_reasons(codes, chosen, score, eligible, imputed, cheapest, cfg, max_areas_reached=False, has_plan=True)
    assert list(got.index) == list("bcdefgh")  # every area not chosen, none twice
    assert got["why"].tolist() == ["no_score", "below_min_score", "few_respondents", "no_programme", "too_costly",
                                   "budget", "budget"]
    assert got.at["c", "params"] == {"min": 20.0} and got.at["f", "params"] == {"cost": 2_000.0}
    cfg = SimpleNamespace(min_class_score=20.0, budget=1_000.0, max_areas=1)
    got = left_out_reasons(codes, chosen, score, eligible, imputed, cheapest, cfg, max_areas_reached=True, has_plan=True)
    assert got.loc[["g", "h"], "why"].tolist() == ["max_areas", "max_areas"] and got.at["g", "params"] == {"k": 1}
    assert set(got["why"]) <= set(LEFT_OUT)
