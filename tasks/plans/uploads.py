"""Plan documents uploaded through the portal, kept aside until the office confirms or cancels the import.

Each upload gets its own folder under ``data_dir/uploads`` named by a random token (mode 0700), holding the
document under its own (sanitised) name — the importer reads the plan code and the CSV format from the name —
with mode 0600, and a small JSON note of who uploaded it for which plan. Nothing reaches the plan tables
until the import is confirmed; a cancelled or confirmed upload's folder is deleted.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from config import get_settings
from models.files import create_private, private_dir
from tasks.errors import NotFound, ValidationFailed

ALLOWED_SUFFIXES = (".docx", ".xlsx", ".csv", ".txt")
NOTE = ".upload.json"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_PLAN_CODE = re.compile(r"^[\w-]{1,100}$")
_CHUNK = 64 * 1024
FORGET_AFTER = timedelta(days=7)  # an upload neither confirmed nor cancelled this long is deleted


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded plan document waiting for the office's decision."""

    token: str
    filename: str
    plan_code: str | None
    uploaded_by: str

    @property
    def path(self) -> Path:
        """Where the document is kept."""
        return uploads_dir() / self.token / self.filename


def uploads_dir() -> Path:
    """settings.data_dir/uploads, private to duban's account."""
    return private_dir(Path(get_settings().data_dir) / "uploads")


def safe_name(filename: str) -> str:
    """The file's own name without any folder part or leading dots, at most 150 characters."""
    name = Path(filename.replace("\\", "/")).name.strip().lstrip(".")
    return name[-150:] or "plan.txt"


def stage(filename: str, stream: BinaryIO, uploaded_by: str, plan_code: str | None = None) -> StagedUpload:
    """Keep an uploaded plan document until it is confirmed or cancelled; refuses (keeping nothing) a file of
    another type, an empty one or one above settings.upload_max_bytes, with a Chinese message."""
    forget_abandoned()
    name = safe_name(filename)
    plan_code = (plan_code or "").strip() or None
    if plan_code is not None and not _PLAN_CODE.match(plan_code):
        raise ValidationFailed(f"计划代码“{plan_code}”只能包含字母、数字、汉字、下划线和连字符（至多 100 个字符）。")
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationFailed(f"文件“{name}”的类型不支持：请上传 .docx、.xlsx、.csv 或 .txt 格式的计划文件"
                               f"（.doc/.xls 请先另存为 .docx/.xlsx）。")
    limit = get_settings().upload_max_bytes
    token = secrets.token_hex(16)
    folder = private_dir(uploads_dir() / token)
    upload = StagedUpload(token, name, plan_code, uploaded_by)
    try:
        size = 0
        with os.fdopen(create_private(upload.path), "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(f"文件“{name}”超过上限（{limit // (1024 * 1024)} MB），未保存。"
                                           f"请拆分或压缩后重新上传。")
                out.write(chunk)
        if size == 0:
            raise ValidationFailed(f"文件“{name}”是空文件，未保存。")
        with os.fdopen(create_private(folder / NOTE), "w", encoding="utf-8") as note:
            json.dump(asdict(upload), note, ensure_ascii=False)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return upload


def load(token: str) -> StagedUpload:
    """The upload kept under ``token``; NotFound when it was confirmed, cancelled or never existed."""
    note = uploads_dir() / token / NOTE if _TOKEN.match(token or "") else None
    if note is None or not note.exists():
        raise NotFound("该上传文件不存在，或已确认导入、已取消。请重新上传。")
    upload = StagedUpload(**json.loads(note.read_text(encoding="utf-8")))
    if not upload.path.exists():
        raise NotFound("该上传文件已丢失，请重新上传。")
    return upload


def discard(upload: StagedUpload) -> None:
    """Delete the upload's folder (after it was confirmed or cancelled)."""
    shutil.rmtree(uploads_dir() / upload.token, ignore_errors=True)


def forget_abandoned(older_than: timedelta = FORGET_AFTER) -> int:
    """Delete uploads left neither confirmed nor cancelled for ``older_than`` (run at each new upload, so
    abandoned documents do not pile up in the data folder); returns how many were deleted."""
    cutoff = time.time() - older_than.total_seconds()
    gone = 0
    for folder in uploads_dir().iterdir():
        if folder.is_dir() and _TOKEN.match(folder.name) and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            gone += 1
    return gone
