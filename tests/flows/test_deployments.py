"""The registry of scheduled flows: crons from settings, module entrypoints, and bad schedules named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config import get_settings
from flows.deployments import DEPLOYMENTS, deployments
from tasks.errors import ValidationFailed


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings read again from the environment the test sets, and again after it is undone."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_schedules_come_from_settings_and_entrypoints_are_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_SCHEDULES__REMINDERS", "15 8 * * 1-5")
    monkeypatch.setenv("DUBAN_SCHEDULES__EVALUATIONS", "0 7 20 1 *")
    built = {d.name: d for d in deployments("office-pool", {"daily-status-collection": "45 10 * * *"})}
    crons = {name: (d.schedules[0].schedule.cron, d.schedules[0].schedule.timezone) for name, d in built.items()}
    assert crons == {"daily-reminders": ("15 8 * * 1-5", "Asia/Shanghai"),
                     "daily-status-collection": ("45 10 * * *", "Asia/Shanghai"),
                     "yearly-evaluations": ("0 7 20 1 *", "Asia/Shanghai")}
    assert {d.entrypoint for d in built.values()} == {"flows.reminders.send_reminders",
                                                       "flows.status.collect_status",
                                                       "flows.evaluation.evaluate_due_plans"}
    assert {d.work_pool_name for d in built.values()} == {"office-pool"}
    assert all(d.storage is None for d in built.values())  # workers import the installed duban


def test_the_reminder_schedule_follows_the_send_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_REMINDERS__SEND_HOUR", "8")
    [spec] = [s for s in DEPLOYMENTS if s.name == "daily-reminders"]
    assert spec.cron == "0 8 * * *"


def test_a_bad_cron_names_the_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_SCHEDULES__STATUS", "every morning")
    with pytest.raises(ValidationFailed, match=r"daily-status-collection.*every morning"):
        deployments("office-pool")
