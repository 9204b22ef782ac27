"""The plan and directory commands of the ``duban`` CLI, run through typer's CliRunner."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from flows.cli import app
from flows.demo_plan import write_example_directory, write_example_plan
from models import Department, Plan
from tasks.reminders.due_items import due_items

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


def test_prose_notice_imports_as_a_draft_without_reminders_until_confirmed(session: Session, tmp_path: Path) -> None:
    notice = DATA / "prose_notice.txt"
    code, out, err = run("import", notice, "--plan", "notice")
    assert code == 0, err
    assert "草稿（DRAFT）" in out and "识别出 32 项任务" in out and "duban plans confirm --plan notice" in out
    assert "not taken as an obligation" in err and "鼓励社会组织参与心理健康服务" in err
    plan = session.exec(select(Plan).where(Plan.code == "notice")).one()
    assert (plan.status, plan.title) == ("draft", "关于做好2021年严重精神障碍患者服务管理工作的通知")

    code, out, _ = run("export", "--plan", "notice", "--format", "json")
    exported = json.loads(out)
    shared = next(t for t in exported["tasks"] if "信息比对" in t["text"])
    assert (shared["lead"], shared["support"]) == (["区卫生健康局"], ["区公安分局", "区民政局"])
    assert shared["remark"].startswith("原文（line 20）：由区卫生健康局牵头") and shared["source"]["ref"] == "line 20"
    run("export", "--plan", "notice", "--format", "xlsx", "-o", tmp_path / "notice.xlsx")
    code, out, err = run("import", tmp_path / "notice.xlsx", "--plan", "notice")
    assert code == 0, err
    # tasks, units, schedules, source sentences, indicators with their source statements and the addressees
    # survive the workbook round trip: no new revision
    assert "unchanged" in out or "(added 0, removed 0, changed 0)" in out
    session.expire_all()
    plan = session.exec(select(Plan).where(Plan.code == "notice")).one()
    assert (plan.revision, plan.status) == (1, "draft")
    assert plan.addressees == ["各街道办事处", "各社区卫生服务中心", "区精神卫生中心", "区疾控中心"]
    code, out, _ = run("export", "--plan", "notice", "--format", "json")
    again = json.loads(out)
    assert again["indicators"] == exported["indicators"]
    unsourced = [[{k: v for k, v in t.items() if k != "source"} for t in e["tasks"]] for e in (again, exported)]
    assert unsourced[0] == unsourced[1]  # (the source now is the workbook's row)
    assert next(i for i in again["indicators"] if i["name"] == "服药率")["statement"].startswith("力争到2021年底")

    code, out, _ = run("plans", "confirm", "--plan", "notice")
    assert code == 0 and "plan notice confirmed" in out
    session.expire_all()
    assert session.exec(select(Plan).where(Plan.code == "notice")).one().status == "confirmed"


def test_a_draft_gets_no_reminders_and_the_confirmed_plan_does(session: Session) -> None:
    code, _, err = run("import", DATA / "prose_notice.txt", "--plan", "notice")
    assert code == 0, err
    # 2021-12-22 is 7 working days before 2021-12-31: the quarterly 信息比对 (区卫生健康局 leads) and the
    # year-end duties have their notice that day
    as_of = date(2021, 12, 22)
    assert due_items(session, as_of) == [] and due_items(session, as_of, plan_code="notice") == []
    code, out, _ = run("plans", "confirm", "--plan", "notice")
    assert code == 0 and "plan notice confirmed" in out
    session.expire_all()
    items = due_items(session, as_of, plan_code="notice")
    due = {(i.department, i.due_date, i.status) for i in items if "信息比对" in i.task_text}
    assert ("区卫生健康局", date(2021, 12, 31), "upcoming") in due
    assert {i.plan_code for i in due_items(session, as_of)} == {"notice"}
    # 每年世界精神卫生日: a yearly duty due on 10 October (7 working days before it: 24 September 2021)
    day = [(i.department, i.due_date, i.status) for i in due_items(session, date(2021, 9, 24))
           if "世界精神卫生日" in i.text]
    assert day == [("区卫生健康局", date(2021, 10, 10), "upcoming")]


def test_import_confirm_starts_a_prose_plan_at_once(session: Session) -> None:
    code, out, err = run("import", DATA / "prose_notice.txt", "--plan", "notice", "--confirm")
    assert code == 0, err
    assert "已确认" in out
    assert session.exec(select(Plan).where(Plan.code == "notice")).one().status == "confirmed"
def test_an_oversized_file_is_refused_naming_the_limit(session: Session, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`duban import` of a file over a limit: exit 3, the limit and its setting named, no traceback, nothing stored."""
    from config import get_settings

    plan = tmp_path / "plan.csv"
    plan.write_text("任务,牵头单位\n" + "".join(f"第{i}项任务,市民政局\n" for i in range(40)), encoding="utf-8")
    monkeypatch.setenv("DUBAN_IMPORT__MAX_ROWS", "30")
    get_settings.cache_clear()
    result = runner.invoke(app, ["import", str(plan)])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 3 and isinstance(result.exception, SystemExit)
    assert "plan.csv" in said and "max_rows = 30" in said and "DUBAN_IMPORT__MAX_ROWS" in said
    assert session.exec(select(Plan)).all() == [] and session.exec(select(Department)).all() == []


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
