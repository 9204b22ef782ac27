"""Schedule language → due dates, soft/ongoing flags and recurring duties."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tasks.plans.deadlines import Schedule, column_year, occurrences, parse_schedule

HANGZHOU = "003_7d761cf584dc9c6a.txt"


def one(label: str, text: str, **kw: object) -> Schedule:
    """The single item a cell must give."""
    items = parse_schedule(label, text, **kw)
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize(("text", "due"), [
    ("2016年4月底前", date(2016, 4, 30)),
    ("2016年4月前", date(2016, 4, 30)),
    ("2016年4月", date(2016, 4, 30)),
    ("2016年2月底前完成", date(2016, 2, 29)),
    ("2017年2月底前完成", date(2017, 2, 28)),
    ("2016年上半年完成演练", date(2016, 6, 30)),
    ("2016年下半年", date(2016, 12, 31)),
    ("2016年底", date(2016, 12, 31)),
    ("2016年年底前", date(2016, 12, 31)),
    ("2016年年末", date(2016, 12, 31)),
    ("2016年内完成", date(2016, 12, 31)),
    ("2016年", date(2016, 12, 31)),
    ("2016年第一季度", date(2016, 3, 31)),
    ("2016年三季度", date(2016, 9, 30)),
    ("2016年12月31日前", date(2016, 12, 31)),
    ("2016年6月15日以前", date(2016, 6, 15)),
    ("2016.6", date(2016, 6, 30)),
    ("2016.11.5前", date(2016, 11, 5)),
    ("２０１６年４月底前", date(2016, 4, 30)),
    ("2016 年 4 月底以前", date(2016, 4, 30)),
    ("2016年六月底前", date(2016, 6, 30)),
    ("2016年十二月", date(2016, 12, 31)),
    ("2016年4月底完成调研", date(2016, 4, 30)),
])
def test_dated_phrases(text: str, due: date) -> None:
    item = one("完成时限", text)
    assert item.due_date == due
    assert item.key == "完成时限" and item.text == text
    assert not item.soft and item.recurrence is None and item.undated_reason is None


def test_soft_deadline() -> None:
    item = one("完成时限", "力争在2016年6月底前出台方案并实行")
    assert (item.due_date, item.soft, item.ongoing_after) == (date(2016, 6, 30), True, False)


def test_soft_with_ongoing_after() -> None:
    item = one("完成时限", "力争在2017年12月底前完成，之后不断完善。")
    assert (item.due_date, item.soft, item.ongoing_after) == (date(2017, 12, 31), True, True)


def test_milestone_then_yearly_duty() -> None:
    text = "2016年2月底前出台方案，之后每年至少督导1次。"
    milestone, duty = parse_schedule("2016年", text, plan_end_year=2020)
    assert (milestone.key, milestone.due_date, milestone.recurrence) == ("2016年", date(2016, 2, 29), None)
    assert duty.key == "2016年#duty"
    assert (duty.recurrence, duty.recurrence_count) == ("yearly", 1)
    assert (duty.recurrence_start, duty.recurrence_end) == (date(2016, 3, 1), date(2020, 12, 31))
    assert duty.due_date == date(2016, 12, 31)
    assert duty.text == text and duty.phrase == "之后每年至少督导1次"


def test_duty_without_plan_end_is_open() -> None:
    _, duty = parse_schedule("完成时限", "2016年2月底前出台方案，之后每年至少督导1次")
    assert duty.recurrence_start == date(2016, 3, 1) and duty.recurrence_end is None


@pytest.mark.parametrize(("text", "recurrence", "count"), [
    ("每季度召开工作例会", "quarterly", 1),
    ("每季召开一次联席会", "quarterly", 1),
    ("每半年报送一次", "half-yearly", 1),
    ("每年不少于2次", "yearly", 2),
    ("每年至少2次", "yearly", 2),
    ("每年不少于两次", "yearly", 2),
    ("每年开展二次督导", "yearly", 2),
    ("每年度列入考核", "yearly", 1),
    ("每月报送", "monthly", 1),
    ("每个月通报一次", "monthly", 1),
    ("每年组织市级培训不少于6次", "yearly", 6),
    ("每年2次", "yearly", 2),                 # a count right after the period word
    ("每半年1次", "half-yearly", 1),
    ("每月1次例会", "monthly", 1),
    ("每两个月开展一次督查", "bimonthly", 1),
    ("每2个月通报1次", "bimonthly", 1),
    ("每双月报送进展", "bimonthly", 1),
    ("每周召开一次调度会", "weekly", 1),
    ("每星期报送2次", "weekly", 2),
    ("按周调度", "weekly", 1),
])
def test_recurring_duties_in_a_year_column(text: str, recurrence: str, count: int) -> None:
    item = one("2017年", text, plan_end_year=2020)
    assert (item.recurrence, item.recurrence_count) == (recurrence, count)
    assert (item.recurrence_start, item.recurrence_end) == (date(2017, 1, 1), date(2017, 12, 31))
    assert item.key == "2017年" and item.undated_reason is None


def test_recurring_duty_without_any_start_is_flagged() -> None:
    item = one("完成时限", "每季度召开工作例会", plan_end_year=2020)
    assert item.recurrence == "quarterly" and item.due_date is None
    assert item.undated_reason and "每季度" in item.undated_reason


def test_recurring_duty_uses_plan_start_when_given() -> None:
    item = one("完成时限", "每半年报送一次", plan_start_year=2016, plan_end_year=2020)
    assert (item.recurrence_start, item.recurrence_end, item.due_date) == (
        date(2016, 1, 1), date(2020, 12, 31), date(2016, 6, 30))


def test_duty_starting_at_a_stated_year() -> None:
    item = one("完成时限", "2016年起每季度召开一次", plan_end_year=2018)
    assert (item.recurrence, item.recurrence_start, item.due_date) == ("quarterly", date(2016, 1, 1),
                                                                      date(2016, 3, 31))


@pytest.mark.parametrize("text", ["完成。", "修订完成并认真贯彻执行。", "不断健全。", "期间适时调整、完善。"])
def test_bare_year_column_is_due_at_year_end(text: str) -> None:
    item = one("2017年", text)
    assert item.due_date == date(2017, 12, 31) and item.undated_reason is None
    assert item.ongoing_after == ("不断" in text)


def test_year_end_is_configurable() -> None:
    assert one("2017年", "完成。", year_end="12-20").due_date == date(2017, 12, 20)
    assert one("完成时限", "2016年底前", year_end="12-20").due_date == date(2016, 12, 20)
    assert one("完成时限", "2016年12月底前", year_end="12-20").due_date == date(2016, 12, 31)


def test_year_column_gives_the_year_to_month_only_dates() -> None:
    assert one("2017年", "6月底前完成").due_date == date(2017, 6, 30)
    assert one("2017年", "年底前完成").due_date == date(2017, 12, 31)
    assert one("2017年", "一季度完成").due_date == date(2017, 3, 31)


@pytest.mark.parametrize(("text", "ongoing"), [("长期坚持。", True), ("持续保障。", True), ("完成。", False),
                                               ("6月底前完成", False), ("适时开展", False)])
def test_undated_phrases_are_flagged_never_guessed(text: str, ongoing: bool) -> None:
    item = one("完成时限", text, plan_end_year=2020)
    assert item.due_date is None and item.undated_reason
    assert text.rstrip("。") in item.undated_reason
    assert item.ongoing_after is ongoing


@pytest.mark.parametrize("text", ["", "  ", "/", "—", "－"])
def test_empty_cells_give_nothing(text: str) -> None:
    assert parse_schedule("2016年", text) == []


def test_several_steps_in_one_cell() -> None:
    text = "2016年4月底前组织开展调研，2016年6月底前出台相关文件，之后贯彻执行并不断完善。"
    first, second = parse_schedule("2016年", text)
    assert (first.key, first.due_date, first.ongoing_after) == ("2016年", date(2016, 4, 30), False)
    assert (second.key, second.due_date, second.ongoing_after) == ("2016年#2", date(2016, 6, 30), True)
    assert first.phrase == "2016年4月底前组织开展调研"


def test_soft_applies_only_to_its_clause() -> None:
    first, second = parse_schedule("完成时限", "力争在2018年12月底前取得实质性进展，2020年12月底前完成。")
    assert (first.due_date, first.soft) == (date(2018, 12, 31), True)
    assert (second.due_date, second.soft) == (date(2020, 12, 31), False)


def test_five_year_plan_period_and_repeated_dates() -> None:
    assert one("完成时限", "力争在“十三五”期间建成使用。").due_date == date(2020, 12, 31)
    items = parse_schedule("2016年", "2016年2月前完成基线调查报告。之后每年定期督导，"
                                     "2017年和2020年分别组织开展阶段性调查和“十三五”期末调查。", plan_end_year=2020)
    milestones = [i.due_date for i in items if i.recurrence is None]
    assert milestones == [date(2016, 2, 29), date(2017, 12, 31), date(2020, 12, 31)]
    assert [i.recurrence for i in items if i.recurrence] == ["yearly"]


def test_words_that_look_like_dates_are_not_dates() -> None:
    item = one("完成时限", "每10万人口精神科执业医生配备不少于4.5人。")
    assert item.due_date is None and item.recurrence is None
    items = parse_schedule("完成时限", "2016年4月底前完成持证率摸底调研，力争持证率每年提高20%。")
    assert [i.due_date for i in items if not i.recurrence] == [date(2016, 4, 30)]


@pytest.mark.parametrize(("label", "year"), [("2016年", 2016), ("2016年底", 2016), ("2016 年", 2016),
                                             ("２０２０年", 2020), ("2020", 2020), ("完成时限", None),
                                             ("实施进度", None), ("2016—2020年", None)])
def test_column_year(label: str, year: int | None) -> None:
    assert column_year(label) == year


def test_occurrences_are_calendar_periods() -> None:
    _, duty = parse_schedule("完成时限", "2016年2月底前出台方案，之后每季度督导1次", plan_end_year=2016)
    assert occurrences(duty) == [(date(2016, 3, 1), date(2016, 3, 31)), (date(2016, 4, 1), date(2016, 6, 30)),
                                 (date(2016, 7, 1), date(2016, 9, 30)), (date(2016, 10, 1), date(2016, 12, 31))]
    yearly = one("2017年", "每年不少于2次。")
    assert occurrences(yearly) == [(date(2017, 1, 1), date(2017, 12, 31))]


def test_weekly_and_two_monthly_occurrences() -> None:
    weekly = one("2016年", "每周召开一次调度会。")
    weeks = occurrences(weekly)
    assert weeks[:2] == [(date(2016, 1, 1), date(2016, 1, 3)), (date(2016, 1, 4), date(2016, 1, 10))]
    assert len(weeks) == 53 and weeks[-1] == (date(2016, 12, 26), date(2016, 12, 31))
    assert all(start.weekday() == 0 for start, _ in weeks[1:])           # Monday to Sunday, clipped to the year
    assert weekly.due_date == date(2016, 1, 3)
    two_monthly = one("2016年", "每两个月开展一次督查。")
    assert occurrences(two_monthly)[:2] == [(date(2016, 1, 1), date(2016, 2, 29)),
                                            (date(2016, 3, 1), date(2016, 4, 30))]


@pytest.mark.parametrize("text", ["每周年开展纪念活动", "每年3月底前报送上年度总结", "每月15日前报送"])
def test_phrases_that_are_not_weekly_or_undated_duties(text: str) -> None:
    """每周年 is an anniversary; a period word followed by a date is a deadline, as before."""
    [item] = parse_schedule("2016年", text, plan_end_year=2020)
    assert item.recurrence is None and item.due_date is not None


def test_open_ended_occurrences_need_a_limit() -> None:
    _, duty = parse_schedule("完成时限", "2016年2月底前出台方案，之后每月报送")
    with pytest.raises(ValueError):
        occurrences(duty)
    assert len(occurrences(duty, until=date(2016, 12, 31))) == 10


def test_every_dated_cell_of_the_hangzhou_table(seeds: Path) -> None:
    """Each cell naming a year and month gets a milestone in that year and month, and no other year."""
    checked = 0
    for line in (seeds / HANGZHOU).read_text(encoding="utf-8").splitlines():
        cell = line.strip()
        named = {(int(y), int(m)) for y, m in re.findall(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月", cell)}
        if not named:
            continue
        checked += 1
        items = parse_schedule("实施进度", cell, plan_end_year=2020)
        dated = {(i.due_date.year, i.due_date.month) for i in items if i.due_date and not i.recurrence}
        assert named <= dated, cell
        years = {int(y) for y in re.findall(r"(?:19|20)\d\d", cell)}
        assert {i.due_date.year for i in items if i.due_date and not i.recurrence} <= years, cell
        assert all(i.undated_reason is None for i in items), cell
    assert checked >= 20


def test_duty_starting_after_the_plan_is_flagged() -> None:
    milestone, duty = parse_schedule("完成时限", "2020年12月底前完成，之后每年督导", plan_end_year=2020)
    assert milestone.due_date == date(2020, 12, 31)
    assert duty.due_date is None and duty.undated_reason and "after the plan ends" in duty.undated_reason


def test_soft_words_and_year_of_a_work_year() -> None:
    item = one("完成时限", "争取2016年6月完成")
    assert (item.due_date, item.soft) == (date(2016, 6, 30), True)
    assert one("完成时限", "2016年度列入考核").due_date == date(2016, 12, 31)
