"""Column helpers shared by all tables: UTC timestamps and JSON columns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol, overload

from sqlalchemy import JSON, Column, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
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


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC on every database.

    SQLite keeps the wall time of an aware value and drops its zone, so a report stamped
    17:00+08:00 would read back as 17:00 UTC, eight hours late; converting on the way in keeps
    as-of cut-offs (the end of a Beijing day) right for back-filled and API-supplied times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return as_utc(value)


def timestamp_field(nullable: bool = False, default_now: bool = True) -> Any:
    """A timezone-aware timestamp column, defaulting to now."""
    return Field(
        default_factory=utcnow if default_now else None,
        sa_column=Column(UTCDateTime(), nullable=nullable),
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
