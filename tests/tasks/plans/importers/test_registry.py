"""Telling a file's format from its bytes: what duban cannot read is named, with the formats it can."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from tasks.errors import ImportFailed
from tasks.plans.importers.registry import detect_format


def refusal(path: Path) -> str:
    with pytest.raises(ImportFailed) as caught:
        detect_format(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_a_pdf_is_named_as_unsupported_with_the_supported_formats(tmp_path: Path) -> None:
    pdf = tmp_path / "附件.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 4)
    message = refusal(pdf)
    assert "PDF is not a supported format" in message
    assert ".docx" in message and ".xlsx" in message and ".csv" in message and ".txt" in message
    assert "encoding" not in message


@pytest.mark.parametrize(("name", "content", "what"), [
    ("plan.rtf", b"{\\rtf1\\ansi plan}", "RTF"),
    ("plan.gz", gzip.compress(b"plan text"), "gzip archive"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
])
def test_other_binary_formats_are_named(tmp_path: Path, name: str, content: bytes, what: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert f"{what} is not a supported format" in refusal(path)


def test_a_zip_that_is_not_office_lists_the_supported_formats(tmp_path: Path) -> None:
    path = tmp_path / "plan.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "supported: Word .docx" in refusal(path)


def test_a_folder_is_not_a_plan_document(tmp_path: Path) -> None:
    assert "is a folder" in refusal(tmp_path)


def test_plain_text_and_csv_are_still_recognised(tmp_path: Path) -> None:
    (tmp_path / "plan.csv").write_text("任务,牵头单位\n", encoding="utf-8")
    (tmp_path / "plan.txt").write_text("一、总体要求\n", encoding="utf-8")
    assert detect_format(tmp_path / "plan.csv") == "csv" and detect_format(tmp_path / "plan.txt") == "text"
