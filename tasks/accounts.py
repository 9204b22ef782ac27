"""Coordination-office accounts for the dashboard: bcrypt-hashed passwords, nothing else stored."""

from __future__ import annotations

import bcrypt
from sqlmodel import Session, select

from models import OfficeUser
from tasks.errors import AccessDenied, ValidationFailed

MIN_PASSWORD = 8
ROLE_OFFICE = "office"
# A real hash to compare against when the user does not exist, so timing does not reveal names.
_DUMMY_HASH = bcrypt.hashpw(b"duban-no-such-user", bcrypt.gensalt(rounds=10))


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` (bcrypt reads at most 72 bytes, so longer ones are refused)."""
    raw = password.encode("utf-8")
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(f"password too short: at least {MIN_PASSWORD} characters")
    if len(raw) > 72:
        raise ValidationFailed("password too long: at most 72 bytes")
    return bcrypt.hashpw(raw, bcrypt.gensalt()).decode("ascii")


def add_user(session: Session, username: str, password: str, roles: list[str] | None = None,
             replace: bool = False) -> OfficeUser:
    """Create an office user (or, with ``replace``, set a new password for an existing one)."""
    username = username.strip()
    if not username:
        raise ValidationFailed("username must not be empty")
    user = session.exec(select(OfficeUser).where(OfficeUser.username == username)).first()
    if user is not None and not replace:
        raise ValidationFailed(f"user {username!r} already exists (use --replace to set a new password)")
    if user is None:
        user = OfficeUser(username=username, password_hash="", roles=roles or [ROLE_OFFICE])
    user.password_hash = hash_password(password)
    session.add(user)
    session.commit()
    return user


def authenticate(session: Session, username: str, password: str) -> OfficeUser:
    """The user if the password matches; AccessDenied (one message for both cases) otherwise."""
    user = session.exec(select(OfficeUser).where(OfficeUser.username == username.strip())).first()
    raw = password.encode("utf-8")[:72]
    stored = user.password_hash.encode("ascii") if user else _DUMMY_HASH
    if not bcrypt.checkpw(raw, stored) or user is None:
        raise AccessDenied("用户名或密码错误。")
    return user
