"""Column helpers shared by all tables: UTC timestamps and JSON columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    """Now, in UTC (everything is stored in UTC)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Attach UTC to a naive timestamp read back from SQLite."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def timestamp_field(nullable: bool = False, default_now: bool = True) -> Any:
    """A timezone-aware timestamp column, defaulting to now."""
    return Field(
        default_factory=utcnow if default_now else None,
        sa_column=Column(DateTime(timezone=True), nullable=nullable),
    )


def json_field(default: Any = list) -> Any:
    """A JSON column (JSON on SQLite, JSON on PostgreSQL)."""
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))
