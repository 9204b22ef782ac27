"""The CLI's own behaviour: `duban init`, exit codes for an unreachable database, no password in output."""

from __future__ import annotations

import re
import shlex
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from config import get_settings
from flows.cli import app
from models.db import dispose_engines, get_engine

runner = CliRunner()


def said(text: str) -> str:
    """What a user reads, with rich's line wrapping undone."""
    return " ".join(text.split())


def test_init_creates_the_schema_and_is_safe_to_repeat(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    monkeypatch.setenv("DUBAN_DATABASE_URL", url)
    get_settings.cache_clear()
    for _ in range(2):
        result = runner.invoke(app, ["init"])
        assert result.exit_code == 0, result.output
        assert "database ready" in result.output
    tables = set(inspect(get_engine(url)).get_table_names())
    assert {"plan", "task", "milestone", "department", "notification", "statusupdate"} <= tables
    dispose_engines()
    get_settings.cache_clear()


def test_an_unreachable_database_is_a_clear_error_without_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_DATABASE_URL", "postgresql+psycopg://duban:s3cret-pw@127.0.0.1:1/duban")
    get_settings.cache_clear()
    for args in (["init"], ["plans"], ["departments"], ["link", "--department", "市民政局"], ["tasks"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "cannot use the database" in result.output and "127.0.0.1:1" in result.output
        assert "s3cret-pw" not in result.output
        assert isinstance(result.exception, SystemExit), args
    dispose_engines()
    get_settings.cache_clear()


def _commands(tmp_path: Path) -> list[list[str]]:
    """Every command that uses the database, with arguments that would otherwise be acceptable."""
    plan = tmp_path / "plan.csv"
    plan.write_text("任务,牵头单位,完成时限\n建立工作机制,市民政局,2016年\n", encoding="utf-8")
    directory = tmp_path / "departments.yaml"
    directory.write_text("departments:\n  - name: 市民政局\n", encoding="utf-8")
    form = tmp_path / "form.xlsx"
    form.write_bytes(b"PK")
    return [["plans"], ["plans", "set", "--plan", "hz", "--title", "规划"], ["import", str(plan)], ["tasks"],
            ["export", "--plan", "hz"], ["departments"], ["departments", "load", str(directory)],
            ["round", "open", "--plan", "hz", "--period", "2016Q2"], ["round", "status"], ["round", "chase"],
            ["round", "close", "--round", "hz/2016Q2"], ["link", "--department", "市民政局"],
            ["link", "revoke", "--department", "市民政局"],
            ["form", "--department", "市民政局", "--round", "hz/2016Q2", "-o", str(tmp_path / "f.xlsx")],
            ["collect", str(form)], ["user", "add", "office", "--password-stdin"], ["remind", "--no-flow"],
            ["remind"], ["done", "--plan", "hz", "--task", "1", "--milestone", "2016年"], ["notifications"],
            ["evaluate", "--plan", "hz", "--kind", "midterm"], ["serve"], ["portal"]]


@pytest.mark.parametrize("kind", ["no file", "empty database"])
def test_every_command_on_an_uninitialised_database_names_duban_init(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """One behaviour for all: exit 2 naming `duban init`; no schema is made behind the user's back."""
    database = tmp_path / "office.db"
    if kind == "empty database":
        sqlite3.connect(database).close()
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    try:
        for args in _commands(tmp_path):
            result = runner.invoke(app, args, input="secret-pw\n")
            assert result.exit_code == 2, (args, result.output)
            assert "run `duban init` first" in said(result.stderr), args
            assert isinstance(result.exception, SystemExit), args  # a message and an exit code, no traceback
            assert database.exists() == (kind == "empty database"), args
            if database.exists():
                assert sqlite3.connect(database).execute("select name from sqlite_master").fetchall() == []
        assert not (tmp_path / "f.xlsx").exists()
    finally:
        dispose_engines()
        get_settings.cache_clear()


def test_folders_given_as_files_are_messages_not_tracebacks(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    result = runner.invoke(app, ["import", str(folder)])
    assert result.exit_code == 3 and "is a folder" in said(result.stderr), result.output
    assert isinstance(result.exception, SystemExit)
    result = runner.invoke(app, ["departments", "load", str(folder)])
    assert result.exit_code == 2 and "is a folder" in said(result.stderr), result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("args", [
    ["export", "--plan", "demo", "-o", "{blocked}/plan.json"],
    ["export", "--plan", "demo", "--format", "xlsx", "-o", "{blocked}/plan.xlsx"],
    ["template", "-o", "{blocked}/plan.xlsx"],
    ["evaluate", "--plan", "demo", "--kind", "midterm", "--as-of", "2017-12-31", "--out", "{blocked}/reports"],
    ["demo", "--out", "{blocked}/demo"],
])
def test_writing_where_no_folder_can_be_is_a_message(db_url: str, session, tmp_path: Path, args: list[str]) -> None:
    """An output under a regular file (no folder can be made there, whoever runs it) is exit 5, not a traceback."""
    from flows.demo_plan import write_example_plan
    from tasks.plans.intake import import_plan

    import_plan(session, write_example_plan(tmp_path / "demo.xlsx"), plan_code="demo")
    session.commit()
    blocked = tmp_path / "notes.txt"
    blocked.write_text("the user's notes\n", encoding="utf-8")
    result = runner.invoke(app, [a.replace("{blocked}", str(blocked)) for a in args])
    assert result.exit_code == 5, result.output
    assert "notes.txt" in said(result.stderr) and "error:" in result.stderr
    assert isinstance(result.exception, SystemExit)
    assert blocked.read_text(encoding="utf-8") == "the user's notes\n"


def test_help_shows_no_type_beside_flags_and_round_lists_close() -> None:
    for args in (["--help"], ["import", "--help"], ["round", "--help"], ["round", "open", "--help"],
                 ["remind", "--help"], ["evaluate", "--help"]):
        result = runner.invoke(app, args, terminal_width=120)
        assert result.exit_code == 0
        assert "<bool>" not in result.output and "BOOLEAN" not in result.output, args
    result = runner.invoke(app, ["round", "--help"], terminal_width=120)
    assert "open, status, chase, close" in result.output and "close" in result.output.split("Commands")[1]
    assert "<str>" in runner.invoke(app, ["import", "--help"], terminal_width=120).output  # options keep types


def test_a_missing_file_is_reported_once(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "附件.docx")])
    assert result.exit_code == 3
    assert said(result.stderr).count("no such file") == 1, result.stderr


README = Path(__file__).resolve().parents[2] / "README.md"
# portal and serve run until Ctrl-C, deploy needs the Prefect server that workers share: each is checked for
# real elsewhere (tests/flows/test_status_commands.py, test_serve.py, test_deploy.py), not run here
SERVERS = {"portal", "serve", "deploy"}


def readme_commands() -> list[list[str]]:
    """Every `duban …` command of the README's bash blocks, in order: comments dropped, `a ; b` split, and each
    optional part ``[--flag value]`` included as written inside its brackets."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            for part in line.split(" ; "):
                if part.startswith("duban "):
                    commands.append(shlex.split(re.sub(r"\[([^\]]*)\]", r"\1", part))[1:])
    return commands


def fill_in(form: Path) -> None:
    """Report every task of a unit's form as under way, as the unit would."""
    from openpyxl import load_workbook

    from tasks.rounds.forms import HEADER_ROW, SHEET

    book = load_workbook(form)
    sheet = book[SHEET]
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        if sheet.cell(row, 1).value:
            sheet.cell(row, 5, "推进中")
            sheet.cell(row, 6, 50)
            sheet.cell(row, 7, "已制定方案，正在推进。")
    book.save(form)


def test_every_readme_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              webhook_receiver) -> None:
    """The README's examples, in order, on a fresh database with the example plan and directory under the
    names the README uses: each exits 0."""
    from flows.demo_plan import write_example_directory, write_example_plan

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DUBAN_DATABASE_URL", f"sqlite:///{tmp_path / 'duban.db'}")
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DUBAN_SECRET_KEY", "readme-secret")
    get_settings.cache_clear()
    write_example_plan(tmp_path / "任务分解表.xlsx")
    write_example_directory(tmp_path / "departments.yaml", lambda name: [webhook_receiver.url(f"u{len(name)}")])
    commands = readme_commands()
    assert commands[0] == ["init"] and len(commands) > 20
    assert {"import", "remind", "round", "form", "collect", "evaluate"} <= {c[0] for c in commands}
    said_by: dict[str, str] = {}
    try:
        for args in commands:
            if args[0] in SERVERS:
                continue
            if args[0] == "collect":
                fill_in(tmp_path / args[1])  # what the unit does with its form before the office collects it
            result = runner.invoke(app, args, input="office-pw-1\noffice-pw-1\n", terminal_width=200)
            assert result.exit_code == 0, f"duban {shlex.join(args)}\n{result.output}"
            said_by[args[0]] = result.output
    finally:
        dispose_engines()
        get_settings.cache_clear()
    assert (tmp_path / "plan.xlsx").exists() and (tmp_path / "template.xlsx").exists()
    assert "recorded" in said_by["collect"] and "created plan hz2016" in said_by["import"]
    assert sorted(p.suffix for p in (tmp_path / "reports").iterdir()) == [".docx", ".html", ".xlsx"]
    assert {c[0] for c in commands if c[0] in SERVERS} == SERVERS
