"""Column helpers shared by all tables: UTC timestamps and JSON columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol, overload

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    """Now, in UTC (everything is stored in UTC)."""
    return datetime.now(UTC)


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
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


class Keyed(Protocol):
    """A table row with an integer primary key, ``None`` until the row is flushed."""

    @property
    def id(self) -> int | None: ...


def id_of(row: Keyed) -> int:
    """The primary key of a row that has been flushed or read from the database (typed as ``int``, not
    ``int | None``); a row not yet flushed is a programming error, reported by name."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: add it to the session and flush first")
    return row.id
