"""Which department is told what on which day: notice days, support lead time, groups, duties, policy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from config import ReminderPolicy
from models import Milestone
from tasks.errors import NotFound
from tasks.reminders.due_items import DueItem, due_items
from tasks.rounds.completions import find_milestone, mark_done
from tests.factories import make_department, make_task
from tests.reminder_scenario import DUE, build_city


def days_told(session: Session, department: str, task_code: str, start: date, end: date) -> dict[date, DueItem]:
    out = {}
    day = start
    while day <= end:
        for item in due_items(session, day):
            if item.department == department and item.task_code == task_code:
                out[day] = item
        day += timedelta(days=1)
    return out


def test_a_lead_unit_is_told_30_7_1_days_before_on_the_day_and_every_5_days_overdue(session: Session) -> None:
    build_city(session)
    told = days_told(session, "市卫生计生委", "1.1", date(2016, 8, 1), date(2016, 12, 31))
    assert sorted(told) == [date(2016, 8, 29), date(2016, 9, 30), date(2016, 10, 13), date(2016, 10, 14),
                            date(2016, 10, 17), date(2016, 10, 24), date(2016, 10, 31), date(2016, 11, 7),
                            date(2016, 11, 14), date(2016, 11, 21), date(2016, 11, 28), date(2016, 12, 5),
                            date(2016, 12, 12), date(2016, 12, 19), date(2016, 12, 26)]
    # 30 working days before skips Mid-Autumn (15–17 Sep) and counts the working Sunday 18 Sep
    assert (told[date(2016, 8, 29)].status, told[date(2016, 8, 29)].working_days) == ("upcoming", 30)
    assert (told[date(2016, 9, 30)].status, told[date(2016, 9, 30)].working_days) == ("upcoming", 7)
    assert (told[date(2016, 10, 14)].status, told[date(2016, 10, 14)].working_days) == ("due_today", 0)
    assert (told[date(2016, 10, 24)].status, told[date(2016, 10, 24)].working_days) == ("overdue", 6)
    assert next(d for d, i in told.items() if i.escalate) == date(2016, 10, 31)   # 11 working days overdue
    assert told[date(2016, 10, 31)].working_days == 11
    assert all(i.role == "lead" and i.due_date == DUE and i.label == "2016年" for i in told.values())


def test_a_supporting_unit_is_told_five_working_days_ahead_of_the_lead(session: Session) -> None:
    build_city(session)
    told = days_told(session, "市民政局", "1.1", date(2016, 9, 1), date(2016, 10, 31))
    item = told[date(2016, 10, 9)]          # the working Sunday, 5 working days before the lead's 14 Oct
    assert (item.role, item.status, item.due_date, item.lead_due_date) == ("support", "due_today",
                                                                          date(2016, 10, 9), DUE)
    assert told[date(2016, 9, 23)].working_days == 7 and told[date(2016, 10, 8)].working_days == 1
    assert date(2016, 10, 14) not in told
    assert not any(i.escalate for i in told.values())   # supporting units are not escalated


def test_a_group_reaches_each_member_and_a_soft_deadline_never_escalates(session: Session) -> None:
    build_city(session)
    items = due_items(session, date(2016, 10, 31))
    group_items = [(i.department, i.via) for i in items if i.task_code == "1.2"]
    assert sorted(group_items) == [("市公安局", "各相关部门"), ("市财政局", "各相关部门")]
    soft = [i for i in items if i.task_code == "2.1"]
    assert [(i.department, i.status, i.working_days, i.soft, i.escalate) for i in soft] == [
        ("市民政局", "overdue", 11, True, False)]
    assert [i.escalate for i in items if i.task_code == "1.2"] == [True, True]


def test_done_milestones_stop_reminding(session: Session) -> None:
    build_city(session)
    assert any(i.task_code == "1.1" for i in due_items(session, date(2016, 10, 14)))
    milestone = find_milestone(session, "demo", "1.1", "2016年")
    mark_done(session, milestone, completed_on=date(2016, 10, 12))
    mark_done(session, milestone, completed_on=date(2016, 10, 12))  # idempotent
    session.commit()
    assert not any(i.task_code == "1.1" for i in due_items(session, date(2016, 10, 14)))
    assert not any(i.task_code == "1.1" for i in due_items(session, date(2016, 10, 9)))  # the support unit too
    with pytest.raises(NotFound, match=r"no milestone '2017年'.*2016年"):
        find_milestone(session, "demo", "1.1", "2017年")


def test_a_recurring_duty_reminds_for_each_period_until_that_period_is_done(session: Session) -> None:
    build_city(session)
    [q2] = [i for i in due_items(session, date(2016, 6, 30)) if i.task_code == "3.1"]
    assert (q2.period, q2.status, q2.due_date) == ("2016Q2", "due_today", date(2016, 6, 30))
    [late] = [i for i in due_items(session, date(2016, 7, 1)) if i.task_code == "3.1"]
    assert (late.period, late.status, late.working_days) == ("2016Q2", "overdue", 1)
    duty = find_milestone(session, "demo", "3.1", "每季度")
    duty.recurrence_count = 2                               # at least twice per quarter
    session.add(duty)
    mark_done(session, duty, completed_on=date(2016, 6, 1), period="2016Q2")
    session.commit()
    [half] = [i for i in due_items(session, date(2016, 7, 1)) if i.task_code == "3.1"]
    assert (half.needed, half.done_count) == (2, 1)
    mark_done(session, duty, completed_on=date(2016, 6, 20), period="2016Q2", occurrence=2)
    session.commit()
    assert not [i for i in due_items(session, date(2016, 7, 1)) if i.task_code == "3.1"]
    [q3] = [i for i in due_items(session, date(2016, 9, 30)) if i.task_code == "3.1"]
    assert (q3.period, q3.status) == ("2016Q3", "due_today")


def test_a_plan_can_override_the_policy(session: Session) -> None:
    city = build_city(session)
    city.plan.reminder_policy = {"before_working_days": [3], "escalate_after_working_days": 30}
    session.add(city.plan)
    session.commit()
    told = days_told(session, "市卫生计生委", "1.1", date(2016, 9, 1), date(2016, 11, 7))
    assert sorted(told)[:2] == [date(2016, 10, 11), date(2016, 10, 14)]
    assert not any(i.escalate for i in told.values())
    override = ReminderPolicy(before_working_days=[1], on_due_day=False, overdue_every_working_days=0)
    days = (date(2016, 10, 11), date(2016, 10, 13), date(2016, 10, 14), date(2016, 10, 17), date(2016, 10, 18))
    told = {d for d in days if any(i.task_code == "1.2" for i in due_items(session, d, policy=override))}
    assert told == {date(2016, 10, 11), date(2016, 10, 17)}  # the plan's [3] wins; overdue once only


def test_a_deadline_on_a_holiday_falls_due_on_the_last_working_day_before(session: Session) -> None:
    city = build_city(session)
    make_task(session, city.plan, "5.1", "国庆前完成。", lead=[city.civil],
              milestones=[{"label": "2016年", "due_date": date(2016, 10, 1)}])
    session.commit()
    [item] = [i for i in due_items(session, date(2016, 9, 30)) if i.task_code == "5.1"]
    assert (item.status, item.due_date) == ("due_today", date(2016, 10, 1))
    [late] = [i for i in due_items(session, date(2016, 10, 8)) if i.task_code == "5.1"]
    assert (late.status, late.working_days) == ("overdue", 1)


def test_plan_filter(session: Session) -> None:
    build_city(session)
    assert due_items(session, date(2016, 10, 14), plan_code="demo")
    with pytest.raises(NotFound, match="nosuch"):
        due_items(session, date(2016, 10, 14), plan_code="nosuch")


def test_the_sweep_uses_a_few_queries_however_many_departments(session: Session) -> None:
    city = build_city(session)
    for n in range(60):
        unit = make_department(session, f"测试单位{n:02d}")
        make_task(session, city.plan, f"9.{n}", "测试任务。", lead=[unit], support=[city.group],
                  milestones=[{"label": "2016年", "due_date": DUE}, {"label": "2017年", "due_date": date(2017, 6, 30)}])
    session.commit()
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        items = due_items(session, DUE)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len({i.department for i in items if i.task_code.startswith("9.")}) == 60
    assert len(statements) <= 8, statements
    assert session.get(Milestone, items[0].milestone_id) is not None


def test_a_weekly_duty_reminds_for_its_week(session: Session) -> None:
    city = build_city(session)
    make_task(session, city.plan, "5.1", "每周召开调度会。", lead=[city.health], support=[city.civil],
              milestones=[{"label": "每周", "due_date": date(2016, 1, 3), "recurrence": "weekly",
                           "recurrence_count": 1, "recurrence_start": date(2016, 1, 1),
                           "recurrence_end": date(2016, 12, 31)}])
    session.commit()

    def told(day: date, unit: str = "市卫生计生委") -> list[tuple[str, str, int]]:
        return [(i.period, i.status, i.working_days) for i in due_items(session, day)
                if i.task_code == "5.1" and i.department == unit]

    # week 10 (7–13 March) ends on a Sunday: due on Friday the 11th, told the day before, on the day and
    # on the Monday after; not 7 working days ahead (2 March), before the week has begun
    assert told(date(2016, 3, 2)) == []
    assert told(date(2016, 3, 10)) == [("2016W10", "upcoming", 1)]
    assert told(date(2016, 3, 11)) == [("2016W10", "due_today", 0)]
    assert told(date(2016, 3, 14)) == [("2016W10", "overdue", 1)]
    # the supporting unit is not asked ahead of the lead, which would be before the week begins
    assert told(date(2016, 3, 11), "市民政局") == [("2016W10", "due_today", 0)]
    assert told(date(2016, 3, 4), "市民政局") == [("2016W09", "due_today", 0)]
    [item] = [i for i in due_items(session, date(2016, 3, 11)) if i.period == "2016W10" and i.role == "lead"]
    assert item.period_label == "2016年第10周（3月7日—3月13日）"
    mark_done(session, find_milestone(session, "demo", "5.1", "每周"), completed_on=date(2016, 3, 11),
              period="2016W10")
    session.commit()
    assert all(period != "2016W10" for period, _, _ in told(date(2016, 3, 14)))


def test_a_monthly_duty_is_not_announced_before_its_month(session: Session) -> None:
    city = build_city(session)
    make_task(session, city.plan, "5.2", "每月报送工作进展。", lead=[city.health],
              milestones=[{"label": "每月", "due_date": date(2016, 1, 31), "recurrence": "monthly",
                           "recurrence_count": 1, "recurrence_start": date(2016, 1, 1),
                           "recurrence_end": date(2016, 12, 31)}])
    session.commit()

    def told(day: date) -> list[tuple[str, str, int]]:
        return [(i.period, i.status, i.working_days) for i in due_items(session, day) if i.task_code == "5.2"]

    assert told(date(2016, 3, 17)) == []                                  # April's 30-day notice: still March
    assert told(date(2016, 3, 22)) == [("2016-02", "overdue", 16), ("2016-03", "upcoming", 7)]
    # a quarterly duty (3.1) keeps its 30-working-day notice: 18 August is inside its quarter
    assert [(i.period, i.status, i.working_days) for i in due_items(session, date(2016, 8, 18))
            if i.task_code == "3.1"] == [("2016Q3", "upcoming", 30)]
