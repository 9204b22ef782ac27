"""CLI commands for reminders: remind, done, notifications, serve."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from flows.console import CommandSet, console, err_console, parse_day, require_database
from flows.prefect_api import RUN_HELP
from tasks.reminders.sweep import SweepSummary

commands = CommandSet()


def print_summary(summary: SweepSummary) -> None:
    """The sweep summary as a table and a few lines."""
    head = f"reminder sweep {summary.as_of.isoformat()}" + (" (dry run: nothing sent)" if summary.dry_run else "")
    console.print(f"[bold]{head}[/bold]", highlight=False)
    if summary.note:
        console.print(summary.note, highlight=False)
    if summary.departments:
        table = Table("department", "overdue", "due today", "upcoming", "escalated", "channels")
        for d in summary.departments:
            table.add_row(d.department, *(str(n) for n in (d.overdue, d.due_today, d.upcoming, d.escalated,
                                                           d.channels)))
        console.print(table)
    console.print(f"items {summary.items}, escalated {summary.escalated_items}, messages "
                  f"{summary.messages}: sent {summary.sent}, already sent {summary.skipped}, failed "
                  f"{summary.failed}" + (f", would send {summary.would_send}" if summary.dry_run else ""),
                  highlight=False)
    for name in summary.no_channel:
        err_console.print(f"[yellow]no channel:[/yellow] {escape(name)}", highlight=False)
    for channel, error in summary.failures:
        err_console.print(f"[red]failed:[/red] {escape(channel)}: {escape(error)}", highlight=False)


@commands.command("remind")
def remind(as_of: str | None = typer.Option(None, "--as-of", help="Sweep as if today were YYYY-MM-DD."),
           plan: str | None = typer.Option(None, "--plan", help="Only this plan (code)."),
           dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be sent; send nothing."),
           flow: bool | None = typer.Option(None, "--flow/--no-flow", help=RUN_HELP)) -> None:
    """Send today's deadline reminders and escalations (what the send_reminders flow does).

    Without PREFECT_API_URL it runs in-process (no Prefect server is started); with it, or with
    --flow, it runs the send_reminders flow and leaves a recorded run with its summary artifact.
    """
    from flows.prefect_api import records_runs
    from tasks.errors import DeliveryFailed

    day = parse_day(as_of, "--as-of")
    require_database()
    if records_runs(flow):
        from flows.prefect_api import ensure_prefect_api
        from flows.reminders import send_reminders

        ensure_prefect_api()
        summary = send_reminders(as_of=day, plan_code=plan, dry_run=dry_run)
    else:
        from models.db import session_scope
        from tasks.reminders.sweep import run_sweep, sweep_summary
        from tasks.workdays import local_today

        with session_scope() as session:
            summary = sweep_summary(run_sweep(session, day or local_today(), plan_code=plan, dry_run=dry_run))
    print_summary(summary)
    if summary.failed:
        raise DeliveryFailed(f"{summary.failed} message(s) could not be delivered; they are recorded in "
                             "the ledger and retried on the next run (see `duban notifications --failed`)")

@commands.command("done")
def done(task: str = typer.Option(..., "--task", help="Task code, e.g. 1.2."),
         milestone: str = typer.Option(..., "--milestone", help="Milestone label, e.g. 2016年."),
         plan: str | None = typer.Option(None, "--plan", help="Plan code (needed when there are several)."),
         on: str | None = typer.Option(None, "--on", help="Completion date YYYY-MM-DD (default today)."),
         period: str = typer.Option("", "--period", help="Period of a recurring duty, e.g. 2016Q2."),
         occurrence: int = typer.Option(1, "--occurrence", help="Which time in the period (for 每年2次).")) -> None:
    """Mark a milestone (or one period of a recurring duty) done, so that its reminders stop."""
    from models.db import session_scope
    from tasks.errors import NotFound, ValidationFailed
    from tasks.periods import parse_period
    from tasks.plans.lookup import plan_codes
    from tasks.rounds.completions import find_milestone, mark_done
    from tasks.workdays import local_today

    completed_on = parse_day(on, "--on") or local_today()
    require_database()
    with session_scope() as session:
        if plan is None:
            codes = plan_codes(session)
            if len(codes) != 1:
                raise (NotFound("no plan imported yet") if not codes else
                       ValidationFailed(f"several plans ({', '.join(codes)}): say which with --plan"))
            plan = codes[0]
        found = find_milestone(session, plan, task, milestone)
        key = parse_period(period).key if period else ""
        completion = mark_done(session, found, completed_on=completed_on, period=key, occurrence=occurrence)
        what = f"{plan} {task} {found.label}" + (f" {key}" if key else "")
        console.print(f"done: {what} on {completion.completed_on}", highlight=False)

@commands.command("notifications")
def notifications(failed: bool = typer.Option(False, "--failed", help="Only messages not delivered."),
                  plan: str | None = typer.Option(None, "--plan", help="Only this plan (code)."),
                  day: str | None = typer.Option(None, "--day", help="Only the sweep of YYYY-MM-DD."),
                  limit: int = typer.Option(50, "--limit", help="Newest N rows.")) -> None:
    """Show the notification ledger (newest first); channel secrets are masked."""
    from models.db import session_scope
    from tasks.reminders.ledger import ledger_rows

    require_database()
    with session_scope() as session:
        rows = ledger_rows(session, failed_only=failed, plan_code=plan, day=parse_day(day, "--day"), limit=limit)
    for r in rows:
        line = (f"{r.day}  {r.kind:<10} {r.status:<7} tries={r.attempts} items={r.items}  "
                f"{r.recipient or '-'}  {r.channel}" + (f"  sent {r.sent_at}" if r.sent_at else "")
                + (f"  error: {r.error}" if r.error else ""))
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    console.print(f"{len(rows)} row(s)", highlight=False)

@commands.command("serve")
def serve() -> None:
    """Serve every duban flow on its schedule (09:00 Asia/Shanghai) until Ctrl-C."""
    from flows.serve import serve_all

    require_database()
    serve_all()
