"""The one on-time rule: the dashboard and the evaluation count the same round alike."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from models import Department, StatusUpdate
from models.base import id_of
from models.status import REVIEW_ACCEPTED, REVIEW_PENDING, REVIEW_RETURNED
from tasks.evaluation.assessment import judge
from tasks.evaluation.scoring import load_scoring
from tasks.rounds.dashboard import round_rates
from tasks.rounds.requests import open_round, outstanding
from tasks.rounds.reviews import review_update
from tasks.rounds.timeliness import report_day, standings
from tasks.rounds.updates import UpdateData, submit_update
from tests.status_factories import make_status_scenario

DEADLINE = date(2016, 7, 7)


def _submit(session: Session, unit: Department, task: str, at: datetime) -> StatusUpdate:
    update = submit_update(session, unit, task, UpdateData(state="推进中", progress="按计划推进"))
    update.submitted_at = at
    session.add(update)
    session.commit()
    return update


def test_report_day_is_the_shanghai_calendar_day() -> None:
    assert report_day(datetime(2016, 7, 7, 15, 59, tzinfo=UTC)) == date(2016, 7, 7)  # 23:59 in Shanghai
    assert report_day(datetime(2016, 7, 7, 16, 0, tzinfo=UTC)) == date(2016, 7, 8)  # midnight in Shanghai
    assert report_day(datetime(2016, 7, 6, 16, 30, tzinfo=UTC)) == date(2016, 7, 7)  # 00:30 on the 7th in Shanghai


def test_the_rule_on_its_own() -> None:
    def at(day: int, hour: int) -> datetime:
        return datetime(2016, 7, day, hour, 0, tzinfo=UTC)

    updates = [
        ("early", at(5, 2), REVIEW_ACCEPTED),
        ("returned-then-late", at(5, 2), REVIEW_RETURNED), ("returned-then-late", at(9, 2), REVIEW_PENDING),
        ("late-in-shanghai", at(7, 16), REVIEW_PENDING),  # 00:00 on 8 July Beijing time
        ("last-minute", at(7, 15), REVIEW_ACCEPTED),  # 23:00 on the deadline Beijing time
        ("returned-only", at(3, 2), REVIEW_RETURNED),
        ("accepted-then-returned", at(3, 2), REVIEW_ACCEPTED), ("accepted-then-returned", at(8, 2), REVIEW_RETURNED),
    ]
    got = {key: (s.reported, s.on_time) for key, s in standings(updates, lambda _key: DEADLINE).items()}
    assert got == {"early": (True, True), "returned-then-late": (True, False), "late-in-shanghai": (True, False),
                   "last-minute": (True, True), "returned-only": (False, False),
                   "accepted-then-returned": (False, False)}


def test_dashboard_and_evaluation_agree_on_who_reported_on_time(session: Session) -> None:
    s = make_status_scenario(session)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    session.commit()
    assert round_.deadline == DEADLINE
    # on the deadline day in Shanghai (10:00 Beijing time)
    _submit(session, s.civil, "T2", datetime(2016, 7, 7, 2, 0, tzinfo=UTC))
    # 23:30 Beijing time on the deadline day: on time
    _submit(session, s.health, "T1", datetime(2016, 7, 7, 15, 30, tzinfo=UTC))
    # 00:30 Beijing time the day after: still 7 July in UTC, but late in Shanghai
    _submit(session, s.police, "T5", datetime(2016, 7, 7, 16, 30, tzinfo=UTC))
    shangcheng, xiacheng = s.districts
    _submit(session, shangcheng, "T3", datetime(2016, 7, 8, 2, 0, tzinfo=UTC))  # a day late
    # on time, sent back, corrected after the deadline: reported late
    first = _submit(session, xiacheng, "T3", datetime(2016, 7, 5, 2, 0, tzinfo=UTC))
    review_update(session, id_of(first), "return", reason="内容不全", notify=False)
    session.commit()
    _submit(session, xiacheng, "T3", datetime(2016, 7, 9, 2, 0, tzinfo=UTC))

    dashboard = {r.department.name: (r.expected, r.reported, r.on_time) for r in round_rates(session, round_)}
    judgement = judge(session, s.plan.code, "midterm", date(2016, 12, 31), load_scoring(None))
    evaluation = {name: (r.expected, r.received, r.timely) for name, r in judgement.reporting.items()}
    assert dashboard == {"市民政局": (1, 1, 1), "市卫生计生委": (1, 1, 1), "市公安局": (1, 1, 0),
                         "上城区政府": (1, 1, 0), "下城区政府": (1, 1, 0)}
    assert evaluation == dashboard


def test_a_report_sent_back_and_not_resubmitted_is_counted_by_none(session: Session) -> None:
    s = make_status_scenario(session)
    round_ = open_round(session, s.plan, "2016Q2", today=date(2016, 7, 1), send=False).round
    session.commit()
    returned = _submit(session, s.health, "T1", datetime(2016, 7, 3, 2, 0, tzinfo=UTC))
    review_update(session, id_of(returned), "return", reason="内容不全", notify=False)
    session.commit()
    dashboard = {r.department.name: (r.reported, r.on_time) for r in round_rates(session, round_)}
    judgement = judge(session, s.plan.code, "midterm", date(2016, 12, 31), load_scoring(None))
    assert dashboard["市卫生计生委"] == (0, 0)
    assert (judgement.reporting["市卫生计生委"].received, judgement.reporting["市卫生计生委"].timely) == (0, 0)
    assert id_of(s.tasks["T1"]) in outstanding(session, round_)[id_of(s.health)]  # the chase asks for it again
