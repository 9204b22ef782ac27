"""The importer registry: readers keyed by format, and telling a file's format from its bytes."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from tasks.errors import ImportFailed, Problem
from tasks.plans.importers.limits import check_archive, check_file_size
from tasks.plans.parsed import ParsedPlan

Reader = Callable[[Path], ParsedPlan]
READERS: dict[str, Reader] = {}


def register(fmt: str) -> Callable[[Reader], Reader]:
    """Register ``reader`` as the importer of ``fmt``."""

    def decorate(reader: Reader) -> Reader:
        READERS[fmt] = reader
        return reader

    return decorate


SUPPORTED = ("Word .docx", "Excel .xlsx", ".csv (UTF-8 or GBK/GB18030)", "plain text .txt")
# Formats people send that duban cannot read, told apart by their first bytes.
_UNSUPPORTED = ((b"%PDF", "PDF"), (b"{\\rtf", "RTF"), (b"\xd0\xcf\x11\xe0", "old binary .doc/.xls"),
                (b"Rar!", "RAR archive"), (b"7z\xbc\xaf", "7-Zip archive"), (b"\x1f\x8b", "gzip archive"),
                (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"))


def _unsupported(path: Path, what: str, advice: str) -> ImportFailed:
    """The error for a file duban cannot read, naming the formats it can."""
    message = f"{what} is not a supported format; {advice}supported: {', '.join(SUPPORTED)}"
    return ImportFailed(f"{path.name}: unsupported format", [Problem(path.name, "", message, kind="format")])


def detect_format(path: Path) -> str:
    """Tell the format of ``path`` from its bytes: docx, xlsx, csv or text (size limits checked first)."""
    if not path.exists():
        raise ImportFailed(f"{path}: no such file", [Problem(str(path), "", "no such file", kind="missing")])
    if path.is_dir():
        raise ImportFailed(f"{path}: is a folder", [Problem(str(path), "", "is a folder, not a plan document: give "
                                                            "the file itself", kind="missing")])
    if path.stat().st_size == 0:
        raise ImportFailed(f"{path.name}: the file is empty", [Problem(path.name, "", "empty file", kind="empty")])
    check_file_size(path)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                check_archive(path, archive)
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise ImportFailed(f"{path.name}: corrupted Office file",
                               [Problem(path.name, "", "the file looks like .docx/.xlsx but is not a readable "
                                        "zip archive (corrupted or truncated)", kind="corrupt")]) from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise _unsupported(path, "a zip archive that is neither .docx nor .xlsx", "")
    for magic, what in _UNSUPPORTED:
        if head.startswith(magic):
            advice = "save it as .docx/.xlsx first; " if "binary" in what else \
                "import the Word or Excel document it was made from; " if what in ("PDF", "RTF") else ""
            raise _unsupported(path, what, advice)
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
