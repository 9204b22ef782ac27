"""Real local receivers for notification tests: an HTTP webhook server and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller

from flows.demo_inbox import LocalInbox


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


class WebhookReceiver(LocalInbox):
    """The demo's local webhook inbox, seen as ``Hit``s addressed by path (``/unit``).

    ``hold_after(n)`` makes every request after the first ``n`` hang (recorded, not answered) until
    ``release()``: a channel that stops answering, at a point fixed by count rather than by a clock.
    ``holding`` is set once a request is held.
    """

    def __init__(self) -> None:
        self._hold_after: int | None = None
        self._released = threading.Event()
        self.holding = threading.Event()
        super().__init__()

    @property
    def delay(self) -> float:  # read by the inbox's handler after recording each request
        if self._hold_after is not None and len(self.messages) > self._hold_after:
            self.holding.set()
            self._released.wait()
        return self._delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self._delay = seconds

    def hold_after(self, count: int) -> None:
        self._released.clear()
        self._hold_after = count

    def release(self) -> None:
        self._hold_after = None
        self._released.set()

    def url(self, path: str = "/") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    @property
    def hits(self) -> list[Hit]:
        return [Hit(m["path"], {k: v for k, v in m.items() if k != "path"}) for m in list(self.messages)]

    def to(self, path: str) -> list[Hit]:  # type: ignore[override]
        return [h for h in self.hits if h.path == path]


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    """A real local HTTP server receiving ``json://`` webhooks."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.release()
    receiver.close()


class _Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
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
