"""The office's account pages: users and roles (admins), one's own password, and the audit trail."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from models import OfficeUser
from portal.web import check_csrf, current_user, db, office_user, render, require_admin, start_session
from tasks.errors import DubanError, ValidationFailed
from tasks.office import audit
from tasks.office.accounts import ACCOUNT_ROLES, add_user, change_password, disable_user, list_users

router = APIRouter(prefix="/office", include_in_schema=False)


def _users_page(request: Request, session: Session, user: str, error: str = "", status_code: int = 200,
                done: str = "") -> HTMLResponse:
    return render(request, "office_users.html", status_code=status_code, user=user, users=list_users(session),
                  ROLES=ACCOUNT_ROLES, error=error, done=done)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, done: str = "", user: str = Depends(require_admin),
               session: Session = Depends(db)) -> HTMLResponse:
    """Every office account with its role and state; forms to add one and to disable one."""
    return _users_page(request, session, user, done=done)


@router.post("/users", response_class=HTMLResponse)
def add_account(request: Request, username: str = Form(""), password: str = Form(""), role: str = Form("viewer"),
                csrf_token: str = Form(""), user: str = Depends(require_admin),
                session: Session = Depends(db)) -> Response:
    """Add an account (the same rules as `duban user add`); a bad name, password or role is named."""
    check_csrf(request, csrf_token)
    if len(password) < 8 or len(password.encode("utf-8")) > 72:
        return _users_page(request, session, user, "密码须为 8 个字符以上、72 字节以内。", 422)
    if not username.strip():
        return _users_page(request, session, user, "请填写用户名。", 422)
    try:
        added = add_user(session, username, password, role=role)
    except ValidationFailed as exc:
        text = f"账号“{username.strip()}”已存在。" if "already exists" in str(exc) else \
            "角色只能是管理员或查看。" if "role" in str(exc) else str(exc)
        return _users_page(request, session, user, text, 422)
    audit.record(session, user, "user_add", added.username, ACCOUNT_ROLES[added.role])
    return RedirectResponse("/office/users?done=added", status_code=303)


@router.post("/users/{username}/disable")
def disable_account(request: Request, username: str, csrf_token: str = Form(""), user: str = Depends(require_admin),
                    session: Session = Depends(db)) -> RedirectResponse:
    """Disable an account: it cannot sign in any more and its open sessions end at once."""
    check_csrf(request, csrf_token)
    disabled = disable_user(session, username, by=user)
    audit.record(session, user, "user_disable", disabled.username)
    return RedirectResponse("/office/users?done=disabled", status_code=303)


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, done: str = "", user: str = Depends(office_user)) -> HTMLResponse:
    """The form to change one's own password (any role)."""
    return render(request, "office_password.html", user=user, error="", done=bool(done))


@router.post("/password", response_class=HTMLResponse)
def password_change(request: Request, current: str = Form(""), new: str = Form(""), repeat: str = Form(""),
                    csrf_token: str = Form(""), account: OfficeUser = Depends(current_user),
                    session: Session = Depends(db)) -> Response:
    """Change one's own password; every other session of the account ends, this browser stays signed in."""
    check_csrf(request, csrf_token)
    if new != repeat:
        return render(request, "office_password.html", status_code=422, user=account.username,
                      error="两次输入的新密码不一致。", done=False)
    try:
        changed = change_password(session, account.username, current, new)
    except DubanError as exc:
        return render(request, "office_password.html", status_code=exc.http_status, user=account.username,
                      error=str(exc), done=False)
    start_session(request, changed)
    audit.record(session, changed.username, "password")
    return RedirectResponse("/office/password?done=1", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, username: str = "", user: str = Depends(office_user),
               session: Session = Depends(db)) -> HTMLResponse:
    """The newest office actions: who did what, when (Asia/Shanghai time)."""
    return render(request, "office_audit.html", user=user, entries=audit.recent(session, username=username or None),
                  LABELS=audit.ACTION_LABELS, username=username)
