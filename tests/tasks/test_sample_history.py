"""The generated history is plausible and reproducible (same seed, same history, same figures)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, func, select

from models import MilestoneCompletion, StatusUpdate
from tasks.assessment import evaluate
from tasks.errors import ValidationFailed
from tasks.sample_history import generate_history
from tasks.scoring import load_scoring
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
    assert figures_a["summary"] == figures_b["summary"]
    assert [d["score"] for d in figures_a["departments"]] == [d["score"] for d in figures_b["departments"]]
    assert figures_a["completeness"]["indicators_with_data"] == 1
    with pytest.raises(ValidationFailed, match="already has reporting rounds"):
        generate_history(session, "a", seed=5, until=date(2017, 12, 31))
