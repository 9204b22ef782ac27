"""Benchmark: the reminder sweep over 100,000 milestones and 1,000 departments, and delivering 1,000 digests.

    .venv/bin/python benchmarks/reminders.py [--milestones 100000] [--departments 1000] [--db URL]

Generates a plan into a temporary SQLite database (or --db, e.g. a PostgreSQL URL), every department with
a channel and a head channel, then measures in the same run (best of 5):

- the baseline: bare indexed SQL selecting the same due items (open one-off milestones on a notice date
  and recurring duties running near today, with their assigned units);
- the sweep: finding today's due items, as ``duban remind`` does (groups expanded to units, each plan's
  reminder policy and the working-day calendar applied, one item per unit and milestone);
- composing the messages: one digest per department and the escalations, rendered from the office's
  templates, with their ledger keys; and the whole run before delivery (sweep + composing);
- delivery: the sweep's 1,000 digests sent to a local webhook receiver through the ledger.

Goals (issue 4): the sweep within 3x the bare query; the sweep, and the whole run before delivery,
under 1 s; 1,000 digests delivered in under 20 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text
from sqlmodel import Session, select

from models import Assignment, Department, Milestone, MilestoneCompletion, Plan, Task
from models.base import utcnow
from models.db import get_engine, migrate

AS_OF = date(2018, 6, 15)
SWEEP_GOAL, RATIO_GOAL, DELIVERY_GOAL = 1.0, 3.0, 20.0


def generate(url: str, n_milestones: int, n_departments: int, seed: int = 11) -> None:
    """One plan 2016–2020: 4 milestones per task, one lead and one supporting unit, 1% recurring duties."""
    rng = random.Random(seed)
    migrate(url)
    n_tasks = n_milestones // 4
    with Session(get_engine(url)) as session:
        plan = Plan(code="bench", title="基准市精神卫生工作规划（2016—2020年）", period_start=2016, period_end=2020)
        session.add(plan)
        session.flush()
        session.execute(insert(Department), [{"name": f"基准市第{i:04d}局", "kind": "unit",
                                              "channels": [f"json://127.0.0.1:9/unit/{i}"],
                                              "head_channels": [f"json://127.0.0.1:9/head/{i}"], "contacts": [],
                                              "provisional": False, "created_at": utcnow()}
                                             for i in range(n_departments)])
        depts = list(session.exec(select(Department.id).order_by(Department.id)))
        session.execute(insert(Task), [{"plan_id": plan.id, "code": f"{i // 100 + 1}.{i % 100 + 1}",
                                        "section": "基准", "section_path": ["基准"],
                                        "text": f"基准任务{i + 1}：落实各项工作。",
                                        "position": i, "active": True, "created_revision": 1,
                                        "updated_revision": 1} for i in range(n_tasks)])
        tasks = list(session.exec(select(Task.id).where(Task.plan_id == plan.id).order_by(Task.position)))
        assignments, milestones = [], []
        start = date(2016, 1, 1)
        for i, task_id in enumerate(tasks):
            lead, support = rng.sample(depts, 2)
            assignments += [{"task_id": task_id, "department_id": lead, "role": "lead", "unit_text": "", "position": 0},
                            {"task_id": task_id, "department_id": support, "role": "support", "unit_text": "",
                             "position": 1}]
            for k in range(4):
                recurring = (i * 4 + k) % 100 == 0
                due = start + timedelta(days=rng.randrange(5 * 365))
                milestones.append({"task_id": task_id, "key": f"m{k}", "label": f"{due.year}年",
                                   "text": "完成阶段目标。",
                                   "due_date": due, "soft": k == 3, "ongoing_after": False,
                                   "recurrence": "quarterly" if recurring else None,
                                   "recurrence_count": 1 if recurring else None,
                                   "recurrence_start": start if recurring else None,
                                   "recurrence_end": date(2020, 12, 31) if recurring else None,
                                   "position": k, "active": True})
        session.execute(insert(Assignment), assignments)
        session.execute(insert(Milestone), milestones)
        past = session.exec(select(Milestone.id).where(Milestone.due_date < AS_OF)).all()
        done = rng.sample(list(past), len(past) * 6 // 10)  # most past milestones are done
        session.execute(insert(MilestoneCompletion), [{"milestone_id": m, "period": "", "occurrence": 1,
                                                       "completed_on": AS_OF, "source": "bench",
                                                       "recorded_at": utcnow()} for m in done])
        session.commit()


def bare_query(session: Session) -> int:
    """Baseline: the same due items as bare indexed SQL: each assigned unit of every open one-off milestone
    due on a notice date, and of every recurring duty running near today (what the sweep reads)."""
    from config import get_settings
    from tasks.reminders.notice_dates import NoticeCalendar

    calendar = NoticeCalendar(AS_OF, get_settings().reminders)
    dates = sorted(calendar.notice_due_dates(date(2016, 1, 1)))
    one_off_params = {f"d{i}": d for i, d in enumerate(dates)}
    span = {"lower": AS_OF - timedelta(days=400), "upper": calendar.horizon}
    select_from = """
        SELECT m.id, m.label, m.text, m.due_date, m.soft, m.recurrence, t.id, t.code, t.text, t.plan_id, a.role,
               a.department_id
        FROM milestone m JOIN task t ON t.id = m.task_id JOIN assignment a ON a.task_id = t.id
        WHERE m.active AND t.active AND """
    one_off = text(select_from + f"""m.due_date IN ({", ".join(":d" + str(i) for i in range(len(dates)))})
        AND m.recurrence IS NULL AND NOT EXISTS (SELECT 1 FROM milestonecompletion c WHERE c.milestone_id = m.id)""")
    recurring = text(select_from + """m.recurrence IS NOT NULL
        AND (m.recurrence_start IS NULL OR m.recurrence_start <= :upper)
        AND (m.recurrence_end IS NULL OR m.recurrence_end >= :lower)""")
    return len(session.execute(one_off, one_off_params).all()) + len(session.execute(recurring, span).all())


def find_due(session: Session) -> int:
    """The sweep: today's due items with groups expanded, policies and the calendar applied (with the
    collector paused, as prepare_sweep runs it)."""
    from tasks.reminders.due_items import due_items

    gc.disable()
    try:
        return len(due_items(session, AS_OF))
    finally:
        gc.enable()


def whole_run(session: Session) -> tuple[int, list]:
    """Everything `duban remind` does before sending: the sweep, then one rendered digest per department
    and the escalations."""
    from tasks.reminders.sweep import prepare_sweep

    outgoing, report = prepare_sweep(session, AS_OF)
    return report.items, outgoing


def best_of(fn, session: Session, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn(session)
        times.append(time.perf_counter() - t0)
    return min(times), result


def delivery(url: str, outgoing: list, n: int) -> float:
    """Deliver ``n`` of the sweep's digests (one per department) to a local threaded webhook receiver
    through the ledger."""
    from dataclasses import replace

    from flows.demo_inbox import LocalInbox
    from tasks.reminders.notify import deliver

    receiver = LocalInbox()
    digests = [replace(out, channels=[receiver.url(f"d/{out.department_id}")])
               for out in outgoing if out.kind == "reminder"][:n]
    with Session(get_engine(url)) as session:
        t0 = time.perf_counter()
        report = deliver(session, digests)
        elapsed = time.perf_counter() - t0
    receiver.close()
    assert report.sent == len(digests) == len({m["path"] for m in receiver.messages}), (
        report.sent, len(receiver.messages))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=1_000)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='duban-bench-')}/bench.db"
    os.environ["DUBAN_DATABASE_URL"] = url
    t0 = time.perf_counter()
    generate(url, args.milestones, args.departments)
    print(f"generated {args.milestones:,} milestones, {args.departments:,} departments in "
          f"{time.perf_counter() - t0:.1f} s ({url.split(':')[0]})")
    with Session(get_engine(url)) as session:
        whole_run(session)  # warm caches (calendar, templates, imports) as a daily run's process would have
        bare, rows = best_of(bare_query, session)
        found, items = best_of(find_due, session)
        whole, (_, outgoing) = best_of(whole_run, session)
    ratio, whole_ratio = found / bare, whole / bare
    composed = whole - found
    print(f"bare indexed query: {bare * 1000:.0f} ms for {rows:,} rows (due milestones and duties x units)")
    print(f"sweep (due items):  {found * 1000:.0f} ms for {items:,} items (goal < {SWEEP_GOAL:.0f} s: "
          f"{'ok' if found < SWEEP_GOAL else 'MISSED'}); ratio {ratio:.2f}x "
          f"(goal <= {RATIO_GOAL:.0f}x: {'ok' if ratio <= RATIO_GOAL else 'MISSED'})")
    print(f"composing messages: {composed * 1000:.0f} ms for {len(outgoing):,} digests and escalations "
          f"({composed / len(outgoing) * 1e6:.0f} us each, rendered from the office's templates)")
    print(f"whole run before delivery: {whole * 1000:.0f} ms (goal < {SWEEP_GOAL:.0f} s: "
          f"{'ok' if whole < SWEEP_GOAL else 'MISSED'}); {whole_ratio:.2f}x the bare query")
    n = min(1000, args.departments)
    elapsed = delivery(url, outgoing, n)
    print(f"delivery:           {elapsed:.1f} s for {n:,} of the sweep's digests to a local webhook "
          f"(goal < {DELIVERY_GOAL:.0f} s: {'ok' if elapsed < DELIVERY_GOAL else 'MISSED'})")


if __name__ == "__main__":
    main()
