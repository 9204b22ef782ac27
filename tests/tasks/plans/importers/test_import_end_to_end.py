"""The real documents through the whole import pipeline into a real database, and back out as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import Plan, Task
from tasks.errors import ImportFailed
from tasks.plans.export import export_plan
from tasks.plans.intake import import_plan


def comparable(exported: dict) -> list[dict]:
    """The exported tasks without their source location (which differs between .docx and .txt)."""
    return [{k: v for k, v in task.items() if k != "source"} for task in exported["tasks"]]


def test_hangzhou_docx_and_text_dump_store_the_same_plan(session: Session, seeds: Path) -> None:
    docx_report = import_plan(session, seeds / "hangzhou-task-table.docx", plan_code="hz-docx")
    text_report = import_plan(session, seeds / "003_7d761cf584dc9c6a.txt", plan_code="hz-text")
    assert docx_report.counts["tasks"] == text_report.counts["tasks"] == 62
    assert docx_report.counts["sections"] == 10
    from_docx, from_text = export_plan(session, "hz-docx"), export_plan(session, "hz-text")
    assert comparable(from_docx) == comparable(from_text)
    first = from_docx["tasks"][0]
    assert first["source"] == {"file": "hangzhou-task-table.docx", "ref": "table 1 row 3"}
    assert from_text["tasks"][0]["source"]["ref"] == "line 20"
    assert [m["label"] for m in first["milestones"]] == ["2016年", "2017年", "2020年"]
    assert first["milestones"][1]["text"] == "修订完成并认真贯彻执行。"
    spanning = next(t for t in from_docx["tasks"] if t["text"].startswith("完善市、区县（市）精神卫生工作协调小组"))
    assert [(m["label"], m["text"]) for m in spanning["milestones"]] == [
        ("2016年", "政府下文明确。"), ("2017年", "期间适时调整、完善。"), ("2020年", "期间适时调整、完善。")]
    assert from_docx["plan"]["title"] == "精神卫生综合管理工作任务分解表"


def test_zhongyuan_annex_is_stored_with_review_years(session: Session, seeds: Path) -> None:
    report = import_plan(session, seeds / "004_418fe78c24e69791.txt", plan_code="zy")
    assert report.counts["tasks"] == 37
    exported = export_plan(session, "zy")
    assert (exported["plan"]["midterm_year"], exported["plan"]["final_year"]) == (2017, 2020)
    assert all(t["lead"] or t["responsible"] for t in exported["tasks"])
    meeting = next(t for t in exported["tasks"] if t["code"] == "3.1.2")
    assert any(m["recurrence"] for m in meeting["milestones"])


def test_chenzhou_narrative_plan_gives_a_draft_and_its_indicators(session: Session, seeds: Path) -> None:
    report = import_plan(session, seeds / "000_a0ed3535ed6b6998.txt", plan_code="cz")
    assert report.status == "draft" and report.counts["tasks"] == report.draft["obligations"] >= 50
    assert report.counts["indicators"] == 11  # the 10 it always had and one staffing target (每…配备)
    exported = export_plan(session, "cz")
    assert exported["plan"]["status"] == "draft"
    assert (exported["plan"]["midterm_year"], exported["plan"]["final_year"]) == (2017, 2020)
    by_name = {i["name"]: i for i in exported["indicators"]}
    managed = by_name["登记在册严重精神障碍患者管理率"]
    assert (managed["unit"], managed["direction"]) == ("%", "higher")
    assert [(t["year"], t["value"]) for t in managed["targets"]] == [(2020, 85.0)]
    doctors = by_name["精神科执业（助理）医师数量"]
    assert (doctors["unit"], doctors["targets"][0]["value"]) == ("名", 140.0)
    relative = by_name["抑郁症治疗率"]
    assert (relative["targets"][0]["value_kind"], relative["targets"][0]["value"]) == ("relative", 50.0)


def test_indicator_annex_docx_is_stored(session: Session, data: Path) -> None:
    import_plan(session, data / "indicator_annex.docx", plan_code="qy")
    exported = export_plan(session, "qy")
    assert len(exported["tasks"]) == 2
    ratio = next(i for i in exported["indicators"] if i["name"] == "专职人员与在册患者比")
    assert [(b["year"], b["scope"], b["text"]) for b in ratio["baselines"]] == [(2022, "全市", "1/120"),
                                                                               (2023, "本县", "1/150")]
    assert [(t["year"], t["scope"], t["text"]) for t in ratio["targets"]] == [(2025, "全市", "1/80"),
                                                                             (2025, "本县", "1/80")]


@pytest.mark.parametrize("name", ["no_table.docx", "no_unit_column.docx", "broken_xml.docx"])
def test_bad_documents_write_nothing(session: Session, data: Path, name: str) -> None:
    with pytest.raises(ImportFailed, match=name):
        import_plan(session, data / name)
    session.rollback()
    assert session.exec(select(Plan)).all() == [] and session.exec(select(Task)).all() == []


def test_gb18030_text_is_stored(session: Session, data: Path) -> None:
    import_plan(session, data / "gb18030_plan.txt", plan_code="bs")
    exported = export_plan(session, "bs")
    assert exported["plan"]["title"] == "白石镇社会心理服务体系建设工作方案"
    assert [t["code"] for t in exported["tasks"]] == ["1.1", "1.2", "2.1", "2.2"]
    assert exported["tasks"][0]["milestones"][0]["due"] == "2023-05-31"
