"""Read a plan's title, issuing office, document number, date, period and review years from its text.

Only what the text states is returned (missing keys are simply absent); nothing is inferred from
the period (no "mid-term = middle year" guess).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TypedDict

from tasks.plans.unit_names import split_units

_ORGAN = r"(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|政府|[委局厅办署院会])"
_DOC_NUMBER = re.compile(
    r"(?P<num>[\u4e00-\u9fff]{1,10}\s*[〔\[［【(（]\s*(?:19|20)\d\d\s*[〕\]］】)）]\s*\d{1,4}\s*号)")
_FILE_HEADER = re.compile(rf"^(?P<org>[\u4e00-\u9fff]{{2,30}}{_ORGAN})\s*(?:文件|文\s*件)$")
_ORGAN_LINE = re.compile(rf"^(?P<org>[\u4e00-\u9fff]{{2,30}}{_ORGAN})$")
_NOTICE = re.compile(r"^(?:(?P<org>\S{2,30}?)\s*)?关于(?:印发|转发|下发|颁布)(?P<rest>.+?)的通知")
_OWN_NOTICE = re.compile(r"^(?:[\u4e00-\u9fff]{2,30}?(?:办公室|委员会|政府|[委局厅办院]))?\s*"
                         r"(?P<t>关于[^，。；]{2,60}的(?:通知|意见|通报|决定))$")
_QUOTED = re.compile(r"《(?P<t>[^《》]+)》")
_TITLE_LINE = re.compile(r"^(?!为|根据|现将|按照|结合|各|请|附件)"
                         r"(?P<t>[^，。；：:,]{4,60}?(?:规划|计划|方案|纲要|意见|办法|分解表|分工表|任务表|清单)"
                         r"(?:\s*[(（][^()（）]*[)）])?)$")
_PERIOD = re.compile(r"(?P<a>(?:19|20)\d\d)\s*年?\s*[-—–－―~～至到]+\s*(?P<b>(?:19|20)\d\d)\s*年?")
_DATE_LINE = re.compile(r"^(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日$")
_CN_DATE_LINE = re.compile(r"^(?P<y>[〇零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,3})月"
                           r"(?P<d>[一二三四五六七八九十]{1,3})日$")
_LABELLED_DATE = re.compile(r"^(?:发文日期|成文日期|印发日期)[:：]\s*"
                            r"(?P<y>\d{4})[-年./](?P<m>\d{1,2})[-月./](?P<d>\d{1,2})")
_REVIEW = re.compile(r"(?P<mid>中期(?:考核|评估|检查|督导|评价))"
                     r"|(?P<final>终期(?:效果)?(?:评估|考核|评价)|期末(?:考核|评估)|总结评估)")
_YEAR = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年")


def _lines(text: str) -> list[str]:
    """Non-empty, stripped lines without the dump's stray paragraph marks."""
    return [ln.strip().strip("『』□") for ln in text.splitlines() if ln.strip()]


def _date(y: str, m: str, d: str) -> date | None:
    """A valid date from year/month/day strings (Arabic or Chinese numerals), else None."""
    try:
        if y.isdigit():
            return date(int(y), int(m), int(d))
        import cn2an  # lazy: only Chinese-numeral dates need it

        return date(int(cn2an.cn2an(y.replace("〇", "零"), "direct")),
                    int(cn2an.cn2an(m, "smart")), int(cn2an.cn2an(d, "smart")))
    except ValueError:
        return None


def _title(lines: list[str]) -> str | None:
    """The plan's title: 《…》 in the 关于印发 line, else 现将《…》, else the 关于印发 text, else a title line."""
    for ln in lines:
        if (m := _NOTICE.search(ln)) and (q := _QUOTED.search(m.group("rest"))):
            return q.group("t").strip()
    for ln in lines:
        if (q := re.search(r"现将《(?P<t>[^《》]+)》", ln)):
            return q.group("t").strip()
    for ln in lines:
        if m := _NOTICE.search(ln):
            return re.sub(r"\s+(?=[(（])", "", m.group("rest")).strip()
    for ln in lines:
        if m := _TITLE_LINE.match(ln):
            return m.group("t").strip()
    for ln in lines[:40]:  # a notice of its own: 关于做好…工作的通知
        if m := _OWN_NOTICE.match(ln):
            return m.group("t")
    return None


def _addressees(lines: list[str]) -> list[str]:
    """The units a notice is sent to (主送): the line ending in ：right after the title, or 主送：…"""
    for i, ln in enumerate(lines[:60]):
        if m := re.match(r"^主送(?:单位|机关)?[:：]\s*(?P<u>.+?)[。]?$", ln):
            return split_units(m.group("u"))
        if (_OWN_NOTICE.match(ln) or _NOTICE.search(ln)) and i + 1 < len(lines):
            nxt = lines[i + 1]
            if re.search(r"[:：]$", nxt) and len(nxt) <= 120 and not re.search(r"[。；]", nxt):
                return split_units(nxt.rstrip(":："))
    return []


def _issuing_office(lines: list[str]) -> str | None:
    """The issuing organ: a 「X文件」 header, the X before 关于印发, or an organ line above it."""
    for ln in lines[:30]:
        if m := _FILE_HEADER.match(ln):
            return m.group("org")
    for i, ln in enumerate(lines[:60]):
        if (m := _NOTICE.search(ln)) and m.group("org") and _ORGAN_LINE.match(m.group("org")):
            return m.group("org")
        if m and i and (o := _ORGAN_LINE.match(lines[i - 1])):
            return o.group("org")
    for i, ln in enumerate(lines[1:], start=1):
        if (_DATE_LINE.match(ln) or _CN_DATE_LINE.match(ln)) and (o := _ORGAN_LINE.match(lines[i - 1])):
            return o.group("org")  # the signature above the date
    return None


def _review_years(text: str) -> dict[str, int]:
    """Mid-term and final review years, each the nearest year stated before its keyword in its sentence."""
    found: dict[str, int] = {}
    for sentence in re.split(r"[。；;\n]", text):
        last_end = 0
        for m in _REVIEW.finditer(sentence):
            key = "midterm_year" if m.group("mid") else "final_year"
            years = list(_YEAR.finditer(sentence, last_end, m.start())) or list(_YEAR.finditer(sentence, m.end()))[:1]
            if years and key not in found:
                found[key] = int(years[-1].group("y") if years[-1].start() < m.start() else years[0].group("y"))
            last_end = m.end()
    return found


class PlanMetadata(TypedDict, total=False):
    """A plan's own fields as found in its text (the keys of ``ParsedPlan`` they fill)."""

    title: str
    issuing_office: str
    doc_number: str
    issued_on: date
    period_start: int
    period_end: int
    midterm_year: int
    final_year: int
    addressees: list[str]


def extract_metadata(text: str) -> PlanMetadata:
    """The metadata found in a plan's text; only keys found are present."""
    lines = _lines(unicodedata.normalize("NFKC", text))
    out: PlanMetadata = {}
    if title := _title(_lines(text.replace("\u3000", " "))):
        out["title"] = title
        if p := _PERIOD.search(unicodedata.normalize("NFKC", title)):
            out["period_start"], out["period_end"] = int(p.group("a")), int(p.group("b"))
    if office := _issuing_office(lines):
        out["issuing_office"] = office
    for ln in lines[:60]:
        m = _DOC_NUMBER.match(re.sub(r"^文号[:：]\s*", "", ln))
        if m:
            out["doc_number"] = re.sub(r"\s+", "", m.group("num"))
            break
    for ln in lines:
        m = _DATE_LINE.match(ln) or _CN_DATE_LINE.match(ln) or _LABELLED_DATE.match(ln)
        if m and (d := _date(m.group("y"), m.group("m"), m.group("d"))):
            out["issued_on"] = d
            break
    if addressees := _addressees(lines):
        out["addressees"] = addressees
    years = _review_years(text)
    if "midterm_year" in years:
        out["midterm_year"] = years["midterm_year"]
    if "final_year" in years:
        out["final_year"] = years["final_year"]
    return out
