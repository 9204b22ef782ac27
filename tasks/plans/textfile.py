"""Reading text documents whatever their encoding (UTF-8, UTF-16, GBK/GB18030 from Chinese Windows)."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from tasks.errors import ImportFailed, Problem

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(raw: bytes, file: str) -> str:
    """Decode ``raw``: BOM, then strict UTF-8, then GB18030, then a detected encoding."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise ImportFailed(f"{file}: unknown text encoding",
                           [Problem(file, "", "cannot tell the text encoding (tried UTF-8, GB18030)",
                                    kind="encoding")])
    return str(best)


def read_text(path: Path) -> str:
    """The text of ``path``, decoded; line endings normalised to ``\\n``."""
    raw = path.read_bytes()
    if not raw.strip():
        raise ImportFailed(f"{path.name}: the file is empty", [Problem(path.name, "", "empty file", kind="empty")])
    text = decode_bytes(raw, path.name)
    return text.replace("\r\n", "\n").replace("\r", "\n")
