"""Flow commands start Prefect's temporary server with duban's limit, and fail clearly when it cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DUBAN = Path(sys.executable).with_name("duban")


def _run(tmp_path: Path, *args: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    """``duban`` in a fresh process and a fresh Prefect home, as a new user would run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "PREFECT_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), COLUMNS="200", **env_extra)
    return subprocess.run([str(DUBAN), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_a_temporary_server_too_slow_to_start_is_a_clear_error_naming_the_fix(tmp_path: Path) -> None:
    # One second is far less than Prefect's server needs to import and start, on any machine.
    done = _run(tmp_path, "demo", "--out", "out", DUBAN_PREFECT_STARTUP_SECONDS="1")
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "starting Prefect's temporary local server (can take up to 1 s" in done.stderr
    assert "did not start within 1 s" in done.stderr and "未能启动" in done.stderr
    assert "PREFECT_API_URL" in done.stderr and "DUBAN_PREFECT_STARTUP_SECONDS" in done.stderr
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()  # nothing was written before the failure


def test_an_unreachable_configured_prefect_server_is_a_clear_error(tmp_path: Path) -> None:
    done = _run(tmp_path, "demo", "--out", "out", PREFECT_API_URL="http://127.0.0.1:1/api")
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Cannot reach the Prefect server in PREFECT_API_URL (http://127.0.0.1:1/api)" in done.stderr
    assert "无法连接" in done.stderr
    assert "Traceback" not in output
    assert not (tmp_path / "out").exists()
