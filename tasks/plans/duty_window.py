"""The window a plan's recurring duties run in: from the plan's start to its end.

A plan starts on the later of its issue date (印发/成文日期) and the first day of its stated period
(2024—2026年 → 1 Jan 2024); it ends on 31 Dec of its period's last year. A recurring duty with no
year of its own (每季度…, 每半年…) runs inside that window: its first period is the one holding the
plan's start, and no period ending before the start or beginning after the end is ever reminded.
A duty whose start is unknown (no issue date, no period) stays undated and is never reminded;
``redate_duties`` dates such duties as soon as ``duban plans set`` gives the plan a start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from models import Milestone, Plan, Task
from tasks.plans.deadlines import Schedule, occurrences


@dataclass(frozen=True)
class PlanWindow:
    """The first and last day of a plan's duties (None: not known)."""

    start: date | None
    end: date | None

    def holds(self, first: date, last: date) -> bool:
        """Whether a period ``first``..``last`` overlaps the window (an unknown start holds nothing)."""
        if self.start is None:
            return False
        return last >= self.start and (self.end is None or first <= self.end)


def plan_window(issued_on: date | None, period_start: int | None, period_end: int | None) -> PlanWindow:
    """The duty window from a plan's issue date and stated period (see the module docstring)."""
    starts = [d for d in (issued_on, date(period_start, 1, 1) if period_start else None) if d is not None]
    return PlanWindow(max(starts) if starts else None, date(period_end, 12, 31) if period_end else None)


def window_of(plan: Plan) -> PlanWindow:
    """The duty window of a stored plan."""
    return plan_window(plan.issued_on, plan.period_start, plan.period_end)


def redate_duties(session: Session, plan: Plan) -> int:
    """Fit the plan's recurring duties into its window: undated ones start at the plan's start, every one
    ends by the plan's end and none starts before its start. Returns how many duties changed."""
    window = window_of(plan)
    if window.start is None and window.end is None:
        return 0
    rows = session.exec(select(Milestone).join(Task).where(col(Task.plan_id) == plan.id, col(Milestone.active),
                                                           col(Milestone.recurrence).is_not(None))).all()
    changes = []
    for duty in rows:
        start, end = duty.recurrence_start, duty.recurrence_end
        if start is None or (window.start is not None and start < window.start):
            start = window.start
        if window.end is not None and (end is None or end > window.end):
            end = window.end
        if (start, end) == (duty.recurrence_start, duty.recurrence_end) and duty.due_date is not None:
            continue
        probe = Schedule(duty.key, duty.label, duty.text, None, recurrence=duty.recurrence,
                         recurrence_start=start, recurrence_end=end)
        first = occurrences(probe, until=date(start.year + 1, start.month, 1)) if start else []
        due = first[0][1] if first and start is not None and (end is None or start <= end) else None
        reason = None if due else (duty.undated_reason or "recurring duty has no start inside the plan")
        changes.append({"id": duty.id, "recurrence_start": start, "recurrence_end": end, "due_date": due,
                        "undated_reason": reason})
    for row in changes:
        session.execute(update(Milestone).where(col(Milestone.id) == row.pop("id")).values(**row))
    session.flush()
    session.expire_all()
    return len(changes)
