"""Export a stored plan: the stable JSON shape (machine interface) and the canonical .xlsx layout.

The .xlsx written here re-imports to the same plan (same codes, units, schedule cells, indicators); a
milestone bound to fewer units than its task carries them as a marker closing its cell
(``…每季度督导1次〔责任单位：各乡镇（街道）〕``), which the office may correct and re-import.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from models import Assignment, Department, Indicator, IndicatorTarget, Milestone, Plan, Task
from models.base import id_of
from models.plan import PLAN_FACTS
from tasks.errors import NotFound
from tasks.plans.deadlines import column_year
from tasks.plans.lookup import all_plans, plan_by_code
from tasks.plans.template import write_workbook
from tasks.plans.unit_names import split_units

PLAN_KEYS = ("code", *PLAN_FACTS, "revision", "status")


def _iso(value: Any) -> Any:
    """Dates as ISO strings."""
    return value.isoformat() if isinstance(value, date) else value


def _tasks(session: Session, plan: Plan) -> list[dict[str, Any]]:
    """Active tasks with canonical unit names by role and active milestones, in document order."""
    tasks = list(session.exec(select(Task).where(Task.plan_id == plan.id, Task.active)
                              .order_by(col(Task.position), col(Task.id))))
    units: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "support": [], "responsible": []})
    rows = (select(Assignment.task_id, Assignment.role, Department.name).join(Department).join(Task)
            .where(Task.plan_id == plan.id).order_by(col(Assignment.task_id), col(Assignment.position)))
    for task_id, role, name in session.exec(rows):
        if name not in units[task_id][role]:
            units[task_id][role].append(name)
    milestones: dict[int, list[dict[str, Any]]] = defaultdict(list)
    names = {dept_id: name for dept_id, name in session.exec(select(col(Department.id), Department.name)).all()
             if dept_id is not None}
    query = (select(Milestone).join(Task).where(Task.plan_id == plan.id, Milestone.active)
             .order_by(col(Milestone.position)))
    for m in session.exec(query):
        entry: dict[str, Any] = {
            "key": m.key, "label": m.label, "text": m.text, "due": _iso(m.due_date), "soft": m.soft,
            "ongoing_after": m.ongoing_after, "recurrence": m.recurrence, "recurrence_count": m.recurrence_count,
            "undated_reason": m.undated_reason}
        if m.unit_ids:  # bound by its clause to fewer units than the task's
            entry["units"] = [names[d] for d in m.unit_ids if d in names]
        milestones[m.task_id].append(entry)
    return [{"code": t.code, "section": t.section, "section_path": list(t.section_path), "text": t.text,
             "remark": t.remark, **units[id_of(t)], "milestones": milestones[id_of(t)],
             "source": {"file": t.source_file, "ref": t.source_ref}} for t in tasks]


def _indicators(session: Session, plan: Plan) -> list[dict[str, Any]]:
    """Active indicators with their baselines and targets."""
    indicators = list(session.exec(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.active)
                                   .order_by(col(Indicator.id))))
    task_codes = dict(session.exec(select(Task.id, Task.code).where(Task.plan_id == plan.id)).all())
    values: dict[int, list[IndicatorTarget]] = defaultdict(list)
    ids = [id_of(i) for i in indicators]
    for target in session.exec(select(IndicatorTarget).where(col(IndicatorTarget.indicator_id).in_(ids or [0]))
                               .order_by(col(IndicatorTarget.id))):
        values[target.indicator_id].append(target)
    out = []
    for ind in indicators:
        entry: dict[str, Any] = {"code": ind.code, "name": ind.name, "category": ind.category, "unit": ind.unit,
                                 "direction": ind.direction, "task": task_codes.get(ind.task_id),
                                 "statement": ind.statement, "baselines": [], "targets": []}
        for t in values[id_of(ind)]:
            entry["baselines" if t.kind == "baseline" else "targets"].append(
                {"year": t.year, "scope": t.scope, "text": t.text, "value_kind": t.value_kind, "value": t.value,
                 "value_high": t.value_high})
        out.append(entry)
    return out


def export_plan(session: Session, code: str) -> dict[str, Any]:
    """The plan as the stable JSON shape: plan, active tasks (canonical unit names), indicators."""
    plan = plan_by_code(session, code)
    return {"plan": {k: _iso(getattr(plan, k)) for k in PLAN_KEYS}, "tasks": _tasks(session, plan),
            "indicators": _indicators(session, plan)}


def join_units(names: list[str]) -> str:
    """Unit names in one cell, joined so that splitting the cell gives exactly these names back."""
    for separator in ("、", "，", "\n"):
        text = separator.join(names)
        if split_units(text) == names:
            return text
    return "\n".join(names)


def milestone_labels(tasks: list[dict[str, Any]]) -> list[str]:
    """The schedule columns: year labels in year order, then other labels in order of appearance."""
    labels: list[str] = []
    for task in tasks:
        for m in task["milestones"]:
            if m["label"] not in labels:
                labels.append(m["label"])
    years = sorted((lb for lb in labels if column_year(lb)), key=lambda lb: column_year(lb) or 0)
    return years + [lb for lb in labels if lb not in years]


def _cell_texts(task: dict[str, Any], label: str) -> list[str]:
    """A task's schedule cells under ``label``: each distinct text once (one cell may hold several milestones).
    A milestone bound to fewer units than its task closes its cell with a 〔责任单位：…〕 marker, so that the
    import reads the binding back as it was."""
    return list(dict.fromkeys(m["text"] + (f"〔责任单位：{join_units(m['units'])}〕" if m.get("units") else "")
                              for m in task["milestones"] if m["label"] == label))


def export_xlsx(session: Session, code: str, path: Path) -> Path:
    """Write the plan in the canonical template layout; importing the file gives back the same plan.

    A label with several distinct schedule texts in one task (two 完成时限) gets as many columns, all headed
    by the label; a task with neither lead nor responsible unit says 无 (none) in 牵头单位."""
    data = export_plan(session, code)
    labels = milestone_labels(data["tasks"])
    widths = {label: max(len(_cell_texts(task, label)) for task in data["tasks"]) for label in labels}
    columns = [label for label in labels for _ in range(widths[label])]
    rows = []
    for task in data["tasks"]:
        cells = [text for label in labels for text in
                 (_cell_texts(task, label) + [""] * widths[label])[:widths[label]]]
        path_ = task["section_path"] or [task["section"]]
        lead = join_units(task["lead"]) or ("" if task["responsible"] else "无")
        rows.append([task["code"], path_[0] if path_ else "", path_[1] if len(path_) > 1 else "", task["text"],
                     *cells, lead, join_units(task["support"]), join_units(task["responsible"]),
                     task["remark"] or ""])
    plan = {**data["plan"], "addressees": join_units(data["plan"]["addressees"] or []) or None}
    return write_workbook(Path(path), plan, columns, rows, data["indicators"])


def list_tasks(session: Session, *, plan_code: str | None = None, department: str | None = None,
               due_before: date | None = None) -> list[dict[str, Any]]:
    """Active tasks (of one plan or all), optionally of a unit (directly or via its groups) and with a
    milestone due on or before ``due_before``."""
    from tasks.directory.departments import UnitResolver, groups_containing

    plans = [plan_by_code(session, plan_code)] if plan_code else all_plans(session)
    names: set[str] | None = None
    if department:
        dept = UnitResolver(session).lookup(department)
        if dept is None:
            raise NotFound(f"no department named '{department}' (see: duban departments)")
        names = {dept.name, *(g.name for g in groups_containing(session, id_of(dept)))}
    out = []
    for plan in plans:
        for task in _tasks(session, plan):
            units = set(task["lead"]) | set(task["support"]) | set(task["responsible"])
            if names is not None and not units & names:
                continue
            dues = sorted(m["due"] for m in task["milestones"] if m["due"])
            if due_before and not any(d <= due_before.isoformat() for d in dues):
                continue
            out.append({"plan": plan.code, **task, "next_due": dues[0] if dues else None})
    return out
