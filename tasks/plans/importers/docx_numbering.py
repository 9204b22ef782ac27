"""Word automatic numbering: the number Word shows before a paragraph (一、 （二） 3. ①), which is not in
its text.

Plans typed with Word's or WPS's list numbering keep 一、/（一）/1. in ``numbering.xml``, not in the
paragraph. ``DocxNumbering`` replays the counters in reading order: a paragraph's numbering comes from
its own ``w:numPr`` or its style's (through ``basedOn``); counters belong to the abstract definition, so
instances of one list continue it, unless an instance restarts a level (``w:startOverride``); a level
restarts when a higher level advances. Bullets and unknown formats give no number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from lxml import etree

_VAL = qn("w:val")
_NUMERALS = "〇一二三四五六七八九"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_number(n: int) -> str:
    """一, 十, 十一, 二十, 一百零五 — Chinese counting as Word writes it (chineseCounting)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _NUMERALS[n]
    if n < 20:
        return "十" + (_NUMERALS[n % 10] if n % 10 else "")
    if n < 100:
        return _NUMERALS[n // 10] + "十" + (_NUMERALS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        middle = "" if not rest else ("零" + chinese_number(rest) if rest < 10 else
                                      (_NUMERALS[1] if rest < 20 else "") + chinese_number(rest))
        return _NUMERALS[n // 100] + "百" + middle
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def _letters(n: int) -> str:
    """A…Z, then AA, BB… as Word does."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def format_number(n: int, fmt: str) -> str | None:
    """``n`` in the Word number format ``fmt``; None for bullets, 'none' and formats not supported."""
    if fmt in ("decimal", "decimalZero") or not fmt:
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "japaneseCounting",
               "ideographDigital", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese_number(n)
    if fmt in ("ideographTraditional",):
        return _HEAVENLY_STEMS[(n - 1) % 10]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n) if fmt == "upperLetter" else _letters(n).lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    return None


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; None: after any higher
    suffix: str = "tab"  # what follows the number: tab, space or nothing


@dataclass
class _List:
    levels: dict[int, _Level] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)


def _int(element: etree._Element | None, default: int) -> int:
    value = element.get(_VAL) if element is not None else None
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _levels(abstract: etree._Element) -> dict[int, _Level]:
    """The levels (w:lvl) of an abstract numbering definition, by ilvl."""
    out: dict[int, _Level] = {}
    for lvl in abstract.iterchildren(qn("w:lvl")):
        restart = lvl.find(qn("w:lvlRestart"))
        out[_int_attr(lvl, qn("w:ilvl"))] = _Level(
            start=_int(lvl.find(qn("w:start")), 1), fmt=_attr(lvl, "w:numFmt") or "decimal",
            text=_attr(lvl, "w:lvlText") or "", restart=_int(restart, -1) if restart is not None else None,
            suffix=_attr(lvl, "w:suff") or "tab")
    return out


def _int_attr(element: etree._Element, name: str) -> int:
    try:
        return int(element.get(name, "0"))
    except ValueError:
        return 0


class DocxNumbering:
    """Replays a document's automatic numbering; ``label(p)`` for each paragraph in reading order."""

    def __init__(self, document: DocxDocument) -> None:
        self._lists: dict[str, _List] = {}  # abstractNumId → levels and counters
        self._instances: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self._started: set[str] = set()  # instances whose start overrides were applied
        self._styles: dict[str, tuple[str | None, int | None, str | None]] = {}  # styleId → (numId, ilvl, basedOn)
        self._default_style: str | None = None
        self._resolved: dict[str | None, tuple[str | None, int | None]] = {}
        self._read_styles(document)
        self._read_numbering(document)

    def _read_styles(self, document: DocxDocument) -> None:
        for style in document.styles.element.iterchildren(qn("w:style")):
            if style.get(qn("w:type")) != "paragraph":
                continue
            style_id = style.get(qn("w:styleId"))
            if style.get(qn("w:default")) in ("1", "true"):
                self._default_style = style_id
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            num_id = num_pr.find(qn("w:numId")) if num_pr is not None else None
            ilvl = num_pr.find(qn("w:ilvl")) if num_pr is not None else None
            based = style.find(qn("w:basedOn"))
            self._styles[style_id] = (num_id.get(_VAL) if num_id is not None else None,
                                      _int(ilvl, 0) if ilvl is not None else None,
                                      based.get(_VAL) if based is not None else None)

    def _read_numbering(self, document: DocxDocument) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.part import XmlPart

        try:
            part = document.part.part_related_by(RT.NUMBERING)
        except KeyError:  # no numbering part: nothing is numbered automatically
            return
        if not isinstance(part, XmlPart):  # python-docx loads the numbering part as XML
            return
        root = part.element
        links: dict[str, str] = {}  # abstractNumId → numbering style it only refers to (numStyleLink)
        for abstract in root.iterchildren(qn("w:abstractNum")):
            abstract_id = abstract.get(qn("w:abstractNumId"))
            self._lists[abstract_id] = _List(_levels(abstract))
            link = abstract.find(qn("w:numStyleLink"))
            if link is not None:
                links[abstract_id] = link.get(_VAL)
        for num in root.iterchildren(qn("w:num")):
            abstract = num.find(qn("w:abstractNumId"))
            overrides = {}
            for override in num.iterchildren(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    overrides[_int_attr(override, qn("w:ilvl"))] = _int(start, 1)
            self._instances[num.get(qn("w:numId"))] = (abstract.get(_VAL) if abstract is not None else "", overrides)
        for abstract_id, style_id in links.items():  # share the list the numbering style defines
            target = self._instances.get(self._style_num_pr(style_id)[0] or "", ("", {}))[0]
            if target in self._lists and target != abstract_id:
                self._lists[abstract_id] = self._lists[target]

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) a paragraph style gives, through its basedOn chain (memoised per style)."""
        if style_id not in self._resolved:
            self._resolved[style_id] = self._resolve_style(style_id)
        return self._resolved[style_id]

    def _resolve_style(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        num_id = ilvl = None
        while style_id and style_id not in seen and (num_id is None or ilvl is None):
            seen.add(style_id)
            own_num, own_lvl, based = self._styles.get(style_id, (None, None, None))
            num_id = num_id if num_id is not None else own_num
            ilvl = ilvl if ilvl is not None else own_lvl
            style_id = based
        return num_id, ilvl

    def label(self, p: etree._Element) -> str:
        """The number Word shows before paragraph ``p`` followed by its separator, or ""; advances the
        counters, so call it once per paragraph in reading order."""
        if not self._lists:
            return ""
        ppr = p.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        own_lvl = _attr(num_pr, "w:ilvl")
        style_num, style_lvl = self._style_num_pr(_attr(ppr, "w:pStyle") or self._default_style)
        num_id = _attr(num_pr, "w:numId") or style_num
        ilvl = int(own_lvl) if own_lvl and own_lvl.isdigit() else (style_lvl or 0)
        if not num_id or num_id == "0" or num_id not in self._instances:
            return ""
        abstract_id, overrides = self._instances[num_id]
        numbered = self._lists.get(abstract_id)
        if numbered is None or ilvl not in numbered.levels:
            return ""
        if num_id not in self._started:
            self._started.add(num_id)
            for restarted, start in overrides.items():
                numbered.counters[restarted] = start - 1
                for deeper in [k for k in numbered.counters if k > restarted]:
                    del numbered.counters[deeper]
        level = numbered.levels[ilvl]
        numbered.counters[ilvl] = numbered.counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in numbered.counters if k > ilvl]:
            restart = numbered.levels[deeper].restart if deeper in numbered.levels else None
            if restart is None or (restart > 0 and ilvl < restart):
                del numbered.counters[deeper]
        text = level.text
        for k in range(9):
            if f"%{k + 1}" not in text:
                continue
            shown = numbered.levels.get(k, _Level())
            value = format_number(numbered.counters.get(k, shown.start), shown.fmt)
            if value is None:
                return ""
            text = text.replace(f"%{k + 1}", value)
        if format_number(1, level.fmt) is None or not text.strip():
            return ""
        return text + ("" if level.suffix == "nothing" else " ")


def _attr(element: etree._Element | None, child: str) -> str | None:
    node = element.find(qn(child)) if element is not None else None
    return node.get(_VAL) if node is not None else None
