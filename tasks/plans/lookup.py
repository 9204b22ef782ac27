"""Finding plans: the one home of "the plan with this code, or NotFound", of listing plans, and of reading
a plan's tasks and a task's milestones as stored.

Every layer (tasks, flows, portal) asks here, so that a missing plan reads the same everywhere and
names the plans that do exist.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Milestone, Plan, Task
from models.base import id_of
from tasks.errors import NotFound


def plan_codes(session: Session) -> list[str]:
    """Every plan's code, in order."""
    return list(session.exec(select(Plan.code).order_by(col(Plan.code))))


def all_plans(session: Session) -> list[Plan]:
    """Every plan, by code."""
    return list(session.exec(select(Plan).order_by(col(Plan.code))))


def find_plan_by_code(session: Session, code: str) -> Plan | None:
    """The plan with ``code``, or None (for callers that create it when missing)."""
    return session.exec(select(Plan).where(col(Plan.code) == code)).first()


def plan_by_code(session: Session, code: str) -> Plan:
    """The plan with ``code``, or NotFound naming the plans there are."""
    plan = find_plan_by_code(session, code)
    if plan is None:
        raise NotFound(f"no plan with code {code!r} (plans: {', '.join(plan_codes(session)) or 'none'})")
    return plan


def plan_tasks(session: Session, plan_id: int) -> dict[int, Task]:
    """Task id → task, every task of the plan (inactive ones too: old rounds still name them)."""
    return {id_of(t): t for t in session.exec(select(Task).where(col(Task.plan_id) == plan_id))}


def task_milestones(session: Session, task_id: int, *, active_only: bool = False) -> list[Milestone]:
    """The task's milestones in the plan's order (only the current ones with ``active_only``)."""
    query = select(Milestone).where(col(Milestone.task_id) == task_id)
    if active_only:
        query = query.where(col(Milestone.active).is_(True))
    return list(session.exec(query.order_by(col(Milestone.position))))
