"""Studies, uploads, runs, results, data entry, people and the audit log — every route, every
role — on the hand-worked 4-area study of tests/studyfix.py (scores 0, 45.3125, 90.625, 31.25;
classes Aman, Siaga, Bahaya, Siaga: see tests/test_pipeline.py for the arithmetic)."""

from __future__ import annotations

import pytest

from conftest import make_study, study_files, table_csv
from studyfix import CODES, TABLE

Y = 2025


def run_and_wait(server, client, sid, year=Y) -> dict:
    r = client.post(f"/api/studies/{sid}/rounds/{year}/runs")
    assert r.status_code == 202, r.text
    server.wait()
    return client.get(f"/api/studies/{sid}/runs/{r.json()['id']}").json()


def test_upload_preview_lists_every_finding_and_changes_nothing(server):
    a = server.client("analyst")
    sid = make_study(a)
    before = a.get(f"/api/studies/{sid}").json()["rounds"][0]["version"]
    bad = dict(TABLE, x1=["0", "lima", "10", "-3"])  # row 3: not a number; row 5: a negative count
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"},
                files=[("file", ("data.csv", table_csv(bad), "text/csv"))]).json()
    errors = [f for f in up["findings"] if f["level"] == "error"]
    assert up["status"] == "failed" and up["n_errors"] == 2
    assert sorted((f["row"], f["column"]) for f in errors) == [(3, "x1"), (5, "x1")]
    assert all(f["file"] == "data.csv" and f["message"]["en"] for f in errors)
    assert a.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{up['id']}/accept").status_code == 409
    assert a.get(f"/api/studies/{sid}").json()["rounds"][0]["version"] == before
    # fixed → accepted → new version
    good = dict(TABLE, x1=[0, 5, 10, 30])
    up2 = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"},
                 files=[("file", ("data.csv", table_csv(good), "text/csv"))]).json()
    assert up2["n_errors"] == 0 and up2["status"] == "pending"
    assert a.get(f"/api/studies/{sid}/rounds/{Y}/uploads/{up2['id']}").json()["findings"] == up2["findings"]
    acc = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{up2['id']}/accept").json()
    assert acc["status"] == "accepted" and acc["version"] == before + 1
    assert (server.data / "studies" / str(sid) / str(Y) / f"v{before + 1}" / "data.csv").read_bytes() == table_csv(good)
    assert (server.data / "studies" / str(sid) / str(Y) / f"v{before}" / "data.csv").read_bytes() == table_csv()
    assert a.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{up2['id']}/accept").status_code == 409  # once only


def test_discard_changes_nothing_and_stale_upload_refused(server):
    a = server.client("analyst")
    sid = make_study(a)
    files = [("file", ("data.csv", table_csv(dict(TABLE, x3=[2, 3, 5, 3])), "text/csv"))]
    u1 = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"}, files=files).json()
    u2 = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"}, files=files).json()
    assert a.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{u1['id']}/discard").json()["status"] == "discarded"
    assert not (server.data / "studies" / str(sid) / str(Y) / "staging" / f"u{u1['id']}").exists()
    assert a.get(f"/api/studies/{sid}").json()["rounds"][0]["version"] == 1
    assert a.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{u2['id']}/accept").status_code == 200
    u3 = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"}, files=files).json()
    u4 = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"}, files=files).json()
    assert a.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{u3['id']}/accept").status_code == 200
    assert a.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{u4['id']}/accept").status_code == 409  # based on v2


def test_upload_kinds_and_names(server):
    a = server.client("analyst")
    sid = a.post("/api/studies", json={"name": "Baru"}).json()["id"]
    a.post(f"/api/studies/{sid}/rounds", json={"year": Y})
    # a table before any configuration: a clear finding, nothing staged
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"},
                files=[("file", ("data.csv", table_csv(), "text/csv"))]).json()
    assert [f["code"] for f in up["findings"]] == ["no_config_yet"]
    # a configuration upload without petarawan.toml
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                files=[("file", ("data.csv", table_csv(), "text/csv"))]).json()
    assert [f["code"] for f in up["findings"]] == ["no_config"]
    # a table with another suffix than the configured one
    sid2 = make_study(a, 2024)
    up = a.post(f"/api/studies/{sid2}/rounds/2024/uploads", data={"kind": "table"},
                files=[("file", ("data.xlsx", b"PK", "application/octet-stream"))]).json()
    assert up["n_errors"] == 1
    # a survey export for a study without [potential]
    up = a.post(f"/api/studies/{sid2}/rounds/2024/uploads", data={"kind": "survey"},
                files=[("file", ("survei.csv", b"a;b\n", "text/csv"))]).json()
    assert [f["code"] for f in up["findings"]] == ["no_survey_section"]
    # new boundaries: a renamed area is accepted; a point instead of a polygon is an error naming the feature
    import json as _json

    from studyfix import boundary_geojson

    renamed = boundary_geojson(names=["Alfa Baru", "Bravo", "Charlie", "Delta"])
    up = a.post(f"/api/studies/{sid2}/rounds/2024/uploads", data={"kind": "boundary"},
                files=[("file", ("batas.geojson", _json.dumps(renamed).encode()))]).json()
    assert up["n_errors"] == 0 and up["files"] == ["areas.geojson"]
    assert a.post(f"/api/studies/{sid2}/rounds/2024/uploads/{up['id']}/accept").json()["version"] == 2
    pointy = boundary_geojson()
    pointy["features"][2]["geometry"] = {"type": "Point", "coordinates": [106.1, -2.1]}
    up = a.post(f"/api/studies/{sid2}/rounds/2024/uploads", data={"kind": "boundary"},
                files=[("file", ("areas.geojson", _json.dumps(pointy).encode()))]).json()
    errs = [f for f in up["findings"] if f["level"] == "error"]
    assert [(f["code"], f["row"]) for f in errs] == [("not_polygon", 3)]
    assert a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "nonsense"},
                  files=[("file", ("data.csv", b"x", "text/csv"))]).status_code == 422


def test_run_map_profile_and_files(server):
    a = server.client("analyst")
    sid = make_study(a)
    done = run_and_wait(server, a, sid)
    assert done["status"] == "succeeded", done
    assert done["class_counts"] == {"Bahaya": 1, "Waspada": 0, "Siaga": 2, "Aman": 1, "none": 0}
    assert len(done["progress"]) >= 3  # validation, index, classification, writing
    v = server.client("viewer")
    geo = v.get(f"/api/studies/{sid}/rounds/{Y}/map").json()
    props = {f["properties"]["code"]: f["properties"] for f in geo["features"]}
    assert [props[c]["score"] for c in CODES] == pytest.approx([0.0, 45.3125, 90.625, 31.25])
    assert [props[c]["class"] for c in CODES] == ["Aman", "Siaga", "Bahaya", "Siaga"]
    assert not any("x1" in p or "x1_norm" in p for p in props.values())  # public columns only
    summ = v.get(f"/api/studies/{sid}/rounds/{Y}/summary").json()
    assert summ["class_counts"]["Bahaya"] == 1 and "petarawan.gpkg" not in summ["files"]
    assert "petarawan.gpkg" in a.get(f"/api/studies/{sid}/rounds/{Y}/summary").json()["files"]
    # profile of Bravo: contributions by hand, 3/4·1/4·25 + 3/4·3/4·50 + 1/4·50 = 45.3125
    prof = a.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[1]}").json()
    ind = {i["code"]: i for i in prof["indicators"]}
    assert ind["x1"]["contribution"] == pytest.approx(4.6875)
    assert ind["x2"]["contribution"] == pytest.approx(28.125)
    assert ind["x3"]["contribution"] == pytest.approx(12.5)
    assert ind["x1"]["present"] is True and ind["x2"]["present"] is False  # x1=5 ≥ 5; x2=2 > 1 (direction −1)
    assert ind["x1"]["value"] == "5" and prof["history"] == [{"year": Y, "class": "Siaga", "rank": 2, "score": 45.3125}]
    # a viewer: the count x1 (=5, not small) shown; its column (0, 5, 10, 20) holds no small count, so its
    # normalised value and contribution are published too (issue 12 item 5, as the dashboard does)
    pv = v.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[1]}").json()
    iv = {i["code"]: i for i in pv["indicators"]}
    assert iv["x1"]["value"] == "5" and iv["x1"]["normalised"] == pytest.approx(25)
    assert iv["x1"]["contribution"] == pytest.approx(4.6875)
    assert iv["x2"]["contribution"] == pytest.approx(28.125)
    assert v.get(f"/api/studies/{sid}/rounds/{Y}/areas/99.99.99.9999").status_code == 404
    # files: the analysts' files for analysts and admins only
    rid = done["id"]
    assert v.get(f"/api/studies/{sid}/runs/{rid}/files/petarawan.gpkg").status_code == 403
    assert v.get(f"/api/studies/{sid}/runs/{rid}/files/petarawan.xlsx").status_code == 403
    assert v.get(f"/api/studies/{sid}/runs/{rid}/files/report.html").status_code == 200
    assert a.get(f"/api/studies/{sid}/runs/{rid}/files/petarawan.gpkg").content[:16] == b"SQLite format 3\x00"
    assert v.get(f"/api/studies/{sid}/runs/{rid}").status_code == 403  # run details: analysts


def test_small_count_suppressed_for_viewers(server):
    a = server.client("analyst")
    sid = make_study(a, files=study_files(table=table_csv(dict(TABLE, x1=[0, 3, 10, 20]))))
    run_and_wait(server, a, sid)
    v = server.client("viewer")
    iv = {i["code"]: i for i in v.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[1]}").json()["indicators"]}
    assert iv["x1"]["value"] == "<5"
    # the column holds a small count: no area shows a viewer x1's normalised value or contribution
    for code in CODES:
        x1 = next(i for i in v.get(f"/api/studies/{sid}/rounds/{Y}/areas/{code}").json()["indicators"] if i["code"] == "x1")
        assert x1["normalised"] is None and x1["contribution"] is None
    ia = {i["code"]: i for i in a.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[1]}").json()["indicators"]}
    assert ia["x1"]["value"] == "3"


def test_failed_run_keeps_last_good_published(server):
    a = server.client("analyst")
    sid = make_study(a)
    first = run_and_wait(server, a, sid)
    # break the accepted version behind the server's back: the next run fails
    vdir = server.data / "studies" / str(sid) / str(Y) / "v1"
    (vdir / "data.csv").unlink()
    second = run_and_wait(server, a, sid)
    assert second["status"] == "failed" and second["findings"]
    assert a.get(f"/api/studies/{sid}").json()["rounds"][0]["published_run"] == first["id"]
    assert a.get(f"/api/studies/{sid}/rounds/{Y}/summary").json()["run"] == first["id"]
    assert (server.data / "runs" / str(first["id"]) / "run.json").is_file()


def test_comparison_between_years(server):
    a = server.client("analyst")
    sid = make_study(a, 2024)
    run_and_wait(server, a, sid, 2024)
    assert a.post(f"/api/studies/{sid}/rounds", json={"year": 2025}).json()["version"] == 1  # copied forward
    # 2025: Charlie (Bahaya) improves: x1 10 → 0, x2 0 → 4, x3 5 → 1 gives the same values as Alfa
    up = a.post(f"/api/studies/{sid}/rounds/2025/uploads", data={"kind": "table"},
                files=[("file", ("data.csv", table_csv(dict(x1=[0, 5, 0, 20], x2=[4, 2, 4, 4], x3=[1, 3, 1, 3]))))]).json()
    assert up["n_errors"] == 0, up
    a.post(f"/api/studies/{sid}/rounds/2025/uploads/{up['id']}/accept")
    run_and_wait(server, a, sid, 2025)
    cmp = server.client("viewer").get(f"/api/studies/{sid}/compare", params={"old": 2024, "new": 2025}).json()
    rows = {r["code"]: r for r in cmp["areas"]}
    assert rows[CODES[2]]["old"] == "Bahaya" and rows[CODES[2]]["change"] == "better"
    assert cmp["summary"]["better"] >= 1 and sum(cmp["summary"].values()) == 4
    prof = a.get(f"/api/studies/{sid}/rounds/2025/areas/{CODES[2]}").json()
    assert [h["year"] for h in prof["history"]] == [2024, 2025] and prof["history"][0]["class"] == "Bahaya"


def test_rollup_counts_per_kabupaten(server):
    a = server.client("analyst")
    sid = make_study(a)
    run_and_wait(server, a, sid)
    r = server.client("viewer").get("/api/rollup").json()
    assert r["rows"] == [{"region": "19.71", "studies": ["Kota Uji"], "Bahaya": 1, "Waspada": 0, "Siaga": 2, "Aman": 1,
                          "none": 0, "total": 4}]
    assert r["total"]["total"] == 4 and r["sections"] == []
    assert server.client("viewer").get("/api/rollup", params={"level": 1}).json()["rows"][0]["region"] == "19"
    assert len(server.client("viewer").get("/api/rollup/map").json()["features"]) == 4


def test_data_entry_scoped_and_validated(server):
    a = server.client("analyst")
    sid = make_study(a)
    e = server.client("entry")  # scope: 19.71.01.1001 only
    sheet = e.get(f"/api/studies/{sid}/rounds/{Y}/entry").json()
    assert [x["code"] for x in sheet["areas"]] == [CODES[0]]
    assert [i["code"] for i in sheet["indicators"]] == ["x1", "x2", "x3"]
    assert e.put(f"/api/studies/{sid}/rounds/{Y}/entry/{CODES[1]}", json={"values": {"x1": "7"}}).status_code == 403
    bad = e.put(f"/api/studies/{sid}/rounds/{Y}/entry/{CODES[0]}", json={"values": {"x1": "-2"}})
    assert bad.status_code == 422
    assert [(f["row"], f["column"]) for f in bad.json()["findings"] if f["level"] == "error"] == [(2, "x1")]
    assert a.get(f"/api/studies/{sid}").json()["rounds"][0]["version"] == 1
    ok = e.put(f"/api/studies/{sid}/rounds/{Y}/entry/{CODES[0]}", json={"values": {"x1": "2", "x3": "1,5"}})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    sheet = a.get(f"/api/studies/{sid}/rounds/{Y}/entry").json()
    assert [x["values"] for x in sheet["areas"] if x["code"] == CODES[0]] == [{"x1": 2.0, "x2": 4.0, "x3": 1.5}]
    assert len(sheet["areas"]) == 4
    assert server.client("viewer").get(f"/api/studies/{sid}/rounds/{Y}/entry").status_code == 403
    assert e.put(f"/api/studies/{sid}/rounds/{Y}/entry/{CODES[0]}", json={"values": {"nope": "1"}}).status_code == 422


def test_people_roles_and_audit(server):
    ad = server.client("admin")
    r = ad.post("/api/users", json={"username": "lina", "password": "kelurahan-secret", "role": "entry",
                                    "scopes": ["19.71.01"]})
    assert r.status_code == 201
    uid = r.json()["id"]
    assert ad.post("/api/users", json={"username": "x", "password": "long enough pw", "role": "entry"}).status_code == 422
    assert ad.post("/api/users", json={"username": "y", "password": "short", "role": "viewer"}).status_code == 422
    assert ad.post("/api/users", json={"username": "z", "password": "long enough pw", "role": "root"}).status_code == 422
    assert ad.patch(f"/api/users/{uid}", json={"role": "viewer"}).json()["role"] == "viewer"
    users = {u["username"]: u for u in ad.get("/api/users").json()}
    assert users["lina"]["role"] == "viewer"
    me = ad.get("/api/me").json()
    assert ad.patch(f"/api/users/{users['admin']['id']}", json={"role": "viewer"}).status_code == 409  # last admin
    assert me["role"] == "admin"
    for who in ("analyst", "viewer", "entry"):
        c = server.client(who)
        assert c.get("/api/users").status_code == 403 and c.get("/api/audit").status_code == 403
        assert c.patch(f"/api/users/{uid}", json={"role": "admin"}).status_code == 403
    actions = [x["action"] for x in ad.get("/api/audit").json()]
    assert {"login", "user_create", "role_change"} <= set(actions)
    a = server.client("analyst")
    sid = make_study(a)
    run_and_wait(server, a, sid)
    rid = a.get(f"/api/studies/{sid}").json()["rounds"][0]["published_run"]
    a.get(f"/api/studies/{sid}/runs/{rid}/files/petarawan.xlsx")
    server.client().post("/api/login", json={"username": "analyst", "password": "not the password"})
    log = ad.get("/api/audit").json()
    seen = {x["action"] for x in log}
    assert {"upload", "upload_accept", "run", "download", "login_failed", "study_create", "round_create"} <= seen
    dl = next(x for x in log if x["action"] == "download")
    assert dl["username"] == "analyst" and dl["target"].endswith("petarawan.xlsx")
    assert ad.get("/api/audit", params={"action": "download"}).json()[0]["action"] == "download"


def test_logout_ends_session(server):
    c = server.client("viewer")
    assert c.post("/api/logout").status_code == 200
    c.cookies.clear()
    assert c.get("/api/studies").status_code == 401


def test_restart_marks_interrupted_run_failed_and_requeues_queued(server):
    from petarawan.server.db import Round, Run, sessions

    a = server.client("analyst")
    sid = make_study(a)
    with sessions(server.app.state.engine)() as db:
        rnd = db.query(Round).filter_by(study_id=sid).one()
        db.add_all([Run(round_id=rnd.id, version=1, status="running", username="analyst", progress=[], findings=[],
                        class_counts={}),
                    Run(round_id=rnd.id, version=1, status="queued", username="analyst", progress=[], findings=[],
                        class_counts={})])
        db.commit()
    server.app.state.worker.recover()
    server.wait()
    runs = {r["status"] for r in a.get(f"/api/studies/{sid}").json()["rounds"][0]["runs"]}
    interrupted = [r for r in a.get(f"/api/studies/{sid}").json()["rounds"][0]["runs"] if r["status"] == "failed"]
    assert runs == {"failed", "succeeded"} and interrupted[0]["findings"][0]["code"] == "interrupted"


def test_profile_lists_completed_activities_from_the_track_store(server, tmp_path):
    from petarawan.track import TrackStore

    store = tmp_path / "petarawan.sqlite"
    with TrackStore(store) as t:
        t.add_activity(CODES[1], "rapat_kerja", "2025-03-04", exposed=2, not_exposed=1, facilitators=0, spend=150000)
        t.add_activity(CODES[1], "monev", "2025-06-01", not_exposed=12)
        t.add_activity(CODES[2], "monev", "2025-06-02", not_exposed=7)
    a = server.client("analyst")
    sid = make_study(a, files=study_files() + [("file", ("petarawan.sqlite", store.read_bytes()))])
    run_and_wait(server, a, sid)
    got = a.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[1]}").json()["activities"]
    assert [(x["date"], x["activity"], x["participants"], x["spend"]) for x in got] == [
        ("2025-03-04", "rapat_kerja", "3", 150000.0), ("2025-06-01", "monev", "12", 0.0)]
    seen = server.client("viewer").get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[1]}").json()["activities"]
    assert [x["participants"] for x in seen] == ["<5", "12"] and "spend" not in seen[0]
    # any other .sqlite name is refused
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                files=study_files() + [("file", ("server.sqlite", b"x"))])
    assert up.json()["n_errors"] == 1 and up.json()["findings"][0]["code"] == "bad_file_name"


def test_contributions_only_where_they_add_up():
    from petarawan.server.views import weights_used

    two = {"method_steps": [
        {"step": "weighting", "params": {"level": "indicator", "dimension": "s", "weights": {"x1": 0.25, "x2": 0.75}}},
        {"step": "weighting", "params": {"level": "dimension", "weights": {"s": 1.0}}},
        {"step": "aggregation", "method": "arithmetic"}, {"step": "aggregation", "method": "arithmetic"}],
        "config": {"dimensions": [{"code": "s"}]}}
    assert weights_used(two) == ({"s": {"x1": 0.25, "x2": 0.75}}, {"s": 1.0})
    geometric = {**two, "method_steps": two["method_steps"][:3] + [{"step": "aggregation", "method": "geometric"}]}
    assert weights_used(geometric) is None
    deeper = {**two, "config": {"dimensions": [{"code": "s", "parent": "top"}, {"code": "top"}]}}
    assert weights_used(deeper) is None


def test_config_upload_as_a_zipped_study_folder(server):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for _, (name, data, *_rest) in study_files():
            zf.writestr(f"studi-saya/{name}", data)
        zf.writestr("studi-saya/input/extra.csv", "a,b\n")
        zf.writestr("studi-saya/README.md", "not read")
        zf.writestr("studi-saya/../../escape.csv", "x")
        zf.writestr("studi-saya/.hidden/x.csv", "x")
    a = server.client("analyst")
    sid = a.post("/api/studies", json={"name": "Zip"}).json()["id"]
    a.post(f"/api/studies/{sid}/rounds", json={"year": Y})
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                files=[("file", ("studi.zip", buf.getvalue()))]).json()
    assert up["n_errors"] == 0, up
    assert sorted(up["files"]) == ["areas.geojson", "data.csv", "input/extra.csv", "petarawan.toml"]
    assert not any(server.data.rglob("escape.csv"))


def test_a_new_table_may_switch_between_csv_and_xlsx(server):
    # tester finding 22: an XLSX table was refused because the study's table was a CSV
    import csv
    import io

    from openpyxl import Workbook

    a = server.client("analyst")
    sid = make_study(a)
    before = a.get(f"/api/studies/{sid}").json()["rounds"][0]["version"]
    good = dict(TABLE, x1=[0, 5, 10, 30])
    wb = Workbook()
    for row in csv.reader(io.StringIO(table_csv(good).decode("utf-8"))):
        wb.active.append([int(c) if c.lstrip("-").isdigit() else c for c in row])   # codes stay text
    buf = io.BytesIO()
    wb.save(buf)
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"},
                files=[("file", ("indikator_final.xlsx", buf.getvalue(),
                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))]).json()
    assert up["n_errors"] == 0, up["findings"]
    acc = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{up['id']}/accept").json()
    new = server.data / "studies" / str(sid) / str(Y) / f"v{before + 1}"
    assert acc["version"] == before + 1 and (new / "data.xlsx").is_file()
    assert 'file = "data.xlsx"' in (new / "petarawan.toml").read_text(encoding="utf-8")
    old = server.data / "studies" / str(sid) / str(Y) / f"v{before}"
    assert 'file = "data.csv"' in (old / "petarawan.toml").read_text(encoding="utf-8")   # earlier version untouched
