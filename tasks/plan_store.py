"""Store a resolved plan as a new revision: match tasks by code, keep every piece of history.

Re-storing identical content changes nothing. Otherwise a new ``PlanRevision`` records what
changed; tasks missing from the new document are deactivated (never deleted); milestones are
matched by key and updated in place, so completions and status updates stay attached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from models import (
    Assignment,
    Department,
    Indicator,
    IndicatorTarget,
    Milestone,
    MilestoneCompletion,
    Plan,
    PlanRevision,
    StatusUpdate,
    Task,
)
from models.base import utcnow

PLAN_FIELDS = ("title", "issuing_office", "doc_number", "issued_on", "period_start", "period_end",
               "midterm_year", "final_year")
TASK_FIELDS = ("section", "section_path", "text", "remark", "position")
MILESTONE_FIELDS = ("key", "label", "text", "due_date", "soft", "ongoing_after", "recurrence", "recurrence_count",
                    "recurrence_start", "recurrence_end", "undated_reason")
INDICATOR_FIELDS = ("name", "category", "unit", "direction", "statement", "task_code")


@dataclass
class TaskSpec:
    """A task ready to store: assignments as (role, department id, unit text); milestones as field dicts."""

    code: str
    text: str
    section: str = ""
    section_path: list[str] = field(default_factory=list)
    remark: str | None = None
    source_file: str | None = None
    source_ref: str | None = None
    position: int = 0
    assignments: list[tuple[str, int, str]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class IndicatorSpec:
    """An indicator ready to store; targets as IndicatorTarget field dicts."""

    code: str
    name: str
    category: str | None = None
    unit: str | None = None
    direction: str = "higher"
    statement: str | None = None
    task_code: str | None = None
    source_ref: str | None = None
    targets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PlanSpec:
    """A whole resolved plan and where it came from."""

    code: str
    source_file: str
    source_format: str
    source_hash: str
    fields: dict[str, Any]
    tasks: list[TaskSpec]
    indicators: list[IndicatorSpec] = field(default_factory=list)


@dataclass
class StoreResult:
    """What storing did: the plan, its revision, whether it was created or changed, and the changes."""

    plan: Plan
    revision: int
    created: bool
    changed: bool
    changes: dict[str, Any]


def _plain(value: Any) -> Any:
    """A JSON-safe value (dates as ISO strings)."""
    return value.isoformat() if isinstance(value, date) else value


def _task_view(spec: TaskSpec, names: dict[int, str]) -> dict[str, Any]:
    """The comparable content of a task."""
    view = {k: getattr(spec, k) for k in TASK_FIELDS}
    for role in ("lead", "support", "responsible"):
        view[role] = [names[d] for r, d, _ in spec.assignments if r == role]
    view["milestones"] = [{k: _plain(m.get(k)) for k in MILESTONE_FIELDS} for m in spec.milestones]
    return view


def _indicator_view(spec: IndicatorSpec) -> dict[str, Any]:
    """The comparable content of an indicator."""
    view = {k: getattr(spec, k) for k in INDICATOR_FIELDS}
    view["targets"] = sorted((t["kind"], t.get("year") or 0, t.get("scope", ""), t.get("text", "")) for t in spec.targets)
    view["targets"] = [list(t) for t in view["targets"]]
    return view


def load_current(session: Session, plan: Plan) -> tuple[dict[str, Task], dict[str, TaskSpec], dict[str, Indicator],
                                                         dict[str, IndicatorSpec]]:
    """The stored tasks and indicators of ``plan`` (active ones also as specs, for comparison)."""
    tasks = {t.code: t for t in session.exec(select(Task).where(Task.plan_id == plan.id))}
    by_id = {t.id: t.code for t in tasks.values()}
    specs = {t.code: TaskSpec(t.code, t.text, t.section, list(t.section_path), t.remark, t.source_file, t.source_ref,
                              t.position) for t in tasks.values() if t.active}
    query = select(Assignment).join(Task).where(Task.plan_id == plan.id).order_by(Assignment.role, Assignment.position)
    for a in session.exec(query):
        if by_id[a.task_id] in specs:
            specs[by_id[a.task_id]].assignments.append((a.role, a.department_id, a.unit_text))
    query = select(Milestone).join(Task).where(Task.plan_id == plan.id, Milestone.active).order_by(Milestone.position)
    for m in session.exec(query):
        if by_id[m.task_id] in specs:
            specs[by_id[m.task_id]].milestones.append({k: getattr(m, k) for k in MILESTONE_FIELDS})
    indicators = {i.code: i for i in session.exec(select(Indicator).where(Indicator.plan_id == plan.id))}
    task_codes = {t.id: t.code for t in tasks.values()}
    ind_specs = {i.code: IndicatorSpec(i.code, i.name, i.category, i.unit, i.direction, i.statement,
                                       task_codes.get(i.task_id), i.source_ref) for i in indicators.values() if i.active}
    ind_by_id = {i.id: i.code for i in indicators.values() if i.active}
    for t in session.exec(select(IndicatorTarget).where(col(IndicatorTarget.indicator_id).in_(list(ind_by_id) or [0]))):
        ind_specs[ind_by_id[t.indicator_id]].targets.append(
            {"kind": t.kind, "year": t.year, "scope": t.scope, "text": t.text})
    return tasks, specs, indicators, ind_specs


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose values differ, as [old, new]."""
    return {k: [old.get(k), new[k]] for k in new if old.get(k) != new[k]}


def store_plan(session: Session, spec: PlanSpec) -> StoreResult:
    """Create or update the plan from ``spec``; a new revision only when something changed."""
    plan = session.exec(select(Plan).where(Plan.code == spec.code)).first()
    created = plan is None
    if plan is None:
        title = spec.fields.get("title") or Path(spec.source_file).stem
        plan = Plan(code=spec.code, revision=0, **{**spec.fields, "title": title})
        session.add(plan)
        session.flush()
    names = {d.id: d.name for d in session.exec(select(Department))}
    tasks, old_specs, indicators, old_inds = load_current(session, plan)
    new_codes = {t.code for t in spec.tasks}
    changes: dict[str, Any] = {
        "added": [t.code for t in spec.tasks if t.code not in old_specs],
        "removed": [c for c in old_specs if c not in new_codes],
        "changed": {t.code: d for t in spec.tasks if t.code in old_specs
                    and (d := _diff(_task_view(old_specs[t.code], names), _task_view(t, names)))},
        "plan": {} if created else {k: [_plain(getattr(plan, k)), _plain(v)] for k, v in spec.fields.items()
                                    if v is not None and getattr(plan, k) != v},
    }
    new_inds = {i.code: _indicator_view(i) for i in spec.indicators}
    old_ind_views = {c: _indicator_view(i) for c, i in old_inds.items()}
    changes["indicators"] = {
        "added": [c for c in new_inds if c not in old_ind_views],
        "removed": [c for c in old_ind_views if c not in new_inds],
        "changed": {c: d for c, v in new_inds.items() if c in old_ind_views and (d := _diff(old_ind_views[c], v))}}
    changed = created or any(changes[k] for k in ("added", "removed", "changed", "plan")) or any(
        changes["indicators"].values())
    if not changed:
        return StoreResult(plan, plan.revision, False, False, {})
    plan.revision += 1
    for key, value in spec.fields.items():
        if value is not None:
            setattr(plan, key, value)
    plan.updated_at = utcnow()
    _write_tasks(session, plan, spec, tasks, set(changes["added"]) | set(changes["changed"]), changes["removed"])
    _write_indicators(session, plan, spec, indicators, set(changes["indicators"]["added"])
                      | set(changes["indicators"]["changed"]), changes["indicators"]["removed"])
    session.add(PlanRevision(plan_id=plan.id, number=plan.revision, source_file=spec.source_file,
                             source_format=spec.source_format, source_hash=spec.source_hash,
                             changes={"created": created, **changes}))
    session.flush()
    return StoreResult(plan, plan.revision, created, True, changes)


def _write_tasks(session: Session, plan: Plan, spec: PlanSpec, tasks: dict[str, Task], touched: set[str],
                 removed: list[str]) -> None:
    """Insert new tasks, update changed ones, deactivate removed ones; replace their assignments/milestones."""
    for code in removed:
        tasks[code].active, tasks[code].updated_revision = False, plan.revision
    new_rows = []
    for task_spec in spec.tasks:
        task = tasks.get(task_spec.code)
        if task is None:  # new tasks go in as one bulk insert (ORM objects cost seconds on 10,000 rows)
            new_rows.append({"plan_id": plan.id, "code": task_spec.code, "source_file": task_spec.source_file,
                             "source_ref": task_spec.source_ref, "created_revision": plan.revision,
                             "updated_revision": plan.revision, "active": True,
                             **{key: getattr(task_spec, key) for key in TASK_FIELDS}})
            continue
        if task.source_ref != task_spec.source_ref or task.source_file != task_spec.source_file:
            task.source_file, task.source_ref = task_spec.source_file, task_spec.source_ref
        if task_spec.code in touched:
            for key in TASK_FIELDS:
                setattr(task, key, getattr(task_spec, key))
            task.active, task.updated_revision = True, plan.revision
    session.flush()
    ids_by_code = {code: task.id for code, task in tasks.items()}
    if new_rows:
        inserted = session.execute(insert(Task).returning(Task.code, Task.id, sort_by_parameter_order=True), new_rows)
        ids_by_code.update({code: task_id for code, task_id in inserted})
    specs = [t for t in spec.tasks if t.code in touched]
    ids = [ids_by_code[t.code] for t in specs]
    for start in range(0, len(ids), 500):
        session.exec(delete(Assignment).where(col(Assignment.task_id).in_(ids[start:start + 500])))  # type: ignore[call-overload]
    rows = [{"task_id": ids_by_code[t.code], "role": role, "department_id": dept, "unit_text": text, "position": pos}
            for t in specs for pos, (role, dept, text) in enumerate(t.assignments)]
    _insert(session, Assignment, rows)
    stored = {(m.task_id, m.key): m for m in session.exec(select(Milestone).join(Task).where(Task.plan_id == plan.id))}
    new_rows, kept = [], set()
    for t in specs:
        task_id = ids_by_code[t.code]
        for pos, fields in enumerate(t.milestones):
            kept.add((task_id, fields["key"]))
            milestone = stored.get((task_id, fields["key"]))
            if milestone is None:
                new_rows.append({**fields, "task_id": task_id, "position": pos, "active": True})
                continue
            for key, value in {**fields, "position": pos, "active": True}.items():
                if getattr(milestone, key) != value:
                    setattr(milestone, key, value)
    retired_ids = set(ids) | {ids_by_code[code] for code in removed}
    gone = [m for k, m in stored.items() if k[0] in retired_ids and k not in kept and m.active]
    _retire(session, gone)
    _insert(session, Milestone, new_rows)
    session.flush()


def _insert(session: Session, model: type, rows: list[dict[str, Any]], chunk: int = 2000) -> None:
    """Bulk-insert plain rows with Core, in chunks (keeps memory flat on 10,000-task plans)."""
    for start in range(0, len(rows), chunk):
        session.execute(insert(model.__table__), rows[start:start + chunk])  # type: ignore[attr-defined]


def _retire(session: Session, milestones: list[Milestone]) -> None:
    """Delete milestones nobody refers to; deactivate those with completions or status updates."""
    ids = [m.id for m in milestones]
    if not ids:
        return
    used = set(session.exec(select(MilestoneCompletion.milestone_id).where(col(MilestoneCompletion.milestone_id).in_(ids))))
    used |= set(session.exec(select(StatusUpdate.milestone_id).where(col(StatusUpdate.milestone_id).in_(ids))))
    for milestone in milestones:
        if milestone.id in used:
            milestone.active = False
        else:
            session.delete(milestone)
    session.flush()


def _write_indicators(session: Session, plan: Plan, spec: PlanSpec, indicators: dict[str, Indicator],
                      touched: set[str], removed: list[str]) -> None:
    """Insert or update indicators (targets replaced); deactivate those no longer in the document."""
    for code in removed:
        indicators[code].active = False
    task_ids = {t.code: t.id for t in session.exec(select(Task).where(Task.plan_id == plan.id))}
    for ind in spec.indicators:
        if ind.code not in touched:
            continue
        indicator = indicators.get(ind.code)
        if indicator is None:
            indicator = indicators[ind.code] = Indicator(plan_id=plan.id, code=ind.code, name=ind.name)
            session.add(indicator)
        for key in ("name", "category", "unit", "direction", "statement", "source_ref"):
            setattr(indicator, key, getattr(ind, key))
        indicator.task_id, indicator.active = task_ids.get(ind.task_code or ""), True
        session.flush()
        session.exec(delete(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id))  # type: ignore[call-overload]
        session.add_all(IndicatorTarget(indicator_id=indicator.id, **target) for target in ind.targets)
    session.flush()
