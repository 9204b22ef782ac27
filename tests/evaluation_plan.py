"""A small plan with a hand-computable history, for the evaluation and report tests.

3 sections, 6 tasks, 4 departments; milestones on time / late / not done; a duty "twice a
year" done once in 2016 and twice in 2017; indicators with ≥, ≤, 提高50%, 1/80, 2—3, a text
target and no target; two reporting rounds (2016H2, 2017H1) with on-time, late, missing and
returned reports. Expected figures are worked out by hand in tests/tasks/evaluation/test_verdicts.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from models import (
    Department,
    IndicatorReading,
    Milestone,
    MilestoneCompletion,
    Plan,
    ReportingRound,
    RoundExpectation,
    StatusUpdate,
    Task,
)
from tests.factories import make_department, make_indicator, make_plan, make_task

A, B, C, D = "市卫计委", "市民政局", "市公安局", "市财政局"


def complete(session: Session, milestone: Milestone, done_on: date, period: str = "", occurrence: int = 1) -> None:
    """Mark a milestone (or one occurrence in a period of a recurring duty) done."""
    session.add(MilestoneCompletion(milestone_id=milestone.id, period=period, occurrence=occurrence,
                                    completed_on=done_on))
    session.flush()


def report(session: Session, task: Task, dept: Department, day: date, state: str = "推进中", *,
           round_: ReportingRound | None = None, review: str = "accepted", problems: str = "",
           role: str = "lead") -> StatusUpdate:
    """A status update submitted at 10:00 Beijing time on ``day``."""
    update = StatusUpdate(task_id=task.id, department_id=dept.id, round_id=round_.id if round_ else None,
                          role=role, state=state, progress=f"{task.code}推进情况", problems=problems,
                          submitted_at=datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC),
                          review_state=review)
    session.add(update)
    session.flush()
    return update


def open_round(session: Session, plan: Plan, period: str, start: date, end: date, deadline: date,
               expected: list[tuple[Department, Task]]) -> ReportingRound:
    """A reporting round and the units expected to report in it."""
    round_ = ReportingRound(plan_id=plan.id, period=period, period_start=start, period_end=end, deadline=deadline)
    session.add(round_)
    session.flush()
    for dept, task in expected:
        session.add(RoundExpectation(round_id=round_.id, department_id=dept.id, task_id=task.id))
    session.flush()
    return round_


def build_small_plan(session: Session, code: str = "small") -> dict:
    """Create the small plan with its history; returns the rows tests refer to."""
    plan = make_plan(session, code=code, title="示范市精神卫生工作规划（2015—2020年）")
    a, b, c, d = (make_department(session, n) for n in (A, B, C, D))
    y = lambda year, m=12, day=31: {"due_date": date(year, m, day), "label": f"{year}年"}  # noqa: E731
    t1 = make_task(session, plan, "1", "出台考评方案。", lead=[a], support=[b], section="组织保障",
                   milestones=[y(2016), y(2017), y(2020)])
    t2 = make_task(session, plan, "2", "完善协调小组。", lead=[b], support=[c], section="组织保障",
                   milestones=[{**y(2016, 6, 30), "label": "2016年6月底前"}, y(2017), y(2020)])
    t3 = make_task(session, plan, "3", "落实救治救助。", lead=[c], support=[a, d], section="救治救助",
                   milestones=[y(2016), y(2017), y(2020)])
    t4 = make_task(session, plan, "4", "每年不少于2次联合督导。", lead=[d], section="救治救助",
                   milestones=[{"label": "每年", "key": "每年", "recurrence": "yearly", "recurrence_count": 2,
                                "recurrence_start": date(2016, 1, 1), "recurrence_end": date(2020, 12, 31)}])
    t5 = make_task(session, plan, "5", "力争2017年6月底前建成信息系统。", lead=[a], support=[c],
                   section="服务体系", milestones=[{**y(2017, 6, 30), "label": "2017年6月底前", "soft": True}])
    t6 = make_task(session, plan, "6", "2020年建成康复机构。", responsible=[b], section="服务体系",
                   milestones=[y(2020)])
    ms = {t.code: list(session.exec(select(Milestone).where(Milestone.task_id == t.id).order_by(Milestone.position)))
          for t in (t1, t2, t3, t4, t5, t6)}
    complete(session, ms["1"][0], date(2016, 11, 1))
    complete(session, ms["1"][1], date(2017, 12, 20))
    complete(session, ms["1"][2], date(2020, 12, 1))
    complete(session, ms["2"][0], date(2016, 9, 1))
    complete(session, ms["2"][1], date(2017, 10, 1))
    complete(session, ms["3"][0], date(2018, 5, 1))
    complete(session, ms["3"][1], date(2019, 1, 1))
    complete(session, ms["3"][2], date(2020, 12, 15))
    duty = ms["4"][0]
    complete(session, duty, date(2016, 5, 1), "2016")
    for year in range(2017, 2021):
        complete(session, duty, date(year, 4, 1), str(year), 1)
        complete(session, duty, date(year, 10, 1), str(year), 2)
    complete(session, ms["5"][0], date(2017, 8, 1))
    complete(session, ms["6"][0], date(2020, 11, 30))

    r1 = open_round(session, plan, "2016H2", date(2016, 7, 1), date(2016, 12, 31), date(2017, 1, 10),
                    [(a, t1), (a, t5), (b, t2), (c, t3), (d, t4)])
    r2 = open_round(session, plan, "2017H1", date(2017, 1, 1), date(2017, 6, 30), date(2017, 7, 10),
                    [(a, t1), (a, t5), (b, t2), (c, t3), (d, t4)])
    report(session, t1, a, date(2017, 1, 5), round_=r1)
    report(session, t5, a, date(2017, 1, 6), round_=r1)
    report(session, t2, b, date(2017, 1, 8), round_=r1)
    report(session, t3, c, date(2017, 1, 15), round_=r1)
    report(session, t4, d, date(2017, 1, 9), round_=r1)
    report(session, t1, a, date(2017, 7, 3), round_=r2)
    report(session, t5, a, date(2017, 7, 20), round_=r2)
    report(session, t2, b, date(2017, 7, 5), "已完成", round_=r2, review="returned")
    report(session, t3, c, date(2017, 7, 7), "滞后", round_=r2, problems="专项经费未到位，救治机构床位不足。")
    report(session, t4, d, date(2017, 7, 8), round_=r2)
    report(session, t3, c, date(2018, 3, 1), "已完成", review="pending")

    indicators = {
        "I1": make_indicator(session, plan, "严重精神障碍患者规范管理率", code="I1", targets=[
            {"kind": "target", "year": 2017, "value": 75}, {"kind": "target", "year": 2020, "value": 80}]),
        "I2": make_indicator(session, plan, "患者肇事肇祸率", code="I2", unit="‰", direction="lower",
                             targets=[{"kind": "target", "year": 2020, "value": 0.2}]),
        "I3": make_indicator(session, plan, "精神科执业医师数", code="I3", unit="名", targets=[
            {"kind": "baseline", "year": 2015, "value": 200},
            {"kind": "target", "year": 2020, "value_kind": "relative", "value": 50, "text": "在现有基础上提高50%"}]),
        "I4": make_indicator(session, plan, "社区精防人员与在册患者比", code="I4", unit=None, targets=[
            {"kind": "target", "year": 2020, "value_kind": "ratio", "value": 1 / 80, "text": "1/80"}]),
        "I5": make_indicator(session, plan, "每10万人口精神科床位数", code="I5", unit="张", targets=[
            {"kind": "target", "year": 2020, "value_kind": "range", "value": 2, "value_high": 3, "text": "2—3"}]),
        "I6": make_indicator(session, plan, "心理健康知识知晓率", code="I6", direction="text", targets=[
            {"kind": "target", "year": 2020, "value_kind": "text", "text": "逐步提高"}]),
        "I7": make_indicator(session, plan, "精神卫生社会工作者数", code="I7", unit="名"),
    }
    for key, mid, final in (("I1", 76, 78), ("I2", 0.25, 0.18), ("I3", 280, 310), ("I4", 0.01, 0.0125),
                            ("I5", 1.9, 2.5), ("I7", 12, 20)):
        session.add(IndicatorReading(indicator_id=indicators[key].id, value=mid, as_of=date(2017, 6, 30)))
        session.add(IndicatorReading(indicator_id=indicators[key].id, value=final, as_of=date(2020, 12, 1)))
    session.commit()
    return {"plan": plan, "departments": (a, b, c, d), "tasks": (t1, t2, t3, t4, t5, t6),
            "indicators": indicators, "rounds": (r1, r2)}
