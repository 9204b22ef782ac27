"""Prefect flow ``collect_status``: open each plan's due reporting round and chase the units behind.

Thin over tasks/rounds/collection.py, whose steps are idempotent: a re-run after a crash neither repeats
nor skips a request or a chase.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from config import get_settings
from models.db import session_scope
from tasks.rounds.collection import chase_open_rounds, open_due_rounds
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
