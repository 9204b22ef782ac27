"""Importers keyed by format; the format is detected from the file's content, not a flag.

Each reader module (docx_reader, spreadsheet, text_reader) registers a reader ``(path) -> ParsedPlan``
under its format name.
``docx`` and ``text`` readers decide internally between a table, prose with
responsibility markers, and an indicator annex.
"""

from tasks.plans.importers import docx_reader, spreadsheet, text_reader
from tasks.plans.importers.registry import READERS, detect_format, read_document, register

__all__ = ["READERS", "detect_format", "docx_reader", "read_document", "register", "spreadsheet", "text_reader"]
