"""CLI commands for plans: import, plans, tasks, export, template (registered by flows.cli)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from flows.console import CommandSet, callback, command, console, err_console, parse_day, require_database
from tasks.errors import ValidationFailed

commands = CommandSet()
plans_app = commands.group("plans", "The imported plans: list them, or set a plan's period and review years.",
                           invoke_without_command=True, no_args_is_help=False)


@callback(plans_app)
def plans_root(ctx: typer.Context) -> None:
    """List the imported plans (or run a subcommand such as ``set``)."""
    if ctx.invoked_subcommand is None:
        list_plans()


def list_plans() -> None:
    """Print every plan with its period, revision and active task count."""
    from sqlmodel import func, select

    from models import Plan, Task
    from models.db import session_scope

    require_database()
    table = Table("code", "title", "period", "revision", "tasks", "status")
    with session_scope() as session:
        query = select(Task.plan_id, func.count()).where(Task.active).group_by(Task.plan_id)
        counts = dict(session.exec(query).all())
        for plan in session.exec(select(Plan).order_by(Plan.code)):
            period = f"{plan.period_start or '?'}–{plan.period_end or '?'}"
            table.add_row(plan.code, plan.title, period, str(plan.revision), str(counts.get(plan.id, 0)),
                          "草稿 draft" if plan.status == "draft" else plan.status)
    console.print(table)


@command(plans_app, "set")
def set_command(
    plan: str = typer.Option(..., "--plan", help="Plan code."),
    title: str | None = typer.Option(None, "--title", help="The plan's title."),
    period: str | None = typer.Option(None, "--period", help="Plan period as START-END, e.g. 2016-2020."),
    midterm_year: int | None = typer.Option(None, "--midterm-year", help="Year of the mid-term review."),
    final_year: int | None = typer.Option(None, "--final-year", help="Year of the final review."),
    issuing_office: str | None = typer.Option(None, "--issuing-office", help="The office that issued the plan."),
    doc_number: str | None = typer.Option(None, "--doc-number", help="The document number (文号)."),
    issued_on: str | None = typer.Option(None, "--issued-on",
                                         help="Issue date YYYY-MM-DD; recurring duties start with the plan."),
) -> None:
    """Set a plan's title, period or review years; a later re-import keeps them unless its document names them."""
    from models.db import session_scope
    from tasks.plans.info import parse_period, update_plan_info

    start, end = parse_period(period) if period else (None, None)
    issued = parse_day(issued_on, "--issued-on")
    require_database()
    with session_scope() as session:
        row = update_plan_info(session, plan, title=title, period_start=start, period_end=end,
                               midterm_year=midterm_year, final_year=final_year,
                               issuing_office=issuing_office, doc_number=doc_number, issued_on=issued)
        console.print(f"plan {row.code}: {row.title}; period {row.period_start or '?'}–{row.period_end or '?'}, "
                      f"mid-term {row.midterm_year or '?'}, final {row.final_year or '?'}", highlight=False,
                      soft_wrap=True)


@command(plans_app, "confirm")
def confirm_command(plan: str = typer.Option(..., "--plan", help="Plan code.")) -> None:
    """Confirm a draft plan (read from prose) once the office has checked it: its reminders start."""
    from models.db import session_scope
    from tasks.plans.info import confirm_plan

    require_database()
    with session_scope() as session:
        row, was_draft = confirm_plan(session, plan)
        code = row.code
    console.print(f"plan {code} confirmed: reminders start" if was_draft else f"plan {code} was already confirmed",
                  highlight=False)


def _draft_line(report: Any) -> str:
    """The draft summary of a plan read from prose (Chinese: the office reads it)."""
    d = report.draft
    head = "草稿（DRAFT）" if report.status == "draft" else "已确认"
    line = (f"{head}：从正文识别出 {d['obligations']} 项任务，其中 {d['without_time']} 项无时限、"
            f"{d['without_unit']} 项无责任单位、{d['periodic_unstated']} 项“定期”未明确频次、"
            f"{d['event_driven']} 项“及时”类事件驱动；置信度 {d['confidence']:.2f}；"
            f"{d['not_taken']} 句疑似任务未采纳（见下方 not taken 警告）。")
    if report.status == "draft":
        line += (f"请导出核对（duban export --plan {report.plan_code} --format xlsx），修改后重新导入，"
                 f"再确认：duban plans confirm --plan {report.plan_code}。确认前不发提醒。")
    return line


def _print_report(report: Any) -> None:
    """What an import recognised (tasks, counts, changes) and every problem with its row."""
    table = Table(title=f"{report.title} — {report.source_file}", show_lines=False)
    for name in ("code", "section", "task", "lead", "support", "responsible", "milestones"):
        table.add_column(name, overflow="fold")
    for row in report.tasks[:200]:
        task_units = set(row["lead"]) | set(row["responsible"])
        dues = ", ".join(f"{m['label']}:{m['due'] or '—'}{'~' if m['soft'] else ''}{'↻' if m['recurrence'] else ''}"
                         + (f"→{'、'.join(m['units'])}" if set(m["units"]) != task_units else "")
                         for m in row["milestones"])
        table.add_row(row["code"], row["section"], row["text"][:40], "、".join(row["lead"]),
                      "、".join(row["support"]), "、".join(row["responsible"]), dues)
    console.print(table)
    if len(report.tasks) > 200:
        console.print(f"… and {len(report.tasks) - 200} more tasks", highlight=False)
    console.print("  ".join(f"{k}={v}" for k, v in report.counts.items()), highlight=False)
    if report.dry_run:
        state = "dry run: nothing written"
    elif not report.changed:
        state = f"unchanged: plan {report.plan_code} stays at revision {report.revision}"
    else:
        verb = "created" if report.created else "updated"
        state = f"{verb} plan {report.plan_code}, revision {report.revision}"
    if report.changes and not report.created:
        state += (f" (added {len(report.changes['added'])}, removed {len(report.changes['removed'])}, "
                  f"changed {len(report.changes['changed'])})")
    console.print(state, highlight=False)
    if report.draft:
        console.print(_draft_line(report), highlight=False, soft_wrap=True)
    for problem in report.problems:
        err_console.print(f"[yellow]{problem.severity}:[/yellow] {problem}", highlight=False)


@commands.command("import")
def import_command(
    path: Path = typer.Argument(..., help="The plan document (.xlsx, .csv, .docx or text)."),
    plan: str | None = typer.Option(None, "--plan", help="Plan code (default: from the file name)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read and check everything, write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
    confirm: bool = typer.Option(False, "--confirm", help="Confirm a plan read from prose at once "
                                 "(otherwise it stays a draft without reminders until `duban plans confirm`)."),
) -> None:
    """Import a plan's division-of-labour table; re-importing updates it as a new revision."""
    from models.db import session_scope
    from tasks.plans.intake import import_plan

    require_database()
    with session_scope() as session:
        report = import_plan(session, path, plan_code=plan, dry_run=dry_run, confirm=confirm)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)

@commands.command("tasks")
def tasks_command(
    plan: str | None = typer.Option(None, "--plan", help="Only this plan."),
    department: str | None = typer.Option(None, "--department", help="Only tasks of this unit (or its groups)."),
    due_before: str | None = typer.Option(None, "--due-before", help="Milestone due on or before YYYY-MM-DD."),
) -> None:
    """List active tasks with their units and next due date."""
    from models.db import session_scope
    from tasks.plans.export import list_tasks

    before = parse_day(due_before, "--due-before")
    require_database()
    with session_scope() as session:
        rows = list_tasks(session, plan_code=plan, department=department, due_before=before)
    table = Table("plan", "code", "section", "task", "牵头 lead", "配合 support", "责任 responsible", "next due")
    for row in rows:  # one role vocabulary everywhere: 牵头 / 配合 / 责任, as the portal shows them
        table.add_row(row["plan"], row["code"], row["section"], row["text"][:40], "、".join(row["lead"]),
                      "、".join(row["support"]), "、".join(row["responsible"]), row["next_due"] or "—")
    console.print(table)
    console.print(f"{len(rows)} task(s)", highlight=False)

@commands.command("export")
def export_command(
    plan: str = typer.Option(..., "--plan", help="Plan code."),
    fmt: str = typer.Option("json", "--format", help="json or xlsx."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Output file (json: default stdout)."),
) -> None:
    """Export a plan as JSON (the stable machine interface) or as a re-importable .xlsx."""
    from models.db import session_scope
    from tasks.plans.export import export_plan, export_xlsx

    if fmt not in ("json", "xlsx"):
        raise ValidationFailed(f"--format must be json or xlsx, not '{fmt}'")
    require_database()
    with session_scope() as session:
        if fmt == "xlsx":
            target = export_xlsx(session, plan, output or Path(f"{plan}.xlsx"))
            console.print(f"wrote {target}", highlight=False)
            return
        text = json.dumps(export_plan(session, plan), ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {output}", highlight=False)
    else:
        typer.echo(text)

@commands.command("template")
def template_command(
    output: Path = typer.Option(Path("plan.xlsx"), "-o", "--output", help="Where to write the template."),
) -> None:
    """Write the canonical .xlsx template (header, an example row, instructions)."""
    from tasks.plans.template import write_template

    console.print(f"wrote {write_template(output)}", highlight=False)
