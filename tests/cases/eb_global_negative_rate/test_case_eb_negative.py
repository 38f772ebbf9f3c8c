"""Case eb_global_negative_rate (../shared/cases/eb_global_negative_rate/EXPECTED.txt): the moment
estimate of the between-area variance is negative (s² = −5.698786e-07); esda's untruncated
global empirical Bayes gave area A0002 (e = 7, b = 3530) the rate −95.7478 per 10,000 and the run
stopped with "Gi* needs values ≥ 0".

Right (Marshall 1991; GeoDa sets a negative σ² to 0): s² is truncated at 0, so every global EB
rate equals the overall rate m = Σe/Σb = 20.074291 per 10,000, and the run says clearly that the
analysed value is constant — nothing to map — with the cause.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from esda.smoothing import Empirical_Bayes

from petarawan import analyse, load_study
from petarawan.errors import InputError
from petarawan.spatial.rates import compute_rates

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def eb():
    e = pd.read_csv(HERE / "data.csv", dtype={"kode": str}).set_index("kode")["2021"].astype(float)
    b = pd.read_csv(HERE / "pop.csv", dtype={"kode": str}).set_index("kode")["penduduk"].reindex(e.index)
    return e, b


def test_by_hand_the_variance_is_negative_and_esda_gives_a_negative_rate(eb):
    e, b = eb
    m = e.sum() / b.sum()
    s2 = (b * (e / b - m) ** 2).sum() / b.sum() - m / b.mean()
    assert m * 10_000 == pytest.approx(20.074291, abs=1e-6)
    assert s2 == pytest.approx(-5.698786e-07, rel=1e-6)
    # esda's Empirical_Bayes keeps the negative s²: w = s²/(s² + m/b) = 474.171 for A0002, θ < 0
    raw = pd.Series(Empirical_Bayes(e.to_numpy(), b.to_numpy()).r.ravel() * 10_000, index=e.index)
    assert raw["A0002"] == pytest.approx(-95.7478, abs=1e-4)


def test_truncated_at_zero_every_rate_is_the_overall_rate(eb):
    e, b = eb
    res = compute_rates(e, b)
    assert res.truncated and res.prior_variance == pytest.approx(-5.698786e-07, rel=1e-6)
    assert res.mean == pytest.approx(20.074291, abs=1e-6)
    np.testing.assert_allclose(res.eb_global.to_numpy(), 20.074291, atol=1e-6)
    warn = [f for f in res.findings if f.code == "eb_negative_variance"]
    assert len(warn) == 1 and "20.0743 per 10,000" in warn[0].text("en") and "20,0743 per 10.000" in warn[0].text("id")


def test_the_run_says_constant_nothing_to_map_with_the_cause():
    with pytest.raises(InputError) as err:
        analyse(load_study(HERE), post=False)
    (f,) = err.value.findings
    assert f.code == "hotspot_constant" and f.value == pytest.approx(20.074291, abs=1e-6)
    en = f.text("en")
    # the variable by its label (indicator count_x, label "x"), the measure, the value, the cause
    assert en.startswith("'x' (global EB rate) is the same in every area (20.0743 per 10,000) — nothing to map")
    assert "negative between-area variance is set to 0 (Marshall 1991)" in en
    assert "Gi*" not in en and "'y'" not in en
    assert "tidak ada yang bisa dipetakan" in f.text("id")
