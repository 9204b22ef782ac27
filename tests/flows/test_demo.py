"""``duban demo`` runs the whole loop from a clean folder, as a newcomer would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook


@pytest.mark.flow
def test_demo_runs_the_whole_loop(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "PREFECT_API"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    env["COLUMNS"] = "200"
    env["DUBAN_PREFECT_STARTUP_SECONDS"] = "300"  # generous: Prefect's temporary server on a loaded machine
    cli = Path(sys.executable).with_name("duban")
    done = subprocess.run([str(cli), "demo", "--out", "out"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for step in ("1. import", "2. deadline reminders", "3. status round 2016Q2", "4. mid-term evaluation"):
        assert step in out
    assert "same sweep again: 0 sent" in out
    assert "DirectorySummary(" not in out and "units created" in out
    assert "【督办提醒】" in out
    reports = tmp_path / "out" / "reports"
    docx = reports / "example-midterm-2017-12-31.docx"
    assert docx.exists() and (reports / "example-midterm-2017-12-31.xlsx").exists()
    assert (reports / "example-midterm-2017-12-31.html").exists()
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "实施情况中期考核报告" in text
    assert len(load_workbook(reports / "example-midterm-2017-12-31.xlsx").sheetnames) >= 3
    assert (tmp_path / "out" / "duban-demo.db").exists()


def test_demo_refuses_a_folder_it_did_not_write_and_touches_nothing(tmp_path: Path) -> None:
    """`duban demo --out DIR` on the user's own folder: exit 5, every file of theirs as it was."""
    from typer.testing import CliRunner

    from flows.cli import app

    mine = tmp_path / "mine"
    (mine / "reports").mkdir(parents=True)
    (mine / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (mine / "reports" / "q1.docx").write_bytes(b"my report")
    result = CliRunner().invoke(app, ["demo", "--out", str(mine)])
    assert result.exit_code == 5, result.output
    assert "not empty" in " ".join(result.stderr.split()) and "not written by `duban demo`" in " ".join(
        result.stderr.split())
    assert sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*")) == ["notes.txt", "reports",
                                                                              "reports/q1.docx"]
    assert (mine / "reports" / "q1.docx").read_bytes() == b"my report"


def test_a_folder_an_earlier_demo_wrote_loses_only_the_demos_files(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from config import get_settings
    from flows.demo import MARKER, _setup
    from models.db import dispose_engines

    out = tmp_path / "demo-output"
    out.mkdir()
    (out / MARKER).write_text("written by `duban demo`\n", encoding="utf-8")
    (out / "reports").mkdir()
    (out / "reports" / "example-midterm-2017-12-31.docx").write_bytes(b"old report")
    (out / "duban-demo.db").write_bytes(b"old database")
    (out / "my-notes.txt").write_text("added by the user\n", encoding="utf-8")
    for name in ("DUBAN_DATABASE_URL", "DUBAN_DATA_DIR", "DUBAN_SECRET_KEY"):  # _setup sets them: restored after
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    try:
        _setup(out)
    finally:
        dispose_engines()
        get_settings.cache_clear()
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "added by the user\n"
    assert not (out / "reports").exists()
    assert (out / "duban-demo.db").read_bytes()[:16] == b"SQLite format 3\x00"
    assert (out / MARKER).is_file()
