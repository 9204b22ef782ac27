"""Load everything an evaluation needs as of a date, in a handful of set-based queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from config import get_settings
from models import (
    KIND_GROUP,
    KIND_OFFICE,
    Assignment,
    Department,
    GroupMember,
    Indicator,
    IndicatorReading,
    IndicatorTarget,
    Milestone,
    MilestoneCompletion,
    Plan,
    ReportingRound,
    RoundExpectation,
    StatusUpdate,
    Task,
)
from models.base import as_utc, id_of
from models.db import rows
from models.status import REVIEW_ACCEPTED
from tasks.errors import NotFound
from tasks.rounds.timeliness import standings


def day_end_utc(day: date) -> datetime:
    """The last instant of a local (Asia/Shanghai) calendar day, in UTC."""
    local = datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(get_settings().timezone))
    return (local - timedelta(microseconds=1)).astimezone(UTC)


class SnapshotTask(NamedTuple):
    """The fields of an active task an evaluation reads (not the ORM row: snapshots load thousands)."""

    id: int
    code: str
    section: str
    section_path: list[str]
    text: str


@dataclass
class LatestUpdate:
    """The latest accepted status update of a task (by any unit)."""

    department_id: int
    state: str
    percent: int | None
    submitted_at: datetime


@dataclass(frozen=True)
class ReportText:
    """An accepted status report's words: what the narrative of a review is written from."""

    id: int
    task_id: int
    department_id: int
    state: str
    progress: str
    problems: str
    next_steps: str
    submitted_at: datetime


def completion_date(completion: MilestoneCompletion) -> date:
    """The date a milestone's work was done: the stored completion date as it is (the unit's own date of
    completion, not the date the office accepted the report); every evaluation reads it through here."""
    return completion.completed_on


@dataclass
class PlanSnapshot:
    """A plan's rows as of a date: nothing later than the as-of date is in here."""

    plan: Plan
    as_of: date
    tasks: list[SnapshotTask]
    assignments: dict[int, list[tuple[int, str]]]
    departments: dict[int, tuple[str, str]]
    members: dict[int, list[int]]
    milestones: dict[int, list[Milestone]]
    completions: dict[int, list[tuple[str, date]]]
    latest: dict[int, LatestUpdate]
    problems: dict[int, list[tuple[int, str]]]
    updates_total: int
    expectations: list[tuple[int, int, int]]
    submissions: dict[tuple[int, int, int], datetime]
    deadlines: dict[int, date]
    indicators: list[Indicator]
    targets: dict[int, list[IndicatorTarget]] = field(default_factory=dict)
    readings: dict[int, tuple[float, date]] = field(default_factory=dict)
    reports: dict[int, list[ReportText]] = field(default_factory=dict)
    review_end: date | None = None  # due items are judged at this date (a final's period end); data up to as_of
    final: bool = False  # a final review: undated duties are judged at the period's end

    @property
    def judged_on(self) -> date:
        """The date due items are judged at: the review's end when it falls before the as-of date."""
        return min(self.as_of, self.review_end) if self.review_end else self.as_of


def find_plan(session: Session, plan_code: str) -> Plan:
    """The plan with this code, or NotFound."""
    plan = session.exec(select(Plan).where(Plan.code == plan_code)).first()
    if plan is None:
        raise NotFound(f"no plan with code {plan_code!r}")
    return plan


def load_snapshot(session: Session, plan: Plan, as_of: date) -> PlanSnapshot:
    """Read the plan's tasks, milestones, completions, updates, rounds and indicators as of ``as_of``."""
    cutoff = day_end_utc(as_of)
    pid = id_of(plan)
    tasks: list[SnapshotTask] = []
    for tid, code, section, section_path, text in rows(session, sa_select(
            col(Task.id), col(Task.code), col(Task.section), col(Task.section_path), col(Task.text))
            .where(col(Task.plan_id) == pid, col(Task.active)).order_by(col(Task.position), col(Task.id))):
        assert tid is not None  # a primary key read back
        tasks.append(SnapshotTask(tid, code, section, section_path, text))
    assignments: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, dept_id, role in session.exec(
            select(Assignment.task_id, Assignment.department_id, Assignment.role).join(Task)
            .where(Task.plan_id == pid)
            .order_by(col(Assignment.task_id), col(Assignment.role), col(Assignment.position))):
        assignments[task_id].append((dept_id, role))
    departments = {d: (n, k) for d, n, k in session.exec(select(col(Department.id), Department.name, Department.kind))
                   if d is not None}
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, member_id in session.exec(select(GroupMember.group_id, GroupMember.member_id)):
        members[group_id].append(member_id)
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in session.exec(select(Milestone).join(Task).where(Task.plan_id == pid, Milestone.active)
                                  .order_by(col(Milestone.task_id), col(Milestone.position), col(Milestone.id))):
        milestones[milestone.task_id].append(milestone)
    completions: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for completion in session.exec(
            select(MilestoneCompletion).join(Milestone).join(Task)
            .where(Task.plan_id == pid, MilestoneCompletion.completed_on <= as_of)
            .order_by(col(MilestoneCompletion.milestone_id), col(MilestoneCompletion.completed_on),
                      col(MilestoneCompletion.id))):
        completions[completion.milestone_id].append((completion.period or "", completion_date(completion)))
    latest: dict[int, LatestUpdate] = {}
    problems: dict[int, dict[int, str]] = defaultdict(dict)
    reports: dict[int, list[ReportText]] = defaultdict(list)
    for uid, task_id, dept_id, state, percent, progress, text, next_steps, submitted in rows(session, sa_select(
            col(StatusUpdate.id), col(StatusUpdate.task_id), col(StatusUpdate.department_id), col(StatusUpdate.state),
            col(StatusUpdate.percent), col(StatusUpdate.progress), col(StatusUpdate.problems),
            col(StatusUpdate.next_steps), col(StatusUpdate.submitted_at)).join(Task)
            .where(col(Task.plan_id) == pid, col(StatusUpdate.review_state) == REVIEW_ACCEPTED,
                   col(StatusUpdate.submitted_at) <= cutoff)
            .order_by(col(StatusUpdate.task_id), col(StatusUpdate.submitted_at), col(StatusUpdate.id))):
        assert uid is not None  # a primary key read back
        at = as_utc(submitted)
        latest[task_id] = LatestUpdate(dept_id, state, percent, at)
        problems[task_id][dept_id] = (text or "").strip()
        reports[task_id].append(ReportText(uid, task_id, dept_id, state, (progress or "").strip(),
                                           (text or "").strip(), (next_steps or "").strip(), at))
    updates_total = session.exec(select(func.count(col(StatusUpdate.id))).join(Task)
                                 .where(Task.plan_id == pid, StatusUpdate.submitted_at <= cutoff)).one()
    deadlines = {r: due for r, due in session.exec(
        select(col(ReportingRound.id), col(ReportingRound.deadline))
        .where(ReportingRound.plan_id == pid, ReportingRound.deadline <= as_of)) if r is not None}
    expectations = [(r, d, t) for r, d, t in session.exec(
        select(RoundExpectation.round_id, RoundExpectation.department_id, RoundExpectation.task_id)
        .join(ReportingRound).where(ReportingRound.plan_id == pid, ReportingRound.deadline <= as_of))]
    # reported, and dated, by the one rule the dashboard counts by too (tasks.rounds.timeliness): a report counts
    # when its latest update was not sent back, dated by its first update not sent back (on time: by the deadline day)
    updates = rows(session, sa_select(
        col(StatusUpdate.round_id), col(StatusUpdate.department_id), col(StatusUpdate.task_id),
        col(StatusUpdate.submitted_at), col(StatusUpdate.review_state)).join(ReportingRound)
        .where(col(ReportingRound.plan_id) == pid, col(ReportingRound.deadline) <= as_of,
               col(StatusUpdate.submitted_at) <= cutoff)
        .order_by(col(StatusUpdate.submitted_at), col(StatusUpdate.id)))
    reporting = standings((((r, d, t), at, state) for r, d, t, at, state in updates if r is not None),
                          lambda key: deadlines[key[0]])  # joined to its round: never None
    submissions = {key: s.dated_by for key, s in reporting.items() if s.reported and s.dated_by is not None}
    snapshot = PlanSnapshot(
        plan=plan, as_of=as_of, tasks=list(tasks), assignments=dict(assignments), departments=departments,
        members=dict(members), milestones=dict(milestones), completions=dict(completions), latest=latest,
        problems={t: [(d, p) for d, p in by_dept.items() if p] for t, by_dept in problems.items()},
        updates_total=updates_total, expectations=expectations, submissions=submissions,
        deadlines=deadlines, reports=dict(reports),
        indicators=list(session.exec(select(Indicator).where(Indicator.plan_id == pid, Indicator.active)
                                     .order_by(col(Indicator.id)))))
    for target in session.exec(select(IndicatorTarget).join(Indicator).where(Indicator.plan_id == pid)
                               .order_by(col(IndicatorTarget.id))):
        snapshot.targets.setdefault(target.indicator_id, []).append(target)
    for ind_id, value, day in session.exec(
            select(col(IndicatorReading.indicator_id), col(IndicatorReading.value), col(IndicatorReading.as_of))
            .join(Indicator)
            .where(Indicator.plan_id == pid, IndicatorReading.as_of <= as_of, col(IndicatorReading.value).is_not(None))
            .order_by(col(IndicatorReading.indicator_id), col(IndicatorReading.as_of),
                      col(IndicatorReading.recorded_at), col(IndicatorReading.id))):
        if value is not None:  # excluded by the query; the column itself allows it
            snapshot.readings[ind_id] = (value, day)
    return snapshot


def unit_name(snapshot: PlanSnapshot, dept_id: int) -> str:
    """A department's directory name."""
    return snapshot.departments.get(dept_id, (f"#{dept_id}", ""))[0]


def expand_units(snapshot: PlanSnapshot, dept_id: int) -> list[int]:
    """The units a department stands for: a group's members (none while the directory lists none),
    else itself; offices stand for none."""
    _name, kind = snapshot.departments.get(dept_id, ("", ""))
    if kind == KIND_OFFICE:
        return []
    if kind == KIND_GROUP:
        return [m for m in snapshot.members.get(dept_id, []) if snapshot.departments.get(m, ("", ""))[1] != KIND_OFFICE]
    return [dept_id]
