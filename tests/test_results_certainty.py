"""Issue 12 item 6: class probabilities under the count rule model the counts and the thresholds.

Hand values: with Jeffreys' prior the posterior predictive of a Poisson count x is
λ ~ Gamma(x + ½, 1), X ~ Poisson(λ), so P(X = 0) = E[e^{−λ}] = (1 + 1)^{−(x + ½)}:
x = 1 → 2^{−1.5} = 0.35355, x = 0 → 2^{−0.5} = 0.70711."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from index_fixtures import make_config
from petarawan.uncertainty.presence import modelled, presence_classes

DIMS = [{"code": "A", "label_id": "A"}]
INDS = [
    {"code": "kasus", "label_id": "Kasus", "dimension": "A", "count": True, "bnn": "main", "present_at": 1},
    {"code": "miskin", "label_id": "Miskin", "dimension": "A", "bnn": "main", "present_at": 10},
]
RULE = {"method": "count_rule", "count_rule": [{"class": "Waspada", "main": 2}, {"class": "Siaga", "main": 1}]}


def _cfg(**unc):
    return make_config(INDS, DIMS, classification=RULE, uncertainty={"runs": 10, **unc})


def test_poisson_counts_give_the_posterior_predictive_probability_of_presence():
    cfg = _cfg(count_uncertainty="poisson")
    data = pd.DataFrame({"kasus": [1.0, 0.0, np.nan], "miskin": [0.0, 0.0, 0.0]}, index=list("abc"))
    R = 40_000
    cls = presence_classes(data, cfg, R, np.random.default_rng(7))
    siaga = (cls == 2).mean(axis=1)
    assert siaga[0] == pytest.approx(1 - 2 ** -1.5, abs=0.01)   # x = 1 present unless the draw is 0
    assert siaga[1] == pytest.approx(1 - 2 ** -0.5, abs=0.01)   # x = 0 can still be a 1 in a comparable year
    assert (cls[2] == 3).all()                                  # a missing count stays not present: Aman


def test_threshold_uncertainty_moves_a_value_at_its_threshold_half_the_time():
    cfg = _cfg(threshold_uncertainty=0.2)
    data = pd.DataFrame({"kasus": [1.0, 1.0, 0.0], "miskin": [10.0, 13.0, 7.0]}, index=list("abc"))
    cls = presence_classes(data, cfg, 40_000, np.random.default_rng(3))
    waspada = (cls == 1).mean(axis=1)
    # miskin = 10 at present_at 10 × U(0.8, 1.2): present when the factor ≤ 1 → 1/2; the count
    # kasus = 1 keeps its whole threshold 1 (no Poisson draw here): always present
    assert waspada[0] == pytest.approx(0.5, abs=0.01) and set(np.unique(cls[0])) == {1, 2}
    assert waspada[1] == 1.0                                    # 13 ≥ 12 always
    assert (cls[2] == 3).all()                                  # 7 < 8 never present, kasus 0: Aman


def test_nothing_switched_on_is_not_modelled_and_bands_never_are():
    assert not modelled(_cfg())
    assert modelled(_cfg(count_uncertainty="poisson")) and modelled(_cfg(threshold_uncertainty=0.1))
    bands = make_config(INDS, DIMS, uncertainty={"runs": 10, "count_uncertainty": "poisson"})
    assert not modelled(bands)


def test_the_stage_draws_counts_and_the_report_says_what_is_and_is_not_modelled(study, tmp_path):
    from petarawan import run

    cfg = (study / "petarawan.toml").read_text().replace('name = "Uji"', 'name = "Uji"\nlang = "en"')
    cfg += ('\n[classification]\nmethod = "count_rule"\ncount_rule = [{ class = "Siaga", main = 1 }]\n'
            '\n[uncertainty]\nruns = 400\nweights = 0.0\nsobol = false\ncount_uncertainty = "poisson"\n')
    (study / "petarawan.toml").write_text(cfg)
    res = run(study, tmp_path / "o")
    st = res.stages["uncertainty"]
    s = st.summary
    # x1 (count, main, present at ≥ 5) = 0, 5, 10, 20: Bravo's 5 is near its threshold, Delta's 20 is not
    assert 0.3 < s.at["19.71.01.1002", "p_siaga"] < 0.8
    assert s.at["19.71.01.1004", "p_siaga"] > 0.99 and s.at["19.71.01.1001", "p_aman"] > 0.99
    assert st.manifest["presence_uncertainty"]["count_uncertainty"] == "poisson"
    html = " ".join((tmp_path / "o" / "report.html").read_text(encoding="utf-8").split())
    assert "The class probabilities here model: uncertainty in the counts" in html
    assert "Not modelled: errors in values that are not counts" in html
