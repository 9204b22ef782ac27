"""Done-when on the real Hangzhou table: one request per lead unit, three ways in, true rates, only laggards chased."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from models import Assignment, Department, Milestone, Plan, StatusUpdate, Task
from tasks.office.accounts import add_user
from tasks.plans.intake import import_plan
from tasks.rounds.dashboard import task_history
from tasks.rounds.forms import HEADER_ROW, SHEET, collect_form, write_form
from tasks.rounds.links import issue_link
from tasks.rounds.requests import chase, open_round
from tests.factories import make_department, make_group
from tests.portal.conftest import PASSWORD, csrf_of, office_login


def _lead_units(session: Session, plan: Plan) -> set[int]:
    """Independently: lead units of tasks with a milestone due on/after 2016-04-01, groups → members."""
    from models import GroupMember

    tasks = {m.task_id for m in session.exec(select(Milestone).join(Task).where(
        Task.plan_id == plan.id, Milestone.due_date >= date(2016, 4, 1)))}
    tasks |= {m.task_id for m in session.exec(select(Milestone).join(Task).where(
        Task.plan_id == plan.id, Milestone.recurrence.is_not(None)))}
    leads = {a.department_id for a in session.exec(select(Assignment).where(
        Assignment.task_id.in_(tasks), Assignment.role == "lead"))}
    members = {g.group_id: [] for g in session.exec(select(GroupMember))}
    for g in session.exec(select(GroupMember)):
        members[g.group_id].append(g.member_id)
    groups = {d.id for d in session.exec(select(Department).where(Department.kind == "group"))}
    return {m for d in leads for m in members.get(d, [] if d in groups else [d])}  # a memberless group: nobody


def test_hangzhou_round_2016q2(seeds: Path, session: Session, client: TestClient, webhook_receiver,
                               tmp_path: Path) -> None:
    districts = [make_department(session, "上城区政府"), make_department(session, "下城区政府")]
    make_group(session, "各区、县（市）政府", districts)
    session.commit()
    import_plan(session, seeds / "hangzhou-task-table.docx", plan_code="hangzhou")
    plan = session.exec(select(Plan).where(Plan.code == "hangzhou")).one()
    for dept in session.exec(select(Department).where(Department.kind == "unit")):
        dept.channels = [webhook_receiver.url(f"d{dept.id}")]
        session.add(dept)
    session.commit()

    result = open_round(session, plan, "2016Q2", today=date(2016, 7, 1))
    expected = set(result.departments)
    assert expected == _lead_units(session, plan) and {d.id for d in districts} <= expected
    everyone = session.exec(select(Department).where(Department.kind == "unit")).all()
    for dept in everyone:
        assert len(webhook_receiver.to(f"d{dept.id}")) == (1 if dept.id in expected else 0), dept.name
    assert result.delivery.sent == len(expected) and result.delivery.failed == 0

    def unit(name: str) -> Department:
        return session.exec(select(Department).where(Department.name == name)).one()

    health, civil, legal = unit("市卫生计生委"), unit("市民政局"), unit("市法制办")
    # 1. the portal: 市卫生计生委 reports one of its tasks
    token = issue_link(session, health)[1]
    session.commit()
    first_task = session.exec(select(Task).join(Assignment).where(
        Task.plan_id == plan.id, Assignment.department_id == health.id, Assignment.role == "lead")
        .order_by(Task.position)).first()
    page = client.get(f"/u/{token}/tasks/{first_task.id}")
    assert client.post(f"/u/{token}/tasks/{first_task.id}", follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "state": "推进中", "percent": "40",
        "progress": "已印发工作方案"}).status_code == 303
    # 2. the spreadsheet: 市民政局 fills every row of its form
    buffer = io.BytesIO()
    rows = write_form(session, civil, result.round, buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    ws = wb[SHEET]
    for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + rows):
        if ws.cell(r, 3).value == "牵头":
            ws.cell(r, 5, "推进中")
            ws.cell(r, 7, "按计划推进")
    path = tmp_path / "civil.xlsx"
    wb.save(path)
    form_updates = collect_form(session, path)
    # 3. the API: 市法制办 reports its one task
    legal_token = issue_link(session, legal)[1]
    session.commit()
    auth = {"Authorization": f"Bearer {legal_token}"}
    [legal_task] = [t for t in client.get("/api/unit/tasks", headers=auth).json() if t["role"] == "lead"]
    assert client.post(f"/api/unit/tasks/{legal_task['id']}/updates", headers=auth,
                       json={"state": "已完成", "progress": "规章已审查"}).status_code == 201

    session.expire_all()
    updates = session.exec(select(StatusUpdate)).all()
    assert sorted({u.channel for u in updates}) == ["api", "form", "portal"]
    histories = [h for t in {u.task_id for u in updates} for h in task_history(session, t)]
    assert sorted(h.update.id for h in histories) == sorted(u.id for u in updates)
    assert "portal" in {h.update.channel for h in task_history(session, first_task.id)}
    # the portal update was on time, the others came after the deadline
    portal_update = next(u for u in updates if u.channel == "portal")
    portal_update.submitted_at = datetime(2016, 7, 5, 2, tzinfo=UTC)
    session.add(portal_update)
    session.commit()

    add_user(session, "office", PASSWORD)
    office_login(client)
    rates = {r["department"]: r for r in client.get(f"/api/office/rounds/{result.round.id}/rates").json()}
    assert len(rates) == len(expected)
    civil_expected = rates["市民政局"]["expected"]
    assert (rates["市民政局"]["reported"], rates["市民政局"]["on_time"]) == (civil_expected, 0)
    assert civil_expected == len(form_updates)
    assert (rates["市法制办"]["expected"], rates["市法制办"]["reported"], rates["市法制办"]["on_time"]) == (1, 1, 0)
    assert (rates["市卫生计生委"]["reported"], rates["市卫生计生委"]["on_time"]) == (1, 1)
    assert rates["市卫生计生委"]["expected"] > 1
    assert all(r["reported"] == 0 for name, r in rates.items() if name not in ("市民政局", "市法制办", "市卫生计生委"))

    chased = chase(session, result.round, today=date(2016, 7, 8))
    assert set(chased.departments) == expected - {civil.id, legal.id}
    for dept in everyone:
        inbox = webhook_receiver.to(f"d{dept.id}")
        assert len(inbox) == (2 if dept.id in expected - {civil.id, legal.id} else 1 if dept.id in expected else 0)
