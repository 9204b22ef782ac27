"""The report's charts as PNG bytes (matplotlib, Agg), with an installed CJK font so Chinese renders."""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from models.status import IndicatorVerdict, Verdict
from tasks.evaluation.figures import EvaluationFigures

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

log = logging.getLogger(__name__)

# Preferred CJK families, best first; any family whose name contains "CJK" comes after these.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Noto Serif CJK SC")
COLOURS: dict[str, str] = {
    Verdict.DONE: "#2e7d32", Verdict.MOSTLY_DONE: "#9ccc65", Verdict.NOT_DONE: "#ef6c00", Verdict.LAGGING: "#c62828",
    Verdict.NOT_DUE: "#b0bec5", IndicatorVerdict.MET: "#2e7d32", IndicatorVerdict.MOSTLY_MET: "#fbc02d",
    IndicatorVerdict.NOT_MET: "#c62828", IndicatorVerdict.NO_DATA: "#b0bec5"}


@dataclass
class Chart:
    """A rendered chart: its caption and PNG bytes."""

    key: str
    caption: str
    png: bytes


def _best_cjk(names: set[str]) -> str | None:
    """The preferred CJK family among ``names``: a known one first, then any that looks CJK."""
    ordered = sorted(names)
    for wanted in CJK_FAMILIES:
        for name in ordered:
            if name.startswith(wanted):
                return name
    return next((name for name in ordered if "CJK" in name or "Hei" in name or "Song" in name), None)


def _learn_new_fonts() -> int:
    """Add the installed font files matplotlib's font cache does not know, and save the cache; how many.

    matplotlib builds its font list once (in ``MPLCONFIGDIR``) and never looks again, so fonts installed
    after that first run (typically fonts-noto-cjk) stay invisible and Chinese draws as boxes.
    """
    manager = font_manager.fontManager
    known = {entry.fname for entry in manager.ttflist}
    added = 0
    for path in font_manager.findSystemFonts():
        if path in known:
            continue
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # an unreadable or odd font file: skip it as matplotlib does
            continue
        added += 1
    if added:
        cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
        font_manager.json_dump(manager, cache)  # the next run finds them at once
        log.info("added %d font file(s) unknown to matplotlib's font cache %s", added, cache)
    return added


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None (with one warning: Chinese would not render)."""
    found = _best_cjk({f.name for f in font_manager.fontManager.ttflist})
    if found is None and _learn_new_fonts():
        found = _best_cjk({f.name for f in font_manager.fontManager.ttflist})
    if found is None:
        message = ("no CJK font is installed, so Chinese text in charts would draw as empty boxes: install "
                   "the fonts-noto-cjk package (apt-get install fonts-noto-cjk) or any Chinese font")
        warnings.warn(message, stacklevel=2)
        log.warning(message)
    return found


def _figure(height: float) -> tuple[Figure, Any]:
    """A figure and its axes (call inside ``report_charts``' font context)."""
    fig = Figure(figsize=(8, max(2.6, height)), dpi=110, layout="tight")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(text: str, size: int = 14) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def section_chart(figures: EvaluationFigures) -> Chart:
    """Completion by section: stacked bars of task verdicts."""
    sections = figures.sections
    fig, ax = _figure(0.45 * len(sections) + 1.4)
    labels = [_short(s.name) for s in sections][::-1]
    left = [0] * len(sections)
    for verdict in Verdict:
        counts = [s.counts.get(verdict, 0) for s in sections][::-1]
        ax.barh(labels, counts, left=left, color=COLOURS[verdict], label=str(verdict))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("任务数（项）")
    ax.set_title("各领域任务完成情况")
    ax.legend(loc="lower right", fontsize=8, ncols=5)
    return Chart("sections", "图1 各领域任务完成情况", _png(fig))


def department_chart(figures: EvaluationFigures, limit: int) -> Chart:
    """Department scores, best first (the best and worst halves when there are many)."""
    ranked = [d for d in figures.departments if d.score is not None]
    caption = "图2 部门综合得分"
    if len(ranked) > limit:
        ranked = ranked[: limit // 2] + ranked[-(limit - limit // 2):]
        caption += f"（前{limit // 2}名及后{limit - limit // 2}名）"
    fig, ax = _figure(0.3 * len(ranked) + 1.4)
    if ranked:
        ax.barh([f"{d.rank}. {_short(d.name)}" for d in ranked][::-1], [d.score or 0.0 for d in ranked][::-1],
                color="#1565c0")
        ax.set_xlim(0, 100)
    else:
        ax.text(0.5, 0.5, "无可评分部门", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("综合得分（分）")
    ax.set_title("部门综合得分")
    return Chart("departments", caption, _png(fig))


def indicator_chart(figures: EvaluationFigures) -> Chart:
    """Indicator attainment: each indicator with data as a share of its target, coloured by verdict."""
    rows = [x for x in figures.indicators if x.attainment is not None][:40]
    fig, ax = _figure(0.35 * len(rows) + 1.4)
    if rows:
        ax.barh([_short(x.name, 16) for x in rows][::-1], [min(x.attainment or 0.0, 1.5) * 100 for x in rows][::-1],
                color=[COLOURS[x.verdict] for x in rows][::-1])
        ax.axvline(100, color="#424242", linestyle="--", linewidth=1)
        ax.set_xlim(0, 150)
    else:
        ax.text(0.5, 0.5, "暂无可比指标数据", ha="center", va="center", transform=ax.transAxes)
    counts = figures.summary.indicators
    ax.set_xlabel("达成度（%，100%为达到目标）")
    ax.set_title("主要指标达成度（" + "，".join(f"{v}{counts.get(v, 0)}项" for v in IndicatorVerdict) + "）",
                 fontsize=10)
    return Chart("indicators", "图3 主要指标达成度", _png(fig))


def report_charts(figures: EvaluationFigures, max_departments: int = 30) -> list[Chart]:
    """The three charts every report carries, drawn with the CJK font."""
    font = cjk_font()
    style: dict[RcKeyType, Any] = {"font.family": "sans-serif", "axes.unicode_minus": False,
             "font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}
    with matplotlib.rc_context(style):
        return [section_chart(figures), department_chart(figures, max_departments), indicator_chart(figures)]
