"""Deliver messages through apprise, once per (key, channel), recorded in the notification ledger."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date

import apprise
from sqlmodel import Session, col, select

from config import get_settings
from models import Department, Notification
from models.base import utcnow
from models.notification import STATUS_FAILED, STATUS_PENDING, STATUS_SENT
from tasks.directory.channels import _scrubber, mask_url  # the one home of channel masking

log = logging.getLogger("duban.notify")
NO_CHANNEL = "(none)"


@dataclass
class Outgoing:
    """One message to one recipient on all of its channels."""

    key: str  # idempotency key; one ledger row per (key, channel)
    kind: str  # reminder | escalation | round_request | round_chase | review
    day: date
    subject: str
    body: str
    channels: list[str]  # apprise URLs
    department_id: int | None = None
    plan_id: int | None = None
    items: list[Mapping[str, object]] = field(default_factory=list)  # JSON entries, kept in the ledger row
    recipient: str = ""  # a readable name for reports (department name, "coordination office")


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0  # already sent earlier (idempotency)
    no_channel: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (masked channel, error)
    would_send: int = 0  # dry run: messages that a real run would send


def channel_hash(url: str) -> str:
    """A stable fingerprint of a channel URL (the ledger never stores the URL itself)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


_MD_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
# heading and bold marks, outside web addresses (a link token may hold "__")
_MD_MARKS = re.compile(r"(https?://\S+)|^#{1,6}\s+|\*\*|__", re.MULTILINE)


def markdown_to_text(body: str) -> str:
    """A markdown message for a channel that shows plain text (SMS, plain webhooks): headings and bold marks
    dropped, a link ``[报送](https://…)`` written as ``报送：https://…`` so that the address stays clickable."""
    return _MD_MARKS.sub(lambda m: m.group(1) or "", _MD_LINK.sub(r"\1：\2", body))


def shows_plain_text(notify_format: object) -> bool:
    """Whether a channel (its apprise plugin's ``notify_format``: one format or the formats it accepts) shows
    only plain text — WeCom group robots and SMS in apprise — so that markdown marks would show as typed."""
    formats = notify_format if isinstance(notify_format, tuple) else (notify_format,)
    return apprise.NotifyFormat.MARKDOWN not in formats and apprise.NotifyFormat.HTML not in formats


def _send(url: str, subject: str, body: str, retries: int, backoff: float) -> tuple[bool, int, str]:
    """Send one message on one channel, retrying with exponential back-off; (ok, attempts, error).

    The body is markdown; apprise renders it for markdown and HTML channels (WeCom, DingTalk, mail), and a
    channel whose format is plain text (the plugin's ``notify_format``) gets it with the markup removed."""
    with _scrubber.guarding():
        return _send_guarded(url, subject, body, retries, backoff)


def _send_guarded(url: str, subject: str, body: str, retries: int, backoff: float) -> tuple[bool, int, str]:
    """``_send`` while apprise's and urllib3's log lines are scrubbed of the channel's secrets."""
    sender = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
    if not sender.add(url):
        return False, 1, "invalid or unsupported channel URL"
    body_format = apprise.NotifyFormat.MARKDOWN
    if all(shows_plain_text(plugin.notify_format) for plugin in sender):
        body, body_format = markdown_to_text(body), apprise.NotifyFormat.TEXT
    error = ""
    for attempt in range(1, retries + 2):
        try:
            result = sender.notify(title=subject, body=body, body_format=body_format)
            if result:
                return True, attempt, ""
            error = _failure_reason(result) or "the channel refused the message"
        except Exception as exc:
            error = _scrubber.scrub(f"{type(exc).__name__}: {exc}")
        if attempt <= retries:
            time.sleep(backoff * 2 ** (attempt - 1))
    return False, retries + 1, error


def _failure_reason(result: apprise.AppriseResult) -> str:
    """Why a send failed, from the warnings apprise 2 keeps with this very call's result.

    apprise may log from a worker thread of its own, so a handler keyed by the sending thread misses
    them; the result carries each call's own log entries whichever thread wrote them.
    """
    return _scrubber.scrub("; ".join(entry.message for entry in result.logs()))[-500:]


def _names(session: Session, outgoing: Iterable[Outgoing]) -> dict[int, str]:
    ids = {o.department_id for o in outgoing if o.department_id is not None}
    if not ids:
        return {}
    found = session.exec(select(col(Department.id), Department.name).where(col(Department.id).in_(ids))).all()
    return {dept_id: name for dept_id, name in found if dept_id is not None}


def _existing(session: Session, keys: list[str]) -> dict[str, Notification]:
    rows: dict[str, Notification] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        rows.update({r.key: r for r in session.exec(select(Notification).where(col(Notification.key).in_(chunk)))})
    return rows


def _record(session: Session, row: Notification, ok: bool, attempts: int, error: str,
            report: DeliveryReport) -> None:
    """Write one channel's result to the ledger at once (a crash later does not resend it)."""
    row.attempts += attempts
    row.status, row.error = (STATUS_SENT, None) if ok else (STATUS_FAILED, error)
    if ok:
        row.sent_at = utcnow()
        report.sent += 1
    else:
        report.failed += 1
        report.failures.append((row.channel, error))
        log.warning("delivery failed on %s after %d attempts: %s", row.channel, attempts, error)
    session.add(row)
    session.commit()


def deliver(session: Session, outgoing: list[Outgoing], *, dry_run: bool = False) -> DeliveryReport:
    """Record then send every (message, channel) not sent before; failed ones are retried next run."""
    settings = get_settings()
    report = DeliveryReport()
    names = _names(session, outgoing)
    planned: list[tuple[Outgoing, str, str]] = []  # (message, url, ledger key)
    for out in outgoing:
        if not out.channels:
            name = out.recipient or names.get(out.department_id or -1, out.key)
            report.no_channel.append(name)
            log.warning("%s has no channel: its %s for %s is not delivered", name, out.kind, out.day)
        for url in dict.fromkeys(out.channels):
            planned.append((out, url, f"{out.key}@{channel_hash(url)[:16]}"))
    existing = _existing(session, [key for _, _, key in planned])
    todo: list[tuple[Outgoing, str, Notification]] = []
    for out, url, key in planned:
        row = existing.get(key)
        if row is not None and row.status == STATUS_SENT:
            report.skipped += 1
            continue
        if dry_run:
            report.would_send += 1
            continue
        if row is None:
            row = Notification(key=key, kind=out.kind, day=out.day, channel=mask_url(url),
                               channel_hash=channel_hash(url), plan_id=out.plan_id,
                               department_id=out.department_id)
            session.add(row)
        row.subject, row.body, row.status = out.subject, out.body, STATUS_PENDING
        row.items = [dict(entry) for entry in out.items]
        todo.append((out, url, row))
    if dry_run or not todo:
        return report
    session.commit()  # the ledger knows about every message before the first one leaves
    workers = max(1, min(settings.notify_concurrency, len(todo)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="duban-notify") as pool:
        futures = {pool.submit(_send, url, out.subject, out.body, settings.notify_retries,
                               settings.notify_backoff_seconds): row for out, url, row in todo}
        try:
            for future in as_completed(futures):
                _record(session, futures[future], *future.result(), report)
        except BaseException:  # interrupted: send nothing more; what was not recorded stays pending
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return report
