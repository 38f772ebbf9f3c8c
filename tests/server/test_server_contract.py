"""The contract of issue #11 (kept stable, used by checks), on SQLite and on PostgreSQL when one
is reachable: health, login, 401 without a session, 403 for a viewer's or a CSRF-less change."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import select

from conftest import PASSWORD


def test_healthz_without_login(server):
    r = server.client().get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_login_sets_httponly_samesite_cookie(server):
    r = server.client().post("/api/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "petarawan_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert r.json()["role"] == "admin" and len(r.json()["csrf"]) >= 32


def test_wrong_password_401(server):
    r = server.client().post("/api/login", json={"username": "admin", "password": "wrong password!"})
    assert r.status_code == 401
    assert "set-cookie" not in r.headers
    assert server.client().post("/api/login", json={"username": "nobody", "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("method,path", [
    ("get", "/api/studies"), ("get", "/api/studies/1"), ("post", "/api/studies"), ("get", "/api/studies/1/rounds/2025/map"),
    ("get", "/api/studies/1/rounds/2025/areas/19.71.01.1001"), ("post", "/api/studies/1/rounds/2025/uploads"),
    ("get", "/api/studies/..%2F..%2Fetc%2Fpasswd"), ("get", "/api/studies/nonexistent-route"), ("get", "/api/rollup"),
    ("get", "/api/users"), ("get", "/api/audit"), ("get", "/api/me"),
])
def test_no_session_401(server, method, path):
    assert getattr(server.client(), method)(path).status_code == 401


def test_forged_cookie_401(server):
    c = server.client()
    c.cookies.set("petarawan_session", "forged-token")
    assert c.get("/api/studies").status_code == 401


def test_viewer_state_change_403(server):
    v = server.client("viewer")
    assert v.get("/api/studies").status_code == 200
    assert v.post("/api/studies", json={"name": "X"}).status_code == 403
    a = server.client("analyst")
    sid = a.post("/api/studies", json={"name": "Kota Uji"}).json()["id"]
    assert v.post(f"/api/studies/{sid}/rounds", json={"year": 2025}).status_code == 403
    assert v.post(f"/api/studies/{sid}/rounds/2025/runs").status_code == 403


def test_state_change_without_csrf_403(server):
    c = server.client("admin")
    del c.headers["X-CSRF-Token"]
    assert c.post("/api/studies", json={"name": "X"}).status_code == 403
    c.headers["X-CSRF-Token"] = "wrong-token"
    assert c.post("/api/studies", json={"name": "X"}).status_code == 403
    assert c.get("/api/studies").json() == []  # nothing was created


def test_init_cli_reads_password_from_stdin(tmp_path):
    db = f"sqlite:///{tmp_path / 'office.sqlite'}"
    r = subprocess.run([sys.executable, "-m", "petarawan", "server", "init", "--db", db, "--admin", "rina"],
                       input=PASSWORD + "\n", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    from petarawan.server.auth import verify_password
    from petarawan.server.db import Setting, User, make_engine, sessions

    with sessions(make_engine(db))() as s:
        user = s.execute(select(User).where(User.username == "rina")).scalar_one()
        assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash and verify_password(user.password_hash, PASSWORD)
        assert s.get(Setting, "data_dir").value == str(tmp_path / "office-files")
    # no password on stdin → refused, nothing created
    r2 = subprocess.run([sys.executable, "-m", "petarawan", "server", "init", "--db", f"sqlite:///{tmp_path / 'b.sqlite'}",
                         "--admin", "x"], input="", capture_output=True, text=True)
    assert r2.returncode == 1 and "10" in r2.stderr
