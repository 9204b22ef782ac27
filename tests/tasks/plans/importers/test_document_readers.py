"""Word and text readers end to end: prose .docx, GB18030 text, narrative plans and bad input."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tasks.errors import ImportFailed
from tasks.plans.importers import read_document


def test_docx_prose_with_responsibility_brackets(data: Path) -> None:
    plan = read_document(data / "prose_markers.docx")
    assert plan.source_format == "docx"
    assert (plan.title, plan.doc_number, str(plan.issued_on)) == (
        "青云县心理健康促进行动方案（2023—2025年）", "青政办发〔2023〕12号", "2023-03-15")
    rows = [(t.code, t.section_path, t.lead, t.support, t.responsible) for t in plan.tasks]
    assert rows == [
        ("1.1", ["完善服务网络"], [], [], ["县卫生健康委", "县人民医院"]),
        ("1.2", ["完善服务网络"], [], [], ["县卫生健康委", "县民政局", "各乡镇（街道）"]),
        ("2.1.1", ["加强重点人群服务", "学生心理健康"], ["县教育局"], ["县卫生健康委", "团县委"], []),
        ("2.1.2", ["加强重点人群服务", "学生心理健康"], [], [], ["县教育局"]),
        ("2.2.1", ["加强重点人群服务", "老年人心理关爱"], ["县民政局"], ["县卫生健康委", "县老龄办"], []),
    ]
    assert plan.tasks[1].milestones[0].text == "每个乡镇卫生院设立心理咨询室，2024年6月底前全覆盖"
    assert plan.tasks[3].text == "每季度组织一次校园心理危机干预演练。"  # marker on its own paragraph
    assert all(re.fullmatch(r"line \d+", t.ref) for t in plan.tasks)
    assert [p.ref for p in plan.problems] == ["line 21"]  # 组织实施 prose without a marker, reported


def test_gb18030_text(data: Path) -> None:
    raw = (data / "gb18030_plan.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    plan = read_document(data / "gb18030_plan.txt")
    assert plan.title == "白石镇社会心理服务体系建设工作方案"
    assert [(t.code, t.lead, t.support) for t in plan.tasks] == [
        ("1.1", ["镇党政办"], ["镇综治中心", "镇卫生院"]), ("1.2", ["镇党政办"], []),
        ("2.1", ["各村（社区）"], ["镇卫生院"]), ("2.2", ["镇卫生院"], [])]
    assert plan.tasks[1].milestones[0].text.startswith("每半年召开一次领导小组会议")


def test_narrative_plan_gives_indicators_metadata_and_no_tasks(seeds: Path) -> None:
    plan = read_document(seeds / "000_a0ed3535ed6b6998.txt")
    assert plan.tasks == [] and plan.problems == []
    assert (plan.midterm_year, plan.final_year, plan.period_start, plan.period_end) == (2017, 2020, 2015, 2020)
    assert plan.doc_number == "郴政办发〔2016〕18号"
    names = {i.name: i for i in plan.indicators}
    managed = names["登记在册严重精神障碍患者管理率"]
    assert (managed.unit, managed.ref, [t.text for t in managed.targets]) == ("%", "line 75", ["达到85%以上"])


def test_no_table_no_markers(data: Path) -> None:
    with pytest.raises(ImportFailed,
                       match=re.escape("no_table.docx: no division-of-labour table or responsibility markers")):
        read_document(data / "no_table.docx")


def test_table_without_unit_column_names_table_and_header_row(data: Path) -> None:
    with pytest.raises(ImportFailed) as failed:
        read_document(data / "no_unit_column.docx")
    assert "table 1 has no unit column" in str(failed.value)
    assert failed.value.problems[0].ref == "table 1 row 1"
    assert failed.value.problems[0].file == "no_unit_column.docx"


def test_broken_xml_inside_a_good_zip(data: Path) -> None:
    with zipfile.ZipFile(data / "broken_xml.docx") as archive:
        assert "word/document.xml" in archive.namelist()
    with pytest.raises(ImportFailed, match=re.escape("broken_xml.docx: corrupted Word document")) as failed:
        read_document(data / "broken_xml.docx")
    assert failed.value.problems[0].kind == "corrupt"


def test_truncated_docx(data: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.docx"
    cut.write_bytes((data / "prose_markers.docx").read_bytes()[:5000])
    with pytest.raises(ImportFailed, match=re.escape("cut.docx")):
        read_document(cut)


def test_refs_of_every_fixture(data: Path, seeds: Path) -> None:
    files = [seeds / "hangzhou-task-table.docx", seeds / "003_7d761cf584dc9c6a.txt",
             seeds / "004_418fe78c24e69791.txt", data / "prose_markers.docx", data / "indicator_annex.docx",
             data / "gb18030_plan.txt"]
    for path in files:
        for task in read_document(path).tasks:
            assert re.fullmatch(r"(table \d+ row \d+|line \d+)", task.ref), (path.name, task.ref)
