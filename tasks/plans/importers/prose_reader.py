"""Numbered prose whose measures end with a responsibility marker → ParsedTasks.

Numbering 一、 → section, （一）/(一) → subsection, 1. / 1． / 1、 → item, （1）/① → sub-item;
the code is the chain of numbers (``2.1.3``) and the section path the chain of titles above.
An item runs over wrapped lines (a line not ending a sentence, or a line opening with a
bracket) until its marker; a heading without a marker followed by an unnumbered paragraph
makes that paragraph an item of the heading. Only the annex counts when
the document has one (a heading ending 分工方案 / 任务分工 / 任务分解表 followed by markers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.errors import Problems
from tasks.plans.importers.responsibility import labelled_line, trailing_marker
from tasks.plans.importers.table_grid import ends_sentence
from tasks.plans.parsed import ParsedMilestone, ParsedTask

_CN = "一二三四五六七八九十百零〇"
_NUMBERING = [
    (1, re.compile(rf"^([{_CN}]+)\s*[、.．]\s*")),
    (2, re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*")),
    (3, re.compile(r"^(\d{1,3})\s*[.．、](?!\d)\s*")),
    (4, re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]\s*")),
    (4, re.compile(r"^([①-⑳])\s*")),
]
_ANNEX = re.compile(r"(任务分工方案|分工方案|任务分工|任务分解表|责任分工|任务清单|分工表)$")
_SCHEDULE = re.compile(r"\d{4}\s*年|每[一两个]?(?:季度?|半年|年度?|月|周|旬)|年底|年内|上半年|下半年|月底|长期坚持")
_SENTENCES = re.compile(r"[^。；;！？]+[。；;！？]?")


@dataclass
class Para:
    """A paragraph (or a line of a text file) and where it is: ``line N``."""

    ref: str
    text: str


@dataclass
class _Open:
    """The measure being read: numbering chain, titles above, text so far, first line."""

    numbers: list[str]
    titles: list[str]
    ref: str
    text: str
    heading: bool
    parts: list[str] = field(default_factory=list)


def _numbering(text: str) -> tuple[int, str, str] | None:
    """The level, number and remaining text of a numbered paragraph."""
    for level, pattern in _NUMBERING:
        match = pattern.match(text)
        if match:
            return level, match.group(1), text[match.end():]
    return None


def annex_start(paras: list[Para]) -> int:
    """Index after the last division-of-labour annex heading that is followed by markers, else 0."""
    for index in range(len(paras) - 1, -1, -1):
        text = re.sub(r"\s+", "", paras[index].text)
        if len(text) <= 60 and "。" not in text and _ANNEX.search(text) and any(
                trailing_marker(p.text) or labelled_line(p.text) for p in paras[index + 1:]):
            return index + 1
    return 0


def prose_tasks(paras: list[Para], file: str, problems: Problems) -> list[ParsedTask]:
    """Every marked measure of the annex (or of the whole document when it has no annex)."""
    stack: list[tuple[int, str, str]] = []  # (level, number, title)
    tasks: list[ParsedTask] = []
    used: dict[str, int] = {}
    current: _Open | None = None
    unmarked: list[_Open] = []
    for para in paras[annex_start(paras):]:
        text = para.text.strip()
        if not text:
            continue
        roles = labelled_line(text)
        if roles and current is not None:
            tasks.append(_task(current, current.text, roles, used))
            current = None
            continue
        numbered = _numbering(text)
        if numbered and not (current and not current.heading and _inside_marker(current.text)):
            if current is not None and not current.heading:
                unmarked.append(current)
            level, number, rest = numbered
            while stack and stack[-1][0] >= level:
                stack.pop()
            heading = level < 3 and _title_like(rest)
            stack.append((level, number, _title(rest)))
            current = _Open([n for _, n, _ in stack], [t for _, _, t in stack[:-1]], para.ref, rest, heading)
        elif current is None or current.heading or _new_paragraph(current.text, text):
            if current is not None and not current.heading:
                unmarked.append(current)
            current = None
            if not stack:
                continue
            titles = [t for _, _, t in stack]
            current = _Open([n for _, n, _ in stack], titles, para.ref, text, False)
        else:
            current.text += text
        found = trailing_marker(current.text)
        if found:
            start, roles = found
            tasks.append(_task(current, current.text[:start], roles, used))
            current = None
    if current is not None and not current.heading:
        unmarked.append(current)
    if tasks:
        for item in unmarked:
            problems.warning(item.ref, f"text under a numbered heading without a responsibility marker; not imported: "
                             f"{item.text[:30]}…", kind="no-marker")
    return tasks


def _new_paragraph(previous: str, text: str) -> bool:
    """Whether ``text`` starts a new measure rather than continuing a wrapped one (or adding its marker)."""
    return ends_sentence(previous) and text[0] not in "（(〔【［["


def _inside_marker(text: str) -> bool:
    """Whether ``text`` ends inside an open bracket (a marker wrapped onto the next line)."""
    return sum(text.count(c) for c in "（(〔【") > sum(text.count(c) for c in "）)〕】")


def _title_like(text: str) -> bool:
    """A heading: short and without a sentence inside it."""
    body = text.rstrip("。 ")
    return len(body) <= 50 and not re.search(r"[。；;]", body)


def _title(text: str) -> str:
    """The title of a numbered paragraph: up to its first full stop."""
    return re.split(r"[。；;]", text.strip(), maxsplit=1)[0].strip()


def _task(item: _Open, text: str, roles: dict[str, list[str]], used: dict[str, int]) -> ParsedTask:
    """A ParsedTask from a closed measure, with its schedule sentences as milestones."""
    text = text.strip().rstrip("，,、 ")
    code = ".".join(_arabic(n) for n in item.numbers)
    used[code] = used.get(code, 0) + 1
    if used[code] > 1:
        code = f"{code}-{used[code]}"
    task = ParsedTask(text=text, ref=item.ref, code=code, section_path=list(item.titles),
                      lead=roles.get("lead", []), support=roles.get("support", []),
                      responsible=roles.get("responsible", []))
    for sentence in _SENTENCES.findall(text):
        if _SCHEDULE.search(sentence):
            clause = sentence.strip().rstrip("。；;")
            task.milestones.append(ParsedMilestone(label="完成时限", text=clause, clause=True))
    return task


def _arabic(number: str) -> str:
    """一 → 1, 十二 → 12, ③ → 3; Arabic numbers unchanged."""
    if number.isdigit():
        return str(int(number))
    if "①" <= number <= "⑳":
        return str(ord(number) - ord("①") + 1)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["〇"] = 0
    if "百" in number:
        hundreds, _, rest = number.partition("百")
        return str(digits.get(hundreds, 1) * 100 + int(_arabic(rest.lstrip("零〇")) if rest else 0))
    if "十" in number:
        tens, _, ones = number.partition("十")
        return str((digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0))
    return str(digits.get(number, 0))


paragraph_number = _numbering  # public names for the obligations reader, which shares the numbering rules
arabic = _arabic
