"""The office's audit trail: every state-changing portal action is recorded with who and when.

Routes call ``record`` after the domain function succeeded, in the same transaction as the request's
own writes where it has any, so a refused or failed action leaves no entry claiming it happened.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import AuditEntry

ACTION_LABELS = {
    "login": "登录", "logout": "退出", "password": "修改密码", "user_add": "新增账号", "user_disable": "停用账号",
    "plan_upload": "上传计划（预览）", "plan_import": "导入计划", "plan_cancel": "取消导入",
    "plan_info": "设置计划信息", "plan_confirm": "确认草稿计划", "review": "审核报送",
}


def record(session: Session, username: str, action: str, target: str = "", detail: str = "") -> AuditEntry:
    """Add one entry (flushed; committed with the request's transaction)."""
    entry = AuditEntry(username=username, action=action, target=target[:300], detail=detail[:1000])
    session.add(entry)
    session.flush()
    return entry


def recent(session: Session, limit: int = 200, username: str | None = None) -> list[AuditEntry]:
    """The newest entries first, optionally of one account."""
    query = select(AuditEntry).order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(limit)
    if username:
        query = query.where(AuditEntry.username == username)
    return list(session.exec(query))
