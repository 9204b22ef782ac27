"""One evaluation end to end: judge as of a date, score, compare with the mid-term, store the figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from sqlmodel import Session, col, select

from models import Evaluation, Plan
from models.base import id_of
from models.status import DONE_VERDICTS, IndicatorVerdict
from tasks.evaluation.figures import (
    Change,
    Completeness,
    DepartmentChange,
    EvaluationFigures,
    IndicatorResult,
    PlanInfo,
    Provenance,
    ReportCounts,
    ScoringFile,
    SectionChange,
    Summary,
    TaskResult,
)
from tasks.evaluation.narrative import Narrative, build_narrative, narrative_figures
from tasks.evaluation.reports import render
from tasks.evaluation.reports.letterhead import letterhead_for
from tasks.evaluation.scoring import NOT_DUE, VERDICTS, Scoring, score_departments, score_sections
from tasks.evaluation.snapshot import PlanSnapshot, day_end_utc, expand_units, find_plan, load_snapshot, unit_name
from tasks.evaluation.verdicts import (
    INDICATOR_VERDICTS,
    KIND_LABELS,
    judge_indicators,
    judge_tasks,
    resolve_as_of,
    review_year,
)


@dataclass
class Judgement:
    """What judging found as of one date, before any scoring (plus the mid-term's, for a final)."""

    plan: PlanInfo
    kind: str
    as_of: date
    year: int
    tasks: list[TaskResult]
    indicators: list[IndicatorResult]
    holders: dict[int, list[tuple[str, str]]]
    reporting: dict[str, ReportCounts]
    updates_total: int
    narrative: Narrative = field(default_factory=Narrative)
    judged_on: date | None = None  # due items judged at this date (a final dated after the period: its end)
    midterm_figures: EvaluationFigures | None = None  # a final: the stored mid-term review actually produced
    midterm_expected: bool = False  # a final of a plan with a mid-term point


def _holders(snapshot: PlanSnapshot, scoring: Scoring) -> dict[int, list[tuple[str, str]]]:
    """Per task, the scored units and their role (groups expanded; the heavier role kept)."""
    weights = scoring.config.role_weights
    out: dict[int, list[tuple[str, str]]] = {}
    for task_id, pairs in snapshot.assignments.items():
        best: dict[str, str] = {}
        for dept_id, role in pairs:
            for unit in expand_units(snapshot, dept_id):
                name = unit_name(snapshot, unit)
                if name not in best or weights.get(role, 0) > weights.get(best[name], 0):
                    best[name] = role
        out[task_id] = sorted(best.items())
    return out


def _reporting(snapshot: PlanSnapshot) -> dict[str, ReportCounts]:
    """Per unit: reports expected in rounds due by the as-of date, received, and received in time."""
    counts: dict[str, ReportCounts] = defaultdict(ReportCounts)
    cutoffs = {r: day_end_utc(d) for r, d in snapshot.deadlines.items()}
    for key in snapshot.expectations:
        row = counts[unit_name(snapshot, key[1])]
        row.expected += 1
        submitted = snapshot.submissions.get(key)
        if submitted is not None:
            row.received += 1
            row.timely += submitted <= cutoffs[key[0]]
    return dict(counts)


def judge(session: Session, plan_code: str, kind: str, as_of: date | None, scoring: Scoring,
          with_midterm: bool = True) -> Judgement:
    """Judge every task and indicator of a plan as of a date (a final also re-judges the mid-term)."""
    plan = find_plan(session, plan_code)
    day = resolve_as_of(plan, kind, as_of)
    year = review_year(plan, kind, None if as_of is None else day)
    snapshot = load_snapshot(session, plan, day)
    snapshot.final = kind == "final"
    if kind == "final" and plan.period_end:
        snapshot.review_end = date(plan.period_end, 12, 31)
    tasks = judge_tasks(snapshot, scoring)
    result = Judgement(
        plan=PlanInfo(code=plan.code, title=plan.title, period_start=plan.period_start, period_end=plan.period_end,
                      midterm_year=plan.midterm_year, final_year=plan.final_year,
                      issuing_office=plan.issuing_office, doc_number=plan.doc_number),
        kind=kind, as_of=day, year=year, tasks=tasks,
        indicators=judge_indicators(snapshot, year, scoring), holders=_holders(snapshot, scoring),
        reporting=_reporting(snapshot), updates_total=snapshot.updates_total,
        narrative=build_narrative(snapshot, tasks), judged_on=snapshot.judged_on)
    if kind == "final" and with_midterm:
        result.midterm_expected = plan.midterm_year is not None
        result.midterm_figures = stored_midterm(session, plan, day)
    return result


def stored_midterm(session: Session, plan: Plan, before: date) -> EvaluationFigures | None:
    """The figures of the latest mid-term review actually produced for the plan before ``before`` (its
    stored Evaluation row), None when none was: the final compares with what was reported, not a re-run."""
    row = session.exec(select(Evaluation).where(Evaluation.plan_id == plan.id, Evaluation.kind == "midterm",
                                                Evaluation.as_of < before)
                       .order_by(col(Evaluation.as_of).desc(), col(Evaluation.created_at).desc(),
                                 col(Evaluation.id).desc())
                       ).first()
    return EvaluationFigures.model_validate(row.figures) if row is not None else None


def provenance(judgement: Judgement, scoring: Scoring) -> Provenance:
    """Where the figures came from, for document properties and the workbook's 来源 sheet (never the prose)."""
    try:
        version = package_version("duban")
    except PackageNotFoundError:
        version = "unknown"
    return Provenance(scoring_file=scoring.path, scoring_sha256=scoring.sha256, data_as_of=str(judgement.as_of),
                      judged_on=str(judgement.judged_on or judgement.as_of), duban_version=version)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def score(judgement: Judgement, scoring: Scoring) -> EvaluationFigures:
    """The figures of an evaluation: summary, sections, departments, indicators, tasks, change."""
    tasks = judgement.tasks
    sections = score_sections(tasks, scoring)
    departments = score_departments(tasks, lambda t: judgement.holders.get(t, []), judgement.reporting, scoring)
    judged = [t for t in tasks if t.verdict in VERDICTS]
    verdicts = {str(v): sum(1 for t in tasks if t.verdict == v) for v in (*VERDICTS, NOT_DUE)}
    ind_counts = {str(v): sum(1 for i in judgement.indicators if i.verdict == v) for v in INDICATOR_VERDICTS}
    expected = sum(r.expected for r in judgement.reporting.values())
    received = sum(r.received for r in judgement.reporting.values())
    timely = sum(r.timely for r in judgement.reporting.values())
    scored = [d.score for d in departments if d.score is not None]
    figures = EvaluationFigures(
        plan=judgement.plan, kind=judgement.kind, kind_label=KIND_LABELS[judgement.kind],
        as_of=str(judgement.as_of), review_year=judgement.year,
        scoring=ScoringFile(file=scoring.path, sha256=scoring.sha256),
        summary=Summary(
            tasks_total=len(tasks), tasks_judged=len(judged), verdicts=verdicts,
            completion_rate=_share(sum(verdicts[v] for v in DONE_VERDICTS), len(judged)),
            milestones_due=sum(t.due for t in tasks), on_time=sum(t.on_time for t in tasks),
            late=sum(t.late for t in tasks), not_done=sum(t.not_done for t in tasks),
            overdue_tasks=sum(1 for t in tasks if t.overdue), at_risk_tasks=sum(1 for t in tasks if t.at_risk),
            indicators=ind_counts, indicators_total=len(judgement.indicators), departments_scored=len(scored),
            mean_department_score=round(sum(scored) / len(scored), 2) if scored else None),
        completeness=Completeness(
            updates_total=judgement.updates_total, reports_expected=expected, reports_received=received,
            reports_timely=timely, share_received=_share(received, expected), share_timely=_share(timely, expected),
            indicators_with_data=len(judgement.indicators) - ind_counts[IndicatorVerdict.NO_DATA],
            indicators_total=len(judgement.indicators)),
        sections=sections, departments=departments, indicators=judgement.indicators, tasks=tasks,
        judged_on=str(judgement.judged_on or judgement.as_of), narrative=narrative_figures(judgement.narrative),
        provenance=provenance(judgement, scoring),
        midterm_missing=judgement.midterm_expected and judgement.midterm_figures is None)
    if judgement.midterm_figures is not None:
        figures.change = _change(judgement.midterm_figures, figures)
    return figures


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else round(now - before, 4)


def _change(mid: EvaluationFigures, now: EvaluationFigures) -> Change:
    """What moved since the mid-term: completion rate, indicators met, each section and department."""
    mid_sections = {s.name: s.completion_rate for s in mid.sections}
    mid_depts = {d.name: d for d in mid.departments}
    departments = []
    for d in now.departments:
        before = mid_depts.get(d.name)
        departments.append(DepartmentChange(name=d.name, midterm_score=before.score if before else None,
                                            midterm_rank=before.rank if before else None, score=d.score,
                                            rank=d.rank, delta=_delta(d.score, before.score if before else None)))
    met = IndicatorVerdict.MET
    return Change(
        midterm_as_of=mid.as_of,
        completion_rate=(mid.summary.completion_rate, now.summary.completion_rate),
        indicators_met=(mid.summary.indicators.get(met, 0), now.summary.indicators.get(met, 0)),
        mean_department_score=(mid.summary.mean_department_score, now.summary.mean_department_score),
        sections=[SectionChange(name=s.name, midterm=mid_sections.get(s.name), final=s.completion_rate,
                                delta=_delta(s.completion_rate, mid_sections.get(s.name))) for s in now.sections],
        departments=departments)


def evaluate(session: Session, plan_code: str, kind: str, as_of: date | None, scoring: Scoring
             ) -> EvaluationFigures:
    """Judge and score in one call (the CLI and tests; the flow runs the two steps as tasks)."""
    return score(judge(session, plan_code, kind, as_of, scoring), scoring)


def store_evaluation(session: Session, figures: EvaluationFigures, outputs: list[str]) -> Evaluation:
    """Keep an evaluation's figures (as JSON, read back by ``stored_midterm``), scoring file and outputs
    (one row per run)."""
    plan = find_plan(session, figures.plan.code)
    row = Evaluation(plan_id=id_of(plan), kind=figures.kind, as_of=date.fromisoformat(figures.as_of),
                     scoring_file=figures.scoring.file, scoring_hash=figures.scoring.sha256,
                     figures=figures.model_dump(mode="json"), outputs=outputs)
    session.add(row)
    session.flush()
    return row


def run_evaluation(session: Session, plan_code: str, kind: str, as_of: date | None, scoring: Scoring,
                   formats: list[str] | None = None, out_dir: Path | None = None, office: str | None = None,
                   doc_number: str | None = None, issued_on: date | None = None
                   ) -> tuple[EvaluationFigures, list[Path]]:
    """Judge, score, write the reports and store the run: what ``duban evaluate`` does.
    ``office``, ``doc_number``, ``issued_on``: the Word report's 落款, 文号 and date (see letterhead_for)."""
    figures = evaluate(session, plan_code, kind, as_of, scoring)
    paths = render(figures, scoring.config.reports, formats, out_dir,
                   letterhead_for(figures, office, doc_number, issued_on))
    store_evaluation(session, figures, [str(p) for p in paths])
    return figures, paths


def due_reviews(session: Session, year: int) -> list[tuple[str, str]]:
    """(plan code, kind) of every review point that fell at the end of ``year`` and has no stored run yet."""
    done = set(session.exec(select(Evaluation.plan_id, Evaluation.kind).where(Evaluation.as_of == date(year, 12, 31))))
    due = []
    for plan in session.exec(select(Plan).order_by(Plan.code)):
        for kind, review in (("midterm", plan.midterm_year), ("final", plan.final_year)):
            if review == year and (plan.id, kind) not in done:
                due.append((plan.code, kind))
    return due
