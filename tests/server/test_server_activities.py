"""Completed activities recorded in the browser: analysts/admins only, validated, audited, shown
in the area profile (with the track store's) and in the round's monitoring list."""

from __future__ import annotations

import datetime

from conftest import make_study
from studyfix import CODES
from test_server_flow import Y, run_and_wait


def _add(client, sid, **kw):
    body = {"area": CODES[0], "activity": "Sosialisasi P4GN", "programme": "P4GN", "date": "2025-05-02",
            "participants": 23, **kw}
    return client.post(f"/api/studies/{sid}/rounds/{Y}/activities", json=body)


def test_recorded_activity_reaches_profile_and_monitoring_with_small_counts_suppressed(server):
    a = server.client("analyst")
    sid = make_study(a)
    run_and_wait(server, a, sid)
    before = a.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[0]}").json()["activities"]
    assert before == []
    r = _add(a, sid)
    assert r.status_code == 201, r.text
    assert _add(a, sid, activity="  Tes   urin  ", programme=None, date="2025-02-01", participants=3).status_code == 201
    prof = a.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[0]}").json()["activities"]   # cached profile refreshed
    assert [(x["date"], x["activity"], x["participants"]) for x in prof] == [
        ("2025-02-01", "Tes urin", "3"), ("2025-05-02", "Sosialisasi P4GN", "23")]
    v = server.client("viewer")
    seen = v.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[0]}").json()["activities"]
    assert [x["participants"] for x in seen] == ["<5", "23"]
    mon = v.get(f"/api/studies/{sid}/rounds/{Y}/activities").json()
    assert (mon["n"], mon["areas"], mon["participants"]) == (2, 1, "26")
    assert [x["activity"] for x in mon["activities"]] == ["Sosialisasi P4GN", "Tes urin"]   # newest first
    assert "username" not in mon["activities"][0]
    assert a.get(f"/api/studies/{sid}/rounds/{Y}/activities").json()["activities"][0]["username"] == "analyst"
    # removed again: gone from the profile, both steps in the audit log
    aid = r.json()["id"]
    assert a.delete(f"/api/studies/{sid}/rounds/{Y}/activities/{aid}").status_code == 200
    assert [x["participants"] for x in v.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[0]}").json()["activities"]] == ["<5"]
    log = server.client("admin").get("/api/audit", params={"action": "activity_add"}).json()
    assert len(log) == 2 and log[0]["target"] == f"study:{sid}/{Y}/area:{CODES[0]}"
    assert server.client("admin").get("/api/audit", params={"action": "activity_delete"}).json()[0]["detail"]["activity_id"] == aid


def test_activity_validation_names_field_value_and_expectation(server):
    a = server.client("analyst")
    sid = make_study(a)
    run_and_wait(server, a, sid)
    bad_area = _add(a, sid, area="19.71.09.9999")
    assert bad_area.status_code == 422 and bad_area.json()["detail"][0]["field"] == "area"
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert _add(a, sid, date=future).json()["detail"][0] == {"field": "date", "value": future,
                                                             "expected": f"{Y - 1}-01-01 … {datetime.date.today().isoformat()}"}
    assert _add(a, sid, date="2020-01-01").status_code == 422
    assert _add(a, sid, activity="   ").json()["detail"][0]["field"] == "activity"
    assert _add(a, sid, participants=-1).status_code == 422
    assert _add(a, sid, date="kemarin").status_code == 422
    assert a.get(f"/api/studies/{sid}/rounds/{Y}/activities").json()["n"] == 0   # nothing stored


def test_only_analysts_and_admins_record_activities(server):
    a = server.client("analyst")
    sid = make_study(a)
    run_and_wait(server, a, sid)
    for role in ("viewer", "entry"):
        assert _add(server.client(role), sid).status_code == 403
    assert _add(server.client("admin"), sid).status_code == 201
    aid = a.get(f"/api/studies/{sid}/rounds/{Y}/activities").json()["activities"][0]["id"]
    assert server.client("viewer").delete(f"/api/studies/{sid}/rounds/{Y}/activities/{aid}").status_code == 403
    assert a.delete(f"/api/studies/{sid}/rounds/{Y}/activities/{aid + 99}").status_code == 404
