"""Reading the notification ledger for people: what was sent, to whom, and what failed."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models import Department, Notification, Plan
from models.base import as_utc
from models.notification import STATUS_FAILED, STATUS_PENDING
from tasks.errors import NotFound


def ledger_rows(session: Session, *, failed_only: bool = False, plan_code: str | None = None,
                day: date | None = None, limit: int = 50) -> list[dict]:
    """Newest ledger rows as display dicts (the channel is stored masked; secrets never stored)."""
    query = (select(Notification, Department.name).outerjoin(Department, Department.id == Notification.department_id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    if failed_only:
        query = query.where(Notification.status.in_([STATUS_FAILED, STATUS_PENDING]))
    if plan_code:
        plan_id = session.exec(select(Plan.id).where(Plan.code == plan_code)).first()
        if plan_id is None:
            raise NotFound(f"no plan with code {plan_code!r}")
        query = query.where(Notification.plan_id == plan_id)
    if day:
        query = query.where(Notification.day == day)
    rows = []
    for note, name in session.exec(query):
        sent_at = as_utc(note.sent_at)
        rows.append({"day": note.day.isoformat(), "kind": note.kind, "recipient": name or "",
                     "channel": note.channel, "status": note.status, "attempts": note.attempts,
                     "items": len(note.items or []), "error": note.error or "", "key": note.key,
                     "sent_at": sent_at.strftime("%Y-%m-%d %H:%M:%SZ") if sent_at else ""})
    return rows
