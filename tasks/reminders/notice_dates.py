"""Working-day arithmetic of the reminder policy: which due dates have a notice on a given day."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import lru_cache

from config import ReminderPolicy
from tasks.errors import ValidationFailed
from tasks.periods import Period, period_containing
from tasks.workdays import add_working_days, is_working_day, working_days_between

log = logging.getLogger("duban.reminders")
Notice = tuple[str, int, date, bool]  # status, working days left/overdue, the unit's due date, escalate


def effective_due(due: date) -> date:
    """A deadline on a non-working day falls due on the last working day before it."""
    return due if is_working_day(due) else add_working_days(due, -1)


class NoticeCalendar:
    """The notice days of one policy seen from one sweep day (memoised per due date)."""

    def __init__(self, as_of: date, policy: ReminderPolicy) -> None:
        self.as_of, self.policy = as_of, policy
        self.support_days = max(0, policy.support_lead_time_working_days)
        reach = max([0, *policy.before_working_days]) + self.support_days
        # any due date before this day has its (unit) due date within the notice window
        self.horizon = add_working_days(as_of, reach + 1) - timedelta(days=1)
        self._cache: dict[tuple[date, bool, bool, date | None], Notice | None] = {}

    def _overdue_notified(self, overdue: int) -> bool:
        every = self.policy.overdue_every_working_days
        return overdue == 1 if every <= 0 else (overdue - 1) % every == 0

    def _status(self, unit_due: date) -> tuple[str, int] | None:
        left = working_days_between(self.as_of, unit_due)
        if left > 0:
            return ("upcoming", left) if left in self.policy.before_working_days else None
        if left == 0:
            return ("due_today", 0) if self.policy.on_due_day else None
        return ("overdue", -left) if self._overdue_notified(-left) else None

    def notice(self, lead_due: date, *, support: bool = False, soft: bool = False,
               period_start: date | None = None) -> Notice | None:
        """The notice a unit gets today for a milestone due ``lead_due``, or None if none today.

        ``period_start``: the start of a recurring duty's period. Its occurrence is not announced before
        the period begins (a weekly duty gets no 7-day notice), and its supporting units are not asked
        ahead of the lead when that would fall before the period begins (a weekly meeting)."""
        key = (lead_due, support, soft, period_start)
        if key not in self._cache:
            unit_due = effective_due(lead_due)
            if support and self.support_days:
                ahead = add_working_days(unit_due, -self.support_days)
                unit_due = ahead if period_start is None or ahead >= period_start else unit_due
            found = self._status(unit_due)
            if found is not None and found[0] == "upcoming" and period_start is not None \
                    and self.as_of < period_start:
                found = None
            if found is None:
                self._cache[key] = None
            else:
                status, days = found
                escalate = (status == "overdue" and not support and not soft
                            and days >= self.policy.escalate_after_working_days)
                self._cache[key] = (status, days, unit_due, escalate)
        return self._cache[key]

    def _notice_working_days(self, earliest: date) -> list[date]:
        """Every working day that, as a unit's due date, gives a notice today."""
        days = [add_working_days(self.as_of, n) for n in self.policy.before_working_days if n > 0]
        if self.policy.on_due_day:
            days.append(self.as_of)
        overdue = 1
        every = max(self.policy.overdue_every_working_days, 0)
        while True:
            day = add_working_days(self.as_of, -overdue)
            if day < earliest - timedelta(days=10) or (every == 0 and overdue > 1):
                break
            days.append(day)
            overdue += every or 1
        return days

    def notice_due_dates(self, earliest: date | None) -> set[date]:
        """The calendar due dates (lead's or supported) that could have a notice today."""
        if earliest is None:
            return set()
        unit_days = self._notice_working_days(add_working_days(min(earliest, self.as_of), -self.support_days))
        lead_days = set(unit_days)
        if self.support_days:
            lead_days |= {add_working_days(d, self.support_days) for d in unit_days}
        dates: set[date] = set()
        for day in lead_days:
            dates.add(day)
            following = day + timedelta(days=1)
            while not is_working_day(following):  # deadlines on the holidays after it fall due on it
                dates.add(following)
                following += timedelta(days=1)
        return dates


@lru_cache(maxsize=256)
def _periods_around(as_of: date, recurrence: str) -> tuple[Period, Period, Period]:
    """The period of ``recurrence`` containing ``as_of`` with the one before and after (memoised)."""
    current = period_containing(as_of, recurrence)
    previous = period_containing(current.start - timedelta(days=1), recurrence)
    return previous, current, period_containing(current.end + timedelta(days=1), recurrence)


def recurring_periods(recurrence: str, start: date | None, end: date | None, as_of: date,
                      horizon: date) -> list[Period]:
    """The current period of a duty and the one just ended, clipped to the duty's span."""
    try:
        around = _periods_around(as_of, recurrence)
    except ValidationFailed:
        log.warning("unknown recurrence %r: no reminders for this duty", recurrence)
        return []
    out = []
    for period in around:
        first = max(period.start, start) if start else period.start
        last = min(period.end, end) if end else period.end
        if first <= last and first <= horizon:
            out.append(Period(period.key, first, last))
    return out
