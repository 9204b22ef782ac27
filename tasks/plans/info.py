"""Set a plan's descriptive fields by hand (title, issue date, period, review years) when its document gives none.

A new issue date or period re-dates the plan's recurring duties at once (tasks.plans.duty_window), without
a re-import: undated duties start at the plan's start, and none runs outside the plan."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlmodel import Session

from models import PLAN_CONFIRMED, PLAN_DRAFT, Plan
from models.base import utcnow
from tasks.errors import ValidationFailed
from tasks.plans.duty_window import redate_duties
from tasks.plans.lookup import plan_by_code

EDITABLE_FIELDS = ("title", "issuing_office", "doc_number", "issued_on", "period_start", "period_end",
                   "midterm_year", "final_year")
_PERIOD = re.compile(r"^\s*(\d{4})\s*[-–—~至到]\s*(\d{4})\s*$")


def parse_period(text: str) -> tuple[int, int]:
    """'2016-2020' → (2016, 2020); ValidationFailed when it is not two years joined by a dash."""
    match = _PERIOD.match(text or "")
    if match is None:
        raise ValidationFailed(f"period {text!r}: use two years such as 2016-2020")
    return int(match.group(1)), int(match.group(2))


def _check(plan_code: str, values: dict[str, Any]) -> None:
    """The resulting period and review years must be consistent; ValidationFailed naming what is wrong."""
    start, end = values["period_start"], values["period_end"]
    midterm, final = values["midterm_year"], values["final_year"]
    if start is not None and end is not None and start > end:
        raise ValidationFailed(f"plan {plan_code}: period start {start} is after its end {end}")
    if midterm is not None and final is not None and final < midterm:
        raise ValidationFailed(f"plan {plan_code}: final year {final} is before the mid-term year {midterm}")
    for name, year in (("mid-term year", midterm), ("final year", final)):
        if year is None:
            continue
        if (start is not None and year < start) or (end is not None and year > end):
            raise ValidationFailed(f"plan {plan_code}: {name} {year} is outside the plan period "
                                   f"{start or '…'}–{end or '…'}")
    if not (values["title"] or "").strip():
        raise ValidationFailed(f"plan {plan_code}: the title cannot be empty")


def confirm_plan(session: Session, code: str) -> tuple[Plan, bool]:
    """Confirm a draft plan (read from prose) so that its reminders start; (plan, whether it was a draft)."""
    plan = plan_by_code(session, code)
    was_draft = plan.status == PLAN_DRAFT
    if was_draft:
        plan.status = PLAN_CONFIRMED
        plan.updated_at = utcnow()
        session.add(plan)
        session.flush()
    return plan, was_draft


def update_plan_info(session: Session, code: str, **fields: Any) -> Plan:
    """Set the given fields of plan ``code`` (None = leave as is), checked together with the stored ones."""
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(f"cannot set {', '.join(unknown)} of a plan: use {', '.join(EDITABLE_FIELDS)}")
    plan = plan_by_code(session, code)
    given = {k: v for k, v in fields.items() if v is not None}
    for key in ("period_start", "period_end", "midterm_year", "final_year"):
        if key in given and (isinstance(given[key], bool) or not isinstance(given[key], int)):
            raise ValidationFailed(f"plan {code}: {key.replace('_', ' ')} must be a year, not {given[key]!r}")
    if "issued_on" in given and not isinstance(given["issued_on"], date):
        raise ValidationFailed(f"plan {code}: the issue date must be a date such as 2024-05-27, "
                               f"not {given['issued_on']!r}")
    values = {k: given.get(k, getattr(plan, k)) for k in EDITABLE_FIELDS}
    _check(plan.code, values)
    for key, value in given.items():
        setattr(plan, key, value.strip() if isinstance(value, str) else value)
    if given:
        plan.updated_at = utcnow()
        session.add(plan)
        session.flush()
    if given.keys() & {"issued_on", "period_start", "period_end"}:
        redate_duties(session, plan)
    return plan
