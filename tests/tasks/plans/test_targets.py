"""Indicator target cells → kind, value, direction, unit; thresholds and attainment."""

from __future__ import annotations

import math

import pytest

from tasks.plans.targets import TargetValue, attainment, parse_target, resolve_target


@pytest.mark.parametrize(("text", "kind", "value", "high", "direction", "unit"), [
    ("≥95", "absolute", 95.0, None, "higher", None),
    ("≥95%", "absolute", 95.0, None, "higher", "%"),
    ("≥ 95 %", "absolute", 95.0, None, "higher", "%"),
    ("95%以上", "absolute", 95.0, None, "higher", "%"),
    ("80% 以上", "absolute", 80.0, None, "higher", "%"),
    ("95％及以上", "absolute", 95.0, None, "higher", "%"),
    ("85%", "absolute", 85.0, None, None, "%"),
    ("85.5", "absolute", 85.5, None, None, None),
    ("达到80%以上", "absolute", 80.0, None, "higher", "%"),
    ("不低于90%", "absolute", 90.0, None, "higher", "%"),
    ("不少于3人", "absolute", 3.0, None, "higher", "人"),
    ("≤5", "absolute", 5.0, None, "lower", None),
    ("≤1.5‰", "absolute", 1.5, None, "lower", "‰"),
    ("控制在5%以内", "absolute", 5.0, None, "lower", "%"),
    ("10%以下", "absolute", 10.0, None, "lower", "%"),
    ("降低到3%", "absolute", 3.0, None, "lower", "%"),
    ("提高到90%", "absolute", 90.0, None, "higher", "%"),
    ("1/80", "ratio", 0.0125, None, None, None),
    ("1:80", "ratio", 0.0125, None, None, None),
    ("1：80", "ratio", 0.0125, None, None, None),
    ("≥1/80", "ratio", 0.0125, None, "higher", None),
    ("1:80以上", "ratio", 0.0125, None, "higher", None),
    ("1/0", "text", None, None, None, None),
    ("2—3", "range", 2.0, 3.0, None, None),
    ("2-3", "range", 2.0, 3.0, None, None),
    ("2～3名", "range", 2.0, 3.0, None, "名"),
    ("3-2", "range", 2.0, 3.0, None, None),
    ("60%—70%", "range", 60.0, 70.0, None, "%"),
    ("提高50%", "relative", 50.0, None, "higher", "%"),
    ("在现有基础上提高50%", "relative", 50.0, None, "higher", "%"),
    ("降低10%", "relative", -10.0, None, "lower", "%"),
    ("增加到140名（2.8名/10万人口）", "absolute", 140.0, None, "higher", "名"),
    ("4.5人/10万人口", "absolute", 4.5, None, None, "人/10万人口"),
    ("每10万人口精神科执业医生配备不少于4.5人", "absolute", 4.5, None, "higher", "人/10万人口"),
    ("（2025年建成二级，2027年建成三级）", "text", None, None, None, None),
    ("逐步提高", "text", None, None, "higher", None),
    ("逐年下降", "text", None, None, "lower", None),
    ("1人：100—150（张床）", "text", None, None, None, None),
    ("/", "text", None, None, None, None),
    ("—", "text", None, None, None, None),
    ("", "text", None, None, None, None),
])
def test_parse_target(text: str, kind: str, value: float | None, high: float | None,
                      direction: str | None, unit: str | None) -> None:
    t = parse_target(text)
    assert (t.value_kind, t.value_high, t.direction, t.unit) == (kind, high, direction, unit)
    assert t.value == pytest.approx(value) if value is not None else t.value is None
    assert t.text == text


def test_rest_of_a_compound_target_stays_in_the_text() -> None:
    t = parse_target("增加到140名（2.8名/10万人口）")
    assert "2.8名/10万人口" in t.text and t.value == 140.0


@pytest.mark.parametrize(("text", "baseline", "expected"), [
    ("≥95%", None, (95.0, None)),
    ("1/80", None, (0.0125, None)),
    ("2—3", None, (2.0, 3.0)),
    ("在现有基础上提高50%", 40.0, (60.0, None)),
    ("降低10%", 200.0, (180.0, None)),
    ("在现有基础上提高50%", None, (None, None)),
    ("逐步提高", 40.0, (None, None)),
])
def test_resolve_target(text: str, baseline: float | None, expected: tuple[float | None, float | None]) -> None:
    low, high = resolve_target(parse_target(text), baseline)
    assert (low, high) == pytest.approx(expected) if expected[0] is not None else (low, high) == expected


@pytest.mark.parametrize(("text", "value", "baseline", "expected"), [
    ("≥95%", 95.0, None, 1.0),
    ("≥95%", 76.0, None, 0.8),
    ("≥95%", 99.75, None, 1.05),
    ("85%", 68.0, None, 0.8),                 # no direction: read as higher-is-better
    ("≤5", 4.0, None, 1.25),
    ("≤5", 10.0, None, 0.5),
    ("控制在5%以内", 5.0, None, 1.0),
    ("2—3", 2.5, None, 1.0),
    ("2—3", 1.0, None, 0.5),
    ("2—3", 6.0, None, 0.5),
    ("1/80", 1 / 100, None, 0.8),
    ("在现有基础上提高50%", 45.0, 30.0, 1.0),
    ("在现有基础上提高50%", 36.0, 30.0, 0.8),
    ("降低10%", 90.0, 100.0, 1.0),
    ("降低10%", 112.5, 100.0, 0.8),
])
def test_attainment(text: str, value: float, baseline: float | None, expected: float) -> None:
    assert attainment(value, parse_target(text), baseline=baseline) == pytest.approx(expected)


def test_attainment_equal_direction_penalises_both_sides() -> None:
    target = TargetValue("absolute", 100.0, None, "equal", "%", "=100%")
    assert attainment(100.0, target) == 1.0
    assert attainment(80.0, target) == pytest.approx(0.8)
    assert attainment(125.0, target) == pytest.approx(0.8)


def test_attainment_cannot_be_computed() -> None:
    assert attainment(50.0, parse_target("逐步提高")) is None
    assert attainment(50.0, parse_target("（2025年建成二级，2027年建成三级）")) is None
    assert attainment(50.0, parse_target("提高50%")) is None            # relative without baseline
    assert attainment(50.0, parse_target("/")) is None


def test_attainment_of_zero_against_a_ceiling() -> None:
    assert math.isinf(attainment(0.0, parse_target("≤5")))
    assert attainment(0.0, parse_target("≤0")) == 1.0


def test_per_population_between_verb_and_value() -> None:
    t = parse_target("达到每千人口0.5张")
    assert (t.value_kind, t.value, t.direction, t.unit) == ("absolute", 0.5, "higher", "张/千人口")
