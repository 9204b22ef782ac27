"""Evidence files (佐证材料): checked by size, extension and content, stored outside the web root."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype

from config import get_settings
from models.files import create_private, private_dir
from tasks.errors import ValidationFailed

# extension → (content type, extensions that content sniffing may report for it)
ALLOWED: dict[str, tuple[str, set[str]]] = {
    "pdf": ("application/pdf", {"pdf"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx", "zip"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx", "zip"}),
    "doc": ("application/msword", {"doc", "xls", "ppt"}),
    "xls": ("application/vnd.ms-excel", {"doc", "xls", "ppt"}),
    "jpg": ("image/jpeg", {"jpg"}),
    "jpeg": ("image/jpeg", {"jpg"}),
    "png": ("image/png", {"png"}),
}
CHUNK = 64 * 1024


@dataclass
class StoredFile:
    """An evidence file written under data_dir/evidence/ with a random name."""

    filename: str
    stored_path: str
    content_type: str
    size: int
    sha256: str


def evidence_dir() -> Path:
    """Where evidence lives: settings.data_dir/evidence (never under the portal's static folder), mode 0700."""
    return private_dir(Path(get_settings().data_dir) / "evidence")


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip()
    return name[:200] or "file"


def store(filename: str, stream: BinaryIO, max_bytes: int | None = None) -> StoredFile:
    """Copy ``stream`` into the evidence folder, refusing (and leaving nothing) if too big or not allowed."""
    limit = max_bytes if max_bytes is not None else get_settings().upload_max_bytes
    name = _safe_name(filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise ValidationFailed(f"文件“{name}”的类型不允许上传；允许的类型：{'、'.join(sorted(ALLOWED))}。")
    target = evidence_dir() / f"{secrets.token_hex(16)}.{ext}"
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(create_private(target), "wb") as out:  # mode 0600: units' documents are private
            head = b""
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(f"文件“{name}”超过大小上限（{limit // (1024 * 1024)} MB）。")
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed(f"文件“{name}”是空文件。")
        kind = filetype.guess(head)
        if kind is None or kind.extension not in ALLOWED[ext][1]:
            raise ValidationFailed(f"文件“{name}”的内容与扩展名 .{ext} 不符，拒绝上传。")
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredFile(filename=name, stored_path=target.name, content_type=ALLOWED[ext][0], size=size,
                      sha256=digest.hexdigest())


def path_of(stored_path: str) -> Path:
    """The absolute path of a stored evidence file (stored_path is relative to the evidence folder)."""
    path = (evidence_dir() / stored_path).resolve()
    if path.parent != evidence_dir().resolve():
        raise ValidationFailed("invalid evidence path")
    return path


def discard(files: list[StoredFile]) -> None:
    """Delete files stored for a submission that was then refused."""
    for f in files:
        (evidence_dir() / f.stored_path).unlink(missing_ok=True)
