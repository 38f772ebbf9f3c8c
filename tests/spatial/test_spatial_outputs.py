"""What the ``hotspots`` stage publishes and how its sheets read: public columns without counts or
rates, small counts suppressed in the report, readable headings in Bahasa Indonesia and English,
every Finding in both languages."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pandas as pd
import pytest

from petarawan.registry import parse_config
from petarawan.spatial.stage import run_hotspots
from petarawan.stages import StudyContext
from spatial_fixtures import lattice

SRC = Path(__file__).resolve().parents[2] / "src" / "petarawan"

# 3 × 3 lattice a b c / d e f / g h i; counts per year, 2021 analysed (the latest)
COUNTS = {"2018": [0, 1, 0, 1, 2, 1, 0, 1, 0], "2019": [0, 1, 1, 1, 3, 2, 0, 1, 0],
          "2020": [1, 1, 1, 2, 3, 3, 0, 1, 1], "2021": [0, 1, 0, 2, 3, 4, 0, 1, 0]}
POPULATION = [1000, 1000, 1000, 1000, 1000, 2000, 1000, 1000, 1000]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hs")
    codes = list("abcdefghi")
    pd.DataFrame({"kode": codes, **COUNTS}).to_csv(tmp / "jumlah.csv", index=False)
    pd.DataFrame({"kode": codes, "penduduk": POPULATION}).to_csv(tmp / "penduduk.csv", index=False)
    cfg = parse_config({
        "study": {"name": "Uji", "seed": 11}, "areas": {"file": "a.geojson"}, "data": {"file": "d.csv"},
        "dimensions": [{"code": "d", "label_id": "D"}],
        "indicators": [{"code": "gi_z_kasus", "label_id": "Gi* z", "dimension": "d", "stage": "hotspots"}],
        "hotspots": {"variable": "kasus", "measure": "rate", "permutations": 99,
                     "counts": {"file": "jumlah.csv"}, "population": {"file": "penduduk.csv"}},
    })
    areas = lattice(3, 3).assign(name=[f"Kel {c.upper()}" for c in codes])
    return {lang: run_hotspots(StudyContext(cfg, tmp, lang, areas, pd.DataFrame(index=areas.index)))
            for lang in ("id", "en")}


def test_public_columns_never_counts_or_rates(study):
    res = study["id"]
    # categorical results only: no count, rate, or Gi* z (linear in the counts: see PUBLIC_COLUMNS)
    assert res.public_columns == {
        "gi_bin": ("Kelas Gi* (3 = hot spot 99% … −3 = cold spot 99%)", "Gi* bin (3 = hot spot 99% … −3 = cold spot 99%)"),
        "lisa_label": ("Klaster LISA", "LISA cluster"),
        "trend_label": ("Pola hot spot berkembang", "Emerging hot-spot pattern"),
    }
    assert set(res.public_columns) <= set(res.area_columns.columns)
    # the analysts' working columns keep the raw values: area e has 3 cases in 2021 among 1000
    # residents → 3 / 1000 × 10,000 = 30 per 10,000; area f: 4 / 2000 × 10,000 = 20
    ac = res.area_columns
    assert ac.at["e", "count_kasus"] == 3 and ac.at["e", "rate_kasus"] == pytest.approx(30.0)
    assert ac.at["f", "rate_kasus"] == pytest.approx(20.0)
    # readable labels follow the codes, in the run's language
    lisa_id = {"HH": "Tinggi–Tinggi (HH)", "LL": "Rendah–Rendah (LL)", "LH": "Rendah–Tinggi (LH)",
               "HL": "Tinggi–Rendah (HL)", "ns": "Tidak signifikan"}
    assert [lisa_id[c] for c in ac["lisa_cluster"]] == ac["lisa_label"].tolist()
    en = study["en"].area_columns
    assert (en["lisa_label"][en["lisa_cluster"] == "ns"] == "Not significant").all()
    assert set(en["trend_label"]) <= {"No pattern detected", "New hot spot", "Consecutive hot spot",
                                      "Intensifying hot spot", "Persistent hot spot", "Diminishing hot spot",
                                      "Sporadic hot spot", "Oscillating hot spot", "Historical hot spot",
                                      "New cold spot", "Consecutive cold spot", "Intensifying cold spot",
                                      "Persistent cold spot", "Diminishing cold spot", "Sporadic cold spot",
                                      "Oscillating cold spot", "Historical cold spot"}


def test_report_table_publishes_no_count_rate_or_z(study):
    body = study["id"].sections[0].html
    table = body[body.index("<table>"):body.index("</table>")]
    cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", table)]
    heads = [html.unescape(c) for c in re.findall(r"<th>(.*?)</th>", table)]
    # categorical results only: a count, a rate or a z-score would let small counts be recovered
    assert heads == ["Kode", "Nama", "Hot spot Gi*", "Klaster LISA", "Pola hot spot berkembang"]
    assert len(cells) == 9 * 5  # 9 areas (the top 10 of a 3 × 3 lattice), 5 columns
    # 2021 counts are 0 1 0 2 3 4 0 1 0 and rates 10/20/30 per 10,000: none of them appears
    assert not any(c in ("1", "2", "3", "4", "<5", "20", "30", "20.0", "30.0", "10", "10.0") for c in cells)


@pytest.mark.parametrize("lang, names", [
    ("id", {"Hot spot": ["Kode wilayah", "Nama wilayah", "Jumlah kasus", "Laju kasus per 10.000 penduduk",
                         "Laju kasus dihaluskan (empirical Bayes) per 10.000 penduduk", "Local Moran I",
                         "Local Moran: nilai p", "Klaster LISA (kode)", "Klaster LISA", "Skor z Gi*", "Gi*: nilai p",
                         "Kelas Gi* (3 = hot spot 99% … −3 = cold spot 99%)", "Pola hot spot berkembang",
                         "Tau Mann–Kendall", "Tren: nilai p (Mann–Kendall)", "Jumlah periode hot spot",
                         "Jumlah periode cold spot"],
            "Tren hot spot": ["Kode wilayah", "Nama wilayah", "Pola hot spot berkembang", "Skor z Gi* 2018",
                              "Skor z Gi* 2019", "Skor z Gi* 2020", "Skor z Gi* 2021"]}),
    ("en", {"Hot spots": ["Area code", "Area name", "kasus: count", "kasus rate per 10,000 residents",
                          "kasus rate, empirical-Bayes smoothed, per 10,000 residents", "Local Moran I",
                          "Local Moran: p-value", "LISA cluster (code)", "LISA cluster", "Gi* z-score", "Gi*: p-value",
                          "Gi* bin (3 = hot spot 99% … −3 = cold spot 99%)", "Emerging hot-spot pattern",
                          "Mann–Kendall tau", "Trend: p-value (Mann–Kendall)", "Hot-spot periods", "Cold-spot periods"],
            "Hot-spot trends": ["Area code", "Area name", "Emerging hot-spot pattern", "Gi* z-score 2018",
                                "Gi* z-score 2019", "Gi* z-score 2020", "Gi* z-score 2021"]}),
])
def test_sheets_have_readable_headings(study, lang, names):
    sheets = study[lang].sheets
    assert {k: list(v.columns) for k, v in sheets.items()} == names
    first = next(iter(sheets.values()))
    # the sheet's area e: name and count as in the inputs
    row = first.set_index(first.columns[0]).loc["e"]
    assert row.iloc[0] == "Kel E" and row.iloc[1] == 3


# ------------------------------------------------------------------- every Finding in two languages
OWNED = sorted((SRC / "spatial").glob("*.py")) + [SRC / "uncertainty" / "stage.py", SRC / "audit" / "stage.py", SRC / "index" / "audit.py"]


@pytest.mark.parametrize("path", OWNED, ids=lambda p: p.name)
def test_every_finding_has_both_languages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
            # the message and expectation are catalogue messages (both languages: tests/test_i18n.py)
            texts = node.args[2:3] + [k.value for k in node.keywords if k.arg in ("message", "expected")]
            assert not any(isinstance(x, (ast.Constant, ast.JoinedStr)) and getattr(x, "value", "") is not None
                           for x in texts), f"{path.name}:{node.lineno}: Finding with a pasted text instead of a Msg"
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "InputError":
            assert not (node.args and isinstance(node.args[0], ast.Constant)), \
                f"{path.name}:{node.lineno}: InputError from a bare string (one language, no location)"
