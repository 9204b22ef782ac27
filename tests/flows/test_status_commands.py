"""The status CLI: rounds, links, forms, collect, users — and exit codes for bad input."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from flows.cli import app
from models import AccessLink, OfficeUser, ReportingRound, StatusUpdate
from tasks.rounds.forms import HEADER_ROW, SHEET
from tasks.rounds.links import issue_link, resolve
from tasks.rounds.requests import open_round
from tests.status_factories import make_status_scenario

runner = CliRunner()


@pytest.fixture
def scenario(session: Session, webhook_receiver):
    return make_status_scenario(session, webhook_receiver)


def test_round_open_status_and_chase(session: Session, scenario, webhook_receiver) -> None:
    result = runner.invoke(app, ["round", "open", "--plan", "demo", "--period", "2016Q2"])
    assert result.exit_code == 0, result.output
    assert "5 units expected" in result.output and "sent 4" in result.output and "市公安局" in result.output
    again = runner.invoke(app, ["round", "open", "--plan", "demo", "--period", "2016Q2"])
    assert "already open" in again.output and "sent 0, already sent 4" in again.output
    status = runner.invoke(app, ["round", "status", "--round", "demo/2016Q2"], terminal_width=200)
    assert status.exit_code == 0 and "市民政局" in status.output and "0%" in status.output
    chased = runner.invoke(app, ["round", "chase", "--plan", "demo", "--dry-run"])
    assert chased.exit_code == 0 and "5 units behind; would send 4" in chased.output
    assert len(webhook_receiver.to("civil")) == 1


def test_round_close_ends_chasing_and_names_who_never_reported(session: Session, scenario) -> None:
    open_round(session, scenario.plan, "2016Q2", today=date(2016, 7, 1), send=False)
    session.commit()  # the caller commits (README: where commits happen)
    closed = runner.invoke(app, ["round", "close", "--round", "demo/2016Q2"], terminal_width=400)
    assert closed.exit_code == 0, closed.output
    assert "round 2016Q2 closed; 5 units never reported" in closed.output and "市民政局" in closed.output
    assert "was already closed" in runner.invoke(app, ["round", "close", "--round", "demo/2016Q2"]).output
    chased = runner.invoke(app, ["round", "chase", "--round", "demo/2016Q2"])
    assert chased.exit_code == 5 and "报送已结束" in chased.output
    assert "no open rounds" in runner.invoke(app, ["round", "status"]).output


def test_bad_arguments_exit_with_codes(session: Session, scenario) -> None:
    assert runner.invoke(app, ["round", "open", "--plan", "nope", "--period", "2016Q2"]).exit_code == 4
    assert runner.invoke(app, ["round", "open", "--plan", "demo", "--period", "2016Q9"]).exit_code == 5
    assert runner.invoke(app, ["round", "status", "--round", "demo/2017Q1"]).exit_code == 4
    assert runner.invoke(app, ["link", "--department", "不存在的局"]).exit_code == 4


def test_link_prints_a_working_url_and_revoke_kills_it(session: Session, scenario) -> None:
    result = runner.invoke(app, ["link", "--department", "市民政局"], terminal_width=400)
    assert result.exit_code == 0, result.output
    token = re.search(r"/u/(\S+)", result.output)[1]
    assert resolve(session, token).department_id == scenario.civil.id
    revoked = runner.invoke(app, ["link", "revoke", "--department", "市民政局"])
    assert revoked.exit_code == 0 and "revoked 1" in revoked.output
    session.expire_all()
    assert session.exec(select(AccessLink)).one().revoked_at is not None


def test_form_and_collect_round_trip(session: Session, scenario, tmp_path: Path) -> None:
    open_round(session, scenario.plan, "2016Q2", today=date(2016, 7, 1), send=False)
    session.commit()
    path = tmp_path / "form.xlsx"
    made = runner.invoke(app, ["form", "--department", "市民政局", "--round", "demo/2016Q2", "-o", str(path)])
    assert made.exit_code == 0 and "1 tasks" in made.output
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws.cell(HEADER_ROW + 1, 5, "推进中")
    ws.cell(HEADER_ROW + 1, 6, 140)
    ws.cell(HEADER_ROW + 1, 7, "政策已起草")
    wb.save(path)
    bad = runner.invoke(app, ["collect", str(path)])
    assert bad.exit_code == 5 and f"第{HEADER_ROW + 1}行" in bad.output and "140" in bad.output
    assert runner.invoke(app, ["collect", str(path), "--department", "市卫生计生委"]).exit_code == 6
    ws.cell(HEADER_ROW + 1, 6, 40)
    wb.save(path)
    good = runner.invoke(app, ["collect", str(path)])
    assert good.exit_code == 0 and "recorded 1 update" in good.output
    session.expire_all()
    assert session.exec(select(StatusUpdate)).one().channel == "form"
    assert session.exec(select(ReportingRound)).one().period == "2016Q2"


def test_user_add_reads_password_from_stdin(session: Session) -> None:
    result = runner.invoke(app, ["user", "add", "zhang", "--password-stdin"], input="s3cret-pass\n")
    assert result.exit_code == 0, result.output
    user = session.exec(select(OfficeUser)).one()
    assert user.username == "zhang" and user.password_hash.startswith("$2") and "s3cret" not in user.password_hash
    assert runner.invoke(app, ["user", "add", "zhang", "--password-stdin"], input="another-pass\n").exit_code == 5
    assert runner.invoke(app, ["user", "add", "li", "--password-stdin"], input="short\n").exit_code == 5
    assert user.role == "admin"


def test_user_add_with_the_viewer_role(session: Session) -> None:
    result = runner.invoke(app, ["user", "add", "wang", "--role", "viewer", "--password-stdin"], input="s3cret-pass\n")
    assert result.exit_code == 0 and "(viewer)" in result.output
    assert session.exec(select(OfficeUser)).one().role == "viewer"
    bad = runner.invoke(app, ["user", "add", "zhao", "--role", "boss", "--password-stdin"], input="s3cret-pass\n")
    assert bad.exit_code == 5 and "admin" in bad.output


def test_portal_serves_from_several_worker_processes(session: Session, scenario) -> None:
    """`duban portal --workers 2` starts two uvicorn workers; one unit's simultaneous submissions stay one history."""
    open_round(session, scenario.plan, "2016Q2", today=date(2016, 7, 1), send=False)
    token = issue_link(session, scenario.civil)[1]
    session.commit()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    duban = Path(sys.executable).with_name("duban")
    server = subprocess.Popen([str(duban), "portal", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "duban portal did not start"
            time.sleep(0.2)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        workers = [c for c in children if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]
        assert len(workers) == 2
        count, barrier = 20, threading.Barrier(20)

        def submit(n: int) -> int:  # the same unit on the same task, all at once, spread over both workers
            with httpx.Client(base_url=base, timeout=300) as client:
                client.get("/healthz")
                barrier.wait(timeout=300)
                return client.post(f"/api/unit/tasks/{scenario.tasks['T2'].id}/updates", json={
                    "state": "推进中", "percent": n, "progress": f"第{n}次"},
                    headers={"Authorization": f"Bearer {token}"}).status_code

        with ThreadPoolExecutor(max_workers=count) as pool:
            codes = list(pool.map(submit, range(count)))
    finally:
        server.terminate()
        server.wait(120)
    assert codes == [201] * count
    session.expire_all()
    chain = list(session.exec(select(StatusUpdate).order_by(StatusUpdate.id)))
    assert len(chain) == count
    assert [u.supersedes_id for u in chain] == [None, *[u.id for u in chain[:-1]]]  # one history, not forked


def test_a_link_is_saved_before_it_is_printed(session: Session, scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """`duban link … | head -1`: the reader may close the pipe after the first line, and the link it got works."""
    import flows.status_commands as commands

    seen: list[str] = []
    real_print = commands.console.print

    def reader_goes_away(*args, **kwargs) -> None:  # what `head -1` does to the second line
        text = str(args[0])
        if seen:
            raise BrokenPipeError(32, "Broken pipe")
        token = re.search(r"/u/(\S+)", text)[1]
        with Session(session.get_bind()) as other:  # another connection sees only what is committed
            assert resolve(other, token).department_id == scenario.civil.id
        seen.append(token)
        real_print(*args, **kwargs)

    monkeypatch.setattr(commands.console, "print", reader_goes_away)
    runner.invoke(app, ["link", "--department", "市民政局"], terminal_width=400)
    assert seen, "no link was printed"
    session.expire_all()
    assert resolve(session, seen[0]).department_id == scenario.civil.id
