"""Security of the office server: CSRF, role escalation, path traversal, stored XSS through area
names and labels, upload bombs, session fixation, login rate limit, Host header."""

from __future__ import annotations

import json

import pytest

from conftest import PASSWORD, make_study, study_files, table_csv, xlsx_bomb
from studyfix import CODES, CONFIG, boundary_geojson

Y = 2025
XSS_NAME = '<img src=x onerror="window.__xss=1">'
XSS_LABEL = "<script>window.__xss=2</script>"


def test_csrf_token_is_per_session_and_required_for_every_change(sqlite_server):
    a = sqlite_server.client("analyst")
    b = sqlite_server.client("analyst")
    assert a.headers["X-CSRF-Token"] != b.headers["X-CSRF-Token"]
    sid = make_study(a)
    stolen = b.headers["X-CSRF-Token"]
    a.headers["X-CSRF-Token"] = stolen  # another session's token is not this session's
    for method, path, kw in [("post", "/api/studies", {"json": {"name": "x"}}),
                             ("post", f"/api/studies/{sid}/rounds", {"json": {"year": 2026}}),
                             ("post", f"/api/studies/{sid}/rounds/{Y}/runs", {}),
                             ("put", f"/api/studies/{sid}/rounds/{Y}/entry/{CODES[0]}", {"json": {"values": {"x1": "1"}}}),
                             ("post", f"/api/studies/{sid}/rounds/{Y}/uploads", {"data": {"kind": "table"},
                                                                                  "files": [("file", ("data.csv", table_csv()))]}),
                             ("post", "/api/logout", {})]:
        assert getattr(a, method)(path, **kw).status_code == 403, path
    assert len(a.get("/api/studies").json()) == 1


def test_role_escalation_refused(sqlite_server):
    ad = sqlite_server.client("admin")
    users = {u["username"]: u["id"] for u in ad.get("/api/users").json()}
    for who in ("analyst", "entry", "viewer"):
        c = sqlite_server.client(who)
        assert c.patch(f"/api/users/{users[who]}", json={"role": "admin"}).status_code == 403
        assert c.post("/api/users", json={"username": "evil", "password": "long enough pw", "role": "admin"}).status_code == 403
    a = sqlite_server.client("analyst")
    sid = make_study(a)
    e, v = sqlite_server.client("entry"), sqlite_server.client("viewer")
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"},
                files=[("file", ("data.csv", table_csv()))]).json()
    for c in (e, v):
        assert c.post(f"/api/studies/{sid}/rounds/{Y}/uploads/{up['id']}/accept").status_code == 403
        assert c.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"},
                      files=[("file", ("data.csv", table_csv()))]).status_code == 403
        assert c.post(f"/api/studies/{sid}/rounds/{Y}/runs").status_code == 403
    # an entry user's scope 19.71.01.1001 does not cover 19.71.01.10010 (prefix without a dot)
    from petarawan.server.auth import in_scope
    from petarawan.server.db import User

    u = User(username="x", password_hash="", role="entry", scopes=["19.71.01.1001"])
    assert in_scope(u, "19.71.01.1001") and not in_scope(u, "19.71.01.10010") and not in_scope(u, "19.71.01.1002")
    k = User(username="k", password_hash="", role="entry", scopes=["19.71.01"])
    assert in_scope(k, "19.71.01.1002") and not in_scope(k, "19.71.010.1002")
    # a role change signs the user out everywhere
    assert ad.patch(f"/api/users/{users['viewer']}", json={"role": "viewer"}).status_code == 200
    assert v.get("/api/studies").status_code == 401


def test_path_traversal(sqlite_server):
    a = sqlite_server.client("analyst")
    sid = make_study(a)
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                files=study_files() + [("file", ("../../../../tmp/evil.csv", b"kode\n"))]).json()
    assert "evil.csv" in up["files"] and all("/" not in f for f in up["files"])
    staged = sqlite_server.data / "studies" / str(sid) / str(Y) / "staging" / f"u{up['id']}"
    assert (staged / "evil.csv").is_file()
    assert not any(sqlite_server.data.parent.glob("evil.csv"))
    hidden = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                    files=study_files() + [("file", (".htaccess.csv", b"1"))]).json()
    assert "htaccess.csv" in hidden["files"]  # no hidden files
    for bad in ("..", "x.exe", "x.py", "x.csv.sh"):
        r = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                   files=study_files() + [("file", (bad, b"1"))])
        assert r.status_code in (201, 422) and (r.status_code == 422 or r.json()["n_errors"] >= 1), bad
    # a configuration that names a file outside its folder
    evil = CONFIG.replace('file = "data.csv"', 'file = "../../../../etc/passwd.csv"')
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                files=[("file", ("petarawan.toml", evil.encode()))]).json()
    assert up["n_errors"] >= 1
    a.post(f"/api/studies/{sid}/rounds/{Y}/runs")
    sqlite_server.wait()
    rid = a.get(f"/api/studies/{sid}").json()["rounds"][0]["published_run"]
    for name in ("..%2F..%2Fserver.sqlite", "%2Fetc%2Fpasswd", "..%2F1%2Frun.json", "run.json%00.png"):
        assert a.get(f"/api/studies/{sid}/runs/{rid}/files/{name}").status_code == 404, name
    assert a.get("/static/..%2F..%2Fdb.py").status_code == 404
    assert a.get("/static/app.js").status_code == 200


def test_stored_xss_is_data_not_markup(sqlite_server):
    a = sqlite_server.client("analyst")
    names = [XSS_NAME, "Bravo", "Charlie", "Delta"]
    cfg = CONFIG.replace('label_id = "Kasus"', f'label_id = "{XSS_LABEL}"')
    files = [("file", ("petarawan.toml", cfg.encode())),
             ("file", ("areas.geojson", json.dumps(boundary_geojson(names=names)).encode())),
             ("file", ("data.csv", table_csv()))]
    sid = make_study(a, files=files)
    a.post(f"/api/studies/{sid}/rounds/{Y}/runs")
    sqlite_server.wait()
    v = sqlite_server.client("viewer")
    r = v.get(f"/api/studies/{sid}/rounds/{Y}/map")
    assert r.headers["content-type"].startswith("application/json")
    assert {f["properties"]["name"] for f in r.json()["features"]} >= {XSS_NAME}  # kept as text, JSON-encoded
    p = v.get(f"/api/studies/{sid}/rounds/{Y}/areas/{CODES[0]}")
    assert p.headers["content-type"].startswith("application/json") and p.json()["area"]["name"] == XSS_NAME
    assert XSS_LABEL in [i["label"] for i in p.json()["indicators"]]
    page = v.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    # the page's own code never turns data into markup
    from petarawan.server.app import STATIC

    js = (STATIC / "app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    assert "<script>" not in (STATIC / "index.html").read_text(encoding="utf-8").replace('<script src="/static/app.js" defer></script>', "")


def test_upload_bombs(sqlite_server):
    from petarawan.server import files as F

    a = sqlite_server.client("analyst")
    sid = make_study(a)
    # a declared body beyond the limit is refused before it is read
    r = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", content=b"x",
               headers={"content-length": str(F.MAX_UPLOAD_BYTES * 2), "content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413
    # a body larger than the limit without a truthful length is cut off while it streams
    old = F.MAX_UPLOAD_BYTES
    try:
        import petarawan.server.app as A
        A.MAX_UPLOAD_BYTES = 1000
        r = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "table"},
                   files=[("file", ("data.csv", b"1," * 5000))])
        assert r.status_code == 413
    finally:
        A.MAX_UPLOAD_BYTES = old
    # a zip bomb dressed as a workbook never reaches a reader
    bomb = xlsx_bomb()
    assert len(bomb) < 1024 * 1024
    up = a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"},
                files=[("file", ("petarawan.toml", CONFIG.encode())), ("file", ("data.xlsx", bomb))]).json()
    assert [f["code"] for f in up["findings"]] == ["zip_bomb"] and up["status"] == "failed"
    # too many files in one request
    many = [("file", (f"f{i}.csv", b"1")) for i in range(40)]
    assert a.post(f"/api/studies/{sid}/rounds/{Y}/uploads", data={"kind": "config"}, files=many).status_code == 400
    # a JSON body beyond 1 MB
    assert a.post("/api/studies", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                  headers={"content-type": "application/json"}).status_code == 413
    assert a.get(f"/api/studies/{sid}").json()["rounds"][0]["version"] == 1


def test_session_fixation_and_token_storage(sqlite_server):
    c = sqlite_server.client()
    planted = "attacker-chosen-session-token"
    c.cookies.set("petarawan_session", planted)
    r = c.post("/api/login", json={"username": "viewer", "password": PASSWORD})
    issued = r.cookies.get("petarawan_session")
    assert issued and issued != planted
    # a session of the same user held before a new login is not extended into the new one
    first = sqlite_server.client("viewer")
    old = first.cookies.get("petarawan_session")
    again = first.post("/api/login", json={"username": "viewer", "password": PASSWORD})
    assert again.cookies.get("petarawan_session") != old
    stale = sqlite_server.client()
    stale.cookies.set("petarawan_session", old)
    assert stale.get("/api/studies").status_code == 401
    # the database holds only digests of session tokens
    from sqlalchemy import select

    from petarawan.server.db import SessionRow, sessions

    with sessions(sqlite_server.app.state.engine)() as s:
        stored = [row.token_hash for row in s.execute(select(SessionRow)).scalars()]
    assert issued not in stored and all(len(x) == 64 for x in stored)


def test_login_rate_limit(sqlite_server):
    c = sqlite_server.client()
    codes = [c.post("/api/login", json={"username": "analyst", "password": f"wrong-{i}"}).status_code for i in range(6)]
    assert codes == [401] * 5 + [429]
    # even the right password waits out the window
    r = c.post("/api/login", json={"username": "analyst", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) == 900
    assert c.post("/api/login", json={"username": "viewer", "password": PASSWORD}).status_code == 200


def test_host_header_checked_when_configured(sqlite_server):
    from fastapi.testclient import TestClient

    from petarawan.server.app import create_app

    app = create_app(sqlite_server.url, worker_mode="thread", allowed_hosts=["127.0.0.1", "localhost"])
    c = TestClient(app, base_url="http://localhost")
    assert c.get("/healthz").status_code == 200
    assert c.get("/healthz", headers={"host": "attacker.example"}).status_code == 400
