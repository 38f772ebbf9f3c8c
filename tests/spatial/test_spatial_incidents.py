"""Point-in-area assignment: inside, on a shared border, on a shared vertex, on the outer
boundary, outside — and the reading of an incidents file."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from petarawan.errors import InputError
from petarawan.spatial.incidents import assign_points, count_by_area, incidents_from_table, period_label, read_incidents

# Two unit squares side by side; the LEFT one has the larger code so that "lowest code wins" is
# visible: B = [0,1]×[0,1], A = [1,2]×[0,1].  A third square C = [0,1]×[1,2] sits on top of B.
AREAS = gpd.GeoDataFrame(
    geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(0, 1, 1, 2)],
    index=pd.Index(["B", "A", "C"], name="code"), crs="EPSG:3857")

POINTS = {
    2: (0.5, 0.5),   # inside B
    3: (1.5, 0.5),   # inside A
    4: (1.0, 0.5),   # on the A|B border → A (lowest code)
    5: (1.0, 1.0),   # shared vertex of A, B, C → A
    6: (0.5, 1.0),   # on the B|C border → B
    7: (0.0, 0.5),   # on B's outer boundary only → B
    8: (5.0, 5.0),   # outside every area
}


def _points(order=None):
    rows = order or list(POINTS)
    return gpd.GeoDataFrame(geometry=[shapely.Point(*POINTS[r]) for r in rows],
                            index=pd.Index(rows, name="row"), crs="EPSG:3857")


def test_assignment_rule():
    a = assign_points(_points(), AREAS, label="kejadian.csv")
    assert a.code.to_dict() == {2: "B", 3: "A", 4: "A", 5: "A", 6: "B", 7: "B", 8: None}
    assert a.on_border.to_dict() == {2: False, 3: False, 4: True, 5: True, 6: True, 7: False, 8: False}
    assert len(a.findings) == 1
    f = a.findings[0]
    assert (f.level, f.code, f.file, f.row) == ("warning", "point_outside", "kejadian.csv", 8)


def test_assignment_does_not_depend_on_order():
    shuffled_areas = AREAS.iloc[[2, 0, 1]]
    a = assign_points(_points(list(reversed(POINTS))), shuffled_areas)
    assert a.code.to_dict() == {2: "B", 3: "A", 4: "A", 5: "A", 6: "B", 7: "B", 8: None}


def test_points_in_another_crs_are_reprojected():
    pts = _points().to_crs("EPSG:4326")
    a = assign_points(pts, AREAS)
    assert a.code[2] == "B" and a.code[3] == "A" and a.code[8] is None


def test_counts_per_area_and_period():
    a = assign_points(_points(), AREAS)
    dates = pd.Series(pd.to_datetime(["2020-01-05", "2020-12-31", "2021-03-01", "2021-07-01", "2021-07-02",
                                      "2021-12-31", "2021-01-01"]), index=a.code.index)
    c = count_by_area(a.code, AREAS.index, period_label(dates, "year"))
    # B: rows 2 (2020), 6, 7 (2021); A: row 3 (2020), 4, 5 (2021); C: none; row 8 outside: not counted
    assert c.to_dict(orient="index") == {"B": {"2020": 1, "2021": 2}, "A": {"2020": 1, "2021": 2}, "C": {"2020": 0, "2021": 0}}
    q = period_label(dates, "quarter")
    assert q[4] == "2021Q1" and q[5] == "2021Q3"
    assert period_label(dates, "month")[7] == "2021-12"


def test_read_incidents_csv(tmp_path):
    p = tmp_path / "kejadian.csv"
    p.write_text("id;longitude;latitude;tanggal;jenis\n1;106,1;-2,1;2021-05-01;sabu\n2;106.2;-2.2;31/12/2021;ganja\n",
                 encoding="utf-8")
    inc = read_incidents(p, x_column="longitude", y_column="latitude", crs="EPSG:4326", date_column="tanggal",
                         type_column="jenis")
    assert inc.points.crs.to_epsg() == 4326
    assert inc.points.geometry.x.tolist() == pytest.approx([106.1, 106.2])
    assert [d.strftime("%Y-%m-%d") for d in inc.points["date"]] == ["2021-05-01", "2021-12-31"]
    assert inc.points.index.tolist() == [2, 3]  # spreadsheet rows
    assert inc.points["type"].tolist() == ["sabu", "ganja"]


def test_bad_incidents_report_every_problem():
    df = pd.DataFrame({"longitude": ["106.1", "abc", "200"], "latitude": ["-2.1", "-2.2", "-2.3"],
                       "tanggal": ["2021-05-01", "kemarin", "2021-01-01"]}, index=[2, 3, 4])
    with pytest.raises(InputError) as err:
        incidents_from_table(df, x_column="longitude", y_column="latitude", crs="EPSG:4326", date_column="tanggal",
                             label="kejadian.csv")
    got = {(f.code, f.row, f.column) for f in err.value.findings}
    assert got == {("bad_coordinate", 3, "longitude"), ("bad_date", 3, "tanggal"), ("bad_coordinate", 4, "longitude")}
    with pytest.raises(InputError, match="lat"):
        incidents_from_table(df.drop(columns="latitude"), x_column="longitude", y_column="lat", crs="EPSG:4326")
