"""Indicator annex tables (序号 · 分类 · 指标名称（单位） · baseline and target columns) → ParsedIndicators.

Year columns are baselines or targets: by their group label (基期值 / 目标值) or their own label
(…目标), else by year — the latest year is the target, earlier years are baselines. A label
such as 全市2022年 gives the scope (全市) and the year. Cells stay text (≥95, 1/80, /, 2—3,
（2025年建成二级，2027年建成三级）): the pipeline parses them.
"""

from __future__ import annotations

import re

from tasks.errors import Problems
from tasks.importers.table_grid import Column, Header, RawTable, expand, is_repeated_header, join_lines, norm
from tasks.parsed import ParsedIndicator, ParsedTarget

_UNIT = re.compile(r"^(?P<name>.+?)\s*[（(](?P<unit>[^（）()]{1,12})[）)]\s*$")


def target_kinds(columns: list[Column]) -> None:
    """Decide baseline/target for bare year columns: the latest year is the target."""
    years = [c.year for c in columns if c.kind == "year" and c.year]
    latest = max(years) if years else None
    for column in columns:
        if column.kind == "year":
            column.kind = "target" if column.year == latest or "目标" in column.label else "baseline"


def split_name(name: str) -> tuple[str, str | None]:
    """指标名称（单位） → (name, unit); a long parenthesis is part of the name."""
    match = _UNIT.match(name)
    if not match or re.search(r"\d{4}年", match.group("unit")):
        return name, None
    return match.group("name").strip(), match.group("unit").strip()


def table_indicators(table: RawTable, header: Header, file: str, problems: Problems) -> list[ParsedIndicator]:
    """The indicators of one annex table, one per data row."""
    columns = header.columns
    target_kinds(columns)
    if "name" not in {c.kind for c in columns}:
        others = [c for c in columns if c.kind in ("other", "task")]
        if others:
            others[0].kind = "name"
    width = len(columns)
    out: list[ParsedIndicator] = []
    category: str | None = None
    above = [""] * width
    count = 0
    for row in table.rows[header.first + header.rows:]:
        if is_repeated_header(row, header) or not any(norm(c.text) for c in row.cells):
            continue
        if not table.spans_known and len(row.cells) != width:
            problems.warning(row.ref, f"row has {len(row.cells)} cells where the header has {width} columns; "
                             "cells read left to right", kind="unplaced-cell")
        values = [above[i] if cell is not None and cell.merged_above else (join_lines(cell.text) if cell else "")
                  for i, cell in enumerate(expand(row, width))]
        above = values
        cells = dict(zip(range(width), values))
        name = next((cells[i] for i, c in enumerate(columns) if c.kind == "name" and cells[i]), "")
        for i, column in enumerate(columns):
            if column.kind == "section" and cells[i]:
                category = cells[i]
        if not name:
            if any(cells[i] for i, c in enumerate(columns) if c.kind in ("baseline", "target")):
                problems.warning(row.ref, "indicator row without a name; skipped", kind="unplaced-cell")
            elif len([v for v in values if v]) == 1:
                category = next(v for v in values if v)  # a category row spanning the table
            continue
        count += 1
        plain, unit = split_name(name)
        unit_cell = next((cells[i] for i, c in enumerate(columns) if c.kind == "unit" and cells[i]), None)
        code = next((cells[i] for i, c in enumerate(columns) if c.kind == "code" and cells[i]), None)
        nature = next((cells[i] for i, c in enumerate(columns) if c.kind == "nature" and cells[i]), None)
        indicator = ParsedIndicator(name=plain, ref=row.ref, code=code or str(count), category=category,
                                    unit=unit_cell or unit, statement=f"指标性质：{nature}" if nature else None)
        for i, column in enumerate(columns):
            if column.kind in ("baseline", "target") and cells[i]:
                indicator.targets.append(ParsedTarget(kind=column.kind, text=cells[i], year=column.year,
                                                      scope=column.scope))
        out.append(indicator)
    return out
