"""Indicator tables of any format (序号 · 分类 · 指标名称（单位） · 方向 · 关联任务 · 原文 · baselines · targets) →
ParsedIndicators.

Year columns are baselines or targets: by their group label (基期值 / 目标值) or their own label
(基线…, 目标…), else by year — the latest year is the target, earlier years are baselines. A label
such as 全市2022年 gives the scope (全市) and the year. Cells stay text (≥95, 1/80, /, 2—3,
（2025年建成二级，2027年建成三级）): the pipeline parses them. A workbook's indicator sheet is
judged strictly (a row without a name or a repeated code is an error); a document's leniently.
"""

from __future__ import annotations

import re

from tasks.errors import Problems
from tasks.plans.importers.header_words import norm
from tasks.plans.importers.table_grid import Column, Header, RawTable, expand, is_repeated_header, join_lines
from tasks.plans.parsed import ParsedIndicator, ParsedTarget

DIRECTION_WORDS = {"越高越好": "higher", "正向": "higher", "higher": "higher", "越低越好": "lower",
                   "逆向": "lower", "lower": "lower", "保持": "equal", "持平": "equal", "equal": "equal",
                   "文字": "text", "定性": "text", "text": "text"}
DIRECTION_LABELS = {"higher": "越高越好", "lower": "越低越好", "equal": "保持", "text": "文字"}
_UNIT = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^（）()]{1,12})[）)]\s*$")


def target_kinds(columns: list[Column]) -> None:
    """Decide baseline/target for bare year columns: the latest year is the target."""
    years = [c.year for c in columns if c.kind == "year" and c.year]
    latest = max(years) if years else None
    for column in columns:
        if column.kind == "year":
            column.kind = "target" if column.year == latest or "目标" in column.label else "baseline"
        elif column.kind == "code" and column.label == "任务编号":  # in an indicator table: the related task
            column.kind = "task_ref"


def split_name(name: str) -> tuple[str, str | None]:
    """指标名称（单位） → (name, unit); a long parenthesis is part of the name."""
    match = _UNIT.match(name)
    if not match or re.search(r"\d{4}年", match.group("unit")):
        return name, None
    return match.group("name").strip(), match.group("unit").strip()


def table_indicators(table: RawTable, header: Header, file: str, problems: Problems,
                     strict: bool = False) -> list[ParsedIndicator]:
    """The indicators of one indicator table, one per data row."""
    columns = header.columns
    target_kinds(columns)
    if "name" not in {c.kind for c in columns}:
        others = [c for c in columns if c.kind in ("other", "task")]
        if others:
            others[0].kind = "name"
    width = len(columns)
    out: list[ParsedIndicator] = []
    seen: dict[str, str] = {}
    category: str | None = None
    above = [""] * width
    for row in table.rows[header.first + header.rows:]:
        if is_repeated_header(row, header) or not any(norm(c.text) for c in row.cells):
            continue
        if not table.spans_known and len(row.cells) != width:
            problems.warning(row.ref, f"row has {len(row.cells)} cells where the header has {width} columns; "
                             "cells read left to right", kind="unplaced-cell")
        values = [above[i] if cell is not None and cell.merged_above else (join_lines(cell.text) if cell else "")
                  for i, cell in enumerate(expand(row, width))]
        above = values

        def first(kind: str, values: list[str] = values) -> str | None:
            """The row's first non-empty cell in a column of ``kind``."""
            return next((v for v, c in zip(values, columns, strict=False) if c.kind == kind and v), None)

        name = first("name") or ""
        category = first("section") or category
        if not name:
            if strict:
                problems.error(row.ref, "indicator row without a name (指标名称 is empty)", kind="no_name")
            elif any(v for v, c in zip(values, columns, strict=False) if c.kind in ("baseline", "target")):
                problems.warning(row.ref, "indicator row without a name; skipped", kind="unplaced-cell")
            elif len({v for v in values if v}) == 1:
                category = next(v for v in values if v)  # a category row spanning the table
            continue
        plain, unit = split_name(name)
        code = re.sub(r"[、.．]$", "", first("code") or "") or str(len(out) + 1)
        if strict and code in seen:
            problems.error(row.ref, f"duplicate indicator code '{code}' (also in {seen[code]})", kind="duplicate_code")
        seen.setdefault(code, row.ref)
        nature = first("nature")
        indicator = ParsedIndicator(name=plain, ref=row.ref, code=code, category=category,
                                    unit=first("unit") or unit, direction=DIRECTION_WORDS.get(first("direction") or ""),
                                    statement=first("statement") or (f"指标性质：{nature}" if nature else None),
                                    task_code=first("task_ref"))
        for value, column in zip(values, columns, strict=False):
            if column.kind in ("baseline", "target") and value:
                indicator.targets.append(ParsedTarget(kind=column.kind, text=value, year=column.year,
                                                      scope=column.scope))
        out.append(indicator)
    return out
