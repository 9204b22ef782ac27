"""The report's tables as an Excel workbook: a sheet each, with traffic-light conditional formatting."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tasks.evaluation.reports.report_file import replacing
from tasks.evaluation.reports.review_tables import column_widths, narrative_source_table, provenance_rows
from tasks.evaluation.reports.tables import (
    AMBER_WORDS,
    GREEN_WORDS,
    LIGHT_SCORE,
    RED_WORDS,
    ReportContent,
    ReportTable,
)
from tasks.worksheets import keep_text

FILLS = {"green": PatternFill("solid", start_color="C8E6C9", end_color="C8E6C9"),
         "amber": PatternFill("solid", start_color="FFF59D", end_color="FFF59D"),
         "red": PatternFill("solid", start_color="FFCDD2", end_color="FFCDD2")}
HEADER_FILL = PatternFill("solid", start_color="D9E2F3", end_color="D9E2F3")
NUMBER_FORMATS = {"pct": "0.0%", "num": "0.00"}


def _lights(sheet: Worksheet, column: int, kind: str, rows: int, green: float, amber: float) -> None:
    """Conditional formatting on one column: green / amber / red by score or by verdict word."""
    if rows == 0:
        return
    letter = get_column_letter(column)
    area = f"{letter}2:{letter}{rows + 1}"
    if kind == LIGHT_SCORE:
        rules = [("green", CellIsRule(operator="greaterThanOrEqual", formula=[f"{green:g}"], fill=FILLS["green"])),
                 ("amber", CellIsRule(operator="between", formula=[f"{amber:g}", f"{green:g}"], fill=FILLS["amber"])),
                 ("red", CellIsRule(operator="lessThan", formula=[f"{amber:g}"], fill=FILLS["red"]))]
    else:
        rules = [(colour, CellIsRule(operator="equal", formula=[f'"{word}"'], fill=FILLS[colour]))
                 for colour, words in (("green", GREEN_WORDS), ("amber", AMBER_WORDS), ("red", RED_WORDS))
                 for word in words]
    for _colour, rule in rules:
        sheet.conditional_formatting.add(area, rule)


def _sheet(book: Workbook, table: ReportTable, content: ReportContent) -> None:
    """One table as one sheet: bold frozen header, widths, number formats, lights."""
    sheet = book.create_sheet(table.key)
    sheet.append(table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table.rows:
        sheet.append(row)
    for index, fmt in table.formats.items():
        if fmt in NUMBER_FORMATS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = NUMBER_FORMATS[fmt]
    for index, width in enumerate(column_widths(table)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width + 2
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    for index, kind in table.lights.items():
        _lights(sheet, index + 1, kind, len(table.rows), content.rules.green, content.rules.amber)


def write_xlsx(content: ReportContent, out_dir: Path) -> Path:
    """Write <stem>.xlsx: a 概况 sheet with the key sentences, then one sheet per table."""
    book = Workbook()
    overview = book.active
    assert isinstance(overview, Worksheet)  # a new workbook starts with one (work)sheet, the active one
    overview.title = "概况"
    overview.append([content.title])
    overview["A1"].font = Font(bold=True, size=14)
    figures = content.figures
    for label, value in (("评估类型", figures.kind_label), ("评估时点", figures.as_of),
                         ("任务完成率", figures.summary.completion_rate),
                         ("报送完整率", figures.completeness.share_received),
                         ("有数据指标", f"{figures.completeness.indicators_with_data}/"
                                        f"{figures.completeness.indicators_total}")):
        overview.append([label, value])
    for row in (4, 5):
        overview.cell(row=row, column=2).number_format = "0.0%"
    overview.append([])
    for sentence in content.summary + content.completeness:
        overview.append([sentence])
    overview.column_dimensions["A"].width = 18
    overview.column_dimensions["B"].width = 70
    for table in content.tables.values():
        _sheet(book, table, content)
    _sheet(book, narrative_source_table(figures), content)
    source = book.create_sheet("来源")
    source.append(["项目", "内容"])
    for label, value in provenance_rows(figures):
        source.append([label, value])
    source.column_dimensions["A"].width = 18
    source.column_dimensions["B"].width = 90
    path = out_dir / f"{content.stem}.xlsx"
    with replacing(path) as temporary:
        keep_text(book).save(str(temporary))
    return path
