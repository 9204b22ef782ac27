"""Roles: a viewer (查看) reads but every state-changing office route and API endpoint answers 403."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import AuditEntry, StatusUpdate
from tasks.office.accounts import add_user
from tests.portal.conftest import PASSWORD, World, csrf_of

CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_TO_EVERY_ROLE = {"/office/login", "/office/logout", "/office/password", "/api/office/login",
                      "/api/office/logout"}


def _login(client: TestClient, name: str) -> str:
    token = csrf_of(client.get("/office/login").text)
    response = client.post("/office/login", data={"username": name, "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/office").text)


def _endpoints(routes: list) -> list[tuple[str, set[str]]]:  # type: ignore[type-arg]
    """(path, methods) of every endpoint in app.routes: routes added directly, and those of included routers
    (FastAPI ≥ 0.13x keeps an included router as one entry whose effective routes carry the full path)."""
    found: list[tuple[str, set[str]]] = []
    for route in routes:
        if hasattr(route, "effective_route_contexts"):
            found += [(c.path, set(c.methods or ())) for c in route.effective_route_contexts()]
        elif isinstance(route, APIRoute):
            found.append((route.path, set(route.methods or ())))
    return found


def _changing_routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for path, methods in _endpoints(client.app.routes):
        if path in OPEN_TO_EVERY_ROLE or not (path.startswith("/office") or path.startswith("/api/office")):
            continue
        found += [(method, path) for method in sorted(methods & CHANGING)]
    return found


def test_a_viewer_gets_403_on_every_state_changing_office_route(client: TestClient, world: World,
                                                                session: Session) -> None:
    add_user(session, "reader", PASSWORD, role="viewer")
    session.commit()
    routes = _changing_routes(client)
    paths = {path for _, path in routes}
    # the walk covers what exists (so it cannot pass on an empty table): reviews, users, plans, both routers
    assert {"/office/updates/{update_id}/review", "/api/office/updates/{update_id}/review", "/office/users",
            "/office/users/{username}/disable", "/office/plans/upload"} <= paths
    csrf = _login(client, "reader")
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = client.request(method, url, data={"csrf_token": csrf}, headers={"X-CSRF-Token": csrf},
                                  follow_redirects=False)
        assert response.status_code == 403, (method, path, response.status_code)
        assert "只读" in response.text, (method, path)  # refused for the role, not for a stale form
    session.expire_all()
    assert session.exec(select(AuditEntry).where(AuditEntry.username == "reader",
                                                 AuditEntry.action != "login")).all() == []


def test_a_viewer_reads_the_dashboard_and_ledgers_but_cannot_review(client: TestClient, world: World,
                                                                     session: Session) -> None:
    add_user(session, "reader", PASSWORD, role="viewer")
    session.commit()
    csrf = _login(client, "reader")
    for path in ("/office", f"/office/rounds/{world.round_id}", f"/office/tasks/{world.s.tasks['T1'].id}",
                 "/office/audit", "/office/plans", "/office/password"):
        assert client.get(path).status_code == 200, path
    assert "/office/users" not in client.get("/office").text  # no admin link for a viewer
    assert client.get("/office/users").status_code == 403
    update = StatusUpdate(task_id=world.s.tasks["T1"].id, department_id=world.s.health.id, role="lead",
                          state="推进中", progress="x", channel="portal", round_id=world.round_id)
    session.add(update)
    session.commit()
    refused = client.post(f"/office/updates/{update.id}/review", data={"decision": "accept", "csrf_token": csrf})
    assert refused.status_code == 403 and "查看" in refused.text
    api = client.post(f"/api/office/updates/{update.id}/review", json={"decision": "accept"},
                      headers={"X-CSRF-Token": csrf})
    assert api.status_code == 403
    session.expire_all()
    assert session.get(StatusUpdate, update.id).review_state == "pending"
