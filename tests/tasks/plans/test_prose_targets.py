"""Quantitative targets stated in plan prose become indicators with value, unit, direction and year."""

from __future__ import annotations

from pathlib import Path

from tasks.plans.parsed import ParsedIndicator
from tasks.plans.prose_targets import extract_prose_indicators
from tasks.plans.targets import parse_target

CHENZHOU = "000_a0ed3535ed6b6998.txt"
ZHONGYUAN = "004_418fe78c24e69791.txt"

# (name, value, unit, direction, year, line), read from the 发展目标 section of the Chenzhou plan.
CHENZHOU_TARGETS = [
    ("建立精神卫生综合管理小组的乡镇（街道）比例", 80.0, "%", "higher", 2020, 69),
    ("精神科执业（助理）医师数量", 140.0, "名", "higher", 2020, 73),
    ("登记在册严重精神障碍患者管理率", 85.0, "%", "higher", 2020, 75),
    ("精神分裂症治疗率", 80.0, "%", "higher", 2020, 75),
    ("抑郁症治疗率", 50.0, "%", "higher", 2020, 77),
    ("设有精神障碍社区康复机构的县市区比例", 70.0, "%", "higher", 2020, 79),
    ("接受社区康复服务的居家患者比例", 50.0, "%", "higher", 2020, 81),
    ("城市普通人群心理健康知识知晓率", 80.0, "%", "higher", 2020, 83),
    ("农村普通人群心理健康知识知晓率", 60.0, "%", "higher", 2020, 83),
    ("在校学生心理健康核心知识知晓率", 80.0, "%", "higher", 2020, 83),
]

# The Zhongyuan plan's 具体目标; its annex repeats two of them, which must not be doubled.
ZHONGYUAN_TARGETS = [
    ("精神科执业（助理）医师数量", 2.8, "人/10万人口", "higher", 2020, 37),
    ("登记在册的严重精神障碍患者管理率", 80.0, "%", "higher", 2020, 41),
    ("精神分裂症治疗率", 80.0, "%", "higher", 2020, 41),
    ("抑郁症治疗率", 50.0, "%", "higher", 2020, 43),
    ("接受社区康复服务的居家患者比例", 50.0, "%", "higher", 2020, 45),
    ("城市普通人群心理健康知识知晓率", 70.0, "%", "higher", 2020, 47),
    ("农村普通人群心理健康知识知晓率", 50.0, "%", "higher", 2020, 47),
    ("在校学生心理健康核心知识知晓率", 80.0, "%", "higher", 2020, 47),
]


def summary(indicators: list[ParsedIndicator]) -> list[tuple[object, ...]]:
    """(name, value, unit, direction, year, line) of each indicator, value read from its target text."""
    rows = []
    for ind in indicators:
        assert len(ind.targets) == 1 and ind.targets[0].kind == "target"
        target = ind.targets[0]
        rows.append((ind.name, parse_target(target.text).value, ind.unit, ind.direction, target.year,
                     int(ind.ref.removeprefix("line "))))
    return rows


def test_chenzhou_plan_targets(seeds: Path) -> None:
    text = (seeds / CHENZHOU).read_text(encoding="utf-8")
    indicators = extract_prose_indicators(text, CHENZHOU)
    assert summary(indicators) == CHENZHOU_TARGETS
    lines = text.splitlines()
    for ind in indicators:
        assert ind.statement and ind.statement in lines[int(ind.ref.split()[1]) - 1]
        assert ind.targets[0].text in text.replace("、", "").replace("分别", "") or "分别" in ind.statement


def test_chenzhou_relative_and_compound_targets(seeds: Path) -> None:
    text = (seeds / CHENZHOU).read_text(encoding="utf-8")
    by_name = {i.name: i for i in extract_prose_indicators(text, CHENZHOU)}
    depression = parse_target(by_name["抑郁症治疗率"].targets[0].text)
    assert (depression.value_kind, depression.value) == ("relative", 50.0)
    doctors = by_name["精神科执业（助理）医师数量"].targets[0].text
    assert doctors == "增加到140名（2.8名/10万人口）"
    assert by_name["城市普通人群心理健康知识知晓率"].statement.startswith("城市、农村普通人群")


def test_background_figures_are_not_targets(seeds: Path) -> None:
    text = (seeds / CHENZHOU).read_text(encoding="utf-8")
    refs = {i.ref for i in extract_prose_indicators(text, CHENZHOU)}
    assert "line 57" not in refs and "line 59" not in refs   # 截至2015年12月，90%以上… / 患病率在1%左右


def test_zhongyuan_plan_targets_without_duplicates(seeds: Path) -> None:
    text = (seeds / ZHONGYUAN).read_text(encoding="utf-8")
    assert summary(extract_prose_indicators(text, ZHONGYUAN)) == ZHONGYUAN_TARGETS


def test_year_from_the_sentence_beats_the_goal_heading() -> None:
    text = ("（三）发展目标。到2020年，形成完善的服务体系。\n"
            "1. 到2017年底，严重精神障碍患者规范管理率不低于60%，2020年底达到80%以上。\n"
            "2. 患者报告率达到4‰。\n")
    rows = [(i.name, i.targets[0].text, i.targets[0].year, i.direction, i.unit, i.ref)
            for i in extract_prose_indicators(text, "plan.txt")]
    assert rows == [
        ("严重精神障碍患者规范管理率", "不低于60%", 2017, "higher", "%", "line 2"),
        ("严重精神障碍患者规范管理率", "达到80%以上", 2020, "higher", "%", "line 2"),
        ("患者报告率", "达到4‰", 2020, "higher", "‰", "line 3"),
    ]


def test_targets_without_a_year_take_the_plan_period_end() -> None:
    text = "某县精神卫生工作方案（2021—2025年）\n\n精神科床位数增加到120张。"
    (ind,) = extract_prose_indicators(text, "plan.txt")
    assert (ind.name, ind.unit, ind.targets[0].year) == ("精神科床位数", "张", 2025)


def test_lower_is_better_targets() -> None:
    text = "到2025年，肇事肇祸案件发生率控制在0.5%以内，患者失访率降低10%。"
    rows = [(i.name, parse_target(i.targets[0].text).value, i.direction)
            for i in extract_prose_indicators(text, "plan.txt")]
    assert rows == [("肇事肇祸案件发生率", 0.5, "lower"), ("患者失访率", -10.0, "lower")]


def test_spread_over_items_joined_by_he() -> None:
    text = "到2025年，城镇和农村居民心理健康素养水平分别达到30%和20%以上。"
    rows = [(i.name, i.targets[0].text) for i in extract_prose_indicators(text, "plan.txt")]
    assert rows == [("城镇居民心理健康素养水平", "达到30%以上"), ("农村居民心理健康素养水平", "达到20%以上")]


def test_no_junk() -> None:
    text = ("到2020年，全面建成服务体系。\n"
            "依托12320热线建设心理援助热线。每个基层医疗卫生机构至少配备1名专职人员。\n"
            "每5年开展一次精神障碍流行病学调查。目前全市已有精神科医师90名。\n")
    assert extract_prose_indicators(text, "plan.txt") == []


def test_per_population_units() -> None:
    text = "到2025年，每10万人口精神科执业（助理）医师数量达到3.8名，精神科床位数达到每千人口0.5张。"
    rows = [(i.name, parse_target(i.targets[0].text).value, i.unit, i.direction)
            for i in extract_prose_indicators(text, "plan.txt")]
    assert rows == [("每10万人口精神科执业（助理）医师数量", 3.8, "名/10万人口", "higher"),
                    ("精神科床位数", 0.5, "张/千人口", "higher")]
