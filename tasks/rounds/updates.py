"""Status updates: the one validation path for the portal, the spreadsheet and the API.

Updates are append-only: a correction or a resubmission is a new row whose ``supersedes_id``
points at the unit's previous update on the same task in the same round. The office's review
(tasks/rounds/reviews.py) accepts or returns an update; the task's current status is its latest
accepted update from a lead unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import BinaryIO

from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select

from models import (
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    ROLE_SUPPORT,
    Assignment,
    Department,
    Evidence,
    GroupMember,
    Indicator,
    IndicatorReading,
    Milestone,
    ReportingRound,
    RoundExpectation,
    StatusUpdate,
    Task,
)
from models.base import as_utc, id_of, utcnow
from models.db import lock_for_transaction, serialized_writes
from models.status import REVIEW_ACCEPTED, STATES, State
from tasks.errors import AccessDenied, NotFound, Problems, ValidationFailed
from tasks.rounds import evidence as evidence_files
from tasks.rounds.report_fields import completion_day, indicator_reading, percent_value
from tasks.rounds.requests import ensure_open
from tasks.workdays import local_today

CHANNELS = ("portal", "form", "api")
MAX_TEXT = 5000


@dataclass
class UpdateData:
    """What a unit submits about one task, as received (strings are fine; they are checked here)."""

    state: str
    percent: int | float | str | None = None
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    indicators: dict[str, str | float | int | None] = field(default_factory=dict)
    completes_milestone: str | int | None = None
    completed_on: date | str | None = None  # when the milestone's work was done (default: the report's day)
    supersedes_id: int | None = None
    submitted_by: str = ""
    files: list[tuple[str, BinaryIO]] = field(default_factory=list)
    submitted_at: datetime | None = None  # only for back-filling reports received on paper; default now


@dataclass
class Checked:
    """A validated update, ready to be written."""

    task: Task
    role: str
    state: str
    percent: int | None
    texts: tuple[str, str, str]
    readings: list[tuple[Indicator, float | None, str]]
    milestone: Milestone | None
    completed_on: date | None = None


# statements built once and bound per call (building them costs more than running them on SQLite)
_ROLES = select(Assignment.role).where(
    Assignment.task_id == bindparam("task"),
    (col(Assignment.department_id) == bindparam("dept"))
    | col(Assignment.department_id).in_(select(GroupMember.group_id)
                                        .where(col(GroupMember.member_id) == bindparam("dept"))))
# the task's own indicators and the plan's indicators tied to no task (an annex's values: any unit of the plan)
_INDICATORS = select(Indicator).where(
    col(Indicator.active).is_(True),
    (col(Indicator.task_id) == bindparam("task"))
    | (col(Indicator.task_id).is_(None) & (col(Indicator.plan_id) == bindparam("plan"))))
_EXPECTED = exists().where(col(RoundExpectation.round_id) == ReportingRound.id,
                          col(RoundExpectation.task_id) == bindparam("task"),
                          col(RoundExpectation.department_id) == bindparam("dept"))
_OPEN_ROUNDS = (select(ReportingRound, _EXPECTED).where(ReportingRound.plan_id == bindparam("plan"),
                                                        col(ReportingRound.closed_at).is_(None))
                .order_by(col(ReportingRound.period_start).desc(), col(ReportingRound.id).desc()))  # newest first
_LATEST = (select(StatusUpdate.id).where(StatusUpdate.task_id == bindparam("task"),
                                      StatusUpdate.department_id == bindparam("dept"))
           .order_by(col(StatusUpdate.id).desc()).limit(1))
_PREVIOUS = {False: _LATEST.where(col(StatusUpdate.round_id).is_(None)),  # the unit's latest in the same round
             True: _LATEST.where(StatusUpdate.round_id == bindparam("round"))}


def reportable_indicators(session: Session, task: Task) -> list[Indicator]:
    """The indicators a report on ``task`` may carry values for: the task's own, and the plan's indicators tied
    to no task (an annex's values, reportable by the units of the plan and the office)."""
    return list(session.exec(_INDICATORS.order_by(col(Indicator.task_id).is_(None), col(Indicator.id)),
                             params={"task": task.id, "plan": task.plan_id}))


def role_of(session: Session, department: Department, task: Task) -> str | None:
    """The unit's role on the task (lead for 牵头/责任, support for 配合), directly or via a group."""
    roles = set(session.exec(_ROLES, params={"task": task.id, "dept": department.id}))
    if roles & {ROLE_LEAD, ROLE_RESPONSIBLE}:
        return ROLE_LEAD
    return ROLE_SUPPORT if ROLE_SUPPORT in roles else None


def find_task_and_role(session: Session, department: Department, ref: str | int, plan_id: int | None = None
                       ) -> tuple[Task, str]:
    """A task by id (int) or by code (str, among the unit's tasks) with the unit's role on it;
    NotFound or AccessDenied otherwise."""
    task = None
    if isinstance(ref, int):
        task = session.get(Task, ref)
    else:
        query = select(Task).where(Task.code == str(ref).strip())
        if plan_id is not None:
            query = query.where(Task.plan_id == plan_id)
        found = list(session.exec(query))
        candidates = [t for t in found if role_of(session, department, t)] or found[:1]
        if len(candidates) > 1:
            raise ValidationFailed(f"任务编号“{ref}”不唯一，请指明所属规划。")
        task = candidates[0] if candidates else None
    if task is None:
        raise NotFound(f"没有编号为“{ref}”的任务。")
    role = role_of(session, department, task)
    if role is None:
        raise AccessDenied("无权查看或报送其他单位的任务。")
    return task, role


def find_task(session: Session, department: Department, ref: str | int, plan_id: int | None = None) -> Task:
    """A task by id (int) or by code (str, among the unit's tasks); NotFound or AccessDenied otherwise."""
    return find_task_and_role(session, department, ref, plan_id)[0]


def check(session: Session, department: Department, task: Task, data: UpdateData,
          problems: Problems, ref: str = "", role: str | None = None) -> Checked | None:
    """Validate one update; record every problem (located by ``ref``) and return it when clean.

    ``role``: the unit's role on the task when the caller has just looked it up (find_task_and_role).
    """
    start = len(problems.errors)
    role = role or role_of(session, department, task)
    if role is None:
        raise AccessDenied("无权查看或报送其他单位的任务。")
    state = (data.state or "").strip()
    if state not in STATES:
        problems.error(ref, f"状态“{state}”无效，应为：{'、'.join(STATES)}。")
    percent = percent_value(data.percent, problems, ref)
    if state == State.DONE and percent is not None and percent < 100:
        problems.error(ref, f"状态为“{State.DONE}”时完成百分比应为100（收到{percent}）。")
    if state == State.DONE and percent is None:
        percent = 100
    texts = ((data.progress or "").strip(), (data.problems or "").strip(), (data.next_steps or "").strip())
    for label, text in zip(("进展情况", "存在问题", "下一步工作"), texts, strict=True):
        if len(text) > MAX_TEXT:
            problems.error(ref, f"{label}超过{MAX_TEXT}字。")
    if state and state != State.NOT_STARTED and not texts[0]:
        problems.error(ref, "请填写进展情况。")
    indicators = (list(session.exec(_INDICATORS, params={"task": task.id, "plan": task.plan_id}))
                  if data.indicators else [])
    readings = []
    for key, value in data.indicators.items():
        match = [i for i in indicators if str(key).strip() in (i.code, i.name, str(i.id))]
        if not match:
            problems.error(ref, f"没有指标“{key}”。" if ref else f"任务{task.code}没有指标“{key}”。")
            continue
        parsed = indicator_reading(match[0], value, problems, ref)
        if parsed is not None:
            readings.append((match[0], *parsed))
    milestone = None
    if data.completes_milestone not in (None, ""):
        key = str(data.completes_milestone).strip()
        milestone = next((m for m in session.exec(select(Milestone).where(Milestone.task_id == task.id))
                          if key in (str(m.id), m.key, m.label)), None)
        if milestone is None:
            problems.error(ref, f"没有里程碑“{key}”。" if ref else f"任务{task.code}没有里程碑“{key}”。")
    completed_on = completion_day(data.completed_on, problems, ref)
    if len(problems.errors) > start:
        return None
    return Checked(task, role, state, percent, texts, readings, milestone,
                   completed_on if milestone is not None else None)


def pick_round(session: Session, department: Department, task: Task,
               round_id: int | None = None) -> ReportingRound | None:
    """The round an update belongs to: the given one (same plan), else the newest open one expecting it."""
    if round_id is not None:
        round_ = session.get(ReportingRound, round_id)
        if round_ is None or round_.plan_id != task.plan_id:
            raise ValidationFailed("报送轮次与任务不属于同一规划。")
        ensure_open(round_)
        return round_
    rounds = list(session.exec(_OPEN_ROUNDS, params={"plan": task.plan_id, "task": task.id, "dept": department.id}))
    for round_, expected in rounds:
        if expected:
            return round_
    today = local_today()
    return next((r for r, _ in rounds if r.period_start <= today), None)


def write(session: Session, department: Department, checked: Checked, data: UpdateData, channel: str,
          round_: ReportingRound | None) -> StatusUpdate:
    """Store files and rows for a checked update (caller commits); files are removed on failure."""
    # the unit's writes on this task queue here until the caller commits (across processes too), so the
    # previous update read below is still the newest when this one is inserted
    task_id, department_id = id_of(checked.task), id_of(department)
    lock_for_transaction(session, (task_id, department_id))
    previous = session.exec(_PREVIOUS[round_ is not None], params={
        "task": checked.task.id, "dept": department.id, "round": round_.id if round_ else None}).first()
    supersedes = data.supersedes_id or previous
    if data.supersedes_id is not None:
        old = session.get(StatusUpdate, data.supersedes_id)
        if old is None or old.task_id != checked.task.id or old.department_id != department.id:
            raise ValidationFailed("只能更正本单位对同一任务的报送。")
    stored: list[evidence_files.StoredFile] = []
    try:
        for name, stream in data.files:
            stored.append(evidence_files.store(name, stream))
        update = StatusUpdate(
            task_id=task_id, department_id=department_id, round_id=round_.id if round_ else None,
            role=checked.role, state=checked.state, percent=checked.percent, progress=checked.texts[0],
            problems=checked.texts[1], next_steps=checked.texts[2],
            milestone_id=checked.milestone.id if checked.milestone else None, supersedes_id=supersedes,
            completed_on=checked.completed_on,
            channel=channel, submitted_by=(data.submitted_by or department.name).strip()[:100],
            submitted_at=as_utc(data.submitted_at or utcnow()).astimezone(UTC))  # stored in UTC (naive: UTC)
        session.add(update)
        session.flush()
        for f in stored:
            session.add(Evidence(update_id=id_of(update), filename=f.filename, stored_path=f.stored_path,
                                 content_type=f.content_type, size=f.size, sha256=f.sha256))
        for indicator, value, text in checked.readings:
            session.add(IndicatorReading(indicator_id=id_of(indicator), update_id=id_of(update),
                                         department_id=department.id, value=value, text=text,
                                         as_of=round_.period_end if round_ else local_today()))
        session.flush()
    except BaseException:
        evidence_files.discard(stored)
        raise
    return update


def submit_update(session: Session, department: Department, task: Task | str | int, data: UpdateData, *,
                  channel: str = "portal", round_id: int | None = None, source: str = "") -> StatusUpdate:
    """Validate and record one update (and its evidence and indicator values), committing it."""
    if channel not in CHANNELS:
        raise ValidationFailed(f"unknown channel {channel!r}")
    role = None
    if not isinstance(task, Task):
        task, role = find_task_and_role(session, department, task)
    problems = Problems(source or channel)
    checked = check(session, department, task, data, problems, f"任务{task.code}", role)
    if checked is None:
        raise ValidationFailed("报送内容有误，未保存：" + "；".join(
            (f"{p.ref}：" if p.ref else "") + p.message.rstrip("。") for p in problems.errors)
                               + "。", problems.errors)
    round_ = pick_round(session, department, task, round_id)
    with serialized_writes(session):  # the previous update is read and the new one written in one turn
        try:
            update = write(session, department, checked, data, channel, round_)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return update


def current_status(session: Session, task_ids: list[int]) -> dict[int, StatusUpdate]:
    """task id → its latest accepted update from a lead unit."""
    found: dict[int, StatusUpdate] = {}
    if not task_ids:
        return found
    for u in session.exec(select(StatusUpdate).where(
            col(StatusUpdate.task_id).in_(task_ids), col(StatusUpdate.review_state) == REVIEW_ACCEPTED,
            col(StatusUpdate.role) == ROLE_LEAD).order_by(col(StatusUpdate.id))):
        found[u.task_id] = u
    return found
