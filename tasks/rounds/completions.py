"""Marking milestones (or one period of a recurring duty) done, so that reminders stop."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from models import Milestone, MilestoneCompletion, Plan, Task
from models.base import id_of
from tasks.errors import NotFound, ValidationFailed
from tasks.periods import parse_period, period_containing

_EXAMPLES = {"weekly": "2016W05", "monthly": "2016-04", "bimonthly": "2016B2", "quarterly": "2016Q2",
             "half-yearly": "2016H1", "yearly": "2016"}


def find_milestone(session: Session, plan_code: str, task_code: str, label: str) -> Milestone:
    """The milestone ``label`` (its label or key, e.g. ``2016年``) of task ``task_code`` in plan ``plan_code``."""
    plan = session.exec(select(Plan).where(Plan.code == plan_code)).first()
    if plan is None:
        known = ", ".join(session.exec(select(Plan.code).order_by(Plan.code)).all()) or "none"
        raise NotFound(f"no plan with code {plan_code!r} (plans: {known})")
    task = session.exec(select(Task).where(Task.plan_id == plan.id, Task.code == task_code)).first()
    if task is None:
        raise NotFound(f"plan {plan_code!r} has no task {task_code!r}")
    milestones = session.exec(select(Milestone).where(Milestone.task_id == task.id)
                              .order_by(col(Milestone.position))).all()
    wanted = label.strip()
    for milestone in milestones:
        if wanted in (milestone.label, milestone.key):
            return milestone
    labels = ", ".join(m.label for m in milestones) or "none"
    raise NotFound(f"task {task_code!r} of plan {plan_code!r} has no milestone {label!r} (milestones: {labels})")


def duty_period(milestone: Milestone, day: date) -> str:
    """The key of the recurring duty's own period (week, month, quarter …) that contains ``day``."""
    return period_containing(day, milestone.recurrence or "yearly").key


def _duty_period_key(milestone: Milestone, period: str) -> str:
    """``period`` normalised; ValidationFailed unless it is one of the duty's own periods (a quarter of a
    quarterly duty, not of a yearly one), whose completions reminders and evaluations count."""
    key = parse_period(period).key
    example = _EXAMPLES.get(milestone.recurrence or "")
    if example is None:  # a frequency this version does not know: keep what was said
        return key
    own = duty_period(milestone, parse_period(key).start)
    if own != key:
        raise ValidationFailed(f"milestone {milestone.label!r} recurs ({milestone.recurrence}): {key} is not one of "
                               f"its periods; name one like {example} (the one containing {key} is {own})")
    return key


def mark_done(session: Session, milestone: Milestone, *, completed_on: date, period: str = "",
              occurrence: int = 1, source: str = "manual", update_id: int | None = None) -> MilestoneCompletion:
    """Record that ``milestone`` (one ``period``/``occurrence`` if recurring) is done; idempotent."""
    if milestone.recurrence and not period:
        raise ValidationFailed(f"milestone {milestone.label!r} recurs ({milestone.recurrence}): "
                               f"name the period that is done, e.g. {_EXAMPLES.get(milestone.recurrence, '2016Q2')}")
    if milestone.recurrence:
        period = _duty_period_key(milestone, period)
    if occurrence < 1:
        raise ValidationFailed(f"occurrence must be 1 or more, not {occurrence}")
    existing = session.exec(select(MilestoneCompletion).where(
        MilestoneCompletion.milestone_id == milestone.id, MilestoneCompletion.period == period,
        MilestoneCompletion.occurrence == occurrence)).first()
    if existing is not None:
        return existing
    completion = MilestoneCompletion(milestone_id=id_of(milestone), period=period, occurrence=occurrence,
                                     completed_on=completed_on, source=source, update_id=update_id)
    session.add(completion)
    session.flush()
    return completion


def is_done(session: Session, milestone_id: int, period: str = "") -> bool:
    """Whether the milestone (or its ``period``) has a completion recorded."""
    row = session.exec(select(MilestoneCompletion.id).where(
        MilestoneCompletion.milestone_id == milestone_id, MilestoneCompletion.period == period)).first()
    return row is not None
