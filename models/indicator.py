"""Quantitative indicators with baselines, targets and reported values."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.base import timestamp_field

DIRECTION_HIGHER = "higher"
DIRECTION_LOWER = "lower"
DIRECTION_EQUAL = "equal"
DIRECTION_TEXT = "text"


class Indicator(SQLModel, table=True):
    """A measurable target of a plan, optionally tied to a task."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    code: str
    name: str
    category: str | None = None
    unit: str | None = None
    direction: str = DIRECTION_HIGHER
    statement: str | None = None
    source_ref: str | None = None
    active: bool = True


class IndicatorTarget(SQLModel, table=True):
    """A baseline or target value of an indicator, for a year and scope.

    ``value_kind`` is absolute, relative (percent over the baseline), ratio
    (value = numerator/denominator), range (value..value_high) or text.
    """

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    kind: str  # baseline | target
    year: int | None = None
    scope: str = ""
    value_kind: str = "absolute"
    value: float | None = None
    value_high: float | None = None
    text: str = ""


class IndicatorReading(SQLModel, table=True):
    """A value reported for an indicator (from a status update or by hand)."""

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    update_id: int | None = Field(default=None, foreign_key="statusupdate.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    value: float | None = None
    text: str = ""
    as_of: date
    recorded_at: datetime = timestamp_field()
