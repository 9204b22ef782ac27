"""Store a resolved plan as a new revision: match tasks by code, keep every piece of history.

Re-storing identical content changes nothing. Otherwise a new ``PlanRevision`` records what
changed; tasks missing from the new document are deactivated (never deleted); milestones are
matched by key and updated in place, so completions and status updates stay attached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import (
    PLAN_CONFIRMED,
    Assignment,
    Department,
    Indicator,
    IndicatorTarget,
    Milestone,
    Plan,
    PlanRevision,
    Task,
)
from models.base import id_of, utcnow
from models.db import rows
from models.plan import PLAN_FACTS
from tasks.plans.lookup import find_plan_by_code
from tasks.plans.specs import IndicatorSpec, PlanSpec, StoredTask, TaskSpec
from tasks.plans.writer import TASK_FIELDS, update_sources, write_indicators, write_tasks

PLAN_FIELDS = PLAN_FACTS  # declared once (models.plan.PlanFacts)
MILESTONE_FIELDS = ("key", "label", "text", "due_date", "soft", "ongoing_after", "recurrence", "recurrence_count",
                    "recurrence_start", "recurrence_end", "recurrence_day", "undated_reason", "unit_ids")
INDICATOR_FIELDS = ("name", "category", "unit", "direction", "statement", "task_code")


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
    targets = sorted((t["kind"], t.get("year") or 0, t.get("scope", ""), t.get("text", "")) for t in spec.targets)
    return {**{k: getattr(spec, k) for k in INDICATOR_FIELDS}, "targets": [list(t) for t in targets]}


def load_current(session: Session, plan: Plan) -> tuple[dict[str, StoredTask], dict[str, TaskSpec],
                                                         dict[str, Indicator], dict[str, IndicatorSpec]]:
    """The stored tasks and indicators of ``plan`` (active ones also as specs, for comparison), as plain rows."""
    tasks: dict[str, StoredTask] = {}
    specs: dict[str, TaskSpec] = {}
    by_id: dict[int, str] = {}
    query = sa_select(col(Task.id), col(Task.code), col(Task.active), col(Task.source_file), col(Task.source_ref),
                      col(Task.text), col(Task.section), col(Task.section_path), col(Task.remark),
                      col(Task.position)).where(col(Task.plan_id) == plan.id)
    for tid, code, active, file, ref, text, section, path, remark, position in rows(session, query):
        assert tid is not None  # read back from the table
        tasks[code], by_id[tid] = StoredTask(tid, active, file, ref), code
        if active:
            specs[code] = TaskSpec(code, text, section, list(path), remark, file, ref, position)
    assigned = (select(Assignment.task_id, Assignment.role, Assignment.department_id, Assignment.unit_text)
                .join(Task).where(Task.plan_id == plan.id)
                .order_by(col(Assignment.task_id), col(Assignment.position)))
    for tid, role, dept, text in session.exec(assigned):
        if by_id[tid] in specs:
            specs[by_id[tid]].assignments.append((role, dept, text))
    columns = [getattr(Milestone, k) for k in MILESTONE_FIELDS]  # as many as MILESTONE_FIELDS: untyped row
    due = (sa_select(col(Milestone.task_id), *columns).join(Task)
           .where(col(Task.plan_id) == plan.id, col(Milestone.active))
           .order_by(col(Milestone.task_id), col(Milestone.position)))
    for tid, *values in rows(session, due):
        if by_id[tid] in specs:
            specs[by_id[tid]].milestones.append(dict(zip(MILESTONE_FIELDS, values, strict=True)))
    indicators = {i.code: i for i in session.exec(select(Indicator).where(Indicator.plan_id == plan.id))}
    ind_specs = {i.code: IndicatorSpec(i.code, i.name, i.category, i.unit, i.direction, i.statement,
                                       by_id.get(i.task_id or 0), i.source_ref)
                 for i in indicators.values() if i.active}
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
    plan = find_plan_by_code(session, spec.code)
    created = plan is None
    if plan is None:
        title = spec.fields.get("title") or Path(spec.source_file).stem
        fields = {k: v for k, v in spec.fields.items() if v is not None}
        plan = Plan(code=spec.code, revision=0, **{**fields, "title": title}, status=spec.status or PLAN_CONFIRMED)
        session.add(plan)
        session.flush()
    names = {id_of(d): d.name for d in session.exec(select(Department))}
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
        update_sources(session, spec, tasks)
        session.expire_all()
        return StoreResult(plan, plan.revision, False, False, {})
    plan.revision += 1
    for key, value in spec.fields.items():
        if value is not None:
            setattr(plan, key, value)
    plan.updated_at = utcnow()
    write_tasks(session, plan, spec, tasks, set(changes["added"]) | set(changes["changed"]), changes["removed"])
    write_indicators(session, plan, spec, indicators, set(changes["indicators"]["added"])
                      | set(changes["indicators"]["changed"]), changes["indicators"]["removed"])
    session.add(PlanRevision(plan_id=id_of(plan), number=plan.revision, source_file=spec.source_file,
                             source_format=spec.source_format, source_hash=spec.source_hash,
                             changes={"created": created, **changes}))
    session.flush()
    session.expire_all()  # bulk updates bypass the identity map: reload anything already loaded
    return StoreResult(plan, plan.revision, created, True, changes)
