"""Accounts in the browser: add a viewer, disable an account (its sessions end), change one's own password
(other sessions end), and the audit trail of who did what."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import AuditEntry, OfficeUser
from portal import create_app
from tasks.office.accounts import add_user
from tests.portal.conftest import PASSWORD, World, csrf_of, office_login


def _login(client: TestClient, name: str, password: str = PASSWORD) -> int:
    token = csrf_of(client.get("/office/login").text)
    return client.post("/office/login", data={"username": name, "password": password, "csrf_token": token},
                       follow_redirects=False).status_code


def _user(session: Session, name: str) -> OfficeUser:
    session.expire_all()
    return session.exec(select(OfficeUser).where(OfficeUser.username == name)).one()


def test_existing_accounts_are_admins_and_the_cli_adds_viewers(session: Session, world: World) -> None:
    assert _user(session, "office").role == "admin" and not _user(session, "office").disabled
    add_user(session, "reader", PASSWORD, role="查看")
    assert _user(session, "reader").role == "viewer"


def test_add_a_viewer_with_each_bad_input_named(client: TestClient, world: World, session: Session) -> None:
    office_login(client)
    page = client.get("/office/users")
    assert page.status_code == 200 and "<td>office</td><td>管理员</td>" in page.text
    csrf = csrf_of(page.text)
    short = client.post("/office/users", data={"csrf_token": csrf, "username": "reader", "password": "short",
                                               "role": "viewer"})
    assert short.status_code == 422 and "8 个字符" in short.text
    taken = client.post("/office/users", data={"csrf_token": csrf, "username": "office", "password": PASSWORD,
                                               "role": "viewer"})
    assert taken.status_code == 422 and "已存在" in taken.text
    role = client.post("/office/users", data={"csrf_token": csrf, "username": "reader", "password": PASSWORD,
                                              "role": "boss"})
    assert role.status_code == 422 and "角色只能是管理员或查看" in role.text
    assert session.exec(select(OfficeUser).where(OfficeUser.username == "reader")).first() is None
    added = client.post("/office/users", data={"csrf_token": csrf, "username": "reader", "password": PASSWORD,
                                               "role": "viewer"})
    assert added.status_code == 200 and "<td>reader</td><td>查看</td>" in added.text
    assert _user(session, "reader").role == "viewer"
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user_add")).one()
    assert (entry.username, entry.target, entry.detail) == ("office", "reader", "查看")


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(client: TestClient, world: World,
                                                                session: Session) -> None:
    add_user(session, "colleague", PASSWORD)
    session.commit()
    with TestClient(create_app()) as other:
        assert _login(other, "colleague") == 303 and other.get("/office").status_code == 200
        office_login(client)
        csrf = csrf_of(client.get("/office/users").text)
        assert client.post("/office/users/office/disable", data={"csrf_token": csrf}).status_code == 422  # oneself
        done = client.post("/office/users/colleague/disable", data={"csrf_token": csrf})
        assert done.status_code == 200 and "已停用" in done.text
        response = other.get("/office", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/office/login"
        refused = other.post("/office/login", data={"username": "colleague", "password": PASSWORD,
                                                    "csrf_token": csrf_of(other.get("/office/login").text)})
        assert refused.status_code == 401 and "已停用" in refused.text
    assert _user(session, "colleague").disabled
    assert client.post("/office/users/nobody/disable", data={"csrf_token": csrf}).status_code == 404


def test_change_own_password_ends_other_sessions(client: TestClient, world: World, session: Session) -> None:
    add_user(session, "reader", PASSWORD, role="viewer")
    session.commit()
    with TestClient(create_app()) as other:
        assert _login(other, "reader") == 303
        assert _login(client, "reader") == 303
        csrf = csrf_of(client.get("/office/password").text)
        wrong = client.post("/office/password", data={"csrf_token": csrf, "current": "not-it-at-all",
                                                      "new": "new password 1", "repeat": "new password 1"})
        assert wrong.status_code == 403 and "当前密码不正确" in wrong.text
        mismatch = client.post("/office/password", data={"csrf_token": csrf, "current": PASSWORD,
                                                         "new": "new password 1", "repeat": "new password 2"})
        assert mismatch.status_code == 422 and "不一致" in mismatch.text
        short = client.post("/office/password", data={"csrf_token": csrf, "current": PASSWORD, "new": "short",
                                                      "repeat": "short"})
        assert short.status_code == 422 and "8 个字符" in short.text
        assert other.get("/office").status_code == 200  # nothing changed yet
        done = client.post("/office/password", data={"csrf_token": csrf, "current": PASSWORD,
                                                     "new": "new password 1", "repeat": "new password 1"})
        assert done.status_code == 200 and "密码已修改" in done.text
        assert client.get("/office").status_code == 200  # this browser stays signed in
        assert other.get("/office", follow_redirects=False).status_code == 303  # the other one is out
        assert _login(other, "reader") == 401 and _login(other, "reader", "new password 1") == 303


def test_the_audit_page_lists_who_did_what(client: TestClient, world: World, session: Session) -> None:
    office_login(client)
    csrf = csrf_of(client.get("/office/users").text)
    client.post("/office/users", data={"csrf_token": csrf, "username": "reader", "password": PASSWORD,
                                       "role": "viewer"})
    page = client.get("/office/audit")
    assert page.status_code == 200
    rows = page.text.split('id="audit"')[1]
    assert rows.index("新增账号") < rows.index("登录")  # newest first
    assert "<td>reader</td>" in rows
    mine = client.get("/office/audit", params={"username": "nobody"}).text
    assert "暂无记录" in mine
