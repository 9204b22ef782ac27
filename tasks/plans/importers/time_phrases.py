"""Time phrases in running text (2021年底, 到2020年, 年内, 每季度至少召开1次, 每年世界精神卫生日, 定期, 及时).

An obligation's phrases become one schedule cell (``完成时限``) that ``tasks.plans.deadlines`` reads,
so the workbook round trip stays lossless. Phrases that need the document are made explicit here:
年内/今年 → the document's year; a recurring duty of a document without a period starts in the
month the document was issued (``2021年3月起每季度…``); 每年世界精神卫生日 is a yearly duty due on 10-10.
定期 (frequency unstated) and 及时 (event-driven) are kept as they are: the schedule reader flags them, never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tasks.plans.deadlines import OBSERVANCES

_DATE = re.compile(
    r"(?:力争|争取)?(?:(?:到|至|于|在|截至)\s*)?(?:(?:19|20)\d\d\s*年\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?|[上下]半年|"
    r"第?[一二三四1-4]季度)?(?:\s*(?:年?底|末|前|以前|之前|内))*)(?:起)?")
_THIS_YEAR = re.compile(r"(?:今年|本年度?|当年)?(?:年内|年底前?|年末)|今年(?:[上下]半年|\d{1,2}月底?前?)|[上下]半年")
_RECURRING = re.compile(
    r"(?:至少|原则上)?每(?:一个?)?(?:半年|季度?|年度?|(?:两|2|二)个月|双月|个?月|周|星期)"
    r"(?:[^，,。；;]{0,16}?(?:至少|不少于|不低于)?\s*(?:\d+|[一二两三四五六])\s*(?:次|回|期))?"
    r"|(?:按月|按季度?|逐月|逐季)")
_DAY = re.compile(rf"每年(?:的)?(?P<day>{'|'.join(OBSERVANCES)})")  # a yearly duty due on its day
_YEARLY_DATE = re.compile(r"每年(?:的)?\d{1,2}月(?:\d{1,2}日|底|末)?(?:前|以前|之前)?")  # a yearly duty's own day
_SEASON = re.compile(r"每年(?P<season>春季|夏季|秋季|冬季|年初|年中|年底)")
_WHOLE_YEAR = re.compile(r"全年[^，,。；;]{0,12}?(?P<n>(?:不少于|至少)\s*(?:\d+|[一二两三四五六])\s*次)")
_PERIODIC = re.compile(r"定期|适时|不定期")
_EVENT = re.compile(r"及时|随时|第一时间|一旦")
_ONGOING = re.compile(r"长期坚持|常态化|持续")


@dataclass
class TimeReading:
    """What the time phrases of one obligation give: a schedule cell (or None) and flags."""

    cell: str | None
    periodic: bool = False
    event: bool = False


def read_time(text: str, *, doc_year: int | None, issued_on: date | None, has_period: bool) -> TimeReading:
    """The schedule cell of an obligation's text (and its time prefix), with 定期/及时 flags."""
    text = re.sub(r"《[^》]*》|[（(][^（）()]*(?:19|20)\d\d\s*[-—～~至到][^（）()]*[)）]", "", text)
    phrases: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, phrase: str) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        phrases.append((start, phrase))

    for m in _DAY.finditer(text):
        add(m.start(), m.end(), f"每年{m.group('day')}")  # the schedule reader dates it (deadlines.OBSERVANCES)
    for m in _YEARLY_DATE.finditer(text):
        add(m.start(), m.end(), m.group(0))
    for m in _SEASON.finditer(text):
        add(m.start(), m.end(), m.group(0))
    for m in _WHOLE_YEAR.finditer(text):
        add(m.start(), m.end(), f"每年{m.group('n')}")
    for m in _RECURRING.finditer(text):
        add(m.start(), m.end(), m.group(0))
    for m in _DATE.finditer(text):
        if re.search(r"(?:19|20)\d\d", m.group(0)):
            add(m.start(), m.end(), m.group(0).strip())
    if doc_year:
        for m in _THIS_YEAR.finditer(text):
            add(m.start(), m.end(), f"{doc_year}年{_explicit(m.group(0))}")
    periodic, event = bool(_PERIODIC.search(text)), bool(_EVENT.search(text))
    if not phrases:
        if periodic:
            return TimeReading(_PERIODIC.search(text).group(0), periodic=True, event=event)  # type: ignore[union-attr]
        if event:
            return TimeReading(_EVENT.search(text).group(0), event=True)  # type: ignore[union-attr]
        if ongoing := _ONGOING.search(text):
            return TimeReading(ongoing.group(0))
        return TimeReading(None)
    cells = []
    for _, phrase in sorted(phrases):
        recurring = phrase.startswith(("每", "至少每", "原则上每", "按", "逐"))
        if recurring and not has_period and issued_on and not re.search(r"(?:19|20)\d\d", phrase):
            phrase = f"{issued_on.year}年{issued_on.month}月起{phrase}"
        cells.append(phrase)
    return TimeReading("；".join(cells), periodic=periodic, event=event)


def _explicit(phrase: str) -> str:
    """年内 → 年底前, 今年上半年 → 上半年, 今年6月底前 → 6月底前 (the year is put in front by the caller)."""
    phrase = re.sub(r"^(?:今年|本年度?|当年)", "", phrase)
    return {"年内": "年底前", "年末": "年底"}.get(phrase, phrase)
