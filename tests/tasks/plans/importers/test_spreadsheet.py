"""Reading .xlsx and .csv division-of-labour tables (no database involved)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from flows.demo_plan import write_example_plan
from tasks.errors import ImportFailed
from tasks.plans.importers import read_document
from tasks.plans.parsed import ParsedPlan

DATA = Path(__file__).resolve().parents[3] / "data"


def milestones(plan: ParsedPlan, code: str) -> dict[str, str]:
    task = next(t for t in plan.tasks if t.code == code)
    return {m.label: m.text for m in task.milestones}


def failure(path: Path) -> ImportFailed:
    with pytest.raises(ImportFailed) as exc:
        read_document(path)
    return exc.value


def save(rows: list[list[object]], path: Path, merges: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    for ref in merges:
        wb.active.merge_cells(ref)
    wb.save(path)
    return path


def test_merged_cells_two_row_header_and_year_columns() -> None:
    plan = read_document(DATA / "merged_cells.xlsx")
    assert plan.source_format == "xlsx" and plan.title == "样例县心理健康工作任务分解表"
    assert [(t.code, t.ref, t.section_path) for t in plan.tasks] == [
        ("1.1", "row 5", ["组织保障"]), ("1.2", "row 6", ["组织保障"]), ("1.3", "row 7", ["组织保障"]),
        ("2.1", "row 8", ["队伍建设"]), ("2.2", "row 9", ["队伍建设"])]
    second = plan.tasks[1]
    assert second.text == "召开部门联席会议。"
    assert second.lead == ["县卫计委", "县民政局"] and second.support == ["各乡镇（街道）"]
    # one progress cell merged over 2016年 and 2017年 applies to both years
    assert milestones(plan, "1.2") == {"2016年": "每年不少于2次。", "2017年": "每年不少于2次。",
                                       "2020年": "每年不少于2次。"}
    assert milestones(plan, "1.3") == {"2016年": "力争在2016年6月底前出台办法。", "2017年": "贯彻执行。",
                                       "2020年": "不断完善。"}
    assert plan.tasks[2].remark == "重点" and plan.tasks[2].support == ["县财政局", "县人社局"]
    assert plan.tasks[4].support == ["各乡镇（街道）", "县综治办", "公安部门"]


def test_responsible_only_layout_with_section_rows() -> None:
    plan = read_document(DATA / "responsible_only.xlsx")
    assert [(t.code, t.ref, t.section_path[0]) for t in plan.tasks] == [
        ("A1", "row 5", "健全服务体系"), ("A2", "row 6", "健全服务体系"), ("B1", "row 8", "加强服务管理")]
    assert plan.tasks[0].responsible == ["区卫生健康局", "区发改局"] and plan.tasks[0].lead == []
    assert plan.tasks[1].responsible == ["区民政局", "各街道办事处"]
    assert milestones(plan, "A2") == {"完成时限": "2017年6月30日前"}


def test_gbk_csv() -> None:
    plan = read_document(DATA / "tasks_gbk.csv")
    assert plan.source_format == "csv"
    assert [t.code for t in plan.tasks] == ["1", "2", "3"]
    first, second, third = plan.tasks
    assert first.text == "制定县级实施方案。" and first.support == ["县民政局", "县财政局"]
    assert milestones(plan, "1") == {"完成时限": "2016年3月底前"}
    assert second.remark == "例会纪要报县精卫办" and second.ref == "row 3"
    assert third.lead == ["县公安局", "县卫计委"]


def test_csv_two_row_header_repeated_header_and_utf8_bom(tmp_path: Path) -> None:
    text = ("一级指标,二级指标,实施进度,,,牵头单位,配合单位,备注\n,,2016年,2017年,2020年,,,\n"
            "依法管理,修订条例。,申报立法计划。,修订完成。,调研。,市卫生计生委、市法制办,各相关部门,\n"
            "一级指标,二级指标,实施进度,,,牵头单位,配合单位,备注\n,,2016年,2017年,2020年,,,\n"
            ",出台配套文件。,2016年底前。,,,市法制办,,\n")
    path = tmp_path / "plan.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    plan = read_document(path)
    assert [(t.code, t.ref, t.section_path) for t in plan.tasks] == [("1.1", "row 3", ["依法管理"]),
                                                                     ("1.2", "row 6", ["依法管理"])]
    assert milestones(plan, "1.1") == {"2016年": "申报立法计划。", "2017年": "修订完成。", "2020年": "调研。"}
    assert plan.tasks[1].support == []


def test_serial_numbers_restarting_per_section_get_the_section_index(tmp_path: Path) -> None:
    path = save([["序号", "一级指标", "工作任务", "牵头单位", "完成时限"],
                 [1, "组织保障", "甲。", "县卫计委", datetime(2016, 6, 30)],
                 [2, None, "乙。", "县卫计委", "2016年底前"],
                 [1, "服务管理", "丙。", "县民政局", "长期"]], tmp_path / "numbers.xlsx")
    plan = read_document(path)
    assert [t.code for t in plan.tasks] == ["1.1", "1.2", "2.1"]
    assert milestones(plan, "1.1") == {"完成时限": "2016年6月30日"}  # an Excel date cell


def test_example_plan_with_indicator_and_information_sheets(tmp_path: Path) -> None:
    plan = read_document(write_example_plan(tmp_path / "example.xlsx"))
    assert len(plan.tasks) == 15 and len({t.section_path[0] for t in plan.tasks}) == 5
    assert plan.doc_number == "示政办发〔2016〕18号" and (plan.period_start, plan.period_end) == (2016, 2020)
    assert (plan.midterm_year, plan.final_year) == (2017, 2020)
    assert next(i.name for i in plan.indicators) == "严重精神障碍患者规范管理率"
    first = plan.indicators[0]
    assert first.unit == "%" and first.direction == "higher" and first.task_code == "4.3"
    assert [(t.kind, t.year, t.text) for t in first.targets] == [
        ("baseline", 2015, "75"), ("target", 2017, "≥80"), ("target", 2020, "≥85")]


@pytest.mark.parametrize(("name", "kind", "ref", "words"), [
    ("no_task_column.xlsx", "no_task_column", "row 1", "no task column"),
    ("no_lead.xlsx", "no_lead", "row 4", "no lead unit"),
    ("duplicate_code.xlsx", "duplicate_code", "row 4", "'1.1' (also in row 2)"),
    ("corrupted.xlsx", "corrupt", "", "corrupted"),
    ("empty.csv", "empty", "", "empty"),
])
def test_bad_fixtures_name_file_and_row(name: str, kind: str, ref: str, words: str) -> None:
    exc = failure(DATA / name)
    problem = exc.problems[0]
    assert (problem.file, problem.kind, problem.ref) == (name, kind, ref)
    assert words in str(exc)


def test_row_without_any_unit_and_row_without_task_text(tmp_path: Path) -> None:
    path = save([["任务", "责任单位", "完成时限"], ["甲。", "", "2016年底前"], ["", "县民政局", "2017年"],
                 ["丙。", "县财政局", ""]], tmp_path / "units.xlsx")
    exc = failure(path)
    assert [(p.ref, p.kind) for p in exc.problems] == [("row 2", "no_unit"), ("row 3", "no_task")]


def test_unreadable_inputs(tmp_path: Path) -> None:
    (tmp_path / "blank.csv").write_text("\n \n", encoding="utf-8")
    assert failure(tmp_path / "blank.csv").problems[0].kind == "empty"
    (tmp_path / "noise.csv").write_bytes(bytes(range(128, 256)) * 20)
    assert failure(tmp_path / "noise.csv").problems[0].kind == "encoding"
    (tmp_path / "renamed.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert failure(tmp_path / "renamed.xlsx").problems[0].kind == "corrupt"
    assert failure(save([], tmp_path / "empty.xlsx")).problems[0].kind == "empty"
    header_only = save([["任务", "牵头单位"]], tmp_path / "header_only.xlsx")
    assert "no task rows" in str(failure(header_only))
    prose = save([["这是一份说明，不是任务表。"]], tmp_path / "prose.xlsx")
    assert failure(prose).problems[0].kind == "no_header"


def test_lead_may_be_empty_when_responsible_units_are_given(tmp_path: Path) -> None:
    path = save([["任务", "牵头单位", "配合单位", "责任单位"], ["甲。", "县民政局", "县财政局", ""],
                 ["乙。", "", "", "县卫计委、县民政局"], ["丙。", "", "县财政局", ""]], tmp_path / "mixed.xlsx")
    exc = failure(path)
    assert [(p.ref, p.kind) for p in exc.problems] == [("row 4", "no_lead")]


def test_numbered_section_rows_in_the_task_column(tmp_path: Path) -> None:
    path = save([["序号", "工作任务", "牵头单位", "完成时限"], [None, "一、健全工作机制", None, None],
                 [1, "建立联席会议制度。", "县卫计委", "2016年底前"], [None, "（二）加强服务管理", None, None],
                 [1, "落实随访。", "县卫计委", "长期"]], tmp_path / "numbered.xlsx")
    plan = read_document(path)
    assert [(t.code, t.section_path) for t in plan.tasks] == [("1.1", ["健全工作机制"]), ("2.1", ["加强服务管理"])]
