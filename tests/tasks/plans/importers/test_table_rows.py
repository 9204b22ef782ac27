"""The Hangzhou division-of-labour table, from the real .docx and from its text dump."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import docx
import pytest

from tasks.plans.importers.document_plan import build_plan
from tasks.plans.importers.docx_reader import parse_docx, read_docx
from tasks.plans.importers.table_grid import Cell, RawRow, RawTable, find_header
from tasks.plans.importers.table_rows import fit_spans
from tasks.plans.importers.text_reader import parse_text, read_text_plan
from tasks.plans.parsed import ParsedTask
from tasks.plans.textfile import read_text

FIELDS = ("code", "section_path", "text", "lead", "support", "responsible", "milestones", "remark")
SECTIONS = ["依法管理", "组织保障", "制度保障", "经费保障", "专业机构建设", "康复机构建设", "专业队伍建设",
            "规范化管理", "心理健康促进体系建设", "服务效果"]


@pytest.fixture
def from_docx(seeds: Path) -> list[ParsedTask]:
    return read_docx(seeds / "hangzhou-task-table.docx").tasks


@pytest.fixture
def from_text(seeds: Path) -> list[ParsedTask]:
    return read_text_plan(seeds / "003_7d761cf584dc9c6a.txt").tasks


def by_text(tasks: list[ParsedTask], start: str) -> ParsedTask:
    found = [t for t in tasks if t.text.startswith(start)]
    assert len(found) == 1, f"{start}: {len(found)} tasks"
    return found[0]


def years(task: ParsedTask) -> dict[str, str]:
    return {m.label: m.text for m in task.milestones}


def test_docx_and_text_dump_give_the_same_plan(from_docx: list[ParsedTask], from_text: list[ParsedTask]) -> None:
    assert len(from_docx) == len(from_text) == 62
    for row, (a, b) in enumerate(zip(from_docx, from_text, strict=False), 1):
        for name in FIELDS:
            assert getattr(a, name) == getattr(b, name), f"row {row} ({a.ref} / {b.ref}): {name} differs"


def test_ten_sections_in_document_order_with_their_row_counts(from_docx: list[ParsedTask]) -> None:
    order = list(dict.fromkeys(t.section_path[0] for t in from_docx))
    assert order == SECTIONS
    counts = Counter(t.section_path[0] for t in from_docx)
    assert [counts[s] for s in SECTIONS] == [1, 7, 8, 8, 8, 4, 11, 4, 6, 5]
    assert [t.code for t in from_docx[:3]] == ["1.1", "2.1", "2.2"]
    assert from_docx[-1].code == "10.5"


def test_repeated_header_rows_are_not_tasks(from_text: list[ParsedTask], seeds: Path) -> None:
    dump = read_text(seeds / "003_7d761cf584dc9c6a.txt")
    assert dump.count("\t二级指标") == 3  # the header repeats at two page breaks
    assert not [t for t in from_text if "指标" in t.text[:4] or t.text in ("2016年", "二级指标")]


def test_each_year_gets_its_own_cell_or_the_spanning_cell(from_docx: list[ParsedTask],
                                                         from_text: list[ParsedTask]) -> None:
    for tasks in (from_docx, from_text):
        first = by_text(tasks, "加快修订《杭州市精神卫生条例》")
        assert years(first) == {"2016年": "向市人大常委会申报立法建议项目，建议列入2016年市人大常委会立法计划。",
                                "2017年": "修订完成并认真贯彻执行。", "2020年": "贯彻执行情况调研。"}
        two = by_text(tasks, "完善市、区县（市）精神卫生工作协调小组")  # 2016 | 2017–2020
        assert years(two) == {"2016年": "政府下文明确。", "2017年": "期间适时调整、完善。",
                              "2020年": "期间适时调整、完善。"}
        meeting = by_text(tasks, "召开全市精神卫生综合管理工作会议")
        assert years(meeting)["2017年"] == years(meeting)["2020年"] == "每年不少于1次。"
        three = by_text(tasks, "出台精神卫生综合管理试点方案")
        assert [m.label for m in three.milestones] == ["2016年", "2017年", "2020年"]
        assert {m.text for m in three.milestones} == {"2016年2月底前出台方案，之后每年至少督导1次。"}
        last = by_text(tasks, "提高病情不稳定患者")
        assert years(last) == {"2017年": "≥95%。", "2020年": "≥95%。"}  # 2016 cell is empty


def test_units_remarks_and_wrapped_cells(from_docx: list[ParsedTask], from_text: list[ParsedTask]) -> None:
    for tasks in (from_docx, from_text):
        first = tasks[0]
        assert (first.lead, first.support, first.remark) == (["市卫生计生委", "市法制办"], ["各相关部门"], None)
        funds = by_text(tasks, "提高工作经费标准")
        assert funds.section_path == ["经费保障"]
        assert (funds.lead, funds.support) == (["市财政局"], ["市卫生计生委", "市民政局"])
        assert funds.remark == "各区、县（市）参照执行"
        ward = by_text(tasks, "加快推进市七医院病房大楼建设")
        assert (ward.lead, ward.support) == (["市建委", "市卫生计生委"], [])
        social = by_text(tasks, "社区（村）配置经精神卫生知识培训的社会工作者")  # 市民政局、⏎⏎市卫生计生委 in the dump
        assert social.lead == ["市民政局", "市卫生计生委"]
        assert social.support == ["各区、县（市）政府", "各专科医院"]
        special = by_text(tasks, "重点加强特殊患者管理")
        assert special.support == ["各级公安部门", "各级民政部门", "各级卫生计生部门"]
        awareness = by_text(tasks, "加大宣传教育")
        assert years(awareness)["2017年"].startswith("知晓率调查：城市普通人群心理健康知识知晓率达到80%")
        assert by_text(tasks, "提高在册患者管理率").lead == []  # empty in the original too


def test_rows_without_lead_are_reported(seeds: Path) -> None:
    for plan in (read_docx(seeds / "hangzhou-task-table.docx"), read_text_plan(seeds / "003_7d761cf584dc9c6a.txt")):
        assert [(p.kind, p.severity) for p in plan.problems] == [("no-lead", "warning")] * 3
        assert [p.message for p in plan.problems] == [f"row 10.{n} has no lead unit (牵头单位/责任单位 empty)"
                                                      for n in (3, 4, 5)]


def test_refs_locate_rows(from_docx: list[ParsedTask], from_text: list[ParsedTask]) -> None:
    assert from_docx[0].ref == "table 1 row 3"
    assert from_docx[-1].ref == "table 1 row 64"
    assert from_text[0].ref == "line 20"
    assert all(re.fullmatch(r"table \d+ row \d+", t.ref) for t in from_docx)
    assert all(re.fullmatch(r"line \d+", t.ref) for t in from_text)


def test_docx_grid_keeps_spans_and_vertical_merges(seeds: Path) -> None:
    table = parse_docx(seeds / "hangzhou-task-table.docx").tables[0]
    assert len(table.rows) == 64
    header = find_header(table)
    assert header is not None and header.rows == 2
    assert [c.kind for c in header.columns] == ["section", "task", "progress", "progress", "progress", "lead",
                                                "support", "remark"]
    row = table.rows[4].cells  # 完善市、区县（市）… : 2016 | 2017–2020
    assert row[0].merged_above and [c.span for c in row] == [1, 1, 1, 2, 1, 1, 1]


def test_text_dump_header_and_cells(seeds: Path) -> None:
    doc = parse_text(read_text(seeds / "003_7d761cf584dc9c6a.txt"), "003.txt")
    assert [p.text for p in doc.paras] == ["附件", "精神卫生综合管理工作任务分解表"]
    assert len(doc.tables) == 1
    header = find_header(doc.tables[0])
    assert header is not None
    assert [c.label for c in header.columns] == ["一级指标", "二级指标", "2016年", "2017年", "2020年", "牵头单位",
                                                 "配合单位", "备注"]


def _dump_table(*rows: list[str]) -> RawTable:
    header = [["一级指标", "二级指标", "实施进度", "牵头单位", "配合单位", "备注"],
              ["", "", "2016年", "2017年", "2020年", "", "", ""]]
    raw = [RawRow(f"line {n}", [Cell(t) for t in cells]) for n, cells in enumerate(header + list(rows), 1)]
    return RawTable(1, raw, spans_known=False)


def test_fit_spans_rule() -> None:
    table = _dump_table(["", "任务甲", "完成。", "不断完善。", "市民政局", "", ""],
                        ["", "任务乙", "持续保障。", "市民政局", "", ""],
                        ["", "任务丙", "2017年底前完成建设。", "2020年验收。", "市民政局", "", ""],
                        ["", "任务丁", "市民政局", ""])
    header = find_header(table)
    assert header is not None
    assert fit_spans(table.rows[2], header) == [1, 1, 1, 2, 1, 1, 1]  # 2016 | 2017–2020
    assert fit_spans(table.rows[3], header) == [1, 1, 3, 1, 1, 1]  # one cell for all three years
    assert fit_spans(table.rows[4], header) == [1, 1, 2, 1, 1, 1, 1]  # names 2017 → 2016–2017 | 2020
    assert fit_spans(table.rows[5], header) is None  # cannot be placed: reported, not guessed


def test_one_row_header_with_year_columns_in_a_text_dump() -> None:
    dump = "\n".join(["重点任务清单", "", "\t序号", "\t工作任务", "\t2024年", "\t2025年", "\t责任单位", "",
                      "\t1", "\t建立协调机制。", "\t出台方案。", "\t持续运行。", "\t县卫健委、县民政局", "",
                      "\t2", "\t开展专项督导。", "\t每半年督导一次。", "\t县政府督查室", ""])
    plan = build_plan(parse_text(dump, "list.txt"))
    assert [(t.code, t.responsible) for t in plan.tasks] == [("1", ["县卫健委", "县民政局"]), ("2", ["县政府督查室"])]
    assert [(m.label, m.text) for m in plan.tasks[0].milestones] == [("2024年", "出台方案。"), ("2025年", "持续运行。")]
    assert [(m.label, m.text) for m in plan.tasks[1].milestones] == [("2024年", "每半年督导一次。"),
                                                                     ("2025年", "每半年督导一次。")]
    assert plan.tasks[1].ref == "line 15"


def test_docx_section_heading_rows_and_roles_inside_a_responsible_cell(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=5, cols=4)
    rows = [["序号", "工作任务", "责任单位", "完成时限"], ["一、加强组织领导", "", "", ""],
            ["1", "成立工作专班。", "县卫健委牵头，县民政局、县财政局配合", "2024年3月底前"],
            ["二、强化服务保障", "", "", ""], ["2", "落实经费保障。", "县财政局", "每年"]]
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(1, 3))
    table.cell(3, 0).merge(table.cell(3, 3))
    document.save(tmp_path / "plan.docx")
    tasks = read_docx(tmp_path / "plan.docx").tasks
    assert [(t.code, t.section_path, t.lead, t.support, t.responsible) for t in tasks] == [
        ("1", ["加强组织领导"], ["县卫健委"], ["县民政局", "县财政局"], []),
        ("2", ["强化服务保障"], [], [], ["县财政局"])]
    assert tasks[0].ref == "table 1 row 3"


def test_text_with_one_row_per_line_and_tab_separated_cells() -> None:
    lines = ["重点任务分解表", "序号\t重点任务\t牵头单位\t配合单位\t完成时限",
             "1\t建立联席会议制度。\t县卫健委\t县民政局、县公安局\t每季度召开一次",
             "2\t开展心理健康进校园活动。\t县教育局\t\t2024年底前", "", "县政府办公室"]
    plan = build_plan(parse_text("\n".join(lines), "rows.txt"))
    assert [(t.code, t.lead, t.support, [m.text for m in t.milestones], t.ref) for t in plan.tasks] == [
        ("1", ["县卫健委"], ["县民政局", "县公安局"], ["每季度召开一次"], "line 3"),
        ("2", ["县教育局"], [], ["2024年底前"], "line 4")]


def test_lead_and_support_under_a_responsible_group_header() -> None:
    dump = "\n".join(["\t序号", "\t工作任务", "\t责任单位", "\t完成时限", "", "\t", "\t", "\t牵头单位", "\t配合单位",
                      "\t", "", "\t1", "\t建立转诊机制。", "\t县卫健委", "\t县医保局", "\t2024年底前", ""])
    plan = build_plan(parse_text(dump, "grouped.txt"))
    assert [(t.lead, t.support, t.responsible) for t in plan.tasks] == [(["县卫健委"], ["县医保局"], [])]
