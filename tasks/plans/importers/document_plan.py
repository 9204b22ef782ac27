"""Assemble a ParsedPlan from a document's paragraphs and tables, whatever the container.

The Word reader and the text reader both reduce a document to numbered paragraphs and
``RawTable``s; this module decides what each holds (task table, indicator annex, prose with
responsibility markers, targets in prose) and fails clearly when there is nothing to import.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.plan import PLAN_FACTS
from tasks.errors import ImportFailed, Problems
from tasks.plans.importers.draft_plan import add_obligations
from tasks.plans.importers.indicator_table import table_indicators
from tasks.plans.importers.prose_reader import Para, prose_tasks
from tasks.plans.importers.table_grid import RawTable, find_header
from tasks.plans.importers.table_rows import table_tasks
from tasks.plans.metadata import PlanMetadata, extract_metadata
from tasks.plans.parsed import ParsedPlan
from tasks.plans.prose_targets import extract_prose_indicators

_METADATA_KEYS = PLAN_FACTS  # the plan's facts, declared once (models.plan.PlanFacts)


@dataclass
class Document:
    """A document reduced to its paragraphs (outside tables) and its tables, in reading order.

    ``text`` is the prose outside tables with its line numbering kept (line N of the file, or
    paragraph N of a .docx), for the metadata and prose-target readers.
    """

    file: str
    fmt: str
    paras: list[Para]
    tables: list[RawTable]
    text: str = ""


def build_plan(doc: Document) -> ParsedPlan:
    """Read tasks and indicators from every table, else from marked prose; raise when nothing is found."""
    problems = Problems(doc.file)
    plan = ParsedPlan(source_file=doc.file, source_format=doc.fmt)
    indicator_tables = 0
    task_tables = 0
    for table in doc.tables:
        header = find_header(table)
        if header is None:
            if table.rows:
                problems.warning(table.rows[0].ref, f"table {table.number}: no header recognised; skipped",
                                 kind="unplaced-table")
            continue
        if header.holds() == "tasks":
            plan.tasks += table_tasks(table, header, doc.file, problems)
            task_tables += 1
        elif header.holds() == "indicators":
            plan.indicators += table_indicators(table, header, doc.file, problems)
            indicator_tables += 1
        else:
            problems.warning(header.ref, f"table {table.number}: neither a task table nor an indicator "
                             "table; skipped", kind="unplaced-table")
    text = doc.text or "\n".join(p.text for p in doc.paras)
    if not task_tables:
        plan.tasks += prose_tasks(doc.paras, doc.file, problems)
    if not indicator_tables:
        plan.indicators += extract_prose_indicators(text, doc.file)
    _set_metadata(plan, text)
    if not task_tables and not plan.tasks:  # prose without markers: a draft table of obligations (issue 14)
        add_obligations(plan, doc.paras, text, problems, annex=bool(indicator_tables))
    if not plan.tasks and not plan.indicators:
        message = f"{doc.file}: no division-of-labour table or responsibility markers found"
        problems.error("", "no division-of-labour table, no responsibility markers (（X牵头）, 〔责任单位：…〕) "
                       "and no indicators found", kind="nothing-found")
        raise ImportFailed(message, problems.items)
    plan.problems = problems.items
    return plan


def _set_metadata(plan: ParsedPlan, text: str) -> None:
    """Copy the title, issuing office, number, date, period and review years found in ``text``."""
    found: PlanMetadata = extract_metadata(text) if text.strip() else {}
    for key in _METADATA_KEYS:
        if (value := found.get(key)) is not None:
            setattr(plan, key, value)
