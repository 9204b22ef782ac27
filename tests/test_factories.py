"""The factories build consistent rows (a plan with a task, its units and milestones)."""

from datetime import date

from sqlmodel import Session, select

from models import Assignment, Milestone
from tests.factories import make_department, make_group, make_plan, make_task


def test_task_with_lead_support_and_milestones(session: Session) -> None:
    plan = make_plan(session)
    health = make_department(session, "市卫生计生委", aliases=["市卫计委"])
    civil = make_department(session, "市民政局")
    group = make_group(session, "各相关部门", [health, civil])
    task = make_task(session, plan, "1.1", lead=[health], support=[group],
                     milestones=[{"label": "2016年", "due_date": date(2016, 12, 31)}])
    session.commit()
    roles = {(a.role, a.department_id) for a in session.exec(select(Assignment).where(Assignment.task_id == task.id))}
    assert roles == {("lead", health.id), ("support", group.id)}
    milestone = session.exec(select(Milestone).where(Milestone.task_id == task.id)).one()
    assert milestone.due_date == date(2016, 12, 31) and milestone.label == "2016年"
