"""The extra sheets of a plan workbook: an indicator table (序号 · 分类 · 指标名称（单位） · baseline and
target columns) and a plan-information sheet (标题, 发文机关, 文号 …)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tasks.errors import Problem, Problems
from tasks.parsed import ParsedIndicator, ParsedTarget

Row = tuple[int, list[str]]

INFO_SHEET_TITLES = ("计划信息", "规划信息", "基本信息")
INFO_FIELDS = {"标题": "title", "发文机关": "issuing_office", "文号": "doc_number", "印发日期": "issued_on",
               "起始年份": "period_start", "截止年份": "period_end", "中期考核年份": "midterm_year",
               "终期评估年份": "final_year"}
DIRECTION_WORDS = {"越高越好": "higher", "正向": "higher", "higher": "higher", "越低越好": "lower",
                   "逆向": "lower", "lower": "lower", "保持": "equal", "持平": "equal", "equal": "equal",
                   "文字": "text", "定性": "text", "text": "text"}
DIRECTION_LABELS = {"higher": "越高越好", "lower": "越低越好", "equal": "保持", "text": "文字"}
_COLUMNS = {"code": ("序号", "编号", "指标编号"), "category": ("分类", "类别", "指标分类", "指标类别"),
            "name": ("指标名称", "指标", "指标名称（单位）"), "unit": ("单位", "计量单位"),
            "direction": ("方向", "指标方向"), "task": ("关联任务", "任务编号")}
_TASK_WORDS = {"牵头单位", "配合单位", "责任单位", "任务", "工作任务", "主要任务", "二级指标"}
_BASELINE = re.compile(r"基线|现状|基期|基准|现值")
_TARGET = re.compile(r"目标|预期|指标值")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")


def _word(text: str) -> str:
    """A header cell without spaces."""
    return re.sub(r"\s", "", text or "")


def _target_column(text: str) -> tuple[str, int | None, str] | None:
    """(kind, year, scope) of a baseline/target header such as 基线·全市2022年 or 目标2020年."""
    word = _word(text)
    kind = "baseline" if _BASELINE.search(word) else "target" if _TARGET.search(word) else None
    year = _YEAR.search(word)
    if kind is None and not (year and len(word) <= 12):
        return None
    scope = _YEAR.sub("", _TARGET.sub("", _BASELINE.sub("", word)))
    scope = re.sub(r"^[值数]|[·・:：/（）()\-—_]", "", scope).strip()
    return kind or "target", int(year.group(1)) if year else None, scope


def _header(rows: list[Row]) -> tuple[int, dict[str, int], dict[int, tuple[str, int | None, str]]] | None:
    """(header row position, named columns, target columns) of an indicator table."""
    for pos, (_, cells) in enumerate(rows[:20]):
        words = [_word(c) for c in cells]
        named = {k: words.index(w) for k, options in _COLUMNS.items() for w in options if w in words}
        if "name" not in named or set(words) & _TASK_WORDS:
            continue
        sub = rows[pos + 1][1] if pos + 1 < len(rows) else []
        two_rows = any(_YEAR.search(_word(c)) for c in sub) and not any(len(_word(c)) > 15 for c in sub)
        targets = {}
        for i, cell in enumerate(cells):
            if i in named.values():
                continue
            text = f"{cell}{sub[i] if two_rows and i < len(sub) else ''}"
            column = _target_column(text)
            if column:
                targets[i] = column
        if targets:
            return pos + (2 if two_rows else 1), named, targets
    return None


def is_indicator_table(rows: list[Row]) -> bool:
    """Whether the rows hold an indicator table (a 指标名称 column and baseline/target columns)."""
    return _header(rows) is not None


def read_indicator_rows(rows: list[Row], file: str, prefix: str = "") -> tuple[list[ParsedIndicator], list[Problem]]:
    """The indicators of a table; every row needs a name; duplicate codes are errors."""
    problems = Problems(file)
    found = _header(rows)
    if found is None:
        return [], []
    start, named, targets = found
    out: list[ParsedIndicator] = []
    seen: dict[str, str] = {}
    category = ""

    def cell(cells: list[str], key: str) -> str:
        i = named.get(key)
        return cells[i].strip() if i is not None and i < len(cells) and cells[i] else ""

    for number, cells in rows[start:]:
        if not any(c and c.strip() for c in cells):
            continue
        ref = f"{prefix}row {number}"
        name = cell(cells, "name")
        category = cell(cells, "category") or category
        if not name:
            problems.error(ref, "indicator row without a name (指标名称 is empty)", kind="no_name")
            continue
        unit = cell(cells, "unit") or None
        bracket = re.search(r"[（(]([^（）()]{1,12})[）)]$", name)
        if bracket and unit is None:
            unit = bracket.group(1)
        if bracket:
            name = name[:bracket.start()].strip()
        code = re.sub(r"[、.．]$", "", cell(cells, "code")) or str(len(out) + 1)
        if code in seen:
            problems.error(ref, f"duplicate indicator code '{code}' (also in {seen[code]})", kind="duplicate_code")
        seen.setdefault(code, ref)
        indicator = ParsedIndicator(name=name, ref=ref, code=code, category=category or None, unit=unit,
                                    direction=DIRECTION_WORDS.get(cell(cells, "direction")),
                                    task_code=cell(cells, "task") or None)
        for i, (kind, year, scope) in targets.items():
            text = cells[i].strip() if i < len(cells) and cells[i] else ""
            if text:
                indicator.targets.append(ParsedTarget(kind=kind, text=text, year=year, scope=scope))
        out.append(indicator)
    return out, problems.items


def read_plan_info(rows: list[Row]) -> dict[str, Any]:
    """Plan fields from a two-column sheet (字段 · 值); years as int, 印发日期 as a date."""
    info: dict[str, Any] = {}
    for _, cells in rows:
        if len(cells) < 2 or _word(cells[0]) not in INFO_FIELDS or not (cells[1] or "").strip():
            continue
        key, value = INFO_FIELDS[_word(cells[0])], cells[1].strip()
        if key == "issued_on":
            m = re.search(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})", value)
            info[key] = date(*(int(g) for g in m.groups())) if m else None
        elif key in ("period_start", "period_end", "midterm_year", "final_year"):
            m = _YEAR.search(value)
            info[key] = int(m.group(1)) if m else None
        else:
            info[key] = value
    return info
