"""The server's store: SQLAlchemy 2 tables and the Alembic migrations that create them.

The database holds people, sessions, the audit log, studies, yearly rounds, uploads and runs.
Files (study inputs, run outputs) live under the data folder (:mod:`petarawan.server.files`); the
database records which version of a round is current and which run is published, so switching
to a new version is one database transaction.

URL: ``--db`` or ``PETARAWAN_DATABASE_URL``; default ``sqlite:///petarawan-server.sqlite``.
PostgreSQL works through ``postgresql+psycopg://user:pass@host/db``.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

DEFAULT_URL = "sqlite:///petarawan-server.sqlite"
ROLES = ("admin", "analyst", "entry", "viewer")
"""admin: everything, people and the audit log; analyst: studies, uploads, runs, analysts' files;
entry: data entry for the areas in their scopes; viewer: published, public results only."""
MIGRATIONS = Path(__file__).with_name("migrations")


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def database_url(url: str | None = None) -> str:
    """``url``, else ``PETARAWAN_DATABASE_URL``, else an SQLite file in the current folder."""
    return url or os.environ.get("PETARAWAN_DATABASE_URL") or DEFAULT_URL


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """Area-code prefixes a data-entry user may edit: a kecamatan ``19.71.01`` or a kelurahan
    ``19.71.01.1008``."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=now)


class SessionRow(Base):
    __tablename__ = "session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime, default=now)
    expires: Mapped[datetime] = mapped_column(DateTime)


class LoginFailure(Base):
    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)


class Audit(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str | None] = mapped_column(String(255), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Study(Base):
    __tablename__ = "study"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """Kemendagri code of the kabupaten/kota (or province) the study covers, e.g. ``19.71``."""
    created: Mapped[datetime] = mapped_column(DateTime, default=now)


class Round(Base):
    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("study_id", "year", name="uq_round_study_year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=0)
    """Current version folder (``v<version>``); 0 = nothing accepted yet."""
    published_run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=now)


class Upload(Base):
    __tablename__ = "upload"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    filenames: Mapped[list[Any]] = mapped_column(JSON, default=list)
    base_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending → accepted | discarded."""
    n_errors: Mapped[int] = mapped_column(Integer, default=0)
    n_warnings: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    username: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime, default=now)


class Run(Base):
    __tablename__ = "run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    """queued → running → succeeded | failed."""
    progress: Mapped[list[Any]] = mapped_column(JSON, default=list)
    findings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    class_counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    username: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime, default=now)
    started: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Activity(Base):
    """A completed activity recorded in the browser by an analyst (the monitoring store of
    ``petarawan track`` remains the other source)."""

    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    area_code: Mapped[str] = mapped_column(String(32), index=True)
    activity: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str | None] = mapped_column(String(100), nullable=True)
    date: Mapped[date] = mapped_column(Date)
    participants: Mapped[int] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime, default=now)


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout so the worker
    process and the web process can write alternately."""
    url = database_url(url)
    if url.startswith("sqlite"):
        # many connections: read routes run on the event loop and must never wait for a pool slot
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20,
                               max_overflow=200, pool_timeout=10)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_con, _record):  # pragma: no cover - trivial
            cur = dbapi_con.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40, pool_timeout=10)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (programmatic ``alembic upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")


def sessions(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def get_setting(db, key: str, default: str | None = None) -> str | None:
    row = db.execute(select(Setting).where(Setting.key == key)).scalar_one_or_none()
    return row.value if row else default
