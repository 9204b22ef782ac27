"""Word automatic numbering read back: the same plan whether 一、（一）1. are typed or numbered by Word."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.plans.importers import read_document
from tasks.plans.importers.docx_numbering import chinese_number, format_number
from tasks.plans.importers.docx_reader import parse_docx


def _tasks(path: Path) -> list[tuple]:
    plan = read_document(path)
    return [(t.code, t.section_path, t.lead, t.support, t.responsible, t.text, t.ref) for t in plan.tasks]


def test_an_automatically_numbered_plan_reads_as_the_typed_one(data: Path) -> None:
    typed, numbered = _tasks(data / "prose_markers.docx"), _tasks(data / "auto_numbered.docx")
    assert [code for code, *_ in numbered] == ["1.1", "1.2", "2.1.1", "2.1.2", "2.2.1"]
    assert numbered == typed
    assert [p.text[:8] for p in parse_docx(data / "auto_numbered.docx").paras[8:14]] == [
        "一、完善服务网络", "（一）健全县级心", "（二）推进基层服", "二、加强重点人群", "（一）学生心理健",
        "1. 中小学校每"]


def test_numbered_table_cells_restarts_continuations_styles_and_bullets(data: Path) -> None:
    document = parse_docx(data / "auto_numbered_tables.docx")
    assert [[row.cells[0].text for row in table.rows[1:]] for table in document.tables] == [["1", "2"], ["1", "2"]]
    # list 91's definition continues after list 92 restarted it; the template's List Number style numbers
    # its paragraphs; a bullet is no number
    assert [p.text for p in document.paras[2:]] == ["3续编", "1. 第一项", "2. 第二项", "要点"]


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"),
                                         (100, "一百"), (105, "一百零五"), (110, "一百一十"), (999, "九百九十九")])
def test_chinese_counting(n: int, text: str) -> None:
    assert chinese_number(n) == text


@pytest.mark.parametrize(("n", "fmt", "text"), [
    (3, "decimal", "3"), (3, "decimalZero", "03"), (3, "chineseCountingThousand", "三"),
    (3, "ideographTraditional", "丙"), (3, "decimalEnclosedCircle", "③"), (3, "decimalFullWidth", "３"),
    (28, "upperLetter", "BB"), (4, "lowerRoman", "iv"), (3, "bullet", None), (3, "none", None),
])
def test_number_formats(n: int, fmt: str, text: str | None) -> None:
    assert format_number(n, fmt) == text
