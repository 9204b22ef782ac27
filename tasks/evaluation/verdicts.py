"""Judge a plan as of a date: each task's verdict from its milestones, each indicator's attainment."""

from __future__ import annotations

from datetime import date, timedelta

from models import Indicator, IndicatorTarget, Milestone, Plan
from models.base import id_of
from models.status import IndicatorVerdict, State, Verdict
from tasks.errors import ValidationFailed
from tasks.evaluation.figures import IndicatorResult, ReportedProblem, TaskResult
from tasks.evaluation.jurisdiction import own_scope, scope_column
from tasks.evaluation.scoring import NOT_DUE, Scoring
from tasks.evaluation.snapshot import PlanSnapshot, SnapshotTask, unit_name
from tasks.periods import Period, period_containing, period_name
from tasks.plans.targets import TargetValue, attainment, parse_target

KIND_LABELS = {"midterm": "中期考核", "final": "终期效果评估"}
RECURRENCE_FREQUENCY = {"year": "yearly", "yearly": "yearly", "annual": "yearly", "annually": "yearly", "y": "yearly",
              "每年": "yearly", "half": "half-yearly", "halfyearly": "half-yearly", "half-yearly": "half-yearly",
              "semiannual": "half-yearly", "h": "half-yearly", "每半年": "half-yearly", "quarter": "quarterly",
              "quarterly": "quarterly", "q": "quarterly", "每季度": "quarterly", "month": "monthly",
              "monthly": "monthly", "m": "monthly", "每月": "monthly", "bimonthly": "bimonthly",
              "每两个月": "bimonthly", "每双月": "bimonthly", "week": "weekly", "weekly": "weekly", "w": "weekly",
              "每周": "weekly"}
_LISTED_PERIODS = 12  # a duty with more ended periods is summarised in the report, not listed period by period
_GENERIC_LABELS = ("完成时限", "时限", "进度安排", "实施进度", "时间节点", "完成时间")
_FREQUENCY_WORDS = {"yearly": "每年", "half-yearly": "每半年", "quarterly": "每季度", "bimonthly": "每两个月",
                    "monthly": "每月", "weekly": "每周"}


def review_year(plan: Plan, kind: str, as_of: date | None = None) -> int:
    """The year of the review point (Plan.midterm_year / final_year); an explicit as-of date caps it or stands in."""
    if kind not in KIND_LABELS:
        raise ValidationFailed(f"unknown evaluation kind {kind!r}: use midterm or final")
    year = plan.midterm_year if kind == "midterm" else plan.final_year
    if year is None:
        year = plan.period_end if kind == "final" else None
    if as_of is not None:  # the review is "as of" that date; the kind only selects the report's title
        return as_of.year if year is None else min(as_of.year, year)
    if year is None:
        option = "--midterm-year" if kind == "midterm" else "--final-year"
        raise ValidationFailed(f"plan {plan.code} has no {kind} year; set it with `duban plans set --plan "
                               f"{plan.code} {option} YYYY` or give --as-of YYYY-MM-DD")
    return year


def resolve_as_of(plan: Plan, kind: str, as_of: date | None) -> date:
    """The as-of date (default: 31 Dec of the review year), checked against the plan period.

    A final review may be dated up to a year after the period's end: it is written in the weeks after, from
    the reports on the period that arrive then (due items are still judged at the period's end)."""
    day = as_of or date(review_year(plan, kind), 12, 31)
    first = date(plan.period_start, 1, 1) if plan.period_start else None
    last = date(plan.period_end, 12, 31) if plan.period_end else None
    latest = date(last.year + 1, 12, 31) if last and kind == "final" else last  # a final: up to a year after
    if (first and day < first) or (latest and day > latest):
        span = f"{first or '…'} – {last or '…'}" + (f"; a final review up to {latest}" if latest != last else "")
        raise ValidationFailed(f"as-of date {day} is outside the plan period of {plan.code} ({span})")
    return day


def periods(start: date, end: date, frequency: str) -> list[Period]:
    """The calendar periods of ``frequency`` overlapping start..end."""
    out: list[Period] = []
    period = period_containing(start, frequency)
    while period.start <= end:
        out.append(period)
        period = period_containing(period.end + timedelta(days=1), frequency)
    return out


def milestone_name(m: Milestone) -> str:
    """A milestone as a reader knows it: its label (2016年, 2017年6月底前), or its date when the label is a
    column heading such as 完成时限 that would read "完成时限、完成时限" in a list."""
    label = (m.label or "").strip()
    if label and not any(word in label for word in _GENERIC_LABELS):
        return label
    if m.due_date is not None:
        return f"{m.due_date.year}年{m.due_date.month}月{m.due_date.day}日前"
    return (m.text or label or "节点").strip()[:20]


def _recurring(m: Milestone, done: list[tuple[str, date]], plan: Plan, as_of: date,
               items: list[str], notes: list[str], overdue: list[str]) -> str:
    """Judge each ended period of a recurring duty; returns its per-period summary (periods missed go to
    ``overdue`` by their Chinese names)."""
    frequency = RECURRENCE_FREQUENCY.get((m.recurrence or "").strip().lower())
    if frequency is None:
        frequency = "yearly"
        notes.append(f"{milestone_name(m)}：周期“{m.recurrence}”无法识别，按每年计")
    need = m.recurrence_count or 1
    start = m.recurrence_start or date(plan.period_start or as_of.year, 1, 1)
    end = m.recurrence_end or date(plan.period_end or as_of.year, 12, 31)
    counts: dict[str, int] = {}
    for period, day in done:
        key = period or period_containing(day, frequency).key
        counts[key] = counts.get(key, 0) + 1
    shown, missed, ended = [], [], 0
    for key, first, last in ((p.key, p.start, p.end) for p in periods(start, min(end, as_of), frequency)):
        if plan.issued_on and last < plan.issued_on:
            continue  # a period that ended before the plan was issued cannot have been missed
        name = period_name(key)
        if last <= as_of:
            ended += 1
            items.append("on_time" if counts.get(key, 0) >= need else "not_done")
            shown.append(f"{name}：{counts.get(key, 0)}/{need}次")
            if counts.get(key, 0) < need:
                missed.append(name)
        elif first <= as_of:
            shown.append(f"{name}（进行中）：{counts.get(key, 0)}/{need}次")
    if ended > _LISTED_PERIODS:  # weekly and monthly duties over years: a count, and the periods missed
        current = [s for s in shown if "进行中" in s]
        more = "等" if len(missed) > _LISTED_PERIODS else ""
        listed = f"，未达到：{'、'.join(missed[:_LISTED_PERIODS])}{more}" if missed else ""
        shown = [f"已结束{ended}期，{ended - len(missed)}期达到要求{listed}", *current]
    overdue.extend(missed[:_LISTED_PERIODS] + (["等"] if len(missed) > _LISTED_PERIODS else []))
    head = f"{milestone_name(m)}（{_FREQUENCY_WORDS[frequency]}不少于{need}次）"
    return head + ("；".join(shown) and "：" + "；".join(shown))


def judge_task(snapshot: PlanSnapshot, task: SnapshotTask, scoring: Scoring) -> TaskResult:
    """One task's due items, verdict, latest accepted state and reported problems."""
    rules, as_of = scoring.config.verdicts, snapshot.judged_on
    issued = snapshot.plan.issued_on
    latest = snapshot.latest.get(task.id)
    items: list[str] = []
    notes: list[str] = []
    overdue: list[str] = []
    upcoming: list[str] = []
    recurring: list[str] = []
    pending = False
    milestones = snapshot.milestones.get(task.id, [])
    for m in milestones:
        done = snapshot.completions.get(id_of(m), [])
        name = milestone_name(m)
        if m.recurrence:
            recurring.append(_recurring(m, done, snapshot.plan, as_of, items, notes, overdue))
            pending = pending or (m.recurrence_end or date.max) > as_of
            continue
        due = m.due_date
        if due is None and snapshot.final:
            due = as_of  # no deadline: a final review judges it at the period's end
            notes.append(f"{name}：无明确时限，按规划期末评估")
        if due is None:
            notes.append(f"{name}：无明确时限，未计入")
            continue
        if due > as_of:
            pending = pending or not done
            if not done and due <= as_of + timedelta(days=rules.at_risk_days):
                upcoming.append(name)
            continue
        if not done and issued and due < issued:
            notes.append(f"{name}：时限早于规划印发，未计入")
            continue
        if not done:
            items.append("not_done")
            overdue.append(name)
        elif done[0][1] <= due or (m.soft and rules.soft_late_counts_as_on_time):
            items.append("on_time")
        else:
            items.append("late")
        if m.soft:
            notes.append(f"{name}：力争时限（{due.year}年{due.month}月{due.day}日）")
        if m.ongoing_after:
            notes.append(f"{name}：完成后须持续推进")
    if not milestones and snapshot.final:  # a task without any schedule: its reported state at the period's end
        items.append("on_time" if latest and latest.state == State.DONE else "not_done")
        notes.append("无进度安排，按规划期末报送状态评估")
    verdict = _verdict(items, latest.state if latest else None, scoring)
    leads = [unit_name(snapshot, d) for d, r in snapshot.assignments.get(task.id, []) if r != "support"]
    state = latest.state if latest else None
    return TaskResult(
        id=task.id, code=task.code, text=task.text,
        section=(task.section_path[0] if task.section_path else task.section) or "未分类",
        leads=leads,
        supports=[unit_name(snapshot, d) for d, r in snapshot.assignments.get(task.id, []) if r == "support"],
        verdict=verdict, due=len(items), on_time=items.count("on_time"), late=items.count("late"),
        not_done=items.count("not_done"), overdue=overdue, recurring=recurring, notes=notes,
        at_risk=bool(not overdue and (upcoming or (pending and state in rules.lagging_states))),
        upcoming=upcoming, state=state, percent=latest.percent if latest else None,
        reported_on=str(latest.submitted_at.date()) if latest else None,
        problems=[ReportedProblem(unit=unit_name(snapshot, d), text=p)
                  for d, p in snapshot.problems.get(task.id, [])])


def _verdict(items: list[str], state: str | None, scoring: Scoring) -> str:
    """The documented verdict rules of the scoring file (config/scoring.yaml, 'verdicts')."""
    rules = scoring.config.verdicts
    if not items:
        return NOT_DUE
    not_done = items.count("not_done")
    if items.count("on_time") == len(items):
        return Verdict.DONE
    if not_done == 0 or (len(items) - not_done) / len(items) >= rules.basic_done_share:
        return Verdict.MOSTLY_DONE
    if state in rules.lagging_states:
        return Verdict.LAGGING
    return Verdict.NOT_DONE


def judge_tasks(snapshot: PlanSnapshot, scoring: Scoring) -> list[TaskResult]:
    """Every active task's judgement, in plan order."""
    return [judge_task(snapshot, task, scoring) for task in snapshot.tasks]


INDICATOR_VERDICTS = tuple(IndicatorVerdict)


def _pick_target(targets: list[IndicatorTarget], kind: str, year: int, default_year: int,
                 prefs: list[str], fallback: bool, scope: str | None = None) -> tuple[IndicatorTarget | None, bool]:
    """The target (or baseline) for a review year: nearest year <= it, then scope preference."""
    def rank(t: IndicatorTarget) -> tuple[int, int]:
        return (0 if scope is None or t.scope == scope else 1, prefs.index(t.scope) if t.scope in prefs
                else len(prefs))

    rows = [(t.year if t.year is not None else default_year, t) for t in targets if t.kind == kind]
    eligible = [(y, t) for y, t in rows if y <= year]
    if eligible:
        return min(eligible, key=lambda yt: (-yt[0], rank(yt[1]), yt[1].id))[1], False
    later = [(y, t) for y, t in rows if y > year]
    if later and fallback:
        return min(later, key=lambda yt: (yt[0], rank(yt[1]), yt[1].id))[1], True
    return None, False


def _number(value: float) -> str:
    """A value without a useless .0."""
    return f"{value:g}"


def target_label(t: IndicatorTarget, direction: str | None, unit: str | None) -> str:
    """How a target reads in a report: its source text, else ≥95%, 1/80, 2—3, 较基线提高50%."""
    if t.text:
        return t.text
    unit = unit or ""
    if t.value is None:
        return "—"
    if t.value_kind == "range":
        return f"{_number(t.value)}—{_number(t.value_high or t.value)}{unit}"
    if t.value_kind == "relative":
        return f"较基线{'降低' if t.value < 0 else '提高'}{_number(abs(t.value))}%"
    if t.value_kind == "ratio" and t.value > 0 and abs(1 / t.value - round(1 / t.value)) < 1e-6:
        return f"{'≥' if direction == 'higher' else ''}1/{round(1 / t.value)}"
    sign = {"higher": "≥", "lower": "≤"}.get(direction or "", "")
    return f"{sign}{_number(t.value)}{unit}"


def judge_indicator(snapshot: PlanSnapshot, indicator: Indicator, year: int, scoring: Scoring) -> IndicatorResult:
    """An indicator's latest value against the target of the review year, with tolerance."""
    rules = scoring.config.indicators
    plan = snapshot.plan
    final = plan.final_year or plan.period_end or year
    targets = snapshot.targets.get(id_of(indicator), [])
    scope = own_scope(plan, {t.scope for t in targets}, rules.jurisdiction)
    own = [t for t in targets if t.scope == scope]
    if scope is not None and any(t.kind == "target" for t in own):  # the plan's own column, never another's
        targets = own + [t for t in targets if t.kind == "baseline" and not any(o.kind == "baseline" for o in own)]
    target, later = _pick_target(targets, "target", year, final, rules.scope_preference,
                                 rules.fallback_to_later_target)
    reading = snapshot.readings.get(id_of(indicator))
    row = IndicatorResult(code=indicator.code, name=indicator.name, unit=indicator.unit or "", target=None,
                          target_year=None, baseline=None, value=reading[0] if reading else None,
                          value_as_of=str(reading[1]) if reading else None, attainment=None,
                          verdict=IndicatorVerdict.NO_DATA, note="")
    if target is None:
        row.note = "未设定目标值"
        return row
    direction = indicator.direction if indicator.direction in ("higher", "lower", "equal") else None
    if target.value_kind == "relative" and target.value is not None and target.value < 0:
        direction = "lower"
    base, _ = _pick_target(targets, "baseline", year, 0, rules.scope_preference, True, target.scope)
    row.target, row.target_year = target_label(target, direction, indicator.unit), target.year
    row.target_scope, row.baseline = target.scope, base.value if base else None
    row.target_column = scope_column(target.scope, target.year or final)
    if later:
        row.note = f"以{target.year}年目标衡量"
    if target.value_kind == "text" or target.value is None or (
            target.text and parse_target(target.text).value_kind == "text"):
        judged = rules.evaluator_verdicts.get(indicator.code)
        if judged:  # a text target (2025年建成二级，2027年建成三级) is the evaluator's to judge
            row.verdict, row.note = judged, "目标为定性表述，由评估人员判定"
        else:
            row.note = "目标为定性表述，无法量化比较"
        return row
    if target.value_kind == "relative" and (base is None or base.value is None):
        row.note = "相对目标缺少基线值"
        return row
    if reading is None:
        row.note = f"截至{snapshot.as_of.year}年{snapshot.as_of.month}月{snapshot.as_of.day}日无报送数值"
        return row
    value = TargetValue(target.value_kind, target.value, target.value_high, direction, indicator.unit,
                        target.text)
    ratio = attainment(reading[0], value, baseline=base.value if base else None)
    if ratio is None:
        row.note = "无法计算达成度"
        return row
    row.attainment = round(min(ratio, 9.9999), 4)
    row.verdict = (IndicatorVerdict.MET if ratio >= 1 - 1e-9 else
                   IndicatorVerdict.MOSTLY_MET if ratio >= 1 - rules.tolerance else IndicatorVerdict.NOT_MET)
    return row


def judge_indicators(snapshot: PlanSnapshot, year: int, scoring: Scoring) -> list[IndicatorResult]:
    """Every active indicator's attainment as of the snapshot date."""
    return [judge_indicator(snapshot, indicator, year, scoring) for indicator in snapshot.indicators]
