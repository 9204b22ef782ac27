"""Export: the stable JSON shape, the re-importable .xlsx, the template and the example plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from flows.demo_plan import OFFICE, UNITS, write_example_directory, write_example_plan
from models import Department, Task
from tasks.directory.departments import load_directory
from tasks.errors import NotFound
from tasks.plans.export import export_plan, export_xlsx, join_units, list_tasks
from tasks.plans.intake import import_plan
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
