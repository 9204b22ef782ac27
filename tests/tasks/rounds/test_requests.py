"""Rounds: periods, expected reporters, one request per unit, idempotent re-open, chasing only the missing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from models import RoundExpectation, StatusUpdate
from tasks.errors import ValidationFailed
from tasks.periods import last_ended_period, parse_period
from tasks.rounds.forms import write_form
from tasks.rounds.requests import chase, chase_due, close_round, open_round, outstanding
from tasks.rounds.updates import UpdateData, submit_update
from tests.status_factories import make_status_scenario


@pytest.mark.parametrize(("key", "start", "end"), [
    ("2016Q2", date(2016, 4, 1), date(2016, 6, 30)),
    ("2016h1", date(2016, 1, 1), date(2016, 6, 30)),
    ("2016", date(2016, 1, 1), date(2016, 12, 31)),
    ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
    ("2016-04-01..2016-05-15", date(2016, 4, 1), date(2016, 5, 15)),
])
def test_period_keys(key: str, start: date, end: date) -> None:
    period = parse_period(key)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("key", ["2016Q5", "2016-13", "spring", "2016-05-15..2016-04-01"])
def test_bad_period_keys_are_refused(key: str) -> None:
    with pytest.raises(ValidationFailed, match="2016Q2"):
        parse_period(key)


def test_last_ended_period() -> None:
    assert last_ended_period(date(2016, 7, 1), "quarterly").key == "2016Q2"
    assert last_ended_period(date(2016, 1, 10), "monthly").key == "2015-12"
    assert last_ended_period(date(2016, 8, 1), "half-yearly").key == "2016H1"


def test_open_round_expects_leads_and_sends_one_request_each(session, webhook_receiver) -> None:
    s = make_status_scenario(session, webhook_receiver)
    result = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1))
    # 2016-06-30 + 5 working days (7-1 Fri, 7-4..7-7) = 2016-07-07
    assert result.round.deadline == date(2016, 7, 7)
    rows = session.exec(select(RoundExpectation).where(RoundExpectation.round_id == result.round.id)).all()
    expected = {(r.department_id, r.task_id) for r in rows}
    t = s.tasks
    assert expected == {(s.health.id, t["T1"].id), (s.civil.id, t["T2"].id), (s.districts[0].id, t["T3"].id),
                        (s.districts[1].id, t["T3"].id), (s.police.id, t["T5"].id)}
    # one request to each lead unit with channels; the supporting unit and the done task get nothing
    for inbox in ("health", "civil", "shangcheng", "xiacheng"):
        assert len(webhook_receiver.to(inbox)) == 1, inbox
    assert webhook_receiver.to("finance") == []
    message = webhook_receiver.to("health")[0]["message"]
    assert "2016年07月07日" in message and "/u/" in message and "T1" in message and "T4" not in message
    assert result.delivery.no_channel == ["市公安局"]


def test_reopening_is_idempotent(session, webhook_receiver) -> None:
    s = make_status_scenario(session, webhook_receiver)
    first = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1))
    again = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1))
    assert again.round.id == first.round.id and not again.created
    assert again.delivery.sent == 0 and again.delivery.skipped == 4
    assert len(webhook_receiver.to("health")) == 1
    count = len(session.exec(select(RoundExpectation)).all())
    assert count == 5


def test_chase_reaches_only_units_that_have_not_reported(session, webhook_receiver) -> None:
    s = make_status_scenario(session, webhook_receiver)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1)).round
    submit_update(session, s.health, s.tasks["T1"], UpdateData(state="推进中", percent=50, progress="已起草"))
    submit_update(session, s.districts[0], s.tasks["T3"], UpdateData(state="推进中", percent=20, progress="选址"))
    # the supporting unit's contribution does not make the lead's task reported
    submit_update(session, s.finance, s.tasks["T1"], UpdateData(state="推进中", progress="经费已安排"))
    assert set(outstanding(session, round_)) == {s.civil.id, s.districts[1].id, s.police.id}
    result = chase(session, round_, today=date(2016, 7, 5))
    assert set(result.departments) == {s.civil.id, s.districts[1].id, s.police.id}
    assert len(webhook_receiver.to("civil")) == 2 and len(webhook_receiver.to("xiacheng")) == 2
    assert len(webhook_receiver.to("health")) == 1 and len(webhook_receiver.to("shangcheng")) == 1
    assert "T2" in webhook_receiver.to("civil")[1]["message"]
    chase(session, round_, today=date(2016, 7, 5))  # same day: nothing new
    assert len(webhook_receiver.to("civil")) == 2
    late = chase(session, round_, today=date(2016, 7, 8))
    assert late.delivery.sent == 2 and "已逾期" in webhook_receiver.to("civil")[2]["title"]


def test_chase_cadence(session) -> None:
    from datetime import UTC, datetime

    s = make_status_scenario(session)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    round_.opened_at = datetime(2016, 7, 4, 2, 0, tzinfo=UTC)
    days = [d for d in (date(2016, 7, day) for day in range(1, 14)) if chase_due(round_, d)]
    # every 3rd working day after the quarter ends (7-5, 7-8, 7-13) and on the deadline (7-7)
    assert days == [date(2016, 7, 5), date(2016, 7, 7), date(2016, 7, 8), date(2016, 7, 13)]
    round_.opened_at = datetime(2016, 7, 5, 2, 0, tzinfo=UTC)
    assert not chase_due(round_, date(2016, 7, 5))  # the request went out that day


def test_lead_and_responsible_units_are_both_expected(session) -> None:
    from tests.factories import make_department, make_task

    s = make_status_scenario(session)
    office = make_department(session, "市综治办")
    both = make_task(session, s.plan, "T6", "建立综合管理机制。", lead=[s.civil], responsible=[office],
                     support=[s.finance], milestones=[{"label": "2016年", "due_date": date(2016, 9, 30)}])
    session.commit()
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    rows = session.exec(select(RoundExpectation).where(RoundExpectation.task_id == both.id)).all()
    assert {r.department_id for r in rows} == {s.civil.id, office.id}
    assert round_.period_start == date(2016, 4, 1)


def test_a_closed_round_is_no_longer_chased_or_reported_into(session, webhook_receiver, tmp_path) -> None:
    s = make_status_scenario(session, webhook_receiver)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1)).round
    submit_update(session, s.health, s.tasks["T1"], UpdateData(state="推进中", percent=50, progress="已起草"),
                  round_id=round_.id)
    newly, missing = close_round(session, round_)
    assert newly and s.health.id not in missing and s.civil.id in missing
    assert close_round(session, round_)[0] is False  # closing twice changes nothing
    assert not chase_due(round_, date(2016, 7, 8))
    with pytest.raises(ValidationFailed, match="2016年第二季度报送已结束"):
        chase(session, round_, today=date(2016, 7, 8))
    with pytest.raises(ValidationFailed, match="报送已结束"):
        submit_update(session, s.civil, s.tasks["T2"], UpdateData(state="推进中", progress="晚了"), round_id=round_.id)
    with pytest.raises(ValidationFailed, match="报送已结束"):
        write_form(session, s.civil, round_, tmp_path / "civil.xlsx")
    with pytest.raises(ValidationFailed, match="is closed"):
        open_round(session, s.plan, "2016Q2", today=date(2016, 7, 9))
    assert session.exec(select(StatusUpdate)).one().progress == "已起草"  # the history is kept as it was
    assert len(webhook_receiver.to("civil")) == 1  # the request only: no chase after closing


def test_a_round_expects_the_units_the_active_milestones_bind(session, tmp_path) -> None:
    from collections import defaultdict

    from models import Department, Plan, Task
    from tests.county_plan import COUNTY, TOWNSHIPS, import_county_plan

    import_county_plan(session, tmp_path)
    plan = session.exec(select(Plan)).one()
    round_ = open_round(session, plan, "2025Q3", today=date(2025, 10, 1), send=False).round
    expected: dict[str, set[str]] = defaultdict(set)
    for code, name in session.exec(select(Task.code, Department.name)
                                   .join(RoundExpectation, RoundExpectation.task_id == Task.id)
                                   .join(Department, Department.id == RoundExpectation.department_id)
                                   .where(RoundExpectation.round_id == round_.id)):
        expected[code].add(name)
    assert expected["1.1.2"] == TOWNSHIPS  # 各乡镇（街道）每半年…培训: not the county health bureau
    assert expected["1.2.3"] == {"县公安局", "县民政局"}  # 公安、民政等部门每年…
    assert expected["1.2.4"] == {"县卫生健康局", "县民政局"}  # no subject: the measure's units
    assert expected["1.1.1"] == COUNTY | TOWNSHIPS  # its duties bind each side; its open 2024 milestone, all
