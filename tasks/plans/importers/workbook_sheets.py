"""The sheets of a plan workbook: which one holds the task table, the indicator table and the plan
information (标题, 发文机关, 文号 …); tables are read with the rules shared by every format.

A spreadsheet is made for import, so its sheets are judged strictly: any bad row is an error
and nothing is imported. A .csv file is one sheet.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tasks.errors import ImportFailed, Problem, Problems
from tasks.plans.importers.indicator_table import DIRECTION_LABELS, DIRECTION_WORDS, table_indicators
from tasks.plans.importers.table_grid import Cell, Header, RawRow, RawTable, find_header
from tasks.plans.importers.table_rows import SPREADSHEET_RULES, table_tasks, table_title
from tasks.plans.parsed import ParsedPlan
from tasks.plans.unit_names import split_units

__all__ = ["DIRECTION_LABELS", "DIRECTION_WORDS", "INFO_FIELDS", "INFO_SHEET_TITLES", "Row", "parse_sheets",
           "read_plan_info", "read_task_rows"]

Row = tuple[int, list[str]]  # (real row number, cell texts with merged cells filled)

INFO_SHEET_TITLES = ("计划信息", "规划信息", "基本信息")
INFO_FIELDS = {"标题": "title", "发文机关": "issuing_office", "文号": "doc_number", "印发日期": "issued_on",
               "主送": "addressees", "起始年份": "period_start", "截止年份": "period_end",
               "中期考核年份": "midterm_year",
               "终期评估年份": "final_year"}
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")


def sheet_table(rows: list[Row], prefix: str = "") -> RawTable:
    """A sheet's rows as a table whose rows are named ``{prefix}row N``."""
    return RawTable(1, [RawRow(f"{prefix}row {n}", [Cell(c or "") for c in cells]) for n, cells in rows],
                    name="the sheet")


def read_task_rows(rows: list[Row], file: str, fmt: str) -> ParsedPlan:
    """The task table of one sheet as a ``ParsedPlan``; raises ``ImportFailed`` listing every bad row."""
    table = sheet_table(rows)
    return _read_tasks(table, find_header(table), file, fmt)


def _read_tasks(table: RawTable, header: Header | None, file: str, fmt: str) -> ParsedPlan:
    """The task table of a sheet whose header has been looked for."""
    problems = Problems(file)
    if not any(c.text.strip() for row in table.rows for c in row.cells):
        problems.error("", "the table has no data", kind="empty")
        raise ImportFailed(f"{file}: the file is empty", problems.items)
    if header is None or header.holds() != "tasks":
        problems.error("", "no header row found: expected columns such as 任务 / 二级指标, 牵头单位, 配合单位, "
                       "责任单位 in the first rows", kind="no_header")
        raise ImportFailed(f"{file}: not a task table", problems.items)
    plan = ParsedPlan(source_file=file, source_format=fmt, title=table_title(table, header))
    plan.tasks = table_tasks(table, header, file, problems, SPREADSHEET_RULES)
    if not plan.tasks and not problems.errors:
        problems.error("", "the table has a header but no task rows", kind="empty")
    if problems.errors:
        raise ImportFailed(f"{file}: {len(problems.errors)} problem(s), nothing imported", problems.items)
    plan.problems.extend(problems.items)
    return plan


def parse_sheets(sheets: list[tuple[str, list[Row]]], file: str, fmt: str) -> ParsedPlan:
    """Find the task sheet (the first with a task table), the indicator and plan-information sheets."""
    plan: ParsedPlan | None = None
    first_error: ImportFailed | None = None
    indicator_sheets, info = [], {}
    for title, rows in sheets:
        if title in INFO_SHEET_TITLES:
            info = read_plan_info(rows)
            continue
        table = sheet_table(rows)
        header = find_header(table)
        if header is not None and header.holds() == "indicators":
            indicator_sheets.append((title, rows))
        elif plan is None:
            try:
                plan = _read_tasks(table, header, file, fmt)
            except ImportFailed as exc:
                if not all(p.kind in ("no_header", "empty") for p in exc.problems) or len(sheets) == 1:
                    raise
                first_error = first_error or exc
    if plan is None and indicator_sheets and first_error and all(p.kind == "empty" for p in first_error.problems):
        plan = ParsedPlan(source_file=file, source_format=fmt)  # an indicators-only plan (as duban exports one)
    if plan is None:
        raise first_error or ImportFailed(f"{file}: no task table found", [Problem(
            file, "", "no sheet has a task table (任务/二级指标 with 牵头单位/责任单位 columns)", kind="no_header")])
    problems = Problems(file)
    for title, rows in indicator_sheets:
        table = sheet_table(rows, prefix=f"sheet {title}, ")
        header = find_header(table)
        if header is not None:
            plan.indicators.extend(table_indicators(table, header, file, problems, strict=True))
    plan.problems.extend(problems.items)
    for key, value in info.items():
        setattr(plan, key, value)
    errors = [p for p in plan.problems if p.severity == "error"]
    if errors:
        raise ImportFailed(f"{file}: {len(errors)} problem(s), nothing imported", errors)
    return plan


def read_plan_info(rows: list[Row]) -> dict[str, Any]:
    """Plan fields from a two-column sheet (字段 · 值); years as int, 印发日期 as a date, 主送 as unit names."""
    info: dict[str, Any] = {}
    for _, cells in rows:
        word = re.sub(r"\s", "", cells[0] or "") if cells else ""
        if len(cells) < 2 or word not in INFO_FIELDS or not (cells[1] or "").strip():
            continue
        key, value = INFO_FIELDS[word], cells[1].strip()
        if key == "issued_on":
            m = re.search(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})", value)
            info[key] = date(*(int(g) for g in m.groups())) if m else None
        elif key == "addressees":
            info[key] = split_units(value)
        elif key in ("period_start", "period_end", "midterm_year", "final_year"):
            m = _YEAR.search(value)
            info[key] = int(m.group(1)) if m else None
        else:
            info[key] = value
    return info
