"""The portal resists the usual attacks: guessing passwords, replaying a cookie after logout, framing, sniffing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import LoginThrottle
from tasks.office.accounts import add_user
from tests.portal.conftest import PASSWORD, World, csrf_of, office_login


def _form_login(client: TestClient, password: str):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/office/login").text)
    return client.post("/office/login", data={"username": "office", "password": password, "csrf_token": csrf},
                       follow_redirects=False)


def test_wrong_passwords_lock_the_login_page_and_it_says_when_to_try_again(client: TestClient, world: World,
                                                                          session: Session) -> None:
    for _ in range(5):
        assert _form_login(client, "wrong password").status_code == 401
    locked = _form_login(client, PASSWORD)  # the right password, at once: still refused
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.text and "分钟后）再试" in locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= 300
    assert client.get("/office", follow_redirects=False).status_code == 303
    # the lock ends (moved into the past here rather than waiting): the right password works and resets the counts
    for row in session.exec(select(LoginThrottle)):
        row.locked_until = datetime.now(UTC) - timedelta(seconds=1)
        session.add(row)
    session.commit()
    assert _form_login(client, PASSWORD).status_code == 303
    session.expire_all()
    assert session.exec(select(LoginThrottle)).all() == []


def test_the_api_answers_429_with_retry_after(client: TestClient, world: World) -> None:
    for _ in range(5):
        assert client.post("/api/office/login", json={"username": "office", "password": "wrong-one"}).status_code == 403
    locked = client.post("/api/office/login", json={"username": "office", "password": PASSWORD})
    assert locked.status_code == 429 and "再试" in locked.json()["detail"]
    assert 0 < int(locked.headers["Retry-After"]) <= 300


def test_logout_ends_the_session_on_the_server(client: TestClient, world: World) -> None:
    office_login(client)
    stolen = client.cookies["duban_session"]
    page = client.get("/office")
    assert page.status_code == 200
    assert client.post("/office/logout", data={"csrf_token": csrf_of(page.text)},
                       follow_redirects=False).status_code == 303
    client.cookies.set("duban_session", stolen)  # replay the cookie copied before logout
    replay = client.get("/office", follow_redirects=False)
    assert replay.status_code == 303 and replay.headers["location"] == "/office/login"
    assert client.get("/api/office/tasks").status_code == 401


def test_api_logout_and_a_password_change_end_sessions(client: TestClient, world: World, session: Session) -> None:
    login = client.post("/api/office/login", json={"username": "office", "password": PASSWORD}).json()
    stolen = client.cookies["duban_session"]
    assert client.post("/api/office/logout", headers={"X-CSRF-Token": login["csrf_token"]}).status_code == 200
    client.cookies.set("duban_session", stolen)
    assert client.get("/api/office/tasks").status_code == 401

    client.cookies.clear()
    office_login(client)
    assert client.get("/api/office/tasks").status_code == 200
    add_user(session, "office", "a new password 2026", replace=True)
    assert client.get("/api/office/tasks").status_code == 401


SECURITY_HEADERS = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}


def _assert_protected(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_every_kind_of_response_carries_the_security_headers(client: TestClient, world: World) -> None:
    token, task_id = world.tokens["health"], world.s.tasks["T1"].id
    responses = [client.get("/office/login"), client.get(f"/u/{token}"), client.get(f"/u/{token}/tasks/{task_id}"),
                 client.get("/office", follow_redirects=False), client.get("/nowhere"), client.get("/api/unit/tasks"),
                 client.get("/openapi.json"), client.get("/api/docs"), client.get("/static/style.css"),
                 client.get("/healthz"), client.post("/api/office/login", content=b"{" + b" " * (2 * 1024 * 1024),
                                                     headers={"Content-Type": "application/json"})]
    assert [r.status_code for r in responses] == [200, 200, 200, 303, 404, 403, 200, 200, 200, 200, 413]
    for response in responses:
        _assert_protected(response)


def test_pages_have_no_inline_script_or_style(client: TestClient, world: World) -> None:
    office_login(client)
    token, task_id = world.tokens["health"], world.s.tasks["T1"].id
    for path in ("/office", f"/office/rounds/{world.round_id}", f"/office/tasks/{task_id}", f"/u/{token}",
                 f"/u/{token}/tasks/{task_id}", "/u/not-a-token", "/api/docs"):
        html = client.get(path).text
        assert "<style" not in html and " style=" not in html and "javascript:" not in html, path
        assert not re.search(r"\son[a-z]+\s*=", html), path  # no inline event handlers
        for script in html.split("<script")[1:]:
            assert script.lstrip().startswith("src="), (path, script[:80])


def test_the_api_docs_are_served_from_the_portal_itself(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from a CDN
    for source in sources:
        assert client.get(source).status_code == 200, source


def test_a_too_large_api_request_is_answered_in_json(client: TestClient, world: World) -> None:
    too_big = client.post("/api/unit/tasks/1/updates", content=b"{" + b" " * (2 * 1024 * 1024),
                          headers={"Content-Type": "application/json", "Authorization": "Bearer x" * 3})
    assert too_big.status_code == 413
    assert too_big.headers["content-type"].startswith("application/json")
    assert "超过上限" in too_big.json()["detail"]
