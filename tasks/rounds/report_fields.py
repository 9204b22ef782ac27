"""The fields of a status report checked one by one: percent, indicator values as written, completion date.

Each checker records a problem (in Chinese, located by ``ref``) and returns None when the value is wrong,
so that one pass reports every mistake of a report at once.
"""

from __future__ import annotations

from datetime import date, datetime

from models import Indicator
from models.indicator import DIRECTION_TEXT
from tasks.errors import Problems
from tasks.plans.targets import reading_value
from tasks.workdays import local_today


def percent_value(value: int | float | str | None, problems: Problems, ref: str) -> int | None:
    """完成百分比 as a whole number 0–100, or None when not given; a problem recorded when it is no such number."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().rstrip("%％").strip()
    try:
        number = float(text)
    except ValueError:
        problems.error(ref, f"完成百分比“{value}”不是数字。")
        return None
    if not 0 <= number <= 100:
        problems.error(ref, f"完成百分比应在0到100之间（收到{value}）。")
        return None
    return round(number)


def indicator_reading(indicator: Indicator, value: str | float | int | None, problems: Problems,
                      ref: str) -> tuple[float | None, str] | None:
    """(value, text as written) of an indicator value — ``92.5``, ``92.5%``, ``1/85`` — or None when empty or
    wrong (a problem recorded); a text indicator keeps its text."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if indicator.direction == DIRECTION_TEXT:
        return None, text[:500]
    number = reading_value(text)
    if number is None:
        problems.error(ref, f"指标“{indicator.name}”的数值“{text}”不是数字或比值（如92.5、1/85）。")
        return None
    return number, text


def completion_day(value: date | str | None, problems: Problems, ref: str) -> date | None:
    """The completion date a unit gives (YYYY-MM-DD), not after today; None when not given."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip().replace("/", "-"))
        except ValueError:
            problems.error(ref, f"完成日期“{value}”无效，应为年-月-日，如2025-12-28。")
            return None
    if value > local_today():
        problems.error(ref, f"完成日期{value.isoformat()}晚于今天。")
        return None
    return value
