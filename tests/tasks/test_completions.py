"""Marking milestones done: idempotent, per period for recurring duties, clear errors for unknown names."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from models import MilestoneCompletion
from tasks.completions import find_milestone, is_done, mark_done
from tasks.errors import NotFound, ValidationFailed
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
    with pytest.raises(NotFound, match="plan 'demo' has no task '8.8'"):
        find_milestone(session, "demo", "8.8", "2016年")
