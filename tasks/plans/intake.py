"""The one import pipeline every format uses: read → resolve units → date milestones → store.

One transaction: on any error nothing is written; ``dry_run`` does all the work and rolls back.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from config import get_settings
from models import PLAN_CONFIRMED, PLAN_DRAFT, ROLE_RESPONSIBLE, ROLES, Department
from models.base import id_of
from tasks.directory.departments import UnitResolver
from tasks.errors import ImportFailed, Problem
from tasks.plans.clause_units import clause_units
from tasks.plans.deadlines import column_year, parse_schedule
from tasks.plans.duty_window import plan_window
from tasks.plans.importers import read_document
from tasks.plans.importers.limits import check_time, import_clock
from tasks.plans.importers.responsibility import parse_marker
from tasks.plans.lookup import find_plan_by_code
from tasks.plans.parsed import ParsedIndicator, ParsedMilestone, ParsedPlan, ParsedTask
from tasks.plans.specs import IndicatorSpec, PlanSpec, TaskSpec
from tasks.plans.store import PLAN_FIELDS, store_plan
from tasks.plans.targets import parse_target


@dataclass
class ImportReport:
    """What an import recognised, stored and doubted (``to_dict`` is the ``--json`` output)."""

    plan_code: str
    title: str
    source_file: str
    source_format: str
    revision: int | None
    created: bool
    changed: bool
    dry_run: bool
    counts: dict[str, int]
    changes: dict[str, Any]
    problems: list[Problem]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    status: str = PLAN_CONFIRMED
    draft: dict[str, Any] | None = None  # a plan read from prose: obligations, without time/unit, confidence

    @property
    def warnings(self) -> list[Problem]:
        """The doubts that did not stop the import."""
        return [p for p in self.problems if p.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict of the report."""
        data = asdict(self)
        data["problems"] = [asdict(p) for p in self.problems]
        plain: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False, default=str))
        return plain


def plan_code_for(source_file: str) -> str:
    """A plan code from a file name: its stem, lower case, runs of other characters as ``-``."""
    slug = re.sub(r"[^\w]+", "-", Path(source_file).stem.lower()).strip("-_")
    return slug or "plan"


def _milestones(task_ref: str, parsed_milestones: list[ParsedMilestone], file: str, plan_end: int | None,
                plan_start: date | None, problems: list[Problem], cache: dict[tuple[str, str], list[Any]],
                units_of: Callable[[ParsedMilestone], list[int]]) -> list[dict[str, Any]]:
    """Milestone field dicts from a task's schedule cells (with the units each binds, when narrower than
    the task's); undated ones become warnings, and a duty without a start is named as never reminded."""
    out: list[dict[str, Any]] = []
    keys: set[str] = set()
    seen: set[tuple[Any, ...]] = set()
    year_end = get_settings().year_column_due
    for cell in (line for whole in parsed_milestones for line in _own_units(whole)):
        if (cell.label, cell.text) not in cache:  # schedule cells repeat (每年不少于2次。): read each once
            cache[(cell.label, cell.text)] = parse_schedule(cell.label, cell.text, plan_end_year=plan_end,
                                                            year_end=year_end, plan_start=plan_start)
        unit_ids = units_of(cell)
        for item in cache[(cell.label, cell.text)]:
            same = (item.text, item.due_date, item.recurrence, item.recurrence_start, item.recurrence_end,
                    item.recurrence_day)
            if same in seen:  # one cell merged across years: the same deadline once, not once per column
                continue
            seen.add(same)
            key, n = item.key, 2
            while key in keys:
                key, n = f"{item.key}~{n}", n + 1
            keys.add(key)
            if item.due_date is None and item.recurrence and item.recurrence_start is None:
                problems.append(Problem(file, task_ref, f"{cell.label}: duty without a start, never reminded "
                                        f"({item.undated_reason})", "warning", "duty_without_start"))
            elif item.due_date is None:
                problems.append(Problem(file, task_ref, f"{cell.label}: no due date ({item.undated_reason})",
                                        "warning", "undated"))
            out.append({"key": key, "label": item.label, "text": item.text, "due_date": item.due_date,
                        "soft": item.soft, "ongoing_after": item.ongoing_after, "recurrence": item.recurrence,
                        "recurrence_count": item.recurrence_count, "recurrence_start": item.recurrence_start,
                        "recurrence_end": item.recurrence_end, "recurrence_day": item.recurrence_day,
                        "undated_reason": item.undated_reason, "unit_ids": unit_ids})
    return out


_OWN_MARKER = re.compile(r"\s*(?P<text>[^〔]+?)\s*〔(?P<marker>(?:责任单位|牵头单位)[:：][^〕]*)〕")


def _own_units(cell: ParsedMilestone) -> list[ParsedMilestone]:
    """A schedule cell whose milestones close with their own 〔责任单位：…〕 markers (an exported or corrected
    workbook): one milestone per marked part, bound to its marker's units; any other cell as it is."""
    parts = list(_OWN_MARKER.finditer(cell.text))
    if not parts or "".join(p.group(0) for p in parts).strip() != cell.text.strip():
        return [cell]
    out = []
    for part in parts:
        roles = parse_marker(part.group("marker"))
        names = [name for role in ROLES for name in roles.get(role, [])]
        out.append(ParsedMilestone(cell.label, part.group("text"), clause=False, units=names))
    return out


def _binder(task: ParsedTask, assignments: list[tuple[str, int, str]],
            resolver: UnitResolver) -> Callable[[ParsedMilestone], list[int]]:
    """The units each milestone of ``task`` binds: a workbook's own column, else its clause's subject
    (added to the task as responsible when the marker did not name it), else [] (the task's units)."""
    by_id = {d.id: d for d in resolver.names.values()} | {d.id: d for d in resolver.aliases.values()}
    measure = [by_id[d] for _, d, _ in assignments if d in by_id]

    def units_of(cell: ParsedMilestone) -> list[int]:
        ids: list[int] = []
        if cell.units:
            ids = [resolver.resolve(name, task.ref).id or 0 for name in cell.units]
        elif cell.clause:
            found = clause_units(cell.text, resolver, measure)
            ids = found.department_ids if found else []
        for dept_id in ids:
            if all(d != dept_id for _, d, _ in assignments):
                assignments.append((ROLE_RESPONSIBLE, dept_id, by_id[dept_id].name if dept_id in by_id else ""))
        ids = list(dict.fromkeys(ids))
        return [] if set(ids) == {d for _, d, _ in assignments} else ids
    return units_of


def _indicator(parsed: ParsedIndicator, position: int) -> IndicatorSpec:
    """An indicator spec with parsed target values; direction and unit from the targets when not given."""
    spec = IndicatorSpec(code=parsed.code or str(position + 1), name=parsed.name, category=parsed.category,
                         unit=parsed.unit, statement=parsed.statement, task_code=parsed.task_code,
                         source_ref=parsed.ref)
    directions = []
    for target in parsed.targets:
        value = parse_target(target.text)
        directions.append(value.direction)
        spec.unit = spec.unit or value.unit
        spec.targets.append({"kind": target.kind, "year": target.year, "scope": target.scope,
                             "value_kind": value.value_kind, "value": value.value, "value_high": value.value_high,
                             "text": target.text})
    spec.direction = parsed.direction or next((d for d in directions if d), None) or "higher"
    return spec


def _report_row(spec: TaskSpec, names: dict[int, str]) -> dict[str, Any]:
    """One recognised task, as the CLI shows it."""
    row: dict[str, Any] = {"code": spec.code, "section": spec.section, "text": spec.text, "ref": spec.source_ref}
    for role in ROLES:
        row[role] = [names[d] for r, d, _ in spec.assignments if r == role]
    task_units = list(dict.fromkeys(names[d] for r, d, _ in spec.assignments if r != "support"))
    row["milestones"] = [{"label": m["label"], "text": m["text"], "due": m["due_date"],
                          "recurrence": m["recurrence"], "soft": m["soft"],
                          "units": [names[d] for d in m["unit_ids"]] or task_units} for m in spec.milestones]
    return row


def import_parsed(session: Session, parsed: ParsedPlan, *, plan_code: str | None = None, dry_run: bool = False,
                  source_hash: str | None = None, confirm: bool = False) -> ImportReport:
    """Resolve, date and store a parsed plan in one operation (the caller commits it; a dry run rolls back).

    A plan read from prose (``parsed.draft``) is stored as a draft unless ``confirm``: no reminders
    until ``confirm_plan``. ``confirm`` also confirms an existing draft plan being re-imported.
    """
    file = parsed.source_file
    problems = list(parsed.problems)
    seen: dict[str, str] = {}
    for position, task in enumerate(parsed.tasks):
        task.code = task.code or str(position + 1)
        if task.code in seen:
            problems.append(Problem(file, task.ref, f"duplicate task code '{task.code}' (also in {seen[task.code]})",
                                    kind="duplicate_code"))
        seen.setdefault(task.code, task.ref)
    if any(p.severity == "error" for p in problems):
        raise ImportFailed(f"{file}: nothing imported", problems)
    if not parsed.tasks and parsed.indicators:  # a narrative plan: targets in prose, no task table recognised
        first = parsed.indicators[0].ref
        problems.append(Problem(file, first, f"no tasks found: only indicators were imported "
                                f"({len(parsed.indicators)}); nobody is reminded for this plan", "warning",
                                "no_tasks"))
    years = [y for t in parsed.tasks for m in t.milestones if (y := column_year(m.label))]
    code = plan_code or plan_code_for(file)
    stored = find_plan_by_code(session, code)  # `plans set` values count too
    window = plan_window(parsed.issued_on or (stored.issued_on if stored else None),
                         parsed.period_start or (stored.period_start if stored else None),
                         parsed.period_end or (stored.period_end if stored else None))
    plan_end = parsed.period_end or (stored.period_end if stored else None) or max(years, default=None)
    first_year = min(years, default=None)
    plan_start = window.start or (date(first_year, 1, 1) if first_year else None)
    try:
        resolver = UnitResolver(session)
        specs = []
        schedules: dict[tuple[str, str], list[Any]] = {}
        for position, task in enumerate(parsed.tasks):
            if position % 1000 == 999:
                check_time(file, task.ref)
            assignments: list[tuple[str, int, str]] = []
            for role in ROLES:
                for name in getattr(task, role):
                    dept = resolver.resolve(name, task.ref)
                    dept_id = id_of(dept)
                    if all((r, d) != (role, dept_id) for r, d, _ in assignments):
                        assignments.append((role, dept_id, name))
            units_of = _binder(task, assignments, resolver)
            milestones = _milestones(task.ref, task.milestones, file, plan_end, plan_start, problems, schedules,
                                     units_of)
            specs.append(TaskSpec(code=task.code or "", text=task.text,
                                  section=task.section_path[0] if task.section_path else "",
                                  section_path=list(task.section_path), remark=task.remark, source_file=file,
                                  source_ref=task.ref, position=position, assignments=assignments,
                                  milestones=milestones))
        indicators = [_indicator(ind, i) for i, ind in enumerate(parsed.indicators)]
        problems.extend(resolver.problems(file))
        fields = {k: getattr(parsed, k) for k in PLAN_FIELDS}
        if source_hash is None:  # no file (an importer handed a ParsedPlan): hash what was recognised
            source_hash = hashlib.sha256(repr((fields, [(s.code, s.text, s.assignments, s.milestones) for s in specs]))
                                         .encode()).hexdigest()
        status = PLAN_DRAFT if parsed.draft and not confirm else PLAN_CONFIRMED
        check_time(file)  # the last point at which a refusal costs nothing: storing is not interrupted
        result = store_plan(session, PlanSpec(code, file, parsed.source_format, source_hash, fields, specs, indicators,
                                              status=status))
        if confirm and result.plan.status == PLAN_DRAFT:
            result.plan.status = PLAN_CONFIRMED
            session.add(result.plan)
            session.flush()
        names = {id_of(d): d.name for d in session.exec(select(Department))}
        report = ImportReport(
            plan_code=code, title=result.plan.title, source_file=file, source_format=parsed.source_format,
            revision=result.revision, created=result.created, changed=result.changed, dry_run=dry_run,
            counts=_counts(specs, indicators, resolver), changes=result.changes, problems=problems,
            tasks=[_report_row(s, names) for s in specs], status=result.plan.status,
            draft=asdict(parsed.draft) if parsed.draft else None)
        if dry_run:
            session.rollback()  # a dry run leaves nothing behind
        else:
            session.flush()  # the caller's session_scope commits the import as one operation
        return report
    except BaseException:
        session.rollback()
        raise


def _counts(specs: list[TaskSpec], indicators: list[IndicatorSpec], resolver: UnitResolver) -> dict[str, int]:
    """Figures for the report: sections, tasks, assignments per role, units, milestones by kind, indicators."""
    milestones = [m for s in specs for m in s.milestones]
    counts = {"sections": len({s.section for s in specs if s.section}), "tasks": len(specs)}
    for role in ROLES:
        counts[role] = sum(r == role for s in specs for r, _, _ in s.assignments)
    counts["units"] = len({d for s in specs for _, d, _ in s.assignments})
    counts["provisional_units"] = len(resolver.unknown)
    counts["memberless_groups"] = len(resolver.memberless)
    counts["milestones"] = len(milestones)
    counts["dated"] = sum(m["due_date"] is not None for m in milestones)
    counts["undated"] = counts["milestones"] - counts["dated"]
    counts["recurring"] = sum(m["recurrence"] is not None for m in milestones)
    counts["indicators"] = len(indicators)
    counts["targets"] = sum(len(i.targets) for i in indicators)
    return counts


def import_plan(session: Session, path: Path, *, plan_code: str | None = None, dry_run: bool = False,
                confirm: bool = False) -> ImportReport:
    """Import a plan document of any supported format (detected from its content), within the import limits
    (``DUBAN_IMPORT__*``: size, rows, cells, paragraphs, seconds)."""
    with import_clock():
        parsed = read_document(Path(path))
        check_time(parsed.source_file)
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return import_parsed(session, parsed, plan_code=plan_code, dry_run=dry_run, source_hash=digest,
                             confirm=confirm)
