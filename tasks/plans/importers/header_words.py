"""Header words: which kind of column a header label names (牵头单位 → lead, 2016年 → year, …).

One list of header words serves every tabular format (.xlsx/.csv sheets, Word grids, text dumps);
``classify`` tells a label's kind, ``norm``/``header_word`` normalise labels for comparison.
"""

from __future__ import annotations

import re

_KINDS: list[tuple[str, str]] = [
    ("lead", r"牵头单位|牵头部门|主责单位|主责部门|主办单位|牵头责任单位|^牵头$"),
    ("support", r"配合单位|配合部门|协办单位|协作单位|参与单位|参与部门|^配合$"),
    ("responsible", r"责任单位|责任部门|实施单位|承办单位|责任主体|负责单位|责任处室"),
    ("remark", r"^备注"),
    ("code", r"^(序号|编号|序列|代码|任务编号|任务代码|指标编号)$"),
    ("direction", r"^(指标)?方向$"),
    ("task_ref", r"^(关联任务|对应任务)(编号)?$"),
    ("nature", r"指标性质|^属性$"),
    ("section", r"一级指标|^(一级任务|类别|分类|领域|重点领域|类型|任务类别|工作类别|项目类别|板块"
                r"|指标分类|指标类别)$"),
    ("level2", r"^(二级指标|二级任务)$"),
    ("group", r"实施进度|进度安排|时间安排|年度目标|阶段目标|时间进度|年度任务|分年度|工作进度"),
    ("task", r"二级指标|三级指标|任务|工作内容|工作措施|主要内容|具体措施|工作目标|重点工作|主要工作|主要措施|"
             r"工作事项|^内容$|^事项$"),
    ("name", r"指标名称|^指标$|^指标项$|^主要指标$"),
    ("unit", r"^(计量)?单位$"),
    ("progress", r"完成时限|完成时间|完成期限|时间节点|时限要求|时间要求|进度要求|时限|^进度$"),
    ("baseline", r"基期|现状|基线|现值|基数|基准"),
    ("target", r"目标值|规划目标|预期目标|^目标$"),
]
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年?")


def norm(text: str) -> str:
    """A label without whitespace, for comparing header cells."""
    return "".join(text.split())


def header_word(text: str) -> str:
    """A header cell normalised: no spaces, stars, colons or trailing parenthetical (牵头单位（部门）)."""
    return re.sub(r"[（(][^）)]*[）)]$", "", re.sub(r"[\s*＊:：]", "", text))


def classify(label: str) -> str:
    """The kind of a header label (``other`` when unknown, ``year`` for a bare year)."""
    text = norm(label)
    if not text:
        return ""
    kind = _classify_word(text)
    if kind == "other" and header_word(text) not in ("", text):
        kind = _classify_word(header_word(text))
    return kind


def _classify_word(text: str) -> str:
    """The kind of a normalised header word."""
    for kind, pattern in _KINDS:
        if re.search(pattern, text):
            return kind
    if YEAR_RE.search(text) and len(text) <= 12:
        return "year"
    return "other"
