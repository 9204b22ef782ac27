"""The plan and directory commands of the ``duban`` CLI, run through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from flows.cli import app
from flows.demo_plan import write_example_directory, write_example_plan
from models import Department, Plan

DATA = Path(__file__).resolve().parents[1] / "data"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_directory_import_list_export(session: Session, tmp_path: Path) -> None:
    directory = write_example_directory(tmp_path / "departments.yaml", lambda n: ["mailto://office@example.org"])
    code, out, _ = run("departments", "load", directory)
    assert code == 0 and "created 23" in out
    code, out, _ = run("departments", "load", directory)
    assert code == 0 and "created 0" in out and "unchanged 23" in out
    code, out, _ = run("departments")
    assert code == 0 and "市卫生健康委" in out and "23 entries" in out

    plan_file = write_example_plan(tmp_path / "example.xlsx")
    code, out, err = run("import", plan_file, "--plan", "demo")
    assert code == 0, err
    assert "created plan demo, revision 1" in out and "tasks=15" in out and "组织保障" in out
    code, out, _ = run("import", plan_file, "--plan", "demo")
    assert code == 0 and "unchanged: plan demo stays at revision 1" in out

    code, out, _ = run("plans")
    assert code == 0 and "demo" in out and "2016–2020" in out
    code, out, _ = run("tasks", "--plan", "demo", "--department", "市教育局")
    assert code == 0 and "5.1" in out and "6 task(s)" in out  # 5.1 and five tasks of 各相关部门
    code, out, _ = run("tasks", "--due-before", "2016-04-30")
    assert code == 0 and "3 task(s)" in out
    code, _, err = run("tasks", "--due-before", "April")
    assert code == 5 and "YYYY-MM-DD" in err

    code, out, _ = run("export", "--plan", "demo", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data["tasks"]) == 15 and data["plan"]["code"] == "demo"
    code, out, _ = run("export", "--plan", "demo", "--format", "xlsx", "-o", tmp_path / "demo.xlsx")
    assert code == 0 and load_workbook(tmp_path / "demo.xlsx")["任务"]["A3"].value == "1.1"
    code, _, err = run("export", "--plan", "missing")
    assert code == 4 and "no plan with code 'missing'" in err


def test_import_json_and_dry_run(session: Session) -> None:
    code, out, _ = run("import", DATA / "merged_cells.xlsx", "--dry-run", "--json")
    report = json.loads(out)
    assert code == 0 and report["dry_run"] is True and report["counts"]["tasks"] == 5
    assert any(p["kind"] == "unknown_unit" for p in report["problems"])
    assert session.exec(select(Plan)).all() == [] and session.exec(select(Department)).all() == []


def test_failed_import_exits_non_zero_and_writes_nothing(session: Session) -> None:
    for name, words in (("no_lead.xlsx", "row 4: no lead unit"), ("duplicate_code.xlsx", "row 4: duplicate task code"),
                        ("corrupted.xlsx", "corrupted"), ("empty.csv", "empty"),
                        ("no_task_column.xlsx", "row 1: the header has no task column")):
        code, _, err = run("import", DATA / name)
        assert code == 3, name
        assert name in err and words in err
    assert session.exec(select(Plan)).all() == []


def test_template_and_bad_directory(tmp_path: Path, session: Session) -> None:
    code, _out, _ = run("template", "-o", tmp_path / "plan.xlsx")
    assert code == 0 and (tmp_path / "plan.xlsx").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("departments:\n  - name: 甲局\ngroups:\n  各相关部门: [乙局]\n", encoding="utf-8")
    code, _, err = run("departments", "load", bad)
    assert code == 2 and "乙局" in err and "line 4" in err
    assert session.exec(select(Department)).all() == []


def test_word_plan_gets_review_years_by_hand_then_evaluates(session: Session, seeds: Path, tmp_path: Path) -> None:
    code, out, err = run("import", seeds / "hangzhou-task-table.docx", "--plan", "hz")
    assert code == 0, err
    code, _, err = run("evaluate", "--plan", "hz", "--kind", "midterm", "--out", tmp_path / "none")
    assert code == 5 and "hz has no midterm year" in err and "duban plans set" in err
    assert not (tmp_path / "none").exists()

    code, _, err = run("plans", "set", "--plan", "hz", "--midterm-year", "2021", "--final-year", "2020")
    assert code == 5 and "final year 2020 is before the mid-term year 2021" in err
    code, _, err = run("plans", "set", "--plan", "hz", "--period", "2016 to 2020")
    assert code == 5 and "2016-2020" in err
    code, out, err = run("plans", "set", "--plan", "hz", "--period", "2016-2020", "--midterm-year", "2017",
                         "--final-year", "2020")
    assert code == 0, err
    assert "period 2016–2020, mid-term 2017, final 2020" in out
    code, out, _ = run("plans")
    assert code == 0 and "hz" in out and "2016–2020" in out

    code, out, err = run("evaluate", "--plan", "hz", "--kind", "midterm", "--out", tmp_path / "mid")
    assert code == 0, err
    assert "中期考核" in out
    assert sorted(p.name for p in (tmp_path / "mid").iterdir()) == [
        f"hz-midterm-2017-12-31.{ext}" for ext in ("docx", "html", "xlsx")]

    # a re-import of the same document keeps what was set by hand
    code, out, err = run("import", seeds / "hangzhou-task-table.docx", "--plan", "hz")
    assert code == 0 and "unchanged" in out, err
    session.expire_all()
    plan = session.exec(select(Plan).where(Plan.code == "hz")).one()
    assert (plan.period_start, plan.period_end, plan.midterm_year, plan.final_year) == (2016, 2020, 2017, 2020)


def test_evaluate_as_of_without_review_year(session: Session, seeds: Path, tmp_path: Path) -> None:
    code, _, err = run("import", seeds / "hangzhou-task-table.docx", "--plan", "hz")
    assert code == 0, err
    code, _out, err = run("evaluate", "--plan", "hz", "--kind", "midterm", "--as-of", "2017-12-31",
                         "--format", "html", "--out", tmp_path / "out")
    assert code == 0, err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["hz-midterm-2017-12-31.html"]


def test_plans_set_issue_date_redates_duties_and_tasks_shows_one_role_vocabulary(session: Session,
                                                                                   tmp_path: Path) -> None:
    from models import Milestone
    from tests.county_plan import DIRECTORY, PLAN_TEXT

    (tmp_path / "departments.yaml").write_text(DIRECTORY, encoding="utf-8")
    assert run("departments", "load", tmp_path / "departments.yaml")[0] == 0
    body = "青岚县社区心理服务提升行动方案\n" + PLAN_TEXT.split("（2024—2025年）\n一、", 1)[1].join(["一、", ""])
    (tmp_path / "plan.txt").write_text(body, encoding="utf-8")
    code, _, err = run("import", tmp_path / "plan.txt", "--plan", "qinglan")
    assert code == 0 and "duty without a start, never reminded" in err
    code, _, err = run("plans", "set", "--plan", "qinglan", "--issued-on", "2024-05-27", "--period", "2024-2025")
    assert code == 0, err
    session.expire_all()
    starts = {m.recurrence_start for m in session.exec(select(Milestone).where(Milestone.recurrence.is_not(None)))}
    assert {str(d) for d in starts} == {"2024-05-27"}
    assert run("plans", "set", "--plan", "qinglan", "--issued-on", "27/05/2024")[0] == 5
    result = runner.invoke(app, ["tasks", "--plan", "qinglan"], env={"COLUMNS": "300"})
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if "牵头" in line)
    assert [c.strip() for c in header.strip("│┃ ").split("┃")][4:7] == ["牵头 lead", "配合 support", "责任 responsible"]
    row = next(line for line in result.stdout.splitlines() if "1.2.4" in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells[4:7] == ["", "", "县卫生健康局、县民政局"]  # 责任单位 under 责任, not under 配合
