"""Stored evaluations (mid-term and final), kept for comparison and audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.base import json_field, timestamp_field


class Evaluation(SQLModel, table=True):
    """The figures of one evaluation run; the same inputs give the same figures."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    kind: str
    as_of: date
    scoring_file: str
    scoring_hash: str
    figures: dict[str, Any] = json_field(dict)
    outputs: list[str] = json_field()
    created_at: datetime = timestamp_field()
