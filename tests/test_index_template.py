"""The INFORM-style template parses and computes Risk = (HE · V · LCC)^(1/3) on 0–10."""

import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from petarawan.classify import classify
from petarawan.registry import parse_config
from petarawan.index import build_index


def test_inform_template_geometric_risk():
    text = resources.files("petarawan").joinpath("templates/inform.toml").read_text(encoding="utf-8")
    cfg = parse_config(tomllib.loads(text), "inform.toml")
    assert cfg.index.level_aggregation("index") == "geometric" and cfg.index.range == (0.0, 10.0)
    # Input values chosen so that min–max to 0–10 is read off by hand: every direction +1
    # indicator spans 0 … 10 (normalised = value), the two direction −1 indicators
    # (potensi, relawan_p4gn) span 0 … 100 and 0 … 10, so normalised = 10 − value/10 and 10 − value.
    data = pd.DataFrame({
        #               a     b     c     d
        "kasus_narkoba": [0.0, 5.0, 10.0, 4.0],
        "pengedar": [0.0, 5.0, 10.0, 6.0],
        "pengguna_rehab": [0.0, 5.0, 10.0, 5.0],   # HE = mean: a 0, b 5, c 10, d 5
        "kemiskinan": [10.0, 5.0, 0.0, 2.0],
        "pengangguran": [10.0, 5.0, 0.0, 2.0],
        "putus_sekolah": [10.0, 5.0, 0.0, 2.0],   # V: a 10, b 5, c 0, d 2
        "potensi": [50.0, 0.0, 100.0, 50.0],      # 10 − v/10: a 5, b 10, c 0, d 5
        "relawan_p4gn": [5.0, 0.0, 10.0, 1.0],   # 10 − v:    a 5, b 10, c 0, d 9  → LCC: a 5, b 10, c 0, d 7
    }, index=["a", "b", "c", "d"])
    groups = pd.Series(["k1", "k1", "k2", "k2"], index=data.index)
    res = build_index(data, cfg, groups=groups)
    HE = np.array([0.0, 5, 10, 5])
    V = np.array([10.0, 5, 0, 2])
    LCC = np.array([5.0, 10, 0, 7])
    np.testing.assert_allclose(res.dimensions[["bahaya_paparan", "kerentanan", "kapasitas_kurang"]].to_numpy(),
                               np.column_stack([HE, V, LCC]), atol=1e-12)
    # geometric mean with equal weights; a dimension score is 0, so every value is shifted by
    # c = 0.1 − 0 (1 % of the 0–10 range, docs/method_index.md §6.3) and c subtracted after:
    # a: (0.1 · 10.1 · 5.1)^(1/3) − 0.1 = 5.151^(1/3) − 0.1 = 1.6270
    # b: (5.1 · 5.1 · 10.1)^(1/3) − 0.1 = 262.701^(1/3) − 0.1 = 6.3045
    # c: (10.1 · 0.1 · 0.1)^(1/3) − 0.1 = 0.101^(1/3) − 0.1 = 0.3657
    # d: (5.1 · 2.1 · 7.1)^(1/3) − 0.1 = 76.041^(1/3) − 0.1 = 4.1366
    expected = [5.151 ** (1 / 3) - 0.1, 262.701 ** (1 / 3) - 0.1, 0.101 ** (1 / 3) - 0.1, 76.041 ** (1 / 3) - 0.1]
    assert res.score.tolist() == pytest.approx(expected, abs=1e-12)
    assert res.score.tolist() == pytest.approx([1.6270, 6.3045, 0.3657, 4.1366], abs=1e-4)
    # INFORM's thresholds 5.0 / 3.5 / 2.0: b Bahaya, d Waspada, a Aman, c Aman
    assert classify(res.score, data, cfg)["class"].tolist() == ["Aman", "Bahaya", "Aman", "Waspada"]
