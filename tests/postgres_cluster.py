"""A throwaway PostgreSQL cluster for the test suite (initdb + pg_ctl on loopback)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl live (Debian keeps them out of PATH)."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """Start a private cluster in a temporary folder; stop and delete it afterwards."""

    def __init__(self) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="duban-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: str | None = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> str:
        """Create and start the cluster; return a superuser URL to its postgres db."""
        if self.as_user:
            user = pwd.getpwnam(self.as_user)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "duban", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        for attempt in range(5):  # another process may take the port found free a moment ago: pick another
            options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off " \
                      "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            try:  # -t: pg_ctl's own 60 s wait can be short on a loaded machine
                self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                          "-w", "-t", "600", "start")
                break
            except subprocess.CalledProcessError:
                log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
                if attempt == 4 or "already in use" not in log:
                    raise
                self.port = _free_port()
        return f"postgresql+psycopg://duban@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
