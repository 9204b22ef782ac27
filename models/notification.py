"""The notification ledger: every message duban tried to send."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import json_field, timestamp_field

STATUS_PENDING = "pending"
STATUS_SENT = "sent"
STATUS_FAILED = "failed"


class Notification(SQLModel, table=True):
    """One digest to one channel of one recipient; ``key`` makes sweeps idempotent."""

    __table_args__ = (UniqueConstraint("key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True)
    plan_id: int | None = Field(default=None, foreign_key="plan.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    kind: str
    day: date = Field(index=True)
    channel: str
    channel_hash: str
    items: list[dict[str, Any]] = json_field()
    subject: str = ""
    body: str = ""
    status: str = Field(default=STATUS_PENDING, index=True)
    attempts: int = 0
    error: str | None = None
    created_at: datetime = timestamp_field()
    sent_at: datetime | None = timestamp_field(nullable=True, default_now=False)
