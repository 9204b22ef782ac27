"""The evaluate_plan flow under Prefect: reports written, run stored, artifacts left; and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from models import Evaluation
from tests.evaluation_plan import build_small_plan

pytestmark = pytest.mark.flow


def test_evaluate_plan_flow_writes_reports_and_artifacts(prefect_harness: None, session: Session,
                                                         tmp_path: Path) -> None:
    from prefect import get_client

    from flows.evaluation import evaluate_plan

    build_small_plan(session)
    result = evaluate_plan("small", "final", out_dir=str(tmp_path / "out"))
    assert result.as_of == "2020-12-31"
    assert sorted(Path(p).name for p in result.outputs) == [
        "small-final-2020-12-31.docx", "small-final-2020-12-31.html", "small-final-2020-12-31.xlsx"]
    assert all(Path(p).stat().st_size > 1000 for p in result.outputs)
    session.expire_all()
    stored = session.exec(select(Evaluation)).all()
    assert [(e.kind, str(e.as_of)) for e in stored] == [("final", "2020-12-31")]
    assert stored[0].figures["summary"]["completion_rate"] == 0.8333

    async def artifacts() -> dict:
        async with get_client() as client:
            return {a.key: a for a in await client.read_artifacts() if a.key}

    import asyncio

    found = asyncio.run(artifacts())
    summary = found["evaluation-small-final"]
    assert summary.type == "markdown" and "终期效果评估报告" in summary.data and "市卫计委" in summary.data
    table = found["departments-small-final"]
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert table.type == "table" and [(r["排名"], r["部门"]) for r in rows][:2] == [(1, "市卫计委"), (2, "市财政局")]


def test_yearly_flow_writes_due_reviews_once(prefect_harness: None, session: Session) -> None:
    from flows.evaluation import evaluate_due_plans

    build_small_plan(session)
    assert evaluate_due_plans(2016) == []  # no review point at the end of 2016
    first = evaluate_due_plans(2017)
    assert [r.as_of for r in first] == ["2017-12-31"]
    assert all(Path(p).exists() for p in first[0].outputs)
    assert evaluate_due_plans(2017) == []  # already written: a re-run repeats nothing
    session.expire_all()
    assert [(e.kind, str(e.as_of)) for e in session.exec(select(Evaluation))] == [("midterm", "2017-12-31")]


def test_cli_evaluate_writes_to_the_default_folder(session: Session, db_url: str) -> None:
    from config import get_settings
    from flows.cli import app

    build_small_plan(session)
    result = CliRunner().invoke(app, ["evaluate", "--plan", "small", "--kind", "midterm", "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    folder = Path(get_settings().data_dir) / "reports" / "small" / "midterm-2017-12-31"
    assert (folder / "small-midterm-2017-12-31.xlsx").exists()
    assert "完成率（含基本完成）为60.0%" in result.output.replace("\n", "")


def test_cli_rejects_bad_input(session: Session, db_url: str) -> None:
    from flows.cli import app

    build_small_plan(session)
    runner = CliRunner()
    outside = runner.invoke(app, ["evaluate", "--plan", "small", "--kind", "final", "--as-of", "2030-01-01"])
    assert outside.exit_code == 5 and "outside the plan period" in outside.output  # a final: up to a year after
    assert runner.invoke(app, ["evaluate", "--plan", "small", "--kind", "yearly"]).exit_code == 5
    assert runner.invoke(app, ["evaluate", "--plan", "small", "--kind", "final", "--format", "pdf"]).exit_code == 5
    assert runner.invoke(app, ["evaluate", "--plan", "ghost", "--kind", "final"]).exit_code == 4


def test_cli_final_after_the_period_with_letterhead(session: Session, db_url: str, tmp_path: Path) -> None:
    from docx import Document

    from flows.cli import app

    build_small_plan(session)
    result = CliRunner().invoke(app, ["evaluate", "--plan", "small", "--kind", "final", "--as-of", "2021-01-20",
                                      "--format", "docx", "--out", str(tmp_path), "--office", "示范市卫生健康委员会",
                                      "--doc-number", "示卫发〔2021〕5号"])
    assert result.exit_code == 0, result.output
    texts = [p.text for p in Document(str(tmp_path / "small-final-2021-01-20.docx")).paragraphs]
    assert texts[:2] == ["示范市卫生健康委员会", "示卫发〔2021〕5号"] and texts.count("示范市卫生健康委员会") == 2
    assert "本规划未出具中期考核报告，本报告不作与中期的比较。" in "".join(texts)
