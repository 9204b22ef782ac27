"""Plain-text plans: dumps of Word tables (one cell per line) and prose with responsibility markers.

Table dump format (as published texts come): a line starting with a tab opens a cell; rows are
separated by blank lines; a non-empty line without a tab continues the current cell (a wrapped
cell). After a blank line such a line still continues the cell when the row is short of the
header width and the last cell does not end a sentence (市民政局、⏎⏎市卫生计生委); otherwise it is
text between tables (a caption). Spans are not recorded: see ``table_rows.fit_spans``.
A table copied as one row per line with tab-separated cells is read too.
"""

from __future__ import annotations

from pathlib import Path

from tasks.plans.importers.document_plan import Document, build_plan
from tasks.plans.importers.limits import Counter
from tasks.plans.importers.prose_reader import Para
from tasks.plans.importers.registry import register
from tasks.plans.importers.table_grid import Cell, RawRow, RawTable, ends_sentence, find_header
from tasks.plans.parsed import ParsedPlan
from tasks.plans.textfile import read_text


@register("text")
def read_text_plan(path: Path) -> ParsedPlan:
    """Read a .txt plan: table dump if most lines are tab-started cells, else prose."""
    text = read_text(path)
    return build_plan(parse_text(text, path.name))


def parse_text(text: str, file: str) -> Document:
    """Split a text into paragraphs and table dumps."""
    lines = text.split("\n")
    counter = Counter(file)
    for number in range(1, len(lines) + 1):
        counter.paragraph(f"line {number}")
    cell_lines = sum(1 for line in lines if line.startswith("\t"))
    content = sum(1 for line in lines if line.strip())
    row_lines = sum(1 for line in lines if len(line.strip("\t").split("\t")) >= 3)
    if content and row_lines * 3 >= content and row_lines >= 3:
        paras, tables = _tab_rows(lines)
        outside = {int(p.ref.split()[1]) for p in paras}
        text = "\n".join(line if n in outside else "" for n, line in enumerate(lines, 1))
    elif content and cell_lines * 3 >= content:
        paras, tables = _dump(lines)
        outside = {int(p.ref.split()[1]) for p in paras}
        text = "\n".join(line if n in outside else "" for n, line in enumerate(lines, 1))
    else:
        paras = [Para(f"line {n}", line.strip()) for n, line in enumerate(lines, 1) if line.strip()]
        tables = []
    return Document(file, "text", paras, tables, text)


def _dump(lines: list[str]) -> tuple[list[Para], list[RawTable]]:
    """Rows of cells from a one-cell-per-line dump, and the paragraphs between tables."""
    paras: list[Para] = []
    tables: list[RawTable] = []
    rows: list[RawRow] = []
    row: list[Cell] | None = None
    row_ref = ""
    blank = False
    width = 0

    def close_row() -> None:
        nonlocal row, width
        if row is not None:
            rows.append(RawRow(row_ref, row))
            if not width and len(rows) >= 2:
                header = find_header(RawTable(len(tables) + 1, rows, spans_known=False))
                width = len(header.columns) if header else 0
        row = None

    def close_table() -> None:
        nonlocal rows, width
        close_row()
        if rows:
            tables.append(RawTable(len(tables) + 1, rows, spans_known=False))
        rows, width = [], 0

    for number, line in enumerate(lines, 1):
        if not line.strip() and not line.startswith("\t"):
            blank = True
            continue
        if line.startswith("\t"):
            if row is None or blank:
                close_row()
                row, row_ref = [], f"line {number}"
            row.append(Cell(line.strip()))
        elif row is not None and (not blank or _continues(row, width)):
            row[-1].text += "\n" + line.strip()
        else:
            close_table()
            paras.append(Para(f"line {number}", line.strip()))
        blank = False
    close_table()
    return paras, tables


def _tab_rows(lines: list[str]) -> tuple[list[Para], list[RawTable]]:
    """Tables copied from Word as one row per line, cells separated by tabs."""
    paras: list[Para] = []
    tables: list[RawTable] = []
    rows: list[RawRow] = []
    for number, line in enumerate(lines, 1):
        if "\t" in line.strip("\t") or (rows and line.startswith("\t")):
            rows.append(RawRow(f"line {number}", [Cell(cell.strip()) for cell in line.rstrip("\n").split("\t")]))
            continue
        if rows and line.strip():
            tables.append(RawTable(len(tables) + 1, rows, spans_known=False))
            rows = []
        if line.strip():
            paras.append(Para(f"line {number}", line.strip()))
    if rows:
        tables.append(RawTable(len(tables) + 1, rows, spans_known=False))
    return paras, tables


def _continues(row: list[Cell], width: int) -> bool:
    """Whether a line after a blank line still belongs to the row's last cell."""
    last = row[-1].text.strip() if row else ""
    return bool(last) and not ends_sentence(last) and (not width or len(row) < width)
