"""The CLI's own behaviour: `duban init`, exit codes for an unreachable database, no password in output."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from config import get_settings
from flows.cli import app
from models.db import dispose_engines, get_engine

runner = CliRunner()


def test_init_creates_the_schema_and_is_safe_to_repeat(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    monkeypatch.setenv("DUBAN_DATABASE_URL", url)
    get_settings.cache_clear()
    for _ in range(2):
        result = runner.invoke(app, ["init"])
        assert result.exit_code == 0, result.output
        assert "database ready" in result.output
    tables = set(inspect(get_engine(url)).get_table_names())
    assert {"plan", "task", "milestone", "department", "notification", "statusupdate"} <= tables
    dispose_engines()
    get_settings.cache_clear()


def test_an_unreachable_database_is_a_clear_error_without_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", "postgresql+psycopg://duban:s3cret-pw@127.0.0.1:1/duban")
    get_settings.cache_clear()
    result = runner.invoke(app, ["init"])
    dispose_engines()
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "cannot use the database" in result.output and "127.0.0.1:1" in result.output
    assert "s3cret-pw" not in result.output
