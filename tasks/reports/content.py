"""Everything a renderer needs, computed once per evaluation: title, sentences, tables and charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tasks.reports.charts import Chart, report_charts
from tasks.reports.summary import completeness_sentences, report_title, summary_sentences
from tasks.reports.tables import ReportTable, report_tables
from tasks.scoring import ReportRules


@dataclass
class ReportContent:
    """The shared content of the Word, Excel and HTML reports."""

    figures: dict[str, Any]
    title: str
    summary: list[str]
    completeness: list[str]
    tables: dict[str, ReportTable]
    charts: list[Chart]
    rules: ReportRules

    @property
    def stem(self) -> str:
        """The output file name without extension: <plan>-<kind>-<as_of>."""
        return f"{self.figures['plan']['code']}-{self.figures['kind']}-{self.figures['as_of']}"


def build_content(figures: dict[str, Any], rules: ReportRules) -> ReportContent:
    """Compute the sentences, tables and charts of an evaluation's figures."""
    return ReportContent(figures=figures, title=report_title(figures), summary=summary_sentences(figures),
                         completeness=completeness_sentences(figures), tables=report_tables(figures),
                         charts=report_charts(figures, rules.chart_max_departments), rules=rules)
