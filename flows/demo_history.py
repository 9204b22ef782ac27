"""A generated but plausible history of a plan (seeded): completions, rounds, status updates, readings.

For demos, tests and benchmarks: every unit gets a temperament (diligent, slow or stuck) that
decides how often its milestones are done on time, late or not at all, how reliably it reports
by the round deadline, and what it reports. The same seed gives the same history. Periods
whose round was really held, and milestones already done, are left as they are.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, select

from models import (
    Assignment,
    Indicator,
    IndicatorReading,
    IndicatorTarget,
    Milestone,
    MilestoneCompletion,
    ReportingRound,
    RoundExpectation,
    StatusUpdate,
    Task,
)
from tasks.evaluation.verdicts import RECURRENCE_FREQUENCY, periods
from tasks.plans.lookup import plan_by_code

# temperament: (on time, late) shares of milestones, chance to report, chance to report in time
TEMPERAMENTS = {"diligent": (0.88, 0.08, 0.97, 0.9), "slow": (0.55, 0.3, 0.85, 0.6), "stuck": (0.25, 0.3, 0.7, 0.5)}
PROBLEMS = ("专项经费尚未落实到位。", "专业人员不足，招聘困难。", "部门间信息共享机制尚不健全。",
            "基层工作人员流动性大，业务培训跟不上。", "用地审批手续尚未完成，项目推进较慢。", "")


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment (09:00–17:00 Beijing time) on ``day``, in UTC."""
    return datetime(day.year, day.month, day.day, 1 + rng.randint(0, 8), rng.randint(0, 59), tzinfo=UTC)


def _completions(milestones: list[Milestone], mood: str, start: date, until: date, rng: random.Random) -> list[dict]:
    """Completion rows for a task's milestones as a unit of this temperament would leave them."""
    on_time, late = TEMPERAMENTS[mood][:2]
    rows = []
    for m in milestones:
        if m.recurrence:
            frequency = RECURRENCE_FREQUENCY.get(m.recurrence.strip().lower(), "yearly")
            need = m.recurrence_count or 1
            first = m.recurrence_start or start
            for p in periods(first, min(m.recurrence_end or until, until), frequency):
                done = need if rng.random() < on_time + late else rng.randint(0, max(need - 1, 0))
                for occurrence in range(1, done + 1):
                    day = p.start + timedelta(days=rng.randint(0, (p.end - p.start).days))
                    if day <= until:
                        rows.append({"milestone_id": m.id, "period": p.key, "occurrence": occurrence,
                                     "completed_on": day, "source": "sample", "recorded_at": _at(day, rng)})
            continue
        if m.due_date is None:
            continue
        draw = rng.random()
        if draw < on_time:
            day = m.due_date - timedelta(days=rng.randint(0, 120))
        elif draw < on_time + late:
            day = m.due_date + timedelta(days=rng.randint(5, 240))
        else:
            continue
        if day <= until:
            day = max(day, start)
            rows.append({"milestone_id": m.id, "period": "", "occurrence": 1, "completed_on": day,
                         "source": "sample", "recorded_at": _at(day, rng)})
    return rows


def _state(milestones: list[Milestone], done: dict[int, date], day: date, mood: str) -> tuple[str, int]:
    """What a unit would report on ``day``: a state and a percent."""
    dated = [m for m in milestones if m.due_date and not m.recurrence]
    if dated and all(done.get(m.id, date.max) <= day for m in dated):
        return "已完成", 100
    overdue = [m for m in dated if m.due_date < day and done.get(m.id, date.max) > day]
    share = sum(1 for m in dated if done.get(m.id, date.max) <= day) / len(dated) if dated else 0.5
    if overdue:
        return ("受阻" if mood == "stuck" else "滞后"), int(share * 100)
    return ("推进中" if share or day.month > 6 else "未启动"), int(share * 100)


def generate_history(session: Session, plan_code: str, *, seed: int = 2016, until: date,
                     frequency: str = "half-yearly", start: date | None = None) -> dict[str, int]:
    """Write a plausible history of the plan up to ``until``; returns how many rows of each kind."""
    plan = plan_by_code(session, plan_code)
    existing_rounds = set(session.exec(select(ReportingRound.period).where(ReportingRound.plan_id == plan.id)))
    rng = random.Random(seed)
    start = start or date(plan.period_start or 2016, 1, 1)
    tasks = session.exec(select(Task).where(Task.plan_id == plan.id, Task.active)
                         .order_by(Task.position, Task.id)).all()
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in session.exec(select(Milestone).join(Task).where(Task.plan_id == plan.id, Milestone.active)
                          .order_by(Milestone.task_id, Milestone.position)):
        milestones[m.task_id].append(m)
    reporters: dict[int, list[int]] = defaultdict(list)
    for task_id, dept_id, role in session.exec(select(Assignment.task_id, Assignment.department_id, Assignment.role)
                                               .join(Task).where(Task.plan_id == plan.id)
                                               .order_by(Assignment.task_id, Assignment.position)):
        if role != "support":
            reporters[task_id].append(dept_id)
    moods = {d: rng.choices(list(TEMPERAMENTS), weights=(70, 20, 10))[0]
             for d in sorted({d for ds in reporters.values() for d in ds})}
    completions, done = [], {}
    for task in tasks:
        mood = moods.get(reporters[task.id][0], "slow") if reporters.get(task.id) else "slow"
        rows = _completions(milestones.get(task.id, []), mood, start, until, rng)
        completions += rows
        done.update({r["milestone_id"]: r["completed_on"] for r in rows if not r["period"]})
    already = set(session.exec(select(MilestoneCompletion.milestone_id, MilestoneCompletion.period,
                                      MilestoneCompletion.occurrence).join(Milestone).join(Task)
                               .where(Task.plan_id == plan.id)).all())
    completions = [r for r in completions if (r["milestone_id"], r["period"], r["occurrence"]) not in already]
    if completions:
        session.execute(insert(MilestoneCompletion), completions)
    counts = {"completions": len(completions), "rounds": 0, "expectations": 0, "updates": 0, "readings": 0}
    for period in periods(start, until, frequency):
        deadline = period.end + timedelta(days=10)
        if deadline > until:
            break
        if period.key in existing_rounds:  # a real round was held: its reports are the real ones
            continue
        round_ = ReportingRound(plan_id=plan.id, period=period.key, period_start=period.start, period_end=period.end,
                                deadline=deadline, opened_at=_at(period.end - timedelta(days=5), rng))
        session.add(round_)
        session.flush()
        expectations, updates = [], []
        for task in tasks:
            for dept in reporters.get(task.id, []):
                expectations.append({"round_id": round_.id, "department_id": dept, "task_id": task.id})
                report, timely = TEMPERAMENTS[moods[dept]][2:]
                if rng.random() > report:
                    continue
                day = (period.end + timedelta(days=rng.randint(1, 10)) if rng.random() < timely
                       else deadline + timedelta(days=rng.randint(1, 20)))
                state, percent = _state(milestones.get(task.id, []), done, min(day, until), moods[dept])
                updates.append({"task_id": task.id, "department_id": dept, "round_id": round_.id, "role": "lead",
                                "state": state, "percent": percent, "progress": f"{period.label}按计划推进。",
                                "problems": rng.choice(PROBLEMS) if state in ("滞后", "受阻") else "",
                                "next_steps": "继续推进。", "channel": "sample", "submitted_by": "sample",
                                "submitted_at": _at(min(day, until), rng), "review_state": "accepted"})
        if expectations:
            session.execute(insert(RoundExpectation), expectations)
        if updates:
            session.execute(insert(StatusUpdate), updates)
        counts["rounds"] += 1
        counts["expectations"] += len(expectations)
        counts["updates"] += len(updates)
    counts["readings"] = _readings(session, plan.id, start, until, rng)
    session.flush()
    return counts


def _readings(session: Session, plan_id: int, start: date, until: date, rng: random.Random) -> int:
    """Yearly values of each numeric indicator, moving from its baseline towards its target."""
    rows = []
    targets: dict[int, dict[str, IndicatorTarget]] = defaultdict(dict)
    for t in session.exec(select(IndicatorTarget).join(Indicator).where(Indicator.plan_id == plan_id)
                          .order_by(IndicatorTarget.year, IndicatorTarget.id)):
        targets[t.indicator_id][t.kind] = t
    for indicator in session.exec(select(Indicator).where(Indicator.plan_id == plan_id).order_by(Indicator.id)):
        target, base = targets[indicator.id].get("target"), targets[indicator.id].get("baseline")
        if target is None or target.value is None or target.value_kind == "text":
            continue
        goal = target.value
        if target.value_kind == "relative":
            if base is None or base.value is None:
                continue
            goal = base.value * (1 + target.value / 100)
        elif target.value_kind == "range":
            goal = (target.value + (target.value_high or target.value)) / 2
        lower = indicator.direction == "lower" or (target.value_kind == "relative" and target.value < 0)
        origin = base.value if base and base.value is not None else goal * (1.3 if lower else 0.7)
        years = list(range(start.year, until.year + 1))
        end_share = rng.uniform(0.9, 1.15) if lower else rng.uniform(0.85, 1.1)
        for i, year in enumerate(years):
            day = date(year, 12, 31) if date(year, 12, 31) <= until else until
            value = origin + (goal * end_share - origin) * (i + 1) / len(years)
            rows.append({"indicator_id": indicator.id, "value": round(value, 4), "as_of": day,
                         "text": "", "recorded_at": _at(day, rng)})
    if rows:
        session.execute(insert(IndicatorReading), rows)
    return len(rows)
