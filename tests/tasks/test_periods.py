"""Reporting-period keys: parsing, Chinese labels, the period of a frequency holding a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tasks.errors import ValidationFailed
from tasks.periods import FREQUENCIES, last_ended_period, parse_period, period_containing

ONE_DAY = timedelta(days=1)


@pytest.mark.parametrize(("key", "start", "end", "label"), [
    ("2016Q2", date(2016, 4, 1), date(2016, 6, 30), "2016年第二季度"),
    ("2016H2", date(2016, 7, 1), date(2016, 12, 31), "2016年下半年"),
    ("2016-02", date(2016, 2, 1), date(2016, 2, 29), "2016年2月"),
    ("2016B2", date(2016, 3, 1), date(2016, 4, 30), "2016年3—4月"),
    ("2016b6", date(2016, 11, 1), date(2016, 12, 31), "2016年11—12月"),
    ("2016W05", date(2016, 2, 1), date(2016, 2, 7), "2016年第5周（2月1日—2月7日）"),
    ("2015W53", date(2015, 12, 28), date(2016, 1, 3), "2015年第53周（12月28日—1月3日）"),
])
def test_keys_and_labels(key: str, start: date, end: date, label: str) -> None:
    period = parse_period(key)
    assert (period.key, period.start, period.end, period.label) == (key.upper(), start, end, label)


@pytest.mark.parametrize("key", ["2016W54", "2016W00", "2016B7", "2016Q5", "2016-13", "week 5"])
def test_a_wrong_key_names_the_accepted_forms(key: str) -> None:
    with pytest.raises(ValidationFailed, match="2016W05 \\(ISO week\\)"):
        parse_period(key)


@pytest.mark.parametrize(("day", "frequency", "key"), [
    (date(2016, 1, 1), "weekly", "2015W53"),       # ISO weeks: 1 Jan 2016 is a Friday of the year before's week
    (date(2016, 1, 4), "weekly", "2016W01"),
    (date(2016, 4, 30), "bimonthly", "2016B2"),
    (date(2016, 5, 1), "bimonthly", "2016B3"),
    (date(2016, 5, 1), "monthly", "2016-05"),
    (date(2016, 5, 1), "quarterly", "2016Q2"),
])
def test_the_period_holding_a_day(day: date, frequency: str, key: str) -> None:
    period = period_containing(day, frequency)
    assert period.key == key and period.start <= day <= period.end


def test_every_frequency_tiles_the_calendar_and_has_a_last_ended_period() -> None:
    for frequency in FREQUENCIES:
        period = period_containing(date(2016, 1, 1), frequency)
        while period.start < date(2017, 1, 1):
            following = period_containing(period.end + ONE_DAY, frequency)
            assert following.start == period.end + ONE_DAY, frequency
            period = following
    assert last_ended_period(date(2016, 3, 2), "weekly").key == "2016W08"
    assert last_ended_period(date(2016, 3, 2), "bimonthly").key == "2016B1"
