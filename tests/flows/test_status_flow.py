"""collect_status under Prefect: opens the just-ended quarter's round once, chases only non-reporters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from models import ReportingRound
from tasks.rounds.updates import UpdateData, submit_update
from tests.status_factories import make_status_scenario

pytestmark = pytest.mark.flow


def test_collect_status_opens_the_due_round_and_chases(prefect_harness: None, session: Session,
                                                       webhook_receiver) -> None:
    from flows.status import collect_status

    s = make_status_scenario(session, webhook_receiver)
    first = collect_status(as_of=date(2016, 7, 1))
    assert [(r["plan"], r["round"], r["opened"], r["sent"]) for r in first["opened"]] == [("demo", "2016Q2", True, 4)]
    assert first["chased"] == []  # opening day: requests only
    again = collect_status(as_of=date(2016, 7, 1))  # a re-run sends nothing twice
    assert again["opened"][0]["opened"] is False and again["opened"][0]["sent"] == 0
    assert len(webhook_receiver.to("civil")) == 1
    submit_update(session, s.civil, "T2", UpdateData(state="推进中", progress="已落实"))
    chased = collect_status(as_of=date(2016, 7, 5))  # third working day after the quarter
    assert chased["chased"][0]["behind"] == 4  # 卫计委, two districts, 公安局 (no channel)
    assert len(webhook_receiver.to("civil")) == 1 and len(webhook_receiver.to("health")) == 2
    quiet = collect_status(as_of=date(2016, 7, 6))
    assert quiet["chased"] == []
    session.expire_all()
    assert [r.period for r in session.exec(select(ReportingRound))] == ["2016Q2"]


def test_collect_status_rests_on_holidays_and_joins_serve(prefect_harness: None, session: Session) -> None:
    import importlib

    from flows.serve import DEPLOYMENTS
    from flows.status import collect_status

    make_status_scenario(session)
    assert collect_status(as_of=date(2016, 10, 3)) == {"opened": [], "chased": []}  # National Day
    [spec] = [d for d in DEPLOYMENTS if d.flow == "flows.status:collect_status"]
    module, attribute = spec.flow.split(":")
    assert getattr(importlib.import_module(module), attribute) is collect_status
