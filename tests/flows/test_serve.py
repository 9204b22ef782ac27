"""`duban serve` for real: it starts its own Prefect server, serves the deployment, a run fires and sends."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import Session

from flows.serve import DEPLOYMENTS, deployments
from tests.receivers import WebhookReceiver
from tests.reminder_scenario import build_city

pytestmark = pytest.mark.flow
DUBAN = Path(sys.executable).with_name("duban")


def _lines(process: subprocess.Popen) -> queue.Queue[str]:
    out: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            out.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return out


def _wait_for(lines: queue.Queue[str], needle: str, timeout: float, seen: list[str]) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        seen.append(line)
        if needle in line:
            return line
    raise AssertionError(f"{needle!r} not printed within {timeout} s:\n{''.join(seen)}")


def _wait_registered(name: str, timeout: float) -> None:
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            try:
                client.read_deployment_by_name(name)
                return
            except ObjectNotFound:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)


def test_the_registry_builds_the_daily_reminder_deployment() -> None:
    spec = next(s for s in DEPLOYMENTS if s.flow == "flows.reminders:send_reminders")
    assert spec.cron == "0 9 * * *"
    built = {d.name: d for d in deployments()}
    schedule = built[spec.name].schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("0 9 * * *", "Asia/Shanghai")


def test_a_served_deployment_fires_and_sends(db_url: str, session: Session, webhook: WebhookReceiver,
                                            tmp_path: Path) -> None:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    build_city(session, webhook)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_RUNNER_POLL_FREQUENCY": "2", "DUBAN_DATABASE_URL": db_url,
           "DUBAN_PREFECT_STARTUP_SECONDS": "300", "PYTHONUNBUFFERED": "1",
           "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen([str(DUBAN), "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    lines, seen = _lines(process), []
    try:
        api_url = _wait_for(lines, "Prefect server at ", 360, seen).split("Prefect server at ")[1].strip()
        _wait_for(lines, "serving send-reminders/daily-reminders", 300, seen)
        with temporary_settings({PREFECT_API_URL: api_url}):
            _wait_registered("send-reminders/daily-reminders", 300)
            run = run_deployment("send-reminders/daily-reminders", parameters={"as_of": "2016-10-14"},
                                 timeout=600)
        assert run.state is not None and run.state.is_completed(), (run.state, "".join(seen))
        assert sorted(h.path for h in webhook.hits) == ["/czj", "/gaj", "/mzj", "/wjw"]
        assert "1.1" in webhook.to("/wjw")[0].message
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    port = int(api_url.rsplit(":", 1)[1].split("/")[0])
    with socket.socket() as sock:                 # the server duban started is gone with it
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_a_second_serve_with_its_own_server_on_one_machine_is_refused(db_url: str, tmp_path: Path) -> None:
    from flows.serve import private_server_lock

    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "DUBAN_DATABASE_URL": db_url, "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)
    with private_server_lock():  # as a first `duban serve` that started its private server holds it
        second = subprocess.run([str(DUBAN), "serve"], env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 2, second.stdout + second.stderr
    assert "another `duban serve`" in second.stderr and "PREFECT_API_URL" in second.stderr
    assert not (tmp_path / "prefect" / "prefect.db").exists()  # it started no server of its own
    with private_server_lock():  # released again when its holder is done
        pass
