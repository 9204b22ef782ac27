"""Prose without responsibility markers → a DRAFT division-of-labour table: one task per obligation.

A clause whose subject is a unit, a group or a sector word (see ``clause_subjects``) opens an
obligation; the following clauses without a subject belong to it, up to the next subject or the
sentence end. A sentence without a subject that starts (after any adverbial clauses) with 要/应当/
须/并 carries the last subject of the same paragraph; with none it is an obligation without a
unit. Each obligation keeps its source sentence and line (in ``remark`` so that the workbook round
trip keeps it), its time phrases as one schedule cell, and a confidence (1 an explicit subject,
0.7 a carried one, 0.3 no unit). Sentences that read like duties but are not taken are returned
with the reason, for the import report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tasks.plans.importers.clause_subjects import ENCOURAGE, PERMISSIVE, Subject, clause_subject, unit_names
from tasks.plans.importers.prose_reader import Para
from tasks.plans.importers.prose_sentences import LIST_MARK, Block, blocks, clauses, item_start, sentences
from tasks.plans.importers.time_phrases import read_time
from tasks.plans.parsed import ParsedMilestone, ParsedTask

_MODAL_START = re.compile(r"^(?:不仅|更|并|同时|还|也|均|都|进一步)?(?:要|应当|应|须|必须|务必|需)(?!急|用|求|对|有)")
_TIME_CLAUSE = re.compile(r"^(?:力争|争取)?(?:到|至|在|于)?\s*"
                          r"(?:(?:19|20)\d\d\s*年[^，,]{0,6}|年内|年底前|今年[^，,]{0,6})$")
_LOOKS = re.compile(r"要|应当|须|负责|牵头|配合|鼓励|支持|可根据|可以|(?:^|[，,])(?:加强|建立|完善|推进|落实|开展|制定|"
                    r"制订|研究|探索|推动|做好|提高|健全|组织|实施|积极|大力|逐步|切实|认真)")
_PAST = re.compile(r"截至|截止|目前|已经|已|^先后|了[，。；]|了$")
_INTRO = re.compile(r"(?:以下|如下|下列|几项)[^，。；]{0,12}[：:]?$|[：:]$")
_MODAL_PREFIX = re.compile(r"^(?:要|应当|应|须|必须|务必|将)")
CONFIDENCE = {"subject": 1.0, "carried": 0.7, "none": 0.3}


@dataclass
class Obligation:
    """One obligation read from prose, before it becomes a ParsedTask."""

    task: ParsedTask
    sentence: str
    basis: str  # subject | carried | none
    periodic: bool = False
    event: bool = False

    @property
    def confidence(self) -> float:
        """How sure the reader is about the obligation's units."""
        return CONFIDENCE[self.basis]


@dataclass
class NotTaken:
    """A sentence that reads like a duty but became no obligation, and why."""

    ref: str
    sentence: str
    reason: str


@dataclass
class ObligationReading:
    """Everything the obligations reader found."""

    obligations: list[Obligation] = field(default_factory=list)
    not_taken: list[NotTaken] = field(default_factory=list)

    @property
    def tasks(self) -> list[ParsedTask]:
        """The obligations as tasks, in document order."""
        return [o.task for o in self.obligations]


@dataclass
class _Context:
    """What the reader knows of the document while reading it."""

    doc_year: int | None
    issued_on: date | None
    has_period: bool
    used: dict[str, int] = field(default_factory=dict)


def read_obligations(paras: list[Para], *, issued_on: date | None = None, doc_year: int | None = None,
                     has_period: bool = False) -> ObligationReading:
    """Every obligation of the prose (see the module docstring)."""
    ctx = _Context(doc_year or (issued_on.year if issued_on else None), issued_on, has_period)
    reading = ObligationReading()
    for block in blocks(paras):
        _read_block(block, ctx, reading)
    return reading


def _read_block(block: Block, ctx: _Context, reading: ObligationReading) -> None:
    """The obligations of one paragraph; the last subject carries over to subjectless sentences."""
    last: Subject | None = None
    for sentence in sentences(block.body):
        body = LIST_MARK.sub("", sentence)
        found = _sentence_obligations(body, last, item=item_start(sentence))
        if not found:
            if reason := _why_not(body, last):
                reading.not_taken.append(NotTaken(block.ref, sentence, reason))
            continue
        for subject, text, basis in found:
            last = subject if subject.lead else last
            if _INTRO.search(text) and len(found) == 1:
                continue  # 各街道要做好以下工作： — the subject of the items that follow
            reading.obligations.append(_obligation(block, sentence, subject, text, basis, ctx))


def _sentence_obligations(sentence: str, last: Subject | None, *, item: bool = False) -> list[tuple[Subject, str, str]]:
    """(subject, duty text, basis) of each obligation in one sentence (an item 一是… carries ``last``)."""
    parts = clauses(sentence)
    out: list[tuple[Subject, list[str], str]] = []
    prefix: list[str] = []
    index = 0
    while index < len(parts):
        clause = parts[index]
        found = clause_subject(clause, parts[index + 1:])
        if found and not (out and found[0].lead == out[-1][0].lead and not found[0].support):
            subject, used = found
            out.append((subject, [*prefix, _MODAL_PREFIX.sub("", subject.rest)], "subject"))
            prefix = []
            index += 1 + used
            continue
        if out:
            out[-1][1].append(clause)
        elif _MODAL_START.match(clause) or (last and prefix and index == 1 and _TIME_CLAUSE.match(prefix[0])):
            carried = last or Subject([])
            duty = _MODAL_PREFIX.sub("", re.sub(r"^(?:不仅|更|并|同时|还|也|均|都)", "", clause))
            out.append((carried, [*prefix, duty],
                        "carried" if last else "none"))
            prefix = []
        else:
            prefix.append(clause)
        index += 1
    if not out and item and last:
        out.append((last, prefix, "carried"))
    return [(s, "，".join(p for p in parts_ if p).strip("，, "), b) for s, parts_, b in out]


def _why_not(sentence: str, last: Subject | None) -> str | None:
    """Why a sentence that reads like a duty was not taken (None: it does not read like one)."""
    first = clauses(sentence)[0] if clauses(sentence) else ""
    if (m := PERMISSIVE.match(first)) and unit_names(m.group("who")):
        return f"permissive (可): {m.group('who')} may, but is not obliged to"
    if ENCOURAGE.match(first):
        return "an encouragement (鼓励/支持/引导): no unit is obliged"
    if _PAST.search(first):
        return None  # background: what has been done
    if not _LOOKS.search(sentence):
        return None
    subject = re.split(r"要|应当|应|须|负责|可", first, maxsplit=1)[0]
    if subject and subject != first and len(subject) <= 20:
        return f"the subject '{subject}' is not a unit, a group or a sector"
    return "no unit named and none earlier in the paragraph"


def _obligation(block: Block, sentence: str, subject: Subject, text: str, basis: str, ctx: _Context) -> Obligation:
    """A ParsedTask for one obligation: code, section, units, schedule cell, source sentence."""
    chain = ".".join(block.numbers)
    ctx.used[chain] = ctx.used.get(chain, 0) + 1
    code = f"{chain}.{ctx.used[chain]}" if chain else str(ctx.used[chain])
    time = read_time(text, doc_year=ctx.doc_year, issued_on=ctx.issued_on, has_period=ctx.has_period)
    task = ParsedTask(text=text.rstrip("，,；;。") + "。", ref=block.ref, code=code,
                      section_path=[t for t in block.titles if t], lead=list(subject.lead),
                      support=[u for u in subject.support if u not in subject.lead],
                      remark=f"原文（{block.ref}）：{sentence}")
    if time.cell:
        task.milestones.append(ParsedMilestone(label="完成时限", text=time.cell))
    return Obligation(task, sentence, basis, time.periodic, time.event)
