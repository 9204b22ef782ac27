"""The schema: migrations match the models, constraints hold, SQLite runs with FKs and WAL."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import make_url, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

import models  # noqa: F401
from models import Plan, Task
from models.db import get_engine, serialized_writes, session_scope


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
    with pytest.raises(RuntimeError), session_scope() as sess:
        sess.add(Plan(code="p", title="规划"))
        sess.flush()
        raise RuntimeError("boom")
    with session_scope() as sess:
        assert sess.get(Plan, 1) is None


_HOLDER = """
import sys, time
from models.db import serialized_writes, session_scope
with session_scope(sys.argv[1]) as session:
    with serialized_writes(session):
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))  # room for the other writer to try (and be made to wait)
        last_moment_held = time.monotonic()  # the system-wide clock: comparable across processes
print(last_moment_held, flush=True)
"""


def test_sqlite_writers_in_other_processes_wait_their_turn(db_url: str, db_kind: str) -> None:
    """Portal workers queue on the database's lock file: a second process's writer waits for the first to
    finish, then writes. Checked by order (it got the lock after the holder's last moment), not by duration:
    how fast it is woken is the portal benchmark's business."""
    if db_kind != "sqlite":
        pytest.skip("SQLite's cross-process write queue")
    root = Path(__file__).resolve().parents[2]
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, db_url, "1.0"], cwd=root, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with session_scope(db_url) as sess, serialized_writes(sess):
            acquired = time.monotonic()
            sess.add(Plan(code="after", title="规划"))
        holder_last_moment = float(holder.stdout.readline())
        assert holder.wait(600) == 0
    finally:
        holder.kill()
    assert acquired > holder_last_moment
    assert Path(f"{make_url(db_url).database}-writers.lock").exists()
    with session_scope(db_url) as sess:
        assert sess.exec(select(Plan).where(Plan.code == "after")).one()


def test_a_new_sqlite_database_and_its_wal_files_are_private(tmp_path: Path, usual_umask: None) -> None:
    """The database holds channel URLs with their passwords: 0600 files in a 0700 folder duban made."""
    import os
    import stat

    from models.db import dispose_engines, migrate

    path = tmp_path / "fresh" / "duban.db"
    url = f"sqlite:///{path}"
    try:
        migrate(url)
        with session_scope(url) as sess:
            sess.add(Plan(code="p", title="规划"))
        with get_engine(url).connect() as conn:  # a reader keeps the -wal and -shm files in place
            conn.execute(text("SELECT 1"))
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
    finally:
        dispose_engines()
    assert {"duban.db", "duban.db-wal", "duban.db-shm"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    os.chmod(path, 0o644)  # a database made by an older duban is made private when opened
    try:
        get_engine(url).connect().close()
    finally:
        dispose_engines()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_migration_0005_makes_existing_accounts_admins(db_kind: str, tmp_path: Path) -> None:
    if db_kind != "sqlite":
        pytest.skip("the upgrade path is the same DDL on PostgreSQL; checked on a fresh SQLite file")
    from alembic import command

    from models.db import alembic_config, dispose_engines

    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0004")
    with get_engine(url).begin() as conn:
        conn.execute(text("INSERT INTO officeuser (username, password_hash, roles, session_version, created_at) "
                          "VALUES ('old', 'x', '[]', 1, '2026-01-01')"))
    command.upgrade(cfg, "head")
    with get_engine(url).connect() as conn:
        assert conn.execute(text("SELECT role, disabled FROM officeuser")).one() == ("admin", 0)
        assert conn.execute(text("SELECT count(*) FROM auditentry")).scalar() == 0
    dispose_engines()
