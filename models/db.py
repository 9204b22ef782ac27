"""The one place that owns the database engine, sessions and migrations."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, make_url, text
from sqlmodel import Session, create_engine

from config import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_engines: dict[str, Engine] = {}
_write_locks: dict[str, threading.RLock] = {}


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys on, WAL journal, and a busy timeout for concurrent writers."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def get_engine(url: str | None = None) -> Engine:
    """Return the (cached) engine for ``url`` or the configured database."""
    url = url or get_settings().database_url
    engine = _engines.get(url)
    if engine is None:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40)
        _engines[url] = engine
    return engine


def display_url(url: str | None = None) -> str:
    """The database URL with its password hidden, for output and logs."""
    return make_url(url or get_settings().database_url).render_as_string(hide_password=True)


def dispose_engines() -> None:
    """Close every cached engine (tests switch databases between cases)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = Session(get_engine(url), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def serialized_writes(session: Session) -> Iterator[None]:
    """On SQLite, one thread of this process writes at a time: writers queue on a lock instead of
    sleeping in SQLite's busy handler (and a read-then-insert inside is atomic in-process); elsewhere a no-op."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    with _write_locks.setdefault(str(bind.url), threading.RLock()):
        yield


def lock_for_transaction(session: Session, key: tuple[int, int]) -> None:
    """Hold a write lock until the session's transaction ends, so that concurrent read-then-insert sequences on
    ``key`` run one at a time, also across processes (``duban portal --workers``): PostgreSQL an advisory lock on
    ``key``; SQLite the database's write lock, taken now (BEGIN IMMEDIATE) rather than at the first insert."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": key[0], "b": key[1]})
    elif dialect == "sqlite":
        raw = session.connection().connection.driver_connection
        if not raw.in_transaction:  # pysqlite opens a transaction only at the first write: which holds the lock
            raw.execute("BEGIN IMMEDIATE")  # waits up to busy_timeout for other processes' writers


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration pointing at duban's migrations and ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%"))
    return cfg


def migrate(url: str | None = None) -> None:
    """Bring the database schema up to the newest migration (idempotent)."""
    cfg = alembic_config(url)
    with get_engine(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
