"""The Word report, rendered from the office's .docx template (docxtpl): prose, tables, charts, 落款, annex.

The template (tasks/evaluation/reports/docx_template.py) holds everything an office would change: 红头,
文号, 落款, fonts and the wording around the fields. Tables are written as XML in batches (fast for thousands
of rows), with column widths from their content, in place of the paragraphs where their fields stand.
Provenance (scoring file, its SHA-256, data as of, duban version) goes into the document's core properties,
never into the text.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage  # type: ignore[import-untyped]

from config.make_report_template import table_text_style
from tasks.evaluation.reports.docx_template import load_template
from tasks.evaluation.reports.letterhead import letterhead_for
from tasks.evaluation.reports.report_file import replacing
from tasks.evaluation.reports.review_tables import indicator_brief_table, page_widths, provenance_rows
from tasks.evaluation.reports.review_text import review_text
from tasks.evaluation.reports.summary import chinese_date
from tasks.evaluation.reports.tables import ReportContent, ReportTable, cell_text, light

FILLS = {"green": "C8E6C9", "amber": "FFF59D", "red": "FFCDD2"}
HEADER_FILL = "D9E2F3"
BODY_WIDTH = int(156 * 56.7)  # twips of the GB/T 9704 type area (156 mm)
ANNEX_WIDTH = int((297 - 72) * 56.7)  # landscape annex
_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))


def _cell(text: str, style: str, fill: str | None = None, bold: bool = False) -> str:
    """One table cell's XML: shading and a paragraph in the template's table-text style (few elements per cell:
    a 5,000-row annex stays small in memory)."""
    shade = f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{fill}"/></w:tcPr>' if fill else ""
    run = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (f'<w:tc>{shade}<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r>{run}'
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>')


def _table_element(table: ReportTable, content: ReportContent, text_width: int, style: str) -> Any:
    """A report table as one w:tbl: header repeated on each page, rows kept whole, widths from content; rows are
    parsed in batches (fast and flat in memory for thousands of rows)."""
    widths = page_widths(table, text_width)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    header = ("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
              + "".join(_cell(c, style, HEADER_FILL, True) for c in table.columns) + "</w:tr>")
    tbl = parse_xml(f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
                    f'<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
                    f"<w:tblGrid>{grid}</w:tblGrid>{header}</w:tbl>")
    green, amber = content.rules.green, content.rules.amber
    rows: list[str] = []
    for row in table.rows:
        cells = []
        for index, value in enumerate(row):
            kind = table.lights.get(index)
            colour = light(kind, value, green, amber) if kind else None
            cells.append(_cell(cell_text(value, table.formats.get(index)), style, FILLS.get(colour or "")))
        rows.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>")
        if len(rows) >= 500:
            _append_rows(tbl, rows)
    _append_rows(tbl, rows)
    return tbl


def _append_rows(tbl: Any, rows: list[str]) -> None:
    """Parse a batch of row XML into the table, then empty the batch."""
    if rows:
        tbl.extend(list(parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")))
        rows.clear()


def _place_tables(template: DocxTemplate, tables: dict[str, tuple[ReportTable, int]], content: ReportContent) -> None:
    """Put each table where its field stood alone in a paragraph (the rendered marker), in place of that paragraph."""
    markers = {_marker(key): key for key in tables}
    style = table_text_style(template.docx)
    for paragraph in list(template.docx.element.body.iterchildren(qn("w:p"))):
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip()
        if text in markers:
            table, width = tables[markers[text]]
            paragraph.addnext(_table_element(table, content, width, style))
            paragraph.getparent().remove(paragraph)


def _marker(key: str) -> str:
    return f"〔表格：{key}〕"


def _properties(template: DocxTemplate, content: ReportContent, office: str) -> None:
    """Provenance in the core properties: title, issuing office, and the scoring file, hash, data date."""
    props = template.docx.core_properties
    figures = content.figures
    props.title, props.subject, props.author = content.title, figures.kind_label, office or "duban"
    props.category = figures.kind_label
    props.comments = "；".join(f"{k}：{v}" for k, v in provenance_rows(figures))
    props.keywords = f"duban {figures.provenance.duban_version if figures.provenance else ''}".strip()
    props.created = props.modified = datetime.now(UTC).replace(tzinfo=None)
    props.last_modified_by = "duban"


def write_docx(content: ReportContent, out_dir: Path) -> Path:
    """Write <stem>.docx from the report template."""
    figures, tables = content.figures, content.tables
    template = load_template()
    text = review_text(figures)
    letter = content.letterhead or letterhead_for(figures)
    context: dict[str, object] = {
        "office": letter.office, "doc_number": letter.doc_number, "date_text": letter.date_text,
        "title": content.title, "as_of_text": chinese_date(figures.as_of),
        "overall": text.overall, "achievements": [asdict(g) for g in text.achievements],
        "achievements_note": text.achievements_note, "indicator_text": text.indicator_text,
        "problems": text.problems, "next_steps": text.next_steps,
    }
    placed = {"indicator_table": (indicator_brief_table(figures), BODY_WIDTH),
              "task_table": (tables["tasks"], ANNEX_WIDTH), "department_table": (tables["departments"], ANNEX_WIDTH)}
    if "change" in tables:
        placed["change_table"] = (tables["change"], ANNEX_WIDTH)
    placed = {key: value for key, value in placed.items() if value[0].rows}
    context.update({key: _marker(key) for key in placed})
    context.setdefault("change_table", "")
    for chart in content.charts:
        context[f"chart_{chart.key}"] = InlineImage(template, io.BytesIO(chart.png), width=Mm(150))
        context[f"caption_{chart.key}"] = chart.caption
    template.render(context, autoescape=True)
    _place_tables(template, placed, content)
    _properties(template, content, letter.office)
    path = out_dir / f"{content.stem}.docx"
    with replacing(path) as temporary:
        template.save(str(temporary))
    return path
