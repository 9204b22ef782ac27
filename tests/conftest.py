"""Shared fixtures: a fresh database per test, on SQLite (default) or PostgreSQL (--db=postgres)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from config import get_settings
from flows.demo_inbox import LocalInbox
from models.db import dispose_engines, get_engine, migrate
from tests.receivers import smtp, webhook  # noqa: F401 - fixtures: real local SMTP and webhook receivers

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
DATA = Path(__file__).resolve().parent / "data"
_counter = itertools.count()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", default="sqlite", choices=["sqlite", "postgres"],
                     help="database the suite runs on (postgres starts a throwaway cluster)")


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def template_db(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated template database, made once per session and copied for each test."""
    if db_kind == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite:///{path}"
        migrate(url)
        dispose_engines()
        yield str(path)
        return
    from tests.postgres_cluster import PostgresCluster

    cluster = PostgresCluster()
    admin_url = cluster.start()
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE duban_template"))
        template_url = admin_url.rsplit("/", 1)[0] + "/duban_template"
        migrate(template_url)
        dispose_engines()
        yield admin_url
        admin.dispose()
    finally:
        cluster.stop()


@pytest.fixture
def db_url(db_kind: str, template_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated database for this test, configured as duban's database."""
    if db_kind == "sqlite":
        target = tmp_path / "duban.db"
        shutil.copy(template_db, target)
        url = f"sqlite:///{target}"
    else:
        name = f"duban_test_{next(_counter)}"
        admin = create_engine(template_db, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE duban_template"))
        admin.dispose()
        url = template_db.rsplit("/", 1)[0] + "/" + name
    monkeypatch.setenv("DUBAN_DATABASE_URL", url)
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DUBAN_SECRET_KEY", "test-secret-key")
    get_settings.cache_clear()
    yield url
    dispose_engines()
    get_settings.cache_clear()
    if db_kind == "postgres":
        admin = create_engine(template_db, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on this test's fresh database."""
    with Session(get_engine(db_url), expire_on_commit=False) as sess:
        yield sess


@pytest.fixture
def seeds() -> Path:
    """The real published documents beside the checkout (../shared/seeds)."""
    if not SEEDS.exists():
        pytest.fail(f"seed documents not found at {SEEDS}: ../shared must sit beside the checkout")
    return SEEDS


@pytest.fixture
def webhook_receiver() -> Iterator[LocalInbox]:
    """A local HTTP webhook receiver; ``receiver.url("unit1")`` is a channel, ``receiver.to("unit1")`` its inbox."""
    receiver = LocalInbox()
    yield receiver
    receiver.close()


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The common umask 022, under which files are readable by every local user unless duban makes them private."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)
