"""Dashboard queries: lights, filters, reporting and on-time rates, the full history."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tasks.rounds.dashboard import round_rates, task_history, task_rows, totals
from tasks.rounds.requests import open_round
from tasks.rounds.reviews import review_update
from tasks.rounds.updates import UpdateData, submit_update
from tests.status_factories import make_status_scenario, pdf_bytes, upload


def _lights(session, today: date, **filters) -> dict[str, str]:
    return {row.task.code: row.light for row in task_rows(session, today=today, **filters)}


def test_lights_follow_deadlines_and_reported_state(session) -> None:
    s = make_status_scenario(session)
    assert _lights(session, date(2016, 6, 1)) == {"T1": "green", "T2": "green", "T3": "green", "T4": "green",
                                                  "T5": "red"}  # the quarterly duty's 2016Q1 is not done
    assert _lights(session, date(2016, 6, 24))["T1"] == "yellow"  # 4 working days before 6-30
    assert _lights(session, date(2016, 7, 1))["T1"] == "red"
    update = submit_update(session, s.civil, "T2", UpdateData(state="滞后", percent=10, progress="资金未到位"))
    assert _lights(session, date(2016, 7, 1))["T2"] == "green"  # not accepted yet: not the current status
    review_update(session, update.id, "accept", notify=False)
    rows = {r.task.code: r for r in task_rows(session, today=date(2016, 7, 1))}
    assert (rows["T2"].light, rows["T2"].state, rows["T2"].percent) == ("yellow", "滞后", 10)
    assert rows["T5"].reason == "逾期（2016Q2期未完成）"
    assert rows["T1"].state == "未报送" and rows["T1"].leads == ["市卫生计生委"]


def test_filters(session) -> None:
    s = make_status_scenario(session)
    today = date(2016, 7, 1)
    assert set(_lights(session, today, section="保障措施")) == {"T2"}
    assert set(_lights(session, today, department_id=s.finance.id)) == {"T1"}
    assert set(_lights(session, today, light="red")) == {"T1", "T5"}  # T5: its 2016Q2 meeting is not done
    assert set(_lights(session, today, state="未报送")) == {"T1", "T2", "T3", "T4", "T5"}


def test_round_rates_count_reported_and_on_time(session) -> None:
    s = make_status_scenario(session)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    on_time = submit_update(session, s.health, "T1", UpdateData(state="推进中", progress="x"))
    late = submit_update(session, s.civil, "T2", UpdateData(state="推进中", progress="x"))
    returned = submit_update(session, s.districts[0], "T3", UpdateData(state="推进中", progress="x"))
    on_time.submitted_at = datetime(2016, 7, 6, 8, tzinfo=UTC)
    late.submitted_at = datetime(2016, 7, 7, 17, tzinfo=UTC)  # 7-8 01:00 in Shanghai: after the deadline
    returned.submitted_at = datetime(2016, 7, 2, 8, tzinfo=UTC)
    session.add_all([on_time, late, returned])
    session.commit()
    review_update(session, returned.id, "return", reason="内容不全", notify=False)
    rates = {r.department.name: (r.expected, r.reported, r.on_time) for r in round_rates(session, round_)}
    assert rates == {"市卫生计生委": (1, 1, 1), "市民政局": (1, 1, 0), "上城区政府": (1, 0, 0),
                     "下城区政府": (1, 0, 0), "市公安局": (1, 0, 0)}
    total = totals(round_rates(session, round_))
    assert (total.reporting_rate, total.on_time_rate) == (0.4, 0.2)


def test_history_keeps_every_update_review_and_file(session) -> None:
    s = make_status_scenario(session)
    first = submit_update(session, s.health, "T1", UpdateData(state="推进中", progress="第一稿",
                                                              files=[("a.pdf", upload(pdf_bytes()))]))
    review_update(session, first.id, "return", reason="补充材料", notify=False)
    second = submit_update(session, s.health, "T1", UpdateData(state="推进中", progress="第二稿",
                                                               indicators={"I1": "70"}))
    support = submit_update(session, s.finance, "T1", UpdateData(state="推进中", progress="经费已拨付"))
    history = task_history(session, s.tasks["T1"].id)
    assert [h.update.id for h in history] == [first.id, second.id, support.id]
    assert [h.update.progress for h in history] == ["第一稿", "第二稿", "经费已拨付"]
    assert history[0].reviews[0].reason == "补充材料" and history[0].evidence[0].filename == "a.pdf"
    assert history[1].readings[0].value == 70 and history[1].update.supersedes_id == first.id
    assert (history[2].department, history[2].update.role) == ("市财政局", "support")


def test_awaiting_review_and_a_task_is_green_only_when_nothing_is_overdue(session) -> None:
    from sqlmodel import select

    from models import Milestone
    from tasks.rounds.completions import mark_done

    s = make_status_scenario(session)
    duty = session.exec(select(Milestone).where(Milestone.task_id == s.tasks["T5"].id)).one()
    for quarter in ("2016Q1", "2016Q2"):
        mark_done(session, duty, completed_on=date(2016, 6, 28), period=quarter)
    session.commit()
    submit_update(session, s.health, "T1", UpdateData(state="推进中", percent=40, progress="方案起草中"))
    rows = {r.task.code: r for r in task_rows(session, today=date(2016, 7, 4))}
    assert rows["T1"].state == "待审核" and rows["T2"].state == "未报送"  # sent in, not yet reviewed
    assert rows["T5"].light == "green"  # every ended quarter done; the current one is not yet due
    rows = {r.task.code: r for r in task_rows(session, today=date(2016, 10, 10))}
    assert rows["T5"].light == "red" and "2016Q3" in rows["T5"].reason
