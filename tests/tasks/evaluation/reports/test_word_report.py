"""The Word report: title, summary, tables, charts; and a LibreOffice round trip to PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import Session

from tasks.evaluation.assessment import run_evaluation
from tasks.evaluation.scoring import load_scoring
from tests.factories import make_department, make_plan, make_task

TITLE = "《示范市精神卫生工作规划（2015—2020年）》实施情况终期效果评估报告"


def _table_rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_title_summary_and_method(final_reports: tuple) -> None:
    _, paths = final_reports
    doc = Document(str(paths["docx"]))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == TITLE
    assert "（评估时点：2020年12月31日）" in texts
    body = "\n".join(texts)
    assert "6项任务中，6项已到评估时点，其中已完成2项、基本完成3项、未完成1项、滞后0项" in body
    assert "完成率（含基本完成）为83.3%" in body
    assert "达标4项、基本达标1项、未达标0项，另有2项暂无可比数据" in body
    assert "任务完成率由60.0%变为83.3%" in body
    assert "市卫计委排名第一，市民政局得分最低（66.74分）" in body
    assert "实收9份（90.0%）" in body and "7项指标中有5项有可比数据" in body
    assert "scoring.yaml" in body and "SHA-256" in body


def test_tables_by_section_department_indicator_risk_change_and_appendix(final_reports: tuple) -> None:
    _, paths = final_reports
    tables = Document(str(paths["docx"])).tables
    assert len(tables) == 6  # sections, departments, indicators, risks, change, appendix
    sections, departments, indicators, risks, change, appendix = (_table_rows(t) for t in tables)
    assert sections[0][:3] == ["序号", "领域", "任务数"] and [r[1] for r in sections[1:]] == [
        "组织保障", "救治救助", "服务体系"]
    assert [(r[0], r[1], r[-1]) for r in departments[1:]] == [
        ("1", "市卫计委", "89.59"), ("2", "市财政局", "86"), ("3", "市公安局", "75.75"), ("4", "市民政局", "66.74")]
    assert [r[-2] for r in indicators[1:]] == ["基本达标", "达标", "达标", "达标", "达标", "无数据", "无数据"]
    assert {r[0] for r in risks[1:]} == {"2", "4"}  # tasks with overdue undone milestones at the final
    assert next(r[0] for r in change[1:]) == "市卫计委"
    assert len(appendix) == 7 and appendix[1][8] == "已完成"


def test_three_charts_are_embedded(final_reports: tuple) -> None:
    _, paths = final_reports
    doc = Document(str(paths["docx"]))
    assert len(doc.inline_shapes) == 3
    captions = [p.text for p in doc.paragraphs if p.text.startswith("图")]
    assert captions == ["图1 各领域任务完成情况", "图2 部门综合得分", "图3 主要指标达成度"]


def test_overdue_tasks_show_lead_units_and_reported_problems(session: Session, tmp_path: Path) -> None:
    from tests.evaluation_plan import build_small_plan

    build_small_plan(session)
    _, paths = run_evaluation(session, "small", "midterm", None, load_scoring(), ["docx"], tmp_path)
    risks = _table_rows(Document(str(paths[0])).tables[3])
    row = next(r for r in risks if r[0] == "3")
    assert row[2] == "市公安局" and row[4] == "滞后"
    assert "专项经费未到位" in row[5] and row[3].startswith("逾期未完成：2016年")


def test_plan_without_updates_says_so(session: Session, tmp_path: Path) -> None:
    plan = make_plan(session, code="quiet")
    make_task(session, plan, "1", lead=[make_department(session, "县民政局")])
    _, paths = run_evaluation(session, "quiet", "midterm", None, load_scoring(), ["docx"], tmp_path)
    body = "\n".join(p.text for p in Document(str(paths[0])).paragraphs)
    assert "评估期内未收到任何进展报送" in body
    assert "《示范市精神卫生工作规划（2015—2020年）》实施情况中期考核报告" in body


def _libreoffice() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if not found:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    for tool in ("pdfinfo", "pdftotext", "pdfimages"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")
    return found


def test_word_file_converts_to_pdf_with_chinese_text_and_charts(final_reports: tuple, tmp_path: Path) -> None:
    office = _libreoffice()
    _, paths = final_reports
    profile = tmp_path / "lo-profile"
    subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(paths["docx"])], check=True, capture_output=True, timeout=600)
    pdf = tmp_path / (paths["docx"].stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 4 <= pages <= 20
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "终期效果评估报告" in text and "部门考核得分与排名" in text and "市卫计委" in text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert sum(1 for line in images.splitlines()[2:] if line.split()[2] == "image") == 3
