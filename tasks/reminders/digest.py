"""Chinese reminder digests and escalations, rendered from templates the office can edit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateError

from config import get_settings
from tasks.errors import ConfigError
from tasks.plans.milestone_titles import milestone_title
from tasks.reminders.due_items import STATUS_LABELS, STATUS_ORDER, DueItem

WEEKDAYS = "一二三四五六日"
_BLANK_LINES = re.compile(r"\n{3,}")


@lru_cache(maxsize=65536)
def shorten(text: str, width: int = 40) -> str:
    """The first ``width`` characters of ``text`` on one line, with … when cut."""
    line = " ".join(str(text or "").split())
    return line if len(line) <= width else line[: width - 1] + "…"


@lru_cache(maxsize=8192)
def cn_date(day: date) -> str:
    """2016年4月25日."""
    return f"{day.year}年{day.month}月{day.day}日"


@lru_cache(maxsize=16)
def _template(path: Path, source: str) -> Template:
    """The compiled template ``source`` of ``path`` (keyed by the text itself: an edit made within the
    file system's timestamp granularity still counts)."""
    env = Environment(loader=FileSystemLoader(str(path.parent)), autoescape=False, undefined=StrictUndefined,
                      trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    env.filters.update(shorten=shorten, cn_date=cn_date)
    env.globals["milestone_title"] = milestone_title  # 2024年底前：建成…, not a bare 完成时限
    try:
        template = env.from_string(source)
    except TemplateError as exc:
        raise ConfigError(f"{path}: template error: {exc}") from exc
    # render() merges the template's globals into every context: from Jinja's ChainMap that merge costs
    # several times what it costs from a flat copy of the same names (the public Template.globals)
    template.globals = dict(template.globals)
    return template


def load_template(path: Path) -> Template:
    """The template file ``path``; ConfigError naming the file when it is missing or broken."""
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: message template not found ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: template error: not UTF-8 text ({exc.reason})") from exc
    return _template(path, source)


def _render(template: Template, path: Path, context: dict[str, object]) -> str:
    """The template rendered with ``context`` (Jinja's public ``render``); ConfigError naming the file."""
    try:
        text = template.render(context)
    except TemplateError as exc:
        raise ConfigError(f"{path}: cannot render message template: {exc}") from exc
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip() + "\n"


def render_digest(department: str, items: list[DueItem], as_of: date, *,
                  template: Template | None = None, link: str = "") -> tuple[str, str]:
    """(subject, body) of one department's digest: 已逾期 / 今日到期 / 即将到期 groups.

    ``template``: the digest template already loaded by a caller rendering many (one stat per sweep);
    ``link``: the unit's own portal address, a clickable line so that it can report from the message.
    """
    path = get_settings().digest_template
    by_status: dict[str, list[DueItem]] = {s: [] for s in STATUS_ORDER}
    for item in items:
        by_status[item.status].append(item)
    groups = [(STATUS_LABELS[s], views) for s, views in by_status.items() if views]
    counts = {s: len(views) for s, views in by_status.items()}
    body = _render(template or load_template(path), path, {
        "department": department, "as_of": as_of, "weekday": f"星期{WEEKDAYS[as_of.weekday()]}",
        "groups": groups, "counts": counts, "plans": sorted({i.plan_code for i in items}), "link": link})
    summary = "，".join(f"{STATUS_LABELS[s]}{n}项" for s, n in counts.items() if n)
    return f"【督办提醒】{department}：{summary}（{cn_date(as_of)}）", body


def render_escalation(items: Iterable[DueItem], as_of: date, *, department: str | None = None,
                      escalate_after: int | None = None, template: Template | None = None) -> tuple[str, str]:
    """(subject, body) of an escalation: to the office (all departments) or to one department's head."""
    path = get_settings().escalation_template
    by_department: dict[str, list[DueItem]] = {}
    for item in items:
        by_department.setdefault(item.department, []).append(item)
    total = sum(len(v) for v in by_department.values())
    after = escalate_after if escalate_after is not None else get_settings().reminders.escalate_after_working_days
    body = _render(template or load_template(path), path, {
        "audience": "head" if department else "office", "department": department, "as_of": as_of,
        "weekday": f"星期{WEEKDAYS[as_of.weekday()]}", "departments": sorted(by_department.items()),
        "total": total, "escalate_after": after})
    who = department or f"{len(by_department)}个单位"
    return f"【督办升级】{who}有{total}项事项逾期超过{after}个工作日（{cn_date(as_of)}）", body
