"""Reading what the units reported, as the portal shows it: rounds, a unit's updates (each task's latest,
or one task's whole list) and the evidence files attached to updates. The portal asks here instead of
writing its own queries, so that each read has one home in the domain."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import Evidence, ReportingRound, RoundExpectation, StatusUpdate


def all_rounds(session: Session) -> list[ReportingRound]:
    """Every round of every plan, the latest period first."""
    return list(session.exec(select(ReportingRound).order_by(col(ReportingRound.period_start).desc())))


def rounds_expecting(session: Session, department_id: int) -> list[ReportingRound]:
    """The open rounds that expect a report from the unit, the latest period first."""
    expecting = select(RoundExpectation.round_id).where(col(RoundExpectation.department_id) == department_id)
    return list(session.exec(select(ReportingRound)
                             .where(col(ReportingRound.id).in_(expecting), col(ReportingRound.closed_at).is_(None))
                             .order_by(col(ReportingRound.period_start).desc())))


def unit_updates(session: Session, department_id: int, task_id: int, *, newest_first: bool = False
                 ) -> list[StatusUpdate]:
    """The unit's own updates on one task, in the order it sent them (or newest first)."""
    order = col(StatusUpdate.id).desc() if newest_first else col(StatusUpdate.id)
    return list(session.exec(select(StatusUpdate).where(col(StatusUpdate.task_id) == task_id,
                                                        col(StatusUpdate.department_id) == department_id)
                             .order_by(order)))


def latest_updates(session: Session, department_id: int) -> dict[int, StatusUpdate]:
    """Task id → the unit's latest update on it (whatever its review)."""
    latest: dict[int, StatusUpdate] = {}
    for update in session.exec(select(StatusUpdate).where(col(StatusUpdate.department_id) == department_id)
                               .order_by(col(StatusUpdate.id))):
        latest[update.task_id] = update
    return latest


def evidence_of(session: Session, update_ids: list[int]) -> dict[int, list[Evidence]]:
    """Update id → its evidence files (every id present, empty when it has none)."""
    files: dict[int, list[Evidence]] = {update_id: [] for update_id in update_ids}
    if update_ids:
        for item in session.exec(select(Evidence).where(col(Evidence.update_id).in_(update_ids))):
            files[item.update_id].append(item)
    return files
