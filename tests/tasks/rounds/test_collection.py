"""A day of status collection as plain functions: the due round opens once, a plan not running is left out."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models import ReportingRound
from tasks.rounds.collection import chase_open_rounds, open_due_rounds
from tests.factories import make_plan
from tests.status_factories import make_status_scenario


def test_the_just_ended_quarter_opens_once_and_only_for_running_plans(session: Session,
                                                                       webhook_receiver) -> None:
    make_status_scenario(session, webhook_receiver)
    ended = make_plan(session, code="ended", title="已结束的规划")
    ended.period_start, ended.period_end = 2011, 2015
    session.commit()
    rows = open_due_rounds(session, date(2016, 7, 1), "quarterly")
    assert [(r["plan"], r["round"], r["opened"]) for r in rows] == [("demo", "2016Q2", True)]
    assert open_due_rounds(session, date(2016, 7, 1), "quarterly")[0]["opened"] is False
    assert open_due_rounds(session, date(2016, 7, 1), "adhoc") == []
    assert [r.period for r in session.exec(select(ReportingRound))] == ["2016Q2"]
    assert chase_open_rounds(session, date(2016, 7, 1)) == []  # opening day: requests only
    forced = chase_open_rounds(session, date(2016, 7, 1), force=True)
    assert forced[0]["round"] == "2016Q2" and forced[0]["behind"] == 5
