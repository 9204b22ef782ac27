"""Report files appear whole or not at all: a failing format leaves no report and no stored evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

import tasks.evaluation.reports.workbook_report as workbook_report
from models import Evaluation
from tasks.evaluation.assessment import run_evaluation
from tasks.evaluation.reports import RENDERERS
from tasks.evaluation.scoring import load_scoring
from tests.evaluation_plan import build_small_plan


def test_failing_format_leaves_no_files_and_no_evaluation(session: Session, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    build_small_plan(session)
    written: list[str] = []
    real_docx = RENDERERS["docx"]

    def docx_then_note(content, out_dir):  # the real Word renderer; remember that it finished
        path = real_docx(content, out_dir)
        written.append(path.name)
        return path

    def half_save(self: Workbook, filename: str) -> None:  # the disk fills up halfway through the workbook
        Path(filename).write_bytes(b"PK\x03\x04 truncated")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(RENDERERS, "docx", docx_then_note)
    monkeypatch.setattr(workbook_report.Workbook, "save", half_save)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left"):
        run_evaluation(session, "small", "final", None, load_scoring(), ["docx", "xlsx", "html"], out)
    assert written == ["small-final-2020-12-31.docx"]  # the Word file had been written before the failure
    assert list(out.iterdir()) == []  # neither it, nor a truncated workbook, nor a temporary file remains
    assert session.exec(select(Evaluation)).all() == []


def test_rerun_replaces_reports_whole(session: Session, tmp_path: Path) -> None:
    build_small_plan(session)
    out = tmp_path / "out"
    _, first = run_evaluation(session, "small", "final", None, load_scoring(), ["html"], out)
    first[0].write_text("stale", encoding="utf-8")
    _, second = run_evaluation(session, "small", "final", None, load_scoring(), ["html"], out)
    assert second == first and [p.name for p in out.iterdir()] == ["small-final-2020-12-31.html"]
    assert "<html" in second[0].read_text(encoding="utf-8")


def test_reports_are_private_to_the_account(session: Session, tmp_path: Path, usual_umask: None) -> None:
    import stat

    build_small_plan(session)
    out = tmp_path / "reports" / "final"
    paths = run_evaluation(session, "small", "final", None, load_scoring(), None, out)[1]
    assert {p.suffix for p in paths} == {".docx", ".xlsx", ".html"}
    assert {stat.S_IMODE(p.stat().st_mode) for p in paths} == {0o600}
    assert stat.S_IMODE(out.stat().st_mode) == stat.S_IMODE(out.parent.stat().st_mode) == 0o700
