"""The subject of a clause in prose: which units a sentence obliges, and in which role.

A clause opens an obligation when it starts with a unit phrase followed by a duty word:
``X要…`` ``X应当…`` ``X将…`` ``X负责…`` ``X牵头…`` (with an optional adverbial between them:
``基层医疗卫生机构对辖区内的患者要…``), ``X会同Y…`` (Y supports), ``由X牵头，Y、Z配合，…``, and a
routine with its frequency and no duty word (``领导小组每半年召开一次会议``).
A unit phrase is one or more names (``、`` lists, 等单位/等部门 endings) each of which ends like
a unit (局, 委, 部门, 机构, 各县市区 …) or is a sector word (综治, 卫生计生, 公安 …). ``X可…``
is permissive and ``鼓励X…`` an encouragement: neither obliges anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.plans.unit_names import split_units

SECTORS = ("综治", "政法", "卫生计生", "卫生健康", "卫健", "公安", "民政", "司法行政", "司法", "残联", "人社",
           "人力资源社会保障", "财政", "发改", "发展改革", "教育", "教体", "工商", "市场监管", "老龄", "宣传", "医保",
           "应急管理", "工会", "共青团", "团委", "妇联", "网信", "文明办", "信访", "住建", "农业农村", "科技",
           "统计", "编办", "卫生", "计生", "精卫办", "疾控", "乡镇", "街道")
_SECTOR = re.compile(r"^(?:各级|各县市区|各区县|各县|各区|各|市|区|县|县级|市级|区级|县市区|全市|全区|全县)?"
                     rf"(?:{'|'.join(SECTORS)})$")
_UNIT_END = re.compile(
    r"(?:局|委|办|部|厅|院|政府|部门|中心|所|队|站|联|室|处|科|组|单位|机构|学校|院校|高校|医院|卫生院|街道|乡镇|"
    r"社区|村|组织|委员会|办事处|党委|党组|工会|共青团|团委|妇联|县市区|各地|各区|各县|网格员|干事|干部|委员|"
    r"医生|专班|小组|团队|会议|监狱|人员|民警|村委会|居委会|协会|学会)$")
_GENERIC = re.compile(r"^(?:其他|其它)?(?:有关|相关)(?:部门|单位)$|^其他$")
_NOT_UNIT_START = re.compile(r"^(?:对|在|按照|根据|为|通过|结合|依托|围绕|以|将|把|从|经|凡|如|若|当|因|"
                             r"加强|建立|并|由|委托|指定|"
                             r"组织|协调|推动|督促|指导|要求|鼓励|支持|不仅|同时|还|也|确保|做好|开展)")
DUTY = r"要|应当|应|将|负责|须|必须|需要|务必|牵头负责|牵头"
_DUTY_AT = re.compile(rf"(?P<duty>{DUTY})")
_ADVERBIAL = re.compile(r"对|在|按照|根据|为|与|结合|依托|通过|针对|于|从")
_TOGETHER = re.compile(r"(?:要|应当|应|将|负责)?会同(?P<sup>[^，,。；;]{2,60}?)"
                       r"(?=对|在|按照|根据|做好|开展|进行|制订|制定|研究|建立|探索|推进|共同|组织|加强|落实|每|至少|定期|于|年内|"
                       r"(?:19|20)\d\d|，|,|$)")
_LED_BY = re.compile(r"^由(?P<lead>[^，,。；;]{2,60}?)(?:牵头负责|牵头|负责|(?=委托|组织|统筹|会同|指导|协调|统一))"
                     r"(?P<rest>.*)$")
_LEADS = re.compile(r"^(?P<lead>[^，,。；;]{2,60}?)牵头[，,](?P<rest>.*)$")
_SUPPORTS = re.compile(r"^(?P<sup>[^，,。；;]{2,80}?)(?:等(?:有关|相关)?(?:部门|单位))?(?:共同)?(?:配合|协助|参与)"
                       r"[，,]?(?P<rest>.*)$")
_LEVEL = r"(?:省|市|县市区|县（市、区）|县（市）|县|区|乡镇|街道)"
_LEVEL_LIST = re.compile(rf"^(?P<levels>{_LEVEL}(?:、{_LEVEL})+)(?:[两三]级)?(?P<head>[^、（]{{2,}})$")
_LEVEL_SECTOR = re.compile(rf"^(?P<level>省|市|区|县)(?:{'|'.join(SECTORS)})(?:部门|单位)$")
_BARE_SECTOR = re.compile(rf"^(?:{'|'.join(SECTORS)})(?:部门|单位)$")
# 领导小组每半年召开一次会议: a unit, a stated frequency and a verb oblige without 要
_ROUTINE = re.compile(r"^(?P<who>[^，,。；;]{2,30}?)(?=(?:至少|原则上)?每(?:半年|季度?|年|个?月|周)"
                      r"[^，,。；;]{0,6}?(?:召开|开展|组织|报送|报告|通报|督导|检查|走访|随访|培训))")
PERMISSIVE = re.compile(r"^(?P<who>[^，,。；;]{2,40}?)(?:可|可以|可根据需要)(?!能)")
ENCOURAGE = re.compile(r"^(?:鼓励|支持|引导|倡导|提倡)")


@dataclass
class Subject:
    """Who a clause obliges and what follows the subject (the duty's text)."""

    lead: list[str]
    support: list[str] = field(default_factory=list)
    phrase: str = ""
    rest: str = ""


def unit_names(phrase: str) -> list[str]:
    """The unit names of a subject phrase, or [] when any piece is not a unit (公众, 患者, 工作 …)."""
    phrase = phrase.strip(" ，,、：:")
    if not phrase or len(phrase) > 60 or _NOT_UNIT_START.match(phrase):
        return []
    names = _distribute([n for n in split_units(phrase) if not _GENERIC.match(n)])
    if not names:
        return []
    for name in names:
        core = re.sub(r"（[^（）]*）", "", name)
        if not (_UNIT_END.search(core) or _SECTOR.match(core)) or re.search(r"[的了是和中上下]$|[，。]", core):
            return []
    return names


def _distribute(names: list[str]) -> list[str]:
    """A head shared by a list of levels, a level shared by a list of sectors, made explicit.

    市、县市区卫生计生部门 → 市卫生计生部门, 县市区卫生计生部门 (市、县两级政府 likewise);
    区公安、民政、卫生健康部门 (split as 区公安部门, 民政部门, 卫生健康部门) → 区公安部门, 区民政部门,
    区卫生健康部门. A group name (各区、县（市）政府) starts with 各 and is left whole.
    """
    out: list[str] = []
    for name in names:
        shared = _LEVEL_LIST.match(name)
        if shared and not re.match(_LEVEL, shared.group("head")):
            out += [level + shared.group("head") for level in re.findall(_LEVEL, shared.group("levels"))]
        else:
            out.append(name)
    if len(out) > 1 and (first := _LEVEL_SECTOR.match(out[0])):
        out = [out[0], *(first.group("level") + n if _BARE_SECTOR.match(n) else n for n in out[1:])]
    return out


def _support(text: str) -> list[str]:
    """Supporting units named after 会同 (generic 有关部门 dropped)."""
    text = re.sub(r"等(?:有关|相关)?(?:部门|单位)?$", "", text.strip())
    return _distribute([n for n in split_units(text) if not _GENERIC.match(n)])


def clause_subject(clause: str, following: list[str]) -> tuple[Subject, int] | None:
    """The subject opening ``clause`` and how many of the ``following`` clauses it consumed, or None.

    ``following`` are the next clauses of the sentence: ``由A牵头，B、C配合，…`` spans them.
    """
    text = clause.strip()
    led = _LED_BY.match(text) or _LEADS.match(text)
    if led and (lead := unit_names(led.group("lead"))):
        support: list[str] = []
        rest, used = led.group("rest").lstrip("，, "), 0
        if not rest and following and (sup := _SUPPORTS.match(following[0])):
            names = unit_names(sup.group("sup"))
            if names:
                support, rest, used = names, sup.group("rest"), 1
        if not rest and len(following) > used:
            rest, used = following[used], used + 1
        return Subject(lead, support, text[: len(text) - len(led.group("rest"))], rest), used
    for match in _DUTY_AT.finditer(text):
        cuts = [0] + [m.start() for m in _ADVERBIAL.finditer(text, 0, match.start())] + [match.start()]
        head = next((text[:cut] for cut in cuts[1:] if unit_names(text[:cut])), "")
        if not head:
            continue
        lead = unit_names(head)
        rest = text[len(head):]
        support = []
        if together := _TOGETHER.match(rest):
            support = _support(together.group("sup"))
        elif match.group("duty") in ("牵头", "牵头负责") and following and (sup := _SUPPORTS.match(following[0])):
            names = unit_names(sup.group("sup"))
            if names:
                return Subject(lead, names, head, rest + "，" + following[0]), 1
        return Subject(lead, support, head, rest), 0
    together = re.match(rf"^(?P<lead>[^，,。；;]{{2,60}}?){_TOGETHER.pattern}", text)
    if together and (lead := unit_names(together.group("lead"))):
        return Subject(lead, _support(together.group("sup")), together.group("lead"),
                       text[len(together.group("lead")):]), 0
    if (routine := _ROUTINE.match(text)) and (lead := unit_names(routine.group("who"))):
        return Subject(lead, [], routine.group("who"), text[len(routine.group("who")):]), 0
    return None
