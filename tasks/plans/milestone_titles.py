"""What a milestone is called where people see it (digests, portal, dashboard, CLI).

A schedule column's label alone (完成时限, 实施进度) does not tell two milestones of a task apart, and a
year label (2024年) does not say what must stand by then; the title joins the schedule part with
what is to be done: ``2024年底前：建成县级心理援助热线``, ``至少每季度对村（社区）督导1次``,
``2024年：完成平台建设``. Never ``完成时限 / 完成时限``.
"""

from __future__ import annotations

import re

from tasks.plans.deadlines import column_year

_SCHEDULE = re.compile(r"\d{4}\s*年|每[一两个]?(?:季度?|半年|年度?|月|周|旬)|年底|年内|上半年|下半年|月底|长期坚持")
_RECUR_WORD = re.compile(r"每[一两个]?(?:季度?|半年|年度?|月|周|旬)")


def _short(text: str, width: int) -> str:
    text = re.sub(r"\s+", "", text).rstrip("。；;，, ")
    return text if len(text) <= width else text[:width - 1] + "…"


def milestone_title(label: str, text: str, width: int = 30) -> str:
    """A milestone's name saying what it is (see the module docstring)."""
    if column_year(label):
        return f"{label}：{_short(text, width)}" if text.strip() else label
    parts = [p.strip() for p in re.split(r"[，,。；;]", text or "") if p.strip()]
    if not parts:
        return label
    at = next((i for i, p in enumerate(parts) if _SCHEDULE.search(p)), 0)
    title = parts[at]
    if len(title) <= 10 and at + 1 < len(parts) and not _RECUR_WORD.search(title):
        title = f"{title}：{parts[at + 1]}"  # 2024年底前，建成… → 2024年底前：建成…
    return _short(title, width)
