"""Plans, their revisions, tasks, assignments and milestones."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlalchemy import text as sql_text  # not `text`: a Milestone field has that name
from sqlmodel import Field, SQLModel

from models.base import json_field, timestamp_field

ROLE_LEAD = "lead"
ROLE_SUPPORT = "support"
ROLE_RESPONSIBLE = "responsible"
ROLES = (ROLE_LEAD, ROLE_SUPPORT, ROLE_RESPONSIBLE)
PLAN_DRAFT = "draft"          # read from prose: the office checks it; no reminders yet
PLAN_CONFIRMED = "confirmed"  # runs: reminders, rounds, evaluation


@dataclass(kw_only=True)
class PlanFacts:
    """What a plan document states about itself: the one declaration of these fields. The importers'
    ``ParsedPlan`` inherits them, the store and the export copy exactly ``PLAN_FACTS``, and ``Plan``
    keeps each in a column of the same name (tests/models/test_plan.py checks it)."""

    title: str | None = None
    issuing_office: str | None = None
    doc_number: str | None = None
    issued_on: date | None = None
    period_start: int | None = None
    period_end: int | None = None
    midterm_year: int | None = None
    final_year: int | None = None
    addressees: list[str] | None = None  # 主送机关 of a prose plan (drafts), when the document names them


PLAN_FACTS = tuple(f.name for f in fields(PlanFacts))


class Plan(SQLModel, table=True):
    """A multi-year plan and its review points."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    title: str
    issuing_office: str | None = None
    doc_number: str | None = None
    issued_on: date | None = None
    period_start: int | None = None
    period_end: int | None = None
    midterm_year: int | None = None
    final_year: int | None = None
    addressees: list[str] = json_field()
    status: str = Field(default=PLAN_CONFIRMED, index=True)
    coordination_channels: list[str] = json_field()
    reminder_policy: dict[str, Any] = json_field(dict)
    revision: int = 1
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class PlanRevision(SQLModel, table=True):
    """One import of a plan's document; what it changed is kept forever."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    number: int
    source_file: str
    source_format: str
    source_hash: str
    changes: dict[str, Any] = json_field(dict)
    imported_at: datetime = timestamp_field()


class Task(SQLModel, table=True):
    """One obligation (a row of the division-of-labour table)."""

    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str
    section: str = ""
    section_path: list[str] = json_field()
    text: str
    remark: str | None = None
    source_file: str | None = None
    source_ref: str | None = None
    position: int = 0
    active: bool = True
    created_revision: int = 1
    updated_revision: int = 1


class Assignment(SQLModel, table=True):
    """A unit's role on a task: lead (牵头), support (配合) or responsible (责任单位)."""

    __table_args__ = (UniqueConstraint("task_id", "department_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    role: str
    unit_text: str = ""
    position: int = 0


class Milestone(SQLModel, table=True):
    """What must stand by a date, or a recurring duty, of one task."""

    __table_args__ = (UniqueConstraint("task_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    key: str
    label: str
    text: str
    due_date: date | None = Field(default=None, index=True)
    soft: bool = False
    ongoing_after: bool = False
    recurrence: str | None = None
    recurrence_count: int | None = None
    recurrence_start: date | None = None
    recurrence_end: date | None = None
    recurrence_day: str | None = None  # "MM-DD": a yearly duty due on that day (世界精神卫生日 → 10-10)
    undated_reason: str | None = None
    # the units a clause binds this milestone to (department ids; a group stays a group); empty: the task's units
    unit_ids: list[int] = Field(default_factory=list,  # '[]' on the server too: bulk inserts may omit it
                                sa_column=Column(JSON, nullable=False, server_default=sql_text("'[]'")))
    position: int = 0
    active: bool = True


class MilestoneCompletion(SQLModel, table=True):
    """A milestone (or one period of a recurring duty) marked done; append-only."""

    __table_args__ = (UniqueConstraint("milestone_id", "period", "occurrence"),)

    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestone.id", index=True)
    period: str = ""
    occurrence: int = 1
    completed_on: date
    source: str = "manual"
    update_id: int | None = Field(default=None, foreign_key="statusupdate.id")
    recorded_at: datetime = timestamp_field()


class UnitCompletion(SQLModel, table=True):
    """One bound unit's part of a milestone (or of one period of a duty) done; append-only.

    A milestone shared by several units is done for a unit when that unit's report is accepted; the
    milestone itself (``MilestoneCompletion``) is done when all its bound units are (see
    tasks.rounds.completions)."""

    __table_args__ = (UniqueConstraint("milestone_id", "period", "occurrence", "department_id"),)

    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestone.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    period: str = ""
    occurrence: int = 1
    completed_on: date
    source: str = "status_update"
    update_id: int | None = Field(default=None, foreign_key="statusupdate.id")
    recorded_at: datetime = timestamp_field()
