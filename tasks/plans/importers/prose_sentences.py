"""Prose paragraphs cut into sentences and clauses, numbered headings into sections.

Sentences end at 。；！？ and before an enumerated item (一是… 二是…, after ：or ；); clauses are cut at
top-level ，, (never inside （）《》“”). Paragraphs broken mid-sentence by a page break are joined,
and the stray marks of web dumps (□ 『』 ①) are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.plans.importers.prose_reader import Para, arabic, paragraph_number

_TRAILING_MARKS = "□『』 \u3000" + "".join(chr(c) for c in range(ord("①"), ord("⑳") + 1))
_ENDS = "。；;！？!?：:）)"
_OPEN, _CLOSE = "（(《“‘「【〔", "）)》”’」】〕"
_ITEM = re.compile(r"^[一二三四五六七八九十]是[，,：:]?")
LIST_MARK = re.compile(r"^(?:[一二三四五六七八九十]是|[（(]\d{1,2}[）)]|\d{1,2}[、.．](?!\d))\s*[，,：:]?")


@dataclass
class Block:
    """A paragraph's body under its numbered heading: code chain, section titles and first line."""

    ref: str
    numbers: list[str]
    titles: list[str]
    body: str


def clean(text: str) -> str:
    """A line without the dump's stray marks."""
    return text.strip().strip(_TRAILING_MARKS).strip()


def blocks(paras: list[Para]) -> list[Block]:
    """Paragraph bodies with their heading chain; a numbered paragraph's title sentence is not body."""
    stack: list[tuple[int, str, str]] = []
    out: list[Block] = []
    for para in paras:
        text = clean(para.text)
        if not text:
            continue
        if out and len(out[-1].body) >= 40 and out[-1].body[-1] not in _ENDS and not paragraph_number(text):
            out[-1].body += text  # a sentence broken over a page
            continue
        numbered = paragraph_number(text)
        if numbered:
            level, number, rest = numbered
            while stack and stack[-1][0] >= level:
                stack.pop()
            title, body = _title(rest)
            stack.append((level, number, title))
            out.append(Block(para.ref, [arabic(n) for _, n, _ in stack], [t for _, _, t in stack], body))
        else:
            out.append(Block(para.ref, [arabic(n) for _, n, _ in stack], [t for _, _, t in stack], text))
    return out


def _title(rest: str) -> tuple[str, str]:
    """(title, body) of a numbered paragraph: a short first sentence is its title, a short line all title."""
    rest = rest.strip()
    if m := re.match(r"^([^。，,：:；;]{1,30})。\s*(.*)$", rest):
        return m.group(1), m.group(2)
    if len(rest) <= 40 and not re.search(r"[。；;，,]", rest.rstrip("。")):
        return rest.rstrip("。"), ""
    return "", rest


def sentences(body: str) -> list[str]:
    """The sentences of a body, enumerated items (一是…) each their own sentence."""
    body = re.sub(r"([：:；;。])\s*(?=[一二三四五六七八九十]是)", r"\1\n", body)
    out: list[str] = []
    for line in body.split("\n"):
        out += [s.strip() for s in _split_top(line, "。；;！？!?", keep=True) if s.strip()]
    return out


def clauses(sentence: str) -> list[str]:
    """The top-level clauses of a sentence (end punctuation dropped)."""
    return [c.strip() for c in _split_top(sentence.rstrip("。；;！？!?"), "，,", keep=False) if c.strip()]


def _split_top(text: str, seps: str, *, keep: bool) -> list[str]:
    """Cut ``text`` after (keep) or at each separator outside brackets and quotes."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if char in seps and depth == 0:
            parts.append(current + (char if keep else ""))
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def item_start(sentence: str) -> bool:
    """Whether a sentence opens an enumerated item (一是…)."""
    return bool(_ITEM.match(sentence))
