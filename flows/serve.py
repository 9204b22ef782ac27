"""``duban serve``: serve every duban flow on its schedule, on the configured or a local Prefect server.

The flows are those of the registry in flows/deployments.py. ``duban serve`` is for one-machine
installs; several machines use ``duban deploy --pool`` and Prefect workers (flows/deploy.py).
Stopping ``duban serve`` leaves the deployments and their schedules on the server
(``pause_on_shutdown=False``): another ``duban serve`` or a worker may be running them, and a paused
deployment loses its scheduled runs. Without ``PREFECT_API_URL`` it starts a private local Prefect
server and stops it on exit: fine for one ``duban serve``; a second one on the same machine without
``PREFECT_API_URL`` is refused (a lock in the data folder), since more processes must share one server.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
from sqlalchemy import make_url

from config import get_settings
from flows.console import console, err_console
from flows.deployments import DEPLOYMENTS, DeploymentSpec, deployments, register
from tasks.errors import ConfigError

__all__ = ["DEPLOYMENTS", "DeploymentSpec", "deployments", "register", "serve_all"]


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


@contextlib.contextmanager
def private_server_lock() -> Iterator[None]:
    """Hold the machine's lock on "a `duban serve` runs a private Prefect server here" while serving.

    Two such serves would each hold their own schedules and each run every sweep; the second is
    refused (``ConfigError``, exit 2) and told to share one server through ``PREFECT_API_URL``.
    """
    path = get_settings().data_dir / "serve-private-prefect.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"another `duban serve` on this machine runs its own Prefect server ({path} is "
                              "locked): two would each run every sweep. Run one `prefect server start` and set "
                              "PREFECT_API_URL for every `duban serve` and worker") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


STOPPED = "stopping: the deployments stay scheduled on the Prefect server (not paused)"


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
                stack.enter_context(private_server_lock())
                seconds = get_settings().prefect_startup_seconds
                console.print(f"no PREFECT_API_URL: starting a local Prefect server (can take up to {seconds} s "
                              "on a busy machine)…", highlight=False)
                api_url = stack.enter_context(local_server(seconds))
                console.print(f"Prefect server at {api_url}", highlight=False)
            os.environ["PREFECT_API_URL"] = api_url  # flow-run subprocesses inherit it
            _serve(api_url)
            console.print(STOPPED + ("" if configured else "; local server stopped"), highlight=False)
    except KeyboardInterrupt:
        err_console.print(STOPPED + ("" if configured else "; local server stopped"), highlight=False)
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
        # Never pause on exit: the deployments are shared with any other `duban serve` or worker.
        serve(*built, print_starting_message=False, pause_on_shutdown=False)
