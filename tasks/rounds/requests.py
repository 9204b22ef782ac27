"""Reporting rounds: who must report on what, the one request per unit, and chasing non-reporters.

A task is *active* in a period when it is an active task of the plan and one of its active
milestones is still relevant there: a dated milestone not yet done whose due date falls on or
after the period start (or is already past, i.e. overdue and still open); a recurring duty whose
span covers the period; an ongoing duty (之后不断完善) whose deadline has come; or an undated
milestone while the plan runs. A task without milestones is active while the plan runs.
Expected reporters are the task's lead (牵头) and responsible (责任) units, groups expanded to
their member units; supporting (配合) units are not expected but may add their contribution.
When every milestone active in the period is bound by its clause to some of the task's units
(``Milestone.unit_ids``), only those units are expected: the townships for their quarterly village
supervision, not the county departments of the same measure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from config import get_settings
from models import (
    ROLE_LEAD,
    ROLE_RESPONSIBLE,
    Assignment,
    Department,
    Milestone,
    MilestoneCompletion,
    Plan,
    ReportingRound,
    RoundExpectation,
    Task,
)
from models.base import as_utc, id_of, utcnow
from models.status import OVERDUE
from tasks.directory.departments import expand_members
from tasks.errors import NotFound, ValidationFailed
from tasks.periods import Period, parse_period
from tasks.reminders.notify import DeliveryReport, Outgoing, deliver
from tasks.rounds.links import current_link, link_url
from tasks.rounds.timeliness import round_standings
from tasks.workdays import add_working_days, is_working_day, local_today, working_days_between

# (plan, round, unit, its tasks, its portal address, today) → the message to the unit
MessageBuilder = Callable[[Plan, ReportingRound, Department, list[Task], str, date], Outgoing]


@dataclass
class RoundResult:
    """What opening or chasing a round did."""

    round: ReportingRound
    created: bool
    departments: list[int] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)


def _milestone_active(m: Milestone, period: Period, done: bool, plan: Plan) -> bool:
    if m.recurrence:
        start = m.recurrence_start or date(plan.period_start or period.start.year, 1, 1)
        end = m.recurrence_end or date(plan.period_end or period.end.year, 12, 31)
        return start <= period.end and end >= period.start
    if m.due_date is None:
        return plan.period_end is None or plan.period_end >= period.start.year
    if m.ongoing_after and m.due_date <= period.end:
        return plan.period_end is None or plan.period_end >= period.start.year
    return not done


def active_tasks(session: Session, plan: Plan, period: Period, bound: dict[int, set[int]] | None = None
                 ) -> list[Task]:
    """The plan's tasks that must be reported on in ``period`` (see the module docstring). ``bound``, when
    given, is filled with task id → the units its active milestones bind (only for tasks all of whose active
    milestones are bound by a clause; other tasks expect all their units)."""
    tasks = list(session.exec(select(Task).where(col(Task.plan_id) == plan.id, col(Task.active).is_(True))
                              .order_by(col(Task.position), col(Task.id))))
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in session.exec(select(Milestone).join(Task, col(Task.id) == Milestone.task_id)
                          .where(col(Task.plan_id) == plan.id, col(Milestone.active).is_(True))):
        milestones[m.task_id].append(m)
    done = set(session.exec(select(MilestoneCompletion.milestone_id)
                            .join(Milestone, col(Milestone.id) == MilestoneCompletion.milestone_id)
                            .join(Task, col(Task.id) == Milestone.task_id).where(col(Task.plan_id) == plan.id)))
    running = plan.period_end is None or plan.period_end >= period.start.year
    out = []
    for t in tasks:
        own = milestones[id_of(t)]
        active = [m for m in own if _milestone_active(m, period, m.id in done, plan)]
        if active or (running and not own):
            out.append(t)
        if bound is not None and active and all(m.unit_ids for m in active):
            bound[id_of(t)] = {d for m in active for d in (m.unit_ids or [])}
    return out


def expected_reporters(session: Session, tasks: list[Task], bound: dict[int, set[int]] | None = None
                       ) -> dict[int, list[int]]:
    """department id → ids of the tasks it must report on (lead and responsible units, or only the units
    ``bound`` names for a task; groups expanded)."""
    by_task: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    ids = [id_of(t) for t in tasks]
    for a in session.exec(select(Assignment).where(col(Assignment.task_id).in_(ids),
                                                   col(Assignment.role).in_([ROLE_LEAD, ROLE_RESPONSIBLE]))
                          .order_by(col(Assignment.position))):
        by_task[a.task_id][a.role].append(a.department_id)
    wanted = {d for roles in by_task.values() for dl in roles.values() for d in dl}
    members = expand_members(session, sorted(wanted)) if wanted else {}
    result: dict[int, list[int]] = defaultdict(list)
    for task_id in ids:
        roles = by_task.get(task_id, {})
        for dept_id in roles.get(ROLE_LEAD, []) + roles.get(ROLE_RESPONSIBLE, []):
            if bound and task_id in bound and dept_id not in bound[task_id]:
                continue
            for unit in members.get(dept_id) or []:
                if task_id not in result[id_of(unit)]:
                    result[id_of(unit)].append(task_id)
    return dict(result)


def find_round(session: Session, plan: Plan, period_key: str) -> ReportingRound:
    """The plan's round for a period; NotFound if it was never opened."""
    key = parse_period(period_key).key
    found = session.exec(select(ReportingRound).where(ReportingRound.plan_id == plan.id,
                                                      ReportingRound.period == key)).first()
    if found is None:
        raise NotFound(f"plan {plan.code} has no round {key}; open it with `duban round open`")
    return found


def _request(plan: Plan, round_: ReportingRound, dept: Department, tasks: list[Task], url: str,
             today: date) -> Outgoing:
    label = parse_period(round_.period).label
    lines = [f"{dept.name}：", f"请于{round_.deadline:%Y年%m月%d日}前报送《{plan.title}》{label}工作进展"
             f"（进展情况、存在问题、下一步工作及佐证材料），共{len(tasks)}项任务："]
    lines += [f"  {t.code} {t.text[:40]}" for t in tasks]
    lines += ["", f"报送链接（本单位专用，请勿转发）：{url}"]
    return Outgoing(key=f"round_request:{round_.id}:{dept.id}", kind="round_request", day=today,
                    subject=f"【督办】请报送{label}工作进展（截止{round_.deadline:%m月%d日}）",
                    body="\n".join(lines), channels=list(dept.channels), department_id=dept.id,
                    plan_id=plan.id, items=[{"task": t.code} for t in tasks], recipient=dept.name)


def open_round(session: Session, plan: Plan, period_key: str, *, deadline: date | None = None,
               today: date | None = None, send: bool = True) -> RoundResult:
    """Open (or re-open, idempotently) a plan's round and send each expected unit one request."""
    period = parse_period(period_key)
    today = today or local_today()
    round_ = session.exec(select(ReportingRound).where(ReportingRound.plan_id == plan.id,
                                                       ReportingRound.period == period.key)).first()
    created = round_ is None
    if round_ is None:
        due = deadline or add_working_days(period.end, get_settings().round_deadline_working_days)
        if due < period.start:
            raise ValidationFailed(f"deadline {due} is before the period starts ({period.start})")
        round_ = ReportingRound(plan_id=id_of(plan), period=period.key, period_start=period.start,
                                period_end=period.end, deadline=due)
        session.add(round_)
        session.flush()
        bound: dict[int, set[int]] = {}
        for dept_id, task_ids in expected_reporters(session, active_tasks(session, plan, period, bound),
                                                    bound).items():
            for task_id in task_ids:
                session.add(RoundExpectation(round_id=id_of(round_), department_id=dept_id, task_id=task_id))
        session.flush()
    elif round_.closed_at is not None:
        raise ValidationFailed(f"round {period.key} of plan {plan.code} is closed")
    expected = expectations(session, round_)
    result = RoundResult(round=round_, created=created, departments=sorted(expected))
    messages = _messages(session, plan, round_, expected, today, _request) if send else []
    session.flush()
    if send:  # the ledger commits the round with its messages before the first one leaves (notify.deliver)
        result.delivery = deliver(session, messages)
    return result


def expectations(session: Session, round_: ReportingRound) -> dict[int, list[int]]:
    """department id → task ids expected from it in the round."""
    found: dict[int, list[int]] = defaultdict(list)
    for e in session.exec(select(RoundExpectation).where(RoundExpectation.round_id == round_.id)
                          .order_by(col(RoundExpectation.id))):
        found[e.department_id].append(e.task_id)
    return dict(found)


def reported_tasks(session: Session, round_: ReportingRound) -> dict[int, set[int]]:
    """department id → tasks it has reported in the round (by the one rule of ``timeliness``)."""
    found: dict[int, set[int]] = defaultdict(set)
    for (dept_id, task_id), standing in round_standings(session, round_).items():
        if standing.reported:
            found[dept_id].add(task_id)
    return dict(found)


def outstanding(session: Session, round_: ReportingRound) -> dict[int, list[int]]:
    """department id → the expected tasks it has not (validly) reported yet."""
    done = reported_tasks(session, round_)
    missing = {d: [t for t in tasks if t not in done.get(d, set())]
               for d, tasks in expectations(session, round_).items()}
    return {d: tasks for d, tasks in missing.items() if tasks}


def _chase_message(plan: Plan, round_: ReportingRound, dept: Department, tasks: list[Task], url: str,
                   today: date) -> Outgoing:
    label = parse_period(round_.period).label
    late = today > round_.deadline
    lines = [f"{dept.name}：", f"《{plan.title}》{label}工作进展{'已' + OVERDUE if late else '尚未报送完毕'}"
             f"（截止{round_.deadline:%Y年%m月%d日}），以下{len(tasks)}项任务仍待报送："]
    lines += [f"  {t.code} {t.text[:40]}" for t in tasks]
    lines += ["", f"报送链接（本单位专用，请勿转发）：{url}"]
    return Outgoing(key=f"round_chase:{round_.id}:{dept.id}:{today.isoformat()}", kind="round_chase",
                    day=today, subject=f"【催报】{label}工作进展{'已' + OVERDUE if late else '待报送'}",
                    body="\n".join(lines), channels=list(dept.channels), department_id=dept.id,
                    plan_id=plan.id, items=[{"task": t.code} for t in tasks], recipient=dept.name)


def _messages(session: Session, plan: Plan, round_: ReportingRound, wanted: dict[int, list[int]],
              today: date, build: MessageBuilder) -> list[Outgoing]:
    if not wanted:
        return []
    depts = {d.id: d for d in session.exec(select(Department).where(col(Department.id).in_(list(wanted))))}
    all_ids = {t for ids in wanted.values() for t in ids}
    tasks = {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(all_ids)))}
    out = []
    for dept_id in sorted(wanted):
        _, token = current_link(session, depts[dept_id], round_)
        out.append(build(plan, round_, depts[dept_id], [tasks[t] for t in wanted[dept_id]],
                         link_url(token), today))
    return out


def chase(session: Session, round_: ReportingRound, *, today: date | None = None,
          dry_run: bool = False) -> RoundResult:
    """Remind only the units that have not reported every expected task (once per unit and day)."""
    ensure_open(round_)
    today = today or local_today()
    plan = session.get_one(Plan, round_.plan_id)
    missing = outstanding(session, round_)
    result = RoundResult(round=round_, created=False, departments=sorted(missing))
    messages = _messages(session, plan, round_, missing, today, _chase_message)
    result.delivery = deliver(session, messages, dry_run=dry_run)
    return result


def ensure_open(round_: ReportingRound) -> None:
    """ValidationFailed (Chinese, for units and the office alike) if the round has been closed."""
    if round_.closed_at is not None:
        raise ValidationFailed(f"{parse_period(round_.period).label}报送已结束，不再接收或催报；"
                               "如需补报，请联系协调办公室。")


def close_round(session: Session, round_: ReportingRound) -> tuple[bool, dict[int, list[int]]]:
    """End a round: no more chasing and no new reports into it (its history stays as it is).

    Returns whether it was open until now, and the units (→ task ids) that never reported.
    """
    missing = outstanding(session, round_)
    newly = round_.closed_at is None
    if newly:
        round_.closed_at = utcnow()
        session.add(round_)
        session.flush()  # the caller's session_scope commits it
    return newly, missing


def chase_due(round_: ReportingRound, today: date) -> bool:
    """Whether the scheduled flow chases today: every N working days after the period ends, and on
    the deadline day, but never on the day the round was opened (the request went out then)."""
    if round_.closed_at is not None or today == local_today(as_utc(round_.opened_at)) \
            or not is_working_day(today):
        return False
    every = max(get_settings().round_chase_every_working_days, 1)
    elapsed = working_days_between(round_.period_end, today)
    return today == round_.deadline or (elapsed > 0 and elapsed % every == 0)


def open_rounds(session: Session, plan: Plan | None = None) -> list[ReportingRound]:
    """Rounds not closed yet (of one plan or all), oldest first."""
    query = select(ReportingRound).where(col(ReportingRound.closed_at).is_(None))
    if plan is not None:
        query = query.where(ReportingRound.plan_id == plan.id)
    return list(session.exec(query.order_by(col(ReportingRound.period_start), col(ReportingRound.id))))
