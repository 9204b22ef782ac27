"""Split a unit cell or phrase (牵头单位/配合单位/责任单位) into separate unit names.

Rules, in order: role labels and role words (牵头/配合/负责) are dropped; the text is cut at
top-level ``，,；;`` (never inside parentheses); each piece is cut at ``、`` except where
``、`` belongs to a group name (各区、县（市）政府); pieces that share a prefix or a suffix are
completed (各级公安、民政、卫生计生部门 → 各级公安部门, 各级民政部门, 各级卫生计生部门); a
piece is cut at 及/和/与 only between two complete unit names; a trailing 等/等部门 is dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

_OPEN, _CLOSE = "（", "）"
_MAJOR = set("，,；;\n\t ")
_ADMIN = r"(?:省|市|区|县|乡镇|乡|镇|街道|村|社区)(?:（[^）]*）)?"
_ADMIN_LIST = re.compile(rf"各?{_ADMIN}(?:、{_ADMIN})*")
_ADMIN_START = re.compile(_ADMIN)
_SCOPE = re.compile(rf"^(各级|各{_ADMIN}(?:、{_ADMIN})*)")
_UNIT_END = re.compile(
    r"(?:局|委|办|部|厅|院|会|政府|部门|中心|所|队|站|联|室|处|科|组|单位|机构|公司|学校|大学|银行|法院|"
    r"海关|馆|社|台|团|司|署|区|县|市|镇|乡|街道|党委|委员会|办事处)$")
_SHARED_SUFFIX = re.compile(r"(部门|单位|机构|政府)$")
_CONNECTOR = re.compile(r"以及|及|和|与")
_LABEL = re.compile(r"^(?:牵头|配合|责任|协办|主办|承办|参与)?(?:单位|部门)[:：]")
_ROLE_END = re.compile(r"(?:分别|共同|具体)?(?:牵头|配合|负责|协助|参与|落实|协调|实施)+$")
_ROLE_START = re.compile(r"^(?:由|请)")
_ROLE_PAREN = re.compile(r"（(?:牵头|配合|负责|协办|主办|参与)[^（）]{0,4}）$")
_ETC = re.compile(r"等(?:相关|有关|其他)?(?:部门|单位|机构)?$")
_EDGE = "　 \t\n.。:：、，,；;“”\"'《》〔〕【】[]"


def _normalize(text: str) -> str:
    """ASCII parentheses to full width, stray brackets and labels removed."""
    text = text.replace("(", _OPEN).replace(")", _CLOSE).strip(_EDGE)
    while text.startswith(_OPEN) and _split_top(text[1:], {_CLOSE}) == [text[1:-1]] and text.endswith(_CLOSE):
        text = text[1:-1].strip(_EDGE)
    return _LABEL.sub("", text).strip(_EDGE)


def _split_top(text: str, seps: set[str]) -> list[str]:
    """Cut ``text`` at any character of ``seps`` outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += char == _OPEN
        depth -= char == _CLOSE and depth > 0
        if char in seps and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip(_EDGE) for p in parts if p.strip(_EDGE)]


def _clean(piece: str) -> str:
    """Drop role words, 由, a trailing 等 and unbalanced edge parentheses."""
    piece = piece.strip(_EDGE)
    previous = None
    while previous != piece:
        previous = piece
        piece = _ROLE_START.sub("", _ROLE_END.sub("", _ETC.sub("", _ROLE_PAREN.sub("", piece)))).strip(_EDGE)
        if piece.startswith(_OPEN) and piece.count(_OPEN) > piece.count(_CLOSE):
            piece = piece[1:]
        if piece.endswith(_CLOSE) and piece.count(_CLOSE) > piece.count(_OPEN):
            piece = piece[:-1]
    return piece


def _core(piece: str) -> str:
    """The name without a trailing parenthetical: 市卫生计生委（市精卫办） → 市卫生计生委."""
    return re.sub(r"（[^（）]*）$", "", piece)


def _complete(piece: str) -> bool:
    """Whether ``piece`` ends like a unit name (局, 委, 政府, 部门 …)."""
    return bool(_UNIT_END.search(_core(piece))) and not _ADMIN_LIST.fullmatch(piece)


def _merge_admin_lists(pieces: list[str]) -> list[str]:
    """Re-join 各区、县（市）政府: a bare 各区 followed by a piece starting with 县/市 …."""
    out: list[str] = []
    for piece in pieces:
        if out and _ADMIN_LIST.fullmatch(out[-1]) and _ADMIN_START.match(piece):
            out[-1] = f"{out[-1]}、{piece}"
        else:
            out.append(piece)
    return out


def _share(pieces: list[str]) -> list[str]:
    """Complete fragments with the suffix of the next complete piece and a group scope prefix."""
    pieces = list(pieces)
    suffix = ""
    for i in range(len(pieces) - 1, -1, -1):
        piece = pieces[i]
        if _complete(piece) and not _ADMIN_LIST.fullmatch(_core(piece)) and not re.search(r"[区县市镇乡]$", piece):
            found = _SHARED_SUFFIX.search(piece)
            suffix = found.group(1) if found else ""
        elif suffix and not piece.endswith(_CLOSE) and not (piece.startswith("各") and _ADMIN_LIST.fullmatch(piece)):
            pieces[i] = piece + suffix  # (a group such as 各街道 / 各乡镇（街道） takes no suffix)
    scope = _SCOPE.match(pieces[0]) if pieces else None
    if scope and len(pieces) > 1:
        for i in range(1, len(pieces)):
            piece = pieces[i]
            if (re.search(r"(部门|单位|机构)$", piece) or piece in ("政府", "党委")) and not re.match(
                    r"^(各|其他|其它|相关|有关|市|省|区|县)", piece):
                pieces[i] = scope.group(1) + piece
    return pieces


def _split_connectors(piece: str) -> list[str]:
    """Cut at 及/和/与 only where both sides are complete unit names."""
    for match in _CONNECTOR.finditer(piece):
        left, right = piece[:match.start()], piece[match.end():]
        if left.count(_OPEN) != left.count(_CLOSE):
            continue
        right_clean = _clean(right)
        if _complete(left) and right_clean and (_complete(right_clean) or right_clean.startswith("其")):
            return [left, *_split_connectors(right_clean)]
    return [piece]


def split_units(text: str | None) -> list[str]:
    """The separate unit names in a unit cell or phrase, in order, without duplicates."""
    return list(_split_cached(text)) if text else []


@lru_cache(maxsize=4096)
def _split_cached(text: str) -> tuple[str, ...]:
    """``split_units`` memoised: unit cells repeat throughout a table."""
    result: list[str] = []
    for chunk in _split_top(_normalize(text), _MAJOR):
        pieces = [_clean(p) for p in _split_top(chunk, {"、"})]
        pieces = _share(_merge_admin_lists([p for p in pieces if p]))
        for piece in pieces:
            for name in _split_connectors(piece):
                name = _clean(name)
                if name and name not in result:
                    result.append(name)
    return tuple(result)
