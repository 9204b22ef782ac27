"""Evaluation reports: a small explicit registry of renderers keyed by format (docx, xlsx, html)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from config import get_settings
from models.files import private_dir
from tasks.errors import ValidationFailed
from tasks.evaluation.figures import EvaluationFigures
from tasks.evaluation.reports.charts import report_charts
from tasks.evaluation.reports.html_report import write_html
from tasks.evaluation.reports.letterhead import Letterhead
from tasks.evaluation.reports.report_file import remove_files
from tasks.evaluation.reports.summary import completeness_sentences, report_title, summary_sentences
from tasks.evaluation.reports.tables import ReportContent, report_tables
from tasks.evaluation.reports.word_report import write_docx
from tasks.evaluation.reports.workbook_report import write_xlsx
from tasks.evaluation.scoring import ReportRules

Renderer = Callable[[ReportContent, Path], Path]
RENDERERS: dict[str, Renderer] = {"docx": write_docx, "xlsx": write_xlsx, "html": write_html}
FORMATS = tuple(RENDERERS)


def build_content(figures: EvaluationFigures, rules: ReportRules,
                  letterhead: Letterhead | None = None) -> ReportContent:
    """Compute the sentences, tables and charts of an evaluation's figures (once for every format)."""
    return ReportContent(figures=figures, title=report_title(figures), summary=summary_sentences(figures),
                         completeness=completeness_sentences(figures), tables=report_tables(figures),
                         charts=report_charts(figures, rules.chart_max_departments), rules=rules,
                         letterhead=letterhead)


def parse_formats(text: str | None) -> list[str]:
    """'docx,xlsx' → ['docx', 'xlsx']; all formats when empty; ValidationFailed on an unknown one."""
    wanted = [f.strip().lower() for f in (text or "").split(",") if f.strip()] or list(FORMATS)
    unknown = [f for f in wanted if f not in RENDERERS]
    if unknown:
        raise ValidationFailed(f"unknown report format {', '.join(unknown)}: use {', '.join(FORMATS)}")
    return list(dict.fromkeys(wanted))


def default_out_dir(figures: EvaluationFigures) -> Path:
    """settings.data_dir/reports/<plan>/<kind>-<as_of>/."""
    return Path(get_settings().data_dir) / "reports" / figures.plan.code / f"{figures.kind}-{figures.as_of}"


def render(figures: EvaluationFigures, rules: ReportRules, formats: list[str] | None = None,
           out_dir: Path | None = None, letterhead: Letterhead | None = None) -> list[Path]:
    """Write the report in each format into ``out_dir`` (default: default_out_dir); all or none; returns the paths.
    ``letterhead``: the Word report's office, 文号 and date (default: letterhead_for the figures)."""
    target = Path(out_dir) if out_dir else default_out_dir(figures)
    private_dir(target)  # folders duban creates are 0700; report files are 0600 (report_file.replacing)
    content = build_content(figures, rules, letterhead)
    written: list[Path] = []
    try:
        for fmt in formats or list(FORMATS):
            written.append(RENDERERS[fmt](content, target))
    except BaseException:
        remove_files(written)  # all formats or none: no half set of reports is left behind
        raise
    return written


__all__ = ["FORMATS", "RENDERERS", "ReportContent", "build_content", "default_out_dir", "parse_formats", "render"]
