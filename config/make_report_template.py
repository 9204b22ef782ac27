"""Build the default Word template of the review reports (config/report_template.docx).

Run ``python -m config.make_report_template [OUT]`` to regenerate it. The template is an ordinary .docx an
office may open in Word or WPS and restyle: 红头, 文号, 落款, fonts, and its own wording around the fields.
The fields are Jinja tags rendered by docxtpl (the ``{%p … %}`` tags stand in paragraphs of their own):

  office, doc_number, title, as_of_text, date_text        the letterhead, title and 落款
  overall, indicator_text, problems, next_steps            lists of sentences
  achievements                                             groups with .number, .name and .sentences
  chart_sections, chart_indicators, chart_departments      charts; caption_sections … their captions
  indicator_table, task_table, department_table,           tables: each field alone in its paragraph, which
  change_table (false when there is no mid-term)           the table replaces

Layout after GB/T 9704-2012: A4, type area 156 × 225 mm, body 仿宋 三号 on a 28.95 pt line, headings 黑体 /
楷体, the title 小标宋 二号, page numbers "— 1 —" in the footer (a PAGE field).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

DEFAULT = Path(__file__).resolve().parent / "report_template.docx"
BODY, HEI, KAI, TITLE = "仿宋", "黑体", "楷体", "方正小标宋简体"
RED = RGBColor(0xC0, 0x00, 0x00)
TABLE_TEXT = "Table Text"


def _fonts(target: object, name: str, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
    """Latin and East Asian font of a style or run (Word reads w:eastAsia for Chinese)."""
    font = target.font  # type: ignore[attr-defined]
    font.name, font.size, font.bold, font.italic = name, Pt(size), bold, False
    font.color.rgb = colour or RGBColor(0, 0, 0)
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)


def _para(doc: object, text: str = "", style: str = "Normal", align: WD_ALIGN_PARAGRAPH | None = None,
          indent: bool = False,
          font: tuple[str, float, bool] | None = None, colour: RGBColor | None = None) -> Paragraph:
    paragraph: Paragraph = doc.add_paragraph(style=style)  # type: ignore[attr-defined]
    if text:
        run = paragraph.add_run(text)
        if font:
            _fonts(run, *font, colour=colour)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Pt(32) if indent else Pt(0)
    return paragraph


def _page_number(section: object) -> None:
    """Footer "— 1 —": a PAGE field between dashes, 4号 (14 pt), centred."""
    footer = section.footer  # type: ignore[attr-defined]
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run("— "), "宋体", 14)
    field = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr><w:rFonts w:ascii="宋体" '
                      f'w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>')
    paragraph._p.append(field)
    _fonts(paragraph.add_run(" —"), "宋体", 14)


def _red_rule(paragraph: Paragraph) -> None:
    """The red line under the 红头 (a bottom border of the 文号 paragraph)."""
    borders = OxmlElement("w:pBdr")
    borders.append(parse_xml(f'<w:bottom {nsdecls("w")} w:val="single" w:sz="18" w:space="4" w:color="C00000"/>'))
    paragraph._p.get_or_add_pPr().append(borders)  # type: ignore[arg-type]


def table_text_style(doc: object) -> str:
    """The paragraph style of table cells ("Table Text": 仿宋 五号, single spacing, no indent), added when the
    document lacks it; returns its style id. The office may restyle it in the template."""
    styles = doc.styles  # type: ignore[attr-defined]
    if TABLE_TEXT not in [s.name for s in styles]:
        style = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        _fonts(style, BODY, 10.5)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        style.paragraph_format.first_line_indent = Pt(0)
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
    return str(styles[TABLE_TEXT].style_id)


def build(path: Path = DEFAULT) -> Path:
    """Write the default template to ``path`` and return it."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    normal = doc.styles["Normal"]
    _fonts(normal, BODY, 16)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28.95)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    for name, face in (("Heading 1", HEI), ("Heading 2", KAI)):
        style = doc.styles[name]
        _fonts(style, face, 16)
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.first_line_indent = Pt(32)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = Pt(28.95)
    table_text_style(doc)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    _para(doc, "{{ office }}", align=center, font=(TITLE, 26, False), colour=RED)
    _red_rule(_para(doc, "{{ doc_number }}", align=center, font=(BODY, 16, False)))
    _para(doc)
    _para(doc, "{{ title }}", align=center, font=(TITLE, 22, False))
    _para(doc, "（评估时点：{{ as_of_text }}）", align=center, font=(KAI, 16, False))
    _para(doc)

    def sentences(name: str) -> None:
        _para(doc, f"{{%p for s in {name} %}}")
        _para(doc, "{{ s }}", indent=True)
        _para(doc, "{%p endfor %}")

    def chart(key: str) -> None:
        _para(doc, f"{{{{ chart_{key} }}}}", align=center)
        _para(doc, f"{{{{ caption_{key} }}}}", align=center, font=(BODY, 14, False))

    doc.add_paragraph("一、总体进展", style="Heading 1")
    sentences("overall")
    chart("sections")
    doc.add_paragraph("二、主要成效", style="Heading 1")
    _para(doc, "{%p for group in achievements %}")
    doc.add_paragraph("（{{ group.number }}）{{ group.name }}", style="Heading 2")
    _para(doc, "{%p for s in group.sentences %}")
    _para(doc, "{{ s }}", indent=True)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    sentences("achievements_note")
    doc.add_paragraph("三、指标完成情况", style="Heading 1")
    sentences("indicator_text")
    _para(doc, "{{ indicator_table }}")
    chart("indicators")
    doc.add_paragraph("四、存在问题", style="Heading 1")
    sentences("problems")
    doc.add_paragraph("五、下一步工作", style="Heading 1")
    sentences("next_steps")
    _para(doc)
    _para(doc, "{{ office }}", align=right)
    _para(doc, "{{ date_text }}", align=right)
    _page_number(section)

    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    annex.top_margin, annex.bottom_margin = Mm(28), Mm(26)
    annex.left_margin, annex.right_margin = Mm(37), Mm(35)
    for number, heading, table, extra in (("1", "分任务进展表", "task_table", None),
                                          ("2", "分部门评价表", "department_table", "departments")):
        _para(doc, f"附件{number}", font=(HEI, 16, False))
        _para(doc, heading, align=center, font=(TITLE, 18, False))
        _para(doc, f"{{{{ {table} }}}}")
        if extra:
            chart(extra)
    _para(doc, "{%p if change_table %}")
    _para(doc, "附件3", font=(HEI, 16, False))
    _para(doc, "与中期评估相比的变化", align=center, font=(TITLE, 18, False))
    _para(doc, "{{ change_table }}")
    _para(doc, "{%p endif %}")
    doc.core_properties.title = "评估报告模板"
    doc.core_properties.author = ""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
