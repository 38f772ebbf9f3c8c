"""Monte Carlo uncertainty and Sobol sensitivity: every base step in every run, estimators."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from index_fixtures import make_config, random_study
from petarawan.classify import classify, rank
from petarawan.config import CLASSES
from petarawan.errors import ConfigError
from petarawan.index import build_index
from petarawan.index.uncertainty import (design_from_unit, evaluate, factors, iter_runs, rank_desc_min, run_config,
                                         sample_design, sobol_indices, sobol_ranks, summarise)
from petarawan.uncertainty.stage import run_uncertainty
from petarawan.stages import StudyContext

BASE_INDEX = {"imputation": "mean", "outliers": True, "min_availability": 0.6, "aggregation": "arithmetic",
              "index_aggregation": "geometric"}


def _study(unc, index=BASE_INDEX, n=30, classification=None):
    inds, dims, data = random_study(n=n, missing=0.1, seed=3)
    data.iloc[0, :5] = np.nan  # area 00 below the availability threshold
    cfg = make_config(inds, dims, index=index, uncertainty=unc,
                      classification=classification or {"bands": {"Bahaya": 60, "Waspada": 45, "Siaga": 30}})
    return cfg, data


def _base(cfg, data):
    res = build_index(data, cfg)
    return res, rank(res.score), classify(res.score, data, cfg)["class"]


def _codes(classes):
    return np.array([CLASSES.index(c) if isinstance(c, str) else -1 for c in classes.astype(object).where(classes.notna(), None)])


def test_zero_perturbation_reproduces_base_run_exactly():
    # imputation, outlier treatment, availability threshold and a geometric index level are all
    # part of the base run: a run that perturbs nothing must give the base ranks and classes
    cfg, data = _study({"runs": 10, "weights": 0.0, "sobol": False})
    res, base_rank, base_cls = _base(cfg, data)
    assert factors(cfg) == {}
    assert np.isnan(res.score.iloc[0])  # excluded by availability
    des = sample_design(cfg, 10, np.random.default_rng(0))
    ranks, classes = evaluate(data, cfg, des, chunk=3)
    expected = base_rank.astype("float").to_numpy()
    for r in range(10):
        np.testing.assert_array_equal(ranks[:, r], expected)
        np.testing.assert_array_equal(classes[:, r], _codes(base_cls))


def test_every_run_equals_build_index_of_its_configuration():
    unc = {"runs": 12, "weights": 0.3, "normalisation": ["percentile"], "aggregation": ["geometric", "harmonic"],
           "imputation": ["median"], "outliers": True, "sobol": False}
    cfg, data = _study(unc)
    des = sample_design(cfg, 12, np.random.default_rng(5))
    assert set(des.normalisation) == {"minmax", "percentile"}
    assert set(des.outliers) == {True, False}
    ranks, classes = evaluate(data, cfg, des, chunk=5)
    for r in range(12):
        rc = run_config(cfg, des, r, data)
        res, rk, cl = _base(rc, data)
        np.testing.assert_array_equal(ranks[:, r], rk.astype("float").to_numpy(), err_msg=f"run {r}")
        np.testing.assert_array_equal(classes[:, r], _codes(cl), err_msg=f"run {r}")


# indicators x0* and x1* under sub-dimensions D0 and D1 of P; x2* under D2 (three levels)
NESTED = [{"code": "P", "label_id": "P", "weight": 2.0}, {"code": "D0", "label_id": "D0", "parent": "P", "weight": 1.0},
          {"code": "D1", "label_id": "D1", "parent": "P", "weight": 3.0}, {"code": "D2", "label_id": "D2", "weight": 1.0}]


def _fast_study(index, unc, seed=3, nested=True):
    inds, dims, data = random_study(n=30, missing=0.1, seed=seed)
    data.iloc[0, :5] = np.nan  # area 00 below the availability threshold
    data["x21"] = 5.0  # a constant indicator: left out of every run
    cfg = make_config(inds, NESTED if nested else dims, index=index, uncertainty=unc,
                      classification={"bands": {"Bahaya": 60, "Waspada": 45, "Siaga": 30}})
    return cfg, data


@pytest.mark.parametrize("workers,nested", [(1, True), (2, True), (1, False)], ids=["three-levels", "two-threads", "two-levels"])
def test_fast_path_equals_reference_run_by_run(workers, nested):
    # arithmetic at every level takes the matrix-product path for areas with every value (their
    # score is linear in their values); the others (missing values without imputation) take two
    # products per dimension in a two-level framework, the framework aggregation in deeper ones;
    # geometric runs take the framework aggregation throughout (one product per dimension).
    # Every run must equal build_index on that run's configuration: scores to 1e-12, ranks and
    # classes exactly — three and two levels, a constant indicator, an excluded area, two threads.
    index = {"imputation": "none", "outliers": True, "min_availability": 0.6, "aggregation": "arithmetic",
             "index_aggregation": "arithmetic"}
    unc = {"runs": 24, "weights": 0.3, "normalisation": ["percentile"], "aggregation": ["geometric"],
           "imputation": ["median"], "outliers": True, "sobol": False}
    cfg, data = _fast_study(index, unc, nested=nested)
    des = sample_design(cfg, 24, np.random.default_rng(11))
    assert "arithmetic|arithmetic" in set(des.aggregation) and "none" in set(des.imputation)
    scores = np.full((24, len(data)), np.nan)
    ranks = np.full((24, len(data)), np.nan, np.float32)
    classes = np.zeros((24, len(data)), np.int8)
    for runs, rk, cl, sc in iter_runs(data, cfg, des, chunk=4, workers=workers, with_scores=True):
        scores[runs], ranks[runs], classes[runs] = sc, rk, cl
    linear_rows_with_gaps = 0
    for r in range(24):
        rc = run_config(cfg, des, r, data)
        res, rk, cl = _base(rc, data)
        np.testing.assert_allclose(scores[r], res.score.to_numpy(float), rtol=0, atol=1e-12, err_msg=f"run {r}")
        np.testing.assert_array_equal(ranks[r], rk.astype("float").to_numpy(), err_msg=f"run {r}")
        np.testing.assert_array_equal(classes[r], _codes(cl), err_msg=f"run {r}")
        if des.aggregation[r] == "arithmetic|arithmetic" and des.imputation[r] == "none":
            linear_rows_with_gaps += 1
    assert linear_rows_with_gaps  # the design exercised both halves of the fast path
    assert np.isnan(scores[:, 0]).all()  # area 00 is never scored


def test_rank_rows_packed_sort_and_fallback_match_classify_rank():
    # ties at 9 decimals (75 and 74.99999999999999), NaN, negative scores; a row too wide for
    # the packed keys (|score| ~ 10¹⁴) takes the argsort path — both as classify.rank
    rows = np.array([[75.0, 74.99999999999999, np.nan, -3.5, 75.0, 0.0, 12.000000000400001, 12.0],
                     [1e14, -1e14, 3.0, np.nan, 3.0, 2.5, -1e14, 0.0]])
    out = rank_desc_min(rows.T)
    for j in range(2):
        expected = rank(pd.Series(rows[j])).astype("float").to_numpy()
        np.testing.assert_array_equal(out[:, j], expected)
    np.testing.assert_array_equal(out[:, 0], [1, 1, np.nan, 7, 1, 6, 4, 4])  # three tie first, 12.0000000004 ties 12


def test_sobol_ranks_streamed_equals_whole_matrix_estimators():
    from SALib.sample import sobol as ss

    unc = {"runs": 10, "weights": 0.3, "normalisation": ["percentile"], "aggregation": ["geometric"],
           "imputation": ["median"], "sobol": False}
    cfg, data = _study(unc)
    names = list(factors(cfg))
    X = ss.sample({"num_vars": len(names), "names": names, "bounds": [[0, 1]] * len(names)}, 16,
                  calc_second_order=False, seed=1)
    des = design_from_unit(cfg, X, names, np.random.default_rng(2))
    ranks, _ = evaluate(data, cfg, des)
    base = rank_desc_min(build_index(data, cfg).score.to_numpy(float))
    sob = sobol_ranks(data, cfg, des, len(names), base)
    full = ~np.isnan(ranks).any(axis=1)
    np.testing.assert_array_equal(sob.full, full)
    assert not full[0]  # area 00 is never scored
    s1, st = sobol_indices(ranks[full], len(names))
    np.testing.assert_allclose(sob.s1, s1, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sob.st, st, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(sob.moving, ranks[full].std(axis=1) > 0)
    np.testing.assert_allclose(sob.shift, np.nanmean(np.abs(ranks.astype(float) - base[:, None]), axis=0), rtol=1e-12)
    with pytest.raises(ValueError, match="N·"):
        sobol_ranks(data, cfg, des.take(np.arange(len(des) - 1)), len(names), base)


def test_rank_desc_min_matches_pandas_min_rank():
    s = np.array([[50.0, 1.0], [25.0, 1.0], [75.0, np.nan], [75.0, 3.0]])
    r = rank_desc_min(s)
    # column 0: 75, 75 share rank 1; 50 → 3; 25 → 4.  column 1: 3 → 1; 1, 1 → 2; NaN stays
    np.testing.assert_array_equal(r[:, 0], [3, 4, 1, 1])
    np.testing.assert_array_equal(r[:, 1], [2, 2, np.nan, 1])


def test_summarise_by_hand():
    ranks = np.array([[1, 2, 3, 4, 5], [5, 5, 5, 5, 5]], np.float32)
    classes = np.array([[0, 0, 1, 1, 1], [3, 3, 3, 3, -1]], np.int8)
    out = summarise(ranks, classes, pd.Index(["a", "b"]))
    # ranks 1..5: median 3; p05 = 1 + 0.05·4 = 1.2; p95 = 1 + 0.95·4 = 4.8 (linear interpolation)
    assert out.loc["a", ["rank_median", "rank_p05", "rank_p95"]].tolist() == pytest.approx([3, 1.2, 4.8])
    assert out.loc["a", ["p_bahaya", "p_waspada", "p_siaga", "p_aman"]].tolist() == pytest.approx([0.4, 0.6, 0, 0])
    # b: Aman in 4 of 5 runs, no score in one
    assert out.loc["b", "p_aman"] == pytest.approx(0.8)


def test_sobol_estimator_matches_salib_and_ishigami():
    from SALib.analyze import sobol as sa
    from SALib.sample import sobol as ss
    from SALib.test_functions import Ishigami

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = ss.sample(problem, 1024, calc_second_order=False, seed=1)
    y = Ishigami.evaluate(X)
    s1, st = sobol_indices(np.vstack([y, 2 * y + 7]), 3)
    ref = sa.analyze(problem, y, calc_second_order=False, seed=1)
    np.testing.assert_allclose(s1[0], ref["S1"], rtol=1e-10)
    np.testing.assert_allclose(st[0], ref["ST"], rtol=1e-10)
    np.testing.assert_allclose(s1[1], s1[0], rtol=1e-10)  # invariant to affine change of the output
    # analytic Ishigami (a = 7, b = 0.1; Saltelli et al. 2008, Global Sensitivity Analysis, §4.3):
    # S1 = 0.3139, 0.4424, 0;  ST = 0.5576, 0.4424, 0.2437
    np.testing.assert_allclose(s1[0], [0.3139, 0.4424, 0.0], atol=0.05)
    np.testing.assert_allclose(st[0], [0.5576, 0.4424, 0.2437], atol=0.05)


def _ctx(cfg, data, lang="id"):
    res = build_index(data, cfg)
    areas = gpd.GeoDataFrame({"name": [f"Kel {c}" for c in data.index]},
                             geometry=[Point(i, 0) for i in range(len(data))], index=data.index, crs="EPSG:4326")
    result = pd.DataFrame({"score": res.score, "rank": rank(res.score)})
    result["class"] = classify(res.score, data, cfg)["class"]
    return StudyContext(cfg, Path("."), lang, areas, data, index=res, result=result)


def test_stage_outputs_and_seeded_reproducibility():
    unc = {"runs": 40, "weights": 0.3, "normalisation": ["percentile"], "aggregation": ["geometric"],
           "sobol": True, "sobol_samples": 16}
    cfg, data = _study(unc)
    out = run_uncertainty(_ctx(cfg, data))
    ac = out.area_columns
    assert list(ac.columns) == ["rank_median", "rank_p05", "rank_p95", "p_bahaya", "p_waspada", "p_siaga", "p_aman"]
    scored = ac["rank_median"].notna()
    assert not scored.iloc[0]  # area 00 never scored (availability)
    np.testing.assert_allclose(ac.loc[scored, ["p_bahaya", "p_waspada", "p_siaga", "p_aman"]].sum(axis=1), 1.0)
    assert (ac.loc[scored, "rank_p05"] <= ac.loc[scored, "rank_median"]).all()
    assert (ac.loc[scored, "rank_median"] <= ac.loc[scored, "rank_p95"]).all()
    assert out.figures["sensitivity.png"][:4] == b"\x89PNG"
    sens = out.sheets["Sensitivitas"]
    assert set(sens["Faktor (kode)"]) == {"weights", "normalisation", "aggregation"}
    assert ((sens["ST (indeks total)"] >= -0.1) & (sens["ST (indeks total)"] <= 1.5)).all()
    assert "Ketidakpastian" in out.sections[0].title
    assert "dihitung ulang 40 kali" in out.sections[0].html
    again = run_uncertainty(_ctx(cfg, data))
    pd.testing.assert_frame_equal(ac, again.area_columns)


def test_bands_with_zscore_alternative_is_config_error():
    cfg, data = _study({"runs": 10, "normalisation": ["zscore"], "sobol": False})
    with pytest.raises(ConfigError, match="zscore"):
        run_uncertainty(_ctx(cfg, data))


def test_sobol_samples_power_of_two():
    from petarawan.errors import ConfigError as CE
    with pytest.raises(CE, match="power of 2"):
        _study({"runs": 10, "sobol_samples": 100})


UNC_HEADINGS = {  # column → (Bahasa Indonesia, English), as the report and dashboard publish them
    "rank_median": ("Peringkat median", "Median rank"),
    "rank_p05": ("Peringkat persentil 5%", "Rank, 5th percentile"),
    "rank_p95": ("Peringkat persentil 95%", "Rank, 95th percentile"),
    "p_bahaya": ("Peluang Bahaya", "Probability of Bahaya"),
    "p_waspada": ("Peluang Waspada", "Probability of Waspada"),
    "p_siaga": ("Peluang Siaga", "Probability of Siaga"),
    "p_aman": ("Peluang Aman", "Probability of Aman"),
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_public_columns_and_readable_sheets(lang):
    cfg, data = _study({"runs": 10, "weights": 0.2, "sobol": True, "sobol_samples": 8})
    out = run_uncertainty(_ctx(cfg, data, lang))
    # every area column is publishable (ranks and shares of runs, no counts), with both headings
    assert out.public_columns == UNC_HEADINGS
    assert set(out.public_columns) == set(out.area_columns.columns)
    k = 0 if lang == "id" else 1
    areas_sheet = out.sheets[("Ketidakpastian", "Uncertainty")[k]]
    assert list(areas_sheet.columns) == [("Kode wilayah", "Area code")[k], ("Nama wilayah", "Area name")[k]] + \
        [h[k] for h in UNC_HEADINGS.values()]
    # the sheet holds the area columns unchanged: row of area 05 = its rank band and probabilities
    row = areas_sheet.set_index(areas_sheet.columns[0]).loc["05"]
    assert row[UNC_HEADINGS["rank_median"][k]] == out.area_columns.at["05", "rank_median"]
    sens = out.sheets[("Sensitivitas", "Sensitivity")[k]]
    assert list(sens.columns) == [
        ("Faktor (kode)", "Factor (code)")[k], ("Pilihan metode", "Method choice")[k],
        ("S1 (indeks orde pertama)", "S1 (first-order index)")[k], ("S1: ± selang kepercayaan 95%", "S1: ± 95% confidence interval")[k],
        ("ST (indeks total)", "ST (total index)")[k], ("ST: ± selang kepercayaan 95%", "ST: ± 95% confidence interval")[k],
        ("S1 per wilayah, rata-rata", "S1 per area, mean")[k], ("ST per wilayah, rata-rata", "ST per area, mean")[k]]
    assert all("_" not in str(c) for df in out.sheets.values() for c in df.columns)  # no snake_case heading
    assert "p_bahaya" not in out.sections[0].html
