"""Prefect flow ``collect_status``: open each plan's due reporting round and chase the units behind.

Thin over tasks/rounds/collection.py, whose steps are idempotent: a re-run after a crash neither repeats
nor skips a request or a chase.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from config import get_settings
from models import ReportingRound
from models.db import session_scope
from tasks.reminders.notify import DeliveryReport
from tasks.rounds.collection import chase_open_rounds, open_due_rounds
from tasks.rounds.requests import chase
from tasks.workdays import is_working_day, local_today


@task(name="open-due-rounds", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)
def open_due_rounds_step(today: date, frequency: str) -> list[dict[str, Any]]:
    """Open the due round of every running plan."""
    with session_scope() as session:
        return open_due_rounds(session, today, frequency)


@task(name="chase-open-rounds", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=30)
def chase_open_rounds_step(today: date, force: bool) -> list[dict[str, Any]]:
    """Chase the units behind in the open rounds."""
    with session_scope() as session:
        return chase_open_rounds(session, today, force)


@dataclass(frozen=True)
class ChaseLine:
    """One round chased by ``duban round chase``: its period, the units behind and the delivery."""

    period: str
    behind: int
    delivery: DeliveryReport


def chase_rounds_now(round_ids: list[int], dry_run: bool) -> list[ChaseLine]:
    """Chase the units behind in the given rounds (each unit once a day at most): no Prefect needed."""
    lines = []
    with session_scope() as session:
        for round_id in round_ids:
            round_ = session.get(ReportingRound, round_id)
            result = chase(session, round_, dry_run=dry_run)
            lines.append(ChaseLine(round_.period, len(result.departments), result.delivery))
    return lines


@task(name="chase-rounds", cache_policy=NO_CACHE)
def chase_rounds_step(round_ids: list[int], dry_run: bool) -> list[ChaseLine]:
    """``chase_rounds_now`` as a task (the ledger makes a retry or a re-run send nothing twice)."""
    return chase_rounds_now(round_ids, dry_run)


@flow(name="chase-rounds")
def chase_rounds(round_ids: list[int], dry_run: bool = False) -> list[ChaseLine]:
    """``duban round chase`` as a recorded flow run (used when a Prefect server is configured)."""
    lines = chase_rounds_step(round_ids, dry_run)
    get_run_logger().info("chase_rounds: %s", "; ".join(f"{x.period}: {x.behind} behind, sent {x.delivery.sent}, "
                                                          f"failed {x.delivery.failed}" for x in lines) or "none")
    return lines


@flow(name="collect-status")
def collect_status(as_of: date | None = None, chase_now: bool = False) -> dict[str, Any]:
    """Open the due round of each plan (settings.round_frequency) and chase only who has not reported."""
    logger = get_run_logger()
    today = as_of or local_today()
    if not is_working_day(today):  # rounds open and chasing happens on the next working day
        logger.info("collect_status %s: not a working day, nothing to do", today)
        return {"opened": [], "chased": []}
    opened = open_due_rounds_step(today, get_settings().round_frequency)
    chased = chase_open_rounds_step(today, chase_now)
    if opened or chased:
        create_table_artifact([*opened, *chased], key="collect-status",
                              description=f"status collection on {today.isoformat()}")
    failed = sum(r["failed"] for r in opened + chased)
    logger.info("collect_status %s: %d round(s) opened or re-checked, %d chased, %d failed deliveries",
                today, len(opened), len(chased), failed)
    if failed:
        raise RuntimeError(f"{failed} deliveries failed; they are retried on the next run")
    return {"opened": opened, "chased": chased}
