"""The daily reminder sweep: due items → one digest per department (+ escalations) → delivery."""

from __future__ import annotations

import gc
import hashlib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session, col, select

from config import ReminderPolicy, get_settings
from models import Department, Notification, Plan
from models.base import id_of
from models.notification import STATUS_SENT
from tasks.directory.departments import coordination_office
from tasks.reminders.digest import load_template, render_digest, render_escalation
from tasks.reminders.due_items import DueItem, due_items, plan_policy
from tasks.reminders.notify import DeliveryReport, Outgoing, channel_hash, deliver
from tasks.rounds.links import digest_links
from tasks.workdays import is_working_day


@dataclass
class DepartmentLine:
    """One department's part of a sweep (for the CLI table and the flow artifact)."""

    department: str
    overdue: int
    due_today: int
    upcoming: int
    escalated: int
    channels: int


@dataclass
class SweepReport:
    """What one sweep found and sent."""

    as_of: date
    working_day: bool
    dry_run: bool = False
    plan_code: str | None = None
    items: int = 0
    escalated_items: int = 0
    messages: int = 0
    already_sent: int = 0  # (message, channel) pairs whose every item was delivered earlier today
    departments: list[DepartmentLine] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    note: str = ""


def _unique(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(url for urls in lists for url in urls))


def _item_key(item: Mapping[str, object]) -> str:
    """A stored ledger entry's ``department/milestone/period`` (DueItem.ledger_key)."""
    return f"{item['department_id']}/{item['milestone_id']}/{item.get('period') or ''}"


class Ledger:
    """What earlier sweeps of the day delivered, so that no item reaches a recipient twice a day.

    The ledger key of a message is ``<recipient prefix>:<day>:<hash of its items>``; an item already
    sent today to every channel of a recipient (under whatever key: a run with ``--plan`` and a later
    run without it) is left out of later messages, while a message that failed keeps its key and is
    retried as it was.
    """

    def __init__(self, session: Session, as_of: date) -> None:
        self.as_of = as_of
        self.day = str(as_of)
        self.sent: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.already = 0
        rows = session.execute(select(Notification.key, Notification.channel_hash, Notification.items).where(
            Notification.day == as_of, Notification.status == STATUS_SENT,
            col(Notification.kind).in_(("reminder", "escalation"))))
        for key, hashed, items in rows:
            prefix = key.split(f":{as_of}", 1)[0]
            for item in items:
                self.sent[(prefix, _item_key(item))].add(hashed)

    def fresh(self, prefix: str, items: list[DueItem], channels: list[str]) -> list[DueItem]:
        """The items not yet delivered today to every one of ``channels`` under ``prefix``."""
        if not self.sent:  # the day's first sweep: nothing to leave out
            return items
        hashes = {channel_hash(url) for url in channels}
        fresh = [i for i in items if not hashes or not hashes <= self.sent.get((prefix, i.ledger_key), set())]
        if not fresh:
            self.already += len(hashes)
        return fresh

    def key(self, prefix: str, items: list[DueItem]) -> str:
        """The message's ledger key: the recipient, the day and the items it holds."""
        digest = hashlib.sha256("|".join(sorted(i.ledger_key for i in items)).encode()).hexdigest()[:12]
        return f"{prefix}:{self.day}:{digest}"


def _entries(items: list[DueItem]) -> list[Mapping[str, object]]:
    """The items' ledger entries (each built once, shared by an item's digest and its escalations)."""
    return [i.entry or i.ledger_entry() for i in items]


def _escalations(session: Session, escalated: list[DueItem], departments: dict[int, Row[*tuple[Any, ...]]], as_of: date,
                 told: Ledger, policy: ReminderPolicy | None) -> list[Outgoing]:
    """One escalation per plan to the coordination office, one per department to its head."""
    if not escalated:
        return []
    office = coordination_office(session)
    plans = {id_of(p): p for p in session.exec(select(Plan).where(col(Plan.id).in_({i.plan_id for i in escalated})))}
    out: list[Outgoing] = []
    by_plan: dict[int, list[DueItem]] = {}
    by_department: dict[int, list[DueItem]] = {}
    for item in escalated:
        by_plan.setdefault(item.plan_id, []).append(item)
        by_department.setdefault(item.department_id, []).append(item)
    template = load_template(get_settings().escalation_template)
    for plan_id, plan in sorted(plans.items()):
        channels = _unique(plan.coordination_channels, office.channels if office else [])
        prefix = f"escalation:office:{plan_id}"
        items = told.fresh(prefix, by_plan[plan_id], channels)
        if not items:
            continue
        after = plan_policy(plan.reminder_policy, policy).escalate_after_working_days
        subject, body = render_escalation(items, as_of, escalate_after=after, template=template)
        out.append(Outgoing(key=told.key(prefix, items), kind="escalation", day=as_of,
                            subject=subject, body=body, channels=channels, plan_id=plan_id,
                            department_id=office.id if office else None, items=_entries(items),
                            recipient=f"{office.name if office else '协调办公室'}（{plan.code}）"))
    for dept_id, all_items in sorted(by_department.items()):
        dept = departments[dept_id]
        prefix = f"escalation:head:{dept_id}"
        items = told.fresh(prefix, all_items, list(dept.head_channels))
        if not items:
            continue
        subject, body = render_escalation(items, as_of, department=dept.name, template=template)
        out.append(Outgoing(key=told.key(prefix, items), kind="escalation", day=as_of,
                            subject=subject, body=body, channels=list(dept.head_channels), department_id=dept_id,
                            plan_id=items[0].plan_id if len({i.plan_id for i in items}) == 1 else None,
                            items=_entries(items), recipient=f"{dept.name}负责同志"))
    return out


def build_messages(session: Session, items: list[DueItem], as_of: date, *,
                   policy: ReminderPolicy | None = None) -> tuple[list[Outgoing], list[DepartmentLine], int]:
    """One digest per department holding exactly its items not yet told today, plus the escalations.

    Also returns how many (message, channel) pairs were left out because every item in them was
    delivered earlier today.
    """
    told = Ledger(session, as_of)
    by_department: dict[int, list[DueItem]] = {}
    for item in items:
        by_department.setdefault(item.department_id, []).append(item)
    columns = select(Department.id, Department.name, Department.channels, Department.head_channels)
    departments = {d.id: d for d in session.execute(columns.where(col(Department.id).in_(by_department)))}
    template = load_template(get_settings().digest_template)  # once per sweep, not once per digest
    outgoing: list[Outgoing] = []
    lines: list[DepartmentLine] = []
    links = digest_links(session, sorted(by_department))  # each unit's own portal address, in one query
    for dept_id, dept_items in sorted(by_department.items(), key=lambda kv: departments[kv[0]].name):
        dept = departments[dept_id]
        count = {"overdue": 0, "due_today": 0, "upcoming": 0}
        for i in dept_items:
            count[i.status] += 1
        lines.append(DepartmentLine(dept.name, count["overdue"], count["due_today"], count["upcoming"],
                                    sum(1 for i in dept_items if i.escalate), len(dept.channels)))
        prefix = f"reminder:{dept_id}"
        fresh = told.fresh(prefix, dept_items, list(dept.channels))
        if not fresh:
            continue
        subject, body = render_digest(dept.name, fresh, as_of, template=template, link=links.get(dept_id, ""))
        plan_ids = {i.plan_id for i in fresh}
        outgoing.append(Outgoing(key=told.key(prefix, fresh), kind="reminder", day=as_of,
                                 subject=subject, body=body, channels=list(dept.channels), department_id=dept_id,
                                 plan_id=next(iter(plan_ids)) if len(plan_ids) == 1 else None,
                                 items=_entries(fresh), recipient=dept.name))
    escalated = [i for i in items if i.escalate]
    outgoing += _escalations(session, escalated, departments, as_of, told, policy)
    return outgoing, lines, told.already


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a sweep builds tens of thousands of short-lived, acyclic
    objects (reference counting still frees them): measured on 100,000 milestones, a full collection
    falling inside the sweep costs 60–70 ms, and the young-generation ones 15 ms every time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def prepare_sweep(session: Session, as_of: date, *, plan_code: str | None = None,
                  policy: ReminderPolicy | None = None) -> tuple[list[Outgoing], SweepReport]:
    """Today's due items as messages ready to deliver (digests and escalations), with the sweep's report;
    nothing on non-working days."""
    report = SweepReport(as_of=as_of, working_day=is_working_day(as_of), plan_code=plan_code)
    if not report.working_day:
        report.note = f"{as_of} 不是工作日（节假日或休息日），不发送提醒"
        return [], report
    with _collector_paused():
        items = due_items(session, as_of, plan_code=plan_code, policy=policy)
        outgoing, report.departments, report.already_sent = build_messages(session, items, as_of, policy=policy)
    report.items = len(items)
    report.escalated_items = sum(1 for i in items if i.escalate)
    report.messages = len(outgoing)
    return outgoing, report


def record_delivery(report: SweepReport, delivery: DeliveryReport, *, dry_run: bool) -> SweepReport:
    """The sweep's report completed with what delivering its messages did (messages every item of which
    reached its channels earlier today counted as skipped); the one place both the CLI's direct run and
    the send_reminders flow finish a sweep."""
    report.dry_run = dry_run
    if report.working_day:
        report.delivery = delivery
        report.delivery.skipped += report.already_sent
    return report


def run_sweep(session: Session, as_of: date, *, plan_code: str | None = None, dry_run: bool = False,
              policy: ReminderPolicy | None = None) -> SweepReport:
    """Tell every department today's due items once (nothing on non-working days); idempotent per day."""
    outgoing, report = prepare_sweep(session, as_of, plan_code=plan_code, policy=policy)
    delivery = deliver(session, outgoing, dry_run=dry_run) if report.working_day else DeliveryReport()
    return record_delivery(report, delivery, dry_run=dry_run)


@dataclass(frozen=True)
class SweepSummary:
    """What a sweep found and sent, in plain values (the flow's result and the CLI's output)."""

    as_of: date
    working_day: bool
    dry_run: bool
    plan: str | None
    items: int
    escalated_items: int
    messages: int
    note: str  # why nothing was sent, when nothing was
    departments: list[DepartmentLine]
    sent: int
    failed: int
    skipped: int
    would_send: int
    no_channel: list[str]
    failures: list[tuple[str, str]]  # (masked channel, error)


def sweep_summary(report: SweepReport) -> SweepSummary:
    """The summary of a sweep (a note says why nothing was sent, when nothing was)."""
    d = report.delivery
    note = report.note or (f"{report.as_of} 没有需要提醒的事项" if report.working_day and not report.items else "")
    return SweepSummary(as_of=report.as_of, working_day=report.working_day, dry_run=report.dry_run,
                        plan=report.plan_code, items=report.items, escalated_items=report.escalated_items,
                        messages=report.messages, note=note, departments=list(report.departments), sent=d.sent,
                        failed=d.failed, skipped=d.skipped, would_send=d.would_send, no_channel=list(d.no_channel),
                        failures=list(d.failures))
