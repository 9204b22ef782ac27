"""Benchmark: evaluation of a generated plan (5,000 tasks, 300 departments, ~50,000 updates) in all formats.

    .venv/bin/python benchmarks/evaluation.py [--tasks 5000] [--departments 300] [--db URL]

Generates the plan and its history into a temporary SQLite database (or --db), then measures, in a
fresh child process: a baseline (a bare SQL aggregate over the same updates and expectations), the
evaluation (judge + score) and each report format. Goal: evaluation plus all three formats under 15 s
and 500 MB peak memory (RSS of the child process).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text
from sqlmodel import Session, select

from models import Assignment, Department, Indicator, IndicatorTarget, Milestone, Plan, Task
from models.base import utcnow
from models.db import get_engine, migrate

GOAL_SECONDS, GOAL_MB = 15.0, 500


def generate(url: str, n_tasks: int, n_departments: int, seed: int = 7) -> dict[str, int]:
    """The plan, its departments, tasks, milestones and indicators, then a generated history."""
    from flows.demo_history import generate_history

    rng = random.Random(seed)
    migrate(url)
    with Session(get_engine(url)) as session:
        plan = Plan(code="bench", title="基准市精神卫生工作规划（2016—2020年）", period_start=2016, period_end=2020,
                    midterm_year=2017, final_year=2020)
        session.add(plan)
        session.flush()
        session.execute(insert(Department), [{"name": f"基准市第{i:03d}局", "kind": "unit", "channels": [],
                                              "head_channels": [], "contacts": [], "provisional": False,
                                              "created_at": utcnow()} for i in range(n_departments)])
        depts = list(session.exec(select(Department.id).order_by(Department.id)))
        session.execute(insert(Task), [{"plan_id": plan.id, "code": str(i + 1), "section": f"第{i % 20 + 1}领域",
                                        "section_path": [f"第{i % 20 + 1}领域"], "text": f"基准任务{i + 1}。",
                                        "position": i, "active": True, "created_revision": 1,
                                        "updated_revision": 1} for i in range(n_tasks)])
        tasks = list(session.exec(select(Task.id).where(Task.plan_id == plan.id).order_by(Task.position)))
        assignments, milestones = [], []
        for i, task_id in enumerate(tasks):
            chosen = rng.sample(depts, 4)
            leads = chosen[:2] if i % 10 == 0 else chosen[:1]
            for pos, dept in enumerate(chosen):
                assignments.append({"task_id": task_id, "department_id": dept, "position": pos, "unit_text": "",
                                    "role": "lead" if dept in leads else "support"})
            for pos, year in enumerate((2016, 2017, 2020)):
                milestones.append({"task_id": task_id, "key": f"{year}年", "label": f"{year}年", "text": "完成。",
                                   "due_date": date(year, 12, 31) if pos else date(2016, rng.choice((4, 6, 12)), 30),
                                   "soft": i % 7 == 0, "ongoing_after": False, "position": pos, "active": True})
            if i % 10 == 3:
                milestones.append({"task_id": task_id, "key": "每年", "label": "每年", "text": "每年不少于2次。",
                                   "recurrence": "yearly", "recurrence_count": 2, "soft": False,
                                   "ongoing_after": False, "recurrence_start": date(2016, 1, 1),
                                   "recurrence_end": date(2020, 12, 31), "position": 3, "active": True})
        session.execute(insert(Assignment), assignments)
        session.execute(insert(Milestone), milestones)
        for k in range(100):
            indicator = Indicator(plan_id=plan.id, code=f"I{k}", name=f"基准指标{k}", unit="%",
                                  direction="lower" if k % 5 == 0 else "higher")
            session.add(indicator)
            session.flush()
            session.add(IndicatorTarget(indicator_id=indicator.id, kind="baseline", year=2015, value=50.0))
            session.add(IndicatorTarget(indicator_id=indicator.id, kind="target", year=2020,
                                        value=40.0 if k % 5 == 0 else 80.0))
        counts = generate_history(session, "bench", seed=seed, until=date(2020, 12, 31), start=date(2015, 7, 1))
        session.commit()
    return counts


def _rss() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str, out_dir: str) -> None:
    """Run in a fresh process: baseline aggregate, evaluation, each format; print times and peak RSS."""
    from tasks.evaluation.assessment import judge, score
    from tasks.evaluation.reports import RENDERERS, build_content
    from tasks.evaluation.scoring import load_scoring

    engine = get_engine(url)
    started = time.perf_counter()
    with engine.connect() as conn:
        conn.execute(text("SELECT task_id, count(*), max(submitted_at) FROM statusupdate "
                          "WHERE review_state = 'accepted' GROUP BY task_id")).all()
        conn.execute(text("SELECT department_id, count(*) FROM roundexpectation GROUP BY department_id")).all()
    baseline = time.perf_counter() - started
    rss_before = _rss()
    scoring = load_scoring()
    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}
    t0 = time.perf_counter()
    with Session(engine) as session:
        judgement = judge(session, "bench", "final", None, scoring)
    timings["judge (final + mid-term)"] = time.perf_counter() - t0
    peaks["judge (final + mid-term)"] = _rss()
    t1 = time.perf_counter()
    figures = score(judgement, scoring)
    timings["score"] = time.perf_counter() - t1
    peaks["score"] = _rss()
    t2 = time.perf_counter()
    content = build_content(figures, scoring.config.reports)
    timings["tables + charts"] = time.perf_counter() - t2
    peaks["tables + charts"] = _rss()
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for fmt, renderer in RENDERERS.items():
        t = time.perf_counter()
        path = renderer(content, Path(out_dir))
        name = f"{fmt} ({path.stat().st_size // 1024} KiB)"
        timings[name], peaks[name] = time.perf_counter() - t, _rss()
    total = time.perf_counter() - t0
    peak = _rss()
    print(f"tasks judged: {figures.summary.tasks_total}, departments: {len(figures.departments)}, "
          f"updates: {figures.completeness.updates_total}")
    print(f"baseline (bare SQL aggregates over updates and expectations): {baseline:.3f} s")
    for name, seconds in timings.items():
        print(f"  {name:<32} {seconds:7.3f} s   peak RSS so far {peaks[name]:5.0f} MB")
    print(f"evaluation + all formats: {total:.2f} s  ({total / baseline:.0f}x baseline; goal < {GOAL_SECONDS:.0f} s)"
          f"  {'OK' if total < GOAL_SECONDS else 'OVER GOAL'}")
    print(f"peak RSS: {peak:.0f} MB (after imports and baseline: {rss_before:.0f} MB; goal < {GOAL_MB} MB)"
          f"  {'OK' if peak < GOAL_MB else 'OVER GOAL'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.out)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        counts = generate(url, args.tasks, args.departments)
        print(f"generated in {time.perf_counter() - started:.1f} s: {args.tasks} tasks, {args.departments} "
              f"departments, {counts}")
        get_engine(url).dispose()
        subprocess.run([sys.executable, __file__, "--measure", url, "--out", f"{tmp}/out"], check=True)


if __name__ == "__main__":
    main()
