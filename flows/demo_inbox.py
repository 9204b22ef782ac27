"""A local webhook inbox that stands in for the departments' channels during ``duban demo``."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalInbox:
    """A real HTTP server on 127.0.0.1 that records every JSON message POSTed to it (apprise ``json://``).

    Paths added to ``failing`` answer 500, as a channel that is down would; ``delay`` seconds pass
    between recording a message and answering, as on a slow channel.
    """

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.failing: set[str] = set()
        self.delay = 0.0
        lock = threading.Lock()
        received, failing, inbox = self.messages, self.failing, self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path in failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                try:
                    payload = json.loads(body or b"{}")
                except ValueError:
                    payload = {"raw": body.decode("utf-8", "replace")}
                with lock:
                    received.append({"path": self.path, **payload})
                if inbox.delay:
                    time.sleep(inbox.delay)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        """An apprise channel URL that lands in this inbox under ``/name``."""
        return f"json://127.0.0.1:{self.port}/{name}"

    def to(self, name: str) -> list[dict]:
        """Messages received for ``name``."""
        return [m for m in self.messages if m["path"] == f"/{name}"]

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()
