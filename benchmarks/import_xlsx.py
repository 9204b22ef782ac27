"""Benchmark: import a generated 10,000-row .xlsx into a fresh SQLite file.

Prints wall time and peak memory (max RSS) of the import and of a baseline measured in the same
run — openpyxl's read-only load of the same file, every value read — and their ratios.
Goal on this machine: import under 15 s and under 300 MB.

    .venv/bin/python benchmarks/import_xlsx.py [--rows 10000]

Each phase runs in its own process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ["组织保障", "制度保障", "服务体系", "服务管理", "队伍建设", "心理健康促进", "保障措施", "督导评估"]
UNITS = ["市卫生健康委", "市民政局", "市公安局", "市财政局", "市人力社保局", "市残联", "市教育局", "市司法局"]
STEPS = ["2016年4月底前出台文件。", "力争在2016年6月底前完成。", "每季度召开工作例会。", "每年不少于2次。",
         "不断完善。", "2016年上半年完成调研，2016年9月底前制定办法。", "按要求落实。", "持续保障。"]


def generate(path: Path, rows: int) -> None:
    """A task table in the real layout: two-row header, sections merged vertically, progress merged across years."""
    from openpyxl import Workbook
    from openpyxl.worksheet.cell_range import CellRange

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("任务分解表")
    ws.append(["编号", "一级指标", "二级指标", "实施进度", None, None, "牵头单位", "配合单位", "备注"])
    ws.append([None, None, None, "2016年", "2017年", "2020年", None, None, None])
    merges = ["D1:F1"] + [f"{c}1:{c}2" for c in "ABCGHI"]
    per_section = 50
    for i in range(rows):
        row = i + 3
        section = SECTIONS[(i // per_section) % len(SECTIONS)] + str(i // per_section // len(SECTIONS) or "")
        merged_years = i % 7 == 0
        lead = "、".join(UNITS[(i + k) % len(UNITS)] for k in range(1 + i % 2))
        years = [STEPS[i % len(STEPS)], None if merged_years else STEPS[(i + 3) % len(STEPS)],
                 STEPS[(i + 5) % len(STEPS)]]
        ws.append([f"T{i + 1}", section if i % per_section == 0 else None,
                   f"第{i + 1}项任务：落实精神卫生综合管理措施。", *years, lead,
                   "各相关部门" if i % 3 else "市财政局、市民政局", None])
        if merged_years:
            merges.append(f"D{row}:E{row}")
        if i % per_section == per_section - 1 or i == rows - 1:
            start = row - (i % per_section)
            if row > start:
                merges.append(f"B{start}:B{row}")
    for ref in merges:
        ws.merged_cells.add(CellRange(ref))
    wb.save(path)


def phase_baseline(path: Path) -> dict[str, float]:
    """openpyxl read-only load of the file, every value read."""
    from openpyxl import load_workbook

    start = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for _ in row)
    wb.close()
    return {"seconds": time.perf_counter() - start, "cells": cells}


def phase_import(path: Path, db: Path) -> dict[str, float]:
    """The whole duban import (read, resolve, date milestones, store) into the SQLite file."""
    os.environ["DUBAN_DATABASE_URL"] = f"sqlite:///{db}"
    from models.db import migrate, session_scope
    from tasks.plans.intake import import_plan

    migrate()
    start = time.perf_counter()
    with session_scope() as session:
        report = import_plan(session, path, plan_code="bench")
    return {"seconds": time.perf_counter() - start, "tasks": report.counts["tasks"],
            "milestones": report.counts["milestones"], "changed": report.changed}


def run_phase(*args: str) -> dict[str, float]:
    """Run one phase in a child process; its own peak RSS is added to the figures."""
    out = subprocess.run([sys.executable, __file__, "--phase", *args], check=True, capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Generate the file, measure baseline and import, print figures and ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--phase", nargs="*")
    args = parser.parse_args()
    if args.phase:
        kind, *paths = args.phase
        figures = phase_baseline(Path(paths[0])) if kind == "baseline" else phase_import(Path(paths[0]), Path(paths[1]))
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory() as tmp:
        xlsx, db = Path(tmp) / "plan.xlsx", Path(tmp) / "bench.db"
        start = time.perf_counter()
        generate(xlsx, args.rows)
        print(f"generated {args.rows} rows ({xlsx.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
        base = run_phase("baseline", str(xlsx))
        result = run_phase("import", str(xlsx), str(db))
        again = run_phase("import", str(xlsx), str(db))  # the same file again: compares, writes nothing
    print(f"baseline (openpyxl read-only, {base['cells']:.0f} cells): {base['seconds']:.2f} s, "
          f"peak {base['peak_mb']:.0f} MB")
    print(f"import ({result['tasks']:.0f} tasks, {result['milestones']:.0f} milestones): {result['seconds']:.2f} s, "
          f"peak {result['peak_mb']:.0f} MB")
    print(f"re-import of the same file (changed={again['changed']}): {again['seconds']:.2f} s, "
          f"peak {again['peak_mb']:.0f} MB")
    print(f"ratio import/baseline: time {result['seconds'] / base['seconds']:.1f}x, "
          f"memory {result['peak_mb'] / base['peak_mb']:.1f}x")
    ok = max(result["seconds"], again["seconds"]) < 15 and max(result["peak_mb"], again["peak_mb"]) < 300
    print(f"goal (< 15 s, < 300 MB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
