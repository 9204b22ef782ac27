"""What an importer recognised in a document, before it is resolved and stored.

Every importer (spreadsheet, Word table, text dump, prose) returns a ``ParsedPlan``;
one shared pipeline then resolves unit names, dates the milestones and stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.plan import PlanFacts
from tasks.errors import Problem


@dataclass
class ParsedMilestone:
    """A schedule cell: its column label (``2016年``, ``完成时限``) and its text."""

    label: str
    text: str
    clause: bool = False  # the text is a clause of a measure: its subject may name its own units
    units: list[str] | None = None  # units named for this milestone alone (workbook column), else None


@dataclass
class ParsedTask:
    """One obligation with its raw unit names by role (already split, not resolved)."""

    text: str
    ref: str
    code: str | None = None
    section_path: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    milestones: list[ParsedMilestone] = field(default_factory=list)
    remark: str | None = None
    no_lead_marked: bool = False  # the lead cell says 无 (none): the missing lead unit is known, not forgotten


@dataclass
class ParsedTarget:
    """A baseline or target cell/phrase of an indicator, as text (``≥95``, ``1/80``)."""

    kind: str  # baseline | target
    text: str
    year: int | None = None
    scope: str = ""


@dataclass
class ParsedIndicator:
    """A quantitative indicator with its baselines and targets as found."""

    name: str
    ref: str
    code: str | None = None
    category: str | None = None
    unit: str | None = None
    direction: str | None = None
    statement: str | None = None
    task_code: str | None = None
    targets: list[ParsedTarget] = field(default_factory=list)


@dataclass
class DraftSummary:
    """How a plan read from prose stands: a draft the office checks before it runs (issue 14)."""

    obligations: int
    without_time: int
    without_unit: int
    periodic_unstated: int
    event_driven: int
    confidence: float
    not_taken: int


@dataclass
class ParsedPlan(PlanFacts):
    """Everything an importer recognised in one document: where it came from, the plan's facts (title,
    issuing office, period, review years, addressees: ``models.plan.PlanFacts``, keyword-only), tasks
    and indicators."""

    source_file: str
    source_format: str
    tasks: list[ParsedTask] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    draft: DraftSummary | None = None
