"""The generated history is plausible and reproducible (same seed, same history, same figures)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, func, select

from flows.demo_history import generate_history
from models import MilestoneCompletion, Plan, ReportingRound, StatusUpdate
from tasks.evaluation.assessment import evaluate
from tasks.evaluation.scoring import load_scoring
from tests.factories import make_department, make_indicator, make_plan, make_task


def _plan(session: Session, code: str) -> None:
    plan = make_plan(session, code=code)
    units = [make_department(session, f"市第{i}局") for i in range(1, 6)]
    for i in range(12):
        make_task(session, plan, str(i + 1), lead=[units[i % 5]], support=[units[(i + 1) % 5]],
                  section=f"领域{i % 3}", milestones=[{"due_date": date(2016, 6, 30)}, {"due_date": date(2017, 12, 31)},
                                                    {"due_date": date(2020, 12, 31)}])
    make_indicator(session, plan, "管理率", targets=[{"kind": "target", "year": 2020, "value": 80}])
    session.commit()


def test_history_is_plausible_and_reproducible(session: Session) -> None:
    _plan(session, "a")
    first = generate_history(session, "a", seed=5, until=date(2017, 12, 31))
    session.commit()
    # half-yearly rounds from the plan start (2015) whose deadline (period end + 10 days) falls by the end
    # of 2017: 2015H1..2017H1
    assert first["rounds"] == 5 and first["expectations"] == 5 * 12
    assert 0 < first["updates"] <= first["expectations"]
    latest = session.exec(select(func.max(StatusUpdate.submitted_at))).one()
    assert latest.year <= 2017
    assert session.exec(select(func.max(MilestoneCompletion.completed_on))).one() <= date(2017, 12, 31)
    figures_a = evaluate(session, "a", "midterm", None, load_scoring())
    _plan(session, "b")
    second = generate_history(session, "b", seed=5, until=date(2017, 12, 31))
    session.commit()
    figures_b = evaluate(session, "b", "midterm", None, load_scoring())
    assert first == second
    assert figures_a.summary == figures_b.summary
    assert [d.score for d in figures_a.departments] == [d.score for d in figures_b.departments]
    assert figures_a.completeness.indicators_with_data == 1


def test_history_keeps_a_round_that_was_really_held(session: Session) -> None:
    _plan(session, "c")
    plan = session.exec(select(Plan).where(Plan.code == "c")).one()
    session.add(ReportingRound(plan_id=plan.id, period="2016H1", period_start=date(2016, 1, 1),
                               period_end=date(2016, 6, 30), deadline=date(2016, 7, 8)))
    session.commit()
    counts = generate_history(session, "c", seed=5, until=date(2017, 12, 31))
    session.commit()
    assert counts["rounds"] == 4  # 2015H1..2017H1 less the real 2016H1
    periods = session.exec(select(ReportingRound.period).where(ReportingRound.plan_id == plan.id)).all()
    assert sorted(periods) == ["2015H1", "2015H2", "2016H1", "2016H2", "2017H1"]
    real = session.exec(select(ReportingRound).where(ReportingRound.period == "2016H1")).one()
    assert session.exec(select(func.count(StatusUpdate.id)).where(StatusUpdate.round_id == real.id)).one() == 0
