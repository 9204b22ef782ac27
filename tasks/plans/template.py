"""The canonical .xlsx layout of a division-of-labour table: the blank template and the writer export uses.

Sheets: 任务 (title row, header, one row per task), 指标 (indicators with baseline/target columns),
计划信息 (title, issuing office, document number, addressees, period, review years) and, in the template, 说明.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tasks.plans.importers.workbook_sheets import DIRECTION_LABELS, INFO_FIELDS
from tasks.worksheets import keep_text

TASK_HEAD = ["编号", "一级指标", "二级指标", "任务"]
UNIT_HEAD = ["牵头单位", "配合单位", "责任单位", "备注"]
INDICATOR_HEAD = ["编号", "分类", "指标名称", "单位", "方向", "关联任务", "原文"]
PLAN_KEYS = {v: k for k, v in INFO_FIELDS.items()}
_BOLD, _FILL = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")

INSTRUCTIONS = [
    "填写说明",
    "1. “任务”表每行一项任务；第2行为表头，请勿改动表头文字（可增删年度列）。",
    "2. 编号：任务的唯一编号（如 1.1），再次导入时按编号比对，留空则自动生成。",
    "3. 一级指标/二级指标：任务所属的类别，空白表示同上，合并单元格也表示同上。",
    "4. 年度列（2016年、2017年、2020年 …）填写该年度应达到的进度，如“2016年4月底前出台文件”、"
    "“力争在2016年6月底前完成”、“每季度召开1次”；也可改用“完成时限”一列。",
    "5. 牵头单位、配合单位、责任单位：多个单位用顿号“、”分隔；“各相关部门”等单位组在部门目录中定义。",
    "6. 每项任务必须有牵头单位（无牵头/配合之分时只填“责任单位”）；确无牵头单位的任务填“无”，导入时给出提示。",
    "7. “指标”表：基线列以“基线”开头、目标列以“目标”开头，可含范围和年份，如“基线全市2015年”“目标2020年”；"
    "目标值可写 ≥95、1/80、2—3、在现有基础上提高50% 等；“原文”为指标在规划中的原句，可留空。",
    "8. “计划信息”表：规划标题、发文机关、文号、印发日期、主送单位、起止年份、中期考核和终期评估年份。",
    "导入：duban import 文件.xlsx --plan 计划代码（先用 --dry-run 检查）。",
]


def _style_header(ws: Any, row: int, width: int) -> None:
    """Bold, shaded header cells."""
    for c in range(1, width + 1):
        cell = ws.cell(row=row, column=c)
        cell.font, cell.fill = _BOLD, _FILL


def _target_head(kind: str, scope: str, year: int | None) -> str:
    """A baseline/target column header such as 基线全市2015年 or 目标2020年."""
    return f"{'基线' if kind == 'baseline' else '目标'}{scope}{f'{year}年' if year else ''}"


def _indicator_sheet(wb: Workbook, indicators: list[dict[str, Any]]) -> None:
    """The 指标 sheet: named columns then one column per (kind, scope, year)."""
    ws = wb.create_sheet("指标")
    columns: list[tuple[str, str, int | None]] = []
    for kind in ("baselines", "targets"):
        for ind in indicators:
            for value in ind[kind]:
                key = (kind[:-1], value["scope"] or "", value["year"])
                if key not in columns:
                    columns.append(key)
    ws.append(INDICATOR_HEAD + [_target_head(*c) for c in columns])
    _style_header(ws, 1, len(INDICATOR_HEAD) + len(columns))
    for ind in indicators:
        cells = {(kind[:-1], v["scope"] or "", v["year"]): v["text"] for kind in ("baselines", "targets")
                 for v in ind[kind]}
        ws.append([ind["code"], ind["category"] or "", ind["name"], ind["unit"] or "",
                   DIRECTION_LABELS.get(ind["direction"], ind["direction"] or ""), ind.get("task") or "",
                   ind.get("statement") or "", *[cells.get(c, "") for c in columns]])
    for c, width in enumerate([8, 14, 36, 8, 10, 10, 40] + [14] * len(columns), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width


def write_workbook(path: Path, plan: dict[str, Any], labels: list[str], rows: list[list[Any]],
                   indicators: list[dict[str, Any]], instructions: bool = False) -> Path:
    """Write tasks (and indicators, plan information) in the canonical layout."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook starts with one (work)sheet, the active one
    ws.title = "任务"
    head = TASK_HEAD + labels + UNIT_HEAD
    ws.append([plan.get("title") or "任务分解表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(head))
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append(head)
    _style_header(ws, 2, len(head))
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    widths = [8, 14, 14, 48] + [24] * len(labels) + [24, 24, 24, 12]
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    if len(rows) <= 2000:
        for written in ws.iter_rows(min_row=3):
            for cell in written:
                cell.alignment = _WRAP
    ws.freeze_panes = "A3"
    if indicators:
        _indicator_sheet(wb, indicators)
    info = wb.create_sheet("计划信息")
    info.append(["字段", "值"])
    _style_header(info, 1, 2)
    for label, key in INFO_FIELDS.items():
        info.append([label, "" if plan.get(key) is None else str(plan.get(key))])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 16, 48
    if instructions:
        notes = wb.create_sheet("说明")
        for line in INSTRUCTIONS:
            notes.append([line])
        notes.column_dimensions["A"].width = 110
    path.parent.mkdir(parents=True, exist_ok=True)
    keep_text(wb).save(path)
    return path


def write_template(path: Path) -> Path:
    """The blank canonical template with one example row, an example indicator and instructions."""
    labels = ["2016年", "2017年", "2020年"]
    example = ["1.1", "组织保障", "协调机制", "建立精神卫生工作协调机制，每季度召开工作例会。",
               "2016年4月底前出台文件；每季度召开1次例会。", "不断完善。", "总结评估。",
               "市卫生健康委", "各相关部门", "", "示例行，可删除"]
    indicator = {"code": "1", "category": "服务管理", "name": "严重精神障碍患者规范管理率", "unit": "%",
                 "direction": "higher", "task": "1.1",
                 "baselines": [{"scope": "全市", "year": 2015, "text": "80"}],
                 "targets": [{"scope": "全市", "year": 2017, "text": "≥85"},
                             {"scope": "全市", "year": 2020, "text": "≥90"}]}
    plan = {"title": "××市××工作任务分解表（示例）", "issuing_office": "××市人民政府办公室",
            "doc_number": "×政办发〔2016〕1号", "period_start": 2016, "period_end": 2020, "midterm_year": 2017,
            "final_year": 2020}
    return write_workbook(Path(path), plan, labels, [example], [indicator], instructions=True)
