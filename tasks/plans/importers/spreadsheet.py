"""Importers for .xlsx and .csv division-of-labour tables (merged cells mean "same as above").

.xlsx files are streamed with openpyxl's read-only mode (fast and lean on 10,000-row sheets);
read-only mode cannot see merged ranges, so they are read from the sheet's XML and filled from
each range's top-left cell. This module only gets the grid of cell texts out of the file;
``tasks.plans.importers.workbook_sheets`` interprets it with the table rules every format shares.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from tasks.errors import ImportFailed, Problem
from tasks.plans.importers.limits import Counter, refuse
from tasks.plans.importers.registry import register
from tasks.plans.importers.workbook_sheets import Row, parse_sheets, read_task_rows
from tasks.plans.parsed import ParsedPlan
from tasks.plans.textfile import read_text

_MERGE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def cell_text(value: Any) -> str:
    """A cell value as the text a reader sees (dates as 2016年6月30日, 3.0 as 3)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value).strip()


def _fill_merges(rows: list[list[str]], refs: list[str]) -> None:
    """Copy each merged range's top-left text into every cell of the range (rows are 1-based)."""
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_col is None or min_row is None or max_col is None or max_row is None:
            continue  # a whole row or column: never a merged range
        if min_row > len(rows):
            continue
        top = rows[min_row - 1]
        value = top[min_col - 1] if min_col - 1 < len(top) else ""
        for r in range(min_row, min(max_row, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < max_col:
                row.extend([""] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                row[c - 1] = value


def _corrupt(path: Path, exc: Exception) -> ImportFailed:
    """The error for an .xlsx that cannot be read."""
    return ImportFailed(f"{path.name}: corrupted .xlsx file", [Problem(
        path.name, "", f"the workbook cannot be read ({exc.__class__.__name__}: {exc})", kind="corrupt")])


def _check_dimension(path: Path, sheet: Any, counter: Counter) -> None:
    """Refuse at once a sheet whose declared dimension (``<dimension ref="A1:J2000000"/>``) is over the limits;
    a sheet that declares none or a wrong one is still counted row by row while it streams."""
    try:
        rows, cols = sheet.max_row or 0, sheet.max_column or 0
    except (ValueError, TypeError):
        return
    bounds = counter.bounds
    if counter.rows + rows > bounds.max_rows:
        raise refuse(path.name, "max_rows", f"sheet {sheet.title} declares {rows:,} rows", bounds.max_rows)
    if counter.cells + rows * cols > bounds.max_cells:
        raise refuse(path.name, "max_cells", f"sheet {sheet.title} declares {rows:,} rows × {cols:,} columns",
                     bounds.max_cells)


def read_sheets(path: Path) -> list[tuple[str, list[Row]]]:
    """Every sheet of an .xlsx as (title, [(row number, cell texts)]) with merged cells filled."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, ParseError) as exc:
        raise _corrupt(path, exc) from None
    sheets = []
    counter = Counter(path.name)
    try:
        for sheet in workbook.worksheets:
            _check_dimension(path, sheet, counter)
            sheet.reset_dimensions()  # the declared size may be wrong: read every row there is, counting them
            rows: list[list[str]] = []
            for values in sheet.iter_rows(min_row=1, values_only=True):
                counter.row(len(values), f"sheet {sheet.title} row {len(rows) + 1}")
                rows.append([cell_text(v) for v in values])
            # read-only mode hides merges: read the sheet's XML (openpyxl keeps the archive private)
            xml = workbook._archive.read(sheet._worksheet_path)  # type: ignore[attr-defined]
            _fill_merges(rows, [m.decode() for m in _MERGE.findall(xml)])
            sheets.append((sheet.title, [(i, cells) for i, cells in enumerate(rows, start=1)]))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError, EOFError) as exc:
        raise _corrupt(path, exc) from None
    finally:
        workbook.close()
    return sheets


@register("xlsx")
def read_xlsx(path: Path) -> ParsedPlan:
    """Read a division-of-labour workbook (.xlsx)."""
    return parse_sheets(read_sheets(path), path.name, "xlsx")


@register("csv")
def read_csv(path: Path) -> ParsedPlan:
    """Read a division-of-labour table saved as CSV (UTF-8, GBK or GB18030)."""
    text = read_text(path)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[Row] = []
    line = 1
    counter = Counter(path.name)
    try:
        for cells in reader:
            counter.row(len(cells), f"row {line}")
            rows.append((line, [c.strip() for c in cells]))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailed(f"{path.name}: malformed CSV", [Problem(path.name, f"row {line}", str(exc),
                                                                  kind="format")]) from None
    return read_task_rows(rows, path.name, "csv")
