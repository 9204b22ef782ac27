"""Reading the notification ledger for people: what was sent, to whom, and what failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models import Department, Notification, Plan
from models.base import as_utc
from models.notification import STATUS_FAILED, STATUS_PENDING
from tasks.errors import NotFound


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One ledger row as shown to people: dates and times as text, empty strings for what is missing."""

    day: str
    kind: str
    recipient: str
    channel: str
    status: str
    attempts: int
    items: int
    error: str
    key: str
    sent_at: str


def ledger_rows(session: Session, *, failed_only: bool = False, plan_code: str | None = None,
                day: date | None = None, limit: int = 50) -> list[LedgerRow]:
    """Newest ledger rows as display rows (the channel is stored masked; secrets never stored)."""
    query = (select(Notification, Department.name)
             .outerjoin(Department, col(Department.id) == Notification.department_id)
             .order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(limit))
    if failed_only:
        query = query.where(col(Notification.status).in_([STATUS_FAILED, STATUS_PENDING]))
    if plan_code:
        plan_id = session.exec(select(Plan.id).where(Plan.code == plan_code)).first()
        if plan_id is None:
            raise NotFound(f"no plan with code {plan_code!r}")
        query = query.where(Notification.plan_id == plan_id)
    if day:
        query = query.where(Notification.day == day)
    rows: list[LedgerRow] = []
    for note, name in session.exec(query):
        sent_at = as_utc(note.sent_at)
        rows.append(LedgerRow(day=note.day.isoformat(), kind=note.kind, recipient=name or "", channel=note.channel,
                              status=note.status, attempts=note.attempts, items=len(note.items or []),
                              error=note.error or "", key=note.key,
                              sent_at=sent_at.strftime("%Y-%m-%d %H:%M:%SZ") if sent_at else ""))
    return rows
