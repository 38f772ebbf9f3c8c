"""Manual weights that look like percentages but do not add up are said, not rescaled silently
(tester finding 23: dimension weights 40/35/20 — a typo for 25 — gave shares 0.42/0.37/0.21 with
no word).  Shares by hand: 40/95 = 0.421, 35/95 = 0.368, 20/95 = 0.211."""

from __future__ import annotations

import tomllib

from petarawan.index.stage import rescaled_weights
from petarawan.registry import parse_config
from studyfix import CONFIG


def _cfg(text: str):
    return parse_config(tomllib.loads(text))


def _with_dimension_weights(s: float, d: float) -> str:
    text = CONFIG.replace('code = "s"\nlabel_id = "Pasokan"\nweight = 3', f'code = "s"\nlabel_id = "Pasokan"\nweight = {s}')
    return text.replace('code = "d"\nlabel_id = "Permintaan"\nweight = 1', f'code = "d"\nlabel_id = "Permintaan"\nweight = {d}')


def test_percentages_that_add_up_to_95_are_named_with_their_shares():
    found = rescaled_weights(_cfg(_with_dimension_weights(60, 35)))
    assert [f.code for f in found] == ["weights_rescaled"] and found[0].level == "info"
    assert found[0].text("en") == "the dimension weights add up to 95, not 100 or 1; used as shares: s 0.63, d 0.37"
    assert found[0].text("id") == "bobot dimensi berjumlah 95, bukan 100 atau 1; dipakai sebagai bagian: s 0,63, d 0,37"


def test_weights_adding_up_to_100_or_1_or_relative_weights_say_nothing():
    for s, d in ((60, 40), (0.75, 0.25), (3, 1), (1, 1)):
        assert rescaled_weights(_cfg(_with_dimension_weights(s, d))) == []


def test_fractions_near_one():
    found = rescaled_weights(_cfg(_with_dimension_weights(0.6, 0.35)))
    assert "add up to 0.95" in found[0].text("en") and "s 0.63, d 0.37" in found[0].text("en")
