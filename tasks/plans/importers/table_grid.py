"""A table as any reader delivers it (.xlsx/.csv sheet, Word grid, text dump), and its recognised header.

Every tabular reader produces ``RawTable``s: rows of cells with a row reference (``row 7``,
``table 1 row 7``, ``line 42``), each cell with its grid span and vertical-merge flag (a
spreadsheet fills its merges into the cells they cover instead). ``find_header`` tells which
column holds what (section, task, years, units, indicator baselines/targets), including two-row
headers such as 实施进度 over 2016年/2017年/2020年; the header words themselves live in ``header_words``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.plans.importers.header_words import YEAR_RE, classify, norm

_SENTENCE_END = "。！？；;!?"
_UNIT_SEPARATORS = "、，,；;：:"
_HEADER_SCAN = 30


@dataclass
class Cell:
    """One cell: its paragraphs joined by newlines, its width in grid columns, vMerge continuation."""

    text: str
    span: int = 1
    merged_above: bool = False


@dataclass
class RawRow:
    """A physical row and where it was found (``row 7``, ``table 1 row 3`` or ``line 20``)."""

    ref: str
    cells: list[Cell]


@dataclass
class RawTable:
    """A table: its number in the document and its rows; spans are unknown for text dumps."""

    number: int
    rows: list[RawRow]
    spans_known: bool = True
    name: str = ""

    @property
    def label(self) -> str:
        """How messages name the table (``table 2``, ``sheet 任务表``)."""
        return self.name or f"table {self.number}"


@dataclass
class Column:
    """A grid column: what it holds, its label, and (for year columns) year, scope and group."""

    kind: str  # code section level2 task name unit progress lead support responsible remark nature baseline target …
    label: str
    year: int | None = None
    scope: str = ""
    sub: bool = False  # came from the second header row


@dataclass
class Header:
    """The recognised header: its rows (to skip repeats), columns, and where it was found."""

    rows: int  # 1 or 2 physical rows
    first: int  # index of the first header row in RawTable.rows
    columns: list[Column]
    texts: list[tuple[str, ...]] = field(default_factory=list)
    ref: str = ""
    labels: list[set[str]] = field(default_factory=list)  # per column: its header words (top and sub row)

    def kinds(self) -> set[str]:
        """The kinds of column the header names."""
        return {c.kind for c in self.columns}

    def holds(self) -> str:
        """What the table is: ``tasks`` (unit or task columns), ``indicators`` (指标名称, baselines, targets) or ''."""
        kinds = self.kinds()
        if kinds & {"lead", "support", "responsible", "task"}:
            return "tasks"
        return "indicators" if kinds & {"name", "baseline", "target", "year"} else ""


def join_lines(text: str) -> str:
    """A cell's paragraphs as one text: Chinese wraps join without a space."""
    if "\n" not in text:
        return text.strip()
    out = ""
    for line in (part.strip() for part in text.split("\n")):
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out


def join_units(text: str) -> str:
    """A unit cell's paragraphs as one list: a paragraph break separates units unless a separator ends it."""
    out = ""
    for line in (part.strip() for part in text.split("\n")):
        if not line:
            continue
        if out and out[-1] not in _UNIT_SEPARATORS:
            out += "、"
        out += line
    return out.rstrip(_UNIT_SEPARATORS)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence (so a following line is not its continuation)."""
    return bool(text) and text.rstrip()[-1:] in _SENTENCE_END


def find_header(table: RawTable) -> Header | None:
    """The header of ``table``: the first row with two kinds of known label, plus a sub-header row."""
    for index, row in enumerate(table.rows[:_HEADER_SCAN]):
        kinds = [classify(c.text) for c in row.cells]
        if len(set(kinds) - {"", "other", "year"}) < 2:  # distinct kinds: a title merged across is no header
            continue
        nxt = table.rows[index + 1] if index + 1 < len(table.rows) else None
        if nxt is not None and _is_subheader(row, nxt):
            return _settle(_two_row_header(table, index, row, nxt))
        columns = []
        for cell, kind in zip(row.cells, kinds, strict=False):
            columns += [_column(kind, cell.text) for _ in range(max(cell.span, 1))]
        return _settle(Header(1, index, columns, [_texts(row)], row.ref, [{c.label} - {""} for c in columns]))
    return None


def _settle(header: Header) -> Header:
    """二级指标 is the task text unless a separate task column exists (then it is a category)."""
    if "task" not in header.kinds():
        for column in header.columns:
            if column.kind == "level2":
                column.kind = "task"
    return header


def _sub_labels(top: RawRow, sub: RawRow) -> list[str]:
    """The second row's labels by grid column; a cell merged down from the top row has none."""
    above = [norm(c.text) for c in top.cells for _ in range(max(c.span, 1))]
    out: list[str] = []
    for cell in sub.cells:
        text = "" if cell.merged_above else norm(cell.text)
        for _ in range(max(cell.span, 1)):
            out.append("" if len(out) < len(above) and text == above[len(out)] else text)
    return out


def _is_subheader(top: RawRow, row: RawRow) -> bool:
    """A second header row (years under 实施进度, 牵头/配合 under 责任单位) holds only known labels."""
    texts = [t for t in _sub_labels(top, row) if t]
    return bool(texts) and all(classify(t) not in ("other", "task") for t in texts) and any(
        classify(t) in ("year", "baseline", "target", "progress", "lead", "support") or YEAR_RE.search(t)
        for t in texts)


def _two_row_header(table: RawTable, index: int, top: RawRow, sub: RawRow) -> Header:
    """Combine a group row (实施进度) and its sub-labels (2016年 …) into one column list."""
    top_cells = list(top.cells)
    width = sum(c.span for c in sub.cells)
    if not table.spans_known and sum(c.span for c in top_cells) < width:
        first = next(i for i, c in enumerate(sub.cells) if norm(c.text))
        if first < len(top_cells):
            grow = width - sum(c.span for c in top_cells)
            top_cells[first] = Cell(top_cells[first].text, top_cells[first].span + grow)
    top_labels: list[str] = []
    for cell in top_cells:
        top_labels += [cell.text] * max(cell.span, 1)
    sub_labels = _sub_labels(RawRow(top.ref, top_cells), sub)
    columns: list[Column] = []
    labels: list[set[str]] = []
    for pos, label in enumerate(top_labels):
        below = sub_labels[pos] if pos < len(sub_labels) else ""
        columns.append(_sub_column(label, below) if below else _column(classify(label), label))
        labels.append({norm(label), below} - {""})
    return Header(2, index, columns, [_texts(top), _texts(sub)], top.ref, labels)


def _column(kind: str, label: str) -> Column:
    """A column from a single header label."""
    text = norm(label)
    if kind == "year":
        found = YEAR_RE.search(text)
        assert found is not None  # classify() calls a label a year column only when it holds a year
        year = int(found.group(1))
        return Column("year", text, year, _scope(text))
    if kind == "group":  # 实施进度 without year labels below: one schedule column
        return Column("progress", text)
    if kind in ("baseline", "target"):
        match = YEAR_RE.search(text)
        return Column(kind, text, int(match.group(1)) if match else None, _scope(text))
    return Column(kind or "other", text)


def _sub_column(group: str, label: str) -> Column:
    """A column under a group label: a year under 实施进度, a baseline under 基期值, …"""
    text = norm(label)
    group_kind = classify(group)
    match = YEAR_RE.search(text)
    year = int(match.group(1)) if match else None
    own = classify(text)
    if own in ("baseline", "target"):
        kind = own
    elif group_kind in ("baseline", "target"):
        kind = group_kind
    elif group_kind in ("group", "progress"):
        kind = "progress"
    else:
        kind = "year" if year else own
    return Column(kind, text, year, _scope(text), sub=True)


def _scope(label: str) -> str:
    """The scope part of a year label: 全市2022年 → 全市."""
    text = YEAR_RE.sub("", label)
    text = re.sub(r"[（）()]|基期值?|目标值?|现状值?|基线值?|规划|预期|年度?|值$", "", text)
    return text.strip()


def _texts(row: RawRow) -> tuple[str, ...]:
    """The non-empty normalised texts of a row, to recognise a repeated header."""
    return tuple(norm(c.text) for c in row.cells if norm(c.text) and not c.merged_above)


def is_repeated_header(row: RawRow, header: Header, values: list[str] | None = None) -> bool:
    """A header row repeated at a page break: the header's labels again, in order or column by column."""
    texts = _texts(row)
    if not texts or texts in header.texts:
        return bool(texts)
    seen = False
    for i, value in enumerate(values or []):
        if value:
            if i >= len(header.labels) or norm(value) not in header.labels[i]:
                return False
            seen = True
    return seen


def expand(row: RawRow, width: int, fixed_spans: list[int] | None = None) -> list[Cell | None]:
    """The row as one entry per grid column; a spanning cell is repeated in each column it covers."""
    out: list[Cell | None] = []
    spans = fixed_spans or [c.span for c in row.cells]
    for cell, span in zip(row.cells, spans, strict=False):
        out += [cell] * max(span, 1)
    out += [None] * (width - len(out))
    return out[:width]
