"""Prefect flow ``send_reminders``: the daily sweep (tasks/reminders/sweep.py) as two coarse, retried tasks
with a summary artifact. The flow composes nothing itself: it wraps ``prepare_sweep``, ``deliver`` and
``record_delivery`` exactly as ``run_sweep`` chains them."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from models.db import session_scope
from tasks.reminders.notify import DeliveryReport, Outgoing, deliver
from tasks.reminders.sweep import SweepReport, SweepSummary, prepare_sweep, record_delivery, sweep_summary
from tasks.workdays import local_today


@task(name="compute-reminders", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def compute_reminders(as_of: date, plan_code: str | None) -> tuple[list[Outgoing], SweepReport]:
    """Find today's due items and render one digest per department plus the escalations."""
    with session_scope() as session:
        return prepare_sweep(session, as_of, plan_code=plan_code)


@task(name="deliver-reminders", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def deliver_reminders(outgoing: list[Outgoing], dry_run: bool) -> DeliveryReport:
    """Send every message not sent before (the ledger makes a retry or a re-run safe)."""
    with session_scope() as session:
        return deliver(session, outgoing, dry_run=dry_run)


def summary_markdown(summary: SweepSummary) -> str:
    """The sweep as a markdown artifact: departments, items, escalations, failures."""
    lines = [f"# 督办提醒 {summary.as_of.isoformat()}{'（演练，未发送）' if summary.dry_run else ''}", ""]
    if summary.note:
        lines += [summary.note, ""]
    lines += [f"- 单位：{len(summary.departments)}", f"- 事项：{summary.items}",
              f"- 升级（逾期事项）：{summary.escalated_items}", f"- 消息：{summary.messages}",
              f"- 已发送：{summary.sent}，此前已发送（跳过）：{summary.skipped}，失败：{summary.failed}"]
    if summary.dry_run:
        lines.append(f"- 将发送：{summary.would_send}")
    if summary.departments:
        lines += ["", "| 单位 | 已逾期 | 今日到期 | 即将到期 | 升级 | 渠道数 |", "|---|---|---|---|---|---|"]
        lines += [f"| {d.department} | {d.overdue} | {d.due_today} | {d.upcoming} | {d.escalated} | {d.channels} |"
                  for d in summary.departments]
    if summary.no_channel:
        lines += ["", "## 未配置渠道", *[f"- {name}" for name in summary.no_channel]]
    if summary.failures:
        lines += ["", "## 发送失败（下次运行时重试）", *[f"- `{ch}`：{err}" for ch, err in summary.failures]]
    return "\n".join(lines) + "\n"


@flow(name="send-reminders")
def send_reminders(as_of: date | None = None, plan_code: str | None = None, dry_run: bool = False) -> SweepSummary:
    """The daily reminder sweep (skips non-working days); returns the sweep summary."""
    logger = get_run_logger()
    day = as_of or local_today()
    outgoing, report = compute_reminders(day, plan_code)  # nothing on a non-working day
    delivery = deliver_reminders(outgoing, dry_run) if report.working_day else DeliveryReport()
    summary = sweep_summary(record_delivery(report, delivery, dry_run=dry_run))
    create_markdown_artifact(summary_markdown(summary), key="send-reminders",
                             description=f"reminder sweep of {day.isoformat()}")
    logger.info("send_reminders %s: %d departments, %d items, %d escalated, %d sent, %d skipped, %d failed",
                day, len(summary.departments), summary.items, summary.escalated_items, summary.sent,
                summary.skipped, summary.failed)
    if summary.failed:
        logger.warning("%d deliveries failed (retried on the next run)", summary.failed)
    if summary.no_channel:
        logger.warning("no channel (tell them yourself): %s", ", ".join(summary.no_channel))
    return summary
