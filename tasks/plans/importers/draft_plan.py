"""A plan written in prose becomes a DRAFT: obligations as tasks, targets tied to them, a summary.

Called by ``document_plan`` when a document has neither a task table nor responsibility markers.
Targets stated in a sentence are linked to the obligation of that sentence whose text states
them (``task_code``), so the indicator carries the sentence's units and year; when the document
also has an indicator annex, only such measure-level targets are added (the annex keeps its own).
Every sentence that read like a duty but was not taken becomes a warning with the reason.
"""

from __future__ import annotations

import re

from tasks.errors import Problems
from tasks.plans.importers.obligations import Obligation, read_obligations
from tasks.plans.importers.prose_reader import Para
from tasks.plans.parsed import DraftSummary, ParsedIndicator, ParsedPlan
from tasks.plans.prose_targets import extract_prose_indicators


def add_obligations(plan: ParsedPlan, paras: list[Para], text: str, problems: Problems, *, annex: bool) -> None:
    """Read the obligations of ``paras`` into ``plan`` as a draft (see the module docstring)."""
    reading = read_obligations(paras, issued_on=plan.issued_on, has_period=plan.period_start is not None)
    if not reading.obligations:
        return
    plan.tasks += reading.tasks
    if annex:
        known = {i.name for i in plan.indicators}
        extra = [i for i in extract_prose_indicators(text, plan.source_file, staffing=True) if i.name not in known]
        _link(extra, reading.obligations)
        plan.indicators += [i for i in extra if i.task_code]
    else:
        plan.indicators = extract_prose_indicators(text, plan.source_file, staffing=True)
        _link(plan.indicators, reading.obligations)
    if plan.issued_on and not plan.period_end:  # a notice's targets without a year are for its own year
        for indicator in plan.indicators:
            for target in indicator.targets:
                target.year = target.year or plan.issued_on.year
    for item in reading.not_taken:
        problems.warning(item.ref, f"not taken as an obligation ({item.reason}): {_short(item.sentence)}",
                         kind="not-taken")
    plan.draft = _summary(reading.obligations, len(reading.not_taken))


def _link(indicators: list[ParsedIndicator], obligations: list[Obligation]) -> None:
    """Tie each indicator to the obligation of its sentence that states its value."""
    for indicator in indicators:
        if indicator.task_code or not indicator.statement:
            continue
        statement = re.sub(r"\s+", "", indicator.statement)
        value = re.sub(r"\s+", "", indicator.targets[0].text) if indicator.targets else ""
        candidates = [o for o in obligations if o.task.ref == indicator.ref
                      and (statement in re.sub(r"\s+", "", o.sentence) or re.sub(r"\s+", "", o.sentence) in statement)]
        stating = [o for o in candidates if _digits(value) and _digits(value) in re.sub(r"\s+", "", o.task.text)]
        chosen = (stating or candidates)[:1]
        if chosen:
            indicator.task_code = chosen[0].task.code


def _digits(text: str) -> str:
    """The first number of a target text (85 of 达到85%以上)."""
    found = re.search(r"\d+(?:\.\d+)?", text)
    return found.group(0) if found else ""


def _summary(obligations: list[Obligation], not_taken: int) -> DraftSummary:
    """Counts and a confidence (mean of the obligations' confidences) for the import report."""
    confidence = sum(o.confidence for o in obligations) / len(obligations)
    return DraftSummary(
        obligations=len(obligations),
        without_time=sum(not o.task.milestones for o in obligations),
        without_unit=sum(not (o.task.lead or o.task.support) for o in obligations),
        periodic_unstated=sum(o.periodic for o in obligations),
        event_driven=sum(o.event for o in obligations),
        confidence=round(confidence, 2), not_taken=not_taken)


def _short(sentence: str) -> str:
    """A sentence cut for a one-line warning."""
    return sentence if len(sentence) <= 60 else sentence[:60] + "…"
