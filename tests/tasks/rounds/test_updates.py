"""The one validation path: states, percents, indicators, evidence, roles, corrections and review."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from config import get_settings
from models import (
    Department,
    Evidence,
    IndicatorReading,
    Milestone,
    MilestoneCompletion,
    StatusUpdate,
    Task,
    UpdateReview,
)
from models.db import get_engine
from tasks.errors import AccessDenied, ValidationFailed
from tasks.rounds.requests import open_round
from tasks.rounds.reviews import review_update
from tasks.rounds.updates import UpdateData, current_status, submit_update
from tests.status_factories import make_status_scenario, pdf_bytes, png_bytes, upload


def _evidence_files() -> list[Path]:
    folder = Path(get_settings().data_dir) / "evidence"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_submit_records_update_indicator_and_evidence(session) -> None:
    s = make_status_scenario(session)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    content = pdf_bytes("meeting minutes")
    update = submit_update(session, s.health, s.tasks["T1"], UpdateData(
        state="推进中", percent="60%", progress="已召开协调会", problems="经费不足", next_steps="报批方案",
        indicators={"患者管理率": "85.5%"}, submitted_by="张三", files=[("会议纪要.pdf", upload(content))]))
    assert (update.round_id, update.role, update.percent, update.channel) == (round_.id, "lead", 60, "portal")
    reading = session.exec(select(IndicatorReading).where(IndicatorReading.update_id == update.id)).one()
    assert (reading.value, reading.as_of) == (85.5, date(2016, 6, 30))
    evidence = session.exec(select(Evidence).where(Evidence.update_id == update.id)).one()
    assert evidence.filename == "会议纪要.pdf" and evidence.sha256 == hashlib.sha256(content).hexdigest()
    stored = _evidence_files()
    assert [p.name for p in stored] == [evidence.stored_path] and stored[0].read_bytes() == content
    assert "会议纪要" not in evidence.stored_path  # a random name, not the user's


@pytest.mark.parametrize(("data", "message"), [
    (UpdateData(state="推进中", percent=140, progress="x"), "0到100"),
    (UpdateData(state="完成了", percent=10, progress="x"), "状态“完成了”无效"),
    (UpdateData(state="推进中", percent="abc", progress="x"), "不是数字"),
    (UpdateData(state="推进中", percent=10), "请填写进展情况"),
    (UpdateData(state="已完成", percent=90, progress="x"), "应为100"),
    (UpdateData(state="推进中", progress="x", indicators={"不存在的指标": "1"}), "没有指标"),
    (UpdateData(state="推进中", progress="x", completes_milestone="2099年"), "没有里程碑"),
])
def test_bad_updates_are_refused_and_nothing_is_written(session, data: UpdateData, message: str) -> None:
    s = make_status_scenario(session)
    data.files = [("a.pdf", upload(pdf_bytes()))]
    with pytest.raises(ValidationFailed, match=message):
        submit_update(session, s.health, s.tasks["T1"], data)
    assert session.exec(select(StatusUpdate)).all() == []
    assert _evidence_files() == []


def test_a_unit_cannot_report_on_another_units_task(session) -> None:
    s = make_status_scenario(session)
    with pytest.raises(AccessDenied):
        submit_update(session, s.civil, s.tasks["T1"], UpdateData(state="推进中", progress="x"))
    with pytest.raises(AccessDenied):
        submit_update(session, s.health, "T2", UpdateData(state="推进中", progress="x"))


def test_group_member_reports_as_lead_and_supporter_as_support(session) -> None:
    s = make_status_scenario(session)
    member = submit_update(session, s.districts[1], "T3", UpdateData(state="推进中", progress="x"))
    helper = submit_update(session, s.finance, "T1", UpdateData(state="推进中", progress="经费到位"))
    assert (member.role, helper.role) == ("lead", "support")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "内容与扩展名"),
    ("photo.png", pdf_bytes(), "内容与扩展名"),
    ("script.exe", b"MZ\x90\x00", "类型不允许"),
    ("big.png", png_bytes() + b"\x00" * 3000, "超过大小上限"),
])
def test_bad_evidence_is_refused_without_leftovers(session, monkeypatch, name: str, content: bytes,
                                                     message: str) -> None:
    s = make_status_scenario(session)
    monkeypatch.setattr(get_settings(), "upload_max_bytes", 2048)
    with pytest.raises(ValidationFailed, match=message):
        submit_update(session, s.health, "T1", UpdateData(state="推进中", progress="x",
                                                          files=[("ok.png", upload(png_bytes())),
                                                                 (name, upload(content))]))
    assert session.exec(select(StatusUpdate)).all() == [] and _evidence_files() == []


def test_corrections_append_and_review_decides_current_status(session, webhook_receiver) -> None:
    s = make_status_scenario(session, webhook_receiver)
    open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1))
    first = submit_update(session, s.health, "T1", UpdateData(state="推进中", percent=30, progress="起草"))
    with pytest.raises(ValidationFailed, match="原因"):
        review_update(session, first.id, "return", reason=" ")
    review_update(session, first.id, "return", reason="请补充佐证材料", reviewer="office")
    assert session.get(StatusUpdate, first.id).review_state == "returned"
    assert "请补充佐证材料" in webhook_receiver.to("health")[-1]["message"]
    second = submit_update(session, s.health, "T1", UpdateData(
        state="已完成", progress="方案已印发", completes_milestone="2016年",
        files=[("方案.pdf", upload(pdf_bytes()))]))
    assert second.supersedes_id == first.id and second.percent == 100
    assert current_status(session, [s.tasks["T1"].id]) == {}
    review_update(session, second.id, "accept", reviewer="office")
    assert current_status(session, [s.tasks["T1"].id])[s.tasks["T1"].id].id == second.id
    done = session.exec(select(MilestoneCompletion).where(MilestoneCompletion.update_id == second.id)).one()
    assert done.source == "status_update"
    with pytest.raises(ValidationFailed, match="已审核"):
        review_update(session, second.id, "return", reason="again")
    assert len(session.exec(select(StatusUpdate)).all()) == 2  # nothing rewritten
    assert [r.decision for r in session.exec(select(UpdateReview).order_by(UpdateReview.id))] == \
        ["returned", "accepted"]


def test_correcting_another_units_update_is_refused(session) -> None:
    s = make_status_scenario(session)
    theirs = submit_update(session, s.civil, "T2", UpdateData(state="推进中", progress="x"))
    with pytest.raises(ValidationFailed, match="只能更正"):
        submit_update(session, s.health, "T1", UpdateData(state="推进中", progress="x", supersedes_id=theirs.id))


def test_real_office_documents_and_images_are_accepted(session) -> None:
    import io

    import docx
    from openpyxl import Workbook

    s = make_status_scenario(session)
    word, sheet = io.BytesIO(), io.BytesIO()
    document = docx.Document()
    document.add_paragraph("会议纪要")
    document.save(word)
    Workbook().save(sheet)
    update = submit_update(session, s.health, "T1", UpdateData(state="推进中", progress="x", files=[
        ("纪要.docx", io.BytesIO(word.getvalue())), ("台账.xlsx", io.BytesIO(sheet.getvalue())),
        ("现场.PNG", upload(png_bytes()))]))
    stored = session.exec(select(Evidence).where(Evidence.update_id == update.id).order_by(Evidence.id)).all()
    assert [(e.filename, e.content_type.split("/")[0]) for e in stored] == [
        ("纪要.docx", "application"), ("台账.xlsx", "application"), ("现场.PNG", "image")]


def test_simultaneous_submissions_by_one_unit_keep_one_linear_history(session, db_url: str) -> None:
    """20 threads, each with its own session, submit on the same task at the same instant: no forked history."""
    s = make_status_scenario(session)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    session.commit()
    count, dept_id, task_id = 20, s.health.id, s.tasks["T1"].id
    barrier = threading.Barrier(count)

    def submitter(n: int) -> int:
        with Session(get_engine(db_url), expire_on_commit=False) as own:
            dept, task = own.get(Department, dept_id), own.get(Task, task_id)
            own.commit()  # give the connection back to the pool while waiting for the others
            barrier.wait(timeout=300)
            return submit_update(own, dept, task, UpdateData(state="推进中", percent=n, progress=f"第{n}次")).id

    with ThreadPoolExecutor(max_workers=count) as pool:
        ids = list(pool.map(submitter, range(count)))
    session.expire_all()
    chain = list(session.exec(select(StatusUpdate).where(StatusUpdate.task_id == task_id,
                                                         StatusUpdate.department_id == dept_id)
                              .order_by(StatusUpdate.id)))
    assert sorted(ids) == [u.id for u in chain] and len(chain) == count
    assert all(u.round_id == round_.id for u in chain)
    supersedes = [u.supersedes_id for u in chain]
    assert len(set(supersedes)) == count, f"two updates supersede the same one: {supersedes}"
    assert supersedes == [None, *[u.id for u in chain[:-1]]]


def test_an_accepted_report_completes_the_duty_period_the_round_covers(session) -> None:
    """A monthly duty reported in the 2016Q2 round (after the quarter) is done for June, the duty's own
    period, so that reminders and the evaluation count it."""
    s = make_status_scenario(session)
    monthly = session.exec(select(Milestone).where(Milestone.task_id == s.tasks["T5"].id)).one()
    monthly.recurrence = "monthly"
    session.add(monthly)
    open_round(session, s.plan, "2016Q2", today=date(2016, 7, 4), send=False)
    update = submit_update(session, s.police, "T5", UpdateData(state="已完成", progress="6月已召开",
                                                               completes_milestone="每季度"))
    review_update(session, update.id, "accept", reviewer="office")
    done = session.exec(select(MilestoneCompletion).where(MilestoneCompletion.update_id == update.id)).one()
    assert done.period == "2016-06"
