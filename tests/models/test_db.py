"""The schema: migrations match the models, constraints hold, SQLite runs with FKs and WAL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

import models  # noqa: F401
from models import Plan, Task
from models.db import get_engine, session_scope


def test_migrations_match_models(db_url: str) -> None:
    with get_engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_sqlite_has_foreign_keys_and_wal(db_url: str, db_kind: str) -> None:
    if db_kind != "sqlite":
        pytest.skip("SQLite pragmas")
    with get_engine(db_url).connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(Task(plan_id=999, code="1", text="orphan"))
    with pytest.raises(IntegrityError):
        session.commit()


def test_session_scope_rolls_back_on_error(db_url: str) -> None:
    with pytest.raises(RuntimeError):
        with session_scope() as sess:
            sess.add(Plan(code="p", title="规划"))
            sess.flush()
            raise RuntimeError("boom")
    with session_scope() as sess:
        assert sess.get(Plan, 1) is None
