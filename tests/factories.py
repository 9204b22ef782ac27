"""Plain factory functions that put realistic rows into a test database."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models import (
    KIND_GROUP,
    Assignment,
    Department,
    DepartmentAlias,
    GroupMember,
    Indicator,
    IndicatorTarget,
    Milestone,
    Plan,
    Task,
)


def make_plan(session: Session, code: str = "demo", title: str = "示范市精神卫生工作规划（2015—2020年）",
              **fields: object) -> Plan:
    plan = Plan(code=code, title=title, **{"period_start": 2015, "period_end": 2020, "midterm_year": 2017,
                                           "final_year": 2020, **fields})
    session.add(plan)
    session.flush()
    return plan


def make_department(session: Session, name: str, *, channels: list[str] | None = None,
                    head_channels: list[str] | None = None, aliases: list[str] | None = None,
                    kind: str = "unit") -> Department:
    existing = session.exec(select(Department).where(Department.name == name)).first()
    if existing:
        return existing
    dept = Department(name=name, kind=kind, channels=channels or [], head_channels=head_channels or [])
    session.add(dept)
    session.flush()
    for alias in aliases or []:
        session.add(DepartmentAlias(alias=alias, department_id=dept.id))
    session.flush()
    return dept


def make_group(session: Session, name: str, members: list[Department]) -> Department:
    group = make_department(session, name, kind=KIND_GROUP)
    for member in members:
        session.add(GroupMember(group_id=group.id, member_id=member.id))
    session.flush()
    return group


def make_task(session: Session, plan: Plan, code: str, text: str = "建立精神卫生工作协调机制。", *,
              lead: list[Department] = (), support: list[Department] = (),
              responsible: list[Department] = (), section: str = "组织保障",
              milestones: list[dict] | None = None) -> Task:
    """A task with its assignments; ``milestones`` are dicts of Milestone fields (label, due_date, ...)."""
    task = Task(plan_id=plan.id, code=code, section=section, section_path=[section], text=text)
    session.add(task)
    session.flush()
    for role, units in (("lead", lead), ("support", support), ("responsible", responsible)):
        for position, dept in enumerate(units):
            session.add(Assignment(task_id=task.id, department_id=dept.id, role=role, unit_text=dept.name,
                                   position=position))
    for position, fields in enumerate(milestones or []):
        fields = dict(fields)
        label = fields.pop("label", None) or f"{(fields.get('due_date') or date(2016, 12, 31)).year}年"
        session.add(Milestone(task_id=task.id, key=fields.pop("key", label), label=label,
                              text=fields.pop("text", "完成。"), position=position, **fields))
    session.flush()
    return task


def make_indicator(session: Session, plan: Plan, name: str, *, unit: str | None = "%",
                   direction: str = "higher", targets: list[dict] | None = None,
                   task: Task | None = None, code: str | None = None) -> Indicator:
    """An indicator; ``targets`` are dicts of IndicatorTarget fields (kind, year, value, ...)."""
    indicator = Indicator(plan_id=plan.id, task_id=task.id if task else None, code=code or name,
                          name=name, unit=unit, direction=direction)
    session.add(indicator)
    session.flush()
    for fields in targets or []:
        session.add(IndicatorTarget(indicator_id=indicator.id, **fields))
    session.flush()
    return indicator
