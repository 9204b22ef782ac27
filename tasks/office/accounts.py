"""Coordination-office accounts for the dashboard: bcrypt-hashed passwords, nothing else stored."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import bcrypt
from sqlmodel import Session, col, select

from models import OfficeUser
from tasks.errors import AccessDenied, NotFound, ValidationFailed
from tasks.office import lockouts

MIN_PASSWORD = 8
ROLE_OFFICE = "office"
ROLE_ADMIN = "admin"  # 管理员: everything
ROLE_VIEWER = "viewer"  # 查看: read-only (dashboard, ledgers, reports)
ACCOUNT_ROLES = {ROLE_ADMIN: "管理员", ROLE_VIEWER: "查看"}
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


def check_role(role: str) -> str:
    """``role`` if it is one of ACCOUNT_ROLES (the Chinese names are accepted too); ValidationFailed otherwise."""
    by_label = {label: key for key, label in ACCOUNT_ROLES.items()}
    role = by_label.get(role.strip(), role.strip())
    if role not in ACCOUNT_ROLES:
        raise ValidationFailed(f"role {role!r}: use admin (管理员) or viewer (查看)")
    return role


def add_user(session: Session, username: str, password: str, roles: list[str] | None = None,
             replace: bool = False, role: str = ROLE_ADMIN) -> OfficeUser:
    """Create an office user with ``role`` (or, with ``replace``, set a new password for an existing one, which
    also ends every session the user has open)."""
    username = username.strip()
    role = check_role(role)
    if not username:
        raise ValidationFailed("username must not be empty")
    user = session.exec(select(OfficeUser).where(OfficeUser.username == username)).first()
    if user is not None and not replace:
        raise ValidationFailed(f"user {username!r} already exists (use --replace to set a new password)")
    if user is None:
        user = OfficeUser(username=username, password_hash="", roles=roles or [ROLE_OFFICE], role=role)
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
    if user.disabled:
        raise AccessDenied("该账号已停用，请联系管理员。")
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


def find_user(session: Session, username: str) -> OfficeUser:
    """The account named ``username``; NotFound otherwise."""
    user = session.exec(select(OfficeUser).where(OfficeUser.username == username.strip())).first()
    if user is None:
        raise NotFound(f"账号“{username}”不存在。")
    return user


def list_users(session: Session) -> list[OfficeUser]:
    """Every office account, by name."""
    return list(session.exec(select(OfficeUser).order_by(OfficeUser.username)))


def disable_user(session: Session, username: str, by: str) -> OfficeUser:
    """Disable an account: it can no longer sign in and every open session of it ends. An admin cannot
    disable their own account (the office would risk locking itself out)."""
    user = find_user(session, username)
    if user.username == by:
        raise ValidationFailed("不能停用自己正在使用的账号。")
    if not user.disabled:
        user.disabled = True
        user.session_version += 1
        session.add(user)
        session.commit()
    return user


def change_password(session: Session, username: str, current: str, new: str) -> OfficeUser:
    """Change one's own password after checking the current one; every other session of the account ends
    (the caller starts a fresh session for the browser that made the change)."""
    user = find_user(session, username)
    if not bcrypt.checkpw(current.encode("utf-8")[:72], user.password_hash.encode("ascii")):
        raise AccessDenied("当前密码不正确。")
    try:
        user.password_hash = hash_password(new)
    except ValidationFailed:
        raise ValidationFailed(f"新密码须为 {MIN_PASSWORD} 个字符以上、72 字节以内。") from None
    user.session_version += 1
    session.add(user)
    session.commit()
    return user
