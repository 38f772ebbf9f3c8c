"""Statistical audit: Cronbach's alpha, PCA variance, correlation flags — values by hand."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from index_fixtures import make_config
from petarawan.index import build_index
from petarawan.audit.stage import run_audit
from petarawan.index.audit import audit_tables, cronbach_alpha, pca_variance
from petarawan.stages import StudyContext


def test_cronbach_alpha_by_hand():
    x = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 3.0, 5.0, 4.0], "c": [np.nan, 9, 9, 9]})
    # two items a, b: var(a) = 1.6667, var(b) = 1.6667 (ddof 1); total a+b = 3, 5, 8, 8 →
    # mean 6, squared deviations 9, 1, 4, 4 → var = 18/3 = 6.
    # alpha = 2/1 · (1 − 3.3333/6) = 2 · 0.44444 = 0.88889
    assert cronbach_alpha(x[["a", "b"]]) == pytest.approx(8 / 9)
    # identical items: alpha = 1; a single item: undefined
    assert cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3], "b": [1.0, 2, 3]})) == pytest.approx(1.0)
    assert np.isnan(cronbach_alpha(x[["a"]]))


def test_pca_variance_two_indicators():
    # correlation matrix [[1, r], [r, 1]] has eigenvalues 1 ± r → shares (1 + r)/2, (1 − r)/2.
    a = np.array([1.0, 2, 3, 4, 5])
    b = np.array([2.0, 1, 4, 3, 5])
    r = np.corrcoef(a, b)[0, 1]  # = 0.8
    assert r == pytest.approx(0.8)
    np.testing.assert_allclose(pca_variance(pd.DataFrame({"a": a, "b": b})), [0.9, 0.1])


IND = [
    {"code": "x1", "label_id": "x1", "dimension": "A"},
    {"code": "x2", "label_id": "x2", "dimension": "A"},
    {"code": "x3", "label_id": "x3", "dimension": "A"},
    {"code": "y1", "label_id": "y1", "dimension": "B"},
]
DIM = [{"code": "A", "label_id": "A"}, {"code": "B", "label_id": "B"}]
DATA = pd.DataFrame({
    "x1": [0.0, 1, 2, 3, 4, 5],
    "x2": [0.0, 1, 2, 3, 4, 6],      # almost x1: collinear (r ≈ 0.99)
    "x3": [5.0, 4, 3, 2, 1, 0],      # exactly opposite: negative with its own dimension
    "y1": [1.0, 3, 2, 5, 4, 6],
}, index=[f"a{i}" for i in range(6)])


def test_flags_negative_and_collinear():
    cfg = make_config(IND, DIM)
    res = build_index(DATA, cfg)
    tabs = audit_tables(res.normalised, res.dimensions, res.score, cfg, 0.9)
    fl = tabs["flags"]
    neg = fl[fl["kind"] == "negative_with_own_dimension"]
    # dimension A = mean of x1, x2, x3 normalised: x1 + x3 cancel (sum 100 for every area) so
    # A rises with x2; x3 (the mirror of x1) correlates negatively with A
    assert neg["item"].tolist() == ["x3"]
    col = fl[fl["kind"] == "collinear"].set_index(["item", "other"])["r"]
    assert ("x1", "x2") in col.index and col[("x1", "x2")] > 0.9
    assert ("x1", "x3") in col.index and col[("x1", "x3")] == pytest.approx(-1.0)
    assert tabs["pca"]["variance_share"].sum() == pytest.approx(1.0)


def test_audit_stage_sheets_and_section():
    cfg = make_config(IND, DIM)
    res = build_index(DATA, cfg)
    areas = gpd.GeoDataFrame({"name": list(DATA.index)}, geometry=[Point(i, 0) for i in range(6)], index=DATA.index, crs="EPSG:4326")
    out = run_audit(StudyContext(cfg, Path("."), "id", areas, DATA, index=res, result=pd.DataFrame({"score": res.score})))
    # By hand (min–max to 0–100): x1n = 0, 20, …, 100 and x3n = 100 − x1n, so x1n + x2n + x3n = x2n + 100.
    # var(x1n) = var(x3n) = 400 · var(0..5) = 400 · 3.5 = 1400; var(x2n) = (100/6)² · var(x2) = (10000/36)(14/3)
    # = 1296.30; Cronbach's alpha of A = 3/2 · (1 − (2800 + V)/V) = −4200/V = −3.24.  B has one indicator: none.
    dims = out.sheets["Audit dimensi"].set_index("Dimensi")
    assert dims.loc["A", "Jumlah indikator"] == 3 and dims.loc["A", "Alfa Cronbach"] == pytest.approx(-3.24)
    assert np.isnan(dims.loc["B", "Alfa Cronbach"])
    assert out.manifest["cronbach_alpha"]["A"] == pytest.approx(-3.24)
    # r(x1, x2) = cov 4 / √(3.5 · 4.6667) = 0.9897; dimension A moves with x2n, so r(x3, A) = −r(x1, x2)
    html = out.sections[0].html
    assert "x3 (r = -0,99)" in html                       # negative with its own dimension
    assert "x1–x2 (r = 0,99)" in html and "x1–x3 (r = -1,00)" in html  # nearly collinear pairs
    assert "A (-3,24)" in html                            # the low-alpha paragraph names the dimension
    assert "<td>-3,24</td>" in html and "<td>– (1 indikator)</td>" in html  # B: one indicator, no alpha
    assert sorted(f["item"] for f in out.manifest["flags"] if f["kind"] == "negative_with_own_dimension") == ["x3"]
    off = make_config(IND, DIM, audit={"enabled": False})
    disabled = run_audit(StudyContext(off, Path("."), "id", areas, DATA, index=res))
    assert disabled.sheets == {} and disabled.sections == [] and disabled.manifest == {"enabled": False}


def test_audit_reports_reference_agreement_and_outliers():
    cfg = make_config(IND, DIM, index={"outliers": True})
    data = DATA.copy()
    data["y1"] = [1.0, 1, 1, 1, 2, 100]  # one extreme value → winsorised
    res = build_index(data, cfg)
    areas = gpd.GeoDataFrame({"name": list(data.index)}, geometry=[Point(i, 0) for i in range(6)], index=data.index, crs="EPSG:4326")
    result = pd.DataFrame({"score": res.score, "class": pd.array(["Bahaya", "Waspada", "Aman", "Aman", "Siaga", None], dtype="string"),
                           "reference": [1, 0, 1, 0, 0, 1]}, index=data.index)
    out = run_audit(StudyContext(cfg, Path("."), "en", areas, data, index=res, result=result))
    ag = out.sheets["Reference agreement"].set_index("Class")
    # labelled a0, a2, a5 (3): a0 Bahaya (prone), a2 Aman, a5 no score → 1 of 3 prone;
    # unlabelled a1, a3, a4 (3): a1 Waspada, a3 Aman, a4 Siaga → 2 of 3 Siaga/Aman
    assert ag.loc["Bahaya (danger)", "Labelled prone (1)"] == 1 and ag.loc["No score", "Labelled prone (1)"] == 1
    assert ag.loc["Aman (safe)", "Labelled prone (1)"] == 1 and ag.loc["Aman (safe)", "Not labelled (0)"] == 1
    assert out.manifest["reference_agreement"]["sensitivity"] == pytest.approx(1 / 3)
    assert out.manifest["reference_agreement"]["specificity"] == pytest.approx(2 / 3)
    assert "1 (33%) are classed Bahaya or Waspada" in out.sections[0].html
    outl = out.sheets["Outliers"].set_index("Indicator")
    assert outl.loc["y1", "Areas"] == "a5" and outl.loc["y1", "Action"] == "winsorised"
    assert outl.loc["y1", "Values winsorised"] == 1


def test_audit_sheets_readable_in_both_languages():
    cfg = make_config(IND, DIM)
    res = build_index(DATA, cfg)
    areas = gpd.GeoDataFrame({"name": list(DATA.index)}, geometry=[Point(i, 0) for i in range(6)], index=DATA.index, crs="EPSG:4326")
    sheets = {lang: run_audit(StudyContext(cfg, Path("."), lang, areas, DATA, index=res,
                                           result=pd.DataFrame({"score": res.score}))).sheets for lang in ("id", "en")}
    assert list(sheets["id"]) == ["Audit dimensi", "Audit korelasi", "Audit tanda", "Audit PCA", "Bobot efektif"]
    assert list(sheets["en"]) == ["Audit dimensions", "Audit correlations", "Audit flags", "Audit PCA", "Effective weights"]
    dims = sheets["id"]["Audit dimensi"]
    assert list(dims.columns) == ["Dimensi", "Jumlah indikator", "Alfa Cronbach", "Bagian varians PC1"]
    assert dims.set_index("Dimensi").loc["A", "Jumlah indikator"] == 3  # x1, x2, x3
    fl = sheets["en"]["Audit flags"]
    assert list(fl.columns) == ["Flag", "Indicator / dimension", "With", "Correlation r (Pearson)"]
    # x3 is the exact mirror of x1 (x3 = 5 − x1): r = −1, flagged as nearly collinear
    coll = fl[fl["Flag"] == "nearly collinear"].set_index(["Indicator / dimension", "With"])
    assert coll.loc[("x1", "x3"), "Correlation r (Pearson)"] == pytest.approx(-1.0)
    assert fl[fl["Flag"] == "negative with own dimension"]["Indicator / dimension"].tolist() == ["x3"]
    corr = sheets["id"]["Audit korelasi"]
    # matrix rows and columns: indicators, then "Dimensi: <label>", then "Indeks"
    assert list(corr.columns) == ["Indikator / dimensi", "x1", "x2", "x3", "y1", "Dimensi: A", "Dimensi: B", "Indeks"]
    assert corr["Indikator / dimensi"].tolist()[-3:] == ["Dimensi: A", "Dimensi: B", "Indeks"]
    # no raw snake_case heading anywhere
    assert all("_" not in str(c) for lang in sheets for df in sheets[lang].values() for c in df.columns)


def test_cronbach_alpha_negative_by_hand():
    import pandas as pd

    from petarawan.index.audit import cronbach_alpha

    x = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 2.0, 1.5]})
    # by hand: var(a) = 1.6667, var(b) = 1.2292, var(a + b) = var([5, 5, 5, 5.5]) = 0.0625
    # alpha = 2 · (1 − (1.6667 + 1.2292) / 0.0625) = 2 · (1 − 46.33) = −90.67
    assert round(cronbach_alpha(x), 2) == -90.67


def test_low_alpha_is_explained_in_the_report(study, tmp_path):
    # the 4-area study (tests/test_pipeline.py): dimension s holds x1 and x2 normalised to
    # [0, 25, 50, 100] and [0, 50, 100, 0]; sample variances 1822.92 and 2291.67, of their sum
    # [0, 75, 150, 100] 3906.25 → alpha = 2 · (1 − 4114.58 / 3906.25) = −0.11 (< 0.5)
    from petarawan import run

    run(study, tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Alfa Cronbach rendah (di bawah 0,5) pada dimensi s (-0,11)" in html
