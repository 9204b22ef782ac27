"""Whose target: the indicator-annex column that belongs to the plan's own jurisdiction.

An annex often sets targets for several places side by side (全市2025年, 本县2025年 or 示范县2025年).
A county plan is judged against the county's column: the one whose place matches the plan's issuer.
The scoring file may name the column's place outright (indicators.jurisdiction).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from models import Plan

# A place name ending in its level: 示范县, 示范市, 某某区, 某某自治县; the last one in an issuer's name wins
# (某某市某某县人民政府 is the county's government).
_PLACE = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:自治县|自治州|县|区|市|州|盟|旗|省))")
_LEVELS = ("自治县", "自治州", "县", "区", "市", "州", "盟", "旗", "省")
_ORGAN = re.compile(r"(人民政府|政府|办公室|委员会|卫生|民政|公安|财政|精神|规划|行动|方案|工作).*$")


def issuer_place(plan: Plan) -> tuple[str | None, str | None]:
    """(place name, level) of the plan's issuer, from its issuing office, else its title: (示范县, 县)."""
    for source in (plan.issuing_office, plan.title):
        text = _ORGAN.sub("", (source or "").strip("《》 "))
        places = _PLACE.findall(text)
        if places:
            place = places[-1]
            level = next(level for level in _LEVELS if place.endswith(level))
            return place, level
    return None, None


def own_scope(plan: Plan, scopes: Iterable[str], override: str | None = None) -> str | None:
    """The scope among ``scopes`` that is the plan's own jurisdiction, None when none matches.

    The scoring file's ``override`` wins; then the issuer's own name (示范县); then 本县 / 全县 for a county
    issuer (本市 / 全市 for a city, and so on)."""
    available = {s for s in scopes if s}
    if override:
        return override if override in available else None
    place, level = issuer_place(plan)
    if place is None or level is None:
        return None
    if place in available:
        return place
    short = place[: -len(level)]
    for scope in sorted(available):
        if short and (scope.startswith(short) or short.startswith(scope)) and scope.endswith(level):
            return scope
    for prefix in ("本", "全"):
        if f"{prefix}{level}" in available:
            return f"{prefix}{level}"
    return None


def scope_column(scope: str | None, year: int | None) -> str:
    """How the annex column reads: 本县2025年, 2025年, or 目标值."""
    return f"{scope or ''}{f'{year}年' if year else ''}" or "目标值"
