"""The bounds an import keeps to, so that a hostile or runaway file is refused before it costs much.

Every check runs before the part it guards is read in full: the file size from the file system, the
uncompressed size and compression ratio of each .docx/.xlsx member from the zip directory (Python's
zipfile never inflates a member past the size its directory entry declares), rows, cells and paragraphs
while they stream, and the time spent since the import began. A refusal is an ``ImportFailed`` with one
``Problem`` of kind ``limit`` naming the limit, its setting (``DUBAN_IMPORT__…``) and the file.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from config import get_settings
from config.settings import ImportLimits
from tasks.errors import ImportFailed, Problem

_started: ContextVar[float | None] = ContextVar("import_started", default=None)


def limits() -> ImportLimits:
    """The configured import limits."""
    return get_settings().import_limits


def refuse(file: str, setting: str, what: str, limit: float | int, ref: str = "") -> ImportFailed:
    """The error for a file over a limit: which limit, how to raise it; nothing has been written."""
    shown = f"{limit:,}" if isinstance(limit, int) else f"{limit:g}"
    env = f"DUBAN_IMPORT__{setting.upper()}"
    message = f"{what}, over the import limit {setting} = {shown} (raise it with {env} if the file is genuine)"
    return ImportFailed(f"{file}: too large to import ({setting})", [Problem(file, ref, message, kind="limit")])


def check_file_size(path: Path) -> None:
    """Refuse a file larger than ``max_bytes`` (before reading it)."""
    size, most = path.stat().st_size, limits().max_bytes
    if size > most:
        raise refuse(path.name, "max_bytes", f"the file has {size:,} bytes", most)


def check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a .docx/.xlsx whose members, by the zip directory alone, are too big or too compressed."""
    bounds = limits()
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > bounds.max_uncompressed_bytes:
            raise refuse(path.name, "max_uncompressed_bytes",
                         f"its parts unpack to more than {total:,} bytes", bounds.max_uncompressed_bytes)
        if info.file_size > 1024 * 1024 and info.file_size > bounds.max_compression_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise refuse(path.name, "max_compression_ratio",
                         f"part {info.filename} unpacks {ratio:,} times its stored size (a zip bomb's shape)",
                         bounds.max_compression_ratio)


@contextmanager
def import_clock() -> Iterator[None]:
    """Time an import from here: ``check_time`` refuses once ``max_seconds`` have passed."""
    token = _started.set(time.monotonic())
    try:
        yield
    finally:
        _started.reset(token)


def check_time(file: str, ref: str = "") -> None:
    """Refuse when the import running in this context has taken longer than ``max_seconds``."""
    started = _started.get()
    if started is None:
        return
    most = limits().max_seconds
    spent = time.monotonic() - started
    if spent > most:
        raise refuse(file, "max_seconds", f"reading took more than {spent:.0f} seconds", most, ref)


class Counter:
    """Rows, cells or paragraphs of one file counted as they stream; refuses at the first one over its limit."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.bounds = limits()
        self.rows = self.cells = self.paragraphs = 0

    def row(self, cells: int, ref: str = "") -> None:
        """Count one table row of ``cells`` cells (checking the clock every 1,000 rows)."""
        self.rows += 1
        self.cells += cells
        if self.rows > self.bounds.max_rows:
            raise refuse(self.file, "max_rows", f"more than {self.bounds.max_rows:,} table rows",
                         self.bounds.max_rows, ref)
        if self.cells > self.bounds.max_cells:
            raise refuse(self.file, "max_cells", f"more than {self.bounds.max_cells:,} table cells",
                         self.bounds.max_cells, ref)
        if self.rows % 1000 == 0:
            check_time(self.file, ref)

    def paragraph(self, ref: str = "") -> None:
        """Count one paragraph or text line (checking the clock every 1,000)."""
        self.paragraphs += 1
        if self.paragraphs > self.bounds.max_paragraphs:
            raise refuse(self.file, "max_paragraphs", f"more than {self.bounds.max_paragraphs:,} paragraphs",
                         self.bounds.max_paragraphs, ref)
        if self.paragraphs % 1000 == 0:
            check_time(self.file, ref)
