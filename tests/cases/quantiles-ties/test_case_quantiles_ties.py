"""Case quantiles-ties (../shared/cases/quantiles-ties): 8 of 12 areas score 0.

Right (README): equal scores always share a class; the tied lowest scores are Aman and the top
quarter Bahaya; when quartile breaks coincide — or there are fewer distinct scores than classes —
a warning says so, and the lowest (or a uniform) score is never above Aman.

Scores by hand (min–max 0–100, arithmetic means, two dimensions of weight ½):
  areas 1001–1008: every indicator 0 → score 0
  kasus 1..4 → 25, 50, 75, 100; bandar 2..5 → 40, 60, 80, 100 → pasokan 32.5, 55, 77.5, 100
  miskin 80..110 → 72.73, 81.82, 90.91, 100 (= kerentanan)
  → 1009: 52.61, 1010: 68.41, 1011: 84.20, 1012: 100
Quartiles of the 12 scores (linear interpolation): q25 = q50 = 0 (coincide), q75 = 52.61 +
0.25·(68.41 − 52.61) = 56.56.  Class = number of breaks the score exceeds (right-closed, as
mapclassify): 0 → none → Aman; 52.61 → q25, q50 → Waspada; 68.41, 84.20, 100 → all three →
Bahaya; Siaga is empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from petarawan import analyse, load_study
from petarawan.classify import classes_from_score, quantile_levels

HERE = Path(__file__).parent
ZEROS = [f"19.71.01.{1000 + i}" for i in range(1, 9)]


def _run(tmp_path: Path, table: str = "ind.csv", method: str = "quantiles"):
    study = tmp_path / "study"
    shutil.copytree(HERE, study, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if table != "ind.csv":
        shutil.copy(HERE / table, study / "ind.csv")
    toml = (study / "petarawan.toml").read_text(encoding="utf-8")
    (study / "petarawan.toml").write_text(toml.replace('method = "quantiles"', f'method = "{method}"'), encoding="utf-8")
    return analyse(load_study(study), post=False)


def _classes(res) -> pd.Series:
    return res.result["class"].astype(object)


def test_tied_zeros_are_aman_and_the_top_quarter_bahaya(tmp_path):
    res = _run(tmp_path)
    s = res.result["score"]
    assert s[ZEROS].tolist() == [0.0] * 8
    assert s[["19.71.01.1009", "19.71.01.1010", "19.71.01.1011", "19.71.01.1012"]].tolist() == pytest.approx(
        [(32.5 + 800 / 11) / 2, (55 + 900 / 11) / 2, (77.5 + 1000 / 11) / 2, 100])
    cls = _classes(res)
    assert cls[ZEROS].tolist() == ["Aman"] * 8
    assert cls["19.71.01.1009"] == "Waspada"
    assert cls[["19.71.01.1010", "19.71.01.1011", "19.71.01.1012"]].tolist() == ["Bahaya"] * 3
    warn = [f for f in res.findings if f.code == "class_breaks_tied"]
    assert len(warn) == 1 and "Siaga" in warn[0].text("en") and "coincide" in warn[0].text("en")


@pytest.mark.parametrize("method", ["quantiles", "jenks"])
def test_eleven_zeros_and_one_area(tmp_path, method):
    # variant ind_11zeros.csv: 11 areas score 0, one scores 100 → 11 Aman, 1 Bahaya, with a warning
    res = _run(tmp_path, "ind_11zeros.csv", method)
    cls = _classes(res)
    assert cls["19.71.01.1012"] == "Bahaya"
    assert (cls.drop("19.71.01.1012") == "Aman").all()
    assert any(f.code == "class_breaks_tied" for f in res.findings)


# -- the neighbouring inputs, on the classification itself -------------------------------------

def _names(codes):
    return [("Bahaya", "Waspada", "Siaga", "Aman")[c] if c >= 0 else None for c in codes]


@pytest.mark.parametrize("method", ["quantiles", "jenks"])
def test_all_scores_equal_are_aman(method):
    codes, notes = classes_from_score(np.full(9, 42.0), method)
    assert _names(codes) == ["Aman"] * 9
    assert notes["distinct"] == 1 and notes["empty"] == ["Bahaya", "Waspada", "Siaga"]


def test_two_distinct_scores():
    s = np.array([0.0] * 6 + [10.0] * 6)
    # quartiles 0, 5, 10: 0 exceeds none → Aman; 10 exceeds 0 and 5, not 10 → Waspada
    assert _names(classes_from_score(s, "quantiles")[0]) == ["Aman"] * 6 + ["Waspada"] * 6
    # Fisher–Jenks: two natural groups, the lowest Aman and the highest Bahaya
    assert _names(classes_from_score(s, "jenks")[0]) == ["Aman"] * 6 + ["Bahaya"] * 6
    # three distinct: lowest Aman, the others Waspada and Bahaya; Siaga empty
    codes, notes = classes_from_score(np.array([0.0] * 5 + [3.0] * 4 + [7.0] * 3), "jenks")
    assert _names(codes) == ["Aman"] * 5 + ["Waspada"] * 4 + ["Bahaya"] * 3 and notes["empty"] == ["Siaga"]


def test_ties_at_every_break_share_a_class():
    # 1, 2, 2, 3, 3, 4, 4, 5: quartiles at positions 1.75, 3.5, 5.25 → 2, 3, 4 — each a tied value
    s = np.array([1.0, 2, 2, 3, 3, 4, 4, 5])
    level, notes = quantile_levels(s)
    assert level.tolist() == [0, 0, 0, 1, 1, 2, 2, 3]
    assert notes["empty"] == [] and not notes["breaks_coincide"]
    # the same scores in another order, computed along another floating-point path, same classes
    noisy = np.array([4.0, 3, 5, 2, 1, 3, 2, 4]) + np.array([0, 0, 0, 0, 0, 1e-12, 0, -1e-12])
    assert _names(classes_from_score(noisy, "quantiles")[0]) == ["Waspada", "Siaga", "Bahaya", "Aman", "Aman", "Siaga",
                                                                 "Aman", "Waspada"]


@pytest.mark.parametrize("method", ["quantiles", "jenks"])
def test_nan_scores_get_no_class_and_are_left_out(method):
    s = np.array([np.nan, 1, 2, 3, 4, 5, 6, 7, 8, np.nan])
    codes, _ = classes_from_score(s, method)
    assert codes[0] == -1 and codes[-1] == -1
    assert (codes[1:-1] == classes_from_score(s[1:-1], method)[0]).all()
    # the Monte Carlo classifies each run (column) the same way
    both = classes_from_score(np.column_stack([s, s[::-1]]), method)[0]
    assert (both[:, 0] == codes).all() and (both[:, 1] == codes[::-1]).all()
