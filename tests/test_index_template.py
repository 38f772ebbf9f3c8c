"""The INFORM-style template parses and computes Risk = (HE · V · LCC)^(1/3) on 0–10."""

import tomllib
from importlib import resources

import numpy as np
import pandas as pd

from petarawan.classify import classify
from petarawan.registry import parse_config
from petarawan.index import build_index


def test_inform_template_geometric_risk():
    text = resources.files("petarawan").joinpath("templates/inform.toml").read_text(encoding="utf-8")
    cfg = parse_config(tomllib.loads(text), "inform.toml")
    assert cfg.index.level_aggregation("index") == "geometric" and cfg.index.range == (0.0, 10.0)
    codes = [i.code for i in cfg.indicators]
    rng = np.random.default_rng(0)
    data = pd.DataFrame(rng.random((12, len(codes))) * 50, columns=codes, index=[f"a{i}" for i in range(12)])
    groups = pd.Series(["k1"] * 6 + ["k2"] * 6, index=data.index)
    res = build_index(data, cfg, groups=groups)
    d = res.dimensions.to_numpy()
    # equal dimension weights: risk = exp(⅓ Σ ln(D + c)) − c with c = 0.1 − min(D) when a
    # dimension score is 0 (c = 1 % of the 0–10 range), else c = 0
    c = 0.1 - d.min() if d.min() <= 0 else 0.0
    expected = np.exp(np.log(d + c).mean(axis=1)) - c
    np.testing.assert_allclose(res.score.to_numpy(), expected)
    # potential inverted: the area with the most community potential has the lowest sub-score
    assert res.normalised["potensi"].idxmin() == data["potensi"].idxmax()
    assert set(classify(res.score, data, cfg)["class"].dropna()) <= {"Bahaya", "Waspada", "Siaga", "Aman"}
