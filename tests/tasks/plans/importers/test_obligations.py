"""Prose without responsibility markers → a draft table: the two hand lists and the sentence forms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tasks.plans.deadlines import parse_schedule
from tasks.plans.importers.obligations import read_obligations
from tasks.plans.importers.prose_reader import Para
from tasks.plans.importers.registry import read_document
from tests.prose_lists import DATA, load, missing_targets, score


def paras(*lines: str) -> list[Para]:
    return [Para(f"line {n}", text) for n, text in enumerate(lines, 1)]


@pytest.mark.parametrize(("document", "hand_list"), [
    ("seed:000_a0ed3535ed6b6998.txt", "prose_expected_000.json"),
    ("data:prose_notice.txt", "prose_expected_notice.json"),
    ("data:prose_notice_district.txt", "prose_expected_district.json"),  # hand-listed before the reader ran
])
def test_hand_lists_found_with_their_units_and_targets_with_their_years(seeds: Path, document: str,
                                                                      hand_list: str) -> None:
    where, name = document.split(":")
    plan = read_document((seeds if where == "seed" else DATA) / name)
    expected = load(hand_list)
    result = score(plan, expected)
    assert result.recall >= 0.75, result.misses
    assert result.extra_share <= 0.10, result.extra
    assert result.timed_right >= 0.75 * result.timed_expected
    assert missing_targets(plan, expected) == []
    assert plan.draft is not None and plan.draft.obligations == len(plan.tasks)


def test_notice_metadata_is_read_from_the_text_not_the_file_name() -> None:
    plan = read_document(DATA / "prose_notice.txt")
    assert plan.title == "关于做好2021年严重精神障碍患者服务管理工作的通知"
    assert (plan.issuing_office, plan.doc_number, plan.issued_on) == ("青山区卫生健康局", "青卫发〔2021〕7号",
                                                                     date(2021, 3, 15))
    assert plan.addressees == ["各街道办事处", "各社区卫生服务中心", "区精神卫生中心", "区疾控中心"]


def test_district_notice_metadata_background_and_one_sentence_of_several_targets() -> None:
    plan = read_document(DATA / "prose_notice_district.txt")
    assert (plan.title, plan.doc_number, plan.issued_on) == (
        "关于加强精神卫生综合管理工作的通知", "柳政办发〔2024〕12号", date(2024, 4, 8))
    assert plan.addressees == ["各街道办事处", "区直有关单位"]
    targets = {(i.name, i.targets[0].year, i.targets[0].text) for i in plan.indicators}
    assert {("严重精神障碍患者规范管理率", 2025, "达到90%"), ("规律服药率", 2025, "达到85%")} <= targets
    assert not [t for t in targets if "86.5" in t[2]]  # 截至2023年底…达到86.5%: where things stand, not a target
    [report] = [t for t in plan.tasks if "年度工作总结" in t.text]
    assert report.lead == ["各街道", "各有关单位"]  # a group takes no 单位 suffix from its neighbour


def test_shared_heads_and_levels_are_distributed() -> None:
    reading = read_obligations(paras("市、县市区卫生计生部门要加强培训。"
                                     "区公安、民政、卫生健康部门要每年联合开展一次培训。"
                                     "区卫生健康局要会同区委政法委每半年开展一次督导。"))
    assert [(t.lead, t.support) for t in reading.tasks] == [
        (["市卫生计生部门", "县市区卫生计生部门"], []), (["区公安部门", "区民政部门", "区卫生健康部门"], []),
        (["区卫生健康局"], ["区委政法委"])]


def test_a_routine_with_its_frequency_obliges_without_a_duty_word() -> None:
    reading = read_obligations(paras("领导小组每半年召开一次全体成员会议。患者每季度接受随访。"),
                               issued_on=date(2024, 4, 8))
    assert [(t.lead, t.text) for t in reading.tasks] == [(["领导小组"], "每半年召开一次全体成员会议。")]


def test_led_by_with_supporters_and_together_with() -> None:
    reading = read_obligations(paras("由区卫生健康局牵头，区公安分局、区民政局配合，每季度开展一次信息比对。"
                                     "民政部门要会同残联、财政等单位制订保障政策。"))
    first, second = reading.tasks
    assert (first.lead, first.support, first.text) == (["区卫生健康局"], ["区公安分局", "区民政局"],
                                                       "每季度开展一次信息比对。")
    assert (second.lead, second.support) == (["民政部门"], ["残联", "财政"])


def test_several_subjects_sector_lists_and_carried_subject() -> None:
    reading = read_obligations(paras(
        "各级医疗机构要开展培训，高等院校要加强心理咨询，对疑似患者及时提供就医指导。"
        "综治、公安、民政等单位要强化协作；要加强督导检查。村委会可协助就医。"))
    assert [t.lead for t in reading.tasks] == [["各级医疗机构"], ["高等院校"], ["综治", "公安", "民政"],
                                               ["综治", "公安", "民政"]]
    assert reading.tasks[1].text == "加强心理咨询，对疑似患者及时提供就医指导。"
    assert [o.basis for o in reading.obligations] == ["subject", "subject", "subject", "carried"]
    assert [n.sentence for n in reading.not_taken] == ["村委会可协助就医。"]
    assert "permissive" in reading.not_taken[0].reason


def test_enumerated_items_carry_the_subject_of_their_introduction() -> None:
    reading = read_obligations(paras("各街道要重点做好以下工作：一是建立台账；二是每月走访1次。"),
                               issued_on=date(2021, 3, 15))
    assert [(t.lead, t.text) for t in reading.tasks] == [(["各街道"], "建立台账。"), (["各街道"], "每月走访1次。")]
    assert reading.tasks[1].milestones[0].text == "2021年3月起每月走访1次"


def test_time_phrases_become_dates_recurrences_or_flags() -> None:
    reading = read_obligations(paras("区民政局要年内完成排查。区卫生健康局将定期通报进展。区公安分局要及时处置。"
                                     "区卫生健康局要在每年世界精神卫生日开展宣传。"),
                               issued_on=date(2021, 3, 15))
    cells = [t.milestones[0].text for t in reading.tasks]
    year_end, periodic, event, day = (parse_schedule("完成时限", c)[0] for c in cells)
    assert year_end.due_date == date(2021, 12, 31)
    assert periodic.due_date is None and "frequency is not stated" in (periodic.undated_reason or "")
    assert event.due_date is None and "event-driven" in (event.undated_reason or "")
    assert day.recurrence == "yearly" and day.recurrence_start == date(2021, 3, 1) and "世界精神卫生日" in cells[3]
    assert (day.recurrence_day, day.due_date) == ("10-10", date(2021, 10, 10))  # World Mental Health Day


def test_not_a_unit_is_not_a_subject() -> None:
    reading = read_obligations(paras("医保报销比例应当按照参保地政策执行。鼓励社会组织参与。"))
    assert reading.tasks == []
    assert [n.reason.split(" ")[0] for n in reading.not_taken] == ["the", "an"]
