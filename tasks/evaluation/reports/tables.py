"""The report's tables, built once from the figures and rendered alike in Word, Excel and HTML."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.status import IndicatorVerdict, Verdict
from tasks.evaluation.figures import EvaluationFigures
from tasks.evaluation.reports.charts import Chart
from tasks.evaluation.reports.letterhead import Letterhead
from tasks.evaluation.scoring import ReportRules

Cell = str | int | float | None  # a table cell's raw value: formatted by cell_text, coloured by light

# How a cell is coloured (绿/黄/红): by a score, a task verdict or an indicator verdict.
LIGHT_SCORE, LIGHT_VERDICT, LIGHT_INDICATOR = "score", "verdict", "indicator"
GREEN_WORDS: tuple[str, ...] = (Verdict.DONE, IndicatorVerdict.MET)
AMBER_WORDS: tuple[str, ...] = (Verdict.MOSTLY_DONE, IndicatorVerdict.MOSTLY_MET)
RED_WORDS: tuple[str, ...] = (Verdict.NOT_DONE, Verdict.LAGGING, IndicatorVerdict.NOT_MET)
EMPTY = {"sections": "本规划尚无任务。", "departments": "尚无可评分的部门。", "indicators": "本规划未设定量化指标。",
         "risks": "截至评估时点，未发现逾期未完成或存在风险的任务。", "tasks": "本规划尚无任务。"}


@dataclass
class ReportTable:
    """One table: a sheet name, a heading, columns, raw rows, column formats and light columns."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    formats: dict[int, str] = field(default_factory=dict)  # column -> pct | num | text
    lights: dict[int, str] = field(default_factory=dict)  # column -> score | verdict | indicator
    widths: dict[int, int] = field(default_factory=dict)  # column -> width in characters (Excel)


@dataclass
class ReportContent:
    """The shared content of the Word, Excel and HTML reports: computed once per evaluation."""

    figures: EvaluationFigures
    title: str
    summary: list[str]
    completeness: list[str]
    tables: dict[str, ReportTable]
    charts: list[Chart]
    rules: ReportRules
    letterhead: Letterhead | None = None  # 红头, 文号, 落款 and date of the Word report (default: letterhead_for)

    @property
    def stem(self) -> str:
        """The output file name without extension: <plan>-<kind>-<as_of>."""
        return f"{self.figures.plan.code}-{self.figures.kind}-{self.figures.as_of}"


def light(kind: str, value: Cell, green: float, amber: float) -> str | None:
    """green / amber / red for a cell value, None when it has no light."""
    if value is None or value == "":
        return None
    if kind == LIGHT_SCORE:
        if isinstance(value, str):
            return None  # a score column holds numbers; text has no light
        return "green" if value >= green else "amber" if value >= amber else "red"
    if value in GREEN_WORDS:
        return "green"
    if value in AMBER_WORDS:
        return "amber"
    if value in RED_WORDS:
        return "red"
    return None


def cell_text(value: Cell, fmt: str | None) -> str:
    """A value as it reads in Word and HTML: 85.0%, 84.11, — for nothing."""
    if value is None or value == "":
        return "—"
    if fmt == "pct" and not isinstance(value, str):
        return f"{value * 100:.1f}%"
    if fmt == "num" and isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _names(units: list[str]) -> str:
    return "、".join(units)


def section_table(figures: EvaluationFigures) -> ReportTable:
    """Completion by section (领域)."""
    rows: list[list[Cell]] = [[i + 1, s.name, s.tasks, s.judged, *(s.counts.get(v, 0) for v in Verdict),
                              s.completion_rate, s.score, s.rank] for i, s in enumerate(figures.sections)]
    return ReportTable("分领域", "分领域任务完成情况",
                       ["序号", "领域", "任务数", "已到期", *(str(v) for v in Verdict), "完成率", "平均得分", "排名"],
                       rows, formats={9: "pct", 10: "num"}, lights={10: LIGHT_SCORE},
                       widths={0: 5, 1: 22, 2: 6, 3: 6, 4: 6, 5: 6, 6: 6, 7: 6, 8: 6, 9: 10, 10: 10, 11: 6})


def department_table(figures: EvaluationFigures) -> ReportTable:
    """Department scores with their dense rank."""
    rows: list[list[Cell]] = [[d.rank, d.name, d.lead, d.support, d.responsible, d.task_score, d.expected,
                              d.received, d.timely, d.completeness, d.timeliness, d.score]
                             for d in figures.departments]
    return ReportTable("部门排名", "分部门评价表",
                       ["排名", "部门", "牵头任务", "配合任务", "负责任务", "任务得分", "应报", "已报", "按时报",
                        "报送完整率", "报送及时率", "综合得分"], rows,
                       formats={5: "num", 9: "num", 10: "num", 11: "num"}, lights={5: LIGHT_SCORE, 11: LIGHT_SCORE},
                       widths={0: 5, 1: 22, 2: 6, 3: 6, 4: 6, 5: 10, 6: 6, 7: 6, 8: 6, 9: 10, 10: 10, 11: 10})


def indicator_table(figures: EvaluationFigures) -> ReportTable:
    """Each indicator's latest value against its target."""
    rows: list[list[Cell]] = [[i + 1, x.name, x.unit, x.target, x.target_column or x.target_year, x.baseline,
                              x.value, x.value_as_of, x.attainment, x.verdict, x.note]
                             for i, x in enumerate(figures.indicators)]
    return ReportTable("指标", "主要指标完成情况",
                       ["序号", "指标", "单位", "目标值", "目标所在列", "基线值", "最新值", "数据日期", "达成度",
                        "结论",
                        "说明"], rows, formats={5: "num", 6: "num", 8: "pct"}, lights={9: LIGHT_INDICATOR},
                       widths={0: 4, 1: 24, 2: 5, 3: 14, 4: 7, 5: 7, 6: 7, 7: 11, 8: 8, 9: 8, 10: 18})


def risk_table(figures: EvaluationFigures) -> ReportTable:
    """Overdue and at-risk tasks with their lead units and the problems they reported."""
    rows: list[list[Cell]] = []
    for t in figures.tasks:
        if not (t.overdue or t.at_risk):
            continue
        reason = ("逾期未完成：" + "、".join(t.overdue)) if t.overdue else (
            "临期未完成：" + "、".join(t.upcoming) if t.upcoming else "报送状态为" + (t.state or ""))
        problems = "；".join(f"{p.unit}：{p.text}" for p in t.problems) or "—"
        rows.append([t.code, t.text, _names(t.leads), reason, t.state or "暂无报送", problems])
    return ReportTable("逾期及风险", "逾期及存在风险的任务",
                       ["编号", "任务", "牵头单位", "情况", "最新状态", "存在问题"], rows,
                       widths={0: 5, 1: 30, 2: 14, 3: 18, 4: 8, 5: 30})


def task_table(figures: EvaluationFigures) -> ReportTable:
    """The appendix: every task's verdict."""
    rows: list[list[Cell]] = [[t.code, t.section, t.text, _names(t.leads), t.due, t.on_time, t.late, t.not_done,
                              t.verdict, t.state or "暂无报送", "；".join(t.recurring + t.notes)]
                             for t in figures.tasks]
    return ReportTable("任务明细", "分任务进展表",
                       ["编号", "领域", "任务", "牵头单位", "到期节点", "按时", "逾期完成", "未完成", "结论",
                        "最新状态", "说明"], rows, lights={8: LIGHT_VERDICT},
                       widths={0: 5, 1: 12, 2: 40, 3: 16, 4: 6, 5: 6, 6: 6, 7: 6, 8: 8, 9: 8, 10: 28})


def change_table(figures: EvaluationFigures) -> ReportTable | None:
    """For a final evaluation: each department's score and rank at the mid-term and now."""
    change = figures.change
    if not change:
        return None
    rows: list[list[Cell]] = [[d.name, d.midterm_score, d.midterm_rank, d.score, d.rank, d.delta]
                             for d in change.departments]
    return ReportTable("与中期比较", "与中期考核相比的变化",
                       ["部门", "中期得分", "中期排名", "终期得分", "终期排名", "得分变化"], rows,
                       formats={1: "num", 3: "num", 5: "num"}, lights={3: LIGHT_SCORE}, widths={0: 24})


def report_tables(figures: EvaluationFigures) -> dict[str, ReportTable]:
    """All tables of a report, keyed by role."""
    tables = {"sections": section_table(figures), "departments": department_table(figures),
              "indicators": indicator_table(figures), "risks": risk_table(figures), "tasks": task_table(figures)}
    change = change_table(figures)
    if change is not None:
        tables["change"] = change
    return tables
