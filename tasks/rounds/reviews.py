"""The coordination office's review: accept an update or send it back (退回) with a reason.

An accepted update that names the milestone it completes marks the unit's part of it done, and the
milestone itself once all its bound units are (tasks.rounds.completions.record_unit_done), dated when
the unit says the work was done; that stops the unit's reminders. A returned update counts as not
reported until the unit resubmits. The unit is told either way.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from models import Department, Milestone, Plan, ReportingRound, StatusUpdate, Task, UpdateReview
from models.base import id_of
from models.status import REVIEW_ACCEPTED, REVIEW_PENDING, REVIEW_RETURNED
from tasks.errors import NotFound, ValidationFailed
from tasks.periods import parse_period
from tasks.reminders.notify import DeliveryReport, Outgoing, deliver
from tasks.rounds.completions import completion_date, duty_period, record_unit_done
from tasks.rounds.links import current_link, link_url
from tasks.workdays import local_today

DECISIONS = {"accept": REVIEW_ACCEPTED, "accepted": REVIEW_ACCEPTED, "return": REVIEW_RETURNED,
             "returned": REVIEW_RETURNED, "采纳": REVIEW_ACCEPTED, "退回": REVIEW_RETURNED}


def _complete_milestone(session: Session, update: StatusUpdate) -> None:
    milestone = session.get_one(Milestone, update.milestone_id)
    round_ = session.get(ReportingRound, update.round_id) if update.round_id else None
    completed_on = completion_date(update)
    period = ""
    if milestone.recurrence:  # the duty's own period holding the round's end (or the day it was done)
        day = min(completed_on, parse_period(round_.period).end) if round_ else completed_on
        period = duty_period(milestone, day)
    record_unit_done(session, milestone, update.department_id, completed_on=completed_on, period=period,
                     update_id=update.id)


def _message(session: Session, update: StatusUpdate, review: UpdateReview, today: date) -> Outgoing:
    dept = session.get_one(Department, update.department_id)
    task = session.get_one(Task, update.task_id)
    plan = session.get_one(Plan, task.plan_id)
    round_ = session.get(ReportingRound, update.round_id) if update.round_id else None
    _, token = current_link(session, dept, round_)
    if review.decision == REVIEW_RETURNED:
        subject = f"【退回】任务{task.code}的报送已退回，请修改后重新报送"
        lines = [f"{dept.name}：", f"《{plan.title}》任务{task.code}的报送已被协调办公室退回。",
                 f"退回原因：{review.reason}", "请修改后重新报送。"]
    else:
        subject = f"【已采纳】任务{task.code}的报送已采纳"
        lines = [f"{dept.name}：", f"《{plan.title}》任务{task.code}的报送已被协调办公室采纳。"]
    lines += ["", f"报送链接（本单位专用，请勿转发）：{link_url(token)}"]
    return Outgoing(key=f"review:{review.id}", kind="review", day=today, subject=subject,
                    body="\n".join(lines), channels=list(dept.channels), department_id=dept.id,
                    plan_id=plan.id, items=[{"task": task.code, "update": update.id}], recipient=dept.name)


def review_update(session: Session, update_id: int, decision: str, *, reason: str = "",
                  reviewer: str = "", today: date | None = None,
                  notify: bool = True) -> tuple[UpdateReview, DeliveryReport]:
    """Record the office's decision on a pending update, mirror it on the update and tell the unit."""
    update = session.get(StatusUpdate, update_id)
    if update is None:
        raise NotFound(f"报送记录{update_id}不存在。")
    verdict = DECISIONS.get(decision.strip().lower() if decision else "")
    if verdict is None:
        raise ValidationFailed(f"审核结论“{decision}”无效，应为 accept（采纳）或 return（退回）。")
    reason = (reason or "").strip()
    if verdict == REVIEW_RETURNED and not reason:
        raise ValidationFailed("退回时必须填写原因。")
    if update.review_state != REVIEW_PENDING:
        raise ValidationFailed(f"报送记录{update_id}已审核（{update.review_state}），不能重复审核。")
    # conditional write: of two reviewers deciding at once, only the first one's decision counts
    changed = session.exec(sql_update(StatusUpdate).where(
        col(StatusUpdate.id) == update.id, col(StatusUpdate.review_state) == REVIEW_PENDING)
        .values(review_state=verdict))
    if changed.rowcount != 1:
        session.rollback()
        raise ValidationFailed(f"报送记录{update_id}已由他人审核，请刷新页面。")
    review = UpdateReview(update_id=id_of(update), decision=verdict, reason=reason[:2000], reviewed_by=reviewer)
    session.add(review)
    session.flush()
    session.refresh(update)
    if verdict == REVIEW_ACCEPTED and update.milestone_id is not None:
        _complete_milestone(session, update)
    messages = [_message(session, update, review, today or local_today())] if notify else []
    session.flush()  # the ledger commits the decision with its message before sending (notify.deliver)
    return review, deliver(session, messages) if messages else DeliveryReport()


def reviews_of(session: Session, update_ids: list[int]) -> dict[int, list[UpdateReview]]:
    """update id → its reviews, oldest first."""
    found: dict[int, list[UpdateReview]] = {i: [] for i in update_ids}
    if update_ids:
        for r in session.exec(select(UpdateReview).where(col(UpdateReview.update_id).in_(update_ids))
                              .order_by(col(UpdateReview.id))):
            found[r.update_id].append(r)
    return found
