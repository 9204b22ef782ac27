"""``duban demo``: the whole loop on the example plan — import → reminders → status round → mid-term report.

Everything is real: a fresh SQLite file, the Prefect flows (with Prefect's temporary local server),
apprise delivering to a local webhook inbox that stands in for the departments' WeCom/DingTalk
channels, the same validation path the portal uses, and the Word/Excel/HTML reports.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import typer
from rich.panel import Panel
from rich.table import Table

from flows.console import CommandSet, console
from flows.demo_inbox import LocalInbox

PLAN = "example"
ROUND = "2016Q2"
commands = CommandSet()


def _slugs() -> dict[str, str]:
    """ASCII inbox paths for the example directory's units (channel URLs stay plain ASCII)."""
    from flows.demo_plan import GROUPS, OFFICE, UNITS

    names = [OFFICE, *UNITS, *(m for members in GROUPS.values() for m in members)]
    return {name: f"unit{i:02d}" for i, name in enumerate(dict.fromkeys(names))}


def _step(title: str) -> None:
    console.rule(f"[bold cyan]{title}")


MARKER = ".duban-demo"
# Everything the demo writes into its folder; only these are removed when the demo runs there again.
DEMO_ENTRIES = ("duban-demo.db", "duban-demo.db-wal", "duban-demo.db-shm", "duban-demo.db-writers.lock", "data",
                "reports", "example-plan.xlsx", "departments.yaml", MARKER)


def _prepare_folder(out: Path) -> None:
    """Make ``out`` ready for the demo without ever deleting what duban did not write.

    A new or empty folder is used as is; a folder holding an earlier demo (marked by ``.duban-demo``) loses
    only the demo's own files; any other folder is refused."""
    from tasks.errors import ValidationFailed

    if out.exists() and not out.is_dir():
        raise ValidationFailed(f"--out {out}: is a file, not a folder; choose a new folder for the demo")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ValidationFailed(f"--out {out}: the folder is not empty and was not written by `duban demo`; "
                                   "nothing was changed. Choose a new or empty folder (e.g. --out demo-output)")
        for name in DEMO_ENTRIES:
            entry = out / name
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            elif entry.exists() or entry.is_symlink():
                entry.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `duban demo`; running the demo again here replaces only its own files\n",
                              encoding="utf-8")


def _setup(out: Path) -> Path:
    """A fresh demo folder and SQLite database configured for this process."""
    from config import get_settings
    from models.db import dispose_engines, migrate

    _prepare_folder(out)
    os.environ["DUBAN_DATABASE_URL"] = f"sqlite:///{(out / 'duban-demo.db').resolve()}"
    os.environ["DUBAN_DATA_DIR"] = str((out / "data").resolve())
    os.environ.setdefault("DUBAN_SECRET_KEY", "duban-demo-secret")
    get_settings.cache_clear()
    dispose_engines()
    migrate()
    return out


def _import(out: Path, inbox: LocalInbox) -> None:
    """Write the example plan and directory, load the directory, import the plan."""
    from flows.demo_plan import write_example_directory, write_example_plan
    from models.db import session_scope
    from tasks.directory.departments import load_directory
    from tasks.plans.intake import import_plan

    slugs = _slugs()
    plan_file = write_example_plan(out / "example-plan.xlsx")
    directory = write_example_directory(out / "departments.yaml", lambda name: [inbox.url(slugs[name])],
                                        lambda name: [inbox.url(slugs[name] + "-head")])
    with session_scope() as session:
        summary = load_directory(session, directory)
        report = import_plan(session, plan_file, plan_code=PLAN)
    console.print(f"directory {directory.name}: {len(summary.created)} units created, {len(summary.groups)} groups "
                  f"({'、'.join(summary.groups)})", highlight=False, soft_wrap=True)
    counts = report.to_dict()["counts"]
    table = Table("recognised", "count", title=f"import {plan_file.name} → plan '{report.plan_code}'")
    for key, value in counts.items():
        table.add_row(key, str(value))
    console.print(table)
    for problem in report.problems:
        console.print(f"  [yellow]{problem.severity}[/yellow] {problem}", highlight=False)


def _first_reminder_day() -> date:
    """The first working day of 2016 Q2 on which the sweep has something to say to several units."""
    from models.db import session_scope
    from tasks.reminders.due_items import due_items

    day = date(2016, 4, 1)
    with session_scope() as session:
        while day < date(2016, 12, 31):
            if len({i.department_id for i in due_items(session, day, plan_code=PLAN)}) >= 3:
                return day
            day += timedelta(days=1)
    return date(2016, 4, 25)


def _reminders(inbox: LocalInbox) -> None:
    """Run the send_reminders flow twice: the second run sends nothing (idempotent ledger)."""
    from flows.reminders import send_reminders

    day = _first_reminder_day()
    before = len(inbox.messages)
    summary = send_reminders(as_of=day, plan_code=PLAN)
    arrived = inbox.messages[before:]
    console.print(f"sweep of {day}: {len(summary.departments)} departments, {summary.items} items, "
                  f"{summary.sent} messages sent, {summary.failed} failed", highlight=False)
    if arrived:
        console.print(Panel(arrived[0].get("message", ""), title=arrived[0].get("title", ""), expand=False))
    again = send_reminders(as_of=day, plan_code=PLAN)
    console.print(f"same sweep again: {again.sent} sent, {again.skipped} already sent (nothing repeated)",
                  highlight=False)


def _status_round(inbox: LocalInbox) -> None:
    """Open round 2016Q2, let most units report, accept or return reports, chase the rest."""
    from models import Department
    from models.db import session_scope
    from tasks.plans.lookup import plan_by_code
    from tasks.rounds.dashboard import round_rates
    from tasks.rounds.requests import chase, find_round, open_round
    from tasks.rounds.reviews import review_update
    from tasks.rounds.updates import UpdateData, submit_update

    with session_scope() as session:
        plan = plan_by_code(session, PLAN)
        before = len(inbox.messages)
        result = open_round(session, plan, ROUND, today=date(2016, 7, 1))
        console.print(f"round {ROUND} opened (deadline {result.round.deadline}): requests sent to "
                      f"{len(inbox.messages) - before} units, each with a personal portal link", highlight=False)
        expected = sorted(result.departments)
        silent = set(expected[-2:])  # two units do not report, to be chased
        late = expected[0]  # one unit reports after the deadline
        returned = False
        for dept_id in expected:
            if dept_id in silent:
                continue
            dept = session.get(Department, dept_id)
            day = result.round.deadline + timedelta(days=3) if dept_id == late else date(2016, 7, 5)
            for task_id in _expected_tasks(session, result.round.id, dept_id):
                update = submit_update(session, dept, task_id, UpdateData(
                    state="推进中", percent=60, progress="已印发实施方案，正在组织实施。",
                    problems="" if returned else "专业人员不足。", next_steps="下季度完成培训。",
                    submitted_by=f"{dept.name}联络员", submitted_at=_morning(day)),
                    channel="api", round_id=result.round.id)
                if not returned:
                    review_update(session, update.id, "return", reason="请补充佐证材料。", reviewer="市精卫办",
                                  today=date(2016, 7, 6))
                    returned = True
                else:
                    review_update(session, update.id, "accept", reviewer="市精卫办", today=date(2016, 7, 6))
        round_ = find_round(session, plan, ROUND)
        before = len(inbox.messages)
        chase(session, round_, today=round_.deadline)
        console.print(f"chase on the deadline {round_.deadline}: {len(inbox.messages) - before} units reminded "
                      "(those that have not reported, or whose report was sent back)", highlight=False)
        table = Table("department", "expected", "reported", "on time", title=f"round {ROUND} reporting")
        for rate in round_rates(session, round_):
            table.add_row(rate.department.name, str(rate.expected), str(rate.reported), str(rate.on_time))
        console.print(table)


def _morning(day: date) -> datetime:
    """09:30 Beijing time on ``day``, in UTC (the demo back-fills reports of 2016)."""
    return datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC)


def _expected_tasks(session, round_id: int, dept_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from models import RoundExpectation

    return list(session.exec(select(RoundExpectation.task_id).where(RoundExpectation.round_id == round_id,
                                                                    RoundExpectation.department_id == dept_id)))


def _evaluation(out: Path) -> None:
    """Fill in a plausible history to the end of 2017, then run the evaluate_plan flow (mid-term)."""
    from flows.demo_history import generate_history
    from flows.evaluation import evaluate_plan
    from models.db import session_scope

    with session_scope() as session:
        counts = generate_history(session, PLAN, seed=2016, until=date(2017, 12, 31), frequency="quarterly")
    console.print(f"history to 2017-12-31 (seeded sample): {counts}", highlight=False)
    result = evaluate_plan(PLAN, "midterm", out_dir=str(out / "reports"))
    summary = result.summary
    console.print(f"mid-term as of {result.as_of}: {summary.tasks_judged} tasks judged, verdicts "
                  f"{summary.verdicts}, mean department score {summary.mean_department_score}",
                  highlight=False)
    for path in result.outputs:
        console.print(f"  written: {path}", highlight=False)


@commands.command("demo")
def demo_command(out: Path = typer.Option(
        Path("demo-output"), "--out",
        help="Folder for the demo's database, plan, directory and reports: a new or empty folder, or one an "
             "earlier demo wrote (only the demo's own files are replaced).")) -> None:
    """Run the whole loop on the example plan: import, reminders, a status round, the mid-term report."""
    from flows.prefect_api import ensure_prefect_api

    ensure_prefect_api()  # before anything is written: the flows of steps 2 and 4 need it
    folder = _setup(out)
    inbox = LocalInbox()
    try:
        _step("1. import the plan and the department directory")
        _import(folder, inbox)
        _step("2. deadline reminders (Prefect flow send_reminders)")
        _reminders(inbox)
        _step(f"3. status round {ROUND}: requests, reports, review, chase")
        _status_round(inbox)
        _step("4. mid-term evaluation (Prefect flow evaluate_plan)")
        _evaluation(folder)
    finally:
        inbox.close()
    console.print(f"\n[bold green]demo complete[/bold green]: {len(inbox.messages)} messages delivered to the "
                  f"local inbox; everything is in {folder}/", highlight=False)
