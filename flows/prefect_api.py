"""The Prefect API that flow runs report to: the configured server, or Prefect's temporary local one.

Without ``PREFECT_API_URL`` Prefect starts a temporary (ephemeral) server in a subprocess the first
time a flow runs, and gives up after ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` (20 s by
default) with a bare ``RuntimeError``. On a busy two-core machine the server needs longer than that.
``ensure_prefect_api`` starts it before the first flow with duban's own, generous limit
(``DUBAN_PREFECT_STARTUP_SECONDS``), says what it waits for, and turns a failure into a
``ConfigError`` that names the fix. A configured server is checked once for reachability.
"""

from __future__ import annotations

import httpx

from config import get_settings
from flows.console import err_console
from tasks.errors import ConfigError

FIX = ("set PREFECT_API_URL to a running Prefect server (`prefect server start`), "
       "or raise DUBAN_PREFECT_STARTUP_SECONDS")
FIX_ZH = ("请将 PREFECT_API_URL 设为正在运行的 Prefect 服务器（prefect server start），"
          "或调大 DUBAN_PREFECT_STARTUP_SECONDS")


def ensure_prefect_api() -> None:
    """Make sure flows can reach a Prefect API before one runs; ``ConfigError`` (exit 2) if not."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    configured = PREFECT_API_URL.value()
    if configured:
        _check_reachable(configured)
    elif not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        raise ConfigError("没有配置 Prefect 服务器，且 Prefect 临时服务器已被禁用。\n"
                          f"No Prefect server is configured and Prefect's temporary server is disabled: {FIX}.")
    else:
        start_temporary_server(get_settings().prefect_startup_seconds)


def start_temporary_server(seconds: int) -> None:
    """Start Prefect's temporary local server (once per process), waiting up to ``seconds`` for it."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings

    server = SubprocessASGIServer()
    if server.running:
        return
    err_console.print(f"starting Prefect's temporary local server (can take up to {seconds} s on a busy "
                      "machine)…", highlight=False)
    # The setting too, not only the argument: Prefect's own start calls (event and log clients) read it.
    with temporary_settings({PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: seconds}):
        try:
            server.start(timeout=seconds)
        except (RuntimeError, httpx.HTTPError) as exc:
            server.stop()  # do not leave a half-started server behind
            raise ConfigError(f"Prefect 临时本地服务器在 {seconds} 秒内未能启动。{FIX_ZH}。\n"
                              f"Prefect's temporary local server did not start within {seconds} s: {FIX}.\n"
                              f"(Prefect said: {str(exc).splitlines()[0][:300]})") from exc


def _check_reachable(api_url: str) -> None:
    """A configured Prefect server must answer; a connection failure names the URL and the fix."""
    try:
        httpx.get(f"{api_url.rstrip('/')}/health", timeout=30)
    except httpx.TransportError as exc:
        raise ConfigError(f"无法连接 PREFECT_API_URL 指定的 Prefect 服务器 {api_url}。请启动该服务器、改用正在运行的"
                          "服务器，或删除该设置以使用 Prefect 临时本地服务器。\n"
                          f"Cannot reach the Prefect server in PREFECT_API_URL ({api_url}): {exc}. Start that "
                          "server, point PREFECT_API_URL at a running one, or unset it to let Prefect start its "
                          "temporary local server.") from exc


def records_runs(flow: bool | None) -> bool:
    """Whether a one-off command runs as a recorded Prefect flow run (True) or in-process (False).

    ``--flow`` (True) and ``--no-flow`` (False) decide; by default (None) a command is recorded when a
    Prefect server is configured (``PREFECT_API_URL``) and otherwise runs the same task functions
    in-process, without starting Prefect's temporary server (about 16 s to start and stop).
    """
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value()) if flow is None else flow


RUN_HELP = ("Run as a recorded Prefect flow run (--flow) or in-process (--no-flow). Default: a flow run when "
            "PREFECT_API_URL is set, else in-process with the same task functions and no Prefect server.")
