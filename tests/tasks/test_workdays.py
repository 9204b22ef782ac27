"""China's working-day calendar: holidays, 调休 make-up days, counting, and the fallback for unknown years."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest

from tasks import workdays
from tasks.workdays import add_working_days, calendar_covers, is_working_day, local_today, working_days_between


def test_national_day_2016_is_off_and_its_make_up_weekend_is_on() -> None:
    assert not is_working_day(date(2016, 10, 3))          # 国庆节
    assert not is_working_day(date(2016, 10, 7))
    assert is_working_day(date(2016, 10, 8))              # Saturday, 调休
    assert is_working_day(date(2016, 10, 9))              # Sunday, 调休
    assert not is_working_day(date(2016, 10, 15))         # an ordinary Saturday
    assert not is_working_day(date(2016, 2, 8))           # 春节


def test_adding_working_days_jumps_over_the_holiday() -> None:
    assert add_working_days(date(2016, 9, 30), 1) == date(2016, 10, 8)
    assert add_working_days(date(2016, 10, 8), -1) == date(2016, 9, 30)
    assert add_working_days(date(2016, 10, 14), -7) == date(2016, 9, 30)
    assert add_working_days(date(2016, 10, 3), 1) == date(2016, 10, 8)   # from a holiday
    assert add_working_days(date(2016, 10, 3), -1) == date(2016, 9, 30)
    assert add_working_days(date(2016, 12, 30), 1) == date(2017, 1, 3)  # 元旦 2017 is Sun+Mon
    assert add_working_days(date(2016, 5, 5), 0) == date(2016, 5, 5)


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert working_days_between(date(2016, 9, 30), date(2016, 10, 10)) == 3   # 8th, 9th, 10th
    assert working_days_between(date(2016, 10, 10), date(2016, 9, 30)) == -3
    assert working_days_between(date(2016, 10, 10), date(2016, 10, 10)) == 0
    assert working_days_between(date(2016, 1, 1), date(2017, 1, 1)) == 250     # 2016 had 250 working days
    for n in (-40, -7, -1, 1, 5, 30, 300):
        start = date(2016, 4, 25)
        assert working_days_between(start, add_working_days(start, n)) == n


def test_a_year_without_official_data_falls_back_to_monday_to_friday(caplog: pytest.LogCaptureFixture) -> None:
    workdays._warned_years.discard(2031)
    workdays._year_working_days.cache_clear()
    assert not calendar_covers(2031) and calendar_covers(2016)
    with caplog.at_level(logging.WARNING, logger="duban.workdays"):
        assert is_working_day(date(2031, 1, 1))            # a Wednesday: no holiday data
        assert not is_working_day(date(2031, 1, 4))        # Saturday
        assert add_working_days(date(2031, 1, 3), 1) == date(2031, 1, 6)
    warnings = [r for r in caplog.records if "2031" in r.getMessage()]
    assert len(warnings) == 1                               # warned once for the year


def test_local_today_is_shanghai_date() -> None:
    assert local_today(datetime(2016, 4, 24, 16, 30, tzinfo=UTC)) == date(2016, 4, 25)
    assert local_today(datetime(2016, 4, 24, 15, 59, tzinfo=UTC)) == date(2016, 4, 24)
    with pytest.raises(ValueError):
        local_today(datetime(2016, 4, 24, 12, 0))  # noqa: DTZ001 - the naive datetime is what is refused
