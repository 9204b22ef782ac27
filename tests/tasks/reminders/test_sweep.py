"""The daily sweep end to end on real receivers: one digest per department, idempotent, holidays, escalation."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from config import get_settings
from flows.cli import app
from models import Notification
from tasks.reminders.sweep import run_sweep
from tests.factories import make_plan, make_task
from tests.receivers import SmtpReceiver, WebhookReceiver
from tests.reminder_scenario import build_city

runner = CliRunner()


@pytest.fixture(autouse=True)
def quick_retries(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_NOTIFY_RETRIES", "1")
    monkeypatch.setenv("DUBAN_NOTIFY_BACKOFF_SECONDS", "0.01")
    get_settings.cache_clear()


def task_codes(text: str) -> list[str]:
    return sorted(part.split("**")[0] for part in text.split("- **")[1:])


def test_each_department_gets_one_digest_with_exactly_its_items(session: Session, webhook: WebhookReceiver,
                                                                 smtp: SmtpReceiver) -> None:
    city = build_city(session, webhook)
    city.civil.channels = [*city.civil.channels, smtp.url("mzj@hz.gov.cn")]
    session.add(city.civil)
    session.commit()
    report = run_sweep(session, date(2016, 10, 14))
    assert report.working_day and report.items == 5
    assert {p: task_codes(webhook.to(p)[0].message) for p in ("/wjw", "/czj", "/gaj", "/mzj")} == {
        "/wjw": ["1.1"], "/czj": ["1.2"], "/gaj": ["1.2"], "/mzj": ["2.1"]}
    assert len(webhook.hits) == 4
    assert "市财政局" in webhook.to("/czj")[0].title and "今日到期" in webhook.to("/czj")[0].message
    assert "（各相关部门）" in webhook.to("/gaj")[0].message
    [mail] = smtp.messages
    assert "市民政局" in mail["Subject"] and "2.1" in smtp.text(mail) and "力争" in smtp.text(mail)
    assert report.delivery.no_channel == ["市残联"]          # reported, not silently skipped
    again = run_sweep(session, date(2016, 10, 14))
    assert (again.delivery.sent, again.delivery.skipped) == (0, 5)
    assert len(webhook.hits) == 4 and len(smtp.messages) == 1


def test_nothing_on_a_holiday_and_the_make_up_saturday_runs(session: Session, webhook: WebhookReceiver) -> None:
    build_city(session, webhook)
    holiday = run_sweep(session, date(2016, 10, 3))
    assert not holiday.working_day and holiday.messages == 0 and "不是工作日" in holiday.note
    assert webhook.hits == []
    saturday = run_sweep(session, date(2016, 10, 8))
    assert saturday.working_day
    [hit] = webhook.to("/mzj")                   # 民政局 supports 1.1: its part is due on 9 Oct
    assert task_codes(hit.message) == ["1.1"] and "剩余1个工作日" in hit.message


def test_long_overdue_items_escalate_to_the_office_and_the_head(session: Session, webhook: WebhookReceiver) -> None:
    build_city(session, webhook)
    report = run_sweep(session, date(2016, 10, 31))
    assert report.escalated_items == 4
    for path in ("/plan-office", "/office"):     # plan's coordination channel and the office department
        [hit] = webhook.to(path)
        assert hit.title.startswith("【督办升级】4个单位有4项")
        assert "市财政局" in hit.message and "已逾期11个工作日" in hit.message
    [head] = webhook.to("/wjw-head")
    assert "市卫生计生委负责同志" in head.message and "1.1" in head.message and "1.2" not in head.message
    assert "市财政局负责同志" in report.delivery.no_channel
    assert "力争" not in webhook.to("/office")[0].message       # the soft 2.1 is reminded, not escalated
    # 民政局 hears of its own soft 2.1 and, 16 working days late, of its supporting part of 1.1
    assert task_codes(webhook.to("/mzj")[0].message) == ["1.1", "2.1"]


def test_a_down_channel_is_recorded_and_retried_next_run(session: Session, webhook: WebhookReceiver) -> None:
    build_city(session, webhook)
    webhook.failing.add("/czj")
    first = run_sweep(session, date(2016, 10, 14))
    assert (first.delivery.sent, first.delivery.failed) == (3, 1)
    assert {h.path for h in webhook.hits} == {"/wjw", "/gaj", "/mzj"}
    [row] = session.exec(select(Notification).where(Notification.status == "failed")).all()
    assert (row.attempts, row.channel) == (2, f"json://127.0.0.1:{webhook.port}/czj") and "500" in row.error
    webhook.failing.clear()
    second = run_sweep(session, date(2016, 10, 14))
    assert (second.delivery.sent, second.delivery.skipped) == (1, 3)
    assert sorted(h.path for h in webhook.hits) == ["/czj", "/gaj", "/mzj", "/wjw"]


def test_dry_run_sends_and_records_nothing(session: Session, webhook: WebhookReceiver) -> None:
    build_city(session, webhook)
    report = run_sweep(session, date(2016, 10, 14), dry_run=True)
    assert report.delivery.would_send == 4 and webhook.hits == []
    assert session.exec(select(Notification)).all() == []


def test_cli_remind_done_and_notifications(session: Session, webhook: WebhookReceiver) -> None:
    city = build_city(session, webhook)
    secret = f"json://duban:Hush-9x@127.0.0.1:{webhook.port}/czj-secure"
    city.finance.channels = [secret]
    session.add(city.finance)
    session.commit()
    webhook.failing.add("/czj-secure")
    result = runner.invoke(app, ["remind", "--as-of", "2016-10-14", "--no-flow"])
    assert result.exit_code == 7, result.output               # a failed delivery is an error exit
    assert "市财政局" in result.output and "failed 1" in result.output and "no channel: 市残联" in result.output
    assert "Hush-9x" not in result.output
    listing = runner.invoke(app, ["notifications", "--failed"], terminal_width=250)
    assert listing.exit_code == 0 and "json://duban:****@127.0.0.1" in listing.output
    assert "Hush-9x" not in listing.output and "1 row(s)" in listing.output
    done = runner.invoke(app, ["done", "--task", "1.1", "--milestone", "2016年", "--on", "2016-10-13"])
    assert done.exit_code == 0 and "done: demo 1.1 2016年 on 2016-10-13" in done.output
    bad = runner.invoke(app, ["done", "--task", "9.9", "--milestone", "2016年"])
    assert bad.exit_code == 4 and "no task '9.9'" in bad.output
    webhook.failing.clear()
    rerun = runner.invoke(app, ["remind", "--as-of", "2016-10-14", "--no-flow"])
    assert rerun.exit_code == 0 and "sent 1, already sent 2" in rerun.output   # 1.1 is done: 卫计委 is left out
    assert len(webhook.to("/czj-secure")) == 1
    stored = session.exec(select(Notification)).all()
    assert not any("Hush-9x" in json.dumps([r.channel, r.error, r.key]) for r in stored)


def test_a_plan_filtered_run_then_a_full_run_tells_nobody_twice(session: Session, webhook: WebhookReceiver) -> None:
    city = build_city(session, webhook)
    other = make_plan(session, code="other", title="另一规划")
    make_task(session, other, "9.1", "开展心理健康宣传。", lead=[city.civil],
              milestones=[{"label": "2016年", "due_date": date(2016, 10, 14), "text": "开展宣传周活动。"}])
    session.commit()
    first = run_sweep(session, date(2016, 10, 14), plan_code="demo")
    assert first.delivery.sent == 4
    assert task_codes(webhook.to("/mzj")[0].message) == ["2.1"]
    full = run_sweep(session, date(2016, 10, 14))  # the scheduled run of the same morning, all plans
    assert full.delivery.sent == 1 and full.delivery.skipped == 3
    assert [task_codes(h.message) for h in webhook.to("/mzj")] == [["2.1"], ["9.1"]]  # only what is new
    assert len(webhook.to("/wjw")) == 1 and len(webhook.to("/czj")) == 1
    assert run_sweep(session, date(2016, 10, 14)).delivery.sent == 0
