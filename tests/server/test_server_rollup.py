"""Roll-up sections over many studies' latest runs: IKRN reporting completeness per
kabupaten/kota, computed by hand below (DHIS2 reporting rate Σ min(returned, expected) / Σ expected)."""

from __future__ import annotations

import pandas as pd

from petarawan.server.views import ikrn_completeness

QUOTA = {"ikrn1": 30, "ikrn2": 1, "ikrn3": 2}


class FakeRun:
    """What ikrn_completeness reads of a loaded run: manifest date, min_count and the ikrn layer."""

    def __init__(self, created: str, rows: dict[str, tuple[int, int, int]], min_count: int = 5):
        self.manifest, self.min_count = {"created": created}, min_count
        layer = pd.DataFrame(
            {**{f"returned_ikrn{k + 1}": [r[k] for r in rows.values()] for k in range(3)},
             **{f"expected_{k}": [q] * len(rows) for k, q in QUOTA.items()}}, index=pd.Index(list(rows), name="code"))
        layer["below_quota"] = [any(r[k] < q for k, q in enumerate(QUOTA.values())) for r in rows.values()]
        self._layer = layer

    def memo(self, key, make):
        return self._layer


def runs():
    a = FakeRun("2025-01-10T00:00:00", {"19.71.01.1001": (30, 1, 2), "19.71.01.1002": (10, 0, 1),
                                        "19.72.01.2001": (0, 0, 0)})
    b = FakeRun("2025-03-01T00:00:00", {"19.71.01.1002": (30, 1, 0)})  # newer: replaces a's 1002
    return [({"name": "B"}, b), ({"name": "A"}, a)]


def test_reporting_rate_per_kabupaten_newer_run_wins():
    sec = ikrn_completeness(runs(), level=2, lang="en", full=True)
    assert sec["columns"][0] == "Regency/city" and sec["columns"][-1] == "IKRN reporting rate (%)"
    # 19.71: 1001 complete (30+1+2), 1002 from run b (30+1+0 of 33) → 64 / 66 = 96.97 %
    # 19.72: nothing returned → 0 %; total (64 + 0) / 99 = 64.65 %
    assert sec["rows"] == [
        ["19.71", "2", "1", "0", "60", "2", "2", "60", "2", "4", "97.0"],
        ["19.72", "1", "0", "1", "0", "0", "0", "30", "1", "2", "0.0"],
        ["Total", "3", "1", "1", "60", "2", "2", "90", "3", "6", "64.6"],
    ]


def test_province_level_and_language():
    sec = ikrn_completeness(runs(), level=1, lang="id", full=True)
    assert sec["columns"][0] == "Provinsi" and [r[0] for r in sec["rows"]] == ["19", "Jumlah"]
    assert sec["rows"][0][-1] == "64.6"


def test_viewers_get_small_returned_counts_suppressed_and_no_rate_giving_them_back():
    sec = ikrn_completeness(runs(), level=2, lang="en", full=False)
    r1971 = sec["rows"][0]
    assert r1971[4:7] == ["60", "<5", "<5"] and r1971[-1] == "–"   # 2 and 2 returned: suppressed, rate hidden
    assert sec["rows"][1][4:7] == ["0", "0", "0"] and sec["rows"][1][-1] == "0.0"   # zero is not a small count


def test_no_ikrn_stage_no_section():
    class NoIkrn(FakeRun):
        def memo(self, key, make):
            return None
    assert ikrn_completeness([({"name": "A"}, NoIkrn("2025", {"19.71.01.1001": (1, 1, 1)}))]) is None


class MapRun:
    """A loaded run as rollup_map reads it: creation date and its public GeoJSON."""

    def __init__(self, created: str, areas: dict[str, tuple[str | None, list]]):
        self.manifest = {"created": created}
        self.geojson = {"type": "FeatureCollection", "crs": "EPSG:4326", "features": [
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
             "properties": {"code": code, "name": f"Kel {code[-4:]}", "class": cls}} for code, (cls, ring) in areas.items()]}
        self._memo = {}

    def memo(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]


def square(x: float, y: float, bump: float = 0.0) -> list:
    """Unit square at (x, y); ``bump`` > 0 adds a spike ``bump`` high and 2·``bump`` wide in the
    middle of its top edge (three more vertices)."""
    spike = [[x + 0.5 + bump, y + 1], [x + 0.5, y + 1 + bump], [x + 0.5 - bump, y + 1]] if bump else []
    top = [[x + 1, y + 1], *spike, [x, y + 1]]
    return [[x, y], [x + 1, y], *top, [x, y]]


def map_runs():
    a = MapRun("2025-01-01", {"19.71.01.1001": ("Bahaya", square(0, 0, bump=0.0001)),
                              "19.71.01.1002": ("Aman", square(1, 0)),
                              "19.72.01.2001": ("Siaga", square(3, 0))})
    b = MapRun("2025-02-01", {"19.71.01.1002": ("Siaga", square(1, 0))})  # newer run of 1002
    return [({"name": "A"}, a), ({"name": "B"}, b)]


def test_rollup_map_dissolves_kabupaten_and_counts_classes():
    from petarawan.server.views import rollup_map

    geo = rollup_map(map_runs(), level=2)
    assert geo["level"] == 2 and geo["tolerance"] == 4 / 2000   # extent 4 degrees over 2000 px
    import shapely
    import shapely.geometry

    f = {x["properties"]["code"]: x for x in geo["features"]}
    assert sorted(f) == ["19.71", "19.72"]
    p = f["19.71"]["properties"]
    assert (p["Bahaya"], p["Siaga"], p["Aman"], p["total"]) == (1, 1, 0, 2)   # 1002 counted once, as Siaga (newer)
    assert p["class"] == "Bahaya"   # a 1–1 tie goes to the worse class
    parts = shapely.get_parts(shapely.geometry.shape(f["19.71"]["geometry"]))
    assert len(parts) == 1 and abs(parts[0].area - 2.0) < 1e-12   # two unit squares, one polygon
    assert len(parts[0].exterior.coords) == 5   # the 0.0001° spike (< one pixel, 0.002°) is gone


def test_rollup_map_areas_when_few_and_regions_when_many(monkeypatch):
    from petarawan.server import views

    geo = views.rollup_map(map_runs())
    assert geo["level"] == 0 and len(geo["features"]) == 3
    assert {x["properties"]["code"]: x["properties"]["class"] for x in geo["features"]}["19.71.01.1002"] == "Siaga"
    monkeypatch.setattr(views, "ROLLUP_AREA_LIMIT", 2)
    assert views.rollup_map(map_runs())["level"] == 2
    assert [x["properties"]["code"] for x in views.rollup_map(map_runs(), level=1)["features"]] == ["19"]
