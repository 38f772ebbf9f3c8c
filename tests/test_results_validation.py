"""Issue 12 items 1–2: validation explains itself, and warns of classes the framework cannot give.

A study made with ``init`` with a third of each dimension's indicators filled reaches a first map
by editing the values and one setting (``[data] empty_columns = "leave_out"``)."""

from __future__ import annotations

import csv
import json
import tomllib

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from petarawan.cli import app
from petarawan.errors import ConfigError, InputError
from petarawan.index.composite import build_index
from petarawan.index.stage import unreachable_classes
from petarawan.registry import parse_config
from petarawan.template import FRAMEWORK, render_config
from studyfix import boundary_geojson

runner = CliRunner()

# a third of each dimension of the template (6 of 17): pasokan 2 of 6, permintaan 1 of 3, kerentanan 3 of 8
THIRD = ["kasus_narkoba", "bandar", "pengguna", "tempat_hiburan", "kemiskinan", "pengangguran"]


def invoke(*args):
    res = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in res.output
    return res


def _init_third(tmp_path):
    areas = tmp_path / "kel.geojson"
    areas.write_text(json.dumps(boundary_geojson()), encoding="utf-8")
    d = tmp_path / "studi"
    assert invoke("init", d, "--areas", areas).exit_code == 0
    rows = list(csv.reader((d / "indikator.csv").open(encoding="utf-8")))
    head = rows[0]
    for k, r in enumerate(rows[1:]):
        r[head.index("penduduk")] = str(1000 * (k + 1))
        for j, c in enumerate(THIRD):
            r[head.index(c)] = str((k * 3 + j) % 7)
    with (d / "indikator.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return d


def test_template_shows_the_settings_that_decide_who_is_scored():
    text = render_config(name="x", areas_file="a.geojson", data_file="d.csv")
    assert "min_availability = 0.5" in text and 'empty_columns = "error"' in text and 'imputation = "none"' in text
    assert text.count("enabled = true") == len(FRAMEWORK)
    cfg = parse_config(tomllib.loads(text), "t.toml")
    assert cfg.index.min_availability == 0.5 and cfg.data.empty_columns == "error"


def test_enabled_false_switches_an_indicator_off_without_deleting_its_block():
    text = render_config(name="x", areas_file="a.geojson", data_file="d.csv")
    data = tomllib.loads(text)
    for ind in data["indicators"]:
        if ind["code"] in ("produksi", "kurir"):
            ind["enabled"] = False
    cfg = parse_config(data, "t.toml")
    codes = [i.code for i in cfg.indicators]
    assert len(codes) == len(FRAMEWORK) - 2 and "produksi" not in codes and "kurir" not in codes
    # switching off every indicator of a dimension is an error that says why
    for ind in data["indicators"]:
        if ind["dimension"] == "permintaan":
            ind["enabled"] = False
    with pytest.raises(ConfigError, match="permintaan.*enabled = false"):
        parse_config(data, "t.toml")


def test_empty_template_columns_name_both_ways_out_then_one_setting_reaches_a_map(tmp_path):
    d = _init_third(tmp_path)
    res = invoke("validate", d, "--lang", "en")
    assert res.exit_code == 1
    assert "11 error(s)" in res.output  # one per empty indicator, not twice (indicator + column)
    assert "indicator 'produksi' (Drug production activity) holds no value in any row (4 empty rows)" in res.output
    assert 'enabled = false in its [[indicators]] block code = "produksi"' in res.output
    assert '[data] empty_columns = "leave_out"' in res.output
    # the one setting
    toml = (d / "petarawan.toml").read_text(encoding="utf-8")
    (d / "petarawan.toml").write_text(toml.replace('empty_columns = "error"', 'empty_columns = "leave_out"'),
                                      encoding="utf-8")
    res = invoke("validate", d, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "11 indicators without a value in any row are left out of this run" in res.output
    assert "4 areas, 6 indicators, 4 areas can be scored" in " ".join(res.output.split())
    # 3 main (kasus_narkoba, bandar, pengguna) and 2 supporting (tempat_hiburan, kemiskinan) are left:
    # the template's Bahaya rule (5 main + 4 supporting) can never be met
    flat = " ".join(res.output.split())
    assert ("class Bahaya can never be reached: its count rule needs ≥ 5 main and ≥ 4 supporting indicators, but "
            "this study has only 3 main and 2 supporting indicators") in flat
    assert "class Waspada can never be reached" not in flat  # 3 main + 1 supporting is reachable
    out = tmp_path / "hasil"
    res = invoke("run", d, "--out", out)
    assert res.exit_code == 0, res.output
    assert (out / "map.png").is_file()
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [i["code"] for i in run["config"]["indicators"]] == THIRD[:2] + [THIRD[2]] + [
        c for c in ("tempat_hiburan", "kemiskinan", "pengangguran")]


def test_a_whole_dimension_without_data_is_named(tmp_path):
    d = _init_third(tmp_path)
    rows = list(csv.reader((d / "indikator.csv").open(encoding="utf-8")))
    j = rows[0].index("pengguna")
    for r in rows[1:]:
        r[j] = ""
    with (d / "indikator.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    toml = (d / "petarawan.toml").read_text(encoding="utf-8")
    (d / "petarawan.toml").write_text(toml.replace('empty_columns = "error"', 'empty_columns = "leave_out"'),
                                      encoding="utf-8")
    res = invoke("validate", d, "--lang", "en")
    assert res.exit_code == 1
    assert "dimension 'permintaan' has no indicator with data" in " ".join(res.output.split())


def _cfg(extra: str = "", rules: str | None = None, method: str = "count_rule", ind: str | None = None):
    text = f"""
[study]
name = "u"
[areas]
file = "a.geojson"
[data]
file = "d.csv"
[classification]
method = "{method}"
{rules if rules is not None else 'count_rule = [{ class = "Bahaya", main = 5, supporting = 4 }, '
 '{ class = "Waspada", main = 3, supporting = 1 }, { class = "Siaga", main = 1, supporting = 0 }]'}
{extra}
[[dimensions]]
code = "s"
label_id = "S"
{ind if ind is not None else '''
[[indicators]]
code = "a"
label_id = "A"
dimension = "s"
bnn = "main"
present_at = 1
[[indicators]]
code = "b"
label_id = "B"
dimension = "s"
bnn = "main"
present_at = 1
[[indicators]]
code = "c"
label_id = "C"
dimension = "s"
bnn = "supporting"
present_at = 1
'''}"""
    return parse_config(tomllib.loads(text), "t.toml")


def _unreachable(cfg):
    return [(f.code, f.text("en")) for f in unreachable_classes(cfg)]


def test_two_main_indicators_make_bahaya_and_waspada_unreachable():
    got = _unreachable(_cfg())
    assert got == [
        ("class_unreachable", "class Bahaya can never be reached: its count rule needs ≥ 5 main and ≥ 4 supporting "
                              "indicators, but this study has only 2 main and 1 supporting indicators"),
        ("class_unreachable", "class Waspada can never be reached: its count rule needs ≥ 3 main and ≥ 1 supporting "
                              "indicators, but this study has only 2 main and 1 supporting indicators"),
    ]


def test_a_rule_covered_by_an_earlier_one_a_missing_rule_and_a_rule_needing_nothing():
    rules = 'count_rule = [{ class = "Bahaya", main = 1, supporting = 0 }, { class = "Siaga", main = 2, supporting = 1 }]'
    got = [m for _, m in _unreachable(_cfg(rules=rules))]
    assert got == ["class Siaga can never be reached: every area meeting its rule already meets the Bahaya rule "
                   "(≥ 1 main, ≥ 0 supporting), which is tried first",
                   "class Waspada can never be reached: classification.count_rule has no rule for it"]
    rules = ('count_rule = [{ class = "Bahaya", main = 2, supporting = 1 }, { class = "Waspada", main = 1, supporting = 0 }, '
             '{ class = "Siaga", main = 0, supporting = 0 }]')
    got = [m for _, m in _unreachable(_cfg(rules=rules))]
    assert got == ["class Aman can never be reached: a count rule needs 0 main and 0 supporting indicators, so every "
                   "area meets it"]


def test_bands_above_the_score_range_are_unreachable():
    cfg = _cfg(method="bands", rules="bands = { Bahaya = 12.0, Waspada = 8.0, Siaga = 0.0 }",
               extra="[index]\nrange = [0.0, 10.0]")
    assert [m for _, m in _unreachable(cfg)] == [
        "class Bahaya can never be reached: its lower bound 12 is above the highest possible score (10, index.range)",
        "class Aman can never be reached: the Siaga bound 0 is not above the lowest possible score (0, index.range)"]
    assert _unreachable(_cfg(method="bands", rules="")) == []  # 75/50/25 on 0–100


def test_no_area_scored_names_min_availability_and_a_value_that_admits_the_best_area():
    ind = "\n".join(f'[[indicators]]\ncode = "x{k}"\nlabel_id = "X{k}"\ndimension = "s"\n' for k in range(5))
    cfg = _cfg(method="quantiles", rules="", ind=ind)
    # 5 indicators; areas have 1 or 2 values: 20 % and 40 % < 50 % (the default)
    data = pd.DataFrame({"x0": [1.0, 2, 3, 4], "x1": [np.nan, 1, np.nan, 2], "x2": np.nan, "x3": np.nan, "x4": np.nan},
                        index=["p", "q", "r", "s"])
    with pytest.raises(InputError) as err:
        build_index(data, cfg)
    (f,) = err.value.findings
    assert (f.code, f.column) == ("no_area_scored", "index.min_availability")
    assert f.text("en") == ("no area can be scored: 4 of 4 areas have data for less than 50% of the indicators "
                            "(index.min_availability = 0.5); the best-covered area has data for 40% (2 of 5 "
                            "indicators). The per-area 'partial data' warnings above list what is missing")
    assert "min_availability = 0.40" in f.expectation("en")
    assert "index.min_availability = 0.5" in f.text("id") and "40%" in f.text("id")


def test_validate_shows_the_partial_data_warnings_that_explain_the_error(tmp_path):
    d = _init_third(tmp_path)
    rows = list(csv.reader((d / "indikator.csv").open(encoding="utf-8")))
    head = rows[0]
    # every other column gets one value in one area: no column is empty, every area stays under 50 %
    for k, c in enumerate(c for c in head[3:] if c not in THIRD):
        rows[1 + k % 4][head.index(c)] = "1"
    with (d / "indikator.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    toml = (d / "petarawan.toml").read_text(encoding="utf-8")  # 9 of 17 = 53 %: below 0.6
    (d / "petarawan.toml").write_text(toml.replace("min_availability = 0.5", "min_availability = 0.6"), encoding="utf-8")
    res = invoke("validate", d, "--lang", "en")
    assert res.exit_code == 1
    flat = " ".join(res.output.split())
    assert "Alfa (19.71.01.1001): data for only 9 of 17 indicators" in flat
    assert flat.index("data for only") < flat.index("no area can be scored")
    assert "(index.min_availability = 0.6); the best-covered area has data for 53% (9 of 17 indicators)" in flat
    assert "min_availability = 0.52" in flat
