"""Interpret a division-of-labour table (rows of cell texts, merges already filled) as parsed tasks.

Shared by every tabular importer (xlsx, csv; usable for Word tables): finds the header row (not
necessarily the first; two-row headers such as 实施进度 over 2016年/2017年 are combined), maps
columns by their Chinese names, fills empty section cells from above and reads each row.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from tasks.deadlines import column_year
from tasks.errors import ImportFailed, Problems
from tasks.parsed import ParsedMilestone, ParsedPlan, ParsedTask
from tasks.units import split_units

Row = tuple[int, list[str]]  # (real row number, cell texts)

COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "code": ("编号", "任务编号", "代码", "任务代码", "序号"),
    "level1": ("一级指标", "一级任务", "任务类别", "类别", "分类", "领域", "重点领域", "工作类别"),
    "level2": ("二级指标", "二级任务"),
    "task": ("任务", "工作任务", "主要任务", "任务内容", "重点任务", "工作内容", "具体任务", "工作措施",
             "主要措施", "具体措施", "任务措施", "三级指标", "任务名称", "工作事项", "重点工作", "主要工作"),
    "lead": ("牵头单位", "牵头部门", "牵头"),
    "support": ("配合单位", "配合部门", "协作单位", "参与单位", "协办单位"),
    "responsible": ("责任单位", "责任部门", "负责单位", "实施单位", "承办单位", "主责单位"),
    "deadline": ("完成时限", "时间节点", "完成时间", "时限要求", "时间要求", "完成期限", "进度安排", "时间安排",
                 "时间进度"),
    "remark": ("备注",),
}
_WORD_KIND = {word: kind for kind, words in COLUMN_WORDS.items() for word in words}
_PARENT_WORDS = ("实施进度", "进度", "年度目标", "工作进度", "进度要求", "年度任务", "责任分工")
_SECTION_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|第[一二三四五六七八九十]+[部分章节]\s*)")
_HEADER_SCAN = 30


def header_word(text: str) -> str:
    """A header cell normalised: no spaces, stars, line breaks or trailing parenthetical."""
    text = re.sub(r"[\s*＊:：]", "", text)
    return re.sub(r"[（(][^）)]*[）)]$", "", text)


def _kind(text: str) -> str | None:
    """The column kind a header cell names (year columns are ``year``)."""
    word = header_word(text)
    if not word:
        return None
    if len(word) <= 10 and column_year(word) is not None:
        return "year"
    return _WORD_KIND.get(word)


@dataclass
class Columns:
    """Where each kind of column is; ``years`` maps column index to its milestone label."""

    header_rows: list[int]
    index: dict[str, int] = field(default_factory=dict)
    years: dict[int, str] = field(default_factory=dict)
    deadline_label: str = "完成时限"

    @property
    def task(self) -> int | None:
        """The task text column: a task column, else 二级指标 (then a task, not a category)."""
        return self.index.get("task", self.index.get("level2"))

    @property
    def level2(self) -> int | None:
        """二级指标 is a category only when a separate task column exists."""
        return self.index.get("level2") if "task" in self.index else None


def _cell(cells: list[str], i: int | None) -> str:
    """The stripped text of column ``i`` (empty when missing)."""
    return cells[i].strip() if i is not None and i < len(cells) and cells[i] else ""


def find_columns(rows: list[Row], problems: Problems) -> Columns | None:
    """Locate the header (one or two rows) and map its columns; None (with an error) when absent."""
    for pos, (number, cells) in enumerate(rows[:_HEADER_SCAN]):
        kinds = [_kind(c or "") for c in cells]
        named = {k for k in kinds if k and k != "year"}
        if len(named) < 2 or not named & {"lead", "support", "responsible", "task", "level2", "deadline"}:
            continue
        if not named & {"task", "level2"}:
            problems.error(f"row {number}", "the header has no task column (任务/工作任务/主要任务/二级指标 …)",
                           kind="no_task_column")
            return None
        columns = Columns([number])
        sub = rows[pos + 1][1] if pos + 1 < len(rows) else []
        sub_kinds = [_kind(c or "") for c in sub]
        if "year" in sub_kinds and all(k or not (c or "").strip() or (c or "").strip() == _cell(cells, i)
                                       for i, (k, c) in enumerate(zip(sub_kinds, sub, strict=False))):
            columns.header_rows.append(rows[pos + 1][0])
        else:
            sub, sub_kinds = [], []
        for i, kind in enumerate(kinds + [None] * (len(sub_kinds) - len(kinds))):
            if i < len(sub_kinds) and sub_kinds[i] == "year":
                kind, text = "year", sub[i]
            else:
                text = cells[i] if i < len(cells) else ""
            if kind == "year":
                columns.years[i] = f"{column_year(header_word(text))}年"
            elif kind and kind not in columns.index:
                columns.index[kind] = i
                if kind == "deadline":
                    columns.deadline_label = header_word(text)
        return columns
    problems.error("", "no header row found: expected columns such as 任务 / 二级指标, 牵头单位, 配合单位, "
                   "责任单位 in the first rows", kind="no_header")
    return None


def _title(rows: list[Row], header_row: int) -> str | None:
    """A title line above the header (one distinct text, not 附件N)."""
    for number, cells in rows:
        if number >= header_row:
            break
        texts = {c.strip() for c in cells if c and c.strip()}
        if len(texts) == 1 and not re.fullmatch(r"附件\s*\d*[:：]?", next(iter(texts))):
            return next(iter(texts))
    return None


def _is_repeat(cells: list[str], columns: Columns, header: dict[int, str]) -> bool:
    """A header row repeated at a page break (or its year sub-row)."""
    texts = [(i, c.strip()) for i, c in enumerate(cells) if c and c.strip()]
    return bool(texts) and all(_kind(t) or header.get(i) == t or header_word(t) in _PARENT_WORDS for i, t in texts)


def read_task_rows(rows: list[Row], file: str, fmt: str) -> ParsedPlan:
    """Turn table rows into a ``ParsedPlan``; raises ``ImportFailed`` listing every bad row."""
    problems = Problems(file)
    rows = [(n, [c or "" for c in cells]) for n, cells in rows]
    if not any(c.strip() for _, cells in rows for c in cells):
        problems.error("", "the table has no data", kind="empty")
        raise ImportFailed(f"{file}: the file is empty", problems.items)
    columns = find_columns(rows, problems)
    if columns is None:
        raise ImportFailed(f"{file}: not a task table", problems.items)
    plan = ParsedPlan(source_file=file, source_format=fmt, title=_title(rows, columns.header_rows[0]))
    header = {i: c.strip() for n, cells in rows if n in columns.header_rows for i, c in enumerate(cells) if c}
    unit_columns = [k for k in ("lead", "support", "responsible") if k in columns.index]
    level1 = level2 = ""
    for number, cells in rows:
        if number <= columns.header_rows[-1] or not any(c.strip() for c in cells) or _is_repeat(cells, columns, header):
            continue
        ref = f"row {number}"
        texts = {c.strip() for c in cells if c.strip()}
        task_text = _cell(cells, columns.task)
        units = {k: split_units(_cell(cells, columns.index[k])) for k in unit_columns}
        filled = sum(bool(c.strip()) for c in cells)
        if len(texts) == 1 and (filled > 1 or not task_text or _SECTION_NUMBER.match(task_text)):
            level1, level2 = _SECTION_NUMBER.sub("", texts.pop()).strip(), ""  # a section heading row
            continue
        new1 = _cell(cells, columns.index.get("level1"))
        if new1 and new1 != level1:
            level1, level2 = _SECTION_NUMBER.sub("", new1).strip(), ""
        level2 = _cell(cells, columns.level2) or level2
        if not task_text:
            problems.error(ref, "no task text (the task column is empty)", kind="no_task")
            continue
        if "lead" in columns.index and not units["lead"] and not units.get("responsible"):
            problems.error(ref, "no lead unit (牵头单位 is empty)", kind="no_lead")
        elif unit_columns and not any(units.values()):
            problems.error(ref, "no unit named (牵头/配合/责任单位 are empty)", kind="no_unit")
        path = [p for p in (level1, level2) if p]
        milestones = [ParsedMilestone(label, _cell(cells, i)) for i, label in columns.years.items() if _cell(cells, i)]
        if _cell(cells, columns.index.get("deadline")):
            milestones.append(ParsedMilestone(columns.deadline_label, _cell(cells, columns.index["deadline"])))
        plan.tasks.append(ParsedTask(
            text=task_text, ref=ref, code=re.sub(r"[、.．]$", "", _cell(cells, columns.index.get("code"))) or None,
            section_path=path, lead=units.get("lead", []), support=units.get("support", []),
            responsible=units.get("responsible", []), milestones=milestones,
            remark=_cell(cells, columns.index.get("remark")) or None))
    if not plan.tasks and not problems.errors:
        problems.error("", "the table has a header but no task rows", kind="empty")
    _assign_codes(plan, problems)
    if problems.errors:
        raise ImportFailed(f"{file}: {len(problems.errors)} problem(s), nothing imported", problems.items)
    plan.problems.extend(problems.items)
    return plan


def _assign_codes(plan: ParsedPlan, problems: Problems) -> None:
    """Given codes kept (a 序号 restarting in each section gets the section index); missing ones generated."""
    sections: list[str] = []
    counters: Counter[str] = Counter()
    numbered: list[tuple[ParsedTask, int, str]] = []
    for task in plan.tasks:
        section = task.section_path[0] if task.section_path else ""
        if section not in sections:
            sections.append(section)
        counters[section] += 1
        index = sections.index(section) + 1
        numbered.append((task, index, f"{index}.{counters[section]}" if section else str(counters[section])))
    given = [t.code for t in plan.tasks if t.code]
    per_section = {(index, task.code) for task, index, _ in numbered if task.code}
    if len(set(given)) < len(given) == len(per_section) and all(c.isdigit() for c in given):
        for task, index, _ in numbered:
            task.code = f"{index}.{task.code}" if task.code else None
    seen: dict[str, str] = {}
    for task, _, code in numbered:
        task.code = task.code or code
        if task.code in seen:
            problems.error(task.ref, f"duplicate task code '{task.code}' (also in {seen[task.code]})",
                           kind="duplicate_code")
        seen.setdefault(task.code, task.ref)
