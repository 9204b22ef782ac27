"""One table interpreter for every format: the same table as .xlsx, .csv, .docx and text dump reads the same."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from tasks.errors import ImportFailed
from tasks.plans.importers import read_document

HEADER = ["序号", "一级任务", "二级指标", "主要工作", "责任单位", "完成期限"]
ROWS = [["1", "组织保障", "领导机制", "成立工作专班。", "县卫健委牵头，县民政局配合", "2024年3月底前"],
        ["2", "同上", "同上", "建立例会制度。", "县卫健委", "每季度"],
        ["3", "服务管理", "随访", "落实患者随访。", "县卫健委、各乡镇（街道）", "长期"]]
EXPECTED = [
    ("1", ["组织保障", "领导机制"], "成立工作专班。", ["县卫健委"], ["县民政局"], [], [("完成期限", "2024年3月底前")]),
    ("2", ["组织保障", "领导机制"], "建立例会制度。", [], [], ["县卫健委"], [("完成期限", "每季度")]),
    ("3", ["服务管理", "随访"], "落实患者随访。", [], [], ["县卫健委", "各乡镇（街道）"], [("完成期限", "长期")]),
]


def write(fmt: str, rows: list[list[str]], path: Path) -> Path:
    """The table saved in one of the four formats."""
    if fmt == "xlsx":
        wb = Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(path)
    elif fmt == "csv":
        path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in rows), encoding="utf-8")
    elif fmt == "docx":
        document = docx.Document()
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.cell(r, c).text = text
        document.save(path)
    else:  # a Word table dumped one cell per line, rows separated by blank lines
        path.write_text("\n\n".join("\n".join(f"\t{c}" for c in row) for row in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx", "txt"])
def test_the_same_table_reads_the_same_in_every_format(fmt: str, tmp_path: Path) -> None:
    plan = read_document(write(fmt, [HEADER, *ROWS], tmp_path / f"plan.{fmt}"))
    got = [(t.code, t.section_path, t.text, t.lead, t.support, t.responsible,
            [(m.label, m.text) for m in t.milestones]) for t in plan.tasks]
    assert got == EXPECTED
    assert not [p for p in plan.problems if p.severity == "error"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx", "txt"])
def test_section_heading_row_and_restarting_serial_numbers(fmt: str, tmp_path: Path) -> None:
    rows = [["序号", "工作任务", "牵头单位", "完成时限"], ["", "一、健全工作机制", "", ""],
            ["1", "建立联席会议制度。", "县卫计委", "2016年底前"], ["", "二、加强服务管理", "", ""],
            ["1", "落实随访。", "县卫计委", "长期"]]
    plan = read_document(write(fmt, rows, tmp_path / f"plan.{fmt}"))
    assert [(t.code, t.section_path) for t in plan.tasks] == [("1.1", ["健全工作机制"]), ("2.1", ["加强服务管理"])]


def test_a_row_without_lead_fails_a_spreadsheet_but_only_warns_in_a_document(tmp_path: Path) -> None:
    rows = [["工作任务", "牵头单位", "配合单位"], ["甲。", "县民政局", ""], ["乙。", "", "县财政局"]]
    with pytest.raises(ImportFailed) as failed:
        read_document(write("xlsx", rows, tmp_path / "plan.xlsx"))
    assert [(p.ref, p.kind) for p in failed.value.problems] == [("row 3", "no_lead")]
    plan = read_document(write("docx", rows, tmp_path / "plan.docx"))
    assert [t.support for t in plan.tasks] == [[], ["县财政局"]]
    assert [(p.ref, p.kind, p.severity) for p in plan.problems] == [("table 1 row 3", "no-lead", "warning")]
