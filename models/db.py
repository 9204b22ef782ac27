"""The one place that owns the database engine, sessions and migrations."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVarTuple

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Select, event, make_url, text
from sqlalchemy.engine import Result
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, create_engine

from config import get_settings
from models.files import create_private, make_private, private_dir

try:
    import fcntl
except ImportError:  # Windows: writers of other processes queue in SQLite's busy handler instead
    fcntl = None  # type: ignore[assignment]

_Ts = TypeVarTuple("_Ts")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_engines: dict[str, Engine] = {}
_write_queues: dict[str, _WriteQueue] = {}


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """Foreign keys on, WAL journal, and a busy timeout for concurrent writers."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _private_sqlite_file(url: str) -> None:
    """Create a new SQLite database file (and its folder) private to this account, or make an existing one
    private: it holds channel URLs with passwords. SQLite gives the -wal and -shm files the database's mode."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists():
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if part.exists():
                make_private(part)
        return
    private_dir(path.parent)
    with suppress(FileExistsError):  # another process created it first
        os.close(create_private(path))  # an empty file is a valid new SQLite database


def get_engine(url: str | None = None) -> Engine:
    """Return the (cached) engine for ``url`` or the configured database."""
    url = url or get_settings().database_url
    engine = _engines.get(url)
    if engine is None:
        if url.startswith("sqlite"):
            _private_sqlite_file(url)
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
    for queue in _write_queues.values():
        queue.close()
    _write_queues.clear()


def rows(session: Session, statement: Select[*_Ts]) -> Result[*_Ts]:
    """The rows of a SQLAlchemy ``select()`` of several columns, typed column by column. sqlmodel's ``select()``
    and ``Session.exec()`` are typed for at most four columns, SQLAlchemy's for up to ten: this runs the latter in
    the session (its transaction, its autoflush) as ``Session.exec()`` would, keeping the column types."""
    return OrmSession.execute(session, statement)


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


class _WriteQueue:
    """The writers of one SQLite database queue here: this process's threads on a lock, and processes
    (``duban portal --workers``) on an flock of ``<database>-writers.lock``, so that a writer waits to be
    woken when the one before it commits instead of sleeping in SQLite's busy handler (whose back-off
    sleeps of up to 100 ms make the slow tail of a burst). SQLite's own locking still guarantees correctness:
    writers that do not queue here (other tools) fall back to it."""

    def __init__(self, database: str | None) -> None:
        self.lock = threading.RLock()
        self.depth = 0  # re-entrant: only the outermost hold takes the file lock
        in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
        self.path = None if in_memory or fcntl is None else Path(f"{database}-writers.lock")
        self.fd: int | None = None
        self.pid = 0  # the process that opened ``fd`` (a forked child must open its own to be excluded)

    def close(self) -> None:
        if self.fd is not None and self.pid == os.getpid():
            os.close(self.fd)
        self.fd = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self.lock:
            self.depth += 1
            locked: int | None = None  # the file descriptor locked, if this hold took the file lock
            try:
                if self.depth == 1 and self.path is not None:
                    if self.fd is None or self.pid != os.getpid():
                        self.fd, self.pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
                    fcntl.flock(self.fd, fcntl.LOCK_EX)  # blocks (without the GIL) until the writer before ends
                    locked = self.fd
                yield
            finally:
                if locked is not None:
                    fcntl.flock(locked, fcntl.LOCK_UN)
                self.depth -= 1


@contextmanager
def serialized_writes(session: Session) -> Iterator[None]:
    """On SQLite, one writer at a time, across this process's threads and the portal's worker processes:
    writers queue instead of sleeping in SQLite's busy handler, and a read-then-insert inside is atomic
    among them; elsewhere a no-op (PostgreSQL uses row and advisory locks)."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    url = bind.engine.url  # the session's bind is an Engine or a Connection; both know their engine
    key = str(url)
    queue = _write_queues.get(key) or _write_queues.setdefault(key, _WriteQueue(url.database))
    with queue.hold():
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
        assert raw is not None  # a checked-out connection always holds its driver's connection
        if not raw.in_transaction:  # pysqlite opens a transaction only at the first write: which holds the lock
            raw.execute("BEGIN IMMEDIATE")  # waits up to busy_timeout for other processes' writers


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration pointing at duban's migrations and ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().database_url).replace("%", "%%"))
    return cfg


def schema_missing(url: str | None = None) -> str | None:
    """Why the database is not ready for duban (no file, no schema, an older schema), or None when it is.

    Never creates anything: a missing SQLite file is reported, not made."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    target = make_url(url or get_settings().database_url)
    if (target.get_backend_name() == "sqlite" and target.database not in (None, "", ":memory:")
            and not Path(target.database).exists()):
        return "the database file does not exist"
    cfg = alembic_config(url)
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with get_engine(url).connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if not current:
        return "the database has no duban schema"
    if current != heads:
        return "the database schema is older than this version of duban"
    return None


def migrate(url: str | None = None) -> None:
    """Bring the database schema up to the newest migration (idempotent)."""
    cfg = alembic_config(url)
    with get_engine(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
