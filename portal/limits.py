"""Request body limits: refuse big uploads from Content-Length, and stop reading a stream past the limit."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config import get_settings

SMALL_BODY = 1024 * 1024  # JSON and ordinary forms
FORM_OVERHEAD = 256 * 1024  # multipart headers and text fields beside the files


class BodyTooLarge(Exception):
    """The client sent more than the limit."""


def limit_for(scope: Scope) -> int:
    """Uploads (multipart) may carry up to upload_max_bytes of files in total; everything else 1 MB."""
    headers = dict(scope.get("headers") or [])
    if headers.get(b"content-type", b"").startswith(b"multipart/form-data"):
        return get_settings().upload_max_bytes + FORM_OVERHEAD
    return SMALL_BODY


def _refusal(limit: int, api: bool) -> tuple[bytes, bytes]:
    """The 413 body and its content type: JSON for the API (its callers parse JSON), else a Chinese page."""
    mb = max(1, (limit - FORM_OVERHEAD) // (1024 * 1024)) if limit > SMALL_BODY else limit // (1024 * 1024)
    text = f"上传内容超过上限（{mb} MB），未保存任何内容。请压缩或拆分后重新提交。"
    if api:
        return json.dumps({"detail": text}, ensure_ascii=False).encode(), b"application/json"
    page = (f"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>文件过大</title><h1>文件过大</h1>"
            f"<p>{text}</p></html>")
    return page.encode(), b"text/html; charset=utf-8"


class BodyLimit:
    """ASGI middleware answering 413 before (Content-Length) or while (streaming) a body grows too big."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(scope, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, limit: int) -> None:
        body, content_type = _refusal(limit, str(scope.get("path", "")).startswith("/api/"))
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", content_type),
                                (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
