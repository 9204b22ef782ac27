"""Prefect flow ``evaluate_plan``: judge, score and render an evaluation; leaves summary artifacts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from models.db import session_scope
from tasks.evaluation.assessment import Judgement, due_reviews, judge, score, store_evaluation
from tasks.evaluation.figures import EvaluationFigures, Summary
from tasks.evaluation.reports import render
from tasks.evaluation.reports.letterhead import letterhead_for
from tasks.evaluation.reports.summary import completeness_sentences, report_title, summary_sentences
from tasks.evaluation.scoring import load_scoring
from tasks.workdays import local_today


@task(name="judge", cache_policy=NO_CACHE)
def judge_step(plan_code: str, kind: str, as_of: date | None, scoring_file: str | None) -> Judgement:
    """Judge every task and indicator as of the date (one set-based read of the database)."""
    with session_scope() as session:
        return judge(session, plan_code, kind, as_of, load_scoring(scoring_file))


@task(name="score", cache_policy=NO_CACHE)
def score_step(judgement: Judgement, scoring_file: str | None) -> EvaluationFigures:
    """Score sections and departments, rank them, compare with the mid-term."""
    return score(judgement, load_scoring(scoring_file))


@task(name="render", cache_policy=NO_CACHE, retries=1)
def render_step(figures: EvaluationFigures, scoring_file: str | None, formats: list[str] | None,
                out_dir: str | None, office: str | None = None, doc_number: str | None = None) -> list[str]:
    """Write the reports and store the run's figures (an Evaluation row)."""
    paths = render(figures, load_scoring(scoring_file).config.reports, formats, Path(out_dir) if out_dir else None,
                   letterhead_for(figures, office, doc_number))
    with session_scope() as session:
        store_evaluation(session, figures, [str(p) for p in paths])
    return [str(p) for p in paths]


def summary_markdown(figures: EvaluationFigures, outputs: list[str]) -> str:
    """The markdown summary artifact: title, key sentences, top departments, output files."""
    lines = [f"# {report_title(figures)}", ""]
    lines += [f"{sentence}\n" for sentence in summary_sentences(figures) + completeness_sentences(figures)]
    lines += ["| 排名 | 部门 | 综合得分 |", "|---:|---|---:|"]
    lines += [f"| {d.rank or '—'} | {d.name} | {d.score if d.score is not None else '—'} |"
              for d in figures.departments[:20]]
    lines += ["", "Outputs:", *[f"- `{path}`" for path in outputs]]
    return "\n".join(lines)


def department_rows(figures: EvaluationFigures) -> list[dict[str, Any]]:
    """The department table artifact (rows as Prefect's create_table_artifact takes them)."""
    return [{"排名": d.rank, "部门": d.name, "任务得分": d.task_score, "报送完整率": d.completeness,
             "报送及时率": d.timeliness, "综合得分": d.score} for d in figures.departments]


def artifact_key(*parts: str) -> str:
    """A Prefect artifact key (lowercase letters, digits and dashes)."""
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-") or "evaluation"


@dataclass(frozen=True)
class EvaluationRun:
    """What one evaluate_plan run produced: its as-of date, headline figures and report files."""

    as_of: str
    summary: Summary
    outputs: list[str]
    title: str = ""  # the report's title and key sentences, as the CLI prints them
    sentences: list[str] = field(default_factory=list)


@flow(name="evaluate-plan")
def evaluate_plan(plan_code: str, kind: str = "midterm", as_of: date | None = None, out_dir: str | None = None,
                  formats: list[str] | None = None, scoring_file: str | None = None, office: str | None = None,
                  doc_number: str | None = None) -> EvaluationRun:
    """Mid-term (midterm) or final evaluation of a plan as of a date, written in every report format
    (``office`` and ``doc_number``: the Word report's 落款 and 文号)."""
    logger = get_run_logger()
    judgement = judge_step(plan_code, kind, as_of, scoring_file)
    figures = score_step(judgement, scoring_file)
    outputs = render_step(figures, scoring_file, formats, out_dir, office, doc_number)
    create_markdown_artifact(summary_markdown(figures, outputs), key=artifact_key("evaluation", plan_code, kind),
                             description=report_title(figures))
    create_table_artifact(department_rows(figures), key=artifact_key("departments", plan_code, kind),
                          description=f"{report_title(figures)}：部门得分与排名")
    logger.info("evaluation of %s (%s, as of %s) written: %s", plan_code, kind, figures.as_of, ", ".join(outputs))
    return EvaluationRun(as_of=figures.as_of, summary=figures.summary, outputs=outputs,
                         title=report_title(figures), sentences=summary_sentences(figures))


@flow(name="evaluate-due-plans")
def evaluate_due_plans(year: int | None = None) -> list[EvaluationRun]:
    """Write each review due at the end of ``year`` (default: last year) not yet written: re-runs skip none."""
    year = year or local_today().year - 1
    with session_scope() as session:
        due = due_reviews(session, year)
    get_run_logger().info("reviews due for %s: %s", year, ", ".join(f"{c} ({k})" for c, k in due) or "none")
    return [evaluate_plan(code, kind) for code, kind in due]
