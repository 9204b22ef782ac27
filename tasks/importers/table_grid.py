"""A table as read from a document (Word grid or text dump), and its recognised header.

Both the Word reader and the text-dump reader produce ``RawTable``s; ``find_header`` tells
which column holds what (section, task, years, units, indicator baselines/targets), including
two-row headers such as 实施进度 over 2016年/2017年/2020年.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SENTENCE_END = "。！？；;!?"
_UNIT_SEPARATORS = "、，,；;：:"


@dataclass
class Cell:
    """One cell: its paragraphs joined by newlines, its width in grid columns, vMerge continuation."""

    text: str
    span: int = 1
    merged_above: bool = False


@dataclass
class RawRow:
    """A physical row and where it was found (``table 1 row 3`` or ``line 20``)."""

    ref: str
    cells: list[Cell]


@dataclass
class RawTable:
    """A table: its number in the document and its rows; spans are unknown for text dumps."""

    number: int
    rows: list[RawRow]
    spans_known: bool = True


@dataclass
class Column:
    """A grid column: what it holds, its label, and (for year columns) year, scope and group."""

    kind: str  # code section task name unit progress lead support responsible remark nature baseline target other
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

    def kinds(self) -> set[str]:
        return {c.kind for c in self.columns}


_KINDS: list[tuple[str, str]] = [
    ("lead", r"牵头单位|牵头部门|主责单位|主责部门|主办单位|牵头责任单位|^牵头$"),
    ("support", r"配合单位|配合部门|协办单位|协作单位|参与单位|参与部门|^配合$"),
    ("responsible", r"责任单位|责任部门|实施单位|承办单位|责任主体|负责单位|责任处室"),
    ("remark", r"^备注"),
    ("code", r"^(序号|编号|序列)$"),
    ("nature", r"指标性质|^属性$"),
    ("section", r"一级指标|^(类别|分类|领域|重点领域|类型|任务类别|工作类别|项目类别|板块)$"),
    ("task", r"二级指标|任务|工作内容|工作措施|主要内容|具体措施|工作目标|重点工作|主要措施|^内容$|^事项$"),
    ("name", r"指标名称|^指标$|^指标项$|^主要指标$"),
    ("unit", r"^(计量)?单位$"),
    ("group", r"实施进度|进度安排|时间安排|年度目标|阶段目标|时间进度|年度任务|分年度"),
    ("progress", r"完成时限|完成时间|时间节点|时限要求|进度要求|时限|^进度$"),
    ("baseline", r"基期|现状|基线|现值|基数|基准"),
    ("target", r"目标值|规划目标|预期目标|^目标$"),
]
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年?")


def norm(text: str) -> str:
    """A label without whitespace, for comparing header cells."""
    return re.sub(r"\s+", "", text)


def classify(label: str) -> str:
    """The kind of a header label (``other`` when unknown, ``year`` for a bare year)."""
    text = norm(label)
    if not text:
        return ""
    for kind, pattern in _KINDS:
        if re.search(pattern, text):
            return kind
    if YEAR_RE.search(text) and len(text) <= 12:
        return "year"
    return "other"


def join_lines(text: str) -> str:
    """A cell's paragraphs as one text: Chinese wraps join without a space."""
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
    """The header of ``table``: the first row with two or more known labels, plus a sub-header row."""
    for index, row in enumerate(table.rows[:6]):
        kinds = [classify(c.text) for c in row.cells]
        known = [k for k in kinds if k not in ("", "other", "year")]
        if len(known) < 2:
            continue
        nxt = table.rows[index + 1] if index + 1 < len(table.rows) else None
        if nxt is not None and _is_subheader(nxt):
            return _two_row_header(table, index, row, nxt)
        columns = []
        for cell, kind in zip(row.cells, kinds):
            columns += [_column(kind, cell.text) for _ in range(max(cell.span, 1))]
        return Header(1, index, columns, [_texts(row)], row.ref)
    return None


def _is_subheader(row: RawRow) -> bool:
    """A second header row (years under 实施进度, 牵头/配合 under 责任单位) holds only known labels."""
    texts = [norm(c.text) for c in row.cells if not c.merged_above and norm(c.text)]
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
    sub_labels: list[str] = []
    for cell in sub.cells:
        sub_labels += ["" if cell.merged_above else cell.text] * max(cell.span, 1)
    columns: list[Column] = []
    for pos, label in enumerate(top_labels):
        below = sub_labels[pos] if pos < len(sub_labels) else ""
        if norm(below):
            columns.append(_sub_column(label, below))
        else:
            columns.append(_column(classify(label), label))
    return Header(2, index, columns, [_texts(top), _texts(sub)], top.ref)


def _column(kind: str, label: str) -> Column:
    """A column from a single header label."""
    text = norm(label)
    if kind == "year":
        year = int(YEAR_RE.search(text).group(1))  # type: ignore[union-attr]
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


def is_repeated_header(row: RawRow, header: Header) -> bool:
    """A header row repeated at a page break (same labels as the header's rows)."""
    texts = _texts(row)
    return bool(texts) and texts in header.texts


def expand(row: RawRow, width: int, fixed_spans: list[int] | None = None) -> list[Cell | None]:
    """The row as one entry per grid column; a spanning cell is repeated in each column it covers."""
    out: list[Cell | None] = []
    spans = fixed_spans or [c.span for c in row.cells]
    for cell, span in zip(row.cells, spans):
        out += [cell] * max(span, 1)
    out += [None] * (width - len(out))
    return out[:width]
