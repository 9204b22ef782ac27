"""Word (.docx) plans: division-of-labour tables, indicator annex tables and marked prose.

Tables are read from the XML grid (``w:tc`` with ``gridSpan`` and ``vMerge``, ``gridBefore``),
not from python-docx's ``row.cells``, which repeats merged cells and hides what spans what.
Paragraphs outside tables are numbered ``line N`` in body order (one paragraph = one line). Word's
automatic numbering (一、 （一） 1. kept in ``numbering.xml``) is put back before the text it numbers.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import docx.document
from docx.oxml.ns import qn
from lxml import etree

from tasks.errors import ImportFailed, Problem
from tasks.plans.importers.document_plan import Document, build_plan
from tasks.plans.importers.docx_numbering import DocxNumbering
from tasks.plans.importers.limits import Counter, check_time
from tasks.plans.importers.prose_reader import Para
from tasks.plans.importers.registry import register
from tasks.plans.importers.table_grid import Cell, RawRow, RawTable
from tasks.plans.parsed import ParsedPlan

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_VAL, _SDT = qn("w:val"), qn("w:sdt")
_GRID_BEFORE = f"{qn('w:trPr')}/{qn('w:gridBefore')}"
_GRID_SPAN = f"{qn('w:tcPr')}/{qn('w:gridSpan')}"
_VMERGE = f"{qn('w:tcPr')}/{qn('w:vMerge')}"


@register("docx")
def read_docx(path: Path) -> ParsedPlan:
    """Read a .docx plan into a ParsedPlan."""
    return build_plan(parse_docx(path))


def parse_docx(path: Path) -> Document:
    """The body paragraphs and tables of a .docx, in reading order (sizes checked before it is loaded)."""
    _check_size(path)
    document = _open(path)
    numbering = _numbering(document)
    paras: list[Para] = []
    tables: list[RawTable] = []
    for element in _blocks(document.element.body):
        if element.tag == _P:
            text = (numbering(element) + _paragraph_text(element)).strip()
            paras.append(Para(f"line {len(paras) + 1}", text))
        elif element.tag == _TBL:
            tables.append(_table(element, len(tables) + 1, numbering))
    text = "\n".join(p.text for p in paras)
    return Document(path.name, "docx", [p for p in paras if p.text], tables, text)


def _check_size(path: Path) -> None:
    """Count the body's paragraphs and table rows as the XML streams, before python-docx loads it whole:
    a document over ``max_paragraphs``, ``max_rows`` or ``max_cells`` is refused at the first one too many."""
    counter = Counter(path.name)
    try:
        with zipfile.ZipFile(path) as archive, archive.open("word/document.xml") as xml:
            for _, element in etree.iterparse(xml, events=("end",), tag=(_P, _TR), huge_tree=False):
                if element.tag == _P:
                    counter.paragraph()
                    element.clear()  # counted: its runs are not needed (memory stays small)
                else:
                    counter.row(sum(1 for _ in element.iterchildren(_TC)), f"table row {counter.rows + 1}")
                    element.clear()  # a row's paragraphs are counted: drop them and the rows before
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError):
        return  # a damaged file: _open names what is wrong with it
    check_time(path.name)


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """Body paragraphs and tables in order, looking inside content controls (``w:sdt``)."""
    for element in parent.iterchildren():
        if element.tag == _SDT:
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)
        else:
            yield element


def _numbering(document: docx.document.Document) -> Callable[[etree._Element], str]:
    """Each paragraph's automatic number (see DocxNumbering); none when the definitions cannot be read."""
    try:
        return DocxNumbering(document).label
    except (KeyError, ValueError, AttributeError, etree.XMLSyntaxError):
        return lambda p: ""


def _open(path: Path) -> docx.document.Document:
    """The Word document; a damaged archive or broken XML is an ImportFailed naming the file."""
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError, OSError) as exc:
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        raise ImportFailed(f"{path.name}: corrupted Word document",
                           [Problem(path.name, "", f"the .docx cannot be read ({detail})", kind="corrupt")]) from None
    except Exception as exc:  # python-docx raises assorted errors on damaged packages
        raise ImportFailed(f"{path.name}: corrupted Word document",
                           [Problem(path.name, "", f"the .docx cannot be read ({type(exc).__name__})",
                                    kind="corrupt")]) from None
    return document


def _paragraph_text(p: etree._Element) -> str:
    """The visible text of a paragraph: runs, tabs as spaces, line breaks as newlines."""
    parts: list[str] = []
    for node in p.iter(_T, _TAB, _BR, _CR):
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _table(tbl: etree._Element, number: int, numbering: Callable[[etree._Element], str]) -> RawTable:
    """A Word table as rows of cells with their grid spans and vertical-merge continuations."""
    rows: list[RawRow] = []
    for index, tr in enumerate(tbl.iterchildren(_TR), 1):
        cells: list[Cell] = []
        before = _int_prop(tr, _GRID_BEFORE)
        if before:
            cells.append(Cell("", before))
        for tc in tr.iterchildren(_TC):
            span = _int_prop(tc, _GRID_SPAN) or 1
            vmerge = tc.find(_VMERGE)
            continued = vmerge is not None and vmerge.get(_VAL) in (None, "continue")
            text = "\n".join(numbering(p) + _paragraph_text(p) for p in tc.iter(_P))
            cells.append(Cell(text.strip(), span, continued))
        rows.append(RawRow(f"table {number} row {index}", cells))
    return RawTable(number, rows, spans_known=True)


def _int_prop(element: etree._Element, path: str) -> int:
    """An integer ``w:val`` at ``path`` (Clark notation) under ``element``, 0 when absent."""
    node = element.find(path)
    if node is None:
        return 0
    try:
        return int(node.get(_VAL, "0"))
    except ValueError:
        return 0
