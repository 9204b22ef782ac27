"""Charts draw Chinese with a CJK font even when matplotlib's font cache predates the font's installation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]

# Runs in a fresh interpreter: matplotlib reads its font cache once per process, at import.
DRAW = textwrap.dedent("""
    import json, warnings
    warnings.simplefilter("always")
    with warnings.catch_warnings(record=True) as caught:
        from tasks.evaluation.figures import (DepartmentScore, EvaluationFigures, IndicatorResult, SectionScore,
                                              Summary)
        from tasks.evaluation.reports.charts import cjk_font, report_charts
        counts = {"已完成": 2, "基本完成": 1, "未完成": 0, "滞后": 1, "未到期": 0}
        # only what the charts read: a section, a department, an indicator and the indicator counts
        figures = EvaluationFigures.model_construct(
            sections=[SectionScore.model_construct(name="一、组织领导", counts=counts)],
            departments=[DepartmentScore.model_construct(rank=1, name="市民政局", score=88.5)],
            indicators=[IndicatorResult.model_construct(name="精神卫生服务覆盖率", attainment=0.9, verdict="基本达标")],
            summary=Summary.model_construct(indicators={"达标": 0, "基本达标": 1, "未达标": 0, "无数据": 0}))
        charts = report_charts(figures)
    print(json.dumps({"font": cjk_font(), "charts": len(charts), "warnings": [str(w.message) for w in caught]}))
""")


def _python(mplconfig: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLCONFIGDIR": str(mplconfig), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600,
                          cwd=ROOT, check=True)


def _cache(mplconfig: Path) -> Path:
    [cache] = mplconfig.glob("fontlist-v*.json")
    return cache


def _is_cjk(entry: dict) -> bool:
    return "CJK" in entry["name"] or "CJK" in entry["fname"]


def test_a_cjk_font_installed_after_matplotlib_built_its_cache_is_found_and_remembered(tmp_path: Path) -> None:
    mplconfig = tmp_path / "mpl"
    mplconfig.mkdir()
    _python(mplconfig, "import matplotlib.font_manager")  # matplotlib's first run builds its font cache
    cache = _cache(mplconfig)
    data = json.loads(cache.read_text(encoding="utf-8"))
    if not any(_is_cjk(entry) for entry in data["ttflist"]):
        pytest.skip("no CJK font installed (install fonts-noto-cjk)")
    # The cache as it was written before the CJK fonts were installed: it knows none of them.
    data["ttflist"] = [entry for entry in data["ttflist"] if not _is_cjk(entry)]
    cache.write_text(json.dumps(data), encoding="utf-8")

    drawn = json.loads(_python(mplconfig, DRAW).stdout.strip().splitlines()[-1])

    assert drawn["font"] is not None and "CJK" in drawn["font"], drawn
    assert drawn["charts"] == 3
    assert not [w for w in drawn["warnings"] if "missing from font" in w], drawn["warnings"]  # no boxes
    # the cache now knows the font, so the next run finds it without looking again
    assert any(_is_cjk(entry) for entry in json.loads(cache.read_text(encoding="utf-8"))["ttflist"])
