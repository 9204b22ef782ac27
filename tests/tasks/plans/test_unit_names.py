"""Splitting unit cells: hand-written cases and every unit cell of the real Hangzhou table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tasks.plans.unit_names import split_units

FRAGMENTS = {"民政", "公安", "综治", "卫生计生", "各区", "县（市）政府", "各级", "政府", "部门"}
_UNIT_ENDING = re.compile(r"(局|委|办|部|会|联|院|室|政府|部门|（街道）|（街道办事处）|（市精卫办）)$")


def hangzhou_rows(seeds: Path) -> list[list[str]]:
    """Rows of the Hangzhou dump: a cell per tab-led line, untabbed lines continue the cell before."""
    lines = (seeds / "003_7d761cf584dc9c6a.txt").read_text(encoding="utf-8").split("\n")
    rows: list[list[str]] = []
    row: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("\t"):
            row.append(line[1:])
        elif not line.strip():
            following = next((x for x in lines[i + 1:] if x.strip()), "")
            if row and (following.startswith("\t") or not following):
                rows.append(row)
                row = []
        elif row:
            row[-1] += "\n" + line
    return rows + ([row] if row else [])


def hangzhou_unit_cells(seeds: Path) -> list[str]:
    """The 牵头单位 and 配合单位 cells of the Hangzhou table (the two cells before 备注)."""
    cells: list[str] = []
    for row in hangzhou_rows(seeds):
        if len(row) >= 6 and row[0].strip() != "一级指标":
            cells += [c for c in row[-3:-1] if c.strip()]
    return cells


def test_hangzhou_cells_never_give_fragments(seeds: Path) -> None:
    cells = hangzhou_unit_cells(seeds)
    assert len(cells) > 60
    names = [name for cell in cells for name in split_units(cell)]
    assert names, "no unit found in the Hangzhou table"
    for name in names:
        assert name not in FRAGMENTS, name
        assert _UNIT_ENDING.search(name), f"{name!r} does not end like a unit name"
        assert not name.endswith(("等", "、", "，")), name


def test_hangzhou_group_names_stay_whole(seeds: Path) -> None:
    names = {name for cell in hangzhou_unit_cells(seeds) for name in split_units(cell)}
    assert "各区、县（市）政府" in names
    assert "各区" not in names and "县（市）政府" not in names
    assert {"各级公安部门", "各级民政部门", "各级卫生计生部门", "各级综治部门"} <= names
    assert {"各乡镇（街道）", "各区、县（市）综治办", "各区、县（市）卫生计生部门"} <= names


@pytest.mark.parametrize(("cell", "expected"), [
    ("各区、县（市）政府", ["各区、县（市）政府"]),
    ("各乡镇（街道），各区、县（市）综治办、卫生计生部门",
     ["各乡镇（街道）", "各区、县（市）综治办", "各区、县（市）卫生计生部门"]),
    ("各级公安、民政、卫生计生部门", ["各级公安部门", "各级民政部门", "各级卫生计生部门"]),
    ("各级综治、卫生计生部门", ["各级综治部门", "各级卫生计生部门"]),
    ("市卫生计生委、市少儿工委、团市委、市老龄工办等", ["市卫生计生委", "市少儿工委", "团市委", "市老龄工办"]),
    ("市卫生计生委及其他相关部门", ["市卫生计生委", "其他相关部门"]),
    ("余杭区、淳安县政府", ["余杭区政府", "淳安县政府"]),
    ("市民政局、\n\n市卫生计生委", ["市民政局", "市卫生计生委"]),
    ("市卫生计生委（市精卫办）", ["市卫生计生委（市精卫办）"]),
    ("区卫计委牵头，区民政局、区财政局配合", ["区卫计委", "区民政局", "区财政局"]),
    ("（区民政局负责）", ["区民政局"]),
    ("〔责任单位：县卫生健康委、县民政局，各乡镇（街道）〕", ["县卫生健康委", "县民政局", "各乡镇（街道）"]),
    ("市住房和城乡建设局、市人力资源和社会保障局", ["市住房和城乡建设局", "市人力资源和社会保障局"]),
    ("县公安局及县卫计委", ["县公安局", "县卫计委"]),
    ("市民政局等相关部门", ["市民政局"]),
    ("各县(市、区)人民政府", ["各县（市、区）人民政府"]),
    ("市民政局（牵头）；市财政局", ["市民政局", "市财政局"]),
    ("市民政局、市民政局", ["市民政局"]),
    ("", []),
    ("  ", []),
])
def test_split_units(cell: str, expected: list[str]) -> None:
    assert split_units(cell) == expected
