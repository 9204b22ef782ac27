"""Responsibility markers that close a measure in prose plans, and their units by role.

Recognised (half- or full-width brackets, 〔〕 【】 ［］ too):
- （A牵头，B、C配合） / （A负责，B指导） → lead A; support B, C.  （A、B负责） / （A、B共同负责） → all lead.
- （A负责协调，B、C分别落实） → lead A; B, C responsible: each carries out its own part, so they
  answer for it (not merely supporting), yet A coordinates.
- 〔责任单位：A、B，各乡镇（街道）〕 → responsible (no lead/support split given);
  【牵头单位：A；配合单位：B】 → lead / support by label.

Inside a measure, a clause may have its own subject ("各乡镇（街道）每季度…", "公安、民政等部门要…"):
``subject_candidates`` lists the unit names such a clause may start with; the import keeps the first
candidate whose every name the directory resolves (tasks.plans.clause_units).
"""

from __future__ import annotations

import re

from tasks.plans.unit_names import split_units

_OPEN = "（(〔【［["
_CLOSE = "）)〕】］]"
_LABELS = [("lead", r"牵头单位|牵头部门|主责单位"), ("support", r"配合单位|配合部门|协办单位|参与单位"),
           ("responsible", r"责任单位|责任部门|实施单位|负责单位")]  # not 主办/承办单位: web page footers
_LABEL_RE = re.compile("(" + "|".join(p for _, p in _LABELS) + r")\s*[:：]")
_VERBS = [("responsible", r"分别落实|分别负责|具体落实|落实"), ("lead", r"牵头负责|负责协调|共同负责|牵头|负责|主责"),
          ("support", r"配合|协助|参与|协同|指导")]
_VERB_END = re.compile("(" + "|".join(p for _, p in _VERBS) + r")$")
_CLAUSE_SEP = re.compile(r"[，,；;]")
_TRAILING = "。．.；;，,、 \u3000\t\r\n"


def trailing_marker(text: str) -> tuple[int, dict[str, list[str]]] | None:
    """Where the responsibility marker closing ``text`` starts and its units by role, or None."""
    body = text.rstrip(_TRAILING)
    if not body or body[-1] not in _CLOSE:
        return None
    depth = 0
    for pos in range(len(body) - 1, -1, -1):
        char = body[pos]
        depth += char in _CLOSE
        depth -= char in _OPEN
        if depth == 0:
            roles = parse_marker(body[pos + 1:-1])
            return (pos, roles) if roles else None
    return None


def labelled_line(text: str) -> dict[str, list[str]] | None:
    """Units of a paragraph that is itself a marker: ``牵头单位：A；配合单位：B`` (no brackets)."""
    stripped = text.strip().strip(_OPEN + _CLOSE)
    return parse_marker(stripped) if _LABEL_RE.match(stripped) else None


def parse_marker(inner: str) -> dict[str, list[str]]:
    """Units by role in a marker's inside text; empty when it is no responsibility marker."""
    inner = re.sub(r"\s+", "", inner)
    if _LABEL_RE.search(inner):
        return _labelled(inner)
    roles: dict[str, list[str]] = {}
    pending: list[str] = []
    for clause in _CLAUSE_SEP.split(inner):
        pending.append(clause)
        match = _VERB_END.search(clause)
        if not match:
            continue
        role = next(r for r, p in _VERBS if re.fullmatch(p, match.group(1)))
        names = "，".join(pending)[: -len(match.group(1))]
        names = re.sub(r"(分别|共同|具体|等部门|等单位|等)$", "", names)
        roles.setdefault(role, []).extend(split_units(names))
        pending = []
    if not roles or any(p.strip() for p in pending):
        return {}
    return {role: units for role, units in roles.items() if units}


def _labelled(inner: str) -> dict[str, list[str]]:
    """Units by label: 责任单位：… / 牵头单位：…；配合单位：…"""
    roles: dict[str, list[str]] = {}
    parts = _LABEL_RE.split(inner)
    for label, units in zip(parts[1::2], parts[2::2], strict=False):
        role = next(r for r, p in _LABELS if re.fullmatch(p, label))
        roles.setdefault(role, []).extend(split_units(units.strip("；;，,。 ")))
    return {role: units for role, units in roles.items() if units}


# words that end a clause's subject: what the subject does, when, or how
_SUBJECT_END = re.compile(r"要|应|须|将|严格|负责|牵头|每|至少|定期|对|会同|按|结合|组织|开展|落实|加强|建立|做好"
                          r"|在|于|分别|共同|联合|督促|指导|切实|积极|全面|认真|进一步|依法|统筹|持续|不断|继续|做到")
_SUBJECT_TAIL = re.compile(r"(?:等|及其他|和其他)?(?:相关|有关)?(?:部门|单位)?$")
_TIME_CLAUSE = re.compile(r"^[\d〇零一二三四五六七八九十]{0,4}年?(?:[\d一二三四五六七八九十]{1,2}月)?"
                          r"(?:底|末|内|前|起|以来|上半年|下半年)*"
                          r"(?:前|底前|起|开始|以来)?$")
_NAME_SEPS = re.compile(r"[、，,和及与]")


def subject_candidates(sentence: str) -> list[list[str]]:
    """The unit-name lists a clause's subject may be, shortest prefix first ([] for none).

    ``公安、民政等部门要…`` → [["公安", "民政"]]; ``各乡镇（街道）每季度…`` → [["各乡镇（街道）"]];
    a leading time phrase (``2025年底前，…``) is skipped. Names are not checked against the directory here."""
    clauses = re.split(r"[，,]", sentence.strip(), maxsplit=2)
    head = clauses[0]
    if len(clauses) > 1 and _TIME_CLAUSE.match(re.sub(r"\s+", "", head)):
        head = clauses[1]
    head = re.sub(r"^(?:由|请|并由)", "", head.strip())
    out: list[list[str]] = []
    for match in _SUBJECT_END.finditer(head):
        prefix = _SUBJECT_TAIL.sub("", head[:match.start()])
        if not prefix or _inside(prefix):
            continue
        names = [n.strip() for n in _NAME_SEPS.split(prefix) if n.strip()]
        if names and all(2 <= len(n) <= 20 for n in names) and names not in out:
            out.append(names)
    return out


def _inside(text: str) -> bool:
    """Whether ``text`` ends inside an open bracket (the subject cannot end there)."""
    return sum(text.count(c) for c in _OPEN) > sum(text.count(c) for c in _CLOSE)
