"""Re-import: the same file changes nothing; a changed file is a new revision that keeps all history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import Session, select

from models import (
    Assignment,
    Department,
    IndicatorTarget,
    Milestone,
    MilestoneCompletion,
    Plan,
    PlanRevision,
    StatusUpdate,
    Task,
)
from tasks.plans.intake import import_plan

HEAD = ["编号", "一级指标", "任务", "2016年", "2017年", "牵头单位", "配合单位"]
ROWS = [
    ["1.1", "组织保障", "建立协调机制。", "2016年4月底前出台文件。", "不断完善。", "县卫计委", "县民政局"],
    ["1.2", None, "召开联席会议。", "每年不少于2次。", "每年不少于2次。", "县卫计委", "县财政局"],
    ["2.1", "服务管理", "开展患者排查。", "2016年6月底前完成。", "常态化排查。", "县公安局", "县卫计委"],
]


def workbook(path: Path, rows: list[list[object]], indicators: list[list[object]] | None = None) -> Path:
    wb = Workbook()
    wb.active.append(HEAD)
    for row in rows:
        wb.active.append(row)
    if indicators:
        sheet = wb.create_sheet("指标")
        sheet.append(["编号", "指标名称", "单位", "基线2015年", "目标2020年"])
        for row in indicators:
            sheet.append(row)
    wb.save(path)
    return path


def by_code(session: Session, code: str) -> Task:
    return session.exec(select(Task).where(Task.code == code)).one()


def milestone(session: Session, code: str, key: str) -> Milestone:
    return session.exec(select(Milestone).where(Milestone.task_id == by_code(session, code).id,
                                                Milestone.key == key)).one()


def test_same_file_twice_changes_nothing(session: Session, tmp_path: Path) -> None:
    path = workbook(tmp_path / "plan.xlsx", ROWS, [["1", "管理率", "%", "80", "≥90"]])
    first = import_plan(session, path, plan_code="p")
    ids = sorted(session.exec(select(Milestone.id)).all())
    second = import_plan(session, path, plan_code="p")
    assert (first.revision, first.changed) == (1, True)
    assert (second.revision, second.changed, second.created, second.changes) == (1, False, False, {})
    assert len(session.exec(select(PlanRevision)).all()) == 1
    assert sorted(session.exec(select(Milestone.id)).all()) == ids
    assert session.exec(select(Plan)).one().revision == 1


def test_changed_file_is_a_new_revision_that_keeps_history(session: Session, tmp_path: Path) -> None:
    import_plan(session, workbook(tmp_path / "v1.xlsx", ROWS, [["1", "管理率", "%", "80", "≥90"]]), plan_code="p")
    kept = milestone(session, "1.1", "2016年")
    dropped = milestone(session, "1.1", "2017年")
    lead = session.exec(select(Department).where(Department.name == "县卫计委")).one()
    session.add(MilestoneCompletion(milestone_id=kept.id, completed_on=date(2016, 4, 20)))
    session.add(MilestoneCompletion(milestone_id=dropped.id, completed_on=date(2017, 3, 1)))
    session.add(StatusUpdate(task_id=by_code(session, "2.1").id, department_id=lead.id, state="推进中",
                             progress="已排查3个乡镇。"))
    session.commit()

    rows = [list(r) for r in ROWS[:2]] + [["2.2", "服务管理", "落实监护补助。", "2016年7月底前出台细则。", "",
                                            "县财政局", "县民政局"]]
    rows[0][4] = ""  # the 2017年 step of 1.1 is dropped
    rows[1][2] = "每半年召开联席会议。"
    rows[1][6] = "县财政局、县民政局"
    report = import_plan(session, workbook(tmp_path / "v2.xlsx", rows, [["1", "管理率", "%", "80", "≥95"]]),
                         plan_code="p")

    assert (report.revision, report.changed, report.created) == (2, True, False)
    assert report.changes["added"] == ["2.2"] and report.changes["removed"] == ["2.1"]
    assert set(report.changes["changed"]) == {"1.1", "1.2"}
    assert report.changes["changed"]["1.2"]["text"] == ["召开联席会议。", "每半年召开联席会议。"]
    assert report.changes["changed"]["1.2"]["support"] == [["县财政局"], ["县财政局", "县民政局"]]
    assert report.changes["indicators"]["changed"]["1"]["targets"][1] == [["baseline", 2015, "", "80"],
                                                                          ["target", 2020, "", "≥95"]]
    revision = session.exec(select(PlanRevision).where(PlanRevision.number == 2)).one()
    assert revision.changes["added"] == ["2.2"] and revision.source_file == "v2.xlsx"
    assert session.exec(select(Plan)).one().revision == 2

    removed = by_code(session, "2.1")  # deactivated, never deleted; its status update still points at it
    assert removed.active is False and removed.updated_revision == 2
    assert session.exec(select(StatusUpdate)).one().task_id == removed.id
    assert milestone(session, "1.1", "2016年").id == kept.id and milestone(session, "1.1", "2016年").active
    gone = session.get(Milestone, dropped.id)
    assert gone is not None and gone.active is False  # it has a completion: kept, deactivated
    assert len(session.exec(select(MilestoneCompletion)).all()) == 2
    support = session.exec(select(Assignment).where(Assignment.task_id == by_code(session, "1.2").id,
                                                    Assignment.role == "support")).all()
    assert len(support) == 2
    assert {t.text for t in session.exec(select(IndicatorTarget))} == {"80", "≥95"}
    assert by_code(session, "2.2").created_revision == 2


def test_removed_task_comes_back_active(session: Session, tmp_path: Path) -> None:
    import_plan(session, workbook(tmp_path / "a.xlsx", ROWS), plan_code="p")
    before = sorted(session.exec(select(Milestone.key).where(Milestone.task_id == by_code(session, "2.1").id)))
    import_plan(session, workbook(tmp_path / "b.xlsx", ROWS[:2]), plan_code="p")
    assert by_code(session, "2.1").active is False
    report = import_plan(session, workbook(tmp_path / "c.xlsx", ROWS), plan_code="p")
    assert report.revision == 3 and report.changes["added"] == ["2.1"]
    assert by_code(session, "2.1").active is True
    assert len(session.exec(select(Task)).all()) == 3
    active = session.exec(select(Milestone.key).where(Milestone.task_id == by_code(session, "2.1").id,
                                                      Milestone.active)).all()
    assert sorted(active) == before == ["2016年", "2017年"]


def test_moved_rows_only_update_the_source_reference(session: Session, tmp_path: Path) -> None:
    import_plan(session, workbook(tmp_path / "a.xlsx", ROWS), plan_code="p")
    assert by_code(session, "1.1").source_ref == "row 2"
    moved = workbook(tmp_path / "a2.xlsx", [[None] * 7, *ROWS])
    report = import_plan(session, moved, plan_code="p")
    assert report.changed is False and report.revision == 1
    assert (by_code(session, "1.1").source_ref, by_code(session, "1.1").source_file) == ("row 3", "a2.xlsx")
