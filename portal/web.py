"""What every portal page shares: templates, the per-request database session, CSRF tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from anyio import CapacityLimiter
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlmodel import Session

from models import OfficeUser
from models.base import as_utc
from models.db import session_scope
from models.status import DASHBOARD_STATES, NOT_REPORTED, REVIEW_LABELS, STATES
from tasks.errors import AccessDenied
from tasks.office.accounts import ROLE_ADMIN, user_named
from tasks.plans.milestone_titles import milestone_title
from tasks.rounds.dashboard import COMPLETION_RULE
from tasks.workdays import local_time

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
LIGHTS = {"green": "绿", "yellow": "黄", "red": "红"}
ROLE_LABELS = {"lead": "牵头", "support": "配合", "responsible": "责任"}  # the one vocabulary (models.ROLE_LABELS)
CHANNEL_LABELS = {"portal": "网页", "form": "报送表", "api": "接口"}


templates.env.globals.update(LIGHTS=LIGHTS, REVIEW_LABELS=REVIEW_LABELS, ROLE_LABELS=ROLE_LABELS,
                             CHANNEL_LABELS=CHANNEL_LABELS, milestone_title=milestone_title,
                             COMPLETION_RULE=COMPLETION_RULE, STATES=STATES, NOT_REPORTED=NOT_REPORTED,
                             DASHBOARD_STATES=DASHBOARD_STATES)
# stored UTC moments as the office reads them: Asia/Shanghai (settings.timezone), to the minute
templates.env.filters["local_time"] = lambda moment: local_time(as_utc(moment)) if moment else ""
templates.env.filters["local"] = templates.env.filters["local_time"]


# submissions run two at a time in worker threads; the rest wait their turn on the event loop, in order,
# instead of many threads taking turns on the GIL and on the database's write lock (measured: 4 or more
# threads make a 50-unit burst slower on SQLite; more processes, `duban portal --workers`, make it faster)
submitters = CapacityLimiter(2)


class LoginRequired(Exception):
    """The office page or API needs a signed-in user."""


def db() -> Iterator[Session]:
    """One database session per request, committed when the request succeeds."""
    with session_scope() as session:
        yield session


def current_user(request: Request, session: Session = Depends(db)) -> OfficeUser:
    """The signed-in office account; LoginRequired (→ login page or 401) otherwise. The cookie must carry
    the user's current session version: logout, a password change and disabling raise it, ending older cookies."""
    name, version = request.session.get("user"), request.session.get("sv")
    if not name:
        raise LoginRequired
    user = user_named(session, str(name))
    if user is None or user.disabled or version != user.session_version:
        request.session.clear()
        raise LoginRequired
    request.state.role = user.role  # pages show admin-only controls from it
    return user


def office_user(user: OfficeUser = Depends(current_user)) -> str:
    """The signed-in office user's name (any role: read-only pages)."""
    return user.username


def require_admin(user: OfficeUser = Depends(current_user)) -> str:
    """The signed-in user's name if the account is an admin (管理员); AccessDenied (403) for a viewer (查看).
    Every state-changing office route and API endpoint depends on this."""
    if user.role != ROLE_ADMIN:
        raise AccessDenied("当前账号为“查看”角色（只读），无权进行此操作。")
    return user.username


def start_session(request: Request, user: OfficeUser) -> None:
    """A fresh signed session for ``user``: new CSRF token, the user's current session version."""
    request.session.clear()
    request.session.update(user=user.username, sv=user.session_version, csrf=secrets.token_urlsafe(32))


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def csrf_token(request: Request) -> str:
    """This browser session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing request whose CSRF token does not match the session's."""
    expected = request.session.get("csrf")
    if not expected or not submitted or not secrets.compare_digest(expected, submitted):
        raise AccessDenied("表单已失效（CSRF 校验失败），请刷新页面后重新提交。")


def render(request: Request, name: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    """A server-rendered page with the CSRF token at hand."""
    context.setdefault("csrf", csrf_token(request))
    context.setdefault("is_admin", getattr(request.state, "role", None) == ROLE_ADMIN)
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)


def message_page(request: Request, title: str, message: str, status_code: int,
                 problems: list[str] | None = None) -> HTMLResponse:
    """A plain Chinese page explaining why a request was refused."""
    return render(request, "message.html", status_code=status_code, title=title, message=message,
                  problems=problems or [])
