"""A simulated 22-month run: an invented county plan issued in late May, a sweep composed every
working day and nobody reporting. No message may name a period outside the plan, and each duty must
reach exactly the units its clause names."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

from models import Milestone, Task
from tasks.periods import parse_period
from tasks.plans.duty_window import plan_window
from tasks.reminders.sweep import prepare_sweep
from tasks.workdays import is_working_day
from tests.county_plan import DUTY_UNITS, ISSUED, PLAN_END, TOWNSHIPS, import_county_plan

_PERIOD_WORDS = re.compile(r"(\d{4})年(?:第([1-4])季度|([上下])半年)?")


def _named_periods(body: str) -> list[tuple[date, date]]:
    """The periods a message names as 2024年第1季度 / 2024年上半年 (the labels of duty periods)."""
    out = []
    for m in _PERIOD_WORDS.finditer(body):
        year = int(m.group(1))
        if m.group(2):
            period = parse_period(f"{year}Q{m.group(2)}")
        elif m.group(3):
            period = parse_period(f"{year}H{1 if m.group(3) == '上' else 2}")
        else:
            continue  # a bare year is also a date (2024年12月31日), checked through the items instead
        out.append((period.start, period.end))
    return out


def test_22_months_of_daily_sweeps_stay_inside_the_plan_and_reach_the_clause_units(
        session: Session, tmp_path: Path) -> None:
    import_county_plan(session, tmp_path)
    duties = {m.id: (task_code, m.recurrence) for m, task_code in session.exec(
        select(Milestone, Task.code).join(Task).where(Milestone.recurrence.is_not(None)))}
    assert set(duties.values()) == set(DUTY_UNITS)
    window = plan_window(ISSUED, 2024, 2025)
    reached: dict[tuple[str, str], set[str]] = defaultdict(set)
    periods_seen: set[tuple[str, str]] = set()
    day, last, sweeps, messages = ISSUED, ISSUED + timedelta(days=670), 0, 0  # late May 2024 → late March 2026
    while day <= last:
        if is_working_day(day):
            outgoing, _ = prepare_sweep(session, day)
            sweeps += 1
            messages += len(outgoing)
            for message in outgoing:
                for start, end in _named_periods(message.body):
                    assert window.holds(start, end), f"{day}: {message.recipient} told of {start}–{end}"
                for item in message.items:
                    if item["milestone_id"] in duties:
                        period = parse_period(item["period"])
                        assert window.holds(period.start, period.end), f"{day}: {item}"
                        assert period.end >= ISSUED and period.start <= PLAN_END
                        reached[duties[item["milestone_id"]]].add(item["department"])
                        periods_seen.add((duties[item["milestone_id"]][0], item["period"]))
        day += timedelta(days=1)
    assert sweeps > 440 and messages > 0
    assert dict(reached) == DUTY_UNITS  # each duty's recipients are exactly its clause's units
    # the first period is the one holding the plan's start; the last one ends with the plan
    quarterly = sorted(p for code, p in periods_seen if code == "1.2.4")
    assert quarterly[0] == "2024Q2" and quarterly[-1] == "2025Q4"
    assert {p for code, p in periods_seen if code == "1.1.2"} == {"2024H1", "2024H2", "2025H1", "2025H2"}
    assert not any(p.startswith(("2023", "2026")) or p == "2024Q1" for _, p in periods_seen)
    assert reached[("1.1.1", "quarterly")] == TOWNSHIPS
