"""China's official working-day calendar (holidays and 调休 make-up workdays) for counting deadlines."""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

from config import get_settings

log = logging.getLogger("duban.workdays")
_warned_years: set[int] = set()


def calendar_covers(year: int) -> bool:
    """Whether chinesecalendar knows the official holidays of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=256)
def _year_working_days(year: int) -> tuple[int, ...]:
    """Ordinals of every working day of ``year``, sorted; Mon–Fri (with a warning) if not covered."""
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    if calendar_covers(year):
        return tuple(o for o in range(first, last + 1) if chinese_calendar.is_workday(date.fromordinal(o)))
    if year not in _warned_years:
        _warned_years.add(year)
        log.warning("chinesecalendar has no holidays for %s: counting Monday–Friday as working days "
                    "(upgrade chinesecalendar once the State Council publishes the %s calendar)", year, year)
    return tuple(o for o in range(first, last + 1) if date.fromordinal(o).weekday() < 5)


def is_working_day(d: date) -> bool:
    """Whether ``d`` is an official working day in mainland China."""
    days = _year_working_days(d.year)
    i = bisect_left(days, d.toordinal())
    return i < len(days) and days[i] == d.toordinal()


def add_working_days(d: date, n: int) -> date:
    """The working day ``n`` working days after ``d`` (before it when ``n`` < 0); ``d`` itself if 0."""
    if n == 0:
        return d
    year, ordinal = d.year, d.toordinal()
    days = _year_working_days(year)
    if n > 0:
        index = bisect_right(days, ordinal) + n - 1
        while index >= len(days):
            index -= len(days)
            year += 1
            days = _year_working_days(year)
    else:
        index = bisect_left(days, ordinal) + n
        while index < 0:
            year -= 1
            days = _year_working_days(year)
            index += len(days)
    return date.fromordinal(days[index])


def _rank_in_year(d: date) -> int:
    """How many working days of ``d``'s year fall on or before ``d``."""
    return bisect_right(_year_working_days(d.year), d.toordinal())


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` < ``start``."""
    if end < start:
        return -working_days_between(end, start)
    if start.year == end.year:
        return _rank_in_year(end) - _rank_in_year(start)
    total = len(_year_working_days(start.year)) - _rank_in_year(start)
    for year in range(start.year + 1, end.year):
        total += len(_year_working_days(year))
    return total + _rank_in_year(end)


def local_time(moment: datetime) -> str:
    """A stored (UTC) moment as people read it: ``2025-12-30 23:30`` in the office's timezone (Asia/Shanghai)."""
    if moment.tzinfo is None:
        raise ValueError("local_time needs a timezone-aware datetime")
    return moment.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y-%m-%d %H:%M")


def local_today(now: datetime | None = None) -> date:
    """Today's date in the office's timezone (Asia/Shanghai unless configured otherwise)."""
    zone = ZoneInfo(get_settings().timezone)
    if now is None:
        return datetime.now(zone).date()
    if now.tzinfo is None:
        raise ValueError("local_today needs a timezone-aware datetime")
    return now.astimezone(zone).date()


def next_working_day(d: date) -> date:
    """``d`` itself if it is a working day, else the next working day."""
    return d if is_working_day(d) else add_working_days(d, 1)

