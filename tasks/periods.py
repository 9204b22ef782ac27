"""Reporting-period keys: 2016Q2, 2016H1, 2016, 2016-04, 2016B2 (March–April), 2016W05 (ISO week) and ad hoc
ranges 2016-04-01..2016-05-15."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from tasks.errors import ValidationFailed

FREQUENCIES = ("weekly", "monthly", "bimonthly", "quarterly", "half-yearly", "yearly")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_HALF = re.compile(r"^(\d{4})H([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_BIMONTH = re.compile(r"^(\d{4})B([1-6])$")
_WEEK = re.compile(r"^(\d{4})W(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """A reporting period: its key and its first and last day (inclusive)."""

    key: str
    start: date
    end: date

    @property
    def label(self) -> str:
        """The Chinese name of the period for messages, pages and reports (2016年第二季度, 2024年上半年)."""
        if m := _QUARTER.match(self.key):
            return f"{m[1]}年第{'一二三四'[int(m[2]) - 1]}季度"
        if m := _HALF.match(self.key):
            return f"{m[1]}年{'上' if m[2] == '1' else '下'}半年"
        if _YEAR.match(self.key):
            return f"{self.key}年"
        if m := _MONTH.match(self.key):
            return f"{m[1]}年{int(m[2])}月"
        if m := _BIMONTH.match(self.key):
            return f"{m[1]}年{2 * int(m[2]) - 1}—{2 * int(m[2])}月"
        if m := _WEEK.match(self.key):
            return (f"{m[1]}年第{int(m[2])}周（{self.start.month}月{self.start.day}日—"
                    f"{self.end.month}月{self.end.day}日）")
        return f"{self.start.isoformat()}至{self.end.isoformat()}"


def _months(year: int, first: int, last: int, key: str) -> Period:
    return Period(key, date(year, first, 1), date(year, last, monthrange(year, last)[1]))


def parse_period(key: str) -> Period:
    """Read a period key; ValidationFailed naming the accepted forms otherwise."""
    key = key.strip().upper() if not _RANGE.match(key.strip()) else key.strip()
    if m := _QUARTER.match(key):
        q = int(m[2])
        return _months(int(m[1]), 3 * q - 2, 3 * q, key)
    if m := _HALF.match(key):
        h = int(m[2])
        return _months(int(m[1]), 6 * h - 5, 6 * h, key)
    if m := _YEAR.match(key):
        return _months(int(m[1]), 1, 12, key)
    if (m := _MONTH.match(key)) and 1 <= int(m[2]) <= 12:
        return _months(int(m[1]), int(m[2]), int(m[2]), key)
    if m := _BIMONTH.match(key):
        b = int(m[2])
        return _months(int(m[1]), 2 * b - 1, 2 * b, key)
    if m := _WEEK.match(key):
        try:
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            monday = None
        if monday:
            return Period(key, monday, monday + timedelta(days=6))
    if m := _RANGE.match(key):
        start: date | None
        end: date | None
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            start = end = None
        if start and end and start <= end:
            return Period(key, start, end)
    raise ValidationFailed(f"unknown period {key!r}: use 2016Q2, 2016H1, 2016, 2016-04, 2016B2 (two months), "
                           "2016W05 (ISO week) or an ad hoc range 2016-04-01..2016-05-15")


def period_name(key: str) -> str:
    """The Chinese name of a period key (2016Q2 → 2016年第二季度, 2024H1 → 2024年上半年); the one place that
    spells periods for people, so no report shows a machine key. An unknown key is returned as it is."""
    try:
        return parse_period(key).label
    except ValidationFailed:
        return key


def period_containing(day: date, frequency: str) -> Period:
    """The period of ``frequency`` that contains ``day``."""
    if frequency == "weekly":
        iso = day.isocalendar()
        return parse_period(f"{iso.year}W{iso.week:02d}")
    if frequency == "monthly":
        return parse_period(f"{day.year}-{day.month:02d}")
    if frequency == "bimonthly":
        return parse_period(f"{day.year}B{(day.month - 1) // 2 + 1}")
    if frequency == "quarterly":
        return parse_period(f"{day.year}Q{(day.month - 1) // 3 + 1}")
    if frequency == "half-yearly":
        return parse_period(f"{day.year}H{1 if day.month <= 6 else 2}")
    if frequency == "yearly":
        return parse_period(str(day.year))
    raise ValidationFailed(f"unknown round frequency {frequency!r}: use one of {', '.join(FREQUENCIES)}")


def last_ended_period(today: date, frequency: str) -> Period:
    """The most recent period of ``frequency`` that has ended before ``today`` (the one to report on)."""
    current = period_containing(today, frequency)
    return period_containing(current.start - timedelta(days=1), frequency)
