"""CLI commands for status reporting: rounds, unit links, spreadsheet forms, office users, the portal."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from flows.console import CommandSet, callback, command, console, parse_day, require_database
from flows.prefect_api import RUN_HELP
from tasks.errors import DeliveryFailed

commands = CommandSet()
round_app = commands.group("round", "Reporting rounds: open, status, chase, close.", no_args_is_help=True)
link_app = commands.group("link", "Print (or revoke) a unit's personal portal link.", invoke_without_command=True)
user_app = commands.group("user", "Coordination-office accounts for the dashboard.", no_args_is_help=True)

# the portal is launched by name, never imported (flows sit beside the portal, not above it)
PORTAL_APP = "portal.app:create_app"
PORTAL_LOG_FILTER = "portal.access_log.MaskTokens"

ROUND_HELP = "Round as PLAN/PERIOD (e.g. hangzhou/2016Q2) or its numeric id."


def _plan(session: Any, code: str) -> Any:
    from tasks.plans.lookup import plan_by_code

    return plan_by_code(session, code)


def _department(session: Any, name: str) -> Any:
    from tasks.directory.departments import UnitResolver
    from tasks.errors import NotFound

    dept = UnitResolver(session).lookup(name.strip())
    if dept is None:
        raise NotFound(f"no department named {name!r} (see `duban departments`)")
    return dept


def _round(session: Any, ref: str) -> Any:
    from models import ReportingRound
    from tasks.errors import NotFound, ValidationFailed
    from tasks.rounds.requests import find_round

    if ref.isdigit():
        found = session.get(ReportingRound, int(ref))
        if found is None:
            raise NotFound(f"no round with id {ref}")
        return found
    if "/" not in ref:
        raise ValidationFailed(f"round {ref!r}: {ROUND_HELP}")
    code, period = ref.rsplit("/", 1)
    return find_round(session, _plan(session, code), period)


@command(round_app, "open")
def round_open(plan: str = typer.Option(..., "--plan", help="Plan code."),
               period: str = typer.Option(..., "--period", help="2016Q2, 2016H1, 2016, 2016-04 or A..B dates."),
               deadline: str | None = typer.Option(None, help="Override the deadline (YYYY-MM-DD)."),
               send: bool = typer.Option(True, help="Send the requests (--no-send only records the round).")) -> None:
    """Open a plan's round (idempotent) and send each expected unit one request with its link."""
    from models.db import session_scope
    from tasks.rounds.requests import open_round

    require_database()
    with session_scope() as session:
        result = open_round(session, _plan(session, plan), period,
                            deadline=parse_day(deadline, "--deadline"), send=send)
        r, d = result.round, result.delivery
        head = (f"round {r.period} (id {r.id}) {'opened' if result.created else 'already open'}; "
                f"deadline {r.deadline}; {len(result.departments)} units expected; "
                f"sent {d.sent}, already sent {d.skipped}, failed {d.failed}")
    console.print(head, highlight=False, soft_wrap=True)  # once committed: a closed pipe cannot undo the round
    if d.no_channel:
        console.print("no channel (tell them yourself): " + "、".join(d.no_channel), highlight=False, soft_wrap=True)
    if d.failed:
        raise typer.Exit(DeliveryFailed.exit_code)


@command(round_app, "status")
def round_status(round_ref: str | None = typer.Option(None, "--round", help=ROUND_HELP),
                 plan: str | None = typer.Option(None, "--plan", help="Only this plan's open rounds.")) -> None:
    """Each unit's reporting and on-time rate in a round (default: every open round)."""
    from models.db import session_scope
    from tasks.rounds.dashboard import round_rates, totals
    from tasks.rounds.requests import open_rounds

    require_database()
    with session_scope() as session:
        rounds = [_round(session, round_ref)] if round_ref else open_rounds(session, _plan(session, plan) if plan
                                                                            else None)
        for r in rounds:
            table = Table("unit", "expected", "reported", "on time", "reporting %", "on-time %",
                          title=f"round {r.period} (id {r.id}), deadline {r.deadline}")
            rates = round_rates(session, r)
            for x in [*rates, totals(rates)]:
                table.add_row(x.department.name, str(x.expected), str(x.reported), str(x.on_time),
                              f"{x.reporting_rate:.0%}", f"{x.on_time_rate:.0%}")
            console.print(table)
        if not rounds:
            console.print("no open rounds")


@command(round_app, "chase")
def round_chase(round_ref: str | None = typer.Option(None, "--round", help=ROUND_HELP),
                plan: str | None = typer.Option(None, "--plan", help="Only this plan's open rounds."),
                dry_run: bool = typer.Option(False, "--dry-run", help="Show who would be chased; send nothing."),
                flow: bool | None = typer.Option(None, "--flow/--no-flow", help=RUN_HELP)) -> None:
    """Remind only the units that have not reported every expected task (once a day at most).

    Without PREFECT_API_URL it runs in-process (no Prefect server is started); with it, or with
    --flow, it runs the chase_rounds flow as a recorded run.
    """
    from flows.prefect_api import ensure_prefect_api, records_runs
    from flows.status import chase_rounds, chase_rounds_now
    from models.db import session_scope
    from tasks.rounds.requests import open_rounds

    require_database()
    with session_scope() as session:
        rounds = [_round(session, round_ref)] if round_ref else open_rounds(session, _plan(session, plan) if plan
                                                                            else None)
        round_ids = [r.id for r in rounds]
    if records_runs(flow):
        ensure_prefect_api()
        lines = chase_rounds(round_ids, dry_run)
    else:
        lines = chase_rounds_now(round_ids, dry_run)
    for line in lines:
        d = line.delivery
        verb = f"would send {d.would_send}" if dry_run else f"sent {d.sent}, failed {d.failed}"
        console.print(f"round {line.period}: {line.behind} units behind; {verb}, "
                      f"already sent today {d.skipped}", highlight=False, soft_wrap=True)
    if sum(line.delivery.failed for line in lines):
        raise typer.Exit(DeliveryFailed.exit_code)


@command(round_app, "close")
def round_close(round_ref: str = typer.Option(..., "--round", help=ROUND_HELP)) -> None:
    """End a round: no more chasing, no new reports into it; lists the units that never reported."""
    from sqlmodel import select

    from models import Department
    from models.db import session_scope
    from tasks.rounds.requests import close_round

    require_database()
    with session_scope() as session:
        round_ = _round(session, round_ref)
        newly, missing = close_round(session, round_)
        names = {d.id: d.name for d in session.exec(select(Department).where(Department.id.in_(missing)))}
        console.print(f"round {round_.period} {'closed' if newly else 'was already closed'}; "
                      f"{len(missing)} units never reported all their tasks"
                      + (": " + "、".join(sorted(names.values())) if names else ""), highlight=False, soft_wrap=True)


@callback(link_app)
def link_print(ctx: typer.Context,
               department: str | None = typer.Option(None, "--department", help="Unit name or alias."),
               round_ref: str | None = typer.Option(None, "--round", help=ROUND_HELP),
               days: int | None = typer.Option(None,
                                               help="Valid for this many days (default link_valid_days).")) -> None:
    """Print a new personal portal link for a unit (``duban link revoke`` withdraws links)."""
    if ctx.invoked_subcommand is not None:
        return
    from models.db import session_scope
    from tasks.errors import ValidationFailed
    from tasks.rounds.links import issue_link, link_url

    if not department:
        raise ValidationFailed("--department is required")
    require_database()
    with session_scope() as session:
        dept = _department(session, department)
        link, token = issue_link(session, dept, _round(session, round_ref) if round_ref else None, days)
        name, expires = dept.name, link.expires_at
    # printed only once the link is committed: a reader (``| head -1``) never gets an unsaved link
    console.print(link_url(token), highlight=False, soft_wrap=True)
    console.print(f"for {name}, valid until {expires:%Y-%m-%d %H:%M} UTC", style="dim",
                  highlight=False, soft_wrap=True)


@command(link_app, "revoke")
def link_revoke(department: str = typer.Option(..., "--department", help="Unit name or alias."),
                round_ref: str | None = typer.Option(None, "--round", help=ROUND_HELP),
                token: str | None = typer.Option(None, help="Revoke only this link (the part after /u/).")) -> None:
    """Revoke a unit's links (all, a round's, or one); revoked links are refused at once."""
    from models.db import session_scope
    from tasks.rounds.links import revoke

    require_database()
    with session_scope() as session:
        dept = _department(session, department)
        count = revoke(session, dept, _round(session, round_ref) if round_ref else None, token)
    console.print(f"revoked {count} link(s) of {dept.name}", highlight=False, soft_wrap=True)


@commands.command("form")
def form_command(department: str = typer.Option(..., "--department", help="Unit name or alias."),
                 round_ref: str = typer.Option(..., "--round", help=ROUND_HELP),
                 output: Path = typer.Option(..., "-o", "--output", help="Where to write the .xlsx form.")) -> None:
    """Write a unit's pre-filled spreadsheet form for a round."""
    from models.db import session_scope
    from tasks.rounds.forms import write_form

    require_database()
    with session_scope() as session:
        dept = _department(session, department)
        rows = write_form(session, dept, _round(session, round_ref), output)
    console.print(f"wrote {output} ({rows} tasks for {dept.name})", highlight=False, soft_wrap=True)


@commands.command("collect")
def collect_command(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A filled .xlsx form."),
                    department: str | None = typer.Option(None, "--department",
                                                          help="Refuse the form unless it is this unit's.")) -> None:
    """Read a filled form back; every bad row is named and nothing is saved unless all rows are good."""
    from models.db import session_scope
    from tasks.rounds.forms import collect_form

    require_database()
    with session_scope() as session:
        dept = _department(session, department) if department else None
        updates = collect_form(session, path, department=dept)
    console.print(f"recorded {len(updates)} update(s) from {path.name}; waiting for review", highlight=False,
                  soft_wrap=True)


@command(user_app, "add")
def user_add(name: str = typer.Argument(..., help="Login name."),
             password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
             replace: bool = typer.Option(False, help="Set a new password for an existing user."),
             role: str = typer.Option("admin", "--role", help="admin (管理员, everything) or viewer (查看, "
                                      "read-only: dashboard, ledgers, reports).")) -> None:
    """Create an office user (password prompted, or read from stdin); only a bcrypt hash is stored."""
    from models.db import session_scope
    from tasks.office.accounts import add_user

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else \
        typer.prompt("password", hide_input=True, confirmation_prompt=True)
    require_database()
    with session_scope() as session:
        user = add_user(session, name, password, replace=replace, role=role)
        username, role_name = user.username, user.role
    console.print(f"user {username} ({role_name}) {'updated' if replace else 'created'}", highlight=False,
                  soft_wrap=True)  # once committed


@commands.command("portal")
def portal_command(host: str | None = typer.Option(None, help="Bind address (default settings.portal_host)."),
                   port: int | None = typer.Option(None, help="Port (default settings.portal_port)."),
                   workers: int | None = typer.Option(None, min=1, help="Uvicorn worker processes (default: 2 "
                                                      "on a machine with 2 or more cores, else 1).")) -> None:
    """Serve the department portal and office dashboard (uvicorn; tokens masked in the access log)."""
    import os

    import uvicorn

    from config import get_settings
    from tasks.rounds.links import secret_key

    settings = get_settings()
    require_database()
    secret_key(settings)  # generated (if not configured) before the workers start, so that they share it
    uvicorn.run(PORTAL_APP, factory=True, host=host or settings.portal_host,
                port=port or settings.portal_port, workers=workers or min(2, os.cpu_count() or 1),
                log_config=uvicorn_log_config(), proxy_headers=False,
                timeout_worker_healthcheck=settings.portal_worker_healthcheck_seconds)


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with the portal's token-masking filter on every handler.

    The filter is named by its dotted path (as uvicorn names the app): the CLI launches the portal and
    never imports it.
    """
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["mask_tokens"] = {"()": PORTAL_LOG_FILTER}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("mask_tokens")
    return config
