"""The report's title and its key figures written as Chinese sentences (shared by every format)."""

from __future__ import annotations

from datetime import date

from models.status import IndicatorVerdict, Verdict
from tasks.evaluation.figures import EvaluationFigures

TITLE_SUFFIX = {"midterm": "实施情况中期考核报告", "final": "实施情况终期效果评估报告"}


def report_title(figures: EvaluationFigures) -> str:
    """《<plan title>》实施情况中期考核报告 / 终期效果评估报告."""
    title = figures.plan.title.strip("《》")
    return f"《{title}》{TITLE_SUFFIX[figures.kind]}"


def chinese_date(value: str) -> str:
    """2017-12-31 → 2017年12月31日."""
    day = date.fromisoformat(value)
    return f"{day.year}年{day.month}月{day.day}日"


def pct(value: float | None) -> str:
    """0.8333 → 83.3%; None → 无法计算."""
    return "无法计算" if value is None else f"{value * 100:.1f}%"


def summary_sentences(figures: EvaluationFigures) -> list[str]:
    """The summary paragraph's sentences: tasks, milestones, indicators, departments, change."""
    s, c = figures.summary, figures.completeness
    v = {word: s.verdicts.get(word, 0) for word in Verdict}
    plan = figures.plan.title.strip("《》")
    out = [f"截至{chinese_date(figures.as_of)}，《{plan}》确定的"
           f"{s.tasks_total}项任务中，{s.tasks_judged}项已到评估时点，其中已完成{v[Verdict.DONE]}项、"
           f"基本完成{v[Verdict.MOSTLY_DONE]}项、未完成{v[Verdict.NOT_DONE]}项、滞后{v[Verdict.LAGGING]}项，"
           f"完成率（含基本完成）为{pct(s.completion_rate)}"
           + (f"；另有{v[Verdict.NOT_DUE]}项任务尚未到完成时限。" if v[Verdict.NOT_DUE] else "。")]
    if s.milestones_due:
        out.append(f"应在评估时点前完成的{s.milestones_due}个进度节点中，按时完成{s.on_time}个，"
                   f"逾期完成{s.late}个，尚未完成{s.not_done}个；{s.overdue_tasks}项任务存在逾期未完成节点，"
                   f"{s.at_risk_tasks}项任务存在风险。")
    ind = {word: s.indicators.get(word, 0) for word in IndicatorVerdict}
    if s.indicators_total:
        out.append(f"{s.indicators_total}项主要指标中，达标{ind[IndicatorVerdict.MET]}项、"
                   f"基本达标{ind[IndicatorVerdict.MOSTLY_MET]}项、未达标{ind[IndicatorVerdict.NOT_MET]}项，"
                   f"另有{ind[IndicatorVerdict.NO_DATA]}项暂无可比数据。")
    out += ranking_sentences(figures)
    if c.updates_total == 0:
        out.append("评估期内未收到任何进展报送，以上结论仅依据已登记的节点完成情况和指标数据作出。")
    change = figures.change
    if figures.midterm_missing:
        out.append("本规划未出具中期考核报告，本报告不作与中期的比较。")
    if change:
        before, now = change.completion_rate
        met_before, met_now = change.indicators_met
        out.append(f"与中期考核（截至{chinese_date(change.midterm_as_of)}）相比，任务完成率由{pct(before)}"
                   f"变为{pct(now)}，达标指标由{met_before}项变为{met_now}项。")
    return out


def completeness_sentences(figures: EvaluationFigures) -> list[str]:
    """Data completeness and method: reports received, indicators with data, the scoring file."""
    c = figures.completeness
    out = []
    if c.reports_expected:
        out.append(f"本次评估应收进展报送{c.reports_expected}份，实收{c.reports_received}份"
                   f"（{pct(c.share_received)}），其中按时报送{c.reports_timely}份（{pct(c.share_timely)}）。")
    else:
        out.append("评估期内未安排需按期报送的进展报送轮次。")
    if c.updates_total == 0:
        out.append("截至评估时点，本规划尚未收到任何进展报送。")
    out.append(f"{c.indicators_total}项指标中有{c.indicators_with_data}项有可比数据。")
    judged_on = figures.judged_on or figures.as_of
    if judged_on < figures.as_of:
        out.append(f"各项任务按规划期末（{chinese_date(judged_on)}）的完成情况评估，计入截至"
                   f"{chinese_date(figures.as_of)}收到并经审核通过的期内报送，完成时间以实际完成日期为准。")
    else:
        out.append(f"评估时点为{chinese_date(figures.as_of)}，仅计入该日及以前的完成记录、经审核通过的进展报送和指标数据。")
    out.append("相同数据、相同评估时点和相同评分规则得出相同结果。")
    return out


def _score(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def ranking_sentences(figures: EvaluationFigures) -> list[str]:
    """Department ranking in words: who is first and last, ties said as ties, units that never reported
    named after the others (they rank below every unit that reported), and no ranking when there is none."""
    ranked = [d for d in figures.departments if d.rank is not None and d.score is not None]
    if not ranked:
        return ["本次评估暂无可评分的部门。"]
    mean = figures.summary.mean_department_score or 0.0
    head = f"参评的{len(ranked)}个部门平均得分{mean:.2f}分"
    last_rank = max(d.rank or 0 for d in ranked)
    if last_rank == 1:
        if len(ranked) == 1:
            return [f"{head}，{ranked[0].name}得分{_score(ranked[0].score or 0.0)}分。"]
        return [f"{head}，各部门得分相同（{_score(ranked[0].score or 0.0)}分），并列第一。"]
    top = [d for d in ranked if d.rank == 1]
    bottom = [d for d in ranked if d.rank == last_rank]
    first = (f"{top[0].name}排名第一" if len(top) == 1 else f"{'、'.join(d.name for d in top)}并列第一")
    first += f"（{_score(top[0].score or 0.0)}分）"
    last = (f"{bottom[0].name}排名最后" if len(bottom) == 1
            else f"{'、'.join(d.name for d in bottom)}并列最后")
    last += f"（{_score(bottom[0].score or 0.0)}分）"
    out = [f"{head}，{first}，{last}。"]
    silent = [d.name for d in ranked if not d.reported]
    if silent:
        out.append(f"{'、'.join(silent)}在评估期内未报送任何进展，排在已报送的部门之后。")
    return out
