"""The office dashboard's queries: task lights, round reporting and on-time rates, task history.

Light: red when a dated milestone is past due and not done, or a recurring duty's period that has
ended (inside the duty's span) is not done — a task is green only when nothing of it is overdue;
yellow when the next open
milestone is due within 7 working days, or the latest accepted update says 滞后 or 受阻;
green otherwise (including closed tasks). A unit's expected task counts as *reported* in a
round and as *on time* by the one rule of ``timeliness`` (the evaluation counts by it too).
A task whose only reports still await review shows 待审核, not 未报送.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from models import (
    Assignment,
    Department,
    Evidence,
    GroupMember,
    IndicatorReading,
    Milestone,
    MilestoneCompletion,
    ReportingRound,
    StatusUpdate,
    Task,
    UpdateReview,
)
from models.base import id_of
from models.status import AWAITING_REVIEW, BEHIND_STATES, NOT_REPORTED, OVERDUE, REVIEW_PENDING, State
from tasks.errors import ValidationFailed
from tasks.periods import period_containing
from tasks.rounds.requests import expectations
from tasks.rounds.reviews import reviews_of
from tasks.rounds.timeliness import NO_REPORT, round_standings
from tasks.rounds.updates import current_status
from tasks.workdays import local_today, working_days_between

DUE_SOON_WORKING_DAYS = 7
COMPLETION_RULE = ("办结规则：多个单位共同承担的任务或里程碑，按单位分别办结——某单位的报送经审核采纳，即该单位办结；"
                   "有牵头单位的，牵头单位的报送经采纳即任务办结，配合单位报送各自承担的部分；"
                   "只有责任单位的，全部责任单位（含乡镇、街道等成员单位）均办结后任务办结。"
                   "完成日期以单位报送的实际完成日期为准（未填写的为报送当天），不以审核日期为准。")


@dataclass
class TaskRow:
    """One line of the dashboard."""

    task: Task
    light: str  # green | yellow | red
    reason: str
    next_due: date | None
    state: str
    percent: int | None
    leads: list[str]


@dataclass
class DepartmentRate:
    """A unit's reporting in one round."""

    department: Department
    expected: int
    reported: int
    on_time: int

    @property
    def reporting_rate(self) -> float:
        return self.reported / self.expected if self.expected else 0.0

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.expected if self.expected else 0.0


@dataclass
class HistoryEntry:
    """One update of a task with its reviews, evidence and indicator values."""

    update: StatusUpdate
    department: str
    reviews: list[UpdateReview] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    readings: list[IndicatorReading] = field(default_factory=list)


def _overdue_period(milestone: Milestone, periods_done: set[tuple[int, str]], today: date) -> str | None:
    """The key of a recurring duty's last ended period when it is not done (inside the duty's span), else None."""
    if not milestone.recurrence or milestone.recurrence_start is None:
        return None
    try:
        current = period_containing(today, milestone.recurrence)
    except ValidationFailed:
        return None
    last = period_containing(current.start - timedelta(days=1), milestone.recurrence)
    inside = last.end >= milestone.recurrence_start and (
        milestone.recurrence_end is None or last.start <= milestone.recurrence_end)
    return last.key if inside and (milestone.id, last.key) not in periods_done else None


def light_of(milestones: list[Milestone], done: set[int], state: str | None, today: date,
             periods_done: set[tuple[int, str]] | None = None) -> tuple[str, str, date | None]:
    """(light, reason, next due date) of one task."""
    open_dated = sorted(m.due_date for m in milestones if m.due_date and m.id not in done and not m.recurrence)
    next_due = open_dated[0] if open_dated else None
    if next_due and next_due < today:
        return "red", f"{OVERDUE}（{next_due:%Y-%m-%d}到期未完成）", next_due
    for m in milestones:
        if (key := _overdue_period(m, periods_done or set(), today)) is not None:
            return "red", f"{OVERDUE}（{key}期未完成）", next_due
    if next_due and working_days_between(today, next_due) <= DUE_SOON_WORKING_DAYS:
        return "yellow", f"临期（{next_due:%Y-%m-%d}到期）", next_due
    if state in BEHIND_STATES:
        return "yellow", f"进度{state}", next_due
    return "green", "已办结" if not open_dated and state == State.DONE else "正常推进", next_due


def task_rows(session: Session, *, plan_id: int | None = None, section: str | None = None,
              department_id: int | None = None, state: str | None = None, light: str | None = None,
              task_ids: list[int] | None = None, today: date | None = None) -> list[TaskRow]:
    """Every active task with its light, filtered by plan, section, department, state and light."""
    today = today or local_today()
    query = select(Task).where(col(Task.active).is_(True))
    if plan_id:
        query = query.where(Task.plan_id == plan_id)
    if section:
        query = query.where(Task.section == section)
    if department_id:
        query = query.where(col(Task.id).in_(select(Assignment.task_id).where(
            Assignment.department_id == department_id)))
    if task_ids is not None:
        query = query.where(col(Task.id).in_(task_ids))
    tasks = list(session.exec(query.order_by(col(Task.plan_id), col(Task.position), col(Task.id))))
    ids = [id_of(t) for t in tasks]
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    leads: dict[int, list[str]] = defaultdict(list)
    done: set[int] = set()
    periods_done: set[tuple[int, str]] = set()
    pending: set[int] = set()
    if ids:
        for m in session.exec(select(Milestone).where(col(Milestone.task_id).in_(ids),
                                                      col(Milestone.active).is_(True))):
            milestones[m.task_id].append(m)
        completions = session.exec(select(MilestoneCompletion.milestone_id, MilestoneCompletion.period).join(
            Milestone, col(Milestone.id) == MilestoneCompletion.milestone_id)
            .where(col(Milestone.task_id).in_(ids))).all()
        done = {mid for mid, _ in completions}
        periods_done = {(mid, period) for mid, period in completions}
        pending = set(session.exec(select(StatusUpdate.task_id).where(
            col(StatusUpdate.task_id).in_(ids), StatusUpdate.review_state == REVIEW_PENDING)))
        for task_id, name in session.exec(select(Assignment.task_id, Department.name).join(
                Department, col(Department.id) == Assignment.department_id).where(
                col(Assignment.task_id).in_(ids), col(Assignment.role).in_(["lead", "responsible"]))
                .order_by(col(Assignment.position))):
            leads[task_id].append(name)
    status = current_status(session, ids)
    rows = []
    for t, tid in zip(tasks, ids, strict=True):
        current = status.get(tid)
        row_state = current.state if current else AWAITING_REVIEW if tid in pending else NOT_REPORTED
        colour, reason, next_due = light_of(milestones[tid], done, current.state if current else None, today,
                                            periods_done)
        row = TaskRow(t, colour, reason, next_due, row_state, current.percent if current else None, leads[tid])
        if (state and row.state != state) or (light and row.light != light):
            continue
        rows.append(row)
    return rows


def unit_task_ids(session: Session, department_id: int) -> dict[int, str]:
    """task id → the unit's role on it as stored (lead 牵头 > responsible 责任 > support 配合), directly or
    through its groups: a 责任单位 is shown as 责任, never as 牵头 or 配合."""
    groups = list(session.exec(select(GroupMember.group_id).where(GroupMember.member_id == department_id)))
    rank = {"lead": 0, "responsible": 1, "support": 2}
    roles: dict[int, str] = {}
    for task_id, role in session.exec(select(Assignment.task_id, Assignment.role).where(
            col(Assignment.department_id).in_([department_id, *groups]))):
        if rank.get(role, 3) < rank.get(roles.get(task_id, ""), 3):
            roles[task_id] = role
    return roles


def sections(session: Session, plan_id: int | None = None) -> list[str]:
    """The distinct sections of active tasks, for the section filter."""
    query = select(Task.section).where(col(Task.active).is_(True)).distinct()
    if plan_id:
        query = query.where(Task.plan_id == plan_id)
    return sorted(s for s in session.exec(query) if s)


def round_rates(session: Session, round_: ReportingRound) -> list[DepartmentRate]:
    """Each expected unit's reporting and on-time counts in the round, by department name."""
    expected = expectations(session, round_)
    standing = round_standings(session, round_)
    depts = {d.id: d for d in session.exec(select(Department).where(col(Department.id).in_(list(expected))))}
    rates = []
    for dept_id, task_ids in expected.items():
        mine = [standing.get((dept_id, t), NO_REPORT) for t in task_ids]
        rates.append(DepartmentRate(depts[dept_id], len(task_ids), sum(s.reported for s in mine),
                                    sum(s.on_time for s in mine)))
    return sorted(rates, key=lambda r: r.department.name)


def totals(rates: list[DepartmentRate]) -> DepartmentRate:
    """The whole round as one line (department is a placeholder named 合计)."""
    return DepartmentRate(Department(name="合计"), sum(r.expected for r in rates),
                          sum(r.reported for r in rates), sum(r.on_time for r in rates))


def task_history(session: Session, task_id: int) -> list[HistoryEntry]:
    """Every update ever submitted on the task, oldest first, with reviews, evidence and readings."""
    updates = list(session.exec(select(StatusUpdate).where(StatusUpdate.task_id == task_id)
                                .order_by(col(StatusUpdate.id))))
    ids = [id_of(u) for u in updates]
    names = dict(session.exec(select(Department.id, Department.name).where(
        col(Department.id).in_({u.department_id for u in updates}))).all()) if updates else {}
    reviews = reviews_of(session, ids)
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    readings: dict[int | None, list[IndicatorReading]] = defaultdict(list)
    if ids:
        for e in session.exec(select(Evidence).where(col(Evidence.update_id).in_(ids)).order_by(col(Evidence.id))):
            evidence[e.update_id].append(e)
        for r in session.exec(select(IndicatorReading).where(col(IndicatorReading.update_id).in_(ids))
                              .order_by(col(IndicatorReading.id))):
            readings[r.update_id].append(r)
    return [HistoryEntry(u, names.get(u.department_id, ""), reviews[uid], evidence[uid], readings[uid])
            for uid, u in zip(ids, updates, strict=True)]
