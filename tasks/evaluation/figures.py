"""An evaluation's figures as named, typed records: what assessment hands to the report tables, the
charts, the narrative and the flow, and what an ``Evaluation`` row stores (``model_dump(mode="json")``).

The stored JSON keeps its keys, so a stored mid-term reads back with ``EvaluationFigures.model_validate``;
fields added after the first stored runs have defaults, so older rows still load. Maps keyed by a verdict
word (``Verdict``/``IndicatorVerdict`` in models/status.py) stay maps: they count each word.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field


class PlanInfo(BaseModel):
    """The plan evaluated."""

    code: str
    title: str
    period_start: int | None
    period_end: int | None
    midterm_year: int | None
    final_year: int | None
    issuing_office: str | None = None  # the 落款 by default (reports/letterhead.py)
    doc_number: str | None = None


@dataclass(slots=True)
class ReportCounts:
    """One unit's reports in the rounds due by the as-of date: expected, received, received in time (counted
    per expectation while judging, so a plain slotted dataclass; DepartmentScore carries the numbers)."""

    expected: int = 0
    received: int = 0
    timely: int = 0


class ScoringFile(BaseModel):
    """The scoring file the figures were computed with."""

    file: str
    sha256: str


class Summary(BaseModel):
    """The headline counts and rates."""

    tasks_total: int
    tasks_judged: int
    verdicts: dict[str, int]  # every task verdict → tasks
    completion_rate: float | None
    milestones_due: int
    on_time: int
    late: int
    not_done: int
    overdue_tasks: int
    at_risk_tasks: int
    indicators: dict[str, int]  # every indicator verdict → indicators
    indicators_total: int
    departments_scored: int
    mean_department_score: float | None


class Completeness(BaseModel):
    """How complete and timely the units' reporting was."""

    updates_total: int
    reports_expected: int
    reports_received: int
    reports_timely: int
    share_received: float | None
    share_timely: float | None
    indicators_with_data: int
    indicators_total: int


class SectionScore(BaseModel):
    """One section (领域) of the plan."""

    name: str
    order: int
    tasks: int
    judged: int
    counts: dict[str, int]  # task verdict → tasks
    completion_rate: float | None
    score: float | None
    rank: int | None


class DepartmentScore(BaseModel):
    """One department's tasks, reporting and overall score."""

    name: str
    lead: int
    support: int
    responsible: int
    task_score: float | None
    completeness: float | None
    timeliness: float | None
    expected: int
    received: int
    timely: int
    score: float | None
    rank: int | None
    reported: bool = True  # reported at least once when asked to: ranks before every unit that never did


class IndicatorResult(BaseModel):
    """One indicator's latest value against its target."""

    code: str | None
    name: str
    unit: str
    target: str | None
    target_year: int | None
    baseline: float | None
    value: float | None
    value_as_of: str | None
    attainment: float | None
    verdict: str
    note: str
    target_column: str | None = None  # the annex column the target came from: 本县2025年 (evaluation/jurisdiction)
    target_scope: str | None = None


class ReportedProblem(BaseModel):
    """A problem a unit reported on a task."""

    unit: str
    text: str


class TaskResult(BaseModel):
    """One task's verdict and what it rests on."""

    id: int
    code: str
    text: str
    section: str
    leads: list[str]
    supports: list[str]
    verdict: str
    due: int
    on_time: int
    late: int
    not_done: int
    overdue: list[str]
    recurring: list[str]
    notes: list[str]
    at_risk: bool
    upcoming: list[str]
    state: str | None
    percent: int | None
    reported_on: str | None
    problems: list[ReportedProblem]


class SectionChange(BaseModel):
    """A section's completion rate at the mid-term and now."""

    name: str
    midterm: float | None
    final: float | None
    delta: float | None


class DepartmentChange(BaseModel):
    """A department's score and rank at the mid-term and now."""

    name: str
    midterm_score: float | None
    midterm_rank: int | None
    score: float | None
    rank: int | None
    delta: float | None


class Change(BaseModel):
    """What moved since the mid-term (a final evaluation only); pairs are (mid-term, now)."""

    midterm_as_of: str
    completion_rate: tuple[float | None, float | None]
    indicators_met: tuple[int, int]
    mean_department_score: tuple[float | None, float | None]
    sections: list[SectionChange]
    departments: list[DepartmentChange]


class NarrativeSentence(BaseModel):
    """One sentence of the narrative and where it came from (evaluation/narrative.py)."""

    text: str
    section: str
    task_codes: list[str]
    report_ids: list[int] = Field(default_factory=list)
    source: str = ""  # 节点完成情况, 进展, 逾期节点, 存在问题, 下一步工作, 未完成任务


class NarrativeFigures(BaseModel):
    """The three narrative parts of a review, each a list of traced sentences in plan order."""

    achievements: list[NarrativeSentence] = Field(default_factory=list)
    problems: list[NarrativeSentence] = Field(default_factory=list)
    next_steps: list[NarrativeSentence] = Field(default_factory=list)


class Provenance(BaseModel):
    """Where the figures came from: document properties and the workbook's 来源 sheet, never the prose."""

    scoring_file: str
    scoring_sha256: str
    data_as_of: str  # ISO date
    judged_on: str  # ISO date
    duban_version: str


class EvaluationFigures(BaseModel):
    """Everything one evaluation found, scored and ranked."""

    plan: PlanInfo
    kind: str  # midterm | final
    kind_label: str
    as_of: str  # ISO date
    review_year: int
    scoring: ScoringFile
    summary: Summary
    completeness: Completeness
    sections: list[SectionScore]
    departments: list[DepartmentScore]
    indicators: list[IndicatorResult]
    tasks: list[TaskResult]
    change: Change | None = None
    judged_on: str | None = None  # ISO date due items were judged at (a final dated after the period: its end)
    narrative: NarrativeFigures = Field(default_factory=NarrativeFigures)
    provenance: Provenance | None = None
    midterm_missing: bool = False  # a final of a plan with a mid-term point, no mid-term review stored
