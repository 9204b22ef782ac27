"""One day of status collection: open each running plan's due round, chase the units behind.

Both steps are idempotent (rounds and expectations are unique per plan and period, and every
message has a ledger key), so a re-run after a crash neither repeats nor skips a request or a chase.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from models import Plan, ReportingRound
from tasks.periods import FREQUENCIES, last_ended_period
from tasks.rounds.requests import chase, chase_due, open_round, open_rounds


def open_due_rounds(session: Session, today: date, frequency: str) -> list[dict[str, Any]]:
    """Open the round of the period that has just ended, for every plan still running (idempotent)."""
    if frequency not in FREQUENCIES:  # ad hoc rounds are opened by hand (duban round open)
        return []
    period = last_ended_period(today, frequency)
    rows = []
    for plan in session.exec(select(Plan).order_by(Plan.code)):
        if (plan.period_end and plan.period_end < period.start.year) or \
                (plan.period_start and plan.period_start > period.end.year):
            continue
        known = session.exec(select(ReportingRound).where(ReportingRound.plan_id == plan.id,
                                                          ReportingRound.period == period.key)).first()
        if known is not None and known.closed_at is not None:
            continue  # opened and closed before: leave it closed
        result = open_round(session, plan, period.key, today=today)
        d = result.delivery
        rows.append({"plan": plan.code, "round": period.key, "opened": result.created,
                     "units": len(result.departments), "sent": d.sent, "failed": d.failed,
                     "no_channel": len(d.no_channel)})
    return rows


def chase_open_rounds(session: Session, today: date, force: bool = False) -> list[dict[str, Any]]:
    """Chase the units behind in every open round whose chasing day it is (or all, when forced)."""
    rows = []
    for round_ in open_rounds(session):
        if not (force or chase_due(round_, today)):
            continue
        result = chase(session, round_, today=today)
        plan = session.get_one(Plan, round_.plan_id)
        rows.append({"plan": plan.code, "round": round_.period, "behind": len(result.departments),
                     "sent": result.delivery.sent, "failed": result.delivery.failed})
    return rows
