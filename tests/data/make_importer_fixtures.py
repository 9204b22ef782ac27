"""Build the small invented document fixtures of the importer tests (run once; outputs are committed).

    .venv/bin/python tests/data/make_importer_fixtures.py
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import docx
import docx.document
import docx.text.paragraph

HERE = Path(__file__).resolve().parent

PROSE = [
    "青云县人民政府办公室文件",
    "青政办发〔2023〕12号",
    "青云县人民政府办公室关于印发青云县心理健康促进行动方案（2023—2025年）的通知",
    "各乡镇人民政府、街道办事处，县政府各部门：",
    "现将《青云县心理健康促进行动方案（2023—2025年）》印发给你们，请认真贯彻执行。",
    "青云县人民政府办公室",
    "2023年3月15日",
    "青云县心理健康促进行动方案（2023—2025年）",
    "一、完善服务网络",
    "（一）健全县级心理健康服务机构。2023年底前，县人民医院设立心理门诊，配备专职心理治疗师不少于2名。"
    "〔责任单位：县卫生健康委、县人民医院〕",
    "（二）推进基层服务站点建设。每个乡镇卫生院设立心理咨询室，2024年6月底前全覆盖。"
    "〔责任单位：县卫生健康委、县民政局，各乡镇（街道）〕",
    "二、加强重点人群服务",
    "（一）学生心理健康",
    "1. 中小学校每学期开展一次心理健康普查，建立学生心理健康档案。"
    "【牵头单位：县教育局；配合单位：县卫生健康委、团县委】",
    "2. 每季度组织一次校园心理危机干预演练。",
    "〔责任单位：县教育局〕",
    "（二）老年人心理关爱",
    "1. 依托养老服务中心开展老年人心理关爱服务，2025年底前覆盖所有街道。",
    "（县民政局牵头，县卫生健康委、县老龄办配合）",
    "三、组织实施",
    "县卫生健康委要加强统筹协调，2024年对方案实施情况进行中期评估，2025年开展终期评估。",
]


def prose_docx(path: Path) -> None:
    """A Word prose plan with 〔责任单位：…〕 and 【牵头单位：…；配合单位：…】 markers."""
    document = docx.Document()
    for text in PROSE:
        document.add_paragraph(text)
    document.save(path)


def _numbering_definitions(document: docx.document.Document) -> None:
    """Two lists in numbering.xml: abstract 90 (一、 / （一） / 1.) as num 90, and abstract 91 (a bare
    decimal) as num 91 and, restarted at 1, as num 92."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def level(ilvl: int, fmt: str, text: str, suffix: str = "nothing") -> str:
        return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/></w:lvl>')

    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
                                  + level(0, "chineseCounting", "%1、") + level(1, "chineseCounting", "（%2）")
                                  + level(2, "decimal", "%3.", "tab") + "</w:abstractNum>"))
    numbering.insert(1, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91">'
                                  + level(0, "decimal", "%1") + "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="92"><w:abstractNumId w:val="91"/>'
                               '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))


def _number(paragraph: docx.text.paragraph.Paragraph, num_id: int, ilvl: int = 0) -> None:
    """Give ``paragraph`` automatic numbering (list ``num_id``, level ``ilvl``)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def auto_numbered_docx(path: Path) -> None:
    """The prose plan of prose_markers.docx with its 一、 （一） 1. typed by Word's automatic numbering, not
    in the text."""
    import re

    document = docx.Document()
    _numbering_definitions(document)
    for text in PROSE:
        for ilvl, pattern in enumerate((r"^[一二三四五六七八九十]+、", r"^（[一二三四五六七八九十]+）", r"^\d+\. ")):
            if re.match(pattern, text):
                _number(document.add_paragraph(re.sub(pattern, "", text)), 90, ilvl)
                break
        else:
            document.add_paragraph(text)
    document.save(path)


def auto_numbered_tables_docx(path: Path) -> None:
    """Two task tables whose 序号 column Word numbers (list 91, then list 92 restarting it), a paragraph
    continuing list 91's definition, and the template's List Number and List Bullet styles."""
    document = docx.Document()
    _numbering_definitions(document)
    for num_id in (91, 92):
        document.add_paragraph("重点任务分工" if num_id == 91 else "年度重点任务")
        table = document.add_table(rows=1 + len(TASK_ROWS), cols=len(TASK_HEADER))
        for c, text in enumerate(TASK_HEADER):
            table.cell(0, c).text = text
        for r, row in enumerate(TASK_ROWS, 1):
            for c, text in enumerate(row[1:], 1):
                table.cell(r, c).text = text
            _number(table.cell(r, 0).paragraphs[0], num_id)
    _number(document.add_paragraph("续编"), 91)
    document.add_paragraph("第一项", style="List Number")
    document.add_paragraph("第二项", style="List Number")
    document.add_paragraph("要点", style="List Bullet")
    document.save(path)


TASK_HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
TASK_ROWS = [
    ["1", "建成县级心理健康服务指导中心。", "县卫生健康委", "县发展改革局、县财政局", "2024年底前"],
    ["2", "乡镇卫生院全部设立心理咨询室。", "各乡镇人民政府", "县卫生健康委", "2025年6月底前"],
]
IND_ROWS = [
    ["1", "服务体系", "二级以上综合医院设立精神（心理）科比例（%）", "65", "50", "≥95", "100", "约束性"],
    ["2", "", "专职人员与在册患者比", "1/120", "1/150", "1/80", "1/80", "预期性"],
    ["3", "", "心理治疗师数（名）", "/", "2", "2—3", "3", "预期性"],
    ["4", "康复服务", "精神障碍社区康复机构等级", "/", "/",
     "（2025年建成二级，2027年建成三级）", "建成二级", "预期性"],
    ["5", "", "居家患者社区康复服务率（%）", "42.5", "38", "≥60", "≥60", "约束性"],
]


def annex_docx(path: Path) -> None:
    """A Word plan with a task table and an indicator annex with a two-row, merged header."""
    document = docx.Document()
    document.add_paragraph("青云县精神卫生服务能力提升方案（2023—2025年）")
    table = document.add_table(rows=1 + len(TASK_ROWS), cols=len(TASK_HEADER))
    for r, row in enumerate([TASK_HEADER, *TASK_ROWS]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("附件")
    document.add_paragraph("主要指标")
    ind = document.add_table(rows=2 + len(IND_ROWS), cols=8)
    top = ["序号", "分类", "指标名称（单位）", "基期值", "", "目标值", "", "指标性质"]
    sub = ["", "", "", "全市2022年", "本县2023年", "全市2025年", "本县2025年", ""]
    for c in range(8):
        ind.cell(0, c).text = top[c]
        ind.cell(1, c).text = sub[c]
    for c in (0, 1, 2, 7):
        ind.cell(0, c).merge(ind.cell(1, c))
    ind.cell(0, 3).merge(ind.cell(0, 4))
    ind.cell(0, 5).merge(ind.cell(0, 6))
    for r, row in enumerate(IND_ROWS, 2):
        for c, text in enumerate(row):
            if text:
                ind.cell(r, c).text = text
    ind.cell(2, 1).merge(ind.cell(4, 1))  # 服务体系 spans rows 1–3
    ind.cell(5, 1).merge(ind.cell(6, 1))  # 康复服务 spans rows 4–5
    document.save(path)


def annex_txt(path: Path) -> None:
    """The indicator annex as a published text dump: one cell per line, rows split by blank lines."""
    header = ["序号", "分类", "指标名称（单位）", "全市2022年", "本县2023年", "全市2025年", "本县2025年", "指标性质"]
    lines = ["附件", "主要指标", ""]
    for row in [header, *IND_ROWS]:
        lines += ["\t" + cell for cell in row] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")


GB_PLAN = """白石镇社会心理服务体系建设工作方案

一、建立工作机制
（一）成立镇社会心理服务体系建设工作领导小组，2023年5月底前印发成员名单。（镇党政办牵头，镇综治中心、镇卫生院配合）
（二）每半年召开一次领导小组会议，研究解决重点问题。（镇党政办负责）
二、建设服务阵地
1. 各村（社区）设立心理服务室，配备兼职心理辅导员。
（各村（社区）负责，镇卫生院指导）
2. 镇卫生院开设心理咨询门诊。（镇卫生院负责）
"""


def gb18030_txt(path: Path) -> None:
    """A small invented prose plan saved in GB18030, as Chinese Windows editors do."""
    path.write_bytes(GB_PLAN.encode("gb18030"))


def no_unit_docx(path: Path) -> None:
    """A task table without any unit column."""
    document = docx.Document()
    document.add_paragraph("工作任务清单")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["序号", "工作任务", "完成时限"], ["1", "制定方案。", "2024年底前"],
                             ["2", "开展培训。", "每季度"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(path)


def plain_docx(path: Path) -> None:
    """A Word document with no table, no responsibility markers and no targets."""
    document = docx.Document()
    for text in ("关于做好会议室使用管理的通知", "各科室：", "请各科室爱护会议室设施，用后及时关灯关窗。", "办公室"):
        document.add_paragraph(text)
    document.save(path)


def broken_xml_docx(path: Path) -> None:
    """A readable zip whose document.xml is cut off in the middle (broken XML)."""
    with tempfile.TemporaryDirectory() as tmp:
        good = Path(tmp) / "good.docx"
        plain_docx(good)
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "word/document.xml":
                    data = data[: len(data) // 2]
                dst.writestr(item, data)


def main() -> None:
    prose_docx(HERE / "prose_markers.docx")
    auto_numbered_docx(HERE / "auto_numbered.docx")
    auto_numbered_tables_docx(HERE / "auto_numbered_tables.docx")
    annex_docx(HERE / "indicator_annex.docx")
    annex_txt(HERE / "indicator_annex.txt")
    gb18030_txt(HERE / "gb18030_plan.txt")
    no_unit_docx(HERE / "no_unit_column.docx")
    plain_docx(HERE / "no_table.docx")
    broken_xml_docx(HERE / "broken_xml.docx")


if __name__ == "__main__":
    main()
