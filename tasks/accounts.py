"""Coordination-office accounts for the dashboard: bcrypt-hashed passwords, nothing else stored."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import bcrypt
from sqlmodel import Session, col, select

from models import OfficeUser
from tasks import lockouts
from tasks.errors import AccessDenied, ValidationFailed

MIN_PASSWORD = 8
ROLE_OFFICE = "office"
BCRYPT_COST = 12  # bcrypt's own default; the stand-in hash below uses the same, so timing does not reveal names


@cache
def _dummy_hash(cost: int) -> bytes:
    """A real hash, of the same cost as users' hashes, to compare against when the user does not exist."""
    return bcrypt.hashpw(b"duban-no-such-user", bcrypt.gensalt(rounds=cost))


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` (bcrypt reads at most 72 bytes, so longer ones are refused)."""
    raw = password.encode("utf-8")
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(f"password too short: at least {MIN_PASSWORD} characters")
    if len(raw) > 72:
        raise ValidationFailed("password too long: at most 72 bytes")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds=BCRYPT_COST)).decode("ascii")


def add_user(session: Session, username: str, password: str, roles: list[str] | None = None,
             replace: bool = False) -> OfficeUser:
    """Create an office user (or, with ``replace``, set a new password for an existing one, which also ends
    every session the user has open)."""
    username = username.strip()
    if not username:
        raise ValidationFailed("username must not be empty")
    user = session.exec(select(OfficeUser).where(OfficeUser.username == username)).first()
    if user is not None and not replace:
        raise ValidationFailed(f"user {username!r} already exists (use --replace to set a new password)")
    if user is None:
        user = OfficeUser(username=username, password_hash="", roles=roles or [ROLE_OFFICE])
    elif user.id is not None:
        user.session_version += 1
    user.password_hash = hash_password(password)
    session.add(user)
    session.commit()
    return user


def authenticate(session: Session, username: str, password: str) -> OfficeUser:
    """The user if the password matches; AccessDenied (one message for both cases) otherwise."""
    user = session.exec(select(OfficeUser).where(OfficeUser.username == username.strip())).first()
    raw = password.encode("utf-8")[:72]
    stored = user.password_hash.encode("ascii") if user else _dummy_hash(BCRYPT_COST)
    if not bcrypt.checkpw(raw, stored) or user is None:
        raise AccessDenied("用户名或密码错误。")
    return user


def sign_in(session: Session, username: str, password: str, address: str, now: datetime | None = None) -> OfficeUser:
    """authenticate(), throttled: refused while the name or the client address is locked by repeated wrong
    passwords (TooManyAttempts, saying when to try again); a wrong password is counted, a right one clears."""
    attempt = lockouts.Attempt(username=username, address=address)
    lockouts.check(session, attempt, now)
    try:
        user = authenticate(session, username, password)
    except AccessDenied:
        lockouts.record_failure(session, attempt, now)
        raise
    lockouts.record_success(session, attempt)
    return user


def user_named(session: Session, username: str) -> OfficeUser | None:
    """The office user with this login name, or None."""
    return session.exec(select(OfficeUser).where(col(OfficeUser.username) == username)).first()


def end_sessions(session: Session, username: str) -> None:
    """Revoke every session cookie of ``username`` (logout): they carry the old session version."""
    user = session.exec(select(OfficeUser).where(OfficeUser.username == username)).first()
    if user is not None:
        user.session_version += 1
        session.add(user)
        session.commit()
