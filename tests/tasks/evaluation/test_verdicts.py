"""Judging a small plan as of the mid-term and the final date, against hand-computed expectations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from models import Milestone
from tasks.errors import ValidationFailed
from tasks.evaluation.assessment import evaluate, judge
from tasks.evaluation.figures import EvaluationFigures, TaskResult
from tasks.evaluation.scoring import Scoring, load_scoring
from tasks.evaluation.verdicts import periods
from tasks.periods import parse_period
from tests.evaluation_plan import build_small_plan, complete
from tests.factories import make_department, make_indicator, make_plan, make_task


@pytest.fixture
def scoring() -> Scoring:
    return load_scoring()


@pytest.fixture
def small(session: Session) -> dict:
    return build_small_plan(session)


def _tasks(figures: EvaluationFigures) -> dict[str, TaskResult]:
    return {t.code: t for t in figures.tasks}


def test_midterm_verdicts_follow_the_documented_rules(session: Session, small: dict, scoring: Scoring) -> None:
    tasks = _tasks(evaluate(session, "small", "midterm", None, scoring))
    # code: (verdict, due items, on time, late, not done)
    expected = {"1": ("已完成", 2, 2, 0, 0),      # both due milestones done on time
                "2": ("基本完成", 2, 1, 1, 0),    # all done, the 2016-06-30 one late
                "3": ("滞后", 2, 0, 0, 2),        # nothing done, latest accepted state 滞后
                "4": ("未完成", 2, 1, 0, 1),      # twice a year: 2016 once (short), 2017 twice
                "5": ("基本完成", 1, 0, 1, 0),    # soft deadline missed by a month
                "6": ("未到期", 0, 0, 0, 0)}      # due only in 2020
    got = {code: (t.verdict, t.due, t.on_time, t.late, t.not_done) for code, t in tasks.items()}
    assert got == expected


def test_final_verdicts_count_everything_up_to_2020(session: Session, small: dict, scoring: Scoring) -> None:
    tasks = _tasks(evaluate(session, "small", "final", None, scoring))
    assert {c: t.verdict for c, t in tasks.items()} == {
        "1": "已完成", "2": "未完成", "3": "基本完成", "4": "基本完成", "5": "基本完成", "6": "已完成"}
    # the duty: 5 years, 4 with two occurrences -> 4/5 = 0.8 >= basic_done_share
    assert (tasks["4"].due, tasks["4"].on_time, tasks["4"].not_done) == (5, 4, 1)


def test_recurring_duty_shows_count_per_year(session: Session, small: dict, scoring: Scoring) -> None:
    duty = _tasks(evaluate(session, "small", "midterm", None, scoring))["4"]
    assert duty.recurring == ["每年（每年不少于2次）：2016年：1/2次；2017年：2/2次"]
    assert duty.overdue == ["2016年"]  # the period missed, by its Chinese name


def test_a_weekly_duty_is_judged_week_by_week_and_summarised(session: Session, scoring: Scoring) -> None:
    """By 31 December 2016, 52 weeks have ended (ISO week 2015W53 holds 1–3 January; 2016W52 runs to
    1 January 2017): each is a due item; the report line gives the count and names the weeks missed
    instead of listing every week."""
    plan = make_plan(session, code="weekly")
    unit = make_department(session, "市卫计委")
    task = make_task(session, plan, "1", "每周召开调度会。", lead=[unit],
                     milestones=[{"label": "每周", "due_date": date(2016, 1, 3), "recurrence": "weekly",
                                  "recurrence_count": 1, "recurrence_start": date(2016, 1, 1),
                                  "recurrence_end": date(2017, 12, 31)}])
    weekly = session.exec(select(Milestone).where(Milestone.task_id == task.id)).one()
    for period in [p.key for p in periods(date(2016, 1, 1), date(2016, 12, 31), "weekly")][2:]:
        complete(session, weekly, parse_period(period).end, period)        # all but 2015W53 and 2016W01
    session.commit()
    [duty] = evaluate(session, "weekly", "midterm", date(2016, 12, 31), scoring).tasks
    assert (duty.due, duty.on_time, duty.not_done) == (52, 50, 2)
    # the current week's completion, on 1 January, is after the date
    assert duty.recurring == ["每周（每周不少于1次）：已结束52期，50期达到要求，未达到：2015年第53周（12月28日—"
                                 "1月3日）、2016年第1周（1月4日—1月10日）；2016年第52周（12月26日—1月1日）（进行中）："
                                 "0/1次"]


def test_soft_deadline_is_counted_and_noted(session: Session, small: dict, scoring: Scoring) -> None:
    task = _tasks(evaluate(session, "small", "midterm", None, scoring))["5"]
    assert task.late == 1
    assert any("力争" in note for note in task.notes)


def test_only_accepted_updates_give_the_current_state(session: Session, small: dict, scoring: Scoring) -> None:
    tasks = _tasks(evaluate(session, "small", "final", None, scoring))
    # a pending 已完成 report (2018) and a returned one (2017) do not count
    assert tasks["3"].state == "滞后"
    assert tasks["2"].state == "推进中"
    assert [(p.unit, p.text) for p in tasks["3"].problems] == [("市公安局", "专项经费未到位，救治机构床位不足。")]


def test_as_of_excludes_what_happened_later(session: Session, small: dict, scoring: Scoring) -> None:
    tasks = _tasks(evaluate(session, "small", "midterm", date(2016, 12, 31), scoring))
    assert (tasks["1"].verdict, tasks["2"].verdict) == ("已完成", "基本完成")
    assert tasks["3"].verdict == "未完成"  # no accepted report yet
    assert tasks["3"].state is None


def _indicators(figures: EvaluationFigures) -> dict[str | None, tuple[str, float | None]]:
    return {i.code: (i.verdict, i.attainment) for i in figures.indicators}


def test_indicator_attainment_at_midterm(session: Session, small: dict, scoring: Scoring) -> None:
    got = _indicators(evaluate(session, "small", "midterm", None, scoring))
    assert got == {
        "I1": ("达标", 1.0133),    # 76 vs >=75 (2017 target)
        "I2": ("未达标", 0.8),     # 0.25 vs <=0.2 -> 0.2/0.25
        "I3": ("基本达标", 0.9333),  # 280 vs 200 * 1.5 = 300, within the 10% band
        "I4": ("未达标", 0.8),     # 0.01 vs 1/80
        "I5": ("基本达标", 0.95),   # 1.9 vs the 2—3 range
        "I6": ("无数据", None),    # text-only target
        "I7": ("无数据", None),    # no target at all
    }


def test_indicator_attainment_at_final(session: Session, small: dict, scoring: Scoring) -> None:
    figures = evaluate(session, "small", "final", None, scoring)
    got = _indicators(figures)
    assert got["I1"] == ("基本达标", 0.975)  # 78 vs >=80
    assert got["I2"][0] == got["I3"][0] == got["I4"][0] == got["I5"][0] == "达标"
    assert figures.summary.indicators == {"达标": 4, "基本达标": 1, "未达标": 0, "无数据": 2}


def test_indicator_notes_say_why_there_is_no_verdict(session: Session, small: dict, scoring: Scoring) -> None:
    rows = {i.code: i for i in evaluate(session, "small", "midterm", None, scoring).indicators}
    assert rows["I7"].note == "未设定目标值"
    assert "定性" in rows["I6"].note
    assert rows["I2"].note == "以2020年目标衡量"  # only a 2020 target exists at the mid-term
    assert rows["I3"].target == "在现有基础上提高50%" and rows["I3"].baseline == 200


def test_relative_target_without_baseline_is_no_data(session: Session, scoring: Scoring) -> None:
    plan = make_plan(session, code="nobase")
    make_indicator(session, plan, "床位数", targets=[{"kind": "target", "year": 2017, "value_kind": "relative",
                                                   "value": 50}])
    row = evaluate(session, "nobase", "midterm", None, scoring).indicators[0]
    assert (row.verdict, row.note) == ("无数据", "相对目标缺少基线值")


def test_default_as_of_is_the_review_year_end(session: Session, small: dict, scoring: Scoring) -> None:
    assert judge(session, "small", "midterm", None, scoring).as_of == date(2017, 12, 31)
    assert judge(session, "small", "final", None, scoring).as_of == date(2020, 12, 31)


@pytest.mark.parametrize(("kind", "day"), [("final", date(2014, 12, 31)), ("midterm", date(2021, 1, 1))])
def test_as_of_outside_the_plan_is_rejected(session: Session, small: dict, scoring: Scoring, kind: str,
                                            day: date) -> None:
    """Only a final review may be dated after the period (it is written from reports that arrive then)."""
    with pytest.raises(ValidationFailed, match=f"{day} is outside the plan period of small"):
        evaluate(session, "small", kind, day, scoring)


def test_plan_without_updates_is_judged_without_crashing(session: Session, scoring: Scoring) -> None:
    plan = make_plan(session, code="quiet")
    unit = make_department(session, "县民政局")
    make_task(session, plan, "1", lead=[unit], milestones=[{"due_date": date(2016, 12, 31)}])
    figures = evaluate(session, "quiet", "midterm", None, scoring)
    assert figures.completeness.updates_total == 0
    assert figures.tasks[0].verdict == "未完成" and figures.tasks[0].state is None
    assert figures.departments[0].completeness is None  # never asked to report: left out, not zero


def test_explicit_as_of_needs_no_stored_review_year(session: Session, scoring: Scoring) -> None:
    plan = make_plan(session, code="noyears")
    plan.period_start = plan.period_end = plan.midterm_year = plan.final_year = None  # like an imported Word table
    unit = make_department(session, "县民政局")
    make_task(session, plan, "1", lead=[unit], milestones=[{"due_date": date(2016, 12, 31)},
                                                           {"due_date": date(2018, 12, 31)}])
    with pytest.raises(ValidationFailed, match=r"noyears has no midterm year; set it with `duban plans set"):
        evaluate(session, "noyears", "midterm", None, scoring)
    figures = evaluate(session, "noyears", "midterm", date(2017, 12, 31), scoring)
    assert (figures.as_of, figures.review_year, figures.kind_label) == ("2017-12-31", 2017, "中期考核")
    assert figures.tasks[0].due == 1  # the 2018 milestone is not yet due as of 2017-12-31


def test_as_of_before_the_review_year_caps_the_year(session: Session, small: dict, scoring: Scoring) -> None:
    assert judge(session, "small", "final", date(2018, 6, 30), scoring).year == 2018
    assert judge(session, "small", "midterm", date(2019, 6, 30), scoring).year == 2017


def test_milestones_named_by_a_column_heading_are_named_by_their_dates(session: Session, scoring: Scoring) -> None:
    """Two milestones both labelled 完成时限 (the column they came from) read as their dates, not
    "完成时限、完成时限"."""
    plan = make_plan(session, code="generic")
    unit = make_department(session, "县民政局")
    make_task(session, plan, "1", lead=[unit], milestones=[
        {"label": "完成时限", "key": "a", "due_date": date(2016, 6, 30)},
        {"label": "完成时限", "key": "b", "due_date": date(2016, 12, 31)}])
    session.commit()
    [task] = evaluate(session, "generic", "midterm", date(2016, 12, 31), scoring).tasks
    assert task.overdue == ["2016年6月30日前", "2016年12月31日前"]
