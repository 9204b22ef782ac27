"""The Word report: the review as a government writes it, from the office's template; a LibreOffice round
trip to PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import RGBColor
from openpyxl import load_workbook
from sqlmodel import Session, select

from config import get_settings
from models import Milestone, StatusUpdate
from tasks.errors import ConfigError
from tasks.evaluation.assessment import run_evaluation
from tasks.evaluation.reports.docx_template import template_path
from tasks.evaluation.scoring import load_scoring
from tests.evaluation_plan import build_small_plan, complete
from tests.factories import make_department, make_plan, make_task

TITLE = "《示范市精神卫生工作规划（2015—2020年）》实施情况终期效果评估报告"
PARTS = ["一、总体进展", "二、主要成效", "三、指标完成情况", "四、存在问题", "五、下一步工作"]
OFFICE = "示范市精神卫生工作领导小组办公室"
MACHINE_KEY = re.compile(r"\d{4}(?:Q[1-4]|H[12]|W\d\d|B[1-6])")


def _table_rows(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text for cell in row.cells] for row in table.rows]


def _all_text(doc) -> str:  # type: ignore[no-untyped-def]
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _part(texts: list[str], heading: str) -> list[str]:
    """The paragraphs after a heading of 一、…五、 up to the next heading or an empty paragraph (a chart, the
    blank line above the 落款)."""
    out = []
    for text in texts[texts.index(heading) + 1:]:
        if text in PARTS or not text.strip():
            break
        out.append(text)
    return out


@pytest.fixture
def issued(session: Session, tmp_path: Path) -> tuple[dict, Path]:
    """The small plan's final review, after its mid-term was produced, with 落款, 文号 and date."""
    build_small_plan(session)
    run_evaluation(session, "small", "midterm", None, load_scoring(), ["docx"], tmp_path / "mid")
    figures, [path] = run_evaluation(session, "small", "final", None, load_scoring(), ["docx"], tmp_path / "out",
                                     office=OFFICE, doc_number="示精办〔2021〕3号", issued_on=date(2021, 1, 25))
    session.commit()
    return figures, path


def test_sections_in_order_with_letterhead_signature_and_page_numbers(issued: tuple) -> None:
    _, path = issued
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == [OFFICE, "示精办〔2021〕3号"] and TITLE in texts and "（评估时点：2020年12月31日）" in texts
    positions = [texts.index(h) for h in PARTS]
    assert positions == sorted(positions)  # 一 to 五, in order
    signature = texts.index(OFFICE, 1)
    assert signature > positions[-1] and texts[signature + 1] == "2021年1月25日"  # 落款 and date
    assert texts.index("附件1") > signature and texts.index("附件2") > texts.index("附件1")
    footer = doc.sections[0].footer._element.xml
    assert re.search(r'w:instr="\s*PAGE\s*"', footer) or "PAGE" in "".join(footer.split("instrText")[1:2])
    assert doc.sections[-1].footer.is_linked_to_previous  # the annex pages are numbered too


def test_no_machine_in_the_text_but_provenance_in_the_properties(issued: tuple) -> None:
    figures, path = issued
    doc = Document(str(path))
    text = _all_text(doc)
    assert figures.scoring.sha256 not in text and "scoring.yaml" not in text and "SHA" not in text
    assert "/" + "work" not in text and not MACHINE_KEY.search(text) and "未报送问题" not in text
    props = doc.core_properties
    assert figures.scoring.sha256 in props.comments and "数据截至：2020-12-31" in props.comments
    assert props.title == TITLE and props.author == OFFICE and props.keywords.startswith("duban")


def test_overall_progress_gives_the_figures(issued: tuple) -> None:
    _, path = issued
    overall = " ".join(_part([p.text for p in Document(str(path)).paragraphs], "一、总体进展"))
    assert "6项任务中，6项已到评估时点，其中已完成2项、基本完成3项、未完成1项、滞后0项" in overall
    assert "完成率（含基本完成）为83.3%" in overall
    assert "达标4项、基本达标1项、未达标0项，另有2项暂无可比数据" in overall
    assert "任务完成率由60.0%变为83.3%" in overall  # against the mid-term that was stored
    assert "市卫计委排名第一（89.59分），市民政局排名最后（66.74分）" in overall
    assert "实收9份（90.0%）" in overall


def test_narrative_sentences_are_traced_to_their_reports(session: Session, issued: tuple, tmp_path: Path) -> None:
    figures, path = issued
    texts = [p.text for p in Document(str(path)).paragraphs]
    achievements, problems = _part(texts, "二、主要成效"), _part(texts, "四、存在问题")
    assert achievements.index("（一）组织保障") < achievements.index("（二）救治救助")
    progress = session.exec(select(StatusUpdate).where(StatusUpdate.progress == "1推进情况",
                                                       StatusUpdate.review_state == "accepted")
                            .order_by(StatusUpdate.submitted_at.desc())).first()
    said = next(s for s in figures.narrative.achievements if progress.id in s.report_ids)
    assert said.task_codes == ["1"] and said.text in achievements and "1推进情况" in said.text
    difficulty = session.exec(select(StatusUpdate).where(StatusUpdate.problems != "")).one()
    traced = next(s for s in figures.narrative.problems if s.report_ids == [difficulty.id])
    assert traced.task_codes == ["3"] and traced.text in problems and "专项经费未到位" in traced.text
    assert "“完善协调小组”（市民政局牵头）2020年的节点逾期未完成。" in problems
    steps = _part(texts, "五、下一步工作")
    assert "“完善协调小组”尚未完成，由市民政局牵头、市公安局配合继续推进。" in steps
    _, [book] = run_evaluation(session, "small", "final", None, load_scoring(), ["xlsx"], tmp_path / "x")
    sources = [[c.value for c in row] for row in load_workbook(book)["叙述来源"].iter_rows(min_row=2)]
    assert ["存在问题", "救治救助", traced.text, "3", str(difficulty.id), "存在问题"] in sources


def test_body_and_annex_tables(issued: tuple) -> None:
    _, path = issued
    doc = Document(str(path))
    assert len(doc.tables) == 4  # indicators in the body; tasks, departments and the change in the annex
    indicators, tasks, departments, change = (_table_rows(t) for t in doc.tables)
    assert indicators[0] == ["序号", "指标", "基线值", "目标值", "现值", "达成情况"]
    assert indicators[1][1:] == ["严重精神障碍患者规范管理率（%）", "—", "≥80%", "78", "97.5%（基本达标）"]
    assert indicators[6][-1] == "无数据"  # a text target: no data, never 0% 未达标
    assert [(r[0], r[1], r[-1]) for r in departments[1:]] == [
        ("1", "市卫计委", "89.59"), ("2", "市财政局", "86"), ("3", "市公安局", "75.75"), ("4", "市民政局", "66.74")]
    assert len(tasks) == 7 and tasks[1][8] == "已完成"
    assert tasks[4][10].startswith("每年（每年不少于2次）：2016年：1/2次")
    assert change[1][0] == "市卫计委"
    widths = [int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
              for c in doc.tables[1]._tbl.tblGrid]
    assert widths[2] > 2 * widths[0]  # the task text gets room; the code column stays narrow


def test_charts_are_embedded(issued: tuple) -> None:
    _, path = issued
    doc = Document(str(path))
    assert len(doc.inline_shapes) == 3
    captions = [p.text for p in doc.paragraphs if p.text.startswith("图")]
    assert captions == ["图1 各领域任务完成情况", "图3 主要指标达成度", "图2 部门综合得分"]


def test_period_names_are_chinese(session: Session, tmp_path: Path) -> None:
    plan = make_plan(session, code="quarterly")
    unit = make_department(session, "县卫健局")
    task = make_task(session, plan, "1", "每季度召开1次联席会议。", lead=[unit], milestones=[{
        "label": "每季度", "recurrence": "quarterly", "recurrence_count": 1, "recurrence_start": date(2016, 1, 1),
        "recurrence_end": date(2020, 12, 31)}])
    duty = session.exec(select(Milestone).where(Milestone.task_id == task.id)).one()
    for key, day in (("2016Q1", date(2016, 3, 1)), ("2016Q3", date(2016, 9, 1))):
        complete(session, duty, day, key)
    session.commit()
    _, [path] = run_evaluation(session, "quarterly", "midterm", date(2016, 12, 31), load_scoring(), ["docx"], tmp_path)
    text = _all_text(Document(str(path)))
    assert "2016年第二季度、2016年第四季度的节点逾期未完成" in text and "2016年第一季度：1/1次" in text
    assert not MACHINE_KEY.search(text)


def test_a_restyled_template_is_followed(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The office opens the template, renames a heading and adds a 红头 line; the next report follows it."""
    template = Document(str(template_path()))
    heading = next(p for p in template.paragraphs if p.text == "二、主要成效")
    heading.runs[0].text, *_ = ("二、工作成效",)
    for run in heading.runs[1:]:
        run.text = ""
    red = template.paragraphs[0].insert_paragraph_before()
    run = red.add_run("示范市人民政府督查室文件")
    run.font.color.rgb = RGBColor(0xFF, 0, 0)
    restyled = tmp_path / "our-template.docx"
    template.save(str(restyled))
    monkeypatch.setenv("DUBAN_REPORT_TEMPLATE", str(restyled))
    get_settings.cache_clear()
    build_small_plan(session)
    _, [path] = run_evaluation(session, "small", "final", None, load_scoring(), ["docx"], tmp_path / "out")
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "示范市人民政府督查室文件" and doc.paragraphs[0].runs[0].font.color.rgb == RGBColor(0xFF, 0, 0)
    assert "二、工作成效" in texts and "二、主要成效" not in texts and "（一）组织保障" in texts
    monkeypatch.setenv("DUBAN_REPORT_TEMPLATE", str(tmp_path / "missing.docx"))
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match=r"missing\.docx: the report template does not exist"):
        run_evaluation(session, "small", "final", None, load_scoring(), ["docx"], tmp_path / "again")


def test_plan_without_updates_says_so(session: Session, tmp_path: Path) -> None:
    plan = make_plan(session, code="quiet")
    make_task(session, plan, "1", lead=[make_department(session, "县民政局")])
    _, paths = run_evaluation(session, "quiet", "midterm", None, load_scoring(), ["docx"], tmp_path)
    texts = [p.text for p in Document(str(paths[0])).paragraphs]
    body = "\n".join(texts)
    assert "评估期内未收到任何进展报送" in body
    assert "《示范市精神卫生工作规划（2015—2020年）》实施情况中期考核报告" in body
    assert "截至评估时点，尚无已完成的进度节点和经审核通过的进展报送。" in _part(texts, "二、主要成效")


def test_overdue_tasks_show_lead_units_and_reported_problems(session: Session, tmp_path: Path) -> None:
    build_small_plan(session)
    figures, _ = run_evaluation(session, "small", "midterm", None, load_scoring(), ["xlsx"], tmp_path)
    risks = {t.code: t for t in figures.tasks if t.overdue}
    assert risks["3"].leads == ["市公安局"] and risks["3"].state == "滞后"
    assert risks["3"].overdue == ["2016年", "2017年"]


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
    flat = re.sub(r"\s+", "", text)
    assert "终期效果评估报告" in flat and "分部门评价表" in flat and "市卫计委" in flat and "四、存在问题" in flat
    assert re.search(r"—\s*2\s*—", text)  # page numbers
    images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert sum(1 for line in images.splitlines()[2:] if line.split()[2] == "image") == 3
