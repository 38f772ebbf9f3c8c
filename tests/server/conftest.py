"""Fixtures of the office-server tests: a migrated database (SQLite always; PostgreSQL when
``PETARAWAN_TEST_POSTGRES_URL`` points to a reachable server — see ``scripts/postgres_dev.sh``),
an application with the run worker in a thread, and one signed-in client per role."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from studyfix import CODES, CONFIG, TABLE, boundary_geojson

PASSWORD = "correct horse battery"
PG_ENV = "PETARAWAN_TEST_POSTGRES_URL"




def _postgres_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} (e.g. postgresql+psycopg://petarawan@/petarawan_test?host=/tmp) "
                    "— scripts/postgres_dev.sh starts a local server")
    from sqlalchemy import create_engine, text

    try:
        eng = create_engine(url)
        with eng.begin() as con:
            con.execute(text("DROP SCHEMA public CASCADE"))
            con.execute(text("CREATE SCHEMA public"))
        eng.dispose()
    except Exception as err:  # noqa: BLE001
        pytest.skip(f"PostgreSQL tests skipped: {PG_ENV} is set but the server is not reachable ({type(err).__name__})")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite'}"
    return _postgres_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.sqlite'}"


class Server:
    """The application with an admin; ``client(role)`` gives a signed-in TestClient."""

    def __init__(self, url: str, data: Path):
        from sqlalchemy import select  # noqa: F401

        from petarawan.server import auth
        from petarawan.server.app import create_app
        from petarawan.server.db import Setting, make_engine, migrate, sessions

        self.url, self.data = url, data
        engine = make_engine(url)
        migrate(engine)
        with sessions(engine)() as s:
            s.add(Setting(key="data_dir", value=str(data)))
            auth.create_user(s, "admin", PASSWORD, "admin")
            auth.create_user(s, "analyst", PASSWORD, "analyst")
            auth.create_user(s, "viewer", PASSWORD, "viewer")
            auth.create_user(s, "entry", PASSWORD, "entry", ["19.71.01.1001"])
            s.commit()
        engine.dispose()
        self.app = create_app(url, worker_mode="thread")

    def client(self, username: str | None = None):
        from fastapi.testclient import TestClient

        c = TestClient(self.app)
        if username:
            r = c.post("/api/login", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            c.headers["X-CSRF-Token"] = r.json()["csrf"]
        return c

    def wait(self) -> None:
        assert self.app.state.worker.wait(120)

    def close(self) -> None:
        self.app.state.worker.shutdown()
        self.app.state.engine.dispose()


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Server:
    """On SQLite, and on PostgreSQL when reachable."""
    s = Server(db_url, tmp_path / "files")
    yield s
    s.close()


@pytest.fixture
def sqlite_server(sqlite_url: str, tmp_path: Path) -> Server:
    """On SQLite only (tests whose subject is not the database)."""
    s = Server(sqlite_url, tmp_path / "files")
    yield s
    s.close()


def table_csv(rows: dict | None = None, codes=CODES) -> bytes:
    t = rows or TABLE
    lines = ["kode,x1,x2,x3"] + [f"{c},{t['x1'][i]},{t['x2'][i]},{t['x3'][i]}" for i, c in enumerate(codes)]
    return ("\n".join(lines) + "\n").encode()


def study_files(names=None, table: bytes | None = None) -> list[tuple[str, tuple[str, bytes, str]]]:
    """The 4-area hand-worked study of tests/studyfix.py as a ``config`` upload."""
    geo = boundary_geojson(names=names) if names else boundary_geojson()
    return [("file", ("petarawan.toml", CONFIG.encode(), "text/plain")),
            ("file", ("areas.geojson", json.dumps(geo).encode(), "application/geo+json")),
            ("file", ("data.csv", table or table_csv(), "text/csv"))]


def make_study(client, year: int = 2025, files=None) -> int:
    """Create a study and a round with an accepted version; returns the study id."""
    sid = client.post("/api/studies", json={"name": "Kota Uji", "region": "19.71"}).json()["id"]
    assert client.post(f"/api/studies/{sid}/rounds", json={"year": year}).status_code == 201
    up = client.post(f"/api/studies/{sid}/rounds/{year}/uploads", data={"kind": "config"},
                     files=files or study_files()).json()
    assert up["n_errors"] == 0, up
    assert client.post(f"/api/studies/{sid}/rounds/{year}/uploads/{up['id']}/accept").status_code == 200
    return sid


def xlsx_bomb() -> bytes:
    """A small .xlsx-named zip whose one member declares 300 MB of zeros (compresses ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            block = b"0" * (1 << 20)
            for _ in range(300):
                f.write(block)
    return buf.getvalue()
