"""Marking milestones (or one period of a recurring duty) done, so that reminders stop.

The completion rule (README, "Completion"):

* A milestone or duty period shared by several units is done **for a unit** when that unit's report
  on it is accepted (``record_unit_done``); that unit is no longer reminded of it.
* The milestone itself is done when all its **bound units** are: its clause's units, else the task's.
  When the bound units include a lead (牵头), the lead's accepted report completes it and supporting
  units (配合) report their part; with only responsible units (责任单位, groups expanded to their
  members), every one of them must be done. Supporting units never hold a milestone open.
* A milestone is done on the date the unit says the work was done (``completion_date``: the report's
  ``completed_on``, default the day the report was sent, Asia/Shanghai) — never the day the office
  accepted it: a year-end milestone done on 28 Dec and accepted on 8 Jan is on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from models import (
    KIND_GROUP,
    ROLE_LEAD,
    ROLE_SUPPORT,
    Assignment,
    Department,
    Milestone,
    MilestoneCompletion,
    StatusUpdate,
    Task,
    UnitCompletion,
)
from models.base import as_utc, id_of
from tasks.directory.departments import expand_members
from tasks.errors import NotFound, ValidationFailed
from tasks.periods import parse_period, period_containing
from tasks.plans.lookup import plan_by_code
from tasks.workdays import local_today

_EXAMPLES = {"weekly": "2016W05", "monthly": "2016-04", "bimonthly": "2016B2", "quarterly": "2016Q2",
             "half-yearly": "2016H1", "yearly": "2016"}


def find_milestone(session: Session, plan_code: str, task_code: str, label: str) -> Milestone:
    """The milestone ``label`` (its label or key, e.g. ``2016年``) of task ``task_code`` in plan ``plan_code``."""
    plan = plan_by_code(session, plan_code)
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


def completion_date(update: StatusUpdate) -> date:
    """The date a report's milestone was done: the date the unit gives, else the day it sent the report
    (Asia/Shanghai). The office's acceptance date never counts."""
    return update.completed_on or local_today(as_utc(update.submitted_at))


@dataclass(frozen=True)
class BoundUnits:
    """The units a milestone binds (groups expanded to their members) and those that must finish it."""

    units: dict[int, str]  # unit id → role on the task (lead | responsible | support)
    required: frozenset[int]


def bound_units(session: Session, milestone: Milestone) -> BoundUnits:
    """Who a milestone binds and who must be done for it to be done (see the module docstring)."""
    rows = session.exec(select(Assignment.department_id, Assignment.role).where(
        Assignment.task_id == milestone.task_id)).all()
    if milestone.unit_ids:
        rows = [(d, r) for d, r in rows if d in set(milestone.unit_ids)]
    kinds = dict(session.exec(select(Department.id, Department.kind).where(
        col(Department.id).in_([d for d, _ in rows] or [0]))).all())
    groups = [d for d, _ in rows if kinds.get(d) == KIND_GROUP]
    members = expand_members(session, groups) if groups else {}
    units: dict[int, str] = {}
    for dept_id, role in rows:
        for unit in ([m.id for m in members.get(dept_id, [])] or [dept_id]) if dept_id in groups else [dept_id]:
            if unit is not None and units.get(unit) in (None, ROLE_SUPPORT):
                units[unit] = role
    leads = {u for u, r in units.items() if r == ROLE_LEAD}
    required = leads or {u for u, r in units.items() if r != ROLE_SUPPORT} or set(units)
    return BoundUnits(units, frozenset(required))


def record_unit_done(session: Session, milestone: Milestone, department_id: int, *, completed_on: date,
                     period: str = "", update_id: int | None = None, source: str = "status_update"
                     ) -> UnitCompletion:
    """Record one unit's part of ``milestone`` (one ``period`` if recurring) done, and the milestone itself
    once every required unit has done its part (dated by the latest of their dates). Idempotent per update."""
    if milestone.recurrence:
        if not period:
            raise ValidationFailed(f"milestone {milestone.label!r} recurs ({milestone.recurrence}): name the period")
        period = _duty_period_key(milestone, period)
    if update_id is not None:
        existing = session.exec(select(UnitCompletion).where(UnitCompletion.update_id == update_id)).first()
        if existing is not None:
            return existing
    needed = milestone.recurrence_count or 1 if milestone.recurrence else 1
    done = session.exec(select(UnitCompletion).where(
        UnitCompletion.milestone_id == milestone.id, UnitCompletion.period == period,
        UnitCompletion.department_id == department_id).order_by(col(UnitCompletion.occurrence))).all()
    if len(done) >= needed:
        return done[-1]
    part = UnitCompletion(milestone_id=id_of(milestone), department_id=department_id, period=period,
                          occurrence=len(done) + 1, completed_on=completed_on, source=source, update_id=update_id)
    session.add(part)
    session.flush()
    bound = bound_units(session, milestone)
    counts = dict(session.exec(select(UnitCompletion.department_id, func.count()).where(
        UnitCompletion.milestone_id == milestone.id, UnitCompletion.period == period)
        .group_by(col(UnitCompletion.department_id))).all())
    if bound.required and all(counts.get(u, 0) >= needed for u in bound.required):
        last = session.exec(select(func.max(UnitCompletion.completed_on)).where(
            UnitCompletion.milestone_id == milestone.id, UnitCompletion.period == period,
            col(UnitCompletion.department_id).in_(sorted(bound.required)))).one()
        for occurrence in range(1, needed + 1):
            mark_done(session, milestone, completed_on=last or completed_on, period=period, occurrence=occurrence,
                      source=source, update_id=update_id)
    return part


def units_done(session: Session, milestone_id: int, period: str = "") -> set[int]:
    """The units whose own part of the milestone (or period) is done."""
    return set(session.exec(select(UnitCompletion.department_id).where(
        UnitCompletion.milestone_id == milestone_id, UnitCompletion.period == period)).all())
