"""Every problem of the hot-spot input files at once, swapped coordinate columns, capped per-row
lists — the user-facing checks of the ``hotspots`` stage, with hand-built files."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from petarawan.registry import parse_config
from petarawan.errors import Finding, InputError
from petarawan.i18n import Msg
from petarawan.spatial.checks import cap_rows, swapped_columns
from petarawan.spatial.stage import run_hotspots
from petarawan.stages import StudyContext
from spatial_fixtures import lattice

BASE = {"study": {"name": "Uji", "seed": 3}, "areas": {"file": "a.geojson"}, "data": {"file": "d.csv"},
        "dimensions": [{"code": "d", "label_id": "D"}],
        "indicators": [{"code": "gi_z_kasus", "label_id": "Gi* z", "dimension": "d", "stage": "hotspots"}]}


def _ctx(tmp_path: Path, hotspots: dict, areas: gpd.GeoDataFrame | None = None, lang: str = "id") -> StudyContext:
    areas = lattice(3, 3) if areas is None else areas
    areas = areas.assign(name=[f"Kel {c}" for c in areas.index])
    cfg = parse_config(dict(BASE, hotspots=hotspots))
    return StudyContext(cfg, tmp_path, lang, areas, pd.DataFrame(index=areas.index))


def _where(findings: list[Finding]) -> set[tuple]:
    return {(f.code, f.file, f.row, f.column, f.value) for f in findings}


def test_counts_and_population_errors_all_reported_at_once(tmp_path):
    # rows as a spreadsheet numbers them (header = row 1)
    (tmp_path / "jumlah.csv").write_text(
        "kode,2020,2021\n"
        "a,1,2\n"       # row 2: fine
        "b,x,3\n"       # row 3: 2020 not a number
        "c,4,-1\n"      # row 4: 2021 negative
        "a,5,6\n"       # row 5: duplicate of row 2
        "zz,1,1\n"      # row 6: not in the boundary file
        "d,1,1\ne,1,1\nf,1,1\ng,1,1\nh,1,1\ni,1,1\n", encoding="utf-8")
    (tmp_path / "penduduk.csv").write_text(
        "kode,penduduk\n"
        "a,100\n"       # row 2
        "b,0\n"         # row 3: not > 0
        "c,banyak\n"    # row 4: not a number
        "d,100\ne,100\nf,100\ng,100\nh,100\ni,100\n", encoding="utf-8")
    ctx = _ctx(tmp_path, {"variable": "kasus", "measure": "rate", "permutations": 9,
                          "counts": {"file": "jumlah.csv"}, "population": {"file": "penduduk.csv"}})
    with pytest.raises(InputError) as err:
        run_hotspots(ctx)
    assert _where(err.value.findings) == {
        ("not_numeric", "jumlah.csv", 3, "2020", "x"),
        ("negative_count", "jumlah.csv", 4, "2021", "-1"),
        ("duplicate_code", "jumlah.csv", 5, "kode", "a"),
        ("unknown_code", "jumlah.csv", 6, "kode", "zz"),
        ("population_not_positive", "penduduk.csv", 3, "penduduk", "0"),
        ("not_numeric", "penduduk.csv", 4, "penduduk", "banyak"),
    }
    for f in err.value.findings:  # each in both languages, with what was expected
        assert f.text("en") and f.expectation("id") and f.expectation("en")
    assert "baris 2" in next(f for f in err.value.findings if f.code == "duplicate_code").text("id")


def test_long_counts_every_row_problem(tmp_path):
    rows = ["kode,tahun,jumlah"] + [f"{c},{y},1" for c in "abcdefghi" for y in (2020, 2021)]  # rows 2–19
    rows += ["a,2021,3",    # row 20: duplicate of row 3 (a, 2021)
             "q,2021,1",    # row 21: unknown code
             "b,,1",        # row 22: empty period
             "c,2021,1.5"]  # row 23: not a whole number (also a duplicate of row 7: reported)
    (tmp_path / "jumlah.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ctx = _ctx(tmp_path, {"variable": "kasus", "permutations": 9, "counts": {"file": "jumlah.csv", "layout": "long"}})
    with pytest.raises(InputError) as err:
        run_hotspots(ctx)
    got = {(f.code, f.row, f.column) for f in err.value.findings}
    assert got == {("duplicate_code", 20, "kode"), ("unknown_code", 21, "kode"), ("empty_period", 22, "tahun"),
                   ("not_whole", 23, "jumlah"), ("duplicate_code", 23, "kode")}


def test_population_unknown_code_is_a_warning_and_blank_leaves_the_area_out(tmp_path):
    (tmp_path / "jumlah.csv").write_text("kode,2021\n" + "".join(f"{c},{k}\n" for k, c in enumerate("abcdefghi")),
                                         encoding="utf-8")
    (tmp_path / "penduduk.csv").write_text("kode,penduduk\n" + "".join(f"{c},1000\n" for c in "abcdefgh") +
                                           "i,\n"          # row 10: blank → area i without population
                                           "x9,500\n",      # row 11: not a study area → ignored
                                           encoding="utf-8")
    ctx = _ctx(tmp_path, {"variable": "kasus", "measure": "rate", "permutations": 9,
                          "counts": {"file": "jumlah.csv"}, "population": {"file": "penduduk.csv"}})
    res = run_hotspots(ctx)
    unknown = [f for f in res.findings if f.code == "unknown_code"]
    assert [(f.level, f.row, f.value) for f in unknown] == [("warning", 11, "x9")]
    no_pop = [f for f in res.findings if f.code == "no_population"]
    # one warning naming the area, the file and its real column; with a rate measure the area is not analysed
    assert [(f.value, f.file, f.column) for f in no_pop] == [(1, "penduduk.csv", "penduduk")]
    assert no_pop[0].text("en").endswith("not analysed for hot spots: i")
    assert "i" not in res.area_columns.dropna(subset=["rate_kasus"]).index
    # area e: 4 cases / 1000 residents × 10,000 = 40 per 10,000
    assert res.area_columns.at["e", "rate_kasus"] == pytest.approx(40.0)


def test_cap_rows_keeps_first_ten_and_counts_the_rest():
    same = [Finding("error", "bad_coordinate", Msg("f.bad_coordinate"), file="k.csv", row=r, column="latitude",
                    value="106.1", expected=Msg("x.bad_coordinate", crs="EPSG:4326"))
            for r in range(2, 27)]  # rows 2–26: 25 findings
    other = Finding("error", "bad_date", Msg("f.not_numeric"), file="k.csv", row=5, column="tanggal")
    whole_file = Finding("error", "coordinates_swapped", Msg("f.bad_coordinate"), file="k.csv")
    out = cap_rows([whole_file] + same[:4] + [other] + same[4:], first=10)
    # 1 + 10 kept (rows 2–11) + 1 summary + the other kind = 13; 25 − 10 = 15 rows left out, rows 12–26
    assert len(out) == 13
    assert [f.row for f in out if f.code == "bad_coordinate"] == list(range(2, 12)) + [None]
    summary = out[out.index(same[9]) + 1]
    assert summary.value == 15 and summary.row is None and summary.column == "latitude"
    assert summary.text("id") == "15 baris lain dengan masalah yang sama (baris 12–26): koordinat tidak valid"
    assert summary.text("en") == "15 more rows with the same problem (rows 12–26): invalid coordinate"
    assert summary.expectation("id") == "angka dalam EPSG:4326" and summary.expectation("en") == "a number in EPSG:4326"
    assert other in out and whole_file in out
    assert cap_rows(same[:10], first=10) == same[:10]  # ten or fewer: unchanged


def _geo_lattice(x0: float, y0: float, step: float = 0.1) -> gpd.GeoDataFrame:
    cells = [shapely.box(x0 + c * step, y0 + r * step, x0 + (c + 1) * step, y0 + (r + 1) * step)
             for r in range(3) for c in range(3)]
    return gpd.GeoDataFrame(geometry=cells, index=pd.Index(list("abcdefghi"), name="code"), crs="EPSG:4326")


def test_swapped_lat_lon_in_indonesia_one_summary_and_capped_rows(tmp_path):
    # study area: lon 106.0–106.3, lat −2.2…−1.9 (Pangkalpinang); 210 points written with the
    # latitude in the longitude column and vice versa: latitude = 106.1 > 90 on every row
    rng = np.random.default_rng(1)
    lon = rng.uniform(106.01, 106.29, 210)
    lat = rng.uniform(-2.19, -1.91, 210)
    pd.DataFrame({"longitude": lat.round(5), "latitude": lon.round(5), "tanggal": "2021-05-01"}).to_csv(
        tmp_path / "kejadian.csv", index=False)
    ctx = _ctx(tmp_path, {"variable": "kasus", "permutations": 9, "incidents": {"file": "kejadian.csv"}},
               areas=_geo_lattice(106.0, -2.2))
    with pytest.raises(InputError) as err:
        run_hotspots(ctx)
    fs = err.value.findings
    # 1 summary + 10 rows (2–11) + "200 more rows (rows 12–211)" = 12 findings, not 210
    assert len(fs) == 12
    assert fs[0].code == "coordinates_swapped" and fs[0].column == "longitude/latitude"
    assert "210 dari 210" in fs[0].text("id") and "only 0 when they are not" in fs[0].text("en")
    assert 'x_column = "latitude"' in fs[0].expectation("en")
    rows = [f.row for f in fs if f.code == "bad_coordinate"]
    assert rows == list(range(2, 12)) + [None]
    assert fs[-1].value == 200 and "rows 12–211" in fs[-1].text("en")


@pytest.mark.parametrize("crs, x0, y0, step", [
    ("EPSG:4326", -0.3, 51.4, 0.1),            # London: swapped lon/lat are still valid degrees
    ("EPSG:32748", 600_000, 9_760_000, 1000),  # UTM 48S: swapped easting/northing, no range check
])
def test_swapped_columns_detected_when_every_value_is_in_range(tmp_path, crs, x0, y0, step):
    cells = [shapely.box(x0 + c * step, y0 + r * step, x0 + (c + 1) * step, y0 + (r + 1) * step)
             for r in range(3) for c in range(3)]
    areas = gpd.GeoDataFrame(geometry=cells, index=pd.Index(list("abcdefghi"), name="code"), crs=crs)
    # points in the middle of the cells, k + 1 in the k-th cell (a…i) → 1 + 2 + … + 9 = 45 points
    xs = np.repeat([x0 + (i % 3 + 0.5) * step for i in range(9)], np.arange(1, 10))
    ys = np.repeat([y0 + (i // 3 + 0.5) * step for i in range(9)], np.arange(1, 10))
    spec = {"file": "kejadian.csv", "x_column": "x", "y_column": "y", "crs": crs, "date_column": None}
    pd.DataFrame({"x": ys, "y": xs}).to_csv(tmp_path / "kejadian.csv", index=False)  # swapped
    ctx = _ctx(tmp_path, {"variable": "kasus", "permutations": 9, "incidents": spec}, areas=areas)
    with pytest.raises(InputError) as err:
        run_hotspots(ctx)
    assert [(f.code, f.column) for f in err.value.findings] == [("coordinates_swapped", "x/y")]
    assert "45 of 45 points" in err.value.findings[0].text("en")
    # the same file with the columns named the right way round: counted, k + 1 in area k
    pd.DataFrame({"x": xs, "y": ys}).to_csv(tmp_path / "kejadian.csv", index=False)
    res = run_hotspots(ctx)
    assert res.indicators["count_kasus"].tolist() == [1.0, 2, 3, 4, 5, 6, 7, 8, 9]


def test_swapped_columns_rule_by_hand():
    box = (0.0, 0.0, 10.0, 2.0)  # margin 0.1 × 10 = 1 → accepted box x −1…11, y −1…3
    # as given inside: (5, 1); swapped inside only: (1, 5) and (2, 8); neither: (50, 50)
    x, y = np.array([5.0, 1.0, 2.0, 50.0]), np.array([1.0, 5.0, 8.0, 50.0])
    f = swapped_columns(x, y, box, label="k.csv", x_column="x", y_column="y", rows=[2, 3, 4, 5])
    assert f is not None and "2 of 4 points" in f.text("en") and "only 1" in f.text("en")
    assert f.value == "#3: x = 1.0, y = 5.0"
    # 2 inside as given, 2 swapped: not more → no finding
    assert swapped_columns(np.array([5.0, 6, 1, 2]), np.array([1.0, 1, 5, 8]), box, label="k", x_column="x",
                           y_column="y") is None
    assert swapped_columns(x, y, None, label="k", x_column="x", y_column="y") is None


def test_three_decimal_coordinates_are_decimals():
    from petarawan.spatial.incidents import incidents_from_table, parse_coordinate

    # '-1.996' alone is ambiguous as a number (1,996 thousands?) but as a coordinate it is −1.996°.
    # longitude: the column settles nothing ('106,125' and '106.125' are both ambiguous) → each
    # cell's single separator is decimal; latitude: '-2,5' makes the column decimal-comma, so
    # '-2,125' is −2.125; alone in its column '-1.996' is −1.996.
    df = pd.DataFrame({"longitude": ["106,125", "106.125", "106"], "latitude": ["-2,5", "-2,125", "-2,0"],
                       "lat2": ["-1.996", "-1.996", "-1.996"]}, index=[2, 3, 4])
    inc = incidents_from_table(df, x_column="longitude", y_column="latitude", crs="EPSG:4326")
    assert inc.points.geometry.x.tolist() == pytest.approx([106.125, 106.125, 106.0])
    assert inc.points.geometry.y.tolist() == pytest.approx([-2.5, -2.125, -2.0])
    inc = incidents_from_table(df, x_column="longitude", y_column="lat2", crs="EPSG:4326")
    assert inc.points.geometry.y.tolist() == pytest.approx([-1.996] * 3)
    # an easting column written with Indonesian thousands dots: '600.500' = 600500 m
    assert parse_coordinate("600.500", "id") == 600_500 and parse_coordinate("600.500", None) == 600.5
