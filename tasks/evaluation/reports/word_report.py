"""The Word report in the style of a government review report (python-docx)."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from tasks.evaluation.reports.report_file import replacing
from tasks.evaluation.reports.tables import EMPTY, ReportContent, ReportTable, cell_text, light

BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "黑体", "宋体"
FILLS = {"green": "C8E6C9", "amber": "FFF59D", "red": "FFCDD2"}
HEADER_FILL = "D9E2F3"
NUMERALS = "一二三四五六七八九十"


def _font(style_or_run: object, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a Latin and an East Asian font (Word reads w:eastAsia for Chinese text)."""
    font = style_or_run.font  # type: ignore[attr-defined]
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = style_or_run.element  # type: ignore[attr-defined]
    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _setup(doc: DocumentObject) -> None:
    """A4 pages, 仿宋 body text, 黑体 headings."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    _font(doc.styles["Normal"], BODY_FONT, 14)
    for name in ("Heading 1", "Heading 2"):
        _font(doc.styles[name], HEADING_FONT, 15 if name == "Heading 1" else 13, True)
        doc.styles[name].font.color.rgb = None
    _font(doc.styles["Table Grid"], BODY_FONT, 9)
    cell_style = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style = doc.styles["Normal"]
    _font(cell_style, BODY_FONT, 9)
    cell_style.paragraph_format.space_before = cell_style.paragraph_format.space_after = Pt(0)
    cell_style.paragraph_format.line_spacing = 1.1
    cell_style.paragraph_format.first_line_indent = Pt(0)


def _cell(text: str, fill: str | None, bold: bool = False) -> str:
    """One table cell's XML (paragraph style TableText: 9 pt, no spacing)."""
    shade = f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{fill}"/></w:tcPr>' if fill else ""
    run = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (f'<w:tc>{shade}<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr><w:r>{run}<w:t xml:space="preserve">'
            f"{escape(text)}</w:t></w:r></w:p></w:tc>")


def _table(doc: DocumentObject, table: ReportTable, content: ReportContent, text_width: int) -> None:
    """Write a report table in one go (row XML built as text: fast for thousands of rows)."""
    weights = [table.widths.get(i, 8) for i in range(len(table.columns))]
    widths = [int(text_width * w / sum(weights)) for w in weights]
    docx_table = doc.add_table(rows=0, cols=len(table.columns))
    docx_table.style = doc.styles["Table Grid"]
    for grid_col, width in zip(docx_table._tbl.tblGrid.iterchildren(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    rows = ["<w:tr><w:trPr><w:tblHeader/></w:trPr>" + "".join(_cell(c, HEADER_FILL, True) for c in table.columns)
            + "</w:tr>"]
    green, amber = content.rules.green, content.rules.amber
    for row in table.rows:
        cells = []
        for index, value in enumerate(row):
            kind = table.lights.get(index)
            colour = light(kind, value, green, amber) if kind else None
            cells.append(_cell(cell_text(value, table.formats.get(index)), FILLS.get(colour or "")))
        rows.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>")
        if len(rows) >= 500:
            _append_rows(docx_table._tbl, rows)
    _append_rows(docx_table._tbl, rows)


def _append_rows(tbl: object, rows: list[str]) -> None:
    """Parse a batch of row XML into the table, then empty the batch (keeps memory flat)."""
    if rows:
        tbl.extend(list(parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")))  # type: ignore[attr-defined]
        rows.clear()


def _heading(doc: DocumentObject, number: int, text: str) -> None:
    doc.add_heading(f"{NUMERALS[number - 1]}、{text}", level=1)


def _paragraphs(doc: DocumentObject, sentences: list[str]) -> None:
    for sentence in sentences:
        paragraph = doc.add_paragraph(sentence)
        paragraph.paragraph_format.first_line_indent = Pt(28)


def _chart(doc: DocumentObject, content: ReportContent, key: str) -> None:
    for chart in content.charts:
        if chart.key == key:
            doc.add_picture(io.BytesIO(chart.png), width=Mm(150))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = doc.add_paragraph(chart.caption)
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def write_docx(content: ReportContent, out_dir: Path) -> Path:
    """Write <stem>.docx: summary, tables by section/department/indicator, charts, risks, appendix."""
    doc = Document()
    _setup(doc)
    figures, tables = content.figures, content.tables
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(content.title), TITLE_FONT, 20, True)
    sub = doc.add_paragraph(f"（评估时点：{figures['as_of'][:4]}年{int(figures['as_of'][5:7])}月"
                            f"{int(figures['as_of'][8:])}日）")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    width = int((210 - 50) * 56.7)
    parts = [("总体情况", content.summary, None, None), ("数据完整性与评估方法", content.completeness, None, None),
             ("分领域完成情况", [], "sections", "sections"), ("部门考核得分与排名", [], "departments", "departments"),
             ("主要指标完成情况", [], "indicators", "indicators")]
    for number, (heading, sentences, table_key, chart_key) in enumerate(parts, start=1):
        _heading(doc, number, heading)
        _paragraphs(doc, sentences)
        if chart_key:
            _chart(doc, content, chart_key)
        if table_key and not tables[table_key].rows:
            _paragraphs(doc, [EMPTY[table_key]])
        elif table_key:
            doc.add_paragraph(f"表{number - 2} {tables[table_key].title}").alignment = WD_ALIGN_PARAGRAPH.CENTER
            _table(doc, tables[table_key], content, width)
    _heading(doc, 6, "逾期及存在风险的任务")
    if tables["risks"].rows:
        _paragraphs(doc, [f"截至评估时点，共有{len(tables['risks'].rows)}项任务存在逾期未完成节点或临期风险，"
                          "牵头单位及其报送的问题如下。"])
        _table(doc, tables["risks"], content, width)
    else:
        _paragraphs(doc, [EMPTY["risks"]])
    if "change" in tables:
        _heading(doc, 7, "与中期考核相比的变化")
        _table(doc, tables["change"], content, width)
    appendix = doc.add_section(WD_SECTION.NEW_PAGE)
    appendix.orientation = WD_ORIENT.LANDSCAPE
    appendix.page_width, appendix.page_height = Mm(297), Mm(210)
    doc.add_heading(tables["tasks"].title, level=1)
    _table(doc, tables["tasks"], content, int((297 - 50) * 56.7))
    path = out_dir / f"{content.stem}.docx"
    with replacing(path) as temporary:
        doc.save(str(temporary))
    return path
