"""The ``duban`` command line: thin commands over the plain functions in ``tasks``."""

from __future__ import annotations

import os

import typer

from flows import (
    demo,
    deploy,
    directory_commands,
    evaluation_commands,
    plan_commands,
    reminder_commands,
    status_commands,
)
from flows.console import CommandSet, DubanGroup, console

commands = CommandSet()

app = typer.Typer(
    cls=DubanGroup,
    name="duban",
    help="duban (督办): track multi-department government plans from import to evaluation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root() -> None:
    """duban (督办): track multi-department government plans from import to evaluation."""


@commands.command("init")
def init_command() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    from models.db import display_url, migrate

    migrate()
    console.print(f"database ready: {display_url()}", highlight=False)


for _commands in (commands, demo.commands, deploy.commands, plan_commands.commands, directory_commands.commands,
                  reminder_commands.commands, status_commands.commands, evaluation_commands.commands):
    _commands.add_to(app)


def main() -> None:
    """Console-script entry point."""
    # Offices often run without internet access: Prefect's local server must not phone home.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    app()
