"""Delivery through apprise to a real local webhook receiver and a real local SMTP server."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlmodel import Session, select

from config import get_settings
from models import Notification
from tasks.directory import channels
from tasks.reminders import notify
from tasks.reminders.notify import Outgoing, deliver, mask_url
from tests.receivers import SmtpReceiver, WebhookReceiver

DAY = date(2016, 4, 25)


@pytest.fixture(autouse=True)
def quick_retries(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_NOTIFY_RETRIES", "2")
    monkeypatch.setenv("DUBAN_NOTIFY_BACKOFF_SECONDS", "0.01")
    get_settings.cache_clear()


def message(key: str, channels: list[str], body: str = "## 已逾期（1项）\n\n- **1.2** 建立协调机制") -> Outgoing:
    return Outgoing(key=key, kind="reminder", day=DAY, subject=f"【督办提醒】{key}", body=body, channels=channels,
                    items=[{"task_code": "1.2"}], recipient=key)


def ledger(session: Session) -> list[Notification]:
    session.expire_all()
    return list(session.exec(select(Notification).order_by(Notification.id)))


def test_webhook_and_mail_arrive_and_are_recorded(session: Session, webhook: WebhookReceiver,
                                                  smtp: SmtpReceiver) -> None:
    out = message("市民政局", [webhook.url("/mzj"), smtp.url("mzj@hz.gov.cn")])
    report = deliver(session, [out])
    assert (report.sent, report.failed, report.skipped) == (2, 0, 0)
    [hit] = webhook.to("/mzj")
    assert hit.title == "【督办提醒】市民政局" and "已逾期（1项）" in hit.message and "1.2" in hit.message
    [mail] = smtp.messages
    assert mail["To"] == "mzj@hz.gov.cn" and mail["Subject"] == "【督办提醒】市民政局"
    assert "已逾期（1项）" in smtp.text(mail)
    rows = ledger(session)
    assert [(r.status, r.attempts, r.kind, r.day) for r in rows] == [("sent", 1, "reminder", DAY)] * 2
    assert rows[0].items == [{"task_code": "1.2"}] and rows[0].sent_at is not None


def test_a_second_run_sends_nothing(session: Session, webhook: WebhookReceiver) -> None:
    out = message("市民政局", [webhook.url("/a")])
    deliver(session, [out])
    again = deliver(session, [out])
    assert (again.sent, again.skipped) == (0, 1)
    assert len(webhook.to("/a")) == 1 and len(ledger(session)) == 1


def test_a_down_channel_is_retried_recorded_and_does_not_stop_the_others(session: Session,
                                                                        webhook: WebhookReceiver) -> None:
    webhook.failing.add("/broken")
    dead = "json://127.0.0.1:1/nobody-listens"  # port 1: nothing listens there, and no server can take it
    outs = [message("市民政局", [webhook.url("/ok")]), message("市财政局", [webhook.url("/broken"), dead])]
    report = deliver(session, outs)
    assert (report.sent, report.failed) == (1, 2)
    assert len(webhook.to("/ok")) == 1
    failed = [r for r in ledger(session) if r.status == "failed"]
    assert len(failed) == 2 and all(r.attempts == 3 for r in failed)          # 1 try + 2 retries
    # each channel's own reason, whichever thread apprise logged it from
    [broken] = [r for r in failed if r.channel.endswith("/broken")]
    [down] = [r for r in failed if r.channel.endswith("/nobody-listens")]
    assert "500" in broken.error and "onnection" not in broken.error
    assert "onnection" in down.error and "500" not in down.error
    # the receiver comes back: the next run sends only what failed
    webhook.failing.clear()
    report = deliver(session, outs)
    assert (report.sent, report.failed, report.skipped) == (1, 1, 1)
    assert len(webhook.to("/broken")) == 1 and len(webhook.to("/ok")) == 1


def test_a_run_killed_half_way_and_repeated_sends_each_message_once(session: Session, webhook: WebhookReceiver,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUBAN_NOTIFY_CONCURRENCY", "1")
    get_settings.cache_clear()
    outs = [message(f"单位{i}", [webhook.url(f"/u{i}")]) for i in range(6)]
    real_send, calls = notify._send, []

    def dies_after_three(*args: object) -> tuple[bool, int, str]:
        calls.append(args)
        if len(calls) > 3:
            raise KeyboardInterrupt  # the process is killed here
        return real_send(*args)

    monkeypatch.setattr(notify, "_send", dies_after_three)
    with pytest.raises(KeyboardInterrupt):
        deliver(session, outs)
    assert len(webhook.hits) == 3
    assert sorted(r.status for r in ledger(session)) == ["pending"] * 3 + ["sent"] * 3  # recorded before sending
    monkeypatch.setattr(notify, "_send", real_send)
    report = deliver(session, outs)
    assert (report.sent, report.skipped) == (3, 3)
    assert sorted(h.path for h in webhook.hits) == [f"/u{i}" for i in range(6)]


def test_secrets_never_reach_the_ledger_the_report_or_the_log(session: Session, webhook: WebhookReceiver,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    token = "a1b2c3d4e5f6a7b8c9d0e1f2"
    good = f"json://duban:Pa55word-xyz@127.0.0.1:{webhook.port}/hook/{token}"
    bad = f"json://duban:Pa55word-xyz@127.0.0.1:1/hook/{token}"
    with caplog.at_level(logging.DEBUG):
        report = deliver(session, [message("市民政局", [good, bad])])
    assert report.sent == 1 and report.failed == 1
    stored = " ".join(f"{r.channel} {r.error} {r.key} {r.channel_hash}" for r in ledger(session))
    shown = f"{report.failures} {caplog.text}"
    for secret in ("Pa55word-xyz", token):
        assert secret not in stored and secret not in shown
    assert mask_url(good) == f"json://duban:****@127.0.0.1:{webhook.port}/hook/a...2"
    assert mask_url("wecombot://ABCDEFGHIJKLMNOP123456") .startswith("wecombot://A...6")
    assert "s3cret" not in mask_url("mailto://bob:s3cret@smtp.example.org?to=a@b.cn")
    assert "SECRETTOKEN99" not in mask_url("nosuchscheme://user:pw@SECRETTOKEN99/x")


def test_log_scrubbing_is_attached_only_while_apprise_parses_or_sends(session: Session, webhook: WebhookReceiver,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing duban installs nothing on other libraries' loggers; during a send the filter is there."""
    def scrubbers() -> list[str]:
        return [name for name in ("apprise", "urllib3.connectionpool")
                if any(isinstance(f, channels._Scrubber) for f in logging.getLogger(name).filters)]

    assert scrubbers() == []
    seen: list[list[str]] = []
    real_send = notify._send_guarded

    def watched(*args: object) -> tuple[bool, int, str]:
        seen.append(scrubbers())
        return real_send(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(notify, "_send_guarded", watched)
    report = deliver(session, [message("市民政局", [f"json://127.0.0.1:{webhook.port}/hook"])])
    assert report.sent == 1 and seen == [["apprise", "urllib3.connectionpool"]]
    assert scrubbers() == []  # removed once the delivery is over


def test_no_channel_is_reported_not_skipped_silently(session: Session, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="duban.notify"):
        report = deliver(session, [message("市残联", [])])
    assert report.no_channel == ["市残联"] and report.sent == 0
    assert "市残联 has no channel" in caplog.text


def test_an_invalid_channel_url_fails_on_its_own(session: Session, webhook: WebhookReceiver) -> None:
    report = deliver(session, [message("市民政局", ["notascheme://whatever", webhook.url("/fine")])])
    assert (report.sent, report.failed) == (1, 1)
    assert "invalid" in report.failures[0][1]


def test_dry_run_writes_and_sends_nothing(session: Session, webhook: WebhookReceiver) -> None:
    report = deliver(session, [message("市民政局", [webhook.url("/a")])], dry_run=True)
    assert (report.would_send, report.sent) == (1, 0)
    assert webhook.hits == [] and ledger(session) == []


def test_plain_text_keeps_a_link_whole_whatever_its_token_holds() -> None:
    """A portal token may contain ``__`` or ``**``: only the markup around it goes, never part of the address."""
    body = "## 今日到期\n\n- **1.1** 建立机制\n\n[点此进入本单位报送页面](http://127.0.0.1:8000/u/ab__cd**ef.g__h)\n"
    assert notify.markdown_to_text(body) == ("今日到期\n\n- 1.1 建立机制\n\n"
                                             "点此进入本单位报送页面：http://127.0.0.1:8000/u/ab__cd**ef.g__h\n")
