"""Setting a plan's period and review years by hand, and keeping them through a re-import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import Plan
from tasks.errors import NotFound, ValidationFailed
from tasks.plans.importers import read_document
from tasks.plans.info import parse_period, update_plan_info
from tasks.plans.intake import import_parsed, import_plan
from tests.factories import make_plan


def test_sets_only_the_given_fields(session: Session) -> None:
    make_plan(session, code="p", doc_number="示政发〔2015〕1号")
    plan = update_plan_info(session, "p", period_start=2016, period_end=2021, final_year=2021, title=" 新标题 ")
    session.expire_all()
    stored = session.exec(select(Plan).where(Plan.code == "p")).one()
    assert (stored.period_start, stored.period_end, stored.midterm_year, stored.final_year) == (2016, 2021, 2017, 2021)
    assert (stored.title, stored.doc_number) == ("新标题", "示政发〔2015〕1号")
    assert plan.id == stored.id


@pytest.mark.parametrize(("fields", "message"), [
    ({"midterm_year": 2019, "final_year": 2018}, "final year 2018 is before the mid-term year 2019"),
    ({"midterm_year": 2014}, "mid-term year 2014 is outside the plan period 2015–2020"),
    ({"final_year": 2021}, "final year 2021 is outside the plan period 2015–2020"),
    ({"period_start": 2021}, "period start 2021 is after its end 2020"),
    ({"period_end": 2018}, "final year 2020 is outside the plan period 2015–2018"),
    ({"title": "  "}, "the title cannot be empty"),
    ({"revision": 3}, "cannot set revision"),
])
def test_inconsistent_values_are_refused_and_nothing_changes(session: Session, fields: dict, message: str) -> None:
    make_plan(session, code="p")
    with pytest.raises(ValidationFailed, match=message):
        update_plan_info(session, "p", **fields)
    stored = session.exec(select(Plan).where(Plan.code == "p")).one()
    assert (stored.period_start, stored.period_end, stored.midterm_year, stored.final_year) == (2015, 2020, 2017, 2020)


def test_unknown_plan_and_bad_period_text(session: Session) -> None:
    with pytest.raises(NotFound, match="no plan with code 'nope'"):
        update_plan_info(session, "nope", midterm_year=2017)
    assert parse_period("2016-2020") == parse_period("2016—2020") == (2016, 2020)
    with pytest.raises(ValidationFailed, match="use two years such as 2016-2020"):
        parse_period("2016")


def test_reimport_keeps_hand_set_years(session: Session, seeds: Path) -> None:
    source = seeds / "hangzhou-task-table.docx"
    import_plan(session, source, plan_code="hz")
    plan = session.exec(select(Plan).where(Plan.code == "hz")).one()
    assert (plan.period_start, plan.midterm_year, plan.final_year) == (None, None, None)  # the table names none
    update_plan_info(session, "hz", period_start=2016, period_end=2020, midterm_year=2017, final_year=2020,
                     doc_number="杭政办函〔2016〕1号")
    session.commit()
    report = import_plan(session, source, plan_code="hz")
    assert not report.changed
    session.expire_all()
    plan = session.exec(select(Plan).where(Plan.code == "hz")).one()
    assert (plan.period_start, plan.period_end, plan.midterm_year, plan.final_year) == (2016, 2020, 2017, 2020)
    assert plan.doc_number == "杭政办函〔2016〕1号"
    parsed = read_document(source)  # a revised table: one task fewer, still no period or review years
    parsed.tasks.pop()
    report = import_parsed(session, parsed, plan_code="hz")
    assert report.changed and report.revision == 2
    session.expire_all()
    plan = session.exec(select(Plan).where(Plan.code == "hz")).one()
    assert (plan.period_start, plan.period_end, plan.midterm_year, plan.final_year) == (2016, 2020, 2017, 2020)
