"""The office's plan pages: upload, preview (the dry run), confirm or cancel, re-upload diff, period, draft,
workbook download — and the bad inputs, each refused with a Chinese message and nothing written."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from config import get_settings
from models import AuditEntry, Department, Plan, PlanRevision, Task
from tests.portal.conftest import World, csrf_of, office_login

HEAD = "编号,一级指标,二级指标,任务,完成时限,牵头单位,配合单位,责任单位,备注\n"
PLAN = HEAD + ("A1,组织保障,协调机制,建立全区心理援助热线。,2016年6月底前开通。,市卫生计生委,市财政局,,\n"
               "A2,康复服务,社区康复,推进社区康复站点建设。,根据工作需要适时开展。,市卫生计生委员会,,,\n")


def _upload(client: TestClient, name: str, content: bytes, plan_code: str = "") -> object:
    csrf = csrf_of(client.get("/office/plans").text)
    return client.post("/office/plans/upload", data={"csrf_token": csrf, "plan_code": plan_code},
                       files={"file": (name, io.BytesIO(content), "application/octet-stream")})


def _uploads() -> list[Path]:
    folder = Path(get_settings().data_dir) / "uploads"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _plans(session: Session) -> list[Plan]:
    session.expire_all()
    return list(session.exec(select(Plan).where(Plan.code != world_plan_code())))


def world_plan_code() -> str:
    return "demo"  # the status scenario's own plan (tests/factories.make_plan)


def test_upload_preview_confirm_and_the_plan_is_listed(client: TestClient, world: World, session: Session) -> None:
    office_login(client)
    preview = _upload(client, "heat-line.csv", PLAN.encode("utf-8"))
    assert preview.status_code == 200 and "/office/plans/uploads/" in str(preview.url)
    text = preview.text
    assert "尚未保存任何内容" in text and 'id="plan-code">heat-line<' in text
    assert "建立全区心理援助热线" in text and "2016-06-30" in text and "“2016年6月底前开通。”" in text
    assert "根据工作需要适时开展" in text and 'id="undated"' in text  # the undated phrase is listed by row
    assert 'id="provisional"' in text and "市卫生计生委员会" in text and "closest known: 市卫生计生委" in text
    kept = _uploads()
    assert len(kept) == 2 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in kept)
    assert _plans(session) == [] and session.exec(select(Department).where(
        Department.name == "市卫生计生委员会")).all() == []  # nothing stored before confirming
    confirmed = client.post(f"{preview.url.path}/confirm", data={"csrf_token": csrf_of(text)})
    assert confirmed.status_code == 200 and "已导入，当前为第 1 版" in confirmed.text
    [plan] = _plans(session)
    assert plan.code == "heat-line" and session.exec(select(Task).where(Task.plan_id == plan.id)).all() != []
    assert _uploads() == []
    listing = client.get("/office/plans").text
    assert ">heat-line</a>" in listing
    actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.username == "office"))]
    assert "plan_upload" in actions and "plan_import" in actions
    assert client.get(preview.url.path).status_code == 404  # confirmed: the upload is gone


def test_cancel_keeps_nothing(client: TestClient, world: World, session: Session) -> None:
    office_login(client)
    preview = _upload(client, "heat-line.csv", PLAN.encode("utf-8"))
    gone = client.post(f"{preview.url.path}/cancel", data={"csrf_token": csrf_of(preview.text)})
    assert gone.status_code == 200 and "尚未导入计划" not in gone.text
    assert _uploads() == [] and _plans(session) == []
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "plan_cancel")).one().detail == "heat-line.csv"


def test_reupload_shows_the_field_level_diff_before_confirming(client: TestClient, world: World,
                                                               session: Session) -> None:
    office_login(client)
    first = _upload(client, "heat-line.csv", PLAN.encode("utf-8"))
    client.post(f"{first.url.path}/confirm", data={"csrf_token": csrf_of(first.text)})
    changed = PLAN.replace("建立全区心理援助热线。", "建立全市心理援助热线。")
    changed = changed.replace("2016年6月底前开通。", "2016年9月底前开通。")
    changed = changed.replace("市卫生计生委员会,,,", "市卫生计生委员会,市财政局,,")
    second = _upload(client, "heat-line.csv", changed.encode("utf-8"))
    assert 'id="changes"' in second.text and "任务 A1" in second.text and "任务 A2" in second.text
    diff = second.text.split('id="changes"')[1].split("</section>")[0]
    assert "<td>任务内容</td><td>建立全区心理援助热线。</td><td>建立全市心理援助热线。</td>" in diff
    assert "2016-06-30" in diff and "2016-09-30" in diff  # the milestone's old and new deadline
    assert "<td>配合单位</td><td>（空）</td><td>市财政局</td>" in diff
    session.expire_all()
    assert len(session.exec(select(PlanRevision)).all()) == 1  # previewed only
    client.post(f"{second.url.path}/confirm", data={"csrf_token": csrf_of(second.text)})
    session.expire_all()
    assert len(session.exec(select(PlanRevision)).all()) == 2


@pytest.mark.parametrize(("name", "content", "message"), [
    ("plan.pdf", b"%PDF-1.4", "类型不支持"),
    ("plan.doc", b"\xd0\xcf\x11\xe0rest", "类型不支持"),
    ("empty.csv", b"", "空文件"),
    ("../../etc/plan.exe", b"MZ", "类型不支持"),
])
def test_wrong_type_or_empty_file_is_refused_and_nothing_kept(client: TestClient, world: World, session: Session,
                                                              name: str, content: bytes, message: str) -> None:
    office_login(client)
    response = _upload(client, name, content)
    assert response.status_code == 422 and message in response.text
    assert _uploads() == [] and _plans(session) == []


def test_a_too_large_file_is_refused(client: TestClient, world: World, session: Session,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_UPLOAD_MAX_BYTES", "2000")
    get_settings.cache_clear()
    office_login(client)
    response = _upload(client, "big.csv", (PLAN * 20).encode("utf-8"))
    assert response.status_code == 422 and "超过上限" in response.text
    assert _uploads() == [] and _plans(session) == []


def test_a_file_with_errors_previews_its_problems_and_cannot_be_confirmed(client: TestClient, world: World,
                                                                          session: Session) -> None:
    office_login(client)
    broken = _upload(client, "broken.xlsx", b"PK\x03\x04 not really a zip")
    assert broken.status_code == 422 and "无法导入" in broken.text and "文件损坏" in broken.text
    assert 'id="confirm"' not in broken.text
    refused = client.post(f"{broken.url.path}/confirm", data={"csrf_token": csrf_of(broken.text)})
    assert refused.status_code == 422 and _plans(session) == []
    client.post(f"{broken.url.path}/cancel", data={"csrf_token": csrf_of(broken.text)})
    assert _uploads() == []


def test_set_period_review_years_and_download_the_workbook(client: TestClient, world: World,
                                                           session: Session) -> None:
    office_login(client)
    page = client.get("/office/plans/demo")
    csrf = csrf_of(page.text)
    bad = client.post("/office/plans/demo/info", data={"csrf_token": csrf, "period": "2016到", "midterm_year": "",
                                                       "final_year": ""})
    assert bad.status_code == 422 and "两个年份" in bad.text
    outside = client.post("/office/plans/demo/info", data={"csrf_token": csrf, "period": "2016-2020",
                                                           "midterm_year": "2025", "final_year": ""})
    assert outside.status_code == 422 and "未保存" in outside.text
    session.expire_all()
    assert session.get(Plan, world.s.plan.id).period_start == 2015
    ok = client.post("/office/plans/demo/info", data={"csrf_token": csrf, "period": "2016-2020",
                                                      "midterm_year": "2018", "final_year": "2020"})
    assert ok.status_code == 200 and "计划信息已保存" in ok.text
    session.expire_all()
    plan = session.get(Plan, world.s.plan.id)
    assert (plan.period_start, plan.period_end, plan.midterm_year) == (2016, 2020, 2018)
    download = client.get("/office/plans/demo/workbook")
    assert download.status_code == 200 and "demo.xlsx" in download.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert "T1" in [row[0] for row in sheet.iter_rows(values_only=True)]


def test_confirm_a_draft_plan(client: TestClient, world: World, session: Session) -> None:
    plan = session.get(Plan, world.s.plan.id)
    plan.status = "draft"
    session.add(plan)
    session.commit()
    office_login(client)
    page = client.get("/office/plans/demo")
    assert "草稿" in page.text and 'id="confirm-draft"' in page.text
    done = client.post("/office/plans/demo/confirm", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "计划已确认" in done.text
    session.expire_all()
    assert session.get(Plan, world.s.plan.id).status == "confirmed"
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "plan_confirm")).one().target == "demo"


def test_unknown_plan_and_forged_form(client: TestClient, world: World) -> None:
    office_login(client)
    assert client.get("/office/plans/nope").status_code == 404
    forged = client.post("/office/plans/demo/confirm", data={"csrf_token": "x"})
    assert forged.status_code == 403
    assert client.get("/office/plans/uploads/" + "0" * 32).status_code == 404


def test_a_bad_plan_code_is_refused(client: TestClient, world: World, session: Session) -> None:
    office_login(client)
    response = _upload(client, "heat-line.csv", PLAN.encode("utf-8"), plan_code="../x")
    assert response.status_code == 422 and "计划代码" in response.text
    assert _uploads() == [] and _plans(session) == []


def test_a_corrected_workbook_goes_through_the_same_preview(client: TestClient, world: World,
                                                            session: Session) -> None:
    office_login(client)
    workbook = client.get("/office/plans/demo/workbook").content
    sheet_book = load_workbook(io.BytesIO(workbook))
    sheet = sheet_book.active
    for row in sheet.iter_rows():
        if row[0].value == "T2":
            row[3].value = "落实并完善救助政策。"
    corrected = io.BytesIO()
    sheet_book.save(corrected)
    page = client.get("/office/plans/demo")
    preview = client.post("/office/plans/upload", data={"csrf_token": csrf_of(page.text), "plan_code": "demo"},
                          files={"file": ("demo.xlsx", corrected.getvalue(), "application/octet-stream")})
    assert preview.status_code == 200 and 'id="plan-code">demo<' in preview.text
    assert "任务 T2" in preview.text and "落实并完善救助政策。" in preview.text
    done = client.post(f"{preview.url.path}/confirm", data={"csrf_token": csrf_of(preview.text)})
    assert done.status_code == 200
    session.expire_all()
    assert session.get(Task, world.s.tasks["T2"].id).text == "落实并完善救助政策。"
