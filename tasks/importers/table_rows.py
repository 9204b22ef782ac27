"""Turn a division-of-labour table (Word grid or text dump) into ParsedTasks.

Rules: header rows repeated at page breaks are skipped; an empty or vertically merged
section cell means "same as above"; a progress cell spanning several year columns applies
to each year it covers. Text dumps do not record spans: a row with fewer cells than the
header is widened inside the progress block (see ``fit_spans``).
"""

from __future__ import annotations

import re

from tasks.errors import ImportFailed, Problems
from tasks.importers.table_grid import (Cell, Header, RawRow, RawTable, expand, is_repeated_header, join_lines,
                                        join_units, norm)
from tasks.importers.responsibility import parse_marker
from tasks.parsed import ParsedMilestone, ParsedTask
from tasks.units import split_units

UNIT_KINDS = ("lead", "support", "responsible")
_HEADING_NUMBER = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．](?!\d))\s*")


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


def table_tasks(table: RawTable, header: Header, file: str, problems: Problems) -> list[ParsedTask]:
    """The tasks of one division-of-labour table."""
    columns = header.columns
    for column in columns:
        if column.kind == "year":  # a bare year column of a task table is that year's schedule cell
            column.kind = "progress"
    kinds = {c.kind for c in columns}
    if not kinds & set(UNIT_KINDS):
        labels = " | ".join(c.label for c in columns if c.label)
        message = (f"table {table.number} has no unit column (牵头单位/配合单位/责任单位) in its header "
                   f"({header.ref}: {labels})")
        problems.error(header.ref, message, kind="no-unit-column")
        raise ImportFailed(f"{file}: table {table.number} has no unit column", problems.items)
    if "task" not in kinds:
        candidates = [c for c in columns if c.kind in ("other", "name")]
        if not candidates:
            message = f"table {table.number} has no task column (任务/工作内容/二级指标) in its header ({header.ref})"
            problems.error(header.ref, message, kind="no-task-column")
            raise ImportFailed(f"{file}: table {table.number} has no task column", problems.items)
        candidates[0].kind = "task"  # an unlabelled text column beside the unit columns
    width = len(columns)
    tasks: list[ParsedTask] = []
    sections: dict[str, int] = {}
    section = ""
    counters: dict[str, int] = {}
    above: list[str] = [""] * width
    for row in table.rows[header.first + header.rows:]:
        if is_repeated_header(row, header) or not any(norm(c.text) for c in row.cells):
            continue
        spans = None
        if not table.spans_known and len(row.cells) != width:
            spans = fit_spans(row, header)
            if spans is None:
                problems.warning(row.ref, f"row has {len(row.cells)} cells where the header has {width} "
                                 "columns; cells read left to right", kind="unplaced-cell")
        grid = expand(row, width, spans)
        heading = _section_row(grid, width)
        if heading:
            section = heading
            continue
        values = [_value(cell, above[i]) for i, cell in enumerate(grid)]
        above = values
        by_kind: dict[str, list[str]] = {}
        for column, value in zip(columns, values):
            by_kind.setdefault(column.kind, []).append(value)
        text = join_lines("\n".join(v for v in by_kind.get("task", []) if v))
        if by_kind.get("section") and not section_same_as_above(by_kind["section"][0]):
            section = join_lines(by_kind["section"][0])
        if not text:
            if any(v for k, vs in by_kind.items() if k != "section" for v in vs):
                problems.warning(row.ref, "row has no task text; skipped", kind="unplaced-cell")
            continue
        sections.setdefault(section, len(sections) + 1)
        counters[section] = counters.get(section, 0) + 1
        given = join_lines(by_kind.get("code", [""])[0])
        code = given or (f"{sections[section]}.{counters[section]}" if section else str(counters[section]))
        task = ParsedTask(text=text, ref=row.ref, code=code, section_path=[section] if section else [])
        _add_units(task, by_kind)
        for column, value in zip(columns, values):
            if column.kind == "progress" and join_lines(value):
                task.milestones.append(ParsedMilestone(label=column.label, text=join_lines(value)))
        remark = join_lines("\n".join(v for v in by_kind.get("remark", []) if v))
        task.remark = remark or None
        if not task.lead and not task.responsible:
            problems.warning(row.ref, f"row {code} has no lead unit (牵头单位/责任单位 empty)", kind="no-lead")
        tasks.append(task)
    return tasks


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


def _section_row(grid: list[Cell | None], width: int) -> str:
    """The title of a row that is one cell across (most of) the table: a section heading row."""
    cells = {id(c): c for c in grid if c is not None and norm(c.text) and not c.merged_above}
    if len(cells) != 1:
        return ""
    cell = next(iter(cells.values()))
    if sum(c is cell for c in grid) * 2 < width and len([c for c in grid if c is not None]) > 1:
        return ""
    return _HEADING_NUMBER.sub("", join_lines(cell.text)).strip()


def _value(cell: Cell | None, above: str) -> str:
    """A cell's text; a vertically merged continuation takes the text of the cell above."""
    if cell is None:
        return ""
    if cell.merged_above:
        return above
    return cell.text


def section_same_as_above(text: str) -> bool:
    """Whether a section cell means "same as above" (empty, 同上, 〃)."""
    return norm(text) in ("", "同上", "〃", "\"", "”")

