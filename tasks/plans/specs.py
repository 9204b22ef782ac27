"""The plan as it is about to be stored: tasks, indicators and the plan's own fields.

Shared by ``store`` (which compares revisions) and ``writer`` (which writes rows in bulk), so that
neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TaskSpec:
    """A task ready to store: assignments as (role, department id, unit text); milestones as field dicts."""

    code: str
    text: str
    section: str = ""
    section_path: list[str] = field(default_factory=list)
    remark: str | None = None
    source_file: str | None = None
    source_ref: str | None = None
    position: int = 0
    assignments: list[tuple[str, int, str]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)

@dataclass
class IndicatorSpec:
    """An indicator ready to store; targets as IndicatorTarget field dicts."""

    code: str
    name: str
    category: str | None = None
    unit: str | None = None
    direction: str = "higher"
    statement: str | None = None
    task_code: str | None = None
    source_ref: str | None = None
    targets: list[dict[str, Any]] = field(default_factory=list)

@dataclass
class PlanSpec:
    """A whole resolved plan and where it came from."""

    code: str
    source_file: str
    source_format: str
    source_hash: str
    fields: dict[str, Any]
    tasks: list[TaskSpec]
    indicators: list[IndicatorSpec] = field(default_factory=list)
    status: str | None = None  # a new plan's status (draft / confirmed); an existing plan keeps its own

@dataclass
class StoredTask:
    """The identity and location of a stored task (plain row, no ORM object)."""

    id: int
    active: bool
    source_file: str | None
    source_ref: str | None
