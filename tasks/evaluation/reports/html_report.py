"""The report as one self-contained HTML page (Jinja2; charts inlined as base64 PNG)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tasks.evaluation.reports.report_file import replacing
from tasks.evaluation.reports.summary import chinese_date
from tasks.evaluation.reports.tables import EMPTY, ReportContent, ReportTable, cell_text, light

TEMPLATES = Path(__file__).resolve().parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


def _table(table: ReportTable, content: ReportContent) -> dict[str, Any]:
    """A table's cells as text with a css class (num and traffic light)."""
    rows = []
    for row in table.rows:
        cells = []
        for index, value in enumerate(row):
            kind, fmt = table.lights.get(index), table.formats.get(index)
            colour = light(kind, value, content.rules.green, content.rules.amber) if kind else None
            css = " ".join(c for c in ("num" if fmt in ("pct", "num") else "", colour or "") if c)
            cells.append({"text": cell_text(value, fmt), "css": css})
        rows.append(cells)
    return {"key": table.key, "title": table.title, "columns": table.columns, "rows": rows}


def write_html(content: ReportContent, out_dir: Path) -> Path:
    """Write <stem>.html with the summary, every table and the three charts."""
    charts = {c.key: {"caption": c.caption, "data": base64.b64encode(c.png).decode("ascii")} for c in content.charts}
    tables = content.tables
    risk_text = (f"截至评估时点，共有{len(tables['risks'].rows)}项任务存在逾期未完成节点或临期风险。"
                 if tables["risks"].rows else EMPTY["risks"])
    sections = [
        {"id": "summary", "heading": "一、总体情况", "sentences": content.summary, "charts": [], "tables": []},
        {"id": "method", "heading": "二、数据完整性与评估方法", "sentences": content.completeness, "charts": [],
         "tables": []},
        {"id": "sections", "heading": "三、分领域完成情况", "sentences": [], "charts": [charts["sections"]],
         "tables": [_table(tables["sections"], content)]},
        {"id": "departments", "heading": "四、部门考核得分与排名", "sentences": [], "charts": [charts["departments"]],
         "tables": [_table(tables["departments"], content)]},
        {"id": "indicators", "heading": "五、主要指标完成情况",
         "sentences": [] if tables["indicators"].rows else [EMPTY["indicators"]], "charts": [charts["indicators"]],
         "tables": [_table(tables["indicators"], content)] if tables["indicators"].rows else []},
        {"id": "risks", "heading": "六、逾期及存在风险的任务", "sentences": [risk_text], "charts": [],
         "tables": [_table(tables["risks"], content)] if tables["risks"].rows else []},
    ]
    if "change" in tables:
        sections.append({"id": "change", "heading": "七、与中期考核相比的变化", "sentences": [], "charts": [],
                         "tables": [_table(tables["change"], content)]})
    sections.append({"id": "appendix", "heading": tables["tasks"].title, "sentences": [], "charts": [],
                     "tables": [_table(tables["tasks"], content)]})
    html = _env.get_template("report.html.j2").render(
        title=content.title, figures=content.figures, as_of_text=chinese_date(content.figures["as_of"]),
        sections=sections)
    path = out_dir / f"{content.stem}.html"
    with replacing(path) as temporary:
        temporary.write_text(html, encoding="utf-8")
    return path
