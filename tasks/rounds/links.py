"""Signed, expiring, revocable per-unit portal links (the unit's only credential)."""

from __future__ import annotations

import logging
import os
import re
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from config import Settings, get_settings
from models import AccessLink, Department, ReportingRound
from models.base import as_utc, id_of, utcnow
from models.files import create_private, private_dir
from tasks.errors import AccessDenied, NotFound

SALT = "duban-unit-link"
_TOKEN_IN_PATH = re.compile(r"(/u/)[A-Za-z0-9_\-.]{12,}")
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9_\-.]{12,}", re.IGNORECASE)
log = logging.getLogger("duban.links")
_BY_NONCE = (select(AccessLink, Department).join(Department, col(Department.id) == AccessLink.department_id)
             .where(AccessLink.nonce == bindparam("nonce")))  # built once, bound per request


def secret_key(settings: Settings | None = None) -> str:
    """The signing secret: settings.secret_key, else one generated once into data_dir (mode 0600)."""
    settings = settings or get_settings()
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    private_dir(path.parent)
    # written whole under a private name, then linked into place: processes starting together (portal
    # workers) never read a half-written key, and the first link wins for all of them
    draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = create_private(draft)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
        os.link(draft, path)
        log.info("generated a new secret key in %s", path)
    except FileExistsError:
        pass  # another process was first: use its key
    finally:
        draft.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


def _serializer() -> URLSafeTimedSerializer:
    return _serializer_for(secret_key())


@lru_cache(maxsize=8)
def _serializer_for(secret: str) -> URLSafeTimedSerializer:
    """One serializer per secret (it derives its signing key once, not on every request)."""
    return URLSafeTimedSerializer(secret, salt=SALT)


def sign(link: AccessLink) -> str:
    """The token that stands for ``link`` in a URL or a Bearer header."""
    return _serializer().dumps({"n": link.nonce})


def digest_links(session: Session, department_ids: list[int], now: datetime | None = None) -> dict[int, str]:
    """Each unit's own portal address for its reminder digest: its newest still-valid link not tied to a
    round (one query for all), a new link for each unit without one."""
    now = now or utcnow()
    found: dict[int, str] = {}
    query = (select(AccessLink).where(col(AccessLink.department_id).in_(department_ids or [0]),
                                      col(AccessLink.revoked_at).is_(None), col(AccessLink.round_id).is_(None))
             .order_by(col(AccessLink.id).desc()))
    for link in session.exec(query):
        if link.department_id not in found and as_utc(link.expires_at) > now + timedelta(days=1):
            found[link.department_id] = link_url(sign(link))
    days = get_settings().link_valid_days
    new = [AccessLink(department_id=dept_id, nonce=secrets.token_urlsafe(24), expires_at=now + timedelta(days=days))
           for dept_id in department_ids if dept_id not in found]
    if new:  # one flush for every unit that has no link yet (a first sweep over 1,000 units)
        session.add_all(new)
        session.flush()
        found.update((link.department_id, link_url(sign(link))) for link in new)
    return found


def link_url(token: str) -> str:
    """The unit's personal portal address."""
    return get_settings().portal_base_url.rstrip("/") + "/u/" + token


def issue_link(session: Session, department: Department, round_: ReportingRound | None = None,
               valid_days: int | None = None) -> tuple[AccessLink, str]:
    """Create a new link for a unit (optionally tied to a round); returns the row and its token."""
    days = valid_days if valid_days is not None else get_settings().link_valid_days
    link = AccessLink(department_id=id_of(department), round_id=round_.id if round_ else None,
                      nonce=secrets.token_urlsafe(24), expires_at=utcnow() + timedelta(days=days))
    session.add(link)
    session.flush()
    return link, sign(link)


def current_link(session: Session, department: Department, round_: ReportingRound | None = None,
                 now: datetime | None = None) -> tuple[AccessLink, str]:
    """A still-valid link for the unit and round, reused if one exists, else a new one."""
    now = now or utcnow()
    query = select(AccessLink).where(AccessLink.department_id == department.id,
                                     col(AccessLink.revoked_at).is_(None))
    if round_ is not None:
        query = query.where(AccessLink.round_id == round_.id)
    else:
        query = query.where(col(AccessLink.round_id).is_(None))
    for link in session.exec(query.order_by(col(AccessLink.id).desc())):
        if as_utc(link.expires_at) > now + timedelta(days=1):
            return link, sign(link)
    return issue_link(session, department, round_)


def resolve_unit(session: Session, token: str, now: datetime | None = None) -> tuple[AccessLink, Department]:
    """The link a token stands for and its unit, in one query; AccessDenied (Chinese message) if the token
    is tampered, expired or revoked."""
    max_age = int(timedelta(days=max(get_settings().link_valid_days, 1) * 5).total_seconds())
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise AccessDenied("链接已过期，请联系协调办公室获取新链接。") from None
    except BadSignature:
        raise AccessDenied("链接无效（可能被截断或篡改），请使用通知中的完整链接。") from None
    nonce = payload.get("n") if isinstance(payload, dict) else None
    row = session.exec(_BY_NONCE, params={"nonce": nonce}).first() if nonce else None
    if row is None:
        raise AccessDenied("链接无效，请使用通知中的完整链接。")
    link, department = row
    if link.revoked_at is not None:
        raise AccessDenied("链接已被撤销，请联系协调办公室获取新链接。")
    if as_utc(link.expires_at) <= (now or utcnow()):
        raise AccessDenied("链接已过期，请联系协调办公室获取新链接。")
    return link, department


def resolve(session: Session, token: str, now: datetime | None = None) -> AccessLink:
    """The link a token stands for; AccessDenied (Chinese message) if tampered, expired or revoked."""
    return resolve_unit(session, token, now)[0]


def revoke(session: Session, department: Department, round_: ReportingRound | None = None,
           token: str | None = None) -> int:
    """Revoke one link (by token) or every live link of a unit (optionally only a round's); count."""
    query = select(AccessLink).where(AccessLink.department_id == department.id,
                                     col(AccessLink.revoked_at).is_(None))
    if round_ is not None:
        query = query.where(AccessLink.round_id == round_.id)
    if token is not None:
        try:
            nonce = _serializer().loads(token).get("n")
        except (BadSignature, AttributeError):
            raise NotFound("no such link") from None
        query = query.where(AccessLink.nonce == nonce)
    links = list(session.exec(query))
    for link in links:
        link.revoked_at = utcnow()
        session.add(link)
    session.flush()
    return len(links)


def mask_tokens(text: str) -> str:
    """Hide unit tokens in a URL path or an Authorization header (for access logs)."""
    return _BEARER.sub(r"\1****", _TOKEN_IN_PATH.sub(r"\1****", text))
