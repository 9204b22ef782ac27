"""Which milestones each department must be told about today: coming due, due today, overdue.

An item is in today's sweep only on its notice days (ReminderPolicy): exactly N working days
before (30/7/1), on the due day, and overdue on the 1st working day after and every K-th after
that; escalation rides on those overdue days once N working days have passed (never for 力争).
A deadline on a non-working day is due on the last working day before it. Supporting units are
told ``support_lead_time_working_days`` ahead of the lead's deadline. A recurring duty reminds
for its current period and, while still open, the period just ended; an occurrence is not announced
before its period begins, nor are supporting units asked for it before then (a weekly duty: the day
before, the day, and overdue).

A milestone bound by its clause to some units (``Milestone.unit_ids``) reaches only those; a duty runs
inside its plan's window (tasks.plans.duty_window) and one without a start is never reminded; a unit
whose own part of a shared milestone or period is done (``UnitCompletion``) is no longer told about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Row, and_, exists, func, literal, or_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from config import ReminderPolicy, get_settings
from models import (
    KIND_GROUP,
    PLAN_DRAFT,
    ROLE_SUPPORT,
    Assignment,
    Department,
    Milestone,
    MilestoneCompletion,
    Plan,
    Task,
    UnitCompletion,
)
from models.base import id_of
from tasks.directory.departments import expand_members
from tasks.errors import NotFound
from tasks.periods import Period, parse_period
from tasks.plans.deadlines import day_in_year
from tasks.plans.duty_window import PlanWindow, plan_window
from tasks.reminders.notice_dates import Notice, NoticeCalendar, recurring_periods
from tasks.workdays import is_working_day

STATUS_LABELS = {"overdue": "已逾期", "due_today": "今日到期", "upcoming": "即将到期"}
STATUS_ORDER = ("overdue", "due_today", "upcoming")
_STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}
_UNSEEN: Notice = ("", 0, date.min, False)  # a notice not yet asked of the calendar (compared by identity)


@dataclass(slots=True)
class DueItem:
    """One milestone (or one period of a duty) one department is told about today."""

    department_id: int
    department: str
    role: str  # lead | responsible | support
    plan_id: int
    plan_code: str
    task_id: int
    task_code: str
    task_text: str
    milestone_id: int
    label: str
    text: str
    due_date: date  # the deadline this unit must meet (supporting units: ahead of the lead's)
    lead_due_date: date  # the milestone's own deadline
    status: str  # overdue | due_today | upcoming
    working_days: int  # working days left (upcoming), 0 (due today) or overdue (overdue)
    soft: bool = False
    escalate: bool = False
    period: str = ""
    needed: int = 1
    done_count: int = 0
    via: str | None = None  # the group through which the unit was reached
    # ``department/milestone/period``: what "this item reached this recipient today" is keyed by
    ledger_key: str = field(init=False, repr=False, compare=False)
    # the ledger entry, built once
    entry: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.ledger_key = f"{self.department_id}/{self.milestone_id}/{self.period}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def period_label(self) -> str:
        """The Chinese name of a recurring duty's period (2016年第二季度), else ""."""
        return _period_label(self.period)

    def as_dict(self) -> dict[str, Any]:
        """The item's JSON-safe entry in the notification ledger: who was told what, due when (built once,
        shared by the item's digest and escalations)."""
        if self.entry is None:
            self.entry = {
                "department_id": self.department_id, "department": self.department, "role": self.role,
                "plan_code": self.plan_code, "task_code": self.task_code, "milestone_id": self.milestone_id,
                "label": self.label, "period": self.period, "due_date": self.due_date.isoformat(),
                "status": self.status, "working_days": self.working_days, "escalate": self.escalate}
        return self.entry


@lru_cache(maxsize=4096)
def _period_label(key: str) -> str:
    return parse_period(key).label if key else ""


def plan_policy(plan_overrides: dict[str, Any] | None, base: ReminderPolicy | None = None) -> ReminderPolicy:
    """The configured policy (or ``base``) with a plan's overrides applied."""
    base = base or get_settings().reminders
    if not plan_overrides:
        return base
    return ReminderPolicy.model_validate({**base.model_dump(), **plan_overrides})


@lru_cache(maxsize=65536)
def _code_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order for task codes (2.10 after 2.9)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.replace("-", ".").split("."))


def _plans(session: Session, plan_code: str | None
           ) -> tuple[list[tuple[int, str, dict[str, Any]]], dict[int, PlanWindow]]:
    """(id, code, policy overrides) of the plans in the sweep, and each plan's duty window. A draft plan
    (read from prose, not yet confirmed by the office) gets no reminders."""
    query = sa_select(col(Plan.id), col(Plan.code), col(Plan.reminder_policy), col(Plan.status),
                      col(Plan.issued_on), col(Plan.period_start), col(Plan.period_end))
    if plan_code:
        query = query.where(col(Plan.code) == plan_code)
    rows = [row for row in session.execute(query).all() if row[0] is not None]
    if plan_code and not rows:
        raise NotFound(f"no plan with code {plan_code!r}")
    live = [row for row in rows if row[3] != PLAN_DRAFT]
    return ([(pid, code, policy or {}) for pid, code, policy, *_ in live],
            {pid: plan_window(issued, start, end) for pid, _, _, _, issued, start, end in live})


def _rows(session: Session, plan_ids: list[int] | None, one_off_dates: list[date], lower: date, upper: date
          ) -> list[Row[*tuple[Any, ...]]]:
    """Open one-off milestones due on a notice date, and recurring duties running near today
    (of the plans ``plan_ids``; None: of every plan)."""
    wanted, every_plan = set(plan_ids or ()), plan_ids is None
    done = exists().where(col(MilestoneCompletion.milestone_id) == Milestone.id)
    one_off = and_(col(Milestone.due_date).in_(one_off_dates), col(Milestone.recurrence).is_(None), ~done)
    recurring = and_(col(Milestone.recurrence).is_not(None),  # a duty without a start is never reminded
                     col(Milestone.recurrence_start).is_not(None), col(Milestone.recurrence_start) <= upper,
                     or_(col(Milestone.recurrence_end).is_(None), col(Milestone.recurrence_end) >= lower))
    columns = (Milestone.id, Milestone.label, Milestone.text, Milestone.due_date, Milestone.soft,
               Milestone.recurrence, Milestone.recurrence_count, Milestone.recurrence_start,
               Milestone.recurrence_end, Task.id, Task.code, Task.text, Task.plan_id, Assignment.role,
               Assignment.department_id, Milestone.unit_ids, Milestone.recurrence_day)
    out: list = []
    for condition in (one_off, recurring):  # two index-friendly queries instead of one OR
        query = (sa_select(*(col(c) for c in columns)).join(Task, col(Task.id) == Milestone.task_id)
                 .join(Assignment, col(Assignment.task_id) == Task.id)
                 .where(condition, col(Milestone.active), col(Task.active)))
        rows = session.connection().execute(query).all()  # Core rows: no ORM overhead per row
        # the plan is filtered here, not in SQL, so that the planner drives the query by the due-date index
        out += [row for row in rows if (every_plan or row[12] in wanted) and (not row[15] or row[14] in row[15])]
    return out  # a milestone bound to some of the task's units reaches only those


def _done_counts(session: Session, milestone_ids: set[int]
                 ) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str, int], int]]:
    """Completions of the sweep's milestones per (milestone, period), and each unit's own completions per
    (milestone, period, unit) — its part of a shared milestone done — in one statement."""
    if not milestone_ids:
        return {}, {}
    ids = sorted(milestone_ids)
    whole = (select(MilestoneCompletion.milestone_id, MilestoneCompletion.period,
                    literal(None, Integer).label("department_id"), func.count())
             .where(MilestoneCompletion.milestone_id.in_(ids))
             .group_by(MilestoneCompletion.milestone_id, MilestoneCompletion.period))
    parts = (select(UnitCompletion.milestone_id, UnitCompletion.period, UnitCompletion.department_id, func.count())
             .where(UnitCompletion.milestone_id.in_(ids))
             .group_by(UnitCompletion.milestone_id, UnitCompletion.period, UnitCompletion.department_id))
    counts: dict[tuple[int, str], int] = {}
    units: dict[tuple[int, str, int], int] = {}
    for mid, period, dept, n in session.execute(union_all(whole, parts)):
        if dept is None:
            counts[(mid, period)] = n
        else:
            units[(mid, period, dept)] = n
    return counts, units


def _recipients(session: Session, department_ids: set[int]) -> dict[int, list[tuple[int, str, str | None]]]:
    """Each assigned department id → the units it stands for (id, name, group name when expanded)."""
    rows = session.execute(select(Department.id, Department.name, Department.kind)
                           .where(col(Department.id).in_(department_ids))).all()
    groups = [dept_id for dept_id, _, kind in rows if kind == KIND_GROUP]
    expanded = expand_members(session, groups) if groups else {}
    out: dict[int, list[tuple[int, str, str | None]]] = {}
    for dept_id, name, kind in rows:
        out[dept_id] = ([(id_of(m), m.name, name) for m in expanded.get(dept_id, [])] if kind == KIND_GROUP
                        else [(dept_id, name, None)])
    return out


def _period_due(period: Period, day: str | None) -> date | None:
    """When one period of a duty is due: its end, or a yearly duty's own day (None: not in the period)."""
    if day is None:
        return period.end
    due = day_in_year(day, period.end.year)
    return due if period.start <= due <= period.end else None


def due_items(session: Session, as_of: date, *, plan_code: str | None = None,
              policy: ReminderPolicy | None = None) -> list[DueItem]:
    """Every (department, milestone) notice due in the sweep of ``as_of`` (none on non-working days)."""
    plans, windows = _plans(session, plan_code)
    if not plans or not is_working_day(as_of):
        return []
    calendars = {pid: NoticeCalendar(as_of, plan_policy(overrides, policy)) for pid, _, overrides in plans}
    codes = {pid: code for pid, code, _ in plans}
    plan_ids = sorted(codes)
    earliest = session.exec(select(func.min(Milestone.due_date))).one()  # an index lookup; a lower bound
    dates = sorted(set().union(*(c.notice_due_dates(earliest) for c in calendars.values())))
    lower = as_of - timedelta(days=400)
    upper = max(c.horizon for c in calendars.values())
    rows = [r for r in _rows(session, plan_ids if plan_code else None, dates, lower, upper)
            if r[12] in codes]  # issue 14: rows of draft plans (dropped by _plans) are not swept
    periods: dict[int, list] = {}
    for row in rows:
        if row[5] is not None and row[0] not in periods:
            window = windows[row[12]]  # no period ending before the plan's start or beginning after its end
            periods[row[0]] = [p for p in recurring_periods(row[5], row[7], row[8], as_of, upper)
                               if window.start is None or window.holds(p.start, p.end)]
    counts, unit_done = _done_counts(session, {row[0] for row in rows})
    recipients = _recipients(session, {row[14] for row in rows})
    chosen: dict[tuple[int, int, str], DueItem] = {}
    # per (plan, due, support, soft, period start)
    notices: dict[tuple[int, date, bool, bool, date | None], Notice | None] = {}
    for (mid, label, text, due, soft, recurrence, rcount, _, _, tid, tcode, ttext, pid, role,
         dept_id, _, day) in rows:
        support = role == ROLE_SUPPORT
        if recurrence is None:
            occasions: Iterable[tuple[str, date, int, date | None]] = (("", due, 0, None),)
        else:  # each period of the duty still short of its count
            occasions = [(p.key, _period_due(p, day), n, p.start) for p in periods[mid]
                         if (n := counts.get((mid, p.key), 0)) < (rcount or 1) and _period_due(p, day)]
        for period, lead_due, done_count, start in occasions:
            key = (pid, lead_due, support, soft, start)
            notice = notices.get(key, _UNSEEN)
            if notice is _UNSEEN:
                notice = notices[key] = calendars[pid].notice(lead_due, support=support, soft=soft, period_start=start)
            if notice is None:
                continue
            status, days, unit_due, escalate = notice
            shown_due = unit_due if support else lead_due  # a lead sees the deadline as written
            for unit_id, unit_name, via in recipients.get(dept_id, ()):
                if unit_done.get((mid, period, unit_id), 0) >= (rcount or 1):
                    continue  # this unit's own part is done
                item_key = (unit_id, mid, period)
                held = chosen.get(item_key)
                if held is not None and (held.role != ROLE_SUPPORT or support) and (held.via is None or via):
                    continue
                chosen[item_key] = DueItem(unit_id, unit_name, role, pid, codes[pid], tid, tcode, ttext, mid, label,
                                           text, shown_due, lead_due, status, days, soft, escalate, period,
                                           rcount or 1, done_count, via)
    return sorted(chosen.values(), key=lambda i: (i.department, _STATUS_RANK[i.status], i.due_date, i.plan_code,
                                                  _code_key(i.task_code), i.label, i.period))
