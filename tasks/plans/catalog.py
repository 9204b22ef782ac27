"""The office's list of plans: each with its period, revision, status and active task count; revisions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from models import Plan, PlanRevision, Task
from models.base import id_of


@dataclass(frozen=True)
class PlanSummary:
    """One plan as the plans page lists it."""

    plan: Plan
    tasks: int


def plan_summaries(session: Session) -> list[PlanSummary]:
    """Every plan by code, with its number of active tasks."""
    counts = dict(session.exec(select(Task.plan_id, func.count()).where(col(Task.active))
                               .group_by(col(Task.plan_id))).all())
    return [PlanSummary(p, counts.get(id_of(p), 0)) for p in session.exec(select(Plan).order_by(col(Plan.code)))]


def revisions(session: Session, plan: Plan) -> list[PlanRevision]:
    """The plan's revisions, newest first."""
    query = select(PlanRevision).where(PlanRevision.plan_id == plan.id).order_by(col(PlanRevision.number).desc())
    return list(session.exec(query))
