"""Read indicator target cells (≥95%, 1/80, 2—3, 提高50%) into comparable values.

Kinds: ``absolute`` (≥95%, 增加到140名), ``relative`` (在现有基础上提高50% → +50 percent over the
baseline), ``ratio`` (1/80, 1:80 → 0.0125), ``range`` (2—3名) and ``text`` (anything without a
number to compare: 逐步提高, （2025年建成二级…）, /, empty).  Direction is ``higher`` / ``lower`` /
``equal`` when the wording says so, else None, which ``attainment`` reads as higher-is-better.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

_NUMBER = r"\d+(?:\.\d+)?"
_HIGHER_PREFIX = (r"达到|不低于|≥|>=|大于等于|至少|不少于|超过|高于|大于|>"
                  r"|(?:提高|增加|提升|增长|上升|扩大)(?:到|至)|增至|升至")
_LOWER_PREFIX = r"≤|<=|不高于|不超过|不大于|低于|小于|少于|<|控制在|(?:降低|减少|下降|压缩)(?:到|至)|降至|减至"
_ABSOLUTE = re.compile(
    rf"(?:(?P<hi>{_HIGHER_PREFIX})|(?P<lo>{_LOWER_PREFIX})|(?P<eq>=|为|保持))?\s*"
    rf"(?:每\s*(?:{_NUMBER})?\s*[万千百]?\s*(?:常住)?人口\s*)?(?P<v>{_NUMBER})\s*"
    rf"(?P<unit>(?:%|‰|[^\d\s(（)）,，;；。、以及]{{1,8}}?(?:/\s*{_NUMBER}?\s*[万千百]?[^\d\s(（)）,，;；。、以]{{0,6}})?)?)"
    rf"\s*(?:(?P<hsuf>及?以上)|(?P<lsuf>及?以下|以内))?")
_RELATIVE = re.compile(rf"(?P<verb>提高|增加|增长|提升|上升|降低|减少|下降|压缩)(?![到至])了?\s*(?P<v>{_NUMBER})\s*%")
_RATIO = re.compile(rf"(?:(?P<hi>{_HIGHER_PREFIX})|(?P<lo>{_LOWER_PREFIX}))?\s*(?P<a>{_NUMBER})\s*[/:]\s*"
                    rf"(?P<b>{_NUMBER})\s*(?:(?P<hsuf>及?以上)|(?P<lsuf>及?以下|以内))?\s*$")
_RANGE = re.compile(rf"(?P<a>{_NUMBER})\s*(?P<u1>%?)\s*[—\-–~至到]+\s*(?P<b>{_NUMBER})\s*"
                    rf"(?P<unit>%|‰|[^\d\s(（)）,，;；。]{{1,8}})?\s*$")
_PER_POPULATION = re.compile(rf"每\s*(?P<base>(?:{_NUMBER})?\s*[万千百]?\s*(?:常住)?人口)")
_COMPOUND_RATIO = re.compile(rf"{_NUMBER}\s*[^\d\s:/]{{1,3}}\s*:\s*{_NUMBER}")
_DATE_NUMBER = re.compile(rf"{_NUMBER}\s*(?:年|月|日|季度)")
_QUAL_HIGHER = re.compile(r"提高|增加|提升|上升|扩大|增长|加强|达到|以上")
_QUAL_LOWER = re.compile(r"降低|减少|下降|压缩|控制|以下|以内")


@dataclass
class TargetValue:
    """A target (or baseline) value with its kind, direction and unit; the original text kept."""

    value_kind: str
    value: float | None
    value_high: float | None
    direction: str | None
    unit: str | None
    text: str


def _clean_unit(unit: str | None) -> str | None:
    """A unit as written, without spaces; None when empty."""
    unit = re.sub(r"\s+", "", unit or "")
    return unit or None


def parse_target(text: str) -> TargetValue:
    """Parse one target cell or phrase; a cell without a comparable number is kind ``text``."""
    original = text if text is not None else ""
    s = unicodedata.normalize("NFKC", original).strip()
    s = re.sub(r"^[(（](.*)[)）]$", r"\1", s) if not re.search(r"[)）].*[(（]", s) else s
    if not s or re.fullmatch(r"[/—\-–~无]+", s):
        return TargetValue("text", None, None, None, None, original)
    if m := _RATIO.match(s):
        b = float(m.group("b"))
        if not b:
            return TargetValue("text", None, None, None, None, original)
        direction = ("higher" if m.group("hi") or m.group("hsuf") else
                     "lower" if m.group("lo") or m.group("lsuf") else None)
        return TargetValue("ratio", float(m.group("a")) / b, None, direction, None, original)
    if m := _RANGE.match(s):
        a, b = sorted((float(m.group("a")), float(m.group("b"))))
        return TargetValue("range", a, b, None, _clean_unit(m.group("unit") or m.group("u1")), original)
    if m := _RELATIVE.search(s):
        sign = -1.0 if m.group("verb") in ("降低", "减少", "下降", "压缩") else 1.0
        return TargetValue("relative", sign * float(m.group("v")), None, "higher" if sign > 0 else "lower",
                           "%", original)
    per = _PER_POPULATION.search(s)
    for m in _ABSOLUTE.finditer(s) if not _COMPOUND_RATIO.search(s) else ():
        if _DATE_NUMBER.match(s, m.start("v")) or (per and per.start() <= m.start("v") < per.end()):
            continue  # 2025年 is a date and 每10万人口 a denominator, not values
        unit = _clean_unit(m.group("unit"))
        if per and unit and "/" not in unit:
            unit = f"{unit}/{_clean_unit(per.group('base'))}"
        direction = ("higher" if m.group("hi") or m.group("hsuf") else
                     "lower" if m.group("lo") or m.group("lsuf") else "equal" if m.group("eq") else None)
        return TargetValue("absolute", float(m.group("v")), None, direction, unit, original)
    direction = "higher" if _QUAL_HIGHER.search(s) else "lower" if _QUAL_LOWER.search(s) else None
    return TargetValue("text", None, None, direction, None, original)


def resolve_target(target: TargetValue, baseline: float | None) -> tuple[float | None, float | None]:
    """The absolute threshold(s) a target means: relative needs the baseline; range gives (low, high)."""
    if target.value_kind in ("absolute", "ratio"):
        return target.value, None
    if target.value_kind == "range":
        return target.value, target.value_high
    if target.value_kind == "relative" and baseline is not None and target.value is not None:
        return baseline * (1 + target.value / 100), None
    return None, None


def attainment(value: float, target: TargetValue, *, baseline: float | None = None) -> float | None:
    """An actual value as a fraction of its target (1.0 = exactly met), respecting direction.

    higher (or no direction): value / threshold; lower: threshold / value (0 against a positive
    ceiling is ``inf``); equal: the smaller over the larger; range: 1.0 inside, value / low below,
    high / value above.  None for text targets and relative targets without a baseline.
    """
    low, high = resolve_target(target, baseline)
    if low is None:
        return None
    if target.value_kind == "range" and high is not None:
        if value < low:
            return value / low if low else None
        return 1.0 if value <= high else high / value
    if target.direction == "lower":
        if value == 0:
            return 1.0 if low == 0 else math.inf
        return low / value
    if target.direction == "equal":
        if value == low:
            return 1.0
        return min(value, low) / max(value, low) if max(value, low) > 0 else None
    if low == 0:
        return 1.0 if value >= 0 else None
    return value / low


_READING_RATIO = re.compile(r"^(?P<a>\d+(?:\.\d+)?)\s*[/:：比]\s*(?P<b>\d+(?:\.\d+)?)$")


def reading_value(text: str) -> float | None:
    """A reported value as a number, written as the plan writes it: ``92.5``, ``92.5%``, ``1,200``, or a ratio
    ``1/85`` / ``1:85`` (→ 1/85, comparable with a ratio target such as 1/80); None when it is no number."""
    s = re.sub(r"[,，%％\s]", "", unicodedata.normalize("NFKC", text or ""))
    if m := _READING_RATIO.match(s):
        b = float(m.group("b"))
        return float(m.group("a")) / b if b else None
    try:
        return float(s)
    except ValueError:
        return None
