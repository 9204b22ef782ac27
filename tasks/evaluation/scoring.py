"""Scores, weights and dense rankings of sections and departments, from the scoring file."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError

from config import get_settings
from models.status import BEHIND_STATES, DONE_VERDICTS, JUDGED_VERDICTS, IndicatorVerdict, Verdict
from tasks.errors import ConfigError
from tasks.evaluation.figures import DepartmentScore, ReportCounts, SectionScore, TaskResult

VERDICTS = JUDGED_VERDICTS
NOT_DUE = Verdict.NOT_DUE


# The verdicts an evaluator may give an indicator with a text target (no data is not a judgement).
Judged = Literal[IndicatorVerdict.MET, IndicatorVerdict.MOSTLY_MET, IndicatorVerdict.NOT_MET]


class VerdictRules(BaseModel):
    """How a task's due items become a verdict."""

    basic_done_share: float = Field(0.8, ge=0, le=1)
    lagging_states: list[str] = Field(default_factory=lambda: [str(s) for s in BEHIND_STATES])
    soft_late_counts_as_on_time: bool = False
    at_risk_days: int = Field(90, ge=0)


class IndicatorRules(BaseModel):
    """How an indicator's value is compared with its target."""

    tolerance: float = Field(0.1, ge=0, lt=1)
    scope_preference: list[str] = Field(default_factory=lambda: [""])
    fallback_to_later_target: bool = True
    # The place whose annex column is the plan's own (e.g. 本县); empty: found from the plan's issuer.
    jurisdiction: str | None = None
    # An evaluator's verdict on an indicator whose target is text (by indicator code).
    evaluator_verdicts: dict[str, Judged] = Field(default_factory=dict)


class RankingRules(BaseModel):
    """Rounding applied before dense ranking."""

    decimals: int = Field(1, ge=0, le=4)


class ReportRules(BaseModel):
    """Presentation thresholds."""

    chart_max_departments: int = Field(30, ge=2)
    green: float = 80
    amber: float = 60


def _default_verdict_points() -> dict[str, float]:
    return {str(Verdict.DONE): 100, str(Verdict.MOSTLY_DONE): 80, str(Verdict.NOT_DONE): 40, str(Verdict.LAGGING): 20}


class ScoringConfig(BaseModel):
    """The scoring file's content (config/scoring.yaml)."""

    version: int = 1
    verdicts: VerdictRules = Field(default_factory=VerdictRules)
    verdict_points: dict[str, float] = Field(default_factory=_default_verdict_points)
    indicators: IndicatorRules = Field(default_factory=IndicatorRules)
    role_weights: dict[str, float] = Field(
        default_factory=lambda: {"lead": 1.0, "support": 0.3, "responsible": 1.0})
    components: dict[str, float] = Field(
        default_factory=lambda: {"tasks": 0.7, "completeness": 0.2, "timeliness": 0.1})
    ranking: RankingRules = Field(default_factory=RankingRules)
    reports: ReportRules = Field(default_factory=ReportRules)


@dataclass(frozen=True)
class Scoring:
    """A loaded scoring file: its rules, where it came from and its SHA-256."""

    config: ScoringConfig
    path: str
    sha256: str


def load_scoring(path: Path | str | None = None) -> Scoring:
    """Read and check the scoring file (default: settings.scoring_file)."""
    file = Path(path) if path else Path(get_settings().scoring_file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the scoring file ({exc.strerror})") from None
    try:
        data = yaml.safe_load(raw.decode("utf-8")) or {}
        config = ScoringConfig.model_validate(data)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: the scoring file is not valid YAML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{file}: {where}: {first['msg']}") from None
    missing = [v for v in VERDICTS if v not in config.verdict_points]
    if missing:
        raise ConfigError(f"{file}: verdict_points lacks {', '.join(missing)}")
    if sum(config.components.values()) <= 0:
        raise ConfigError(f"{file}: components: the weights must add up to more than 0")
    return Scoring(config=config, path=str(file.resolve()), sha256=hashlib.sha256(raw).hexdigest())


class Ranked(Protocol):
    """A scored row: a name, a score (None: not scored) and the rank dense_rank sets."""

    name: str
    score: float | None
    rank: int | None


R = TypeVar("R", bound=Ranked)


def dense_rank(rows: list[R], decimals: int = 1, tier: Callable[[R], bool] | None = None) -> list[R]:
    """Sort rows by score (desc, then name) and set ``rank`` densely on the rounded score.

    With ``tier``, rows for which ``tier(row)`` is false rank after every row for which it is true
    (a unit that never reported cannot rank above one that did), whatever their scores."""
    def level(row: R) -> tuple[int, float]:
        return (0 if tier is None or tier(row) else 1, -round(row.score or 0.0, decimals))

    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (*level(r), r.name))
    unscored = sorted((r for r in rows if r.score is None), key=lambda r: r.name)
    rank, previous = 0, None
    for row in scored:
        value = level(row)
        if value != previous:
            rank, previous = rank + 1, value
        row.rank = rank
    for row in unscored:
        row.rank = None
    return scored + unscored


def _share(part: int, whole: int) -> float | None:
    """part/whole rounded for reports, None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def score_sections(tasks: list[TaskResult], scoring: Scoring) -> list[SectionScore]:
    """Per section: verdict counts, completion rate, mean points and a dense rank."""
    points = scoring.config.verdict_points
    by_section: dict[str, list[TaskResult]] = defaultdict(list)
    for task in tasks:  # sections in the plan's order
        by_section[task.section].append(task)
    rows = []
    for index, (section, members) in enumerate(by_section.items()):
        judged = [t for t in members if t.verdict in VERDICTS]
        counts = {str(v): sum(1 for t in members if t.verdict == v) for v in (*VERDICTS, NOT_DUE)}
        done = sum(counts[v] for v in DONE_VERDICTS)
        score = sum(points[t.verdict] for t in judged) / len(judged) if judged else None
        rows.append(SectionScore(name=section, order=index, tasks=len(members), judged=len(judged), counts=counts,
                                 completion_rate=_share(done, len(judged)),
                                 score=round(score, 2) if score is not None else None, rank=None))
    ranked = dense_rank(rows, decimals=scoring.config.ranking.decimals)
    return sorted(ranked, key=lambda r: r.order)


def score_departments(tasks: list[TaskResult], holders: Callable[[int], Iterable[tuple[str, str]]],
                      reporting: dict[str, ReportCounts], scoring: Scoring) -> list[DepartmentScore]:
    """Per department: weighted task score, reporting shares, overall score and dense rank.

    ``holders(task_id)`` yields (department name, role); ``reporting`` maps a department name
    to its expected / received / timely report counts.
    """
    cfg = scoring.config
    weighted: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    roles: dict[str, dict[str, int]] = defaultdict(lambda: {"lead": 0, "support": 0, "responsible": 0})
    for task in tasks:
        for name, role in holders(task.id):
            roles[name][role] = roles[name].get(role, 0) + 1
            if task.verdict in VERDICTS:
                weight = cfg.role_weights.get(role, 0.0)
                weighted[name][0] += weight * cfg.verdict_points[task.verdict]
                weighted[name][1] += weight
    rows = []
    for name in sorted(set(roles) | set(reporting)):
        num, den = weighted.get(name, (0.0, 0.0))
        counts = reporting.get(name, ReportCounts())
        parts = {
            "tasks": num / den if den else None,
            "completeness": 100 * counts.received / counts.expected if counts.expected else None,
            "timeliness": 100 * counts.timely / counts.expected if counts.expected else None,
        }
        used = {k: (part, w) for k, w in cfg.components.items() if w > 0 and (part := parts.get(k)) is not None}
        total = sum(w for _, w in used.values())
        score = sum(part * w for part, w in used.values()) / total if total else None
        rows.append(DepartmentScore(name=name, lead=roles[name]["lead"], support=roles[name]["support"],
                                    responsible=roles[name]["responsible"], task_score=_round(parts["tasks"]),
                                    completeness=_round(parts["completeness"]),
                                    timeliness=_round(parts["timeliness"]), expected=counts.expected,
                                    received=counts.received, timely=counts.timely, score=_round(score), rank=None,
                                    reported=counts.expected == 0 or counts.received > 0))
    return dense_rank(rows, decimals=cfg.ranking.decimals, tier=lambda d: d.reported)


def _round(value: float | None) -> float | None:
    """Two decimals for a score, keeping None."""
    return None if value is None else round(value, 2)
