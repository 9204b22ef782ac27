"""Turn schedule language (2016年4月底前, 每季度召开, 力争…) into due dates and recurrences.

A schedule cell becomes a list of ``Schedule`` items, in text order:

* every dated phrase is a milestone (keys ``label``, ``label#2``, ``label#3`` …); the same due
  date named twice in one cell is one milestone;
* every recurring phrase (每周 / 每月 / 每两个月 / 每季度 / 每半年 / 每年 …) is a duty (key ``label#duty``,
  ``label#duty2`` …, or ``label`` when the cell has no milestone).  A duty starts the day after
  the milestone before it in the cell, else at the date in its own phrase (2016年起每季度…), else
  in a year column on 1 Jan of that year (and then ends on 31 Dec of that year), else on the plan's
  start (``plan_start``: its issue date or the first day of its stated period; else 1 Jan of
  ``plan_start_year``).  It never starts before ``plan_start`` (a plan issued in late May has no
  duty for the quarters before it) and ends on 31 Dec of ``plan_end_year`` unless bound to a year
  column; its ``due_date`` is the end of its first period (see ``occurrences``); a yearly observance
  (每年世界精神卫生日, 每年世界预防自杀日) and, outside a year column, 每年12月10日前 / 每年3月底前 are
  yearly duties due on their own day (``recurrence_day``);
* a cell with no date of its own under a year column (``2017年``: 完成。/ 不断健全。) is due at that
  year's end (``year_end``, "MM-DD"), as are year-only dates (2016年, 2016年底, 年内, 下半年);
* anything else is kept undated with ``undated_reason`` set — never a guessed date.

``text`` is always the whole original cell; ``phrase`` is the clause an item was read from.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

RECURRENCES = ("weekly", "monthly", "bimonthly", "quarterly", "half-yearly", "yearly")
OBSERVANCES = {"世界精神卫生日": "10-10", "世界预防自杀日": "09-10"}  # the yearly days mental-health plans name
_PERIOD_MONTHS = {"monthly": 1, "bimonthly": 2, "quarterly": 3, "half-yearly": 6, "yearly": 12}
_CN = "〇零一二两三四五六七八九十"
_NUM = rf"(?:\d{{1,2}}|[{_CN}]{{1,3}})"


@dataclass
class Schedule:
    """One dated (or flagged undated) milestone or recurring duty read from a schedule cell."""

    key: str                              # unique within a task: label, label#2…, label#duty, label#duty2…
    label: str                            # column label: 2016年, 完成时限
    text: str                             # the whole original cell
    due_date: date | None                 # duty: the end of its first period
    soft: bool = False                    # 力争 / 争取
    ongoing_after: bool = False           # 之后不断完善 / 持续 / 长期坚持 …
    recurrence: str | None = None         # one of RECURRENCES
    recurrence_count: int | None = None   # times per period (每年不少于2次 → 2; 1 when not said)
    recurrence_start: date | None = None
    recurrence_end: date | None = None    # None: open-ended (no plan end known)
    recurrence_day: str | None = None     # "MM-DD": a yearly duty due on that day, not at the year's end
    undated_reason: str | None = None     # set whenever due_date is None: flag it, never guess
    phrase: str | None = None             # the clause this item was read from


_DATE = re.compile(
    rf"(?P<dy>(?:19|20)\d\d)\.(?P<dm>\d{{1,2}})(?:\.(?P<dd>\d{{1,2}}))?(?![\d.])"
    rf"|(?:(?P<fy>十[一二三四五六七八九]五)[”\"']?(?:期间|期末|末|时期|内)"
    rf"|(?:(?P<y>(?:19|20)\d\d)(?:年|\.(?=\d))|(?P<rel>次年|翌年|当年|本年|同年))?"
    rf"(?:(?<!每)(?P<m>{_NUM})月(?:份)?(?:(?P<d>{_NUM})日)?(?P<mend>底|末)?"
    rf"|(?P<half>[上下])半年|(?<!每)第?(?P<q>[1-4一二三四])季度?"
    rf"|(?P<ye>(?<=年)年?(?:底|末|内)|(?<![^在于到至争])年(?:底|末|内)|全年)))"
    rf"|(?P<yonly>(?:19|20)\d\d)年(?!\d)")
_RECUR = re.compile(r"每(?:一个?)?(?P<per>半年|季度?|年度?|(?:两|2|二)个月|双月|个?月|周(?!年)|星期)(?!\d+[月日号])"
                    r"|(?P<per2>按月|按季度?|逐月|逐季|按周|逐周)")
_OBSERVANCE = re.compile(rf"每年(?:的)?(?P<day>{'|'.join(OBSERVANCES)})")
_YEARLY_DAY = re.compile(r"每(?P<per>年)(?:的)?(?P<ym>\d{1,2})月(?:(?P<yd>\d{1,2})日|底|末)?(?:前|以前|之前)?")
_COUNT = re.compile(r"(?P<n>\d+|[一二两三四五六七八九十]{1,3})\s*(?:次|回|期)")
_ONGOING = re.compile(r"不断|持续|长期|逐年|常态化|坚持|之后|此后|以后|(?<=[年月日])起|开始")
_AFTER = re.compile(r"之后|此后|以后|(?<=[年月日])起|开始")
_SOFT = re.compile(r"力争|争取")
_CLAUSE = re.compile(r"[^,，;；。!！?？]+")
_PERIODIC = re.compile(r"^(?:定期|适时|不定期)$")
_EVENT = re.compile(r"^(?:及时|随时|第一时间|一旦)$")
_BLANK = re.compile(r"^[\s/／—\-–－～~、.。无]*$")


def _normalize(text: str) -> str:
    """Full-width digits/punctuation to ASCII, spaces inside dates removed."""
    s = unicodedata.normalize("NFKC", text)
    return re.sub(r"(?<=[\d年月])\s+(?=[\d年月日季底末前])", "", s)


def _num(token: str) -> int:
    """An Arabic or Chinese numeral (两次, 十二月) as int."""
    if token.isdigit():
        return int(token)
    import cn2an  # lazy: only cells with Chinese numerals pay its import

    return int(cn2an.cn2an(token.replace("〇", "零"), "smart"))


def column_year(label: str) -> int | None:
    """The year a column label stands for (``2016年``, ``2016年底``, ``2016``) → 2016, else None."""
    m = re.fullmatch(r"\s*(?:[^\d\s]{0,6})?(?P<y>(?:19|20)\d\d)\s*(?:年(?:底|末|度)?(?:前)?)?\s*",
                     unicodedata.normalize("NFKC", label))
    return int(m.group("y")) if m else None


def _year_end(year: int, year_end: str) -> date:
    """The configured end-of-year date (``12-31`` by default) of a year."""
    month, day = (int(p) for p in year_end.split("-"))
    return date(year, month, day)


def _month_end(year: int, month: int) -> date:
    """Last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _span(m: re.Match[str], ctx: int | None, year_end: str) -> tuple[date, date, int] | None:
    """(period start, due date, year) of one date match; None when its year is unknown."""
    if m.group("fy"):
        year = 1955 + 5 * _num(m.group("fy")[:2])
        return date(year - 4, 1, 1), _year_end(year, year_end), year
    if m.group("dy"):
        year, month = int(m.group("dy")), int(m.group("dm"))
        if not 1 <= month <= 12:
            return None
        if m.group("dd"):
            try:
                day = date(year, month, int(m.group("dd")))
            except ValueError:
                return None
            return day, day, year
        return date(year, month, 1), _month_end(year, month), year
    if m.group("yonly"):
        year = int(m.group("yonly"))
        return date(year, 1, 1), _year_end(year, year_end), year
    rel = m.group("rel")
    named = int(m.group("y")) if m.group("y") else (ctx + 1 if rel in ("次年", "翌年") else ctx) if ctx else None
    if named is None:
        return None
    year = named
    if m.group("m"):
        month = _num(m.group("m"))
        if not 1 <= month <= 12:
            return None
        if m.group("d"):
            dom = _num(m.group("d"))
            if not 1 <= dom <= calendar.monthrange(year, month)[1]:
                return None
            return date(year, month, dom), date(year, month, dom), year
        return date(year, month, 1), _month_end(year, month), year
    if m.group("half"):
        return ((date(year, 1, 1), date(year, 6, 30), year) if m.group("half") == "上"
                else (date(year, 7, 1), _year_end(year, year_end), year))
    if m.group("q"):
        q = _num(m.group("q"))
        return date(year, 3 * q - 2, 1), _month_end(year, 3 * q), year
    return date(year, 1, 1), _year_end(year, year_end), year


def _recurrence(per: str) -> str:
    """The recurrence name of a period word (年/季度/半年/两个月/月/周)."""
    if "周" in per or "星期" in per:
        return "weekly"
    if "双" in per or "两" in per or "二" in per or "2" in per:
        return "bimonthly"
    if "半年" in per:
        return "half-yearly"
    if "季" in per:
        return "quarterly"
    return "monthly" if "月" in per else "yearly"


def occurrences(item: Schedule, *, until: date | None = None) -> list[tuple[date, date]]:
    """Each period of a recurring duty as (period start, due date), calendar-aligned and clipped."""
    if not item.recurrence or item.recurrence_start is None:
        return []
    last = min(d for d in (item.recurrence_end, until) if d is not None) if (item.recurrence_end or until) else None
    if last is None:
        raise ValueError(f"recurring duty {item.key!r} has no end: pass until=")
    start = item.recurrence_start
    if item.recurrence == "weekly":  # ISO weeks, Monday to Sunday
        step = relativedelta(weeks=1)
        period = start - timedelta(days=start.weekday())
    else:
        months = _PERIOD_MONTHS[item.recurrence]
        step = relativedelta(months=months)
        period = date(start.year, (start.month - 1) // months * months + 1, 1)
    out: list[tuple[date, date]] = []
    while period <= last:
        nxt = period + step
        begin, end = max(period, start), min(nxt - timedelta(days=1), last)
        if item.recurrence_day:  # due on its day of the year, when that day falls in the period
            end = day_in_year(item.recurrence_day, period.year)
            if not begin <= end <= last:
                period = nxt
                continue
        out.append((begin, end))
        period = nxt
    return out


def day_in_year(day: str, year: int) -> date:
    """The date of a "MM-DD" day of a yearly duty in ``year``."""
    month, dom = (int(part) for part in day.split("-"))
    return date(year, month, dom)


def _duty(label: str, text: str, clause: str, recur: re.Match[str], soft: bool, anchor: date | None,
          milestones: list[Schedule], col: int | None, plan_start: date | None,
          plan_end: date | None) -> Schedule:
    """A recurring duty from one clause, anchored after the cell's last milestone or in its year."""
    count = _COUNT.search(clause, recur.end())
    end = plan_end
    if anchor is None and milestones:
        anchor = milestones[-1].due_date + timedelta(days=1) if milestones[-1].due_date else None
    if anchor is None and col is not None:
        anchor, end = date(col, 1, 1), date(col, 12, 31)
    elif anchor is None and plan_start:
        anchor = plan_start
    if anchor is not None and plan_start is not None and anchor < plan_start:
        anchor = plan_start  # the plan did not exist yet: its first period is the one holding its start
    duty = Schedule("", label, text, None, soft=soft,
                    recurrence=_recurrence(recur.group("per") or recur.group("per2")),
                    recurrence_count=_num(count.group("n")) if count else 1,
                    recurrence_start=anchor, recurrence_end=end, phrase=clause)
    if observance := _OBSERVANCE.search(clause):
        duty.recurrence, duty.recurrence_day = "yearly", OBSERVANCES[observance.group("day")]
    elif "ym" in recur.groupdict():  # 每年12月10日前 / 每年3月底前 (outside a year column)
        month = int(recur.group("ym"))
        day = int(recur.group("yd")) if recur.group("yd") else calendar.monthrange(2001, month)[1]
        duty.recurrence_day = f"{month:02d}-{day:02d}"
    first = occurrences(duty, until=anchor + relativedelta(years=1)) if anchor else []
    if anchor is None:
        duty.undated_reason = (f"recurring duty '{clause}' has no start date (no year column, no plan start): "
                               "never reminded until `duban plans set --issued-on/--period` gives the plan's start")
    elif not first or (end is not None and anchor > end):
        duty.undated_reason = f"recurring duty '{clause}' would start on {anchor}, after the plan ends on {end}"
    else:
        duty.due_date = first[0][1]
    return duty


def parse_schedule(label: str, text: str, *, plan_end_year: int | None = None, year_end: str = "12-31",
                   plan_start_year: int | None = None, plan_start: date | None = None) -> list[Schedule]:
    """Read one schedule cell into milestones and recurring duties (see the module docstring)."""
    if text is None or _BLANK.match(text):
        return []
    if plan_start is None and plan_start_year:
        plan_start = date(plan_start_year, 1, 1)
    col = column_year(label)
    ctx = col
    milestones: list[Schedule] = []
    duties: list[Schedule] = []
    ongoing_pending = False
    plan_end = date(plan_end_year, 12, 31) if plan_end_year else None
    for clause in _CLAUSE.findall(_normalize(text)):
        clause = clause.strip()
        soft = bool(_SOFT.search(clause))
        recur = _RECUR.search(clause)
        if recur is None and col is None:  # 每年12月10日前 in a 完成时限 cell: a yearly duty due on that day
            recur = _YEARLY_DAY.search(clause)
        anchor: date | None = None
        for m in _DATE.finditer(clause):
            span = _span(m, ctx, year_end)
            if span is None:
                continue
            start, due, ctx = span
            if recur and recur.start() <= m.start() < recur.end():
                continue  # the day of a yearly duty (每年12月10日前), not a deadline of its own
            if recur and m.start() < recur.start() and _AFTER.search(clause, m.end(), recur.start()):
                anchor = start  # 2016年起每季度… : a start, not a deadline
            elif all(s.due_date != due for s in milestones):
                milestones.append(Schedule("", label, text, due, soft=soft, phrase=clause))
        if recur:
            duties.append(_duty(label, text, clause, recur, soft, anchor, milestones, col, plan_start, plan_end))
        elif _ONGOING.search(clause):
            if milestones:
                milestones[-1].ongoing_after = True
            else:
                ongoing_pending = True
    if not milestones and not duties:
        stripped = text.strip()
        if col is not None:
            milestones.append(Schedule("", label, text, _year_end(col, year_end), soft=bool(_SOFT.search(stripped)),
                                       ongoing_after=ongoing_pending, phrase=stripped))
        else:
            if _PERIODIC.search(stripped):  # issue 14: recognised, flagged, never guessed
                reason = f"periodic duty whose frequency is not stated ('{stripped}'): set the frequency by hand"
            elif _EVENT.search(stripped):
                reason = f"event-driven duty ('{stripped}'): due whenever the event occurs, no calendar date"
            else:
                reason = (f"cannot date '{stripped}': the text names no year and the column '{label}' is not a year"
                          + ("; ongoing (长期/持续)" if ongoing_pending else ""))
            milestones.append(Schedule("", label, text, None, soft=bool(_SOFT.search(stripped)),
                                       ongoing_after=ongoing_pending,
                                       undated_reason=reason, phrase=stripped))
    for i, s in enumerate(milestones):
        s.key = label if i == 0 else f"{label}#{i + 1}"
    for i, s in enumerate(duties):
        s.key = (label if not milestones else f"{label}#duty") if i == 0 else f"{label}#duty{i + 1}"
    return milestones + duties
