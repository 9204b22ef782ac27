"""A unit's notification channels, shown safely: ``mask_url`` hides passwords, tokens, keys and webhook ids
of an apprise URL, and the scrubber hides the same secrets in what apprise and urllib3 log.

It lives with the directory (which holds the channels and names a bad one by its masked URL) so that
the directory never imports the reminders; the notifier (``tasks.reminders.notify``) uses it too.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import apprise

_SECRETISH = re.compile(r"^(?=.*\d)[A-Za-z0-9_\-]{16,}$")


class _Scrubber(logging.Filter):
    """Hides known channel secrets in what apprise and urllib3 log, and in the errors the ledger records."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self._lock = threading.Lock()
        self._users = 0  # parses and sends under way (threads of one delivery, or nested)

    def scrub(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "****")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg, record.args = self.scrub(record.getMessage()), ()
        return True

    @contextmanager
    def guarding(self) -> Iterator[None]:
        """While apprise parses or sends: attached to the loggers that may print a channel URL (at debug
        level), and removed when the last concurrent user leaves — nothing is installed at import, nor left
        installed on other libraries' loggers after a delivery."""
        with self._lock:
            if self._users == 0:
                for name in _URL_LOGGERS:
                    logging.getLogger(name).addFilter(self)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    for name in _URL_LOGGERS:
                        logging.getLogger(name).removeFilter(self)


_URL_LOGGERS = ("apprise", "urllib3.connectionpool")
_scrubber = _Scrubber()


def _secrets_of(url: str) -> set[str]:
    """The parts of ``url`` that must never appear in a log line."""
    parts = urlsplit(url)
    found = {parts.password or ""} | {p for p in parts.path.split("/") if _SECRETISH.match(p)}
    found |= {v for v in re.findall(r"=([^&]+)", parts.query) if len(v) >= 6}
    if _SECRETISH.match(parts.hostname or ""):
        found.add(parts.hostname or "")
    return {s for s in found if len(s) >= 4}


def _shorten_secret(part: str, always: bool = False) -> str:
    """``abcdef…xyz`` → ``a...z`` for a part that looks like a token (or any longer part if ``always``)."""
    hide = len(part) >= 6 if always else bool(_SECRETISH.match(part))
    return f"{part[0]}...{part[-1]}" if hide else part


def mask_url(url: str) -> str:
    """The channel URL with passwords, tokens, keys and webhook ids hidden (safe for logs and output)."""
    _scrubber.secrets |= _secrets_of(url)  # apprise logs the URL while parsing it
    try:
        with _scrubber.guarding():
            plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    except Exception:
        plugin = None
    parts = urlsplit(plugin.url(privacy=True) if plugin else url)
    if plugin:  # apprise knows which parts are secret; we also shorten token-like path segments
        netloc, path = parts.netloc, "/".join(_shorten_secret(p) for p in parts.path.split("/"))
    else:  # unknown scheme: hide every credential, host and path part that could be a key
        host = parts.netloc.rsplit("@", 1)[-1]
        netloc = ("****@" if "@" in parts.netloc else "") + _shorten_secret(host, always=True)
        path = "/".join(_shorten_secret(p, always=True) for p in parts.path.split("/"))
    return f"{parts.scheme}://{netloc}{path.rstrip('/') if path != '/' else ''}"
