"""Write a plan revision's rows in bulk: tasks, assignments, milestones (matched by key), indicators.

Bulk statements rather than ORM objects keep a 10,000-task import within seconds and flat in memory;
``plan_store`` decides what changed, this module only writes it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from models import Assignment, Indicator, IndicatorTarget, Milestone, MilestoneCompletion, Plan, StatusUpdate, Task
from tasks.plans.specs import PlanSpec, StoredTask, TaskSpec

TASK_FIELDS = ("section", "section_path", "text", "remark", "position")


def _bulk_update(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key, one statement per set of columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        for start in range(0, len(group), 2000):
            session.execute(update(model), group[start:start + 2000])


def update_sources(session: Session, spec: PlanSpec, tasks: dict[str, StoredTask]) -> None:
    """Point stored tasks at their current file and row (rows move without the plan changing)."""
    moved = [t for t in spec.tasks if t.code in tasks
             and (tasks[t.code].source_ref, tasks[t.code].source_file) != (t.source_ref, t.source_file)]
    _bulk_update(session, Task, [{"id": tasks[t.code].id, "source_file": t.source_file, "source_ref": t.source_ref}
                                 for t in moved])


def write_tasks(session: Session, plan: Plan, spec: PlanSpec, tasks: dict[str, StoredTask], touched: set[str],
                removed: list[str]) -> None:
    """Insert new tasks, update changed ones, deactivate removed ones; replace their assignments/milestones."""
    updates = [{"id": tasks[code].id, "active": False, "updated_revision": plan.revision} for code in removed]
    new_tasks = []
    for task_spec in spec.tasks:
        fields = {key: getattr(task_spec, key) for key in TASK_FIELDS}
        if task_spec.code not in tasks:  # new tasks go in as one bulk insert (ORM objects cost seconds on 10,000)
            new_tasks.append({"plan_id": plan.id, "code": task_spec.code, "source_file": task_spec.source_file,
                              "source_ref": task_spec.source_ref, "created_revision": plan.revision,
                              "updated_revision": plan.revision, "active": True, **fields})
        elif task_spec.code in touched:
            updates.append({"id": tasks[task_spec.code].id, "active": True, "updated_revision": plan.revision,
                            **fields})
    _bulk_update(session, Task, updates)
    update_sources(session, spec, tasks)
    ids_by_code = {code: task.id for code, task in tasks.items()}
    for start in range(0, len(new_tasks), 2000):
        inserted = session.execute(insert(Task).returning(Task.code, Task.id, sort_by_parameter_order=True),
                                   new_tasks[start:start + 2000])
        ids_by_code.update({row[0]: row[1] for row in inserted.all()})
    specs = [t for t in spec.tasks if t.code in touched]
    ids = [ids_by_code[t.code] for t in specs if t.code in tasks]
    for start in range(0, len(ids), 500):
        stale = delete(Assignment).where(col(Assignment.task_id).in_(ids[start:start + 500]))
        session.exec(stale)  # type: ignore[call-overload]
    _insert(session, Assignment, [{"task_id": ids_by_code[t.code], "role": role, "department_id": dept,
                                   "unit_text": text, "position": pos}
                                  for t in specs for pos, (role, dept, text) in enumerate(t.assignments)])
    _write_milestones(session, plan, specs, ids_by_code, {ids_by_code[c] for c in removed} | set(ids))


def _write_milestones(session: Session, plan: Plan, specs: list[TaskSpec], ids_by_code: dict[str, int],
                      retiring: set[int]) -> None:
    """Match milestones by (task, key): update in place, insert new ones, retire the ones that went away."""
    query = (select(Milestone.id, Milestone.task_id, Milestone.key, Milestone.active).join(Task)
             .where(Task.plan_id == plan.id))
    stored = {(tid, key): (mid, active) for mid, tid, key, active in session.exec(query) if tid in retiring}
    new_rows, updates, kept = [], [], set()
    for t in specs:
        task_id = ids_by_code[t.code]
        for pos, fields in enumerate(t.milestones):
            kept.add((task_id, fields["key"]))
            row = {**fields, "position": pos, "active": True}
            if (task_id, fields["key"]) in stored:
                updates.append({"id": stored[(task_id, fields["key"])][0], **row})
            else:
                new_rows.append({**row, "task_id": task_id})
    _bulk_update(session, Milestone, updates)
    _retire(session, [mid for k, (mid, active) in stored.items() if k not in kept and active])
    _insert(session, Milestone, new_rows)
    session.flush()


def _insert(session: Session, model: type, rows: list[dict[str, Any]], chunk: int = 2000) -> None:
    """Bulk-insert plain rows with Core, in chunks (keeps memory flat on 10,000-task plans)."""
    for start in range(0, len(rows), chunk):
        session.execute(insert(model.__table__), rows[start:start + chunk])  # type: ignore[attr-defined]


def _retire(session: Session, ids: list[int]) -> None:
    """Delete milestones nobody refers to; deactivate those with completions or status updates."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        used = set(session.exec(select(MilestoneCompletion.milestone_id)
                                .where(col(MilestoneCompletion.milestone_id).in_(chunk))))
        used |= set(session.exec(select(StatusUpdate.milestone_id).where(col(StatusUpdate.milestone_id).in_(chunk))))
        _bulk_update(session, Milestone, [{"id": mid, "active": False} for mid in chunk if mid in used])
        unused = [mid for mid in chunk if mid not in used]
        if unused:
            session.exec(delete(Milestone).where(col(Milestone.id).in_(unused)))  # type: ignore[call-overload]


def write_indicators(session: Session, plan: Plan, spec: PlanSpec, indicators: dict[str, Indicator],
                     touched: set[str], removed: list[str]) -> None:
    """Insert or update indicators (targets replaced); deactivate those no longer in the document."""
    for code in removed:
        indicators[code].active = False
    task_ids = dict(session.exec(select(Task.code, Task.id).where(Task.plan_id == plan.id)).all())
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
        stale = delete(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id)  # type: ignore[arg-type]
        session.exec(stale)  # type: ignore[call-overload]
        session.add_all(IndicatorTarget(indicator_id=indicator.id, **target) for target in ind.targets)
    session.flush()
