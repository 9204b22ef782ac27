"""Hostile and oversized files are refused before they are read in full, naming the limit; nothing is written.

The files are small but over a limit lowered for the test (``DUBAN_IMPORT__…``), except the zip bomb, which is
real: a workbook whose sheet unpacks to 256 MB from a few hundred KB, refused from the zip directory alone."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlmodel import Session, select

from config import get_settings
from flows.demo_plan import write_example_plan
from models import Department, Plan, Task
from tasks.errors import ImportFailed
from tasks.plans.intake import import_plan

HEADER = ["序号", "任务", "牵头单位", "配合单位", "完成时限"]


def set_limit(monkeypatch: pytest.MonkeyPatch, name: str, value: float | int) -> None:
    """Lower one import limit for this test, as an office would with DUBAN_IMPORT__<NAME>."""
    monkeypatch.setenv(f"DUBAN_IMPORT__{name.upper()}", str(value))
    get_settings.cache_clear()


def refused(session: Session, path: Path) -> ImportFailed:
    """Import ``path``, expecting a refusal; check that nothing at all was written."""
    with pytest.raises(ImportFailed) as caught:
        import_plan(session, path, plan_code="hostile")
    session.rollback()
    assert session.exec(select(Plan)).all() == []
    assert session.exec(select(Task)).all() == []
    assert session.exec(select(Department)).all() == []
    return caught.value


def assert_limit(error: ImportFailed, setting: str) -> str:
    """The refusal is one problem of kind ``limit`` naming the setting and how to raise it."""
    assert [p.kind for p in error.problems] == ["limit"]
    message = str(error.problems[0])
    assert setting in message and f"DUBAN_IMPORT__{setting.upper()}" in message
    return message


def csv_rows(path: Path, rows: int) -> Path:
    lines = [",".join(HEADER)] + [f"{i},任务{i},市民政局,市财政局,2016年6月底前" for i in range(1, rows + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_csv_over_max_bytes_is_refused_before_it_is_read(session: Session, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = csv_rows(tmp_path / "big.csv", 200)
    set_limit(monkeypatch, "max_bytes", 2000)
    message = assert_limit(refused(session, path), "max_bytes")
    assert f"{path.stat().st_size:,} bytes" in message and "big.csv" in message


def test_a_csv_over_max_rows_is_refused(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = csv_rows(tmp_path / "rows.csv", 60)
    set_limit(monkeypatch, "max_rows", 50)
    message = assert_limit(refused(session, path), "max_rows")
    assert "row 51" in message  # the first row over the limit: reading stopped there


def test_a_workbook_over_max_rows_is_refused_while_it_streams(session: Session, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("任务")
    sheet.append(HEADER)
    for i in range(1, 120):
        sheet.append([i, f"任务{i}", "市民政局", "市财政局", "2016年6月底前"])
    book.save(tmp_path / "rows.xlsx")
    set_limit(monkeypatch, "max_rows", 100)
    assert_limit(refused(session, tmp_path / "rows.xlsx"), "max_rows")


def test_a_workbook_declaring_millions_of_rows_is_refused_from_its_dimension(session: Session, tmp_path: Path) -> None:
    """A sheet whose <dimension> claims 2 million rows is refused before a single row is read (default limits)."""
    plan = write_example_plan(tmp_path / "plan.xlsx")
    forged = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(plan) as source, zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                head, _, rest = data.partition(b"<dimension ref=\"")
                data = head + b"<dimension ref=\"A1:J2000000" + rest[rest.index(b"\""):]
            target.writestr(info, data)
    message = assert_limit(refused(session, forged), "max_rows")
    assert "declares 2,000,000 rows" in message


def test_a_workbook_over_max_cells_is_refused(session: Session, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    plan = write_example_plan(tmp_path / "plan.xlsx")
    set_limit(monkeypatch, "max_cells", 40)
    assert_limit(refused(session, plan), "max_cells")


def test_a_docx_over_max_paragraphs_is_refused_before_python_docx_loads_it(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = docx.Document()
    for i in range(300):
        document.add_paragraph(f"{i + 1}. 第{i + 1}项任务（市民政局负责）")
    document.save(str(tmp_path / "long.docx"))
    set_limit(monkeypatch, "max_paragraphs", 200)
    assert_limit(refused(session, tmp_path / "long.docx"), "max_paragraphs")


def test_a_docx_table_over_max_rows_is_refused(session: Session, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for i in range(1, 40):
        for cell, text in zip(table.add_row().cells, [str(i), f"任务{i}", "市民政局", "", "2016年"], strict=True):
            cell.text = text
    document.save(str(tmp_path / "table.docx"))
    set_limit(monkeypatch, "max_rows", 30)
    assert_limit(refused(session, tmp_path / "table.docx"), "max_rows")


def test_a_text_file_over_max_paragraphs_is_refused(session: Session, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(f"{i}. 第{i}项工作（市民政局负责）" for i in range(1, 101)), encoding="utf-8")
    set_limit(monkeypatch, "max_paragraphs", 80)
    assert_limit(refused(session, path), "max_paragraphs")


def test_an_import_over_max_seconds_is_refused_before_anything_is_stored(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = write_example_plan(tmp_path / "plan.xlsx")
    set_limit(monkeypatch, "max_seconds", 0)  # any import takes longer than no time at all
    message = assert_limit(refused(session, plan), "max_seconds")
    assert "seconds" in message


def zip_bomb(path: Path, megabytes: int) -> Path:
    """A well-formed .xlsx whose one sheet is ``megabytes`` MB of blanks, deflated to a few hundred KB."""
    plan = write_example_plan(path.with_name("seed-plan.xlsx"))
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(plan) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open(info.filename, "w", force_zip64=True) as member:
                    member.write(source.read(info.filename))  # then blanks after the root: still well-formed
                    for _ in range(megabytes):
                        member.write(chunk)
            else:
                target.writestr(info, source.read(info.filename))
    return path


def test_a_zip_bomb_workbook_is_refused_from_the_zip_directory_without_inflating_it(
        session: Session, tmp_path: Path) -> None:
    """Default limits: a 256 MB sheet stored in well under 1 MB is refused with a small, flat memory peak."""
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 256)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 256 * 1024 * 1024
    tracemalloc.start()
    try:
        error = refused(session, bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.kind for p in error.problems] == ["limit"]
    assert "max_uncompressed_bytes" in str(error.problems[0]) or "max_compression_ratio" in str(error.problems[0])
    assert peak < 16 * 1024 * 1024, f"{peak:,} bytes allocated: the member was inflated"


def test_the_compression_ratio_alone_catches_a_bomb_under_the_size_limit(session: Session, tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "small-bomb.xlsx", 8)  # 8 MB of blanks: under max_uncompressed_bytes
    message = assert_limit(refused(session, bomb), "max_compression_ratio")
    assert "xl/worksheets/sheet1.xml" in message


def test_real_plans_stay_well_inside_the_default_limits(session: Session, seeds: Path, tmp_path: Path) -> None:
    assert import_plan(session, seeds / "hangzhou-task-table.docx", plan_code="hz").counts["tasks"] == 62
    assert import_plan(session, write_example_plan(tmp_path / "plan.xlsx"), plan_code="ex").counts["tasks"] == 15
