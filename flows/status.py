"""Prefect flow ``collect_status``: open each plan's due reporting round and chase the units behind.

Thin over tasks/rounds.py: both steps are idempotent (rounds and expectations are unique per plan
and period, and every message has a ledger key), so a re-run after a crash neither repeats nor
skips a request or a chase.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from sqlmodel import select

from config import get_settings
from models import Plan, ReportingRound
from models.db import session_scope
from tasks.periods import FREQUENCIES, last_ended_period
from tasks.rounds import chase, chase_due, open_round, open_rounds
from tasks.workdays import is_working_day, local_today


@task(name="open-due-rounds", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)
def open_due_rounds(today: date, frequency: str) -> list[dict[str, Any]]:
    """Open the round of the period that has just ended, for every plan still running (idempotent)."""
    if frequency not in FREQUENCIES:  # ad hoc rounds are opened by hand (duban round open)
        return []
    period = last_ended_period(today, frequency)
    rows = []
    with session_scope() as session:
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


@task(name="chase-open-rounds", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)
def chase_open_rounds(today: date, force: bool) -> list[dict[str, Any]]:
    """Chase the units behind in every open round whose chasing day it is (or all, when forced)."""
    rows = []
    with session_scope() as session:
        for round_ in open_rounds(session):
            if not (force or chase_due(round_, today)):
                continue
            result = chase(session, round_, today=today)
            plan = session.get(Plan, round_.plan_id)
            rows.append({"plan": plan.code, "round": round_.period, "behind": len(result.departments),
                         "sent": result.delivery.sent, "failed": result.delivery.failed})
    return rows


@flow(name="collect-status")
def collect_status(today: date | None = None, chase_now: bool = False) -> dict[str, Any]:
    """Open the due round of each plan (settings.round_frequency) and chase only who has not reported."""
    logger = get_run_logger()
    today = today or local_today()
    if not is_working_day(today):  # rounds open and chasing happens on the next working day
        logger.info("collect_status %s: not a working day, nothing to do", today)
        return {"opened": [], "chased": []}
    opened = open_due_rounds(today, get_settings().round_frequency)
    chased = chase_open_rounds(today, chase_now)
    if opened or chased:
        create_table_artifact([*opened, *chased], key="collect-status",
                              description=f"status collection on {today.isoformat()}")
    failed = sum(r["failed"] for r in opened + chased)
    logger.info("collect_status %s: %d round(s) opened or re-checked, %d chased, %d failed deliveries",
                today, len(opened), len(chased), failed)
    if failed:
        raise RuntimeError(f"{failed} deliveries failed; they are retried on the next run")
    return {"opened": opened, "chased": chased}
