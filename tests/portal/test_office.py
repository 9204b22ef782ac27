"""The office: sign-in, dashboard lights and filters, round rates, history with evidence, review."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import StatusUpdate, UpdateReview
from tests.portal.conftest import World, csrf_of, office_login
from tests.status_factories import pdf_bytes


def _submit(client: TestClient, world: World, unit: str, task: str, **fields: object) -> None:
    token, task_id = world.tokens[unit], world.s.tasks[task].id
    csrf = csrf_of(client.get(f"/u/{token}/tasks/{task_id}").text)
    files = fields.pop("files", [])
    data = {"csrf_token": csrf, "state": "推进中", "percent": "30", "progress": "推进中", **fields}
    assert client.post(f"/u/{token}/tasks/{task_id}", data=data, files=files,
                       follow_redirects=False).status_code == 303


def test_office_pages_need_a_login(client: TestClient, world: World) -> None:
    for path in ("/office", f"/office/rounds/{world.round_id}", f"/office/tasks/{world.s.tasks['T1'].id}",
                 "/office/evidence/1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/office/login", path


def test_wrong_password_and_forged_login_form_are_refused(client: TestClient, world: World) -> None:
    csrf = csrf_of(client.get("/office/login").text)
    wrong = client.post("/office/login", data={"username": "office", "password": "nope-nope", "csrf_token": csrf})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    forged = client.post("/office/login", data={"username": "office", "password": "x", "csrf_token": "bad"})
    assert forged.status_code == 403
    assert client.get("/office", follow_redirects=False).status_code == 303


def test_dashboard_lights_filters_and_rates(client: TestClient, world: World) -> None:
    _submit(client, world, "health", "T1")
    office_login(client)
    page = client.get("/office")
    assert page.status_code == 200
    for code in ("T1", "T2", "T3", "T4", "T5"):
        assert f">{code}</a>" in page.text
    filtered = client.get("/office", params={"section": "保障措施"}).text
    assert ">T2</a>" in filtered and ">T1</a>" not in filtered
    by_unit = client.get("/office", params={"department_id": world.s.finance.id}).text
    assert ">T1</a>" in by_unit and ">T2</a>" not in by_unit
    rates = client.get(f"/office/rounds/{world.round_id}").text
    assert "<td>市卫生计生委</td><td>1</td><td>1</td>" in rates
    assert "<td>市民政局</td><td>1</td><td>0</td>" in rates and "市民政局：T2" in rates


def test_history_review_and_evidence_download(client: TestClient, world: World, session: Session) -> None:
    _submit(client, world, "health", "T1", files=[("files", ("纪要.pdf", pdf_bytes("x"), "application/pdf"))])
    update = session.exec(select(StatusUpdate)).one()
    office_login(client)
    task_page = client.get(f"/office/tasks/{world.s.tasks['T1'].id}")
    assert "纪要.pdf" in task_page.text and "待审核" in task_page.text
    download = client.get("/office/evidence/1")
    assert download.status_code == 200 and download.content == pdf_bytes("x")
    csrf = csrf_of(task_page.text)
    assert client.post(f"/office/updates/{update.id}/review",
                       data={"decision": "return", "reason": "", "csrf_token": csrf}).status_code == 422
    assert client.post(f"/office/updates/{update.id}/review",
                       data={"decision": "return", "reason": "请补充会议照片", "csrf_token": "x"}).status_code == 403
    back = client.post(f"/office/updates/{update.id}/review",
                       data={"decision": "return", "reason": "请补充会议照片", "csrf_token": csrf})
    assert back.status_code == 200 and "请补充会议照片" in back.text
    unit_page = client.get(f"/u/{world.tokens['health']}/tasks/{world.s.tasks['T1'].id}").text
    assert "已退回：请补充会议照片" in unit_page
    session.expire_all()
    assert session.exec(select(UpdateReview)).one().decision == "returned"


def test_units_cannot_download_evidence_or_review(client: TestClient, world: World, session: Session) -> None:
    _submit(client, world, "health", "T1", files=[("files", ("a.pdf", pdf_bytes(), "application/pdf"))])
    unit_page = client.get(f"/u/{world.tokens['health']}/tasks/{world.s.tasks['T1'].id}")
    assert "/office/evidence/" not in unit_page.text
    assert client.get("/office/evidence/1", follow_redirects=False).status_code == 303
    update = session.exec(select(StatusUpdate)).one()
    response = client.post(f"/office/updates/{update.id}/review",
                           data={"decision": "accept", "csrf_token": csrf_of(unit_page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/office/login"
    session.expire_all()
    assert session.get(StatusUpdate, update.id).review_state == "pending"
