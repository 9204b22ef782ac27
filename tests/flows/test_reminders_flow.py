"""send_reminders under Prefect: the sweep as a flow, its markdown artifact, and `duban remind` running it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from config import get_settings
from flows.cli import app
from tests.receivers import WebhookReceiver
from tests.reminder_scenario import build_city

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]
DUBAN = Path(sys.executable).with_name("duban")


async def _artifact(key: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async with get_client() as client:
        found = await client.read_latest_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return found[0].data if found else ""


def test_send_reminders_flow_sends_once_and_summarises(prefect_harness: None, session: Session,
                                                       webhook: WebhookReceiver,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.reminders import send_reminders

    monkeypatch.setenv("DUBAN_NOTIFY_BACKOFF_SECONDS", "0.01")
    get_settings.cache_clear()
    build_city(session, webhook)
    webhook.failing.add("/czj")
    summary = send_reminders(as_of=date(2016, 10, 31))
    assert summary.working_day and summary.escalated_items == 4 and summary.failed == 1
    assert {h.path for h in webhook.hits} >= {"/wjw", "/gaj", "/mzj", "/office", "/plan-office", "/wjw-head"}
    artifact = asyncio.run(_artifact("send-reminders"))
    assert "# 督办提醒 2016-10-31" in artifact and "| 市卫生计生委 | 1 | 0 | 0 | 1 | 1 |" in artifact
    assert "升级（逾期事项）：4" in artifact and "## 发送失败" in artifact and "/czj" in artifact
    assert "## 未配置渠道" in artifact and "市残联" in artifact
    webhook.failing.clear()
    again = send_reminders(as_of=date(2016, 10, 31))
    assert (again.sent, again.failed) == (1, 0) and len(webhook.to("/czj")) == 1
    holiday = send_reminders(as_of=date(2016, 10, 3))
    assert not holiday.working_day and holiday.messages == 0
    assert "不是工作日" in asyncio.run(_artifact("send-reminders"))


def test_duban_remind_runs_the_flow(prefect_harness: None, session: Session, webhook: WebhookReceiver) -> None:
    build_city(session, webhook)
    result = CliRunner().invoke(app, ["remind", "--as-of", "2016-10-14"])
    assert result.exit_code == 0, result.output
    assert "sent 4" in result.output and len(webhook.hits) == 4
    dry = CliRunner().invoke(app, ["remind", "--as-of", "2016-10-17", "--dry-run", "--plan", "demo"])
    assert dry.exit_code == 0 and "dry run" in dry.output and "would send" in dry.output
    assert len(webhook.hits) == 4


def test_a_sweep_with_no_failure_warns_only_about_units_without_a_channel(
        prefect_harness: None, session: Session, webhook: WebhookReceiver, caplog: pytest.LogCaptureFixture) -> None:
    """No "0 deliveries failed" warning: a warning is said only for what went wrong."""
    import logging

    from flows.reminders import send_reminders

    build_city(session, webhook)
    run_logger = logging.getLogger("prefect.flow_runs")  # Prefect's run logger need not propagate to the root
    run_logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO):
            summary = send_reminders(as_of=date(2016, 10, 31))
    finally:
        run_logger.removeHandler(caplog.handler)
    assert summary.failed == 0 and summary.no_channel, summary
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [w for w in warnings if "failed" in w], warnings
    assert any("no channel" in w and "市残联" in w for w in warnings), warnings


def test_duban_remind_without_a_prefect_server_runs_in_process(db_url: str, session: Session,
                                                              webhook: WebhookReceiver, tmp_path: Path) -> None:
    build_city(session, webhook)
    home = tmp_path / "prefect"  # a Prefect server (temporary or not) keeps its database here
    env = {**os.environ, "PREFECT_HOME": str(home), "DUBAN_DATABASE_URL": db_url, "COLUMNS": "200",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("PREFECT_API_URL", None)

    def remind(*args: str) -> str:
        done = subprocess.run([str(DUBAN), "remind", "--as-of", "2016-10-14", *args], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    out = remind()
    assert "sent 4" in out and sorted(h.path for h in webhook.hits) == ["/czj", "/gaj", "/mzj", "/wjw"]
    assert "temporary" not in out and not (home / "prefect.db").exists()  # no Prefect server ever started
    recorded = remind("--flow")  # forced: the same sweep as a flow run, on Prefect's temporary server
    assert "already sent 4" in recorded and len(webhook.hits) == 4
    assert "temporary local server" in recorded and (home / "prefect.db").exists()
