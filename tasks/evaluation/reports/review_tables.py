"""Tables added for the review report: the indicator table a reader needs in the Word body, the trace of
every narrative sentence (叙述来源) and the provenance of the figures (来源); and column widths from content."""

from __future__ import annotations

import unicodedata

from tasks.evaluation.figures import EvaluationFigures, IndicatorResult
from tasks.evaluation.reports.tables import LIGHT_INDICATOR, Cell, ReportTable, cell_text


def display_width(text: str) -> int:
    """Width of a text on paper in half-width characters (a Chinese character counts 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_widths(table: ReportTable, longest: int = 40, sample: int = 2000) -> list[int]:
    """Each column's width in half-width characters, from its content: the widest cell (long text capped at
    ``longest`` and left to wrap; the first ``sample`` rows looked at) or the header on at most two lines,
    whichever needs more; never below 4."""
    widths = []
    rows = table.rows[:sample]
    for index, title in enumerate(table.columns):
        wide = display_width(title)  # a two-character header stays on one line; a longer one may take two
        header = wide if wide <= 4 else max(wide // 2 + 1, max(display_width(w) for w in title.split("（")) // 2)
        cells = [display_width(cell_text(row[index], table.formats.get(index))[: longest]) for row in rows]
        widths.append(max(4, min(longest, max([header, *cells]))))
    return widths


def page_widths(table: ReportTable, text_width: int, char: int = 120, padding: int = 240) -> list[int]:
    """Column widths in twips on a page ``text_width`` twips wide: each column gets what its content needs
    (``char`` twips per half-width character at 五号, plus cell padding); when that is more than the page, the
    narrow columns (numbers, dates, verdicts) keep their width and the wide text columns share the rest and wrap;
    when it is less, every column grows in proportion."""
    need = [w * char + padding for w in column_widths(table)]
    if sum(need) <= text_width:
        return [int(n * text_width / sum(need)) for n in need]
    narrow = [n if n <= 14 * char + padding else 0 for n in need]
    rest = text_width - sum(narrow)
    wide = sum(n for n, k in zip(need, narrow, strict=True) if not k)
    if rest <= 0 or not wide:
        return [int(n * text_width / sum(need)) for n in need]
    return [k or int(n * rest / wide) for n, k in zip(need, narrow, strict=True)]


def _attainment(row: IndicatorResult) -> str:
    share = row.attainment
    return row.verdict if share is None else f"{share * 100:.1f}%（{row.verdict}）"


def indicator_brief_table(figures: EvaluationFigures) -> ReportTable:
    """三、指标完成情况 in the Word body: indicator, baseline, the plan's own target, value, attainment."""
    rows: list[list[Cell]] = []
    for i, x in enumerate(figures.indicators):
        target = x.target + (f"（{x.target_column}）" if x.target_scope else "") if x.target else None
        rows.append([i + 1, x.name + (f"（{x.unit}）" if x.unit else ""), x.baseline, target, x.value,
                     _attainment(x)])
    return ReportTable("指标简表", "主要指标完成情况", ["序号", "指标", "基线值", "目标值", "现值", "达成情况"], rows,
                       formats={2: "num", 4: "num"}, lights={5: LIGHT_INDICATOR})


def narrative_source_table(figures: EvaluationFigures) -> ReportTable:
    """叙述来源: every narrative sentence with its part, section, task codes and report ids."""
    parts = {"achievements": "主要成效", "problems": "存在问题", "next_steps": "下一步工作"}
    narrative = figures.narrative
    rows: list[list[Cell]] = [[label, s.section, s.text, "、".join(s.task_codes),
                              "、".join(str(r) for r in s.report_ids), s.source]
                             for part, label in parts.items() for s in getattr(narrative, part)]
    return ReportTable("叙述来源", "报告叙述的来源", ["部分", "领域", "句子", "任务编号", "报送编号", "依据"], rows)


def provenance_rows(figures: EvaluationFigures) -> list[tuple[str, str]]:
    """来源: where the figures came from (scoring file and its SHA-256, data as of, duban version)."""
    p, scoring = figures.provenance, figures.scoring
    return [("评估类型", figures.kind_label), ("数据截至", p.data_as_of if p else figures.as_of),
            ("任务评估时点", p.judged_on if p else figures.judged_on or figures.as_of),
            ("评分规则文件", p.scoring_file if p else scoring.file),
            ("评分规则SHA-256", p.scoring_sha256 if p else scoring.sha256),
            ("duban版本", p.duban_version if p else "")]
