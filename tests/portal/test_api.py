"""The JSON API: OpenAPI description, Bearer unit tokens, isolation, office session with CSRF."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import StatusUpdate
from tests.portal.conftest import PASSWORD, World


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_openapi_describes_unit_and_office_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/unit/tasks/{task_id}/updates" in spec["paths"] and "/api/office/tasks" in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert not any(path.startswith("/u/") or path.startswith("/office") for path in spec["paths"])


def test_unit_lists_and_submits_its_own_tasks(client: TestClient, world: World, session: Session) -> None:
    auth = _bearer(world.tokens["health"])
    tasks = client.get("/api/unit/tasks", headers=auth).json()
    assert {t["code"]: t["role"] for t in tasks} == {"T1": "lead", "T4": "lead"}
    t1 = world.s.tasks["T1"].id
    created = client.post(f"/api/unit/tasks/{t1}/updates", headers=auth,
                          json={"state": "推进中", "percent": 70, "progress": "系统对接", "indicators": {"I1": 88}})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["channel"], body["round_id"], body["department"]) == ("api", world.round_id, "市卫生计生委")
    mine = client.get(f"/api/unit/tasks/{t1}/updates", headers=auth).json()
    assert [u["id"] for u in mine] == [body["id"]]


def test_unit_token_against_another_units_task_is_403(client: TestClient, world: World, session: Session) -> None:
    t2 = world.s.tasks["T2"].id
    auth = _bearer(world.tokens["health"])
    assert client.post(f"/api/unit/tasks/{t2}/updates", headers=auth,
                       json={"state": "推进中", "progress": "x"}).status_code == 403
    assert client.get(f"/api/unit/tasks/{t2}/updates", headers=auth).status_code == 403
    assert session.exec(select(StatusUpdate)).all() == []


def test_bad_tokens_and_bad_values(client: TestClient, world: World, session: Session) -> None:
    t1 = world.s.tasks["T1"].id
    assert client.get("/api/unit/tasks").status_code == 403
    tampered = client.get("/api/unit/tasks", headers=_bearer(world.tokens["health"][:-3] + "xyz"))
    assert tampered.status_code == 403 and "链接无效" in tampered.json()["detail"]
    bad = client.post(f"/api/unit/tasks/{t1}/updates", headers=_bearer(world.tokens["health"]),
                      json={"state": "推进中", "percent": 140, "progress": "x"})
    assert bad.status_code == 422 and "0到100" in bad.json()["problems"][0]
    assert client.post(f"/api/unit/tasks/{t1}/updates", headers=_bearer(world.tokens["health"]),
                       json={"percent": 10}).status_code == 422  # state missing
    assert session.exec(select(StatusUpdate)).all() == []


def test_office_api_login_rates_history_and_review(client: TestClient, world: World, session: Session) -> None:
    t1 = world.s.tasks["T1"].id
    update = client.post(f"/api/unit/tasks/{t1}/updates", headers=_bearer(world.tokens["health"]),
                         json={"state": "推进中", "progress": "x"}).json()
    assert client.get("/api/office/tasks").status_code == 401
    assert client.post("/api/office/login", json={"username": "office", "password": "wrong-one"}).status_code == 403
    login = client.post("/api/office/login", json={"username": "office", "password": PASSWORD}).json()
    lights = {t["code"]: t["state"] for t in client.get("/api/office/tasks").json()}
    assert lights["T1"] == "待审核"  # sent in, not accepted yet: awaiting review, not 未报送
    listed = client.get(f"/api/office/rounds/{world.round_id}/rates").json()
    rates = {r["department"]: r["reporting_rate"] for r in listed}
    assert rates["市卫生计生委"] == 1.0 and rates["市民政局"] == 0.0
    assert [h["id"] for h in client.get(f"/api/office/tasks/{t1}/history").json()] == [update["id"]]
    review = f"/api/office/updates/{update['id']}/review"
    assert client.post(review, json={"decision": "accept"}).status_code == 403  # no CSRF header
    done = client.post(review, json={"decision": "accept"}, headers={"X-CSRF-Token": login["csrf_token"]})
    assert done.status_code == 200 and done.json()["decision"] == "accepted"
    assert {t["code"]: t["state"] for t in client.get("/api/office/tasks").json()}["T1"] == "推进中"


def test_an_indicator_tied_to_no_task_is_reportable_with_a_ratio_as_written(client: TestClient, world: World,
                                                                            session: Session) -> None:
    from models import IndicatorReading
    from tasks.plans.targets import attainment, parse_target
    from tests.factories import make_indicator

    make_indicator(session, world.s.plan, "专职人员与在册患者比", unit=None, code="A7",
                   targets=[{"kind": "target", "year": 2020, "value_kind": "ratio", "value": 1 / 80,
                             "text": "1/80"}])
    session.commit()
    t1 = world.s.tasks["T1"].id
    created = client.post(f"/api/unit/tasks/{t1}/updates", headers=_bearer(world.tokens["health"]),
                          json={"state": "推进中", "progress": "配备专职人员", "indicators": {"A7": "1/85"}})
    assert created.status_code == 201, created.text
    reading = session.exec(select(IndicatorReading)).one()
    assert reading.text == "1/85" and abs(reading.value - 1 / 85) < 1e-12
    assert attainment(reading.value, parse_target("1/80")) < 1  # one per 85 patients falls short of one per 80
    wrong = client.post(f"/api/unit/tasks/{t1}/updates", headers=_bearer(world.tokens["health"]),
                        json={"state": "推进中", "progress": "x", "indicators": {"不存在": 1}})
    assert wrong.status_code == 422
    assert wrong.json()["problems"] == ["任务T1：没有指标“不存在”。"]  # written once, not 任务T1：任务T1…


def test_api_completion_date_and_docs_path(client: TestClient, world: World, session: Session) -> None:
    from datetime import date

    from models import Milestone

    t1 = world.s.tasks["T1"]
    milestone = session.exec(select(Milestone).where(Milestone.task_id == t1.id)).one()
    created = client.post(f"/api/unit/tasks/{t1.id}/updates", headers=_bearer(world.tokens["health"]),
                          json={"state": "已完成", "progress": "已建立", "completes_milestone": milestone.key,
                                "completed_on": "2016-06-28"})
    assert created.status_code == 201, created.text
    assert session.get(StatusUpdate, created.json()["id"]).completed_on == date(2016, 6, 28)
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
