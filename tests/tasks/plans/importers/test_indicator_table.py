"""Indicator annex tables in .docx (two-row merged header) and in a .txt dump."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.plans.importers import read_document
from tasks.plans.importers.indicator_table import split_name
from tasks.plans.parsed import ParsedIndicator

EXPECTED = [
    ("服务体系", "二级以上综合医院设立精神（心理）科比例", "%", ["65", "50", "≥95", "100"]),
    ("服务体系", "专职人员与在册患者比", None, ["1/120", "1/150", "1/80", "1/80"]),
    ("服务体系", "心理治疗师数", "名", ["/", "2", "2—3", "3"]),
    ("康复服务", "精神障碍社区康复机构等级", None, ["/", "/", "（2025年建成二级，2027年建成三级）", "建成二级"]),
    ("康复服务", "居家患者社区康复服务率", "%", ["42.5", "38", "≥60", "≥60"]),
]
COLUMNS = [("baseline", 2022, "全市"), ("baseline", 2023, "本县"), ("target", 2025, "全市"), ("target", 2025, "本县")]


def check(indicators: list[ParsedIndicator]) -> None:
    assert len(indicators) == len(EXPECTED)
    for indicator, (category, name, unit, cells) in zip(indicators, EXPECTED, strict=False):
        assert (indicator.category, indicator.name, indicator.unit) == (category, name, unit)
        assert [(t.kind, t.year, t.scope) for t in indicator.targets] == COLUMNS
        assert [t.text for t in indicator.targets] == cells
    assert [i.code for i in indicators] == ["1", "2", "3", "4", "5"]
    assert indicators[0].statement == "指标性质：约束性"


def test_docx_with_task_table_and_indicator_annex(data: Path) -> None:
    plan = read_document(data / "indicator_annex.docx")
    assert [(t.code, t.lead, t.support) for t in plan.tasks] == [
        ("1", ["县卫生健康委"], ["县发展改革局", "县财政局"]), ("2", ["各乡镇人民政府"], ["县卫生健康委"])]
    assert [(m.label, m.text) for m in plan.tasks[0].milestones] == [("完成时限", "2024年底前")]
    check(plan.indicators)
    assert plan.indicators[0].ref == "table 2 row 3"


def test_text_dump_indicator_annex(data: Path) -> None:
    plan = read_document(data / "indicator_annex.txt")
    assert plan.tasks == []
    check(plan.indicators)
    assert plan.indicators[0].ref == "line 13"


@pytest.mark.parametrize(("label", "expected"), [
    ("门诊量（万人次）", ("门诊量", "万人次")), ("每10万人口精神科医师数(名)", ("每10万人口精神科医师数", "名")),
    ("社区（村）覆盖率（%）", ("社区（村）覆盖率", "%")), ("专职人员与在册患者比", ("专职人员与在册患者比", None)),
    ("康复机构等级（2025年建成）", ("康复机构等级（2025年建成）", None)),
])
def test_name_and_unit(label: str, expected: tuple[str, str | None]) -> None:
    assert split_name(label) == expected
