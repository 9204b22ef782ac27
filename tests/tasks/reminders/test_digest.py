"""Digest and escalation texts: Chinese, grouped, one line per item, from templates the office can edit."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from config import get_settings
from tasks.errors import ConfigError
from tasks.reminders.digest import render_digest, render_escalation, shorten
from tasks.reminders.due_items import due_items
from tests.reminder_scenario import build_city


def items_of(session: Session, day: date, department: str) -> list:
    return [i for i in due_items(session, day) if i.department == department]


def test_a_digest_groups_overdue_due_today_and_upcoming(session: Session) -> None:
    city = build_city(session)
    from tests.factories import make_task

    make_task(session, city.plan, "6.1", "开展心理健康促进行动。", lead=[city.health],
              milestones=[{"label": "2016年", "due_date": date(2016, 10, 17), "text": "完成宣传。"}])
    make_task(session, city.plan, "6.2", "完成人员培训。", lead=[city.health],
              milestones=[{"label": "2016年", "due_date": date(2016, 10, 8), "text": "培训结束。"}])
    session.commit()
    items = items_of(session, date(2016, 10, 14), "市卫生计生委")
    subject, body = render_digest("市卫生计生委", items, date(2016, 10, 14))
    assert subject == "【督办提醒】市卫生计生委：已逾期1项，今日到期1项，即将到期1项（2016年10月14日）"
    assert body.index("## 已逾期（1项）") < body.index("## 今日到期（1项）") < body.index("## 即将到期（1项）")
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(lines) == 3
    overdue, today, upcoming = lines
    assert "**6.2** 完成人员培训。" in overdue and "截止2016年10月8日" in overdue and "已逾期6个工作日" in overdue
    assert "**1.1** 建立由卫生计生、民政、财政等部门参与的精神卫生工作协调机制，定期研究解决重大问…" in today
    assert "2016年：出台工作方案 — 截止" in today and "今日到期" in today  # what the milestone is, said once
    assert "**6.1**" in upcoming and "剩余1个工作日" in upcoming
    assert "2016年10月14日（星期五）" in body


def test_a_supporting_unit_and_a_recurring_period_are_explained(session: Session) -> None:
    build_city(session)
    [support] = [line for line in render_digest("市民政局", items_of(session, date(2016, 10, 9), "市民政局"),
                                                 date(2016, 10, 9))[1].splitlines() if line.startswith("- ")]
    assert "截止2016年10月9日" in support and "牵头单位截止2016年10月14日" in support
    [duty] = [line for line in render_digest("市卫生计生委", items_of(session, date(2016, 7, 1), "市卫生计生委"),
                                              date(2016, 7, 1))[1].splitlines() if line.startswith("- ")]
    assert "每季度召开工作例会（2016年第二季度）" in duty and "已逾期1个工作日" in duty


def test_escalation_names_the_department_and_how_long_it_is_overdue(session: Session) -> None:
    build_city(session)
    escalated = [i for i in due_items(session, date(2016, 10, 31)) if i.escalate]
    subject, body = render_escalation(escalated, date(2016, 10, 31))
    assert subject.startswith("【督办升级】4个单位有4项事项逾期超过10个工作日")
    for name in ("市卫生计生委", "市财政局", "市公安局", "市残联"):
        assert f"## {name}（1项逾期）" in body
    assert "市卫生计生委 · **1.1**" in body and "已逾期11个工作日" in body
    head_subject, head_body = render_escalation([i for i in escalated if i.department == "市卫生计生委"],
                                                date(2016, 10, 31), department="市卫生计生委")
    assert head_subject.startswith("【督办升级】市卫生计生委有1项") and "市卫生计生委负责同志" in head_body


def test_the_office_can_edit_the_template(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_city(session)
    template = tmp_path / "digest.md.j2"
    template.write_text("{{ department }}请注意：{% for h, items in groups %}{{ h }}{{ items|length }}；{% endfor %}",
                        encoding="utf-8")
    monkeypatch.setenv("DUBAN_DIGEST_TEMPLATE", str(template))
    get_settings.cache_clear()
    _, body = render_digest("市卫生计生委", items_of(session, date(2016, 10, 14), "市卫生计生委"), date(2016, 10, 14))
    assert body == "市卫生计生委请注意：今日到期1；\n"
    template.write_text("{{ department }} {{ no_such_thing }}", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("digest.md.j2")):
        render_digest("市卫生计生委", [], date(2016, 10, 14))
    template.write_text("{% for x in %}", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("digest.md.j2: template error")):
        render_digest("市卫生计生委", [], date(2016, 10, 14))


def test_shorten() -> None:
    assert shorten("建立 协调\n机制", 10) == "建立 协调 机制"
    assert shorten("一二三四五六七八九十", 5) == "一二三四…"


def test_a_digest_carries_the_units_own_link_and_plain_text_channels_get_no_markup(session: Session,
                                                                                   tmp_path) -> None:
    import apprise

    from tasks.reminders.notify import markdown_to_text, shows_plain_text
    from tasks.reminders.sweep import prepare_sweep
    from tasks.rounds.links import resolve_unit
    from tests.county_plan import import_county_plan

    import_county_plan(session, tmp_path)
    outgoing, _ = prepare_sweep(session, date(2024, 6, 28))
    town = next(m for m in outgoing if m.recipient == "青石镇")
    [line] = [ln for ln in town.body.splitlines() if "/u/" in ln]
    assert line.startswith("[点此进入本单位报送页面](") and line.endswith(")")
    token = line.split("/u/", 1)[1].rstrip(")")
    assert resolve_unit(session, token)[1].name == "青石镇"  # the unit's own link, not another's
    assert "2024年第二季度" in town.body and "至少每季度对村（社区）督导1次" in town.body
    text = markdown_to_text(town.body)
    assert "**" not in text and "## " not in text and "](" not in text and f"/u/{token}" in text
    def plain(url: str) -> bool:
        return shows_plain_text(apprise.Apprise.instantiate(url).notify_format)

    assert plain("wecombot://abc123")  # apprise's WeCom robot sends text: the markup is removed
    assert not plain("dingtalk://abcd1234") and not plain("mailto://u:p@example.com")  # rendered there
    assert not plain("json://127.0.0.1:9/x")
