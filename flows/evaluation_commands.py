"""CLI commands (registered by flows.cli): ``duban evaluate``."""

from __future__ import annotations

from pathlib import Path

import typer

from flows.console import CommandSet, console, parse_day, require_database
from flows.prefect_api import RUN_HELP
from tasks.errors import ValidationFailed

commands = CommandSet()


@commands.command("evaluate")
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
    as_flow: bool | None = typer.Option(None, "--flow/--no-flow", help=RUN_HELP + " A flow run leaves "
                                        "summary artifacts."),
) -> None:
    """Write a mid-term or final evaluation report (Word, Excel, HTML) as of a date.

    Without PREFECT_API_URL it runs in-process (no Prefect server is started); with it, or with
    --flow, it runs the evaluate_plan flow (judge, score, render tasks) as a recorded run.
    """
    from flows.prefect_api import records_runs
    from tasks.evaluation.reports import parse_formats
    from tasks.evaluation.reports.summary import report_title, summary_sentences

    day, wanted = parse_day(as_of, "--as-of"), parse_formats(formats)
    if kind not in ("midterm", "final"):
        raise ValidationFailed(f"--kind {kind!r}: use midterm or final")
    require_database()
    if records_runs(as_flow):
        from flows.evaluation import evaluate_plan
        from flows.prefect_api import ensure_prefect_api

        ensure_prefect_api()
        result = evaluate_plan(plan, kind, day, str(out) if out else None, wanted,
                               str(scoring) if scoring else None, office, doc_number)
        title, sentences, outputs = result.title, result.sentences, result.outputs
    else:
        from models.db import session_scope
        from tasks.evaluation.assessment import run_evaluation
        from tasks.evaluation.scoring import load_scoring

        with session_scope() as session:
            figures, paths = run_evaluation(session, plan, kind, day, load_scoring(scoring), wanted, out,
                                            office, doc_number)
        title, sentences, outputs = report_title(figures), summary_sentences(figures), [str(p) for p in paths]
    console.print(title, highlight=False)
    for sentence in sentences:
        console.print(f"  {sentence}", highlight=False)
    for path in outputs:
        console.print(f"written: {path}", highlight=False)
