"""One evaluation end to end: a final written after the period, the as-of day boundary, undated duties,
duties before the plan was issued, units that never reported, and text targets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import yaml
from sqlmodel import Session, select

from models import IndicatorReading, Milestone, StatusUpdate
from tasks.evaluation.assessment import evaluate
from tasks.evaluation.reports.summary import completeness_sentences, summary_sentences
from tasks.evaluation.scoring import Scoring, load_scoring
from tests.evaluation_plan import complete, open_round, report
from tests.factories import make_department, make_indicator, make_plan, make_task

BEIJING = timezone(timedelta(hours=8))


def _milestone(session: Session, task_id: int) -> Milestone:
    return session.exec(select(Milestone).where(Milestone.task_id == task_id)).one()


def test_final_after_the_period_counts_january_reports_and_dates_completion_by_the_work(session: Session) -> None:
    """A year-end milestone done on 28 December and reported in January is on time in a final written on
    20 January; the January report on the period counts as received."""
    plan = make_plan(session, code="late")
    unit = make_department(session, "县卫健局")
    task = make_task(session, plan, "1", "建成心理援助热线。", lead=[unit],
                     milestones=[{"due_date": date(2020, 12, 31)}])
    round_ = open_round(session, plan, "2020H2", date(2020, 7, 1), date(2020, 12, 31), date(2021, 1, 15),
                        [(unit, task)])
    update = report(session, task, unit, date(2021, 1, 10), "已完成", round_=round_)
    complete(session, _milestone(session, task.id), date(2020, 12, 28))  # the day the work was done
    session.commit()
    at_end = evaluate(session, "late", "final", date(2020, 12, 31), load_scoring())
    assert at_end.completeness.reports_expected == 0  # the round's deadline had not come yet
    after = evaluate(session, "late", "final", date(2021, 1, 20), load_scoring())
    [judged] = after.tasks
    assert (judged.verdict, judged.on_time, judged.overdue) == ("已完成", 1, [])
    assert (after.completeness.reports_expected, after.completeness.reports_received) == (1, 1)
    assert after.judged_on == "2020-12-31" and after.as_of == "2021-01-20"
    assert any("计入截至2021年1月20日收到" in s for s in completeness_sentences(after))
    achievements = after.narrative.achievements
    assert any(update.id in s.report_ids for s in achievements)


def test_reports_accepted_on_the_as_of_day_count_whatever_their_time_zone(session: Session) -> None:
    """As-of is a whole Asia/Shanghai day: reports stamped 17:30 and 23:59 Beijing time that day count (the
    first is already the next day in UTC on some clocks, the API gives +08:00 times); 00:30 the next day not."""
    plan = make_plan(session, code="today")
    units = [make_department(session, n) for n in ("县民政局", "县公安局", "县财政局", "县教育局")]
    tasks = [make_task(session, plan, str(i), lead=[u]) for i, u in enumerate(units, 1)]
    day = date(2020, 6, 30)
    round_ = open_round(session, plan, "2020Q2", date(2020, 4, 1), day, day, list(zip(units, tasks, strict=True)))
    stamps = [datetime(2020, 6, 30, 9, 0, tzinfo=BEIJING), datetime(2020, 6, 30, 17, 30, tzinfo=BEIJING),
              datetime(2020, 6, 30, 23, 59, tzinfo=BEIJING), datetime(2020, 7, 1, 0, 30, tzinfo=BEIJING)]
    for unit, task, at in zip(units, tasks, stamps, strict=True):
        session.add(StatusUpdate(task_id=task.id, department_id=unit.id, round_id=round_.id, state="推进中",
                                 progress="已部署。", submitted_at=at, review_state="accepted"))
    session.commit()
    stored = session.exec(select(StatusUpdate.submitted_at).order_by(StatusUpdate.id)).all()
    assert [s.replace(tzinfo=UTC) if s.tzinfo is None else s for s in stored] == stamps  # the instant kept
    figures = evaluate(session, "today", "midterm", day, load_scoring())
    assert (figures.completeness.reports_received, figures.completeness.reports_timely) == (3, 3)
    assert "实收3份（75.0%）" in "".join(completeness_sentences(figures))


def test_undated_tasks_are_judged_at_the_end_of_a_final_not_left_undue(session: Session) -> None:
    plan = make_plan(session, code="undated")
    unit = make_department(session, "县民政局")
    make_task(session, plan, "1", "健全工作机制。", lead=[unit], milestones=[{"label": "持续推进", "due_date": None}])
    done = make_task(session, plan, "2", "开展宣传。", lead=[unit])
    report(session, done, unit, date(2020, 11, 1), "已完成")
    session.commit()
    midterm = {t.code: t.verdict for t in evaluate(session, "undated", "midterm", None, load_scoring()).tasks}
    assert midterm == {"1": "未到期", "2": "未到期"}
    final = {t.code: t for t in evaluate(session, "undated", "final", None, load_scoring()).tasks}
    assert (final["1"].verdict, final["2"].verdict) == ("未完成", "已完成")
    assert "持续推进：无明确时限，按规划期末评估" in final["1"].notes


def test_periods_before_the_plan_was_issued_are_not_missed(session: Session) -> None:
    plan = make_plan(session, code="issued", issued_on=date(2016, 7, 1))
    unit = make_department(session, "县卫健局")
    task = make_task(session, plan, "1", "每季度召开1次联席会议。", lead=[unit], milestones=[{
        "label": "每季度", "recurrence": "quarterly", "recurrence_count": 1, "recurrence_start": date(2016, 1, 1),
        "recurrence_end": date(2020, 12, 31)}])
    duty = _milestone(session, task.id)
    complete(session, duty, date(2016, 9, 1), "2016Q3")
    session.commit()
    [judged] = evaluate(session, "issued", "midterm", date(2016, 12, 31), load_scoring()).tasks
    assert (judged.due, judged.on_time, judged.not_done) == (2, 1, 1)  # Q3 and Q4 only
    assert judged.overdue == ["2016年第四季度"]
    assert judged.recurring == ["每季度（每季度不少于1次）：2016年第三季度：1/1次；2016年第四季度：0/1次"]


def _two_units(session: Session) -> None:
    """市民政局 holds a task done on time but never reported; 市公安局 reported every time, its task undone."""
    plan = make_plan(session, code="rank")
    silent, diligent = make_department(session, "市民政局"), make_department(session, "市公安局")
    done = make_task(session, plan, "1", lead=[silent], milestones=[{"due_date": date(2016, 6, 30)}])
    undone = make_task(session, plan, "2", lead=[diligent], milestones=[{"due_date": date(2016, 6, 30)}])
    complete(session, _milestone(session, done.id), date(2016, 6, 1))
    round_ = open_round(session, plan, "2016H1", date(2016, 1, 1), date(2016, 6, 30), date(2016, 7, 10),
                        [(silent, done), (diligent, undone)])
    report(session, undone, diligent, date(2016, 7, 5), round_=round_)
    session.commit()


def test_a_unit_that_never_reported_ranks_after_units_that_did(session: Session) -> None:
    _two_units(session)
    figures = evaluate(session, "rank", "midterm", date(2016, 12, 31), load_scoring())
    rows = {d.name: d for d in figures.departments}
    assert rows["市民政局"].score > rows["市公安局"].score  # 70 against 58 ...
    assert (rows["市公安局"].rank, rows["市民政局"].rank) == (1, 2)  # ... yet it cannot rank first
    text = "".join(summary_sentences(figures))
    assert "市公安局排名第一（58分），市民政局排名最后（70分）" in text
    assert "市民政局在评估期内未报送任何进展，排在已报送的部门之后" in text


def test_ties_and_empty_rankings_are_said_in_words(session: Session) -> None:
    plan = make_plan(session, code="tie")
    for name in ("县民政局", "县公安局"):
        make_task(session, plan, name, lead=[make_department(session, name)],
                  milestones=[{"due_date": date(2016, 6, 30)}])
    session.commit()
    text = "".join(summary_sentences(evaluate(session, "tie", "midterm", date(2016, 12, 31), load_scoring())))
    assert "各部门得分相同（40分），并列第一" in text and "排名最后" not in text
    quiet = "".join(summary_sentences(evaluate(session, "tie", "midterm", date(2016, 1, 31), load_scoring())))
    assert "本次评估暂无可评分的部门" in quiet


def _scoring_with(tmp_path: Path, **indicators: object) -> Scoring:
    data = yaml.safe_load(Path(load_scoring().path).read_text(encoding="utf-8"))
    data["indicators"].update(indicators)
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_scoring(path)


def test_a_text_target_is_no_data_or_the_evaluators_verdict_never_zero_percent(session: Session,
                                                                               tmp_path: Path) -> None:
    plan = make_plan(session, code="text")
    # as a careless import would store it: the year read as a number, the words kept as text
    indicator = make_indicator(session, plan, "心理援助热线建设等级", code="I9", unit=None, targets=[
        {"kind": "target", "year": 2020, "value": 2025, "text": "2025年建成二级，2027年建成三级"}])
    session.add(IndicatorReading(indicator_id=indicator.id, value=0, as_of=date(2020, 6, 30)))
    session.commit()
    [row] = evaluate(session, "text", "final", None, load_scoring()).indicators
    assert (row.verdict, row.attainment) == ("无数据", None)
    judged = evaluate(session, "text", "final", None, _scoring_with(tmp_path, evaluator_verdicts={"I9": "达标"}))
    [row] = judged.indicators
    assert (row.verdict, row.note) == ("达标", "目标为定性表述，由评估人员判定")
