"""The importer registry: readers keyed by format, and telling a file's format from its bytes."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from tasks.errors import ImportFailed, Problem
from tasks.plans.parsed import ParsedPlan

Reader = Callable[[Path], ParsedPlan]
READERS: dict[str, Reader] = {}


def register(fmt: str) -> Callable[[Reader], Reader]:
    """Register ``reader`` as the importer of ``fmt``."""

    def decorate(reader: Reader) -> Reader:
        READERS[fmt] = reader
        return reader

    return decorate


def detect_format(path: Path) -> str:
    """Tell the format of ``path`` from its bytes: docx, xlsx, csv or text."""
    if not path.exists():
        raise ImportFailed(f"{path}: no such file", [Problem(str(path), "", "no such file", kind="missing")])
    if path.stat().st_size == 0:
        raise ImportFailed(f"{path.name}: the file is empty", [Problem(path.name, "", "empty file", kind="empty")])
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise ImportFailed(f"{path.name}: corrupted Office file",
                               [Problem(path.name, "", "the file looks like .docx/.xlsx but is not a readable "
                                        "zip archive (corrupted or truncated)", kind="corrupt")]) from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise ImportFailed(f"{path.name}: unsupported archive",
                           [Problem(path.name, "", "a zip archive that is neither .docx nor .xlsx", kind="format")])
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(f"{path.name}: old binary Office format",
                           [Problem(path.name, "", "old .doc/.xls binary format: save it as .docx/.xlsx first",
                                    kind="format")])
    if path.suffix.lower() == ".csv":
        return "csv"
    return "text"


def read_document(path: Path) -> ParsedPlan:
    """Detect the format of ``path`` and run its importer."""
    fmt = detect_format(path)
    reader = READERS.get(fmt)
    if reader is None:
        raise ImportFailed(f"{path.name}: no importer for format {fmt}",
                           [Problem(path.name, "", f"format {fmt} is not supported yet", kind="format")])
    return reader(path)
