"""A plan's facts are declared once (models.plan.PlanFacts) and kept in columns of the same names."""

from __future__ import annotations

from datetime import date

from models import Plan
from models.plan import PLAN_FACTS
from tasks.plans.export import PLAN_KEYS
from tasks.plans.parsed import ParsedPlan
from tasks.plans.store import PLAN_FIELDS


def test_every_fact_has_a_plan_column_and_is_stored_and_exported() -> None:
    assert set(PLAN_FACTS) <= set(Plan.model_fields)
    assert PLAN_FIELDS == PLAN_FACTS and set(PLAN_FACTS) <= set(PLAN_KEYS)
    assert {"title", "period_start", "final_year", "addressees"} <= set(PLAN_FACTS)


def test_a_parsed_plan_carries_the_facts_by_name() -> None:
    parsed = ParsedPlan("方案.docx", "docx", title="示例规划", issued_on=date(2024, 5, 27), period_end=2025)
    assert (parsed.title, parsed.issued_on, parsed.period_end, parsed.midterm_year) == \
        ("示例规划", date(2024, 5, 27), 2025, None)
    assert parsed.tasks == [] and parsed.addressees is None
