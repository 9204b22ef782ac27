"""``duban serve``: serve every duban flow on its schedule, on the configured or a local Prefect server.

Flows join by adding a ``DeploymentSpec`` to ``DEPLOYMENTS`` (an explicit registry). Each flow
decides itself whether today is a working day, so the schedules are plain daily crons.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import make_url

from config import get_settings
from flows.console import console, err_console
from tasks.errors import ConfigError


@dataclass(frozen=True)
class DeploymentSpec:
    """One scheduled deployment of a flow: ``flow`` is ``module:attribute``."""

    flow: str
    name: str
    schedule: str | Callable[[], str]  # a cron, or what gives it from the settings when the flows are served
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    concurrency_limit: int | None = 1  # never two runs of one deployment at once (the ledger assumes it)

    @property
    def cron(self) -> str:
        """The deployment's cron (settings are read now, never at import)."""
        return self.schedule() if callable(self.schedule) else self.schedule


def reminder_cron() -> str:
    """Every day at the configured hour (settings.reminders.send_hour)."""
    return f"0 {get_settings().reminders.send_hour} * * *"


DEPLOYMENTS: list[DeploymentSpec] = [
    DeploymentSpec("flows.reminders:send_reminders", "daily-reminders",
                   reminder_cron,
                   description="Deadline reminders and escalations, every working day."),
    DeploymentSpec("flows.evaluation:evaluate_due_plans", "yearly-evaluations", "0 8 15 1 *",
                   description="Mid-term and final evaluation reports of the plans whose review year just ended."),
    DeploymentSpec("flows.status:collect_status", "daily-status-collection", "30 9 * * *",
                   description="Open each plan's due reporting round; chase only the units that have not reported."),
]


def register(spec: DeploymentSpec) -> None:
    """Add a flow's deployment to ``duban serve`` (idempotent by name)."""
    if all(existing.name != spec.name for existing in DEPLOYMENTS):
        DEPLOYMENTS.append(spec)


def deployments() -> list:
    """The Prefect RunnerDeployments of every registered flow, in the office's timezone."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    built = []
    for spec in DEPLOYMENTS:
        module, attribute = spec.flow.split(":")
        flow = getattr(importlib.import_module(module), attribute)
        built.append(flow.to_deployment(name=spec.name, schedules=[Cron(spec.cron, timezone=get_settings().timezone)],
                                        parameters=spec.parameters or None, description=spec.description or None,
                                        concurrency_limit=spec.concurrency_limit,
                                        entrypoint_type=EntrypointType.MODULE_PATH))
    return built


def free_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(api_url: str, timeout: float = 120.0, process: subprocess.Popen | None = None) -> None:
    """Wait until the Prefect API answers its health check; ConfigError on timeout or early exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ConfigError(f"the local Prefect server exited early (code {process.returncode})")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise ConfigError(f"the Prefect server at {api_url} did not become healthy within {timeout:.0f} s: set "
                      "PREFECT_API_URL to a running Prefect server, or raise DUBAN_PREFECT_STARTUP_SECONDS")


@contextlib.contextmanager
def local_server(timeout: float = 120.0) -> Iterator[str]:
    """Start ``prefect server start`` on a free port; yield its API URL; stop it (whole group) after."""
    port = free_port()
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(api_url, timeout, process)
        yield api_url
    finally:
        stop_process_group(process)


def stop_process_group(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM the process group, then SIGKILL what is left after ``grace`` seconds."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _terminate_as_interrupt(signum: int, _frame: Any) -> None:
    """SIGTERM ends ``duban serve`` the way Ctrl-C does."""
    raise KeyboardInterrupt


def serve_all() -> None:
    """Serve every registered deployment until Ctrl-C or SIGTERM; a server we started is stopped too."""
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    configured = os.environ.get("PREFECT_API_URL")
    try:
        with contextlib.ExitStack() as stack:
            if configured:
                api_url = configured
                shown = make_url(api_url).render_as_string(hide_password=True)
                console.print(f"using the Prefect server at {shown}", highlight=False)
            else:
                seconds = get_settings().prefect_startup_seconds
                console.print(f"no PREFECT_API_URL: starting a local Prefect server (can take up to {seconds} s "
                              "on a busy machine)…", highlight=False)
                api_url = stack.enter_context(local_server(seconds))
                console.print(f"Prefect server at {api_url}", highlight=False)
            os.environ["PREFECT_API_URL"] = api_url  # flow-run subprocesses inherit it
            _serve(api_url)
            console.print("stopping: deployments paused" + ("" if configured else ", local server stopped"),
                          highlight=False)
    except KeyboardInterrupt:
        err_console.print("stopping: deployments paused, local server (if any) stopped", highlight=False)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if not configured:
            os.environ.pop("PREFECT_API_URL", None)


def _serve(api_url: str) -> None:
    """Register the deployments on ``api_url`` and run their flows when due (blocks)."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}):
        built = deployments()
        names = ", ".join(f"{d.flow_name}/{d.name} ({spec.cron} {get_settings().timezone})"
                          for d, spec in zip(built, DEPLOYMENTS, strict=True))
        console.print(f"serving {names}", highlight=False)
        serve(*built, print_starting_message=False)
