"""Real local receivers for notification tests: an HTTP webhook server and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Hit:
    """One webhook request that arrived."""

    path: str
    payload: dict

    @property
    def title(self) -> str:
        return self.payload.get("title", "")

    @property
    def message(self) -> str:
        return self.payload.get("message", "")


@dataclass
class WebhookReceiver:
    """A threaded HTTP server recording every POST; paths in ``failing`` answer 500."""

    port: int = 0
    hits: list[Hit] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def to(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def start(self) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path in receiver.failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.hits.append(Hit(self.path, json.loads(body.decode("utf-8"))))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.request_queue_size = 256
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    """A real local HTTP server receiving ``json://`` webhooks."""
    receiver = WebhookReceiver()
    server = receiver.start()
    yield receiver
    server.shutdown()
    server.server_close()


class _Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802, ANN001 - aiosmtpd API
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@dataclass
class SmtpReceiver:
    """A real SMTP server on 127.0.0.1 and the mail it received."""

    port: int
    inbox: _Inbox

    def url(self, to: str, sender: str = "duban@example.gov.cn") -> str:
        return f"mailto://127.0.0.1:{self.port}?from={sender}&to={to}"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self.inbox.messages

    def text(self, message: email.message.EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part else ""


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    """A real local SMTP server (aiosmtpd) receiving ``mailto://`` messages."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield SmtpReceiver(controller.port, inbox)
    controller.stop()
