"""Turn a division-of-labour table of any format (.xlsx/.csv sheet, Word grid, text dump) into ParsedTasks.

The one set of row rules: header rows repeated at page breaks are skipped; an empty, 同上/〃 or
merged section cell means "same as above"; a row holding a single text (merged across, alone,
numbered 一、/（二）, or outside the task and unit columns) is a section heading; a progress cell
spanning several year columns applies to each year it covers; a 责任单位 cell that says
"A牵头，B配合" is split by role. Text dumps do not record spans: a row with fewer cells than the
header is widened inside the progress block (see ``fit_spans``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tasks.errors import ImportFailed, Problems
from tasks.plans.deadlines import column_year
from tasks.plans.importers.header_words import header_word, norm
from tasks.plans.importers.responsibility import parse_marker
from tasks.plans.importers.table_grid import (
    Column,
    Header,
    RawRow,
    RawTable,
    expand,
    is_repeated_header,
    join_lines,
    join_units,
)
from tasks.plans.parsed import ParsedMilestone, ParsedTask
from tasks.plans.unit_names import split_units

UNIT_KINDS = ("lead", "support", "responsible")
_DATA_KINDS = {"task", "progress", "remark", *UNIT_KINDS}
_CN = "一二三四五六七八九十"
_SECTION_NUMBER = re.compile(rf"^(?:[{_CN}]+[、.．]|[（(][{_CN}]+[）)]|第[{_CN}]+[部分章节]+)\s*")
_HEADING_NUMBER = re.compile(rf"^(?:[{_CN}]+[、.．]|[（(][{_CN}]+[）)]|第[{_CN}]+[部分章节]+"
                             r"|\d{1,2}[、.．](?!\d))\s*")


@dataclass(frozen=True)
class RowRules:
    """How a format judges its rows: spreadsheets are made for import, documents are published as they are."""

    strict: bool  # a row without task text or lead unit is an error (spreadsheet), else a warning (document)
    need_unit_column: bool  # a table without 牵头/配合/责任单位 columns is refused


SPREADSHEET_RULES = RowRules(strict=True, need_unit_column=False)
DOCUMENT_RULES = RowRules(strict=False, need_unit_column=True)


def fit_spans(row: RawRow, header: Header) -> list[int] | None:
    """Spans for a text-dump row with fewer cells than columns; None when they cannot be placed.

    The missing width goes to the progress block (the year columns). Rule, checked against
    the Word original: earlier progress cells cover one year each and the LAST cell spans the
    remaining years (2016 | 2017–2020), because plans state the first year's step and then an
    ongoing duty. Exception: with two cells for three years, when the first cell names the
    middle year (2017年…) and not the last, the first cell spans (2016–2017 | 2020).
    """
    width = len(header.columns)
    missing = width - len(row.cells)
    block = [i for i, c in enumerate(header.columns) if c.kind == "progress"]
    if missing <= 0 or not block or missing > len(block) - 1 or block != list(range(block[0], block[-1] + 1)):
        return None
    start, size = block[0], len(block)
    count = size - missing  # cells present in the block
    spans = [1] * len(row.cells)
    if count == 2 and size == 3 and _first_cell_spans(row, start, header):
        spans[start] = 2
    else:
        spans[start + count - 1] = 1 + missing
    return spans


def _first_cell_spans(row: RawRow, start: int, header: Header) -> bool:
    """Whether, of two progress cells over three years, the first one covers two years."""
    years = [c.year for c in header.columns[start:start + 3]]
    if None in years:
        return False
    first = row.cells[start].text
    return f"{years[1]}年" in first and f"{years[2]}年" not in first


def _check_columns(table: RawTable, header: Header, file: str, problems: Problems, rules: RowRules) -> None:
    """Refuse a table without a task column (or, for documents, without a unit column)."""
    columns = header.columns
    kinds = header.kinds()
    if rules.need_unit_column and not kinds & set(UNIT_KINDS):
        labels = " | ".join(c.label for c in columns if c.label)
        problems.error(header.ref, f"{table.label} has no unit column (牵头单位/配合单位/责任单位) in its header "
                       f"({header.ref}: {labels})", kind="no_unit_column")
        raise ImportFailed(f"{file}: {table.label} has no unit column", problems.items)
    if "task" not in kinds:
        candidates = [c for c in columns if c.kind in ("other", "name")]
        if not candidates:
            problems.error(header.ref, "the header has no task column (任务/工作任务/主要任务/二级指标 …)",
                           kind="no_task_column")
            raise ImportFailed(f"{file}: {table.label} has no task column", problems.items)
        candidates[0].kind = "task"  # an unlabelled text column beside the unit columns


def table_tasks(table: RawTable, header: Header, file: str, problems: Problems,
                rules: RowRules = DOCUMENT_RULES) -> list[ParsedTask]:
    """The tasks of one division-of-labour table; bad rows are recorded in ``problems``."""
    columns = header.columns
    for column in columns:
        if column.kind == "year":  # a bare year column of a task table is that year's schedule cell
            column.kind = "progress"
    _check_columns(table, header, file, problems, rules)
    labels = [_milestone_label(c) for c in columns]
    tasks: list[ParsedTask] = []
    lacking: list[ParsedTask] = []
    level1 = level2 = ""
    above: list[str] = [""] * len(columns)
    for row in table.rows[header.first + header.rows:]:
        values = _row_values(table, header, row, above, problems)
        if values is None:
            continue
        above = values
        heading = _heading(row, values, columns)
        if heading:
            level1, level2 = heading, ""
            continue
        by_kind: dict[str, list[str]] = {}
        for column, value in zip(columns, values, strict=False):
            by_kind.setdefault(column.kind, []).append(value)
        section = _SECTION_NUMBER.sub("", join_lines(_first(by_kind, "section"))).strip()
        if not same_as_above(section) and section != level1:
            level1, level2 = section, ""
        if not same_as_above(_first(by_kind, "level2")):
            level2 = join_lines(_first(by_kind, "level2"))
        text = join_lines("\n".join(v for v in by_kind.get("task", []) if v))
        if not text:
            if any(v.strip() for k, vs in by_kind.items() if k not in ("section", "level2") for v in vs):
                if rules.strict:
                    problems.error(row.ref, "no task text (the task column is empty)", kind="no_task")
                else:
                    problems.warning(row.ref, "row has no task text; skipped", kind="unplaced-cell")
            continue
        code = re.sub(r"[、.．]$", "", join_lines(_first(by_kind, "code"))) or None
        task = ParsedTask(text=text, ref=row.ref, code=code, section_path=[p for p in (level1, level2) if p])
        _add_units(task, by_kind)
        task.milestones = [ParsedMilestone(label, join_lines(value))
                           for column, label, value in zip(columns, labels, values, strict=False)
                           if column.kind == "progress" and join_lines(value)]
        task.remark = join_lines("\n".join(v for v in by_kind.get("remark", []) if v)) or None
        if not task.lead and not task.responsible:
            _no_lead(task, header.kinds(), rules, problems, lacking)
        tasks.append(task)
    assign_codes(tasks, problems if rules.strict else None)
    for task in lacking:
        problems.warning(task.ref, f"row {task.code} has no lead unit (牵头单位/责任单位 empty)", kind="no-lead")
    return tasks


def _row_values(table: RawTable, header: Header, row: RawRow, above: list[str],
                problems: Problems) -> list[str] | None:
    """A row's text in every grid column (merged cells filled from above); None for empty and header rows."""
    width = len(header.columns)
    if not any(c.text.strip() for c in row.cells):
        return None
    unfitted = not table.spans_known and len(row.cells) != width
    spans = fit_spans(row, header) if unfitted else None
    values = [above[i] if cell is not None and cell.merged_above else (cell.text if cell else "")
              for i, cell in enumerate(expand(row, width, spans))]
    if is_repeated_header(row, header, values):
        return None
    if unfitted and spans is None:
        problems.warning(row.ref, f"row has {len(row.cells)} cells where the header has {width} columns; "
                         "cells read left to right", kind="unplaced-cell")
    return values


def _no_lead(task: ParsedTask, kinds: set[str], rules: RowRules, problems: Problems,
             lacking: list[ParsedTask]) -> None:
    """A row without lead or responsible unit: an error in a spreadsheet, a warning (once coded) in a document."""
    if not rules.strict:
        lacking.append(task)
    elif "lead" in kinds:
        problems.error(task.ref, "no lead unit (牵头单位 is empty)", kind="no_lead")
    elif kinds & set(UNIT_KINDS) and not task.support:
        problems.error(task.ref, "no unit named (牵头/配合/责任单位 are empty)", kind="no_unit")


def _first(by_kind: dict[str, list[str]], kind: str) -> str:
    """The first cell of a kind of column (empty when the table has none)."""
    return by_kind.get(kind, [""])[0]


def _milestone_label(column: Column) -> str:
    """A schedule column's milestone label: ``2016年`` for a year column, else its header word (完成时限)."""
    year = column_year(header_word(column.label))
    return f"{year}年" if year is not None else header_word(column.label) or column.label


def _add_units(task: ParsedTask, by_kind: dict[str, list[str]]) -> None:
    """Units by role; a 责任单位 cell that itself says who leads (A牵头，B配合) is split by role."""
    for kind in UNIT_KINDS:
        for value in by_kind.get(kind, []):
            if not value:
                continue
            roles = parse_marker(join_lines(value)) if kind == "responsible" else {}
            if roles.keys() & {"lead", "support"}:
                for role, names in roles.items():
                    getattr(task, role).extend(names)
            else:
                getattr(task, kind).extend(split_units(join_units(value)))


def _heading(row: RawRow, values: list[str], columns: list[Column]) -> str:
    """The title of a section heading row: one text merged across, alone, numbered, or outside the data columns."""
    filled = [i for i, v in enumerate(values) if v.strip()]
    texts = {values[i].strip() for i in filled}
    if len(texts) != 1:
        return ""
    text = texts.pop()
    if (len(row.cells) == 1 or len(filled) * 2 >= len(values) or _SECTION_NUMBER.match(text)
            or any(columns[i].kind not in _DATA_KINDS for i in filled)):
        return _HEADING_NUMBER.sub("", join_lines(text)).strip()
    return ""


def same_as_above(text: str) -> bool:
    """Whether a section cell means "same as above" (empty, 同上, 〃)."""
    return norm(text) in ("", "同上", "〃", "\"", "”")


def table_title(table: RawTable, header: Header) -> str | None:
    """A title line above the header (one distinct text, not 附件N)."""
    for row in table.rows[:header.first]:
        texts = {c.text.strip() for c in row.cells if c.text.strip()}
        if len(texts) == 1 and not re.fullmatch(r"附件\s*\d*[:：]?", next(iter(texts))):
            return next(iter(texts))
    return None


def assign_codes(tasks: list[ParsedTask], problems: Problems | None) -> None:
    """Given codes kept (a 序号 restarting in each section gets the section index); missing ones generated.

    Duplicate codes are recorded in ``problems`` when given (the import pipeline checks them anyway).
    """
    sections: list[str] = []
    counters: Counter[str] = Counter()
    numbered: list[tuple[ParsedTask, int, str]] = []
    for task in tasks:
        section = task.section_path[0] if task.section_path else ""
        if section not in sections:
            sections.append(section)
        counters[section] += 1
        index = sections.index(section) + 1
        numbered.append((task, index, f"{index}.{counters[section]}" if section else str(counters[section])))
    given = [t.code for t in tasks if t.code]
    per_section = {(index, task.code) for task, index, _ in numbered if task.code}
    if len(set(given)) < len(given) == len(per_section) and all(c.isdigit() for c in given):
        for task, index, _ in numbered:
            task.code = f"{index}.{task.code}" if task.code else None
    seen: dict[str, str] = {}
    for task, _, code in numbered:
        task.code = task.code or code
        if problems is not None and task.code in seen:
            problems.error(task.ref, f"duplicate task code '{task.code}' (also in {seen[task.code]})",
                           kind="duplicate_code")
        seen.setdefault(task.code, task.ref)
