"""Responsibility markers that close a measure in prose plans, and their units by role.

Recognised (half- or full-width brackets, 〔〕 【】 ［］ too):
- （A牵头，B、C配合） / （A负责，B指导） → lead A; support B, C.  （A、B负责） / （A、B共同负责） → all lead.
- （A负责协调，B、C分别落实） → lead A; B, C responsible: each carries out its own part, so they
  answer for it (not merely supporting), yet A coordinates.
- 〔责任单位：A、B，各乡镇（街道）〕 → responsible (no lead/support split given);
  【牵头单位：A；配合单位：B】 → lead / support by label.
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
