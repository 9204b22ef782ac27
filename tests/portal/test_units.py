"""A unit's pages: its own tasks only, refused links, CSRF, validation, upload limits, the spreadsheet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from config import get_settings
from models import AccessLink, Evidence, StatusUpdate
from models.base import utcnow
from tasks.rounds.forms import HEADER_ROW, SHEET
from tests.portal.conftest import World, csrf_of
from tests.status_factories import pdf_bytes


def _updates(session: Session) -> list[StatusUpdate]:
    session.expire_all()
    return list(session.exec(select(StatusUpdate)))


def _report(client: TestClient, token: str, task_id: int, files: list | None = None,  # type: ignore[type-arg]
            csrf: str | None = None, **fields: str) -> object:
    page = client.get(f"/u/{token}/tasks/{task_id}")
    data = {"csrf_token": csrf if csrf is not None else csrf_of(page.text), "state": "推进中", "percent": "50",
            "progress": "已完成方案起草", **fields}
    return client.post(f"/u/{token}/tasks/{task_id}", data=data, files=files or [], follow_redirects=False)


def test_unit_sees_only_its_own_tasks(client: TestClient, world: World) -> None:
    page = client.get(f"/u/{world.tokens['health']}")
    assert page.status_code == 200 and "市卫生计生委" in page.text
    assert "建立精神卫生工作协调机制" in page.text and "制定实施方案" in page.text  # T1, T4
    assert "落实救助政策" not in page.text and "建成社区康复机构" not in page.text  # T2, T3
    assert "2016年07月07日" in page.text
    district = client.get(f"/u/{world.tokens['shangcheng']}").text
    assert "建成社区康复机构" in district  # through its group


def test_another_units_task_is_refused(client: TestClient, world: World, session: Session) -> None:
    t2 = world.s.tasks["T2"].id
    assert client.get(f"/u/{world.tokens['health']}/tasks/{t2}").status_code == 403
    own = client.get(f"/u/{world.tokens['health']}/tasks/{world.s.tasks['T1'].id}")
    response = client.post(f"/u/{world.tokens['health']}/tasks/{t2}",
                           data={"csrf_token": csrf_of(own.text), "state": "推进中", "progress": "x"})
    assert response.status_code == 403 and "无权" in response.text
    assert _updates(session) == []


@pytest.mark.parametrize("how", ["tampered", "truncated", "expired", "revoked"])
def test_bad_links_get_a_clear_refusal_page(client: TestClient, world: World, session: Session, how: str) -> None:
    token = world.tokens["civil"]
    if how == "tampered":
        token = token[:-4] + ("abcd" if not token.endswith("abcd") else "efgh")
    elif how == "truncated":
        token = token[:20]
    else:
        for link in session.exec(select(AccessLink).where(AccessLink.department_id == world.s.civil.id)):
            if how == "expired":
                link.expires_at = utcnow()
            else:
                link.revoked_at = utcnow()
            session.add(link)
        session.commit()
    page = client.get(f"/u/{token}")
    expected = {"tampered": "链接无效", "truncated": "链接无效", "expired": "链接已过期", "revoked": "链接已被撤销"}
    assert page.status_code == 403 and expected[how] in page.text and "市民政局" not in page.text


def test_submit_with_evidence_then_correct(client: TestClient, world: World, session: Session) -> None:
    token, t1 = world.tokens["health"], world.s.tasks["T1"].id
    response = _report(client, token, t1, files=[("files", ("纪要.pdf", pdf_bytes(), "application/pdf"))],
                       ind_I1="82", submitted_by="王五")
    assert response.status_code == 303
    assert "已提交" in client.get(response.headers["location"]).text
    [update] = _updates(session)
    assert (update.channel, update.round_id, update.percent, update.submitted_by) == ("portal", world.round_id, 50,
                                                                                      "王五")
    evidence = session.exec(select(Evidence)).one()
    stored = Path(get_settings().data_dir) / "evidence" / evidence.stored_path
    assert stored.read_bytes() == pdf_bytes() and "static" not in str(stored)
    assert _report(client, token, t1, progress="更正：方案已报批").status_code == 303
    first, second = _updates(session)
    assert second.supersedes_id == first.id and first.progress == "已完成方案起草"


def test_missing_csrf_and_bad_values_save_nothing(client: TestClient, world: World, session: Session) -> None:
    token, t1 = world.tokens["health"], world.s.tasks["T1"].id
    refused = _report(client, token, t1, csrf="forged")
    assert refused.status_code == 403 and "CSRF" in refused.text
    bad = _report(client, token, t1, percent="140")
    assert bad.status_code == 422 and "完成百分比应在0到100之间（收到140）" in bad.text
    wrong_type = _report(client, token, t1, files=[("files", ("a.pdf", b"MZ" + b"\0" * 50, "application/pdf"))])
    assert wrong_type.status_code == 422 and "内容与扩展名" in wrong_type.text
    assert _updates(session) == []


def test_a_50_mb_upload_is_refused_cleanly(client: TestClient, world: World, session: Session) -> None:
    token, t1 = world.tokens["health"], world.s.tasks["T1"].id
    big = pdf_bytes() + b"\0" * (50 * 1024 * 1024)
    response = _report(client, token, t1, files=[("files", ("big.pdf", big, "application/pdf"))])
    assert response.status_code == 413 and "超过上限（10 MB）" in response.text
    csrf = csrf_of(client.get(f"/u/{token}/tasks/{t1}").text)
    received = {"bytes": 0}

    def stream() -> object:  # chunked, no Content-Length: the server must stop reading by itself
        boundary = b"--b\r\n"
        yield boundary + b'Content-Disposition: form-data; name="csrf_token"\r\n\r\n' + csrf.encode() + b"\r\n"
        yield boundary + b'Content-Disposition: form-data; name="files"; filename="big.pdf"\r\n\r\n'
        for _ in range(50):
            received["bytes"] += 1024 * 1024
            yield b"\0" * (1024 * 1024)
        yield b"\r\n--b--\r\n"

    streamed = client.post(f"/u/{token}/tasks/{t1}", content=stream(),
                           headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert streamed.status_code == 413
    assert _updates(session) == [] and session.exec(select(Evidence)).all() == []
    assert not list((Path(get_settings().data_dir) / "evidence").glob("*"))


def test_spreadsheet_through_the_portal(client: TestClient, world: World, session: Session) -> None:
    token = world.tokens["civil"]
    download = client.get(f"/u/{token}/form")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(download.content))
    ws = wb[SHEET]
    assert ws.cell(HEADER_ROW + 1, 1).value == "T2"
    ws.cell(HEADER_ROW + 1, 5, "推进中")
    ws.cell(HEADER_ROW + 1, 7, "救助政策已出台")
    filled = io.BytesIO()
    wb.save(filled)
    csrf = csrf_of(client.get(f"/u/{token}").text)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # the 民政局 form uploaded with the 卫计委 link is refused
    other = client.post(f"/u/{world.tokens['health']}/form", data={"csrf_token": csrf},
                        files={"file": ("form.xlsx", filled.getvalue(), xlsx)})
    assert other.status_code == 403 and "这是“市民政局”的报送表" in other.text
    assert _updates(session) == []
    ok = client.post(f"/u/{token}/form", data={"csrf_token": csrf},
                     files={"file": ("form.xlsx", filled.getvalue(), xlsx)})
    assert ok.status_code == 200 and "已导入1项" in ok.text
    [update] = _updates(session)
    assert (update.channel, update.department_id, update.progress) == ("form", world.s.civil.id, "救助政策已出台")


def test_task_page_offers_plan_indicators_tells_milestones_apart_and_shows_local_times(
        client: TestClient, world: World, session: Session) -> None:
    from datetime import UTC, date, datetime

    from models import IndicatorReading, Milestone
    from tests.factories import make_indicator

    make_indicator(session, world.s.plan, "每10万人口心理咨询师数", unit="人", code="A3")  # tied to no task
    t1 = world.s.tasks["T1"]
    session.add(Milestone(task_id=t1.id, key="完成时限", label="完成时限", text="2016年底前，建成市级热线",
                          due_date=date(2016, 12, 31), position=1))
    session.add(StatusUpdate(task_id=t1.id, department_id=world.s.health.id, state="推进中", progress="旧报送",
                             submitted_at=datetime(2016, 6, 30, 17, 5, tzinfo=UTC)))
    session.commit()
    page = client.get(f"/u/{world.tokens['health']}/tasks/{t1.id}").text
    assert 'name="ind_A3"' in page and "（规划指标）" in page
    assert "2016年底前：建成市级热线" in page and "完成时限 / 完成时限" not in page
    assert "2016-07-01 01:05" in page and " UTC" not in page  # 17:05 UTC: 01:05 the next day in Shanghai
    assert 'name="completed_on"' in page
    assert _report(client, world.tokens["health"], t1.id, ind_A3="5.2").status_code == 303
    assert session.exec(select(IndicatorReading)).one().text == "5.2"


def test_a_responsible_unit_is_shown_as_responsible(client: TestClient, world: World, session: Session) -> None:
    from tasks.rounds.links import issue_link

    _, token = issue_link(session, world.s.police)
    session.commit()
    page = client.get(f"/u/{token}").text
    assert "T5" in page and "责任" in page and "牵头" not in page
