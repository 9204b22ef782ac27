"""The narrative of a review report: 主要成效, 存在问题 and 下一步工作, written from the evidence.

Deterministic templates over the data, no invented facts: every sentence is built from a task's
judgement (its completed and overdue milestones, its units) and the accepted status reports of its
units (their 进展, 存在问题 and 下一步工作 text, quoted as written), and carries the task code and the
ids of the reports it came from, so an evaluator can trace any sentence back to its source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from models.status import DONE_VERDICTS, JUDGED_VERDICTS, Verdict
from tasks.evaluation.figures import NarrativeFigures, NarrativeSentence, TaskResult
from tasks.evaluation.snapshot import PlanSnapshot, ReportText, unit_name


@dataclass(frozen=True)
class Sentence:
    """One sentence of the narrative and where it came from."""

    text: str
    section: str
    task_codes: list[str]
    report_ids: list[int] = field(default_factory=list)
    source: str = ""  # what it was written from: 节点完成情况, 进展, 逾期节点, 存在问题, 下一步工作, 未完成任务


@dataclass
class Narrative:
    """The three narrative parts of a review, each a list of traced sentences in plan order."""

    achievements: list[Sentence] = field(default_factory=list)
    problems: list[Sentence] = field(default_factory=list)
    next_steps: list[Sentence] = field(default_factory=list)


def short_task(text: str, size: int = 36) -> str:
    """A task as a reader can name it: its first clause, at most ``size`` characters."""
    first = text.strip().split("。")[0].strip("，；。 ")
    return first if len(first) <= size else first[: size - 1] + "…"


def quote(text: str) -> str:
    """A unit's own words, without trailing punctuation, ready to be quoted."""
    return " ".join(text.split()).rstrip("。；;，,.! ")


def _names(names: list[str]) -> str:
    return "、".join(dict.fromkeys(names))


def _latest_with(reports: list[ReportText], attribute: str) -> dict[int, ReportText]:
    """Per unit, its latest accepted report whose ``attribute`` text is not empty."""
    out: dict[int, ReportText] = {}
    for report in reports:
        if getattr(report, attribute):
            out[report.department_id] = report
    return out


def _achievements(snapshot: PlanSnapshot, task: TaskResult, reports: list[ReportText]) -> list[Sentence]:
    """What a task achieved: milestones completed by the as-of date and its units' reported progress."""
    out: list[Sentence] = []
    name, section = short_task(task.text), task.section
    done = task.on_time + task.late
    if done:
        text = f"“{name}”（{_names(task.leads) or '相关单位'}牵头）已完成{done}个进度节点"
        text += ("，均按时完成" if not task.late else "，均为逾期完成" if not task.on_time
                 else f"，其中按时完成{task.on_time}个、逾期完成{task.late}个") + "。"
        out.append(Sentence(text, section, [task.code], [], "节点完成情况"))
    for dept_id, report in _latest_with(reports, "progress").items():
        text = f"{unit_name(snapshot, dept_id)}报告“{name}”进展：{quote(report.progress)}。"
        out.append(Sentence(text, section, [task.code], [report.id], "进展"))
    return out


def _problems(snapshot: PlanSnapshot, task: TaskResult, reports: list[ReportText]) -> list[Sentence]:
    """What lags: overdue milestones, a lagging state, and the difficulties units reported."""
    out: list[Sentence] = []
    name, section = short_task(task.text), task.section
    leads = _names(task.leads) or "相关单位"
    if task.overdue:
        text = f"“{name}”（{leads}牵头）{_names(task.overdue).replace('、等', '等')}的节点逾期未完成。"
        out.append(Sentence(text, section, [task.code], [], "逾期节点"))
    elif task.verdict == Verdict.LAGGING or (task.at_risk and task.upcoming):
        what = "进度滞后" if task.verdict == Verdict.LAGGING else f"{_names(task.upcoming)}的节点临近时限尚未完成"
        out.append(Sentence(f"“{name}”（{leads}牵头）{what}。", section, [task.code], [], "逾期节点"))
    for dept_id, report in _latest_with(reports, "problems").items():
        text = f"{unit_name(snapshot, dept_id)}在“{name}”中反映：{quote(report.problems)}。"
        out.append(Sentence(text, section, [task.code], [report.id], "存在问题"))
    return out


def _next_steps(snapshot: PlanSnapshot, task: TaskResult, reports: list[ReportText]) -> list[Sentence]:
    """What will be done, by whom: units' stated next steps and the unfinished work with its units."""
    out: list[Sentence] = []
    name, section = short_task(task.text), task.section
    for dept_id, report in _latest_with(reports, "next_steps").items():
        text = f"{unit_name(snapshot, dept_id)}：{quote(report.next_steps)}（“{name}”）。"
        out.append(Sentence(text, section, [task.code], [report.id], "下一步工作"))
    if task.verdict not in DONE_VERDICTS or task.overdue:
        leads, supports = _names(task.leads), _names(task.supports)
        who = (f"由{leads}牵头" if leads else "由相关单位负责") + (f"、{supports}配合" if supports else "")
        out.append(Sentence(f"“{name}”尚未完成，{who}继续推进。", section, [task.code], [], "未完成任务"))
    return out


_EVERY_FIELD = set(NarrativeSentence.model_fields)


def _stored(sentences: list[Sentence]) -> list[NarrativeSentence]:
    # model_construct: the fields are already typed here, and validating 30,000 sentences costs time; one
    # shared set of field names (every field is set) instead of a set per sentence keeps memory flat
    return [NarrativeSentence.model_construct(_EVERY_FIELD, text=s.text, section=s.section,
                                              task_codes=list(s.task_codes), report_ids=list(s.report_ids),
                                              source=s.source) for s in sentences]


def narrative_figures(narrative: Narrative) -> NarrativeFigures:
    """The narrative as the figures keep it (stored with them, read by the report text and 叙述来源)."""
    return NarrativeFigures(achievements=_stored(narrative.achievements), problems=_stored(narrative.problems),
                            next_steps=_stored(narrative.next_steps))


def build_narrative(snapshot: PlanSnapshot, tasks: list[TaskResult]) -> Narrative:
    """The narrative of a review from the judged tasks and the accepted reports as of the snapshot date."""
    narrative = Narrative()
    by_section: dict[str, list[TaskResult]] = defaultdict(list)
    for task in tasks:
        by_section[task.section].append(task)
    for section, members in by_section.items():
        judged = [t for t in members if t.verdict in JUDGED_VERDICTS]
        done = sum(1 for t in judged if t.verdict in DONE_VERDICTS)
        if done:
            text = (f"{section}方面，{len(members)}项任务中{len(judged)}项已到评估时点，"
                    f"已完成或基本完成{done}项。")
            narrative.achievements.append(Sentence(text, section, [t.code for t in judged], [], "节点完成情况"))
        for task in members:
            reports = snapshot.reports.get(task.id, [])
            narrative.achievements += _achievements(snapshot, task, reports)
            narrative.problems += _problems(snapshot, task, reports)
            narrative.next_steps += _next_steps(snapshot, task, reports)
    return narrative
