"""Rich consoles, the one way commands join the CLI, and the one mapping of domain errors to exit codes.

Every command module holds a ``CommandSet``: its top-level commands (``@commands.command("remind")``)
and its command groups (``commands.group("round", ...)``, whose commands use ``@command(group, "open")``
and whose callback uses ``@callback(group)``); ``flows.cli`` adds each set to the app. A ``DubanError``
leaves every command as its class's ``exit_code`` (tasks/errors.py); ``--as-of`` and every other date
option is read by ``parse_day``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import OperationalError
from typer.core import TyperCommand, TyperGroup

from tasks.errors import ConfigError, DubanError, ImportFailed, ValidationFailed


class _FlagsShowNoType:
    """Help that shows no value type beside a flag (``--dry-run``, ``--help``): a flag takes no value, and
    typer otherwise prints ``<bool>`` beside every one."""

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:  # typer's options (it carries its own click): duck-typed
            if getattr(param, "is_flag", False) and getattr(param, "metavar", "") is None:
                param.metavar = ""
        return params


class DubanCommand(_FlagsShowNoType, TyperCommand):
    """Every duban command (see ``_FlagsShowNoType``)."""


class DubanGroup(_FlagsShowNoType, TyperGroup):
    """Every duban command group (see ``_FlagsShowNoType``)."""


console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def report_error(exc: DubanError) -> None:
    """Print a domain error (and each located problem) to stderr."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    problems = getattr(exc, "problems", None) if isinstance(exc, ImportFailed | ValidationFailed) else None
    if problems and len(problems) == 1 and not problems[0].ref:  # one problem with the whole file: say it once
        err_console.print(f"[bold red]error:[/bold red] {escape(str(problems[0]))}", highlight=False)
        return
    err_console.print(f"[bold red]error:[/bold red] {escape(first)}", highlight=False)
    for problem in problems or []:
        err_console.print(f"  - {problem}", highlight=False, markup=False)
    if not problems and len(str(exc).splitlines()) > 1:
        err_console.print("\n".join(str(exc).splitlines()[1:]), highlight=False, markup=False)


def require_database() -> None:
    """Refuse to work on a database that ``duban init`` has not set up (nothing is created here)."""
    from models.db import display_url, schema_missing

    try:
        why = schema_missing()
    except OperationalError as exc:  # unreachable, or refuses us: said here too for the group callbacks
        raise ConfigError(f"cannot use the database {display_url()}: {str(exc.orig).strip()}") from None
    if why:
        raise ConfigError(f"{display_url()}: {why}; run `duban init` first (set DUBAN_DATABASE_URL to use "
                          "another database)")


def file_error(exc: OSError) -> DubanError:
    """A file or folder that cannot be read or written, as a domain error naming it (no traceback)."""
    name = exc.filename or "the file"
    reason = {IsADirectoryError: "is a folder, not a file", NotADirectoryError: "a part of the path is not a folder",
              FileNotFoundError: "does not exist (or its folder does not)",
              PermissionError: "cannot be written or read (permission denied)"}.get(type(exc))
    return ValidationFailed(f"{name}: {reason or exc.strerror or exc}")


@contextmanager
def exit_codes() -> Iterator[None]:
    """Turn a ``DubanError`` (or an unreadable file, or an unreachable database) into its message on stderr
    and its class's exit code."""
    try:
        yield
    except DubanError as exc:
        report_error(exc)
        raise typer.Exit(exc.exit_code) from None
    except BrokenPipeError:  # the reader went away (`| head -1`): not a mistake of the user's
        raise
    except OSError as exc:
        error = file_error(exc)
        report_error(error)
        raise typer.Exit(error.exit_code) from None
    except OperationalError as exc:  # the database is unreachable or refuses us
        from models.db import display_url

        error = ConfigError(f"cannot use the database {display_url()}: {str(exc.orig).strip()}")
        report_error(error)
        raise typer.Exit(error.exit_code) from None


def _guarded(fn: F) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*a: Any, **k: Any) -> Any:
        with exit_codes():
            return fn(*a, **k)

    return wrapper


def command(app: typer.Typer, *args: Any, **kwargs: Any) -> Callable[[F], F]:
    """Register ``fn`` as a command of ``app`` (a group) so that a ``DubanError`` becomes its exit code."""

    def decorate(fn: F) -> F:
        app.command(*args, cls=kwargs.pop("cls", DubanCommand), **kwargs)(_guarded(fn))
        return fn

    return decorate


def callback(app: typer.Typer, **kwargs: Any) -> Callable[[F], F]:
    """Register ``fn`` as the callback of a command group, with the same error mapping as a command."""

    def decorate(fn: F) -> F:
        app.callback(**kwargs)(_guarded(fn))
        return fn

    return decorate


class CommandSet:
    """One module's share of the CLI: top-level commands and command groups, added by ``add_to``."""

    def __init__(self) -> None:
        self._commands: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []
        self._groups: list[tuple[str, typer.Typer]] = []

    def command(self, name: str, **kwargs: Any) -> Callable[[F], F]:
        """Declare a top-level command ``duban <name>``."""

        def decorate(fn: F) -> F:
            self._commands.append((name, fn, kwargs))
            return fn

        return decorate

    def group(self, name: str, help: str, **kwargs: Any) -> typer.Typer:
        """Declare a command group ``duban <name> ...`` and return it for its commands."""
        group = typer.Typer(cls=DubanGroup, help=help, **kwargs)
        self._groups.append((name, group))
        return group

    def add_to(self, app: typer.Typer) -> None:
        """Add every declared command and group to ``app``."""
        for name, group in self._groups:
            app.add_typer(group, name=name)
        for name, fn, kwargs in self._commands:
            command(app, name, **kwargs)(fn)


def parse_day(value: str | None, option: str = "--as-of") -> date | None:
    """A date option (YYYY-MM-DD) as a date, None when not given; ValidationFailed naming the option."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(f"{option} {value!r}: not a date (use YYYY-MM-DD)") from None
