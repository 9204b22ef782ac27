"""Whose target: a county plan with city and county columns is judged against the county's own column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session

from models import IndicatorReading, Plan
from tasks.evaluation.assessment import evaluate
from tasks.evaluation.jurisdiction import own_scope
from tasks.evaluation.reports.review_text import indicator_sentences
from tasks.evaluation.scoring import load_scoring
from tests.factories import make_indicator, make_plan

# An invented county annex: 全市2025年 beside the county's own column; readings chosen so that the city's
# target and the county's give different verdicts for every indicator.
ROWS = [  # name, direction, city target, county target, value, county verdict (city verdict differs)
    ("规范管理率", "higher", 95, 85, 86, "达标"),        # city: 86/95 = 0.905 基本达标
    ("精防人员数", "higher", 100, 60, 58, "基本达标"),  # city: 0.58 未达标
    ("肇事肇祸率", "lower", 0.1, 0.3, 0.25, "达标"),     # city: 0.4 未达标
]


def _county_plan(session: Session, column: str, **fields: object) -> Plan:
    plan = make_plan(session, code="county", title="示范县精神卫生工作方案（2021—2025年）", period_start=2021,
                     period_end=2025, midterm_year=2023, final_year=2025, **fields)
    for name, direction, city, county, value, _ in ROWS:
        indicator = make_indicator(session, plan, name, code=name, direction=direction, unit=None, targets=[
            {"kind": "target", "year": 2025, "scope": "全市", "value": city},
            {"kind": "target", "year": 2025, "scope": column, "value": county}])
        session.add(IndicatorReading(indicator_id=indicator.id, value=value, as_of=date(2025, 11, 30)))
    session.commit()
    return plan


@pytest.mark.parametrize(("column", "office"), [("本县", "示范县人民政府办公室"), ("示范县", None)])
def test_a_county_plan_is_judged_against_the_county_column(session: Session, column: str,
                                                            office: str | None) -> None:
    _county_plan(session, column, issuing_office=office)  # issuer from the office, else from the title
    figures = evaluate(session, "county", "final", None, load_scoring())
    rows = {x.name: x for x in figures.indicators}
    assert {n: rows[n].verdict for n, *_ in ROWS} == {n: v for n, *_, v in ROWS}
    assert {rows[n].target_column for n, *_ in ROWS} == {f"{column}2025年"}
    assert any(f"“{column}2025年”列" in s for s in indicator_sentences(figures))  # the report names the column


def test_the_scoring_file_can_choose_the_column(session: Session, tmp_path: Path) -> None:
    _county_plan(session, "本县", issuing_office="示范县人民政府办公室")
    data = yaml.safe_load(Path(load_scoring().path).read_text(encoding="utf-8"))
    data["indicators"]["jurisdiction"] = "全市"
    custom = tmp_path / "scoring.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rows = {x.name: x for x in evaluate(session, "county", "final", None, load_scoring(custom)).indicators}
    assert [rows[n].verdict for n, *_ in ROWS] == ["基本达标", "未达标", "未达标"]
    assert rows["规范管理率"].target_column == "全市2025年"


@pytest.mark.parametrize(("office", "title", "scopes", "expected"), [
    ("某某市某某县人民政府", "", {"全市", "本县"}, "本县"),
    ("示范市卫生健康委员会", "", {"全市", "本县"}, "全市"),
    ("", "示范区心理健康行动方案", {"全市", "示范区"}, "示范区"),
    ("", "示范区心理健康行动方案", {"全市", "本区"}, "本区"),
    ("", "心理健康行动方案", {"全市", "本县"}, None),  # no issuer known: the scoring file's preference decides
])
def test_own_scope(office: str, title: str, scopes: set[str], expected: str | None) -> None:
    assert own_scope(Plan(code="x", title=title, issuing_office=office), scopes) == expected
