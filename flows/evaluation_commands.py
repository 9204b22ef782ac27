"""CLI commands (registered by flows.cli): ``duban evaluate``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from flows.console import command, console, require_database
from tasks.errors import ValidationFailed


def _as_of(text: str | None) -> date | None:
    """Read --as-of (YYYY-MM-DD)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"--as-of {text!r}: not a date (use YYYY-MM-DD)") from None


def register(app: typer.Typer) -> None:
    """Add this module's commands to the duban CLI."""

    @command(app, "evaluate")
    def evaluate_command(
        plan: str = typer.Option(..., "--plan", help="Plan code."),
        kind: str = typer.Option(..., "--kind", help="midterm (中期考核) or final (终期效果评估)."),
        as_of: str | None = typer.Option(None, "--as-of", help="As-of date YYYY-MM-DD (default: 31 Dec of "
                                         "the review year; a final may be dated after the period's end)."),
        out: Path | None = typer.Option(None, "--out", help="Output folder (default: "
                                        "<data_dir>/reports/<plan>/<kind>-<as_of>/)."),
        formats: str = typer.Option("docx,xlsx,html", "--format", help="Comma-separated: docx, xlsx, html."),
        scoring: Path | None = typer.Option(None, "--scoring", help="Scoring file (default: config/scoring.yaml "
                                            "or DUBAN_SCORING_FILE)."),
        office: str | None = typer.Option(None, "--office", help="Issuing office for the letterhead and signature "
                                          "(default: DUBAN_REPORT_OFFICE, else the plan's issuing office)."),
        doc_number: str | None = typer.Option(None, "--doc-number", help="Document number (文号) of the report."),
        as_flow: bool = typer.Option(False, "--flow", help="Run as a Prefect flow run (leaves artifacts)."),
    ) -> None:
        """Write a mid-term or final evaluation report (Word, Excel, HTML) as of a date."""
        from tasks.evaluation.reports import parse_formats
        from tasks.evaluation.reports.summary import report_title, summary_sentences

        day, wanted = _as_of(as_of), parse_formats(formats)
        if kind not in ("midterm", "final"):
            raise ValidationFailed(f"--kind {kind!r}: use midterm or final")
        require_database()
        if as_flow:
            from flows.evaluation import evaluate_plan
            from flows.prefect_api import ensure_prefect_api

            ensure_prefect_api()
            result = evaluate_plan(plan, kind, day, str(out) if out else None, wanted,
                                   str(scoring) if scoring else None, office, doc_number)
            outputs = result.outputs
            console.print(f"evaluation as of {result.as_of} (flow run)", highlight=False)
        else:
            from models.db import session_scope
            from tasks.evaluation.assessment import run_evaluation
            from tasks.evaluation.scoring import load_scoring

            with session_scope() as session:
                figures, paths = run_evaluation(session, plan, kind, day, load_scoring(scoring), wanted, out,
                                                office, doc_number)
            outputs = [str(p) for p in paths]
            console.print(report_title(figures), highlight=False)
            for sentence in summary_sentences(figures):
                console.print(f"  {sentence}", highlight=False)
        for path in outputs:
            console.print(f"written: {path}", highlight=False)
