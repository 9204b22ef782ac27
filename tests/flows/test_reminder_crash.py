"""A sweep killed with SIGKILL in the middle of delivery: the next run sends what is missing, once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from config import get_settings
from flows.cli import app
from models import Notification
from models.notification import STATUS_SENT
from tests.factories import make_department, make_plan, make_task
from tests.receivers import WebhookReceiver

AS_OF = "2016-10-14"
UNITS = 12
CONCURRENCY = 2


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_sweep_killed_mid_delivery_is_finished_by_the_next_run(session: Session, webhook: WebhookReceiver,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    plan = make_plan(session)
    for n in range(UNITS):
        unit = make_department(session, f"第{n:02d}局", channels=[webhook.url(f"/unit/{n}")])
        make_task(session, plan, f"1.{n + 1}", lead=[unit], milestones=[{"due_date": date(2016, 10, 14)}])
    session.commit()
    monkeypatch.setenv("DUBAN_NOTIFY_CONCURRENCY", str(CONCURRENCY))
    get_settings.cache_clear()
    # The channel stops answering after three messages, so the kill lands while messages are in flight
    # however slowly the machine runs (no retries: a held message that times out is not sent again).
    webhook.hold_after(3)
    duban = Path(sys.executable).with_name("duban")
    sweep = subprocess.Popen([str(duban), "remind", "--as-of", AS_OF, "--no-flow"],
                             env={**os.environ, "DUBAN_NOTIFY_RETRIES": "0"},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert webhook.holding.wait(600), "the sweep sent nothing"
    sweep.send_signal(signal.SIGKILL)  # no handler, no cleanup: as a power cut or the OOM killer would
    assert sweep.wait(60) == -signal.SIGKILL
    received = len(webhook.hits)
    assert 3 < received < UNITS  # killed half-way

    webhook.release()
    rerun = CliRunner().invoke(app, ["remind", "--as-of", AS_OF, "--no-flow"])
    assert rerun.exit_code == 0, rerun.output

    per_unit = Counter(hit.path for hit in webhook.hits)
    assert set(per_unit) == {f"/unit/{n}" for n in range(UNITS)}  # nobody skipped
    repeated = [path for path, count in per_unit.items() if count > 1]
    # Only a message that had reached its receiver but was not yet marked sent in the ledger can arrive
    # twice: the CONCURRENCY in flight at the kill, and as many answered a moment before but not yet
    # recorded. Every other message is either sent once or, never having left, sent by the re-run.
    assert len(repeated) <= 2 * CONCURRENCY and all(per_unit[p] == 2 for p in repeated)
    session.expire_all()
    rows = session.exec(select(Notification).where(Notification.kind == "reminder")).all()
    assert len(rows) == UNITS and all(r.status == STATUS_SENT for r in rows)
    quiet = CliRunner().invoke(app, ["remind", "--as-of", AS_OF, "--no-flow"])
    assert quiet.exit_code == 0 and "sent 0," in quiet.output
    assert len(webhook.hits) == sum(per_unit.values())
