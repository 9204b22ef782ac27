"""`duban deploy` for real: a local Prefect server, two `prefect worker start` processes on one pool.

The sweep deployment, triggered twice at once, delivers every due message exactly once; re-deploying
adds nothing; stopping a worker or a `duban serve` leaves the schedules on the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlmodel import Session

from flows.deployments import DEPLOYMENTS
from flows.serve import local_server, stop_process_group
from tests.receivers import WebhookReceiver
from tests.reminder_scenario import build_city

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]
DUBAN = Path(sys.executable).with_name("duban")
POOL = "test-pool"
T = TypeVar("T")


def _until(what: str, check: Callable[[], T], timeout: float = 600) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(1)


@pytest.fixture
def prefect_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A real `prefect server start` (temp PREFECT_HOME, SQLite); the env a duban machine runs with."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS", "5")
    with local_server(600) as api_url:
        env = {**os.environ, "PREFECT_API_URL": api_url, "DUBAN_DATABASE_URL": db_url,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",
               "PREFECT_RUNNER_POLL_FREQUENCY": "2", "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        with temporary_settings({PREFECT_API_URL: api_url}):
            yield env


def _duban(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(DUBAN), *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--name", name],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=log.parent)


def _client() -> Any:
    from prefect.client.orchestration import get_client

    return get_client(sync_client=True)


def _deployments() -> list[Any]:
    with _client() as client:
        return client.read_deployments()


def _scheduled_runs(deployment_id: Any) -> set[Any]:
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    with _client() as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
                any_=[StateType.SCHEDULED]))))
    return {run.id for run in runs if run.auto_scheduled}


def _online_workers() -> set[str]:
    from prefect.client.schemas.objects import WorkerStatus

    with _client() as client:
        return {w.name for w in client.read_workers_for_work_pool(POOL) if w.status == WorkerStatus.ONLINE}


def _final(run_id: Any) -> Any:
    with _client() as client:
        run = client.read_flow_run(run_id)
    return run if run.state is not None and run.state.is_final() else None


def test_workers_run_the_deployed_sweep_once_and_schedules_outlive_them(
        prefect_env: dict[str, str], session: Session, webhook: WebhookReceiver, tmp_path: Path) -> None:
    build_city(session, webhook)
    out = _duban(prefect_env, "deploy", "--pool", POOL, "--concurrency", "4")
    assert f"deployed send-reminders/daily-reminders on pool {POOL} (0 9 * * * Asia/Shanghai)" in out
    deployed = {f"{d.name}": d for d in _deployments()}
    assert set(deployed) == {spec.name for spec in DEPLOYMENTS}
    sweep = deployed["daily-reminders"]
    assert (sweep.work_pool_name, sweep.entrypoint, sweep.paused) == (POOL, "flows.reminders.send_reminders", False)
    assert sweep.pull_steps == [] and sweep.path is None  # workers import the installed duban: nothing to pull
    with _client() as client:
        assert (client.read_work_pool(POOL).type, client.read_work_pool(POOL).concurrency_limit) == ("process", 4)

    workers = [_worker(prefect_env, f"w{i}", tmp_path / f"w{i}.log") for i in (1, 2)]
    try:
        _until("both workers online", lambda: _online_workers() == {"w1", "w2"})
        with _client() as client:  # two sweeps of one day at once: each message still goes out once
            runs = [client.create_flow_run_from_deployment(sweep.id, parameters={"as_of": "2016-10-14"})
                    for _ in range(2)]
        finished = [_until(f"flow run {run.id} finished", lambda run=run: _final(run.id)) for run in runs]
        logs = "".join((tmp_path / f"w{i}.log").read_text() for i in (1, 2))
        assert all(run.state.is_completed() for run in finished), ([r.state for r in finished], logs)
        assert sorted(h.path for h in webhook.hits) == ["/czj", "/gaj", "/mzj", "/wjw"]
        assert "1.1" in webhook.to("/wjw")[0].message

        # Re-deploying with another schedule updates in place: still one deployment per flow, not paused.
        _duban(prefect_env, "deploy", "--pool", POOL, "--reminders-cron", "0 8 * * *")
        again = _deployments()
        assert sorted(d.name for d in again) == sorted(spec.name for spec in DEPLOYMENTS)
        sweep = next(d for d in again if d.name == "daily-reminders")
        assert [s.schedule.cron for s in sweep.schedules] == ["0 8 * * *"] and not sweep.paused
        scheduled = _until("the server schedules the sweep", lambda: _scheduled_runs(sweep.id))

        stop_process_group(workers[0])                     # one worker stops: the schedules stay
        assert workers[0].returncode is not None
        with _client() as client:
            assert not client.read_deployment(sweep.id).paused
        assert scheduled <= _scheduled_runs(sweep.id)
    finally:
        for worker in workers:
            stop_process_group(worker)

    # A `duban serve` on the same server re-registers the deployments; when it stops, nothing is paused.
    started = datetime.now(UTC)  # the workers are gone: from now on only the serve's runner polls
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen([str(DUBAN), "serve"], env={**prefect_env, "DUBAN_SCHEDULES__REMINDERS": "0 8 * * *"},
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def polled_after(moment: datetime) -> Any:
            assert serve.poll() is None, log.read_text()
            with _client() as client:
                polled = client.read_deployment(sweep.id).last_polled
            return polled if polled is not None and polled > moment else None

        # Two polls after the start (a worker's last poll may still land once): the runner is serving.
        first = _until("duban serve polls for the sweep's runs", lambda: polled_after(started))
        _until("duban serve polls again", lambda: polled_after(first))
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=120)
    assert "not paused" in log.read_text(), log.read_text()
    with _client() as client:
        after = client.read_deployment(sweep.id)
    assert not after.paused and after.work_pool_name == POOL
    _until("the sweep stays scheduled", lambda: _scheduled_runs(sweep.id), timeout=300)


def test_deploy_without_a_prefect_server_says_what_to_set(db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "DUBAN_DATABASE_URL": db_url, "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([str(DUBAN), "deploy", "--pool", POOL], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2 and "PREFECT_API_URL" in done.stderr, done.stdout + done.stderr
    assert not (tmp_path / "prefect" / "prefect.db").exists()
