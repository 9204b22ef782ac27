"""The report as one self-contained HTML page (Jinja2; charts inlined as base64 PNG)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tasks.evaluation.reports.report_file import replacing
from tasks.evaluation.reports.review_text import SectionSentences, review_text
from tasks.evaluation.reports.summary import chinese_date
from tasks.evaluation.reports.tables import EMPTY, ReportContent, ReportTable, cell_text, light

TEMPLATES = Path(__file__).resolve().parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True, slots=True)
class HtmlCell:
    """A table cell as the page shows it: its text and css classes (num, traffic light)."""

    text: str
    css: str


@dataclass(frozen=True)
class HtmlTable:
    """A report table with its cells as text."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[HtmlCell]]


@dataclass(frozen=True)
class HtmlChart:
    """A chart inlined as base64 PNG."""

    caption: str
    data: str


@dataclass(frozen=True)
class HtmlPart:
    """One part of the page (一、总体进展 … 附件): sentences, section groups, charts and tables."""

    id: str
    heading: str
    sentences: list[str]
    groups: list[SectionSentences] = field(default_factory=list)
    charts: list[HtmlChart] = field(default_factory=list)
    tables: list[HtmlTable] = field(default_factory=list)


def _table(table: ReportTable, content: ReportContent) -> HtmlTable:
    """A table's cells as text with a css class (num and traffic light)."""
    rows = []
    for row in table.rows:
        cells = []
        for index, value in enumerate(row):
            kind, fmt = table.lights.get(index), table.formats.get(index)
            colour = light(kind, value, content.rules.green, content.rules.amber) if kind else None
            css = " ".join(c for c in ("num" if fmt in ("pct", "num") else "", colour or "") if c)
            cells.append(HtmlCell(cell_text(value, fmt), css))
        rows.append(cells)
    return HtmlTable(table.key, table.title, table.columns, rows)


def write_html(content: ReportContent, out_dir: Path) -> Path:
    """Write <stem>.html: the five parts of the review, the annex tables and the three charts."""
    charts = {c.key: HtmlChart(c.caption, base64.b64encode(c.png).decode("ascii")) for c in content.charts}
    tables, text = content.tables, review_text(content.figures)

    def part(key: str, heading: str, sentences: list[str], chart_keys: tuple[str, ...] = (),
             table_keys: tuple[str, ...] = (), groups: list[SectionSentences] | None = None) -> HtmlPart:
        return HtmlPart(key, heading, sentences, groups or [], [charts[c] for c in chart_keys],
                        [_table(tables[t], content) for t in table_keys if t in tables and tables[t].rows])

    risk_text = [] if tables["risks"].rows else [EMPTY["risks"]]
    sections = [
        part("overall", "一、总体进展", text.overall, ("sections",)),
        part("achievements", "二、主要成效", text.achievements_note, groups=text.achievements),
        part("indicators", "三、指标完成情况", text.indicator_text, ("indicators",), ("indicators",)),
        part("problems", "四、存在问题", text.problems + risk_text, (), ("risks",)),
        part("next", "五、下一步工作", text.next_steps),
        part("tasks", "附件1 分任务进展表", [], (), ("tasks",)),
        part("departments", "附件2 分部门评价表", [], ("departments",), ("departments",)),
        part("sections", "附件3 分领域完成情况", [], (), ("sections",)),
    ]
    if "change" in tables:
        sections.append(part("change", "附件4 与中期评估相比的变化", [], (), ("change",)))
    html = _env.get_template("report.html.j2").render(
        title=content.title, figures=content.figures, as_of_text=chinese_date(content.figures.as_of),
        sections=sections)
    path = out_dir / f"{content.stem}.html"
    with replacing(path) as temporary:
        temporary.write_text(html, encoding="utf-8")
    return path
