"""The Hangzhou task table with a generated history: 2017 mid-term and 2020 final reports in every format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session, select

from flows.demo_history import generate_history
from models import Evaluation
from tasks.evaluation.assessment import run_evaluation
from tasks.evaluation.scoring import load_scoring
from tasks.plans.info import update_plan_info
from tasks.plans.intake import import_plan


def test_hangzhou_midterm_and_final_reports(session: Session, seeds: Path, tmp_path: Path) -> None:
    import_plan(session, seeds / "hangzhou-task-table.docx", plan_code="hangzhou")
    # the task table itself names no plan period: the office sets the review points
    update_plan_info(session, "hangzhou", period_start=2016, period_end=2020, midterm_year=2017, final_year=2020)
    counts = generate_history(session, "hangzhou", seed=2016, until=date(2020, 12, 31))
    session.commit()
    assert counts["rounds"] == 9 and counts["updates"] > 500
    scoring = load_scoring()
    results = {}
    for kind in ("midterm", "final"):
        figures, paths = run_evaluation(session, "hangzhou", kind, None, scoring, None, tmp_path / kind)
        results[kind] = (figures, {p.suffix: p for p in paths})
    session.commit()
    mid, final = results["midterm"][0], results["final"][0]
    assert (mid.as_of, final.as_of) == ("2017-12-31", "2020-12-31")
    assert mid.summary.tasks_total == final.summary.tasks_total > 50
    for figures in (mid, final):
        s = figures.summary
        assert sum(s.verdicts.values()) == s.tasks_total
        assert s.on_time + s.late + s.not_done == s.milestones_due
        assert 0 < figures.completeness.share_received <= 1
        assert [d.rank for d in figures.departments if d.rank] == sorted(
            d.rank for d in figures.departments if d.rank)
    assert final.summary.milestones_due > mid.summary.milestones_due
    assert final.change.midterm_as_of == "2017-12-31"

    figures, files = results["final"]
    doc = Document(str(files[".docx"]))
    title = next(p.text for p in doc.paragraphs if p.text.strip())  # the 红头 line stays empty without an office
    assert title.endswith("》实施情况终期效果评估报告")
    body = "\n".join(p.text for p in doc.paragraphs)
    assert f"确定的{figures.summary.tasks_total}项任务中" in body and "本规划未设定量化指标。" in body
    appendix = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:3] == ["编号", "领域", "任务"])
    assert len(appendix.rows) == figures.summary.tasks_total + 1
    assert len(doc.inline_shapes) == 3
    book = load_workbook(files[".xlsx"])
    assert book["部门排名"].max_row == len(figures.departments) + 1
    assert files[".html"].read_text(encoding="utf-8").count("data:image/png;base64,") == 3
    assert Path(results["midterm"][1][".docx"]).name == "hangzhou-midterm-2017-12-31.docx"
    assert len(session.exec(select(Evaluation)).all()) == 2
