"""Reporting rounds, status updates, reviews, evidence and portal access."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from models.base import json_field, timestamp_field


class State(StrEnum):
    """A unit's own word for where a task stands (a status update's ``state``)."""

    NOT_STARTED = "未启动"
    IN_PROGRESS = "推进中"
    DONE = "已完成"
    LAGGING = "滞后"
    BLOCKED = "受阻"


class Verdict(StrEnum):
    """The evaluation's word for a task (verdicts.task_verdict), scored by the scoring file."""

    DONE = "已完成"
    MOSTLY_DONE = "基本完成"
    NOT_DONE = "未完成"
    LAGGING = "滞后"
    NOT_DUE = "未到期"  # nothing due yet: not judged, not scored


class IndicatorVerdict(StrEnum):
    """The evaluation's word for a quantified indicator against its target."""

    MET = "达标"
    MOSTLY_MET = "基本达标"
    NOT_MET = "未达标"
    NO_DATA = "无数据"


STATES = tuple(State)  # in the order units choose from
NOT_REPORTED = "未报送"  # the dashboard's word for a task with no accepted update yet (a filter beside STATES)
AWAITING_REVIEW = "待审核"  # ... whose only reports still await the office's review
BEHIND_STATES = (State.LAGGING, State.BLOCKED)  # a task behind schedule by its unit's own word
DASHBOARD_STATES = (NOT_REPORTED, AWAITING_REVIEW, *STATES)  # the dashboard's state filter, in its order
OVERDUE = "逾期"  # the dashboard's (red) word for a dated milestone or a duty period past due and not done
JUDGED_VERDICTS = (Verdict.DONE, Verdict.MOSTLY_DONE, Verdict.NOT_DONE, Verdict.LAGGING)  # scored verdicts
DONE_VERDICTS = (Verdict.DONE, Verdict.MOSTLY_DONE)  # what the completion rate counts
REVIEW_PENDING = "pending"
REVIEW_ACCEPTED = "accepted"
REVIEW_RETURNED = "returned"
REVIEW_LABELS = {REVIEW_PENDING: AWAITING_REVIEW, REVIEW_ACCEPTED: "已采纳", REVIEW_RETURNED: "已退回"}


class ReportingRound(SQLModel, table=True):
    """A status-collection round of a plan for one period (e.g. 2016Q2)."""

    __table_args__ = (UniqueConstraint("plan_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    period: str
    period_start: date
    period_end: date
    deadline: date
    opened_at: datetime = timestamp_field()
    closed_at: datetime | None = timestamp_field(nullable=True, default_now=False)


class RoundExpectation(SQLModel, table=True):
    """A unit expected to report on a task in a round (fixed when the round opens)."""

    __table_args__ = (UniqueConstraint("round_id", "department_id", "task_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="reportinground.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)


class StatusUpdate(SQLModel, table=True):
    """One report on a task by a unit; append-only, corrections are new rows."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    round_id: int | None = Field(default=None, foreign_key="reportinground.id", index=True)
    role: str = "lead"
    state: str
    percent: int | None = None
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    completed_on: date | None = None  # when the unit says the milestone's work was done (default: report day)
    supersedes_id: int | None = Field(default=None, foreign_key="statusupdate.id")
    channel: str = "portal"
    submitted_by: str = ""
    submitted_at: datetime = timestamp_field()
    review_state: str = REVIEW_PENDING


class UpdateReview(SQLModel, table=True):
    """The coordination office's decision on an update: accepted or returned (退回)."""

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="statusupdate.id", index=True)
    decision: str
    reason: str = ""
    reviewed_by: str = ""
    reviewed_at: datetime = timestamp_field()


class Evidence(SQLModel, table=True):
    """A file (佐证材料) attached to a status update, stored outside the web root."""

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="statusupdate.id", index=True)
    filename: str
    stored_path: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime = timestamp_field()


class AccessLink(SQLModel, table=True):
    """A signed, expiring, revocable link a unit uses to open the portal."""

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    round_id: int | None = Field(default=None, foreign_key="reportinground.id")
    nonce: str = Field(unique=True, index=True)
    expires_at: datetime = timestamp_field()
    revoked_at: datetime | None = timestamp_field(nullable=True, default_now=False)
    created_at: datetime = timestamp_field()


class OfficeUser(SQLModel, table=True):
    """A coordination-office account for the dashboard (bcrypt-hashed password)."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    password_hash: str
    roles: list[str] = json_field()
    role: str = Field(default="admin", sa_column_kwargs={"server_default": "admin"})  # admin | viewer (read-only)
    disabled: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})  # cannot sign in
    # raised by logout and by a password change: every session cookie signed with an older value is refused
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = timestamp_field()


class LoginThrottle(SQLModel, table=True):
    """Failed office sign-ins counted per account or per client address (``key`` says which), kept in the
    database so that every portal worker process sees the same counts and locks."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    failures: int = 0
    window_start: datetime = timestamp_field()
    lockouts: int = 0
    locked_until: datetime | None = timestamp_field(nullable=True, default_now=False)
