"""CLI commands for the department directory: ``duban departments [load FILE]`` (registered by flows.cli)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from flows.console import CommandSet, callback, command, console, require_database

commands = CommandSet()
departments_app = commands.group("departments", "The department directory (units, aliases, groups, channels).",
                                 invoke_without_command=True, no_args_is_help=False)


@callback(departments_app)
def departments_root(ctx: typer.Context) -> None:
    """List the department directory (or run a subcommand such as ``load``)."""
    if ctx.invoked_subcommand is None:
        list_command()


@command(departments_app, "list")
def list_command() -> None:
    """List every department, group and the coordination office."""
    from models import KIND_GROUP
    from models.db import session_scope
    from tasks.directory.departments import aliases_of, expand_members, list_departments

    require_database()
    table = Table("name", "kind", "aliases", "channels", "members / note")
    with session_scope() as session:
        departments = list_departments(session)
        aliases = aliases_of(session)
        groups = [d.id for d in departments if d.kind == KIND_GROUP]
        members = expand_members(session, groups)
        for dept in departments:
            note = "provisional: not in the directory" if dept.provisional else ""
            if dept.kind == KIND_GROUP:
                note = "、".join(m.name for m in members.get(dept.id, []))
            table.add_row(dept.name, dept.kind, "、".join(aliases.get(dept.id, [])), str(len(dept.channels)), note)
    console.print(table)
    console.print(f"{len(departments)} entries", highlight=False)


@command(departments_app, "load")
def load_command(path: Path = typer.Argument(..., help="The directory YAML file.")) -> None:
    """Load (or re-load) the department directory from YAML; re-loading updates, never duplicates."""
    from models.db import session_scope
    from tasks.directory.departments import load_directory

    require_database()
    with session_scope() as session:
        summary = load_directory(session, path)
    console.print(f"created {len(summary.created)}, updated {len(summary.updated)}, "
                  f"unchanged {len(summary.unchanged)}, groups {len(summary.groups)}", highlight=False)
    if summary.merged_provisional:
        console.print("provisional units now known as aliases: " + "、".join(summary.merged_provisional),
                      highlight=False)
    if summary.not_in_file:
        console.print("kept (not in this file): " + "、".join(summary.not_in_file), highlight=False)
