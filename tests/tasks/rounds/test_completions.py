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
