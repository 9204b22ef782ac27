"""Clause-level responsibility and the plan's duty window, on an invented county plan (tests/county_plan.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from models import Department, Milestone, Plan, Task
from tasks.plans.export import export_plan, export_xlsx
from tasks.plans.info import update_plan_info
from tasks.plans.intake import import_plan
from tasks.reminders.due_items import due_items
from tests.county_plan import COUNTY, DUTY_UNITS, ISSUED, PLAN_END, PLAN_TEXT, TOWNSHIPS, import_county_plan


def _units(session: Session, milestone: Milestone) -> set[str]:
    return set(session.exec(select(Department.name).where(Department.id.in_(milestone.unit_ids or [0]))))


def _milestones(session: Session) -> dict[tuple[str, str | None], Milestone]:
    return {(code, m.recurrence): m for m, code in session.exec(select(Milestone, Task.code).join(Task))}


def test_each_clause_binds_its_milestone_to_its_subject(session: Session, tmp_path: Path) -> None:
    report = import_county_plan(session, tmp_path)
    found = _milestones(session)
    assert _units(session, found[("1.1.1", "half-yearly")]) == COUNTY
    assert _units(session, found[("1.1.1", "quarterly")]) == {"各乡镇（街道）"}
    assert _units(session, found[("1.1.2", "half-yearly")]) == {"各乡镇（街道）"}
    assert _units(session, found[("1.2.3", "yearly")]) == {"县公安局", "县民政局"}  # sector words 公安、民政
    assert found[("1.1.1", None)].unit_ids == []  # 2024年底前，建成…: no subject, the measure's units
    assert found[("1.2.4", "quarterly")].unit_ids == []  # 建立联席会议制度，每季度…: no subject
    rows = {r["code"]: r for r in report.tasks}
    by_text = {m["text"][:4]: set(m["units"]) for m in rows["1.1.1"]["milestones"]}
    assert by_text == {"县卫生健": COUNTY, "各乡镇（": {"各乡镇（街道）"}, "2024": COUNTY | {"各乡镇（街道）"}}


def test_reminders_reach_only_the_clause_units(session: Session, tmp_path: Path) -> None:
    import_county_plan(session, tmp_path)
    items = due_items(session, date(2024, 6, 28))  # due day of the first quarter and half-year
    quarterly_village = {i.department for i in items if i.task_code == "1.1.1" and i.period == "2024Q2"}
    half_year_county = {i.department for i in items if i.task_code == "1.1.1" and i.period == "2024H1"}
    assert quarterly_village == TOWNSHIPS
    assert half_year_county == COUNTY


def test_json_export_and_workbook_round_trip_carry_milestone_units(session: Session, tmp_path: Path) -> None:
    import_county_plan(session, tmp_path)
    data = export_plan(session, "qinglan")
    first = next(t for t in data["tasks"] if t["code"] == "1.1.1")
    assert [set(m.get("units", [])) for m in first["milestones"]] == [COUNTY, {"各乡镇（街道）"}, set()]
    path = export_xlsx(session, "qinglan", tmp_path / "plan.xlsx")
    again = import_plan(session, path, plan_code="qinglan")
    assert not again.changed  # the workbook reads back to the same milestones and units
    # the office corrects the quarterly duty's units in the workbook and re-imports
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "对村（社区）督导1次〔责任单位：各乡镇（街道）〕" in cell.value:
                cell.value = cell.value.replace("对村（社区）督导1次〔责任单位：各乡镇（街道）〕",
                                                "对村（社区）督导1次〔责任单位：青石镇、岚山乡〕")
    book.save(path)
    corrected = import_plan(session, path, plan_code="qinglan")
    assert corrected.changed and list(corrected.changes["changed"]) == ["1.1.1"]
    assert _units(session, _milestones(session)[("1.1.1", "quarterly")]) == {"青石镇", "岚山乡"}


def test_duties_run_from_the_issue_date_to_the_plan_end(session: Session, tmp_path: Path) -> None:
    import_county_plan(session, tmp_path)
    for (code, recurrence), duty in _milestones(session).items():
        if recurrence:
            assert (duty.recurrence_start, duty.recurrence_end) == (ISSUED, PLAN_END), code
    assert _milestones(session)[("1.2.4", "quarterly")].due_date == date(2024, 6, 30)  # first: Q2, holding 27 May
    items = due_items(session, ISSUED)  # the issue day: nothing overdue from before the plan existed
    assert not [i for i in items if i.status == "overdue"]


def test_duty_without_start_is_reported_never_reminded_and_dated_by_plans_set(session: Session,
                                                                              tmp_path: Path) -> None:
    undated = PLAN_TEXT.split("青岚县社区心理服务提升行动方案（2024—2025年）\n", 2)[-1]  # no notice, no date
    undated = "青岚县社区心理服务提升行动方案\n" + undated
    report = import_county_plan(session, tmp_path, text=undated)
    flagged = [p for p in report.problems if p.kind == "duty_without_start"]
    assert len(flagged) == 5 and all("never reminded" in p.message for p in flagged)
    days = [date(2024, 7, 1), date(2024, 10, 8), date(2025, 1, 2), date(2025, 7, 1)]
    assert not [i for d in days for i in due_items(session, d) if i.period]
    update_plan_info(session, "qinglan", issued_on=date(2024, 5, 27), period_start=2024, period_end=2025)
    session.commit()
    duty = _milestones(session)[("1.2.4", "quarterly")]
    assert (duty.recurrence_start, duty.recurrence_end, duty.due_date) == (ISSUED, PLAN_END, date(2024, 6, 30))
    assert {i.period for i in due_items(session, date(2024, 7, 1)) if i.task_code == "1.2.4"} == {"2024Q2"}
    plan = session.exec(select(Plan)).one()
    assert plan.issued_on == ISSUED
    assert set(DUTY_UNITS) == {(c, r) for c, r in _milestones(session) if r}
