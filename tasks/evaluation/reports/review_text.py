"""The prose of a review report as governments write it: 一、总体进展 to 五、下一步工作, shared by every format.

Sentences come from the figures (tasks/evaluation/assessment.py) and their traced narrative
(tasks/evaluation/narrative.py); nothing of the machine (file paths, hashes, versions) is written here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import cn2an

from models.status import IndicatorVerdict
from tasks.evaluation.figures import EvaluationFigures, NarrativeSentence
from tasks.evaluation.reports.summary import completeness_sentences, summary_sentences

# A report is read, not searched: each section's part lists at most this many sentences in the text (the
# workbook's 叙述来源 sheet keeps every one), and says how many more there are.
SENTENCES_PER_SECTION = 12


@dataclass
class SectionSentences:
    """The sentences of one plan section (领域) under 二、主要成效, numbered （一）（二）…"""

    number: str
    name: str
    sentences: list[str] = field(default_factory=list)


@dataclass
class ReviewText:
    """Every prose part of the report, in the order of the report."""

    overall: list[str]
    achievements: list[SectionSentences]
    achievements_note: list[str]
    indicator_text: list[str]
    problems: list[str]
    next_steps: list[str]


def indicator_sentences(figures: EvaluationFigures) -> list[str]:
    """三、指标完成情况: the counts, whose target column was used, and what has no data."""
    indicators = figures.indicators
    if not indicators:
        return ["本规划未设定量化指标。"]
    counts = {word: figures.summary.indicators.get(word, 0) for word in IndicatorVerdict}
    out = [f"本规划设定主要指标{len(indicators)}项，截至评估时点，达标{counts[IndicatorVerdict.MET]}项、基本达标"
           f"{counts[IndicatorVerdict.MOSTLY_MET]}项、未达标{counts[IndicatorVerdict.NOT_MET]}项，"
           f"暂无可比数据{counts[IndicatorVerdict.NO_DATA]}项。"]
    columns = list(dict.fromkeys(x.target_column for x in indicators if x.target_scope and x.target_column))
    if columns:
        out.append(f"各项指标均以本规划所辖范围的目标值衡量（指标表“{'”“'.join(columns)}”列）。")
    text_targets = [x.name for x in indicators if "定性" in x.note and x.verdict == IndicatorVerdict.NO_DATA]
    if text_targets:
        out.append(f"{'、'.join(text_targets)}的目标为定性表述，无法量化比较，需由评估人员结合工作实际判定。")
    missing = [x.name for x in indicators if x.value is None and x.verdict == IndicatorVerdict.NO_DATA
               and x.name not in text_targets]
    if missing:
        out.append(f"{'、'.join(missing)}截至评估时点尚无报送数值。")
    return out


def _texts(sentences: list[NarrativeSentence], limit: int = SENTENCES_PER_SECTION) -> list[str]:
    """The sentences' texts in plan order, at most ``limit`` per section, with a count of those left out."""
    by_section: dict[str, list[str]] = defaultdict(list)
    for sentence in sentences:
        by_section[sentence.section].append(sentence.text)
    out: list[str] = []
    for section, texts in by_section.items():
        out += texts[:limit]
        if len(texts) > limit:
            out.append(f"{section}方面另有{len(texts) - limit}条情况从略（详见评估工作簿“叙述来源”表）。")
    return out


def review_text(figures: EvaluationFigures) -> ReviewText:
    """The report's prose from its figures."""
    narrative = figures.narrative
    by_section: dict[str, list[NarrativeSentence]] = defaultdict(list)
    for sentence in narrative.achievements:
        by_section[sentence.section].append(sentence)
    groups = [SectionSentences(cn2an.an2cn(i + 1), name, _texts(sentences, SENTENCES_PER_SECTION + 1))
              for i, (name, sentences) in enumerate(by_section.items())]
    reporting = [s for s in completeness_sentences(figures) if s.startswith(("本次评估应收", "评估期内未安排"))]
    return ReviewText(
        overall=summary_sentences(figures) + reporting,
        achievements=groups,
        achievements_note=[] if groups else ["截至评估时点，尚无已完成的进度节点和经审核通过的进展报送。"],
        indicator_text=indicator_sentences(figures),
        problems=_texts(narrative.problems) or ["截至评估时点，未发现逾期未完成的任务，各单位未反映困难和问题。"],
        next_steps=_texts(narrative.next_steps) or ["截至评估时点，各单位未报送下一步工作安排，亦无未完成的任务。"],
    )
