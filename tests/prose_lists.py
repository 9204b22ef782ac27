"""Compare a prose import with a hand list of its obligations (tests/data/prose_expected_*.json).

Shared by the obligation tests and ``benchmarks/prose_import.py``. An expected obligation is found
when a task read from the same line contains its snippet; it has the right units when the lead (or
responsible) units and, when the list names them, the supporting units are the same names. Names
are compared as the text writes them, except that a sector's 各级 / 各县市区 prefix and its 部门 /
单位 suffix are ignored (各级民政部门 = 民政).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tasks.plans.importers.clause_subjects import SECTORS
from tasks.plans.parsed import ParsedPlan

DATA = Path(__file__).resolve().parent / "data"


def unit_key(name: str) -> str:
    """A unit name with a sector's scope prefix and 部门/单位 suffix dropped."""
    core = re.sub(r"^(?:各级|各县市区|各)", "", name)
    core = re.sub(r"(?:部门|单位)$", "", core)
    if core in ("乡镇", "街道") and core != re.sub(r"^(?:各级|各县市区|各)", "", name):
        return name  # 各街道单位 is not 各街道: a group takes no 部门/单位
    return core if core in SECTORS else name


def units(names: list[str]) -> set[str]:
    """Unit keys of a list of names."""
    return {unit_key(n) for n in names}


@dataclass
class Score:
    """How a prose import compares with its hand list."""

    expected: int
    found_rows: int
    matched: int = 0          # expected obligations found with the right units
    located: int = 0          # expected obligations found at all (any units)
    timed_right: int = 0
    timed_expected: int = 0
    extra: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.expected

    @property
    def precision(self) -> float:
        return self.matched / self.found_rows if self.found_rows else 0.0

    @property
    def extra_share(self) -> float:
        return len(self.extra) / self.found_rows if self.found_rows else 0.0


def load(name: str) -> dict:
    """A hand list from tests/data."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def score(plan: ParsedPlan, expected: dict) -> Score:
    """Match the plan's tasks with the hand list's obligations (each task matches at most one)."""
    tasks = list(plan.tasks)
    result = Score(len(expected["obligations"]), len(tasks))
    used: set[int] = set()
    for item in expected["obligations"]:
        snippet = item["snippet"]
        hits = [i for i, t in enumerate(tasks) if i not in used and t.ref == f"line {item['line']}"
                and snippet in re.sub(r"\s+", "", t.text)]
        if not hits:
            result.misses.append(f"line {item['line']} {snippet}: not found")
            continue
        task = tasks[hits[0]]
        used.add(hits[0])
        result.located += 1
        right = units(task.lead + task.responsible) == units(item["lead"]) and (
            not item["support"] or units(task.support) == units(item["support"]))
        if right:
            result.matched += 1
        else:
            result.misses.append(f"line {item['line']} {snippet}: units {task.lead}/{task.support}")
        if item["time"]:
            result.timed_expected += 1
            cells = " ".join(m.text for m in task.milestones)
            result.timed_right += item["time"] in cells
    result.extra = [f"{t.ref} {t.text[:30]}" for i, t in enumerate(tasks) if i not in used]
    return result


def _same_name(name: str, wanted: str, expected: dict) -> bool:
    """The indicator's name is the hand list's, or (lists marked ``name_contains``) a noun phrase ending in it
    (严重精神障碍患者规范管理率 for 规范管理率; never a phrase holding another target's value)."""
    if expected.get("name_contains"):
        return name.endswith(wanted) and not re.search(r"[\d%、]", name)
    return name == wanted


def missing_targets(plan: ParsedPlan, expected: dict) -> list[str]:
    """The hand list's targets not found with their value and year (and obligation, when named)."""
    missing = []
    for target in expected["targets"]:
        found = [i for i in plan.indicators if _same_name(i.name, target["name"], expected)
                 and any(target["value"] in t.text and t.year == target["year"] for t in i.targets)]
        if target.get("task"):
            codes = {t.code for t in plan.tasks if target["task"] in t.text}
            found = [i for i in found if i.task_code in codes]
        if not found:
            missing.append(f"{target['name']} {target['value']} ({target['year']})")
    return missing
