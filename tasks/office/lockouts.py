"""Sign-in throttling: repeated wrong passwords lock an account name and a client address for a growing while.

Counts live in the database (table ``loginthrottle``), not in process memory, so that every portal worker
process (`duban portal --workers`) sees the same failures and the same locks. The account key is the name
as typed, whether or not such a user exists, so a lock reveals nothing about which names are real.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from config import get_settings
from models import LoginThrottle
from models.base import as_utc, utcnow
from models.db import lock_for_transaction
from tasks.errors import TooManyAttempts

MAX_FAILURES = 5  # wrong passwords allowed within WINDOW before a lock
WINDOW = timedelta(minutes=15)
FIRST_LOCK = timedelta(minutes=5)  # doubled by each further lock, up to LONGEST_LOCK
LONGEST_LOCK = timedelta(hours=4)
FORGET_AFTER = timedelta(days=1)  # counts idle this long are deleted: names typed by guessers do not pile up
_LOCK_KEY = (0x6475_6261, 11)  # the advisory lock serialising updates of the counts (PostgreSQL)


@dataclass(frozen=True)
class Attempt:
    """Who is signing in: the account name as typed and the client's address."""

    username: str
    address: str

    def throttle_keys(self) -> list[str]:
        return [f"user:{self.username.strip().casefold()}", f"addr:{self.address or 'unknown'}"]


def _rows(session: Session, attempt: Attempt) -> list[LoginThrottle]:
    return list(session.exec(select(LoginThrottle).where(col(LoginThrottle.key).in_(attempt.throttle_keys()))))


def lock_period(lockouts: int) -> timedelta:
    """How long the ``lockouts``-th lock lasts: 5 minutes, then 10, 20, ... at most 4 hours."""
    return min(FIRST_LOCK * (1 << max(0, lockouts - 1)), LONGEST_LOCK)


def _refusal(until: datetime, now: datetime) -> TooManyAttempts:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    local = until.astimezone(ZoneInfo(get_settings().timezone))
    minutes = max(1, math.ceil(seconds / 60))
    return TooManyAttempts(f"密码错误次数过多，登录已暂时锁定。请在 {local:%H:%M}（约 {minutes} 分钟后）再试。",
                           retry_after=seconds)


def check(session: Session, attempt: Attempt, now: datetime | None = None) -> None:
    """Refuse (TooManyAttempts, saying until when) while the account name or the address is locked."""
    now = now or utcnow()
    locks = [as_utc(r.locked_until) for r in _rows(session, attempt) if r.locked_until is not None]
    active = [until for until in locks if until is not None and until > now]
    if active:
        raise _refusal(max(active), now)


def record_failure(session: Session, attempt: Attempt, now: datetime | None = None) -> None:
    """Count a wrong password for the account name and the address, locking either at MAX_FAILURES within
    WINDOW; committed at once, because the request that failed rolls its own work back."""
    now = now or utcnow()
    lock_for_transaction(session, _LOCK_KEY)
    idle = now - FORGET_AFTER
    session.execute(delete(LoginThrottle).where(col(LoginThrottle.window_start) < idle,
                                                or_(col(LoginThrottle.locked_until).is_(None),
                                                    col(LoginThrottle.locked_until) < idle))
                    .execution_options(synchronize_session=False))
    rows = {r.key: r for r in _rows(session, attempt)}
    for key in attempt.throttle_keys():
        row = rows.get(key) or LoginThrottle(key=key, window_start=now)
        if as_utc(row.window_start) + WINDOW < now:
            row.failures, row.window_start = 0, now
        row.failures += 1
        if row.failures >= MAX_FAILURES:
            row.lockouts += 1
            row.locked_until = now + lock_period(row.lockouts)
            row.failures, row.window_start = 0, now
        session.add(row)
    session.commit()


def record_success(session: Session, attempt: Attempt) -> None:
    """A right password (necessarily outside any lock) clears the counts and the lock history."""
    for row in _rows(session, attempt):
        session.delete(row)
    session.commit()
