"""Prose with responsibility markers: the Zhongyuan annex (real) and the marker forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tasks.errors import Problems
from tasks.plans.importers.prose_reader import Para, annex_start, prose_tasks
from tasks.plans.importers.responsibility import parse_marker, trailing_marker
from tasks.plans.importers.text_reader import read_text_plan
from tasks.plans.parsed import ParsedTask


@pytest.fixture
def zhongyuan(seeds: Path) -> list[ParsedTask]:
    return read_text_plan(seeds / "004_418fe78c24e69791.txt").tasks


def item(tasks: list[ParsedTask], start: str) -> ParsedTask:
    found = [t for t in tasks if t.text.replace(" ", "").startswith(start)]
    assert len(found) == 1, f"{start}: {len(found)} items"
    return found[0]


def test_only_the_annex_is_read_and_every_item_has_its_units(zhongyuan: list[ParsedTask]) -> None:
    assert len(zhongyuan) == 37
    assert not [t for t in zhongyuan if t.text.startswith("加强患者登记报告")]  # main body, before the annex
    assert all(t.lead or t.responsible for t in zhongyuan)
    assert all(re.fullmatch(r"line \d+", t.ref) for t in zhongyuan)
    assert len({t.code for t in zhongyuan}) == 37
    assert [t.code for t in zhongyuan[:5]] == ["1.1", "1.2", "1.3", "1.4.1", "1.4.2"]
    assert {t.section_path[0] for t in zhongyuan} == {"主要目标（到 2020 年）", "工作措施落实", "保障措施落实",
                                                       "督导与评估"}


def test_items_read_by_hand(zhongyuan: list[ParsedTask]) -> None:
    first = zhongyuan[0]
    assert first.ref == "line 173"
    assert first.section_path == ["主要目标（到 2020 年）", "精神卫生综合管理协调机制更加完善"]
    assert first.lead == ["区综治办", "区卫计委"]
    assert first.support == ["区民政局", "辖区各公安分局", "区人社局", "区教体局", "区司法局", "区残联"]
    assert first.text.endswith("研究分析精神卫生工作。")  # the marker is not part of the text
    assert [m.text for m in first.milestones] == [
        "所有街道办事处建立精神卫生综合管理小组，建立联席会议制度，每季召开一次联席会，研究分析精神卫生工作"]
    schizo = item(zhongyuan, "精神分裂症治疗率达到80%以上")
    assert (schizo.code, schizo.lead, schizo.support) == ("1.4.2", ["区卫计委"], [])
    managed = item(zhongyuan, "登记在册的严重精神障碍患者管理率")  # marker on the next line
    assert managed.lead == ["区卫计委"]
    assert managed.support == ["区综治办", "辖区各公安分局", "区民政局", "区残联"]
    assert item(zhongyuan, "符合条件的贫困严重精神障碍患者全部纳入医疗救助").lead == ["区民政局"]
    forced = item(zhongyuan, "有肇事肇祸行为的患者")
    assert (forced.lead, forced.support) == (["辖区各公安分局"], ["区卫计委", "区民政局"])
    publicity = item(zhongyuan, "医院、学校、社区、企事业单位")  # 负责协调 … 分别落实
    assert publicity.lead == ["区委宣传部", "区卫计委"]
    assert publicity.responsible == ["区教体局", "辖区各公安分局", "区司法局", "区残联", "区工会", "区团委",
                                     "区妇联", "区民政局"]
    split = item(zhongyuan, "严重精神障碍患者日常发现登记和发病报告")  # marker broken over two lines
    assert split.lead == ["区卫计委", "区综治办", "辖区各公安分局", "区民政局", "区司法局", "区残联"]
    wrapped = item(zhongyuan, "建立健全精神障碍社区康复服务体系")  # text broken over two lines
    assert "示范性项目建设，通过政府购买服务" in wrapped.text
    assert (wrapped.lead, wrapped.support) == (["区民政局", "区残联"], ["区发改统计局", "区财政局", "区卫计委"])
    price = item(zhongyuan, "加强对包括精神障碍在内的医疗服务价格")
    assert (price.code, price.lead, price.support) == ("3.2.2", ["区发改统计局"], ["区卫计委", "中原社保分局"])
    meeting = item(zhongyuan, "将精神卫生工作纳入政府考评体系，督促")
    assert any("每季度召开一次部门联席会" in m.text for m in meeting.milestones)
    assert meeting.support[-1] == "区残联" and "区教育局" in meeting.support
    review = zhongyuan[-1]
    assert (review.code, review.section_path) == ("4", ["督导与评估"])
    assert [m.text for m in review.milestones] == ["2017年，对规划实施情况进行中期考核",
                                                   "2020年，组织开展规划实施的终期效果评估"]


@pytest.mark.parametrize(("marker", "roles"), [
    ("区卫计委牵头，区民政局、区财政局配合", {"lead": ["区卫计委"], "support": ["区民政局", "区财政局"]}),
    ("区民政局负责", {"lead": ["区民政局"]}),
    ("区卫计委、区财政局负责", {"lead": ["区卫计委", "区财政局"]}),
    ("区委宣传部负责协调，区教体局、区妇联分别落实",
     {"lead": ["区委宣传部"], "responsible": ["区教体局", "区妇联"]}),
    ("责任单位：县卫生健康委、县民政局，各乡镇（街道）",
     {"responsible": ["县卫生健康委", "县民政局", "各乡镇（街道）"]}),
    ("牵头单位：县教育局；配合单位：县卫生健康委、团县委",
     {"lead": ["县教育局"], "support": ["县卫生健康委", "团县委"]}),
    ("辖区各公安分局牵头，区卫计委、区民政局等部门配合",
     {"lead": ["辖区各公安分局"], "support": ["区卫计委", "区民政局"]}),
])
def test_marker_forms(marker: str, roles: dict[str, list[str]]) -> None:
    assert parse_marker(marker) == roles


@pytest.mark.parametrize("text", [
    "开展培训（区民政局负责）。", "开展培训(区民政局负责)", "开展培训〔责任单位：区民政局〕",
    "开展培训【责任单位：区民政局】；", "开展培训（区民政局负责）\n",
])
def test_marker_brackets_half_and_full_width(text: str) -> None:
    found = trailing_marker(text)
    assert found is not None and text[:found[0]] == "开展培训"


@pytest.mark.parametrize("text", ["印发规划（2016—2020年）", "设立精神（心理）科", "开展培训。", "（试行）"])
def test_parentheses_that_are_not_markers(text: str) -> None:
    assert trailing_marker(text) is None


def test_annex_heading_and_problems_for_unmarked_measures() -> None:
    paras = [Para(f"line {n}", t) for n, t in enumerate([
        "一、主要任务", "1. 正文中的措施，没有标记。", "附件", "重点任务分工方案",
        "一、加强领导", "1. 建立协调机制。（县卫健委牵头，县民政局配合）", "2. 开展调研，形成报告。",
        "3. 2024年底前出台办法。（县司法局负责）"], 1)]
    assert annex_start(paras) == 4
    problems = Problems("plan.txt")
    tasks = prose_tasks(paras, "plan.txt", problems)
    assert [(t.code, t.lead) for t in tasks] == [("1.1", ["县卫健委"]), ("1.3", ["县司法局"])]
    assert tasks[1].milestones[0].text == "2024年底前出台办法"
    assert [(p.ref, p.severity) for p in problems.items] == [("line 7", "warning")]
