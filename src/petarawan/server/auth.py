"""People, sessions and permissions.

- Passwords: argon2id (``argon2-cffi`` defaults, RFC 9106); never stored or logged in clear.
- Sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie; only its SHA-256 is
  stored, so a copy of the database does not hand out sessions.  A new token at every login
  (no session fixation): any session the browser presented at login is deleted.
- CSRF: every state-changing request (POST, PUT, PATCH, DELETE) other than the login itself must
  carry the session's CSRF token in the ``X-CSRF-Token`` header (synchroniser-token pattern,
  OWASP CSRF Prevention Cheat Sheet); the page reads it from ``/api/me``.
- Login rate limit: after ``MAX_FAILURES`` failed logins for one user name or from one address
  within ``WINDOW`` further attempts get 429 until the window has passed.
- Roles: :data:`petarawan.server.db.ROLES`; data-entry users are scoped to area-code prefixes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from .db import ROLES, Audit, LoginFailure, SessionRow, User, now

COOKIE = "petarawan_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_LIFETIME = timedelta(hours=12)
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 10
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not-a-password-of-anyone")


class PasswordError(ValueError):
    """A password that is too short (both languages in the message)."""


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PasswordError(f"kata sandi minimal {MIN_PASSWORD} karakter / password needs at least {MIN_PASSWORD} characters")


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user costs the same time (dummy hash)."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(db: Session, username: str, password: str, role: str, scopes: list[str] | None = None) -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    user = User(username=username, password_hash=hash_password(password), role=role, scopes=list(scopes or []),
                active=True)
    db.add(user)
    db.flush()
    return user


def rate_limited(db: Session, username: str, ip: str) -> bool:
    since = now() - WINDOW
    n_user = db.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == username, LoginFailure.at >= since))
    n_ip = db.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.ip == ip, LoginFailure.at >= since))
    return n_user >= MAX_FAILURES or n_ip >= 4 * MAX_FAILURES


def login(db: Session, username: str, password: str, ip: str, old_token: str | None) -> tuple[User, str, str] | None:
    """Check the password; on success return (user, session token, CSRF token) of a new session.

    The caller checks :func:`rate_limited` first.  A failure is recorded for the rate limit."""
    user = db.execute(select(User).where(User.username == username)).scalar_one_or_none()
    ok = verify_password(user.password_hash if user and user.active else None, password)
    if old_token:
        db.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(old_token)))
    if not ok or user is None:
        db.add(LoginFailure(username=username[:64], ip=ip[:64]))
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    db.execute(delete(LoginFailure).where(LoginFailure.username == username))
    db.execute(delete(SessionRow).where(SessionRow.expires < now()))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.add(SessionRow(token_hash=_digest(token), user_id=user.id, csrf=csrf, expires=now() + SESSION_LIFETIME))
    return user, token, csrf


@dataclass(frozen=True)
class SignedIn:
    """The person behind a valid session (read in one query per request, see :func:`session_user`)."""

    id: int
    username: str
    role: str
    scopes: list
    csrf: str


_SESSION_QUERY = (select(SessionRow.csrf, SessionRow.expires, User.id, User.username, User.role, User.scopes)
                  .join(User, User.id == SessionRow.user_id)
                  .where(SessionRow.token_hash == bindparam("token_hash"), User.active.is_(True)))


def session_user(db: Session, token: str | None) -> SignedIn | None:
    """The active user of an unexpired session ``token``, else None.  One indexed query (the
    session check runs on every request, on the event loop)."""
    if not token:
        return None
    row = db.connection().execute(_SESSION_QUERY, {"token_hash": _digest(token)}).first()
    if row is None or row.expires < now():
        return None
    return SignedIn(row.id, row.username, row.role, list(row.scopes or []), row.csrf)


def logout(db: Session, token: str) -> None:
    db.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(token)))


def end_sessions(db: Session, user_id: int) -> None:
    """Sign a user out everywhere (after a role or password change)."""
    db.execute(delete(SessionRow).where(SessionRow.user_id == user_id))


def csrf_ok(signed_in: SignedIn, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(signed_in.csrf, header)


def in_scope(user: User | SignedIn, code: str) -> bool:
    """May ``user`` enter data for area ``code``?  Admins and analysts: every area; data-entry
    users: areas whose Kemendagri code equals a scope or starts with it followed by a dot."""
    if user.role in ("admin", "analyst"):
        return True
    if user.role != "entry":
        return False
    return any(code == s or code.startswith(s + ".") for s in user.scopes or [])


def audit(db: Session, username: str | None, action: str, target: str | None = None, ip: str | None = None,
          **detail) -> None:
    """Append one line to the audit log (logins, uploads, runs, downloads, role changes…)."""
    db.add(Audit(username=username, action=action, target=target, detail=detail, ip=ip))


def count_admins(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True)))


__all__ = ["COOKIE", "CSRF_HEADER", "audit", "create_user", "csrf_ok", "in_scope", "login", "logout",
           "rate_limited", "session_user", "SignedIn"]
