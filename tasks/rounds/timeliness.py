"""Whether a unit reported a task in a round, and whether on time: the one rule, used by the office's
dashboard (``dashboard.round_rates``), by the chase (``requests.outstanding``) and by the evaluation's
reporting completeness and timeliness (``evaluation.snapshot``), so that they never disagree about the
same round.

The rule: a unit has reported a task in a round when its latest update there was not sent back; the
report is on time when the first update that was not sent back was submitted on or before the round's
deadline day in the office's timezone (Asia/Shanghai: 23:59 Beijing time on the deadline is on time;
00:10 Beijing time the day after is late, although it is still the deadline day in UTC). An update
sent back does not count: a unit that sent something on time, had it returned and sent the corrected
report after the deadline reported late.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlmodel import Session, col, select

from models import ReportingRound, StatusUpdate
from models.base import as_utc, id_of
from models.status import REVIEW_RETURNED
from tasks.workdays import local_today

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Standing:
    """One unit's report of one task in one round, as the rule reads it."""

    reported: bool
    on_time: bool
    dated_by: datetime | None = None  # the submission the report is dated by (first not sent back), UTC


NO_REPORT = Standing(reported=False, on_time=False)


def report_day(submitted_at: datetime) -> date:
    """The office's calendar day an update was submitted on (its timestamp is stored in UTC)."""
    return local_today(as_utc(submitted_at))


def standings(updates: Iterable[tuple[K, datetime, str]], deadline_of: Callable[[K], date]) -> dict[K, Standing]:
    """Each key's standing from its updates ``(key, submitted_at, review_state)`` in submission order.

    ``key`` is whatever the caller groups by (unit and task in one round, or round, unit and task across
    a plan); ``deadline_of`` gives the deadline of the key's round. Keys without updates are not in the
    result: they stand as ``NO_REPORT``.
    """
    first_valid: dict[K, datetime] = {}
    latest_state: dict[K, str] = {}
    for key, submitted_at, state in updates:
        latest_state[key] = state
        if state != REVIEW_RETURNED:
            first_valid.setdefault(key, as_utc(submitted_at))
    out: dict[K, Standing] = {}
    for key, state in latest_state.items():
        first = first_valid.get(key)
        reported = state != REVIEW_RETURNED and first is not None
        out[key] = Standing(reported=reported, on_time=reported and first is not None
                            and report_day(first) <= deadline_of(key), dated_by=first)
    return out


def round_standings(session: Session, round_: ReportingRound) -> dict[tuple[int, int], Standing]:
    """(department id, task id) → its standing in the round, for every pair that sent an update."""
    rid = id_of(round_)
    updates = session.exec(select(StatusUpdate.department_id, StatusUpdate.task_id, StatusUpdate.submitted_at,
                                  StatusUpdate.review_state).where(col(StatusUpdate.round_id) == rid)
                           .order_by(col(StatusUpdate.submitted_at), col(StatusUpdate.id)))
    return standings((((d, t), at, state) for d, t, at, state in updates), lambda _key: round_.deadline)
