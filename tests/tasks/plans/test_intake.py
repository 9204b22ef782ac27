"""The shared import pipeline: units resolved, milestones dated, one transaction, dry runs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import KIND_GROUP, Assignment, Department, Indicator, Milestone, Plan, PlanRevision, Task
from tasks.directory.departments import load_directory
from tasks.errors import ImportFailed, Problem
from tasks.plans import intake as plan_import
from tasks.plans.intake import import_parsed, import_plan, plan_code_for
from tasks.plans.parsed import ParsedMilestone, ParsedPlan, ParsedTask
from tasks.reminders.due_items import due_items
from tasks.reminders.sweep import run_sweep

DATA = Path(__file__).resolve().parents[2] / "data"
DIRECTORY = """\
departments:
  - {name: 县卫生健康局, aliases: [县卫计委, 卫生计生部门]}
  - {name: 县民政局}
  - {name: 县财政局}
  - {name: 县人力社保局, aliases: [县人社局]}
  - {name: 县委编办, aliases: [县编办]}
  - {name: 城关街道}
  - {name: 白沙镇}
groups:
  各相关部门: [县卫生健康局, 县民政局, 县财政局]
  各乡镇（街道）: [城关街道, 白沙镇]
"""


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "departments.yaml"
    path.write_text(DIRECTORY, encoding="utf-8")
    load_directory(session, path)
    session.commit()


def units(session: Session, task: Task, role: str) -> list[str]:
    query = (select(Department.name).join(Assignment).where(Assignment.task_id == task.id, Assignment.role == role)
             .order_by(Assignment.position))
    return list(session.exec(query))


def task(session: Session, code: str) -> Task:
    return session.exec(select(Task).where(Task.code == code)).one()


def dues(session: Session, code: str) -> list[tuple[str, date | None, bool, str | None]]:
    query = select(Milestone).where(Milestone.task_id == task(session, code).id).order_by(Milestone.position)
    return [(m.label, m.due_date, m.soft, m.recurrence) for m in session.exec(query)]


def test_import_resolves_aliases_groups_and_dates_milestones(session: Session, directory: None) -> None:
    report = import_plan(session, DATA / "merged_cells.xlsx")
    assert (report.plan_code, report.created, report.changed, report.revision) == ("merged_cells", True, True, 1)
    assert report.counts["tasks"] == 5 and report.counts["sections"] == 2
    assert report.counts["lead"] == 7 and report.counts["support"] == 8
    assert units(session, task(session, "1.2"), "lead") == ["县卫生健康局", "县民政局"]  # 县卫计委 is an alias
    assert units(session, task(session, "1.2"), "support") == ["各乡镇（街道）"]
    assert units(session, task(session, "2.1"), "lead") == ["县委编办", "县人力社保局"]
    assert dues(session, "1.1")[0] == ("2016年", date(2016, 4, 30), False, None)
    assert dues(session, "1.3")[0] == ("2016年", date(2016, 6, 30), True, None)  # 力争 = soft
    assert {r for _, _, _, r in dues(session, "1.2")} == {"yearly"}
    assert {r for _, _, _, r in dues(session, "2.2")} >= {"quarterly", "half-yearly"}
    plan = session.exec(select(Plan)).one()
    assert plan.title == "样例县心理健康工作任务分解表" and plan.revision == 1
    unknown = [p for p in report.problems if p.kind == "unknown_unit"]
    assert {p.message.split("'")[1] for p in unknown} == {"县综治办", "公安部门"}
    assert all(p.severity == "warning" and p.ref == "row 9" for p in unknown)
    assert session.exec(select(Department).where(Department.name == "县综治办")).one().provisional
    json.dumps(report.to_dict(), ensure_ascii=False)


def test_unknown_unit_warning_lists_closest_names(session: Session, directory: None) -> None:
    report = import_plan(session, DATA / "tasks_gbk.csv", plan_code="gbk")
    warning = next(p for p in report.problems if "县卫计委" not in p.message and p.kind == "unknown_unit")
    assert warning.message.startswith("unknown unit '县公安局'")
    assert report.plan_code == "gbk" and report.counts["tasks"] == 3


def test_undated_milestones_are_warnings(session: Session) -> None:
    report = import_plan(session, DATA / "responsible_only.xlsx")
    undated = [p for p in report.problems if p.kind == "undated"]
    assert [(p.ref, p.severity) for p in undated] == [("row 8", "warning")]
    assert report.counts["undated"] == 1 and report.counts["dated"] == 2
    assert report.counts["responsible"] == 5 and report.counts["lead"] == 0
    assert dues(session, "A1") == [("完成时限", date(2018, 12, 31), False, None)]


@pytest.mark.parametrize("name", ["no_lead.xlsx", "duplicate_code.xlsx", "corrupted.xlsx", "empty.csv",
                                  "no_task_column.xlsx"])
def test_failed_import_writes_nothing(session: Session, name: str) -> None:
    with pytest.raises(ImportFailed) as exc:
        import_plan(session, DATA / name)
    assert all(p.file == name for p in exc.value.problems)
    assert session.exec(select(Plan)).all() == [] and session.exec(select(Department)).all() == []


def test_error_while_storing_rolls_everything_back(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    real_store = plan_import.store_plan

    def store_then_fail(*args: object, **kwargs: object) -> object:
        real_store(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(plan_import, "store_plan", store_then_fail)
    with pytest.raises(RuntimeError):
        import_plan(session, DATA / "merged_cells.xlsx")
    for model in (Plan, Task, Department, Milestone, PlanRevision):
        assert session.exec(select(model)).all() == []


def test_dry_run_reports_but_writes_nothing(session: Session) -> None:
    report = import_plan(session, DATA / "merged_cells.xlsx", dry_run=True)
    assert report.dry_run and report.created and report.counts["tasks"] == 5 and report.tasks[0]["code"] == "1.1"
    assert session.exec(select(Plan)).all() == [] and session.exec(select(Department)).all() == []


def test_parsed_plan_with_errors_or_duplicate_codes_is_refused(session: Session) -> None:
    parsed = ParsedPlan("x.docx", "docx", tasks=[ParsedTask("甲。", "line 3", code="1", lead=["县民政局"])])
    parsed.problems.append(Problem("x.docx", "line 9", "no lead unit", kind="no_lead"))
    with pytest.raises(ImportFailed, match="line 9"):
        import_parsed(session, parsed)
    twice = ParsedPlan("y.docx", "docx", tasks=[ParsedTask("甲。", "line 3", code="1", lead=["县民政局"]),
                                                ParsedTask("乙。", "line 5", code="1", lead=["县民政局"])])
    with pytest.raises(ImportFailed, match="duplicate task code '1'"):
        import_parsed(session, twice)
    assert session.exec(select(Plan)).all() == []


def test_import_parsed_from_any_importer(session: Session) -> None:
    parsed = ParsedPlan("区方案.txt", "text", title="区精神卫生工作规划", period_start=2016, period_end=2020,
                        tasks=[ParsedTask("建立协调机制。", "line 12", lead=["区卫计委"], support=["区民政局"],
                                          milestones=[ParsedMilestone("完成时限", "每半年召开1次会议")])])
    report = import_parsed(session, parsed)
    assert report.plan_code == "区方案" and report.title == "区精神卫生工作规划"
    assert report.counts["recurring"] == 1 and report.tasks[0]["code"] == "1"
    assert plan_code_for("Plan 2016 (final).xlsx") == "plan-2016-final"


def test_group_names_without_a_directory_are_memberless_groups(session: Session, seeds: Path) -> None:
    report = import_plan(session, seeds / "003_7d761cf584dc9c6a.txt", plan_code="hz")
    warned = {p.message.split("'")[1]: p for p in report.problems if p.kind == "group_without_members"}
    for name in ("各级政府", "各区、县（市）政府", "各相关部门", "各乡镇（街道）", "各级卫生计生部门"):
        assert name in warned and "groups:" in warned[name].message and warned[name].severity == "warning"
        dept = session.exec(select(Department).where(Department.name == name)).one()
        assert dept.kind == KIND_GROUP and dept.provisional
    assert warned["各级政府"].ref == "line 29"  # its first row: 统一组织开展精神卫生综合管理工作
    unknown = {p.message.split("'")[1] for p in report.problems if p.kind == "unknown_unit"}
    assert "市财政局" in unknown and not unknown & set(warned)
    assert report.counts["memberless_groups"] == len(warned)
    # a memberless group stands for nobody: no digest and no "no channel" line for it, only for real units
    as_of = date(2016, 4, 25)
    told = {i.department for i in due_items(session, as_of)}
    assert "市财政局" in told and not told & set(warned)
    sweep = run_sweep(session, as_of, dry_run=True)
    assert "市财政局" in sweep.delivery.no_channel and not set(sweep.delivery.no_channel) & set(warned)
    assert not {line.department for line in sweep.departments} & set(warned)


def test_narrative_plan_without_tasks_warns(session: Session, seeds: Path) -> None:
    report = import_plan(session, seeds / "000_a0ed3535ed6b6998.txt")
    assert report.counts["tasks"] == 0 and report.counts["indicators"] > 0
    [warning] = [p for p in report.problems if p.kind == "no_tasks"]
    assert warning.severity == "warning"
    assert warning.message.startswith("no tasks found: only indicators were imported")
    assert session.exec(select(Task)).all() == [] and session.exec(select(Indicator)).all()
    hangzhou = import_plan(session, seeds / "003_7d761cf584dc9c6a.txt")
    assert not [p for p in hangzhou.problems if p.kind == "no_tasks"]
