"""The office server's web application (FastAPI).

``create_app(url, data_dir)`` builds the application over a migrated database.  Every route
under ``/api/`` except ``/api/login`` needs a session; every state-changing request needs the
session's CSRF token; what each role may do is checked per route (:data:`CAN`).  The page
(``/``) is our own HTML, CSS and JavaScript with an SVG map drawn from GeoJSON — no CDN, no
tiles, no inline script (the Content-Security-Policy forbids it).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import shutil
from contextlib import asynccontextmanager
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..errors import Finding, InputError
from ..io.atomic import os_error_finding
from ..io.writers import jsonable
from ..privacy import suppress_count
from . import auth
from .db import ROLES, Activity, Audit, Round, Run, SessionRow, Study, Upload, User, database_url, get_setting, make_engine, now, sessions
from .files import KINDS, MAX_UPLOAD_BYTES, Incoming, Layout, copy_version, place
from .runs import Worker
from .views import RunCache, activities, compare, ikrn_completeness, profile, rollup, rollup_map

STATIC = Path(__file__).with_name("static")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PUBLIC_PATHS = {"/api/login", "/healthz"}
MAX_BODY = 1024 * 1024
"""Largest body of a request that is not an upload."""
ANALYSTS = ("admin", "analyst")
ANALYSTS_FILES = (".gpkg", ".xlsx")
"""Analysts' working files (per-area values): downloadable by analysts and admins only."""
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class Guard:
    """Pure ASGI middleware: security headers, body-size limit, and 401 for ``/api/`` requests
    without a session cookie (before any routing, so unknown routes answer 401 too)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        headers = dict(scope.get("headers") or [])
        if path.startswith("/api/") and path not in PUBLIC_PATHS:
            cookie = headers.get(b"cookie", b"").decode("latin-1")
            if f"{auth.COOKIE}=" not in cookie:
                return await _json(send, 401, {"detail": "login required / perlu masuk"})
        limit = MAX_UPLOAD_BYTES + 1024 * 1024 if path.endswith("/uploads") else MAX_BODY
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return await _json(send, 413, {"detail": "request too large / permintaan terlalu besar"})
        seen = 0

        async def limited_receive():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return msg

        async def with_headers(msg):
            if msg["type"] == "http.response.start":
                h = list(msg.get("headers", []))
                h += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                      (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                      (b"cache-control", b"no-store")]
                msg = {**msg, "headers": h}
            await send(msg)

        try:
            await self.app(scope, limited_receive, with_headers)
        except _TooLarge:
            await _json(send, 413, {"detail": "request too large / permintaan terlalu besar"})


class _TooLarge(Exception):
    pass


async def _json(send, status: int, body: dict) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                            (b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": data})


@dataclass
class Ctx:
    """The signed-in user of a request and a database session."""

    user: auth.SignedIn
    db: Session
    ip: str

    @property
    def full(self) -> bool:
        """May see every value (analysts' view)?"""
        return self.user.role in ANALYSTS


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class StudyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    region: str | None = Field(default=None, max_length=32, pattern=r"^[0-9]{2}(\.[0-9]{2})?$")


class RoundIn(BaseModel):
    year: int = Field(ge=2000, le=2100)


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=auth.MIN_PASSWORD, max_length=1024)
    role: str
    scopes: list[str] = Field(default_factory=list)


class UserPatch(BaseModel):
    role: str | None = None
    scopes: list[str] | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=auth.MIN_PASSWORD, max_length=1024)


class ActivityIn(BaseModel):
    """A completed activity: area code, what was done, programme (optional), date, participants."""

    area: str = Field(min_length=1, max_length=32)
    activity: str = Field(min_length=1, max_length=200)
    programme: str | None = Field(default=None, max_length=100)
    date: datetime.date
    participants: int = Field(ge=0, le=1_000_000)


class EntryIn(BaseModel):
    values: dict[str, str | float | int | None]


@dataclass(frozen=True)
class RunRef:
    """A run known by id only (what the hot read routes need)."""

    id: int


_ROUND_OF_YEAR = select(Round.id, Round.version, Round.published_run_id).where(
    Round.study_id == bindparam("sid"), Round.year == bindparam("year"))
_RUN_STATE = select(Run.round_id, Run.status).where(Run.id == bindparam("rid"))
_ACTIVITIES_OF_AREA = select(Activity.id, Activity.date, Activity.activity, Activity.programme,
                             Activity.participants).where(
    Activity.round_id == bindparam("round_id"), Activity.area_code == bindparam("code")).order_by(Activity.date, Activity.id)
_PAST_RUNS = select(Round.year, Round.published_run_id).where(
    Round.study_id == bindparam("sid"), Round.published_run_id.is_not(None)).order_by(Round.year)


def activity_info(aid: int, when, what: str, programme: str | None, participants: int, *, full: bool,
                  min_count: int) -> dict:
    """One recorded activity as shown: participants suppressed (1..min_count−1) unless ``full``."""
    return {"id": aid, "date": when.isoformat() if hasattr(when, "isoformat") else str(when), "activity": what,
            "programme": programme, "participants": str(participants) if full else suppress_count(participants, min_count),
            "source": "browser"}


def json_bytes(obj) -> bytes:
    """Compact UTF-8 JSON (cleaned by :func:`petarawan.io.writers.jsonable`: numpy numbers as
    numbers, NaN as null)."""
    return json.dumps(jsonable(obj), ensure_ascii=False, separators=(",", ":")).encode()


SCOPE_PATTERN = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}(\.[0-9]{4})?$"


def create_app(url: str | None = None, *, data_dir: Path | str | None = None, worker_mode: str = "process",
               allowed_hosts: list[str] | None = None) -> FastAPI:
    """The application over a migrated database.

    Parameters
    ----------
    url : str, optional
        Database URL (default: ``PETARAWAN_DATABASE_URL`` or an SQLite file).
    data_dir : path, optional
        Folder of study versions and run outputs; default: the one recorded by ``server init``.
    worker_mode : {"process", "thread"}
        Where runs execute (a child process per run, or a thread — tests).
    allowed_hosts : list of str, optional
        Host headers to answer (DNS-rebinding guard); None answers any.
    """
    url = database_url(url)
    engine = make_engine(url)
    Session_ = sessions(engine)
    with Session_() as db:
        root = data_dir or get_setting(db, "data_dir")
    if root is None:
        raise RuntimeError("database not initialised: run `petarawan server init` first")
    layout = Layout(Path(root))
    cache = RunCache()
    worker = Worker(engine, layout, url, worker_mode,
                    published=lambda rid: cache.get(layout.run(rid)))  # loaded before the first reader asks
    @asynccontextmanager
    async def lifespan(_app):
        worker.recover()
        worker.start_checker()
        yield
        worker.shutdown()

    app = FastAPI(title="petarawan server", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.add_middleware(Guard)
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=[h.strip("[]") for h in allowed_hosts])
    app.state.engine, app.state.layout, app.state.worker, app.state.cache = engine, layout, worker, cache

    # ------------------------------------------------------------------ dependencies
    # Dependencies are coroutines doing their short database reads inline: no thread hop per
    # request (reads stay fast while a run keeps a core busy); heavy routes run in threads.
    async def get_db():
        with Session_() as db:
            yield db

    async def ctx(request: Request, db: Session = Depends(get_db)) -> Ctx:
        user = auth.session_user(db, request.cookies.get(auth.COOKIE))
        if user is None:
            raise HTTPException(401, "login required / perlu masuk")
        if request.method not in SAFE_METHODS and not auth.csrf_ok(user, request.headers.get(auth.CSRF_HEADER)):
            raise HTTPException(403, "missing or wrong CSRF token / token CSRF tidak ada atau salah")
        return Ctx(user, db, request.client.host if request.client else "")

    def role(*allowed: str):
        async def check(c: Ctx = Depends(ctx)) -> Ctx:
            if c.user.role not in allowed:
                raise HTTPException(403, "not allowed for your role / tidak diizinkan untuk peran Anda")
            return c
        return check

    analyst = role(*ANALYSTS)
    admin = role("admin")

    def study_or_404(db: Session, sid: int) -> Study:
        s = db.get(Study, sid)
        if s is None:
            raise HTTPException(404, "unknown study / studi tidak dikenal")
        return s

    def round_or_404(db: Session, sid: int, year: int) -> Round:
        r = db.execute(select(Round).where(Round.study_id == sid, Round.year == year)).scalar_one_or_none()
        if r is None:
            raise HTTPException(404, "unknown round / putaran tidak dikenal")
        return r

    def published(db: Session, rnd: Round, run_id: int | None, c: Ctx) -> Run:
        """The round's published run, or (analysts) another succeeded run of the round."""
        rid = run_id if run_id is not None and c.full else rnd.published_run_id
        run = db.get(Run, rid) if rid is not None else None
        if run is None or run.round_id != rnd.id or run.status != "succeeded":
            raise HTTPException(404, "no published run yet / belum ada hasil yang diterbitkan")
        return run

    def published_ref(db: Session, sid: int, year: int, run_id: int | None, c: Ctx) -> tuple[Any, "RunRef"]:
        """(the round (``id``, ``version``), its published run — or, for analysts, another succeeded
        run of the round) with one indexed read in the usual case (hot read routes)."""
        con = db.connection()
        rnd = con.execute(_ROUND_OF_YEAR, {"sid": sid, "year": year}).first()
        if rnd is None:
            raise HTTPException(404, "unknown round / putaran tidak dikenal")
        rid = run_id if run_id is not None and c.full else rnd.published_run_id
        if rid is not None and rid != rnd.published_run_id:  # the published run is succeeded by construction
            row = con.execute(_RUN_STATE, {"rid": rid}).first()
            rid = rid if row is not None and row.round_id == rnd.id and row.status == "succeeded" else None
        if rid is None:
            raise HTTPException(404, "no published run yet / belum ada hasil yang diterbitkan")
        return rnd, RunRef(rid)

    warming: dict[int, asyncio.Future] = {}

    async def warm(run: Run | RunRef) -> None:
        """Load a run's outputs in a thread the first time (reading the GeoPackage takes a while);
        concurrent requests for the same run await that one load."""
        if cache.peek(layout.run(run.id)) is not None:
            return
        job = warming.get(run.id)
        if job is None:
            from starlette.concurrency import run_in_threadpool

            job = warming[run.id] = asyncio.ensure_future(run_in_threadpool(loaded, run))
            job.add_done_callback(lambda _j, rid=run.id: warming.pop(rid, None))
        await asyncio.shield(job)

    def loaded(run: Run | RunRef):
        try:
            return cache.get(layout.run(run.id))
        except InputError:
            raise HTTPException(410, "run outputs missing / keluaran hasil tidak ada") from None

    # ------------------------------------------------------------------ public
    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        files = {p.name: p for p in STATIC.iterdir() if p.is_file()}
        if name not in files:
            raise HTTPException(404)
        return FileResponse(files[name])

    @app.post("/api/login")
    def do_login(body: LoginIn, request: Request, db: Session = Depends(get_db)) -> JSONResponse:
        ip = request.client.host if request.client else ""
        if auth.rate_limited(db, body.username, ip):
            auth.audit(db, body.username, "login_blocked", ip=ip)
            db.commit()
            return JSONResponse({"detail": "too many failed logins, wait 15 minutes / terlalu banyak gagal masuk, tunggu 15 menit"},
                                status_code=429, headers={"Retry-After": str(int(auth.WINDOW.total_seconds()))})
        got = auth.login(db, body.username, body.password, ip, request.cookies.get(auth.COOKIE))
        if got is None:
            auth.audit(db, body.username[:64], "login_failed", ip=ip)
            db.commit()
            return JSONResponse({"detail": "wrong user name or password / nama pengguna atau kata sandi salah"},
                                status_code=401)
        user, token, csrf = got
        auth.audit(db, user.username, "login", ip=ip)
        db.commit()
        resp = JSONResponse({"username": user.username, "role": user.role, "scopes": user.scopes, "csrf": csrf})
        resp.set_cookie(auth.COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        max_age=int(auth.SESSION_LIFETIME.total_seconds()), path="/")
        return resp

    @app.post("/api/logout")
    def do_logout(request: Request, c: Ctx = Depends(ctx)) -> JSONResponse:
        auth.logout(c.db, request.cookies.get(auth.COOKIE, ""))
        auth.audit(c.db, c.user.username, "logout", ip=c.ip)
        c.db.commit()
        resp = JSONResponse({"ok": True})
        resp.delete_cookie(auth.COOKIE, path="/")
        return resp

    @app.get("/api/me")
    async def me(c: Ctx = Depends(ctx)) -> dict:
        return {"username": c.user.username, "role": c.user.role, "scopes": c.user.scopes, "csrf": c.user.csrf}

    # ------------------------------------------------------------------ people (admin)
    @app.get("/api/users")
    def users(c: Ctx = Depends(admin)) -> list[dict]:
        return [{"id": u.id, "username": u.username, "role": u.role, "scopes": u.scopes, "active": u.active}
                for u in c.db.execute(select(User).order_by(User.username)).scalars()]

    def _check_role(role_: str, scopes: list[str]) -> None:
        import re

        if role_ not in ROLES:
            raise HTTPException(422, f"role must be one of {ROLES} / peran harus salah satu dari {ROLES}")
        bad = [s for s in scopes if not re.match(SCOPE_PATTERN, s)]
        if bad or (role_ == "entry" and not scopes):
            raise HTTPException(422, "data-entry users need kecamatan (19.71.01) or kelurahan (19.71.01.1008) codes / "
                                     "petugas entri perlu kode kecamatan atau kelurahan")

    @app.post("/api/users", status_code=201)
    def add_user(body: UserIn, c: Ctx = Depends(admin)) -> dict:
        _check_role(body.role, body.scopes)
        if c.db.execute(select(User).where(User.username == body.username)).scalar_one_or_none():
            raise HTTPException(409, "user name taken / nama pengguna sudah dipakai")
        u = auth.create_user(c.db, body.username, body.password, body.role, body.scopes)
        auth.audit(c.db, c.user.username, "user_create", target=u.username, ip=c.ip, role=u.role, scopes=u.scopes)
        c.db.commit()
        return {"id": u.id, "username": u.username, "role": u.role, "scopes": u.scopes}

    @app.patch("/api/users/{uid}")
    def change_user(uid: int, body: UserPatch, c: Ctx = Depends(admin)) -> dict:
        u = c.db.get(User, uid)
        if u is None:
            raise HTTPException(404, "unknown user / pengguna tidak dikenal")
        new_role = body.role or u.role
        new_scopes = body.scopes if body.scopes is not None else list(u.scopes or [])
        _check_role(new_role, new_scopes if new_role == "entry" else [s for s in new_scopes])
        losing_admin = u.role == "admin" and (new_role != "admin" or body.active is False)
        if losing_admin and auth.count_admins(c.db) <= 1:
            raise HTTPException(409, "the last admin cannot be removed / admin terakhir tidak dapat dihapus")
        before = {"role": u.role, "scopes": u.scopes, "active": u.active}
        u.role, u.scopes = new_role, new_scopes
        if body.active is not None:
            u.active = body.active
        if body.password:
            u.password_hash = auth.hash_password(body.password)
        auth.end_sessions(c.db, u.id) if u.id != c.user.id else None
        auth.audit(c.db, c.user.username, "role_change", target=u.username, ip=c.ip, before=before,
                   after={"role": u.role, "scopes": u.scopes, "active": u.active}, password_changed=bool(body.password))
        c.db.commit()
        return {"id": u.id, "username": u.username, "role": u.role, "scopes": u.scopes, "active": u.active}

    @app.get("/api/audit")
    def audit_log(limit: int = 200, action: str | None = None, c: Ctx = Depends(admin)) -> list[dict]:
        q = select(Audit).order_by(Audit.id.desc()).limit(max(1, min(limit, 2000)))
        if action:
            q = q.where(Audit.action == action)
        return [{"id": a.id, "at": a.at.isoformat(), "username": a.username, "action": a.action, "target": a.target,
                 "detail": a.detail, "ip": a.ip} for a in c.db.execute(q).scalars()]

    # ------------------------------------------------------------------ studies and rounds
    def round_info(db: Session, r: Round, c: Ctx) -> dict:
        runs = db.execute(select(Run).where(Run.round_id == r.id).order_by(Run.id.desc())).scalars().all()
        pub = db.get(Run, r.published_run_id) if r.published_run_id else None
        info = {"year": r.year, "version": r.version, "published_run": r.published_run_id,
                "class_counts": pub.class_counts if pub else None}
        if c.full:
            info["runs"] = [run_info(x) for x in runs[:20]]
            info["uploads"] = [upload_info(u, brief=True) for u in db.execute(
                select(Upload).where(Upload.round_id == r.id).order_by(Upload.id.desc()).limit(20)).scalars()]
        return info

    @app.get("/api/studies")
    def list_studies(c: Ctx = Depends(ctx)) -> list[dict]:
        out = []
        for s in c.db.execute(select(Study).order_by(Study.name)).scalars():
            rounds = c.db.execute(select(Round).where(Round.study_id == s.id).order_by(Round.year)).scalars().all()
            out.append({"id": s.id, "name": s.name, "region": s.region,
                        "rounds": [{"year": r.year, "published_run": r.published_run_id} for r in rounds]})
        return out

    @app.post("/api/studies", status_code=201)
    def add_study(body: StudyIn, c: Ctx = Depends(analyst)) -> dict:
        s = Study(name=body.name.strip(), region=body.region)
        c.db.add(s)
        c.db.flush()
        auth.audit(c.db, c.user.username, "study_create", target=f"study:{s.id}", ip=c.ip, name=s.name)
        c.db.commit()
        return {"id": s.id, "name": s.name, "region": s.region}

    @app.get("/api/studies/{sid}")
    def get_study(sid: int, c: Ctx = Depends(ctx)) -> dict:
        s = study_or_404(c.db, sid)
        rounds = c.db.execute(select(Round).where(Round.study_id == sid).order_by(Round.year)).scalars().all()
        return {"id": s.id, "name": s.name, "region": s.region, "rounds": [round_info(c.db, r, c) for r in rounds]}

    @app.post("/api/studies/{sid}/rounds", status_code=201)
    def add_round(sid: int, body: RoundIn, c: Ctx = Depends(analyst)) -> dict:
        study_or_404(c.db, sid)
        if c.db.execute(select(Round).where(Round.study_id == sid, Round.year == body.year)).scalar_one_or_none():
            raise HTTPException(409, "round exists / putaran sudah ada")
        prev = c.db.execute(select(Round).where(Round.study_id == sid, Round.version > 0, Round.year < body.year)
                            .order_by(Round.year.desc())).scalars().first()
        r = Round(study_id=sid, year=body.year, version=0)
        if prev is not None:  # the new year starts from last year's framework, boundaries and table
            copy_version(layout.version(sid, prev.year, prev.version), layout.version(sid, body.year, 1))
            r.version = 1
        c.db.add(r)
        auth.audit(c.db, c.user.username, "round_create", target=f"study:{sid}/{body.year}", ip=c.ip,
                   copied_from=prev.year if prev else None)
        c.db.commit()
        return {"year": r.year, "version": r.version}

    # ------------------------------------------------------------------ uploads
    def upload_info(u: Upload, brief: bool = False) -> dict:
        d = {"id": u.id, "kind": u.kind, "files": u.filenames, "status": u.status, "n_errors": u.n_errors,
             "n_warnings": u.n_warnings, "username": u.username, "created": u.created.isoformat(),
             "base_version": u.base_version}
        if not brief:
            d["findings"] = u.findings
        return d

    @app.post("/api/studies/{sid}/rounds/{year}/uploads", status_code=201)
    async def upload(sid: int, year: int, request: Request, c: Ctx = Depends(analyst)) -> dict:
        # parsed by hand so that the size limit and file count are enforced while reading
        form = await request.form(max_files=12, max_fields=4)
        kind = str(form.get("kind") or "")
        files = [f for f in form.getlist("file") if hasattr(f, "filename")]
        tmp = Path(tempfile.mkdtemp(prefix="petarawan-upload-"))
        try:
            incoming, total = [], 0
            for i, f in enumerate(files):
                dst = tmp / f"{i}"
                with dst.open("wb") as out:
                    while chunk := await f.read(1024 * 1024):
                        total += len(chunk)
                        if total > MAX_UPLOAD_BYTES:
                            raise HTTPException(413, "upload too large / unggahan terlalu besar")
                        out.write(chunk)
                incoming.append(Incoming(f.filename or "", dst))
            from starlette.concurrency import run_in_threadpool

            return await run_in_threadpool(_stage_upload, c, request.query_params.get("lang", "id"), sid, year, kind,
                                           incoming)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _stage_upload(c: Ctx, lang: str, sid: int, year: int, kind: str, incoming: list[Incoming]) -> dict:
        db = c.db
        rnd = round_or_404(db, sid, year)
        if kind not in KINDS:
            raise HTTPException(422, f"kind must be one of {KINDS} / jenis harus salah satu dari {KINDS}")
        u = Upload(round_id=rnd.id, kind=kind, filenames=[], base_version=rnd.version, status="pending",
                   username=c.user.username, findings=[])
        db.add(u)
        db.flush()
        staged = layout.staging(sid, year, u.id)
        try:
            copy_version(layout.version(sid, year, rnd.version) if rnd.version else None, staged)
            u.filenames = place(staged, kind, incoming)
            findings = worker.validate(staged, lang)
        except InputError as err:
            u.filenames = [i.name[:200] for i in incoming]
            findings = [f.to_dict() for f in err.findings]
        except OSError as err:  # full disk, permissions: a finding, never a traceback
            u.filenames = [i.name[:200] for i in incoming]
            findings = [os_error_finding(err, file=str(staged)).to_dict()]
        _record_findings(u, findings)
        if u.n_errors:
            shutil.rmtree(staged, ignore_errors=True)  # a failing upload changes nothing
            u.status = "failed"
        auth.audit(db, c.user.username, "upload", target=f"study:{sid}/{year}/upload:{u.id}", ip=c.ip,
                   kind=kind, files=u.filenames, errors=u.n_errors, warnings=u.n_warnings)
        db.commit()
        return upload_info(u)

    def _record_findings(u: Upload, findings: list[dict]) -> None:
        u.findings = findings
        u.n_errors = sum(f["level"] == "error" for f in findings)
        u.n_warnings = sum(f["level"] == "warning" for f in findings)

    def upload_or_404(db: Session, sid: int, year: int, uid: int) -> tuple[Round, Upload]:
        rnd = round_or_404(db, sid, year)
        u = db.get(Upload, uid)
        if u is None or u.round_id != rnd.id:
            raise HTTPException(404, "unknown upload / unggahan tidak dikenal")
        return rnd, u

    @app.get("/api/studies/{sid}/rounds/{year}/uploads/{uid}")
    def get_upload(sid: int, year: int, uid: int, c: Ctx = Depends(analyst)) -> dict:
        return upload_info(upload_or_404(c.db, sid, year, uid)[1])

    @app.post("/api/studies/{sid}/rounds/{year}/uploads/{uid}/accept")
    def accept(sid: int, year: int, uid: int, c: Ctx = Depends(analyst)) -> dict:
        rnd, u = upload_or_404(c.db, sid, year, uid)
        if u.status != "pending":
            raise HTTPException(409, f"upload is {u.status} / unggahan sudah {u.status}")
        if u.n_errors:
            raise HTTPException(409, "an upload with errors cannot be accepted / unggahan dengan kesalahan tidak dapat diterima")
        if rnd.version != u.base_version:
            raise HTTPException(409, "the round changed since this upload; upload again / putaran berubah sejak unggahan ini; unggah ulang")
        try:
            new = _commit_version(c.db, rnd, layout.staging(sid, year, u.id))
        except OSError as err:
            f = os_error_finding(err, file=f"v{rnd.version + 1}")
            raise HTTPException(409, f.text(None)) from None
        u.status = "accepted"
        auth.audit(c.db, c.user.username, "upload_accept", target=f"study:{sid}/{year}/upload:{u.id}", ip=c.ip, version=new)
        c.db.commit()
        return {**upload_info(u), "version": new}

    def _commit_version(db: Session, rnd: Round, staged: Path) -> int:
        """Rename ``staged`` to the next version folder and record it as current (the caller
        commits).  The folder is renamed first: if the commit then fails the new folder is
        unreferenced and the round keeps its version."""
        new = rnd.version + 1
        target = layout.version(rnd.study_id, rnd.year, new)
        if target.exists():  # left by an earlier failed commit: never referenced
            shutil.rmtree(target)
        staged.rename(target)
        rnd.version = new
        return new

    @app.post("/api/studies/{sid}/rounds/{year}/uploads/{uid}/discard")
    def discard(sid: int, year: int, uid: int, c: Ctx = Depends(analyst)) -> dict:
        _, u = upload_or_404(c.db, sid, year, uid)
        if u.status != "pending":
            raise HTTPException(409, f"upload is {u.status} / unggahan sudah {u.status}")
        shutil.rmtree(layout.staging(sid, year, u.id), ignore_errors=True)
        u.status = "discarded"
        auth.audit(c.db, c.user.username, "upload_discard", target=f"study:{sid}/{year}/upload:{u.id}", ip=c.ip)
        c.db.commit()
        return upload_info(u)

    # ------------------------------------------------------------------ runs
    def run_info(r: Run) -> dict:
        return {"id": r.id, "status": r.status, "version": r.version, "progress": r.progress, "findings": r.findings,
                "class_counts": r.class_counts, "username": r.username, "created": r.created.isoformat(),
                "started": r.started.isoformat() if r.started else None,
                "finished": r.finished.isoformat() if r.finished else None}

    @app.post("/api/studies/{sid}/rounds/{year}/runs", status_code=202)
    def start_run(sid: int, year: int, c: Ctx = Depends(analyst)) -> dict:
        rnd = round_or_404(c.db, sid, year)
        if rnd.version == 0:
            raise HTTPException(409, "nothing accepted in this round yet / belum ada data yang diterima")
        r = Run(round_id=rnd.id, version=rnd.version, status="queued", username=c.user.username, progress=[],
                findings=[], class_counts={})
        c.db.add(r)
        c.db.flush()
        auth.audit(c.db, c.user.username, "run", target=f"study:{sid}/{year}/run:{r.id}", ip=c.ip, version=rnd.version)
        c.db.commit()
        worker.submit(r.id)
        return run_info(r)

    def run_or_404(db: Session, sid: int, rid: int) -> tuple[Round, Run]:
        r = db.get(Run, rid)
        rnd = db.get(Round, r.round_id) if r else None
        if r is None or rnd is None or rnd.study_id != sid:
            raise HTTPException(404, "unknown run / proses tidak dikenal")
        return rnd, r

    @app.get("/api/studies/{sid}/runs/{rid}")
    def get_run(sid: int, rid: int, c: Ctx = Depends(analyst)) -> dict:
        return run_info(run_or_404(c.db, sid, rid)[1])

    @app.get("/api/studies/{sid}/runs/{rid}/files/{name}")
    def download(sid: int, rid: int, name: str, c: Ctx = Depends(ctx)) -> FileResponse:
        rnd, r = run_or_404(c.db, sid, rid)
        if r.status != "succeeded" or (not c.full and r.id != rnd.published_run_id):
            raise HTTPException(404, "no such output / keluaran tidak ada")
        run = loaded(r)
        outputs = set(run.manifest.get("outputs", {})) | {"run.json"}
        if name not in outputs or "/" in name or "\\" in name:
            raise HTTPException(404, "no such output / keluaran tidak ada")
        if (name.endswith(ANALYSTS_FILES) or name == "run.json") and not c.full:
            raise HTTPException(403, "analysts' files: analysts and admins only / berkas analis: hanya analis dan admin")
        auth.audit(c.db, c.user.username, "download", target=f"study:{sid}/run:{rid}/{name}", ip=c.ip)
        c.db.commit()
        return FileResponse(layout.run(r.id) / name, filename=name)

    # ------------------------------------------------------------------ results
    @app.get("/api/studies/{sid}/rounds/{year}/summary")
    async def summary(sid: int, year: int, run: int | None = None, c: Ctx = Depends(ctx)) -> dict:
        rnd = round_or_404(c.db, sid, year)
        r = published(c.db, rnd, run, c)
        c.db.close()
        await warm(r)
        m = loaded(r).manifest
        cfg = m.get("config", {})
        files = sorted(n for n in m.get("outputs", {}) if c.full or n.endswith((".png", ".html")))
        return {"run": r.id, "study": m.get("study"), "year": year, "illustrative": m.get("illustrative", False),
                "data_date": cfg.get("study", {}).get("data_date", ""), "created": m.get("created"),
                "class_counts": m.get("class_counts", {}), "n_areas": m.get("n_areas"), "n_scored": m.get("n_scored"),
                "classification": cfg.get("classification", {}).get("method"), "files": files,
                "public_columns": m.get("public_columns", {})}

    @app.get("/api/studies/{sid}/rounds/{year}/map")
    async def area_map(sid: int, year: int, run: int | None = None, c: Ctx = Depends(ctx)) -> Response:
        _, r = published_ref(c.db, sid, year, run, c)
        c.db.close()  # the connection goes back to the pool before anything is awaited
        await warm(r)
        return Response(loaded(r).geojson_bytes, media_type="application/json")

    @app.get("/api/studies/{sid}/rounds/{year}/areas/{code}")
    async def area_profile(sid: int, year: int, code: str, run: int | None = None, lang: str = "id",
                           c: Ctx = Depends(ctx)) -> Response:
        rnd, r = published_ref(c.db, sid, year, run, c)
        version = rnd.version
        past = tuple((y, rid) for y, rid in c.db.connection().execute(_PAST_RUNS, {"sid": sid}))
        recorded = tuple(tuple(x) for x in c.db.connection().execute(_ACTIVITIES_OF_AREA, {"round_id": rnd.id, "code": code}))
        c.db.close()  # the connection goes back to the pool before anything is awaited
        await warm(r)
        lr = loaded(r)
        full = c.full or (c.user.role == "entry" and auth.in_scope(c.user, code))
        lang = "en" if lang == "en" else "id"
        # runs and versions never change: the whole answer is kept per run, area, view, language,
        # version and set of published years (a new publication or version makes a new key)
        key = ("profile.json", code, full, lang, version, past, recorded)
        body = lr.peek(key)
        if body is None:
            for _, rid in past:
                await warm(RunRef(rid))
            body = lr.memo(key, lambda: _profile_json(lr, r, sid, year, version, code, full, lang, past, recorded))
        if body is False:
            raise HTTPException(404, "unknown area code / kode wilayah tidak dikenal")
        return Response(body, media_type="application/json")

    def _profile_json(lr, r, sid: int, year: int, version: int, code: str, full: bool, lang: str,
                      past: tuple, recorded: tuple) -> bytes | bool:
        """The area profile as JSON bytes (False for an unknown code)."""
        prof = profile(lr, code, full=full, lang=lang)
        if prof is None:
            return False
        if not full and prof.get("plan"):
            prof["plan"] = {k: prof["plan"].get(k) for k in ("chosen", "priority")}
        history = []
        for y, rid in past:
            got = loaded(RunRef(rid)).summary(code, full=full)
            if got is not None:
                history.append({"year": y, **got})
        prof["history"] = history
        vdir = layout.version(sid, year, version)
        prof["activities"] = sorted(
            (activities(vdir, code, full=full, min_count=lr.min_count) if version else [])
            + [activity_info(*x, full=full, min_count=lr.min_count) for x in recorded], key=lambda a: a["date"])
        prof["run"], prof["year"] = r.id, year
        return json_bytes(prof)

    @app.get("/api/studies/{sid}/compare")
    def compare_years(sid: int, old: int, new: int, c: Ctx = Depends(ctx)) -> dict:
        a = published(c.db, round_or_404(c.db, sid, old), None, c)
        b = published(c.db, round_or_404(c.db, sid, new), None, c)
        return {"old": old, "new": new, **compare(loaded(a), loaded(b))}

    def latest_runs(db: Session) -> list[tuple[dict, Any]]:
        out = []
        for s in db.execute(select(Study)).scalars():
            rnd = db.execute(select(Round).where(Round.study_id == s.id, Round.published_run_id.is_not(None))
                             .order_by(Round.year.desc())).scalars().first()
            if rnd is not None:
                out.append(({"id": s.id, "name": s.name, "year": rnd.year}, loaded(db.get(Run, rnd.published_run_id))))
        return out

    @app.get("/api/rollup")
    def rollup_table(level: int = 2, lang: str = "id", c: Ctx = Depends(ctx)) -> dict:
        runs = latest_runs(c.db)
        level = 1 if level == 1 else 2
        out = rollup(runs, level=level)
        out["studies"] = [s for s, _ in runs]
        sections = (section(runs, level=level, lang="en" if lang == "en" else "id", full=c.full)
                    for section in ROLLUP_SECTIONS)
        out["sections"] = [s for s in sections if s is not None]
        return out

    maps: OrderedDict[tuple, bytes] = OrderedDict()

    @app.get("/api/rollup/map")
    def rollup_map_route(level: int | None = None, c: Ctx = Depends(ctx)) -> Response:
        runs = latest_runs(c.db)
        key = (tuple(sorted(r.out_dir.name for _, r in runs)), level if level in (0, 1, 2) else None)
        body = maps.get(key)
        if body is None:  # runs never change: one map per set of published runs and level
            body = maps[key] = json_bytes(rollup_map(runs, level=key[1]))
            while len(maps) > 8:
                maps.popitem(last=False)
        return Response(body, media_type="application/json")

    # ------------------------------------------------------------------ completed activities
    @app.get("/api/studies/{sid}/rounds/{year}/activities")
    def list_activities(sid: int, year: int, area: str | None = None, c: Ctx = Depends(ctx)) -> dict:
        """Completed activities recorded in the browser for the round (monitoring): newest first,
        participants suppressed below ``min_count`` for viewers."""
        rnd = round_or_404(c.db, sid, year)
        q = select(Activity).where(Activity.round_id == rnd.id).order_by(Activity.date.desc(), Activity.id.desc())
        if area:
            q = q.where(Activity.area_code == area)
        rows = c.db.execute(q.limit(2000)).scalars().all()
        k = _min_count(c.db, rnd)
        items = [{**activity_info(a.id, a.date, a.activity, a.programme, a.participants, full=c.full, min_count=k),
                  "area": a.area_code, **({"username": a.username} if c.full else {})} for a in rows]
        total = sum(a.participants for a in rows)
        return {"activities": items, "n": len(rows), "areas": len({a.area_code for a in rows}),
                "participants": str(total) if c.full else suppress_count(total, k)}

    def _min_count(db: Session, rnd: Round) -> int:
        if rnd.published_run_id is None:
            return 5
        got = cache.peek(layout.run(rnd.published_run_id))
        return got.min_count if got is not None else loaded(RunRef(rnd.published_run_id)).min_count

    def _area_codes(rnd: Round) -> set[str]:
        """Codes of the round's areas (its published run; else the current version's boundaries)."""
        if rnd.published_run_id is not None:
            return set(loaded(RunRef(rnd.published_run_id)).areas.index.astype(str))
        if rnd.version:
            from .entry import read_entry_table

            return {a["code"] for a in read_entry_table(layout.version(rnd.study_id, rnd.year, rnd.version))["areas"]}
        return set()

    @app.post("/api/studies/{sid}/rounds/{year}/activities", status_code=201)
    def add_activity(sid: int, year: int, body: ActivityIn, c: Ctx = Depends(analyst)) -> dict:
        rnd = round_or_404(c.db, sid, year)
        problems = []
        code = body.area.strip()
        if code not in _area_codes(rnd):
            problems.append({"field": "area", "value": code, "expected": "a code of the round's areas / kode wilayah putaran ini"})
        name = " ".join(body.activity.split())
        if not name:
            problems.append({"field": "activity", "value": "", "expected": "what was done / kegiatan yang dilakukan"})
        today = datetime.date.today()
        if body.date > today or body.date.year < year - 1:
            problems.append({"field": "date", "value": body.date.isoformat(),
                             "expected": f"{year - 1}-01-01 … {today.isoformat()}"})
        if problems:
            raise HTTPException(422, problems)
        a = Activity(round_id=rnd.id, area_code=code, activity=name[:200],
                     programme=(" ".join(body.programme.split()) or None) if body.programme else None,
                     date=body.date, participants=body.participants, username=c.user.username)
        c.db.add(a)
        c.db.flush()
        auth.audit(c.db, c.user.username, "activity_add", target=f"study:{sid}/{year}/area:{code}", ip=c.ip,
                   activity_id=a.id, date=a.date.isoformat(), participants=a.participants)
        c.db.commit()
        return {**activity_info(a.id, a.date, a.activity, a.programme, a.participants, full=True, min_count=1), "area": code}

    @app.delete("/api/studies/{sid}/rounds/{year}/activities/{aid}")
    def delete_activity(sid: int, year: int, aid: int, c: Ctx = Depends(analyst)) -> dict:
        rnd = round_or_404(c.db, sid, year)
        a = c.db.get(Activity, aid)
        if a is None or a.round_id != rnd.id:
            raise HTTPException(404, "unknown activity / kegiatan tidak dikenal")
        auth.audit(c.db, c.user.username, "activity_delete", target=f"study:{sid}/{year}/area:{a.area_code}", ip=c.ip,
                   activity_id=a.id, activity=a.activity, date=a.date.isoformat(), participants=a.participants)
        c.db.delete(a)
        c.db.commit()
        return {"ok": True}

    # ------------------------------------------------------------------ data entry
    @app.get("/api/studies/{sid}/rounds/{year}/entry")
    def entry_sheet(sid: int, year: int, c: Ctx = Depends(role("admin", "analyst", "entry"))) -> dict:
        from .entry import read_entry_table

        rnd = round_or_404(c.db, sid, year)
        if rnd.version == 0:
            raise HTTPException(409, "nothing accepted in this round yet / belum ada data yang diterima")
        sheet = read_entry_table(layout.version(sid, year, rnd.version))
        sheet["areas"] = [a for a in sheet["areas"] if auth.in_scope(c.user, a["code"])]
        sheet["version"] = rnd.version
        return sheet

    @app.put("/api/studies/{sid}/rounds/{year}/entry/{code}")
    def entry_save(sid: int, year: int, code: str, body: EntryIn, lang: str = "id",
                   c: Ctx = Depends(role("admin", "analyst", "entry"))) -> JSONResponse:
        from .entry import write_entry

        if not auth.in_scope(c.user, code):
            raise HTTPException(403, "not your area / bukan wilayah Anda")
        rnd = round_or_404(c.db, sid, year)
        if rnd.version == 0:
            raise HTTPException(409, "nothing accepted in this round yet / belum ada data yang diterima")
        u = Upload(round_id=rnd.id, kind="entry", filenames=[], base_version=rnd.version, status="pending",
                   username=c.user.username, findings=[])
        c.db.add(u)
        c.db.flush()
        staged = layout.staging(sid, year, u.id)
        try:
            copy_version(layout.version(sid, year, rnd.version), staged)
            u.filenames = [write_entry(staged, code, body.values)]
            findings = worker.validate(staged, lang)
        except InputError as err:
            findings = [f.to_dict() for f in err.findings]
        except OSError as err:
            findings = [os_error_finding(err, file=str(staged)).to_dict()]
        _record_findings(u, findings)
        ok = u.n_errors == 0
        if ok:
            new = _commit_version(c.db, rnd, staged)
            u.status = "accepted"
        else:
            shutil.rmtree(staged, ignore_errors=True)
            u.status = "discarded"
        auth.audit(c.db, c.user.username, "entry", target=f"study:{sid}/{year}/area:{code}", ip=c.ip,
                   accepted=ok, errors=u.n_errors, fields=sorted(body.values))
        c.db.commit()
        return JSONResponse({**upload_info(u), "version": rnd.version}, status_code=200 if ok else 422)

    return app


ROLLUP_SECTIONS: list = [ikrn_completeness]
"""Extra sections of the roll-up page: callables ``(runs, *, level, lang, full) -> {"title_id",
"title_en", "columns": [...], "rows": [[text, ...], ...]} | None`` (``runs``: the latest published
run of every study as ``(study, LoadedRun)``; ``level`` 1 province / 2 kabupaten-kota; ``full``:
analysts' view, else small counts suppressed).  Appended to ``/api/rollup`` ``sections`` (None =
nothing to show) and drawn as tables.  Registered: IKRN reporting completeness."""
