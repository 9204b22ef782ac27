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

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, TypedDict

from sqlalchemy import ColumnElement, Integer, and_, exists, func, literal, or_, union_all
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


class LedgerEntry(TypedDict):
    """A due item as the notification ledger keeps it (JSON): who was told what, due when."""

    department_id: int
    department: str
    role: str
    plan_code: str
    task_code: str
    milestone_id: int
    label: str
    period: str
    due_date: str  # ISO date
    status: str
    working_days: int
    escalate: bool


@dataclass(slots=True, kw_only=True)
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
    entry: LedgerEntry | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.ledger_key = f"{self.department_id}/{self.milestone_id}/{self.period}"

    @property
    def status_label(self) -> str:
        """The status as the messages say it (已逾期, 今日到期, 即将到期)."""
        return STATUS_LABELS[self.status]

    @property
    def period_label(self) -> str:
        """The Chinese name of a recurring duty's period (2016年第二季度), else ""."""
        return _period_label(self.period)

    def ledger_entry(self) -> LedgerEntry:
        """The item's JSON-safe entry in the notification ledger: who was told what, due when (built once,
        shared by the item's digest and escalations)."""
        if self.entry is None:  # a literal (type-checked against LedgerEntry): cheaper than a keyword call
            entry: LedgerEntry = {
                "department_id": self.department_id, "department": self.department, "role": self.role,
                "plan_code": self.plan_code, "task_code": self.task_code, "milestone_id": self.milestone_id,
                "label": self.label, "period": self.period, "due_date": self.due_date.isoformat(),
                "status": self.status, "working_days": self.working_days, "escalate": self.escalate}
            self.entry = entry
        return self.entry


@lru_cache(maxsize=4096)
def _period_label(key: str) -> str:
    return parse_period(key).label if key else ""


def plan_policy(plan_overrides: Mapping[str, object] | None, base: ReminderPolicy | None = None) -> ReminderPolicy:
    """The configured policy (or ``base``) with a plan's overrides applied."""
    base = base or get_settings().reminders
    if not plan_overrides:
        return base
    return ReminderPolicy.model_validate({**base.model_dump(), **plan_overrides})


@lru_cache(maxsize=65536)
def _code_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order for task codes (2.10 after 2.9)."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.replace("-", ".").split("."))


@dataclass(frozen=True, slots=True)
class _SweptPlan:
    """A plan in the sweep: its id, code and reminder-policy overrides."""

    id: int
    code: str
    overrides: Mapping[str, object]


def _plans(session: Session, plan_code: str | None) -> tuple[list[_SweptPlan], dict[int, PlanWindow]]:
    """The plans in the sweep, and each plan's duty window. A draft plan (read from prose, not yet
    confirmed by the office) gets no reminders."""
    query = sa_select(col(Plan.id), col(Plan.code), col(Plan.reminder_policy), col(Plan.status),
                      col(Plan.issued_on), col(Plan.period_start), col(Plan.period_end))
    if plan_code:
        query = query.where(col(Plan.code) == plan_code)
    rows = [row for row in session.execute(query).all() if row.id is not None]
    if plan_code and not rows:
        raise NotFound(f"no plan with code {plan_code!r}")
    live = [row for row in rows if row.status != PLAN_DRAFT]
    return ([_SweptPlan(row.id, row.code, row.reminder_policy or {}) for row in live],
            {row.id: plan_window(row.issued_on, row.period_start, row.period_end) for row in live})


class _DueRow(NamedTuple):
    """One assigned unit of a milestone that may be due (the columns of ``_rows``' query, in its order)."""

    milestone_id: int
    label: str
    text: str
    due_date: date
    soft: bool
    recurrence: str | None
    recurrence_count: int | None
    recurrence_start: date | None
    recurrence_end: date | None
    recurrence_day: str | None
    unit_ids: list[int] | None
    task_id: int
    task_code: str
    task_text: str
    plan_id: int
    role: str
    department_id: int


# _rows' query: one labelled column per field of _DueRow, in its order
_ROW_COLUMNS: tuple[ColumnElement[Any], ...] = (
    col(Milestone.id).label("milestone_id"), col(Milestone.label).label("label"), col(Milestone.text).label("text"),
    col(Milestone.due_date).label("due_date"), col(Milestone.soft).label("soft"),
    col(Milestone.recurrence).label("recurrence"), col(Milestone.recurrence_count).label("recurrence_count"),
    col(Milestone.recurrence_start).label("recurrence_start"), col(Milestone.recurrence_end).label("recurrence_end"),
    col(Milestone.recurrence_day).label("recurrence_day"), col(Milestone.unit_ids).label("unit_ids"),
    col(Task.id).label("task_id"), col(Task.code).label("task_code"), col(Task.text).label("task_text"),
    col(Task.plan_id).label("plan_id"), col(Assignment.role).label("role"),
    col(Assignment.department_id).label("department_id"))
if tuple(column.name for column in _ROW_COLUMNS) != _DueRow._fields:  # pragma: no cover - a coding error
    raise TypeError("_ROW_COLUMNS must label _DueRow's fields in order")


def _rows(session: Session, plan_ids: Collection[int], one_off_dates: list[date], lower: date, upper: date
          ) -> list[_DueRow]:
    """Open one-off milestones due on a notice date, and recurring duties running near today, of the plans
    ``plan_ids`` (issue 14: the sweep's plans, so that rows of draft plans are not swept)."""
    done = exists().where(col(MilestoneCompletion.milestone_id) == Milestone.id)
    one_off = and_(col(Milestone.due_date).in_(one_off_dates), col(Milestone.recurrence).is_(None), ~done)
    recurring = and_(col(Milestone.recurrence).is_not(None),  # a duty without a start is never reminded
                     col(Milestone.recurrence_start).is_not(None), col(Milestone.recurrence_start) <= upper,
                     or_(col(Milestone.recurrence_end).is_(None), col(Milestone.recurrence_end) >= lower))
    out: list[_DueRow] = []
    for condition in (one_off, recurring):  # two index-friendly queries instead of one OR
        query = (sa_select(*_ROW_COLUMNS).join(Task, col(Task.id) == Milestone.task_id)
                 .join(Assignment, col(Assignment.task_id) == Task.id)
                 .where(condition, col(Milestone.active), col(Task.active)))
        # Core rows (no ORM overhead per row) as named tuples: read by name at tuple speed
        rows = map(_DueRow._make, session.connection().execute(query))
        # the plan is filtered here, not in SQL, so that the planner drives the query by the due-date index;
        # a milestone bound to some of the task's units reaches only those
        out += [row for row in rows if row.plan_id in plan_ids
                and (not row.unit_ids or row.department_id in row.unit_ids)]
    return out


def _done_counts(session: Session, milestone_ids: set[int]
                 ) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str, int], int]]:
    """Completions of the sweep's milestones per (milestone, period), and each unit's own completions per
    (milestone, period, unit) — its part of a shared milestone done — in one statement."""
    if not milestone_ids:
        return {}, {}
    ids = sorted(milestone_ids)
    whole = (sa_select(col(MilestoneCompletion.milestone_id), col(MilestoneCompletion.period),
                       literal(None, Integer).label("department_id"), func.count())
             .where(col(MilestoneCompletion.milestone_id).in_(ids))
             .group_by(col(MilestoneCompletion.milestone_id), col(MilestoneCompletion.period)))
    parts = (sa_select(col(UnitCompletion.milestone_id), col(UnitCompletion.period),
                       col(UnitCompletion.department_id), func.count())
             .where(col(UnitCompletion.milestone_id).in_(ids))
             .group_by(col(UnitCompletion.milestone_id), col(UnitCompletion.period),
                       col(UnitCompletion.department_id)))
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
    calendars = {p.id: NoticeCalendar(as_of, plan_policy(p.overrides, policy)) for p in plans}
    codes = {p.id: p.code for p in plans}
    earliest = session.exec(select(func.min(Milestone.due_date))).one()  # an index lookup; a lower bound
    dates = sorted(set[date]().union(*(c.notice_due_dates(earliest) for c in calendars.values())))
    lower = as_of - timedelta(days=400)
    upper = max(c.horizon for c in calendars.values())
    rows = _rows(session, codes.keys(), dates, lower, upper)
    periods: dict[int, list[Period]] = {}
    milestone_ids: set[int] = set()
    department_ids: set[int] = set()
    for row in rows:
        milestone_ids.add(row.milestone_id)
        department_ids.add(row.department_id)
        if row.recurrence is not None and row.milestone_id not in periods:
            window = windows[row.plan_id]  # no period ending before the plan's start or beginning after its end
            periods[row.milestone_id] = [
                p for p in recurring_periods(row.recurrence, row.recurrence_start, row.recurrence_end, as_of, upper)
                if window.start is None or window.holds(p.start, p.end)]
    counts, unit_done = _done_counts(session, milestone_ids)
    recipients = _recipients(session, department_ids)
    chosen: dict[tuple[int, int, str], DueItem] = {}
    # per (plan, due, support, soft, period start)
    notices: dict[tuple[int, date, bool, bool, date | None], Notice | None] = {}
    # the hot loop unpacks each row once, in _DueRow's order; the calendar is asked once per plan, due date,
    # role, softness and period start
    for (mid, label, text, due, soft, recurrence, rcount, _, _, day, _, task_id, task_code, task_text, pid,
         role, dept_id) in rows:
        support = role == ROLE_SUPPORT
        needed = rcount or 1
        occasions: Iterable[tuple[str, date, int, date | None]]
        if recurrence is None:
            occasions = (("", due, 0, None),)
        else:  # each period of the duty still short of its count
            occasions = [(p.key, period_due, n, p.start) for p in periods[mid]
                         if (n := counts.get((mid, p.key), 0)) < needed
                         and (period_due := _period_due(p, day)) is not None]
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
                if unit_done.get((mid, period, unit_id), 0) >= needed:
                    continue  # this unit's own part is done
                item_key = (unit_id, mid, period)
                held = chosen.get(item_key)
                if held is not None and (held.role != ROLE_SUPPORT or support) and (held.via is None or via):
                    continue
                chosen[item_key] = DueItem(
                    department_id=unit_id, department=unit_name, role=role, plan_id=pid, plan_code=codes[pid],
                    task_id=task_id, task_code=task_code, task_text=task_text, milestone_id=mid, label=label,
                    text=text, due_date=shown_due, lead_due_date=lead_due, status=status, working_days=days,
                    soft=soft, escalate=escalate, period=period, needed=needed, done_count=done_count, via=via)
    return sorted(chosen.values(), key=lambda i: (i.department, _STATUS_RANK[i.status], i.due_date, i.plan_code,
                                                  _code_key(i.task_code), i.label, i.period))
