"""Time importing Word plans into a fresh SQLite database (goal: the Hangzhou table under 1 s).

    .venv/bin/python benchmarks/import_docx.py [--rows 2000] [--repeat 3]

Measured in-process after the modules are imported (interpreter and import start-up excluded,
database creation and migration excluded). Baseline, measured in the same run: python-docx
loading the same file with ``Document()`` — the floor any .docx import pays.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import docx
from sqlmodel import Session

from models.db import dispose_engines, get_engine, migrate
from tasks.plans.intake import import_plan

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "hangzhou-task-table.docx"
UNITS = ["市卫生计生委", "市民政局", "市财政局", "市公安局", "市残联", "市教育局", "市人力社保局", "各区、县（市）政府"]


def generated_docx(path: Path, rows: int) -> Path:
    """A task table with ``rows`` items: two-row header, merged sections, year cells spanning columns."""
    document = docx.Document()
    document.add_paragraph("示范市重点任务分解表")
    table = document.add_table(rows=2, cols=8)
    top = ["一级指标", "二级指标", "实施进度", "", "", "牵头单位", "配合单位", "备注"]
    for c, text in enumerate(top):
        table.cell(0, c).text = text
    for c, text in ((2, "2016年"), (3, "2017年"), (4, "2020年")):
        table.cell(1, c).text = text
    for c in (0, 1, 5, 6, 7):
        table.cell(0, c).merge(table.cell(1, c))
    table.cell(0, 2).merge(table.cell(0, 4))
    section_cells: list[list] = []  # first-column cells of each section, merged vertically below
    for n in range(rows):
        cells = table.add_row().cells
        if n % 20 == 0:
            cells[0].text = f"第{n // 20 + 1}类任务"
            section_cells.append([])
        section_cells[-1].append(cells[0])
        cells[1].text = f"任务{n + 1}：完善第{n + 1}项工作机制，加强督导检查。"
        cells[5].text = "、".join(UNITS[(n + k) % len(UNITS)] for k in range(2))
        cells[6].text = "、".join(UNITS[(n + k) % len(UNITS)] for k in range(3, 6))
        if n % 3 == 0:
            cells[2].text = "2016年6月底前出台方案，之后每年至少督导1次。"
            cells[2].merge(cells[4])
        else:
            cells[2].text = "2016年4月底前完成调研。"
            cells[3].text = "每季度召开一次例会。"
            cells[4].text = "不断完善。"
    for column in section_cells:
        if len(column) > 1:
            column[0].merge(column[-1])
    document.save(path)
    return path


def timed_import(path: Path, workdir: Path, name: str) -> tuple[float, int]:
    """Seconds to import ``path`` into a fresh, migrated SQLite file, and the number of tasks."""
    url = f"sqlite:///{workdir / (name + '.db')}"
    migrate(url)
    with Session(get_engine(url)) as session:
        start = time.perf_counter()
        report = import_plan(session, path, plan_code=name)
        elapsed = time.perf_counter() - start
    dispose_engines()
    return elapsed, report.counts["tasks"]


def load_time(path: Path, repeat: int) -> float:
    """Best seconds for python-docx to load ``path``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        docx.Document(str(path))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        big = generated_docx(work / "generated.docx", args.rows)
        timed_import(SEED, work, "warmup")  # first-use costs (regex compilation, SQLAlchemy caches)
        bests: list[float] = []
        for label, path in (("Hangzhou (62 rows)", SEED), (f"generated ({args.rows} rows)", big)):
            runs = [timed_import(path, work, f"run{i}") for i in range(args.repeat)]
            best = min(seconds for seconds, _ in runs)
            bests.append(best)
            base = load_time(path, args.repeat)
            print(f"{label:26} import {best:7.3f} s  ({runs[0][1]} tasks)   python-docx Document() {base:7.3f} s"
                  f"   ratio {best / base:6.1f}x")
            for i in range(args.repeat):
                (work / f"run{i}.db").unlink(missing_ok=True)
        print(f"goal: Hangzhou import < 1 s -> {'met' if bests[0] < 1 else 'NOT met'} ({bests[0]:.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
