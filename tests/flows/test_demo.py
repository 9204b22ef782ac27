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
    assert "【督办提醒】" in out
    reports = tmp_path / "out" / "reports"
    docx = reports / "example-midterm-2017-12-31.docx"
    assert docx.exists() and (reports / "example-midterm-2017-12-31.xlsx").exists()
    assert (reports / "example-midterm-2017-12-31.html").exists()
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "实施情况中期考核报告" in text
    assert len(load_workbook(reports / "example-midterm-2017-12-31.xlsx").sheetnames) >= 3
    assert (tmp_path / "out" / "duban-demo.db").exists()
