"""The office's audit trail: who did what, when (every state-changing action of the portal)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import timestamp_field


class AuditEntry(SQLModel, table=True):
    """One office action: the account, the action's name, what it touched and a short detail."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field()
    username: str = Field(index=True)
    action: str = Field(index=True)
    target: str = ""
    detail: str = ""
