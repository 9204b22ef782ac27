"""A unit's notification channels, shown safely: ``mask_url`` hides passwords, tokens, keys and webhook ids
of an apprise URL, and the scrubber hides the same secrets in what apprise and urllib3 log.

It lives with the directory (which holds the channels and names a bad one by its masked URL) so that
the directory never imports the reminders; the notifier (``tasks.reminders.notify``) uses it too.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import apprise

_SECRETISH = re.compile(r"^(?=.*\d)[A-Za-z0-9_\-]{16,}$")


class _Scrubber(logging.Filter):
    """Hides known channel secrets in what apprise and urllib3 log, and in the errors the ledger records."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def scrub(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "****")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg, record.args = self.scrub(record.getMessage()), ()
        return True

    def guard(self) -> None:
        """Attach to the loggers that may print a channel URL (at debug level); once, on first use, not at import."""
        for name in ("apprise", "urllib3.connectionpool"):
            logger = logging.getLogger(name)
            if self not in logger.filters:
                logger.addFilter(self)


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
    _scrubber.guard()
    _scrubber.secrets |= _secrets_of(url)  # apprise logs the URL while parsing it
    try:
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
