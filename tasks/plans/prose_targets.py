"""Find quantitative targets stated in a plan's prose (…管理率达到85%以上) as indicators.

Recognised phrasings, clause by clause (a clause ends at ，；。):
* ``<name>达到/不低于/增加到… <value>`` — name is the noun phrase before the verb ending in 率/数/数量/比例…
  (or, when only a time phrase stands there, in the clause before: …医师数量，2020年年底达到2.8人/10万人口);
* ``<name>在现有基础上提高50%`` — a relative target;
* ``城市、农村<rest>分别达到80%、60%`` — one indicator per item;
* ``70%以上的县市区设有…`` — a share, named ``设有…的县市区比例``.
Background statements (截至…、已…、…了; after 截至… the rest of its sentence) are skipped.  The target
year is the nearest year phrase before the value in its sentence, else the year of the last goal heading
(发展目标。到2020年 / 主要目标（到2020年）), else the end of the plan's period.  The same (name, value,
year) is kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.plans.metadata import extract_metadata
from tasks.plans.parsed import ParsedIndicator, ParsedTarget
from tasks.plans.targets import parse_target

_NUM = r"\d+(?:\.\d+)?"
_UNIT = (r"(?:%|‰|(?:名|人|个|家|所|张|次|万人|万元|元|天)"
         r"(?:\s*/\s*(?:10\s*万|万|千|百)?\s*(?:常住)?(?:人口|人))?)")
_SUFFIX = r"\s*(?:及?以上|及?以下|以内)?"
_ABS_VERB = (r"达到|不低于|不少于|不高于|不超过|低于|(?:提高|增加|提升|降低|减少)(?:到|至)|增至|降至|"
             r"保持在|稳定在|控制在"
             r"|达(?![到成标])")
_ABSOLUTE = re.compile(rf"(?P<verb>{_ABS_VERB})\s*(?P<target>(?:每\s*\d*\s*[万千百]?人口\s*)?{_NUM}\s*{_UNIT}?"
                       rf"{_SUFFIX}(?:[（(][^（）()]*[)）])?)")
_RELATIVE = re.compile(rf"(?P<verb>(?:在现有基础上|在\S{{0,10}}基础上|比\S{{0,10}}?|较\S{{0,10}}?)?"
                       rf"(?:提高|增加|增长|提升|降低|减少|下降))(?![到至])\s*(?P<target>{_NUM}\s*%)")
_SPREAD = re.compile(rf"分别(?P<verb>达到|不低于|提高到|增加到|为)\s*"
                     rf"(?P<vals>{_NUM}\s*%?(?:\s*[、和及]\s*{_NUM}\s*%?)+){_SUFFIX}")
_SHARE = re.compile(rf"^(?P<target>{_NUM}\s*%{_SUFFIX})的(?P<subject>[^，。；]{{1,15}}?)"
                    r"(?P<pred>(?:建立|设有|设立|接受|开展|配备|实现|纳入|参加|参与|具备|拥有|获得|完成|使用|"
                    r"落实|得到|成立|组建|享有|享受|开设)[^，。；]*)")
_STAFFING = re.compile(r"^每(?:个|所|家|一)?(?P<where>[^，。；]{2,20}?)(?:至少|均|要|应)*配备(?:不少于)?\s*"
                       r"(?P<n>\d+)\s*名(?P<who>[^，。；]{1,20}?)(?=承担|负责|从事|[。；]|$)")
_NAME_END = re.compile(r"(?:率|数|数量|比例|比重|占比|人次|密度|覆盖面|水平|指数)$")
_ANY_VERB = re.compile(rf"(?:{_ABS_VERB}|(?:在\S{{0,10}}基础上)?(?:提高|增加|增长|提升|降低|减少|下降)"
                       r"|分别\S{0,4})(?=\s*\d)")
_NAME_START = re.compile(r".*(?:[地得要使让，,：:]|确保|力争|实现|推动|掌握|增加|提高|"
                         r"全市|全区|全县|全省|我市|我区|我县)")
_LIST_MARK = re.compile(r"^\s*[（(]?(?:[一二三四五六七八九十]+|\d+)[)）、.．]\s*")
_YEAR_PHRASE = re.compile(r"(?:到|至|在)?\s*(?P<y>(?:19|20)\d\d)\s*年(?:\s*年?底|末|前|以前)*(?![-—–－~至到\d])")
_GOAL_HEADING = re.compile(r"^\s*(?:(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)?"
                           r"[^。，]{0,12}目标[^。，]{0,4}?[。:：，]?\s*)?"
                           r"[（(]?\s*(?:到|至)\s*(?P<y>(?:19|20)\d\d)\s*年")
_PAST = re.compile(r"截至|截止|目前|已经|已有|现有\d|(?<!为)了")
_AS_OF = re.compile(r"截至|截止")
_TITLE = re.compile(r"《[^》]*》")
_PAIR_WORDS = ("城市", "农村", "城镇", "乡村", "城区", "市级", "县级", "区级", "乡镇", "男性", "女性", "儿童", "成人")
_PER_POPULATION = re.compile(r"每\s*(?P<base>\d*\s*[万千百]?\s*(?:常住)?人口)")
_DIGITS = str.maketrans("０１２３４５６７８９％．", "0123456789%.")


@dataclass
class _Hit:
    """One target found in a clause, before naming and dating."""

    name: str
    target: str
    start: int


def _name(before: str, previous: list[str]) -> str | None:
    """The indicator name: the noun phrase ending in 率/数… before the verb (or in an earlier clause)."""
    for candidate in [before, *(_ANY_VERB.split(p, maxsplit=1)[0] for p in reversed(previous))]:
        text = _YEAR_PHRASE.sub("", candidate).strip()
        text = re.sub(r"(?:在现有基础上|在\S{0,10}基础上)$", "", text)
        text = _NAME_START.sub("", _LIST_MARK.sub("", text)).strip(" 的")
        if text and _NAME_END.search(text):
            return text
        if text:
            return None
    return None


def _spread_names(name: str, count: int) -> list[str] | None:
    """城市、农村普通人群…知晓率 → 城市普通人群…知晓率, 农村普通人群…知晓率 (None if it does not split)."""
    parts = re.split(r"[、和及]", name)
    if len(parts) != count:
        return None
    if all(_NAME_END.search(p) for p in parts):
        return parts
    last = parts[-1]
    head = next((w for w in _PAIR_WORDS if last.startswith(w)), last[:len(parts[0])])
    rest = last[len(head):]
    return [p + rest for p in parts[:-1]] + [last] if rest else None


def _clause_hits(clause: str, previous: list[str], staffing: bool = False) -> list[_Hit]:
    """The targets stated in one clause (staffing norms 每…配备1名 only when asked: drafts from prose)."""
    hits: list[_Hit] = []
    if staffing and (m := _STAFFING.match(clause.strip())):  # 每个社区卫生服务中心至少配备1名专职精防医生
        return [_Hit(f"每个{m.group('where')}配备{m.group('who')}人数", f"不少于{m.group('n')}名", 0)]
    if m := _SPREAD.search(clause):
        values = re.findall(rf"{_NUM}\s*%?", m.group("vals"))
        unit = "%" if "%" in m.group("vals") else ""
        tail = re.sub(r"^\s*", "", clause[m.end("vals"):m.end()])
        names = _spread_names(_name(clause[:m.start()], previous) or "", len(values))
        for name, raw in zip(names or [], values, strict=False):
            value = raw.strip()
            hits.append(_Hit(name, f"{m.group('verb')}{value}{'' if value.endswith('%') else unit}{tail}", m.start()))
        return hits
    if m := _SHARE.match(clause.strip()):
        pred = re.sub(r"由[^，。；]*?参与的", "", m.group("pred"))
        pred = re.split(r"或|并|和|及", pred)[0]
        return [_Hit(f"{pred}的{m.group('subject')}比例", m.group("target"), 0)]
    for pattern in (_RELATIVE, _ABSOLUTE):
        after = 0  # A达到90%、B达到85%: B's name starts after A's value
        for m in pattern.finditer(clause):
            found = _name(clause[after:m.start()].lstrip("、和及 "), previous)
            if found:
                target = m.group("target") if pattern is _ABSOLUTE else clause[m.start():m.end()]
                hits.append(_Hit(found, f"{m.group('verb')}{target}" if pattern is _ABSOLUTE else target, m.start()))
                after = m.end()
        if hits:
            return hits
    return hits


def extract_prose_indicators(text: str, file: str, *, staffing: bool = False) -> list[ParsedIndicator]:
    """Every quantitative target phrase in the text, as an indicator with its target (see module doc)."""
    fallback_year = extract_metadata(text).get("period_end")
    goal_year: int | None = None
    seen: set[tuple[str, float | None, int | None]] = set()
    out: list[ParsedIndicator] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.translate(_DIGITS)
        if m := _GOAL_HEADING.match(line):
            goal_year = int(m.group("y"))
        for sentence in re.findall(r"[^。；;！？]+[。；;！？]?", line):
            clauses = re.split(r"[，,]", _TITLE.sub("", sentence))
            background = False  # 截至2023年底，…，管理率达到86.5%: the rest of the sentence is what stands now
            for i, clause in enumerate(clauses):
                background = background or bool(_AS_OF.search(clause))
                if background or _PAST.search(clause):
                    continue
                for hit in _clause_hits(clause, clauses[:i], staffing):
                    before = "，".join([*clauses[:i], clause[:hit.start]])
                    years = list(_YEAR_PHRASE.finditer(before))
                    year = int(years[-1].group("y")) if years else goal_year or fallback_year
                    value = parse_target(hit.target)
                    key = (hit.name, value.value, year)
                    if value.value is None or key in seen:
                        continue
                    seen.add(key)
                    share = hit.name.endswith("比例") and value.unit == "%"
                    unit = value.unit
                    if unit and "/" not in unit and (per := _PER_POPULATION.match(hit.name)):
                        unit = f"{unit}/{per.group('base')}"  # 每10万人口…数量达到3.8名 → 名/10万人口
                    out.append(ParsedIndicator(
                        name=hit.name, ref=f"line {number}", unit=unit,
                        direction=value.direction or ("higher" if share else None),
                        statement=sentence.strip().strip("□『』①②③④ "),
                        targets=[ParsedTarget(kind="target", text=hit.target, year=year)]))
    return out
