"""Marking milestones done: idempotent, per period for recurring duties, clear errors for unknown names."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import Session, select

from models import MilestoneCompletion
from tasks.errors import NotFound, ValidationFailed
from tasks.rounds.completions import find_milestone, is_done, mark_done
from tests.factories import make_task
from tests.reminder_scenario import build_city


def test_mark_done_is_idempotent_and_per_period(session: Session) -> None:
    build_city(session)
    milestone = find_milestone(session, "demo", "1.1", "2016年")
    assert not is_done(session, milestone.id)
    first = mark_done(session, milestone, completed_on=date(2016, 10, 12))
    again = mark_done(session, milestone, completed_on=date(2016, 10, 13))
    assert first.id == again.id and again.completed_on == date(2016, 10, 12)
    assert is_done(session, milestone.id)
    duty = find_milestone(session, "demo", "3.1", "每季度#duty")          # by key as well as by label
    with pytest.raises(ValidationFailed, match="name the period"):
        mark_done(session, duty, completed_on=date(2016, 6, 30))
    mark_done(session, duty, completed_on=date(2016, 6, 30), period="2016Q2")
    assert is_done(session, duty.id, "2016Q2") and not is_done(session, duty.id, "2016Q3")
    assert len(session.exec(select(MilestoneCompletion)).all()) == 2


def test_unknown_plan_task_or_milestone_is_named(session: Session) -> None:
    build_city(session)
    with pytest.raises(NotFound, match="no plan with code 'x' \\(plans: demo\\)"):
        find_milestone(session, "x", "1.1", "2016年")
    with pytest.raises(NotFound, match=re.escape("plan 'demo' has no task '8.8'")):
        find_milestone(session, "demo", "8.8", "2016年")


def test_a_duty_is_marked_done_by_its_own_periods(session: Session) -> None:
    city = build_city(session)
    make_task(session, city.plan, "5.1", "每周召开调度会。", lead=[city.health],
              milestones=[{"label": "每周", "due_date": date(2016, 1, 3), "recurrence": "weekly",
                           "recurrence_start": date(2016, 1, 1), "recurrence_end": date(2016, 12, 31)}])
    weekly = find_milestone(session, "demo", "5.1", "每周")
    with pytest.raises(ValidationFailed, match=re.escape("name the period that is done, e.g. 2016W05")):
        mark_done(session, weekly, completed_on=date(2016, 2, 5))
    with pytest.raises(ValidationFailed, match=r"2016Q1 is not one of its periods.*containing 2016Q1 is 2015W53"):
        mark_done(session, weekly, completed_on=date(2016, 2, 5), period="2016Q1")
    mark_done(session, weekly, completed_on=date(2016, 2, 5), period="2016w05")
    assert is_done(session, weekly.id, "2016W05")
    quarterly = find_milestone(session, "demo", "3.1", "每季度")
    with pytest.raises(ValidationFailed, match="like 2016Q2"):
        mark_done(session, quarterly, completed_on=date(2016, 6, 30), period="2016")


def _township_duty(session: Session):
    from tests.factories import make_department, make_group, make_plan

    plan = make_plan(session, code="county", title="青岚县行动方案", issued_on=date(2024, 5, 27))
    plan.period_start, plan.period_end = 2024, 2025
    towns = [make_department(session, n) for n in ("青石镇", "岚山乡", "城南街道")]
    group = make_group(session, "各乡镇（街道）", towns)
    health = make_department(session, "县卫生健康局")
    police = make_department(session, "县公安局")
    task = make_task(session, plan, "1", "各乡镇（街道）每季度对村（社区）督导1次。", responsible=[health, group],
                     milestones=[{"label": "完成时限", "key": "duty", "recurrence": "quarterly",
                                  "recurrence_start": date(2024, 5, 27), "recurrence_end": date(2025, 12, 31),
                                  "unit_ids": [group.id]},
                                 {"label": "2025年", "key": "2025年", "due_date": date(2025, 12, 31)}])
    shared = make_task(session, plan, "2", "建成县级平台。", lead=[health], support=[police],
                       milestones=[{"label": "2025年", "due_date": date(2025, 12, 31)}])
    session.commit()
    return plan, towns, health, police, task, shared


def _report(session: Session, dept, task, milestone, *, sent: str, done: date | None = None) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tasks.rounds.reviews import review_update
    from tasks.rounds.updates import UpdateData, submit_update

    data = UpdateData(state="已完成", progress="已按要求完成。", completes_milestone=milestone.key,
                      completed_on=done, submitted_at=datetime.fromisoformat(sent).replace(
                          tzinfo=ZoneInfo("Asia/Shanghai")))
    update = submit_update(session, dept, task, data)
    review_update(session, update.id, "accept", notify=False)
    return update.id


def test_a_shared_duty_is_done_per_unit_and_for_the_task_when_all_bound_units_are(session: Session) -> None:
    from models import Milestone
    from tasks.reminders.due_items import due_items
    from tasks.rounds.completions import units_done

    _, towns, _, _, task, _ = _township_duty(session)
    duty = session.exec(select(Milestone).where(Milestone.task_id == task.id, Milestone.key == "duty")).one()
    _report(session, towns[0], task, duty, sent="2024-09-20 10:00")
    assert units_done(session, duty.id, "2024Q3") == {towns[0].id}
    assert not is_done(session, duty.id, "2024Q3")  # one township's report closes nothing for the others
    told = {i.department for i in due_items(session, date(2024, 9, 30))
            if i.milestone_id == duty.id and i.period == "2024Q3"}
    assert told == {"岚山乡", "城南街道"}
    _report(session, towns[1], task, duty, sent="2024-09-24 10:00")
    _report(session, towns[2], task, duty, sent="2024-09-26 10:00")
    assert is_done(session, duty.id, "2024Q3") and not is_done(session, duty.id, "2024Q4")
    done = session.exec(select(MilestoneCompletion).where(MilestoneCompletion.milestone_id == duty.id)).one()
    assert done.completed_on == date(2024, 9, 26)  # the last unit's day


def test_the_leads_accepted_report_completes_a_task_its_supporters_report_their_part(session: Session) -> None:
    from models import Milestone

    _, _, health, police, _, shared = _township_duty(session)
    milestone = session.exec(select(Milestone).where(Milestone.task_id == shared.id)).one()
    _report(session, police, shared, milestone, sent="2025-11-03 09:00")
    assert not is_done(session, milestone.id)  # a supporting unit's part does not close it
    _report(session, health, shared, milestone, sent="2025-11-20 09:00")
    assert is_done(session, milestone.id)


def test_a_milestone_is_dated_when_the_work_was_done_not_when_accepted(session: Session) -> None:
    from models import Milestone

    _, towns, health, _, _, shared = _township_duty(session)
    milestone = session.exec(select(Milestone).where(Milestone.task_id == shared.id)).one()
    _report(session, health, shared, milestone, sent="2026-01-05 16:00", done=date(2025, 12, 28))
    done = session.exec(select(MilestoneCompletion).where(MilestoneCompletion.milestone_id == milestone.id)).one()
    assert done.completed_on == date(2025, 12, 28) <= milestone.due_date  # on time, accepted in January
    other = make_task(session, shared_plan(session), "3", "报送年度总结。", lead=[towns[0]],
                      milestones=[{"label": "2025年", "due_date": date(2025, 12, 31)}])
    session.commit()
    milestone = session.exec(select(Milestone).where(Milestone.task_id == other.id)).one()
    _report(session, towns[0], other, milestone, sent="2025-12-30 23:30")  # no date given: the report's day
    done = session.exec(select(MilestoneCompletion).where(MilestoneCompletion.milestone_id == milestone.id)).one()
    assert done.completed_on == date(2025, 12, 30)


def shared_plan(session: Session):
    from models import Plan

    return session.exec(select(Plan).where(Plan.code == "county")).one()


def test_a_completion_date_in_the_future_or_malformed_is_refused(session: Session) -> None:
    from models import Milestone
    from tasks.rounds.updates import UpdateData, submit_update

    _, _, health, _, _, shared = _township_duty(session)
    milestone = session.exec(select(Milestone).where(Milestone.task_id == shared.id)).one()
    for bad, words in (("2999-01-01", "晚于今天"), ("12/28", "完成日期“12/28”无效")):
        with pytest.raises(ValidationFailed, match=words):
            submit_update(session, health, shared, UpdateData(state="已完成", progress="完成。",
                                                              completes_milestone=milestone.key, completed_on=bad))
