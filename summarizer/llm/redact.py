"""Keeping credentials out of log records and error messages, whoever writes them.

The key travels in the ``Authorization`` header, which no library here logs. But a base URL
can carry credentials too (``https://user:pass@proxy/v1``, ``…/v1?api-key=…``) and the HTTP
stack logs full request URLs: httpx at INFO (what ``brief -v`` shows), openai at DEBUG, and
both put them in exception text. Rather than chase every logger (instructor and httpx create
theirs lazily), the log-record factory scrubs every record, once a secret is registered.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

MASK = "***"
_MIN_LENGTH = 8  # shorter strings ("user", "1") are too common to scrub without mangling ordinary text
_secrets: set[str] = set()
_lock = threading.Lock()
_previous_factory: Callable[..., logging.LogRecord] | None = None


def url_secrets(url: str | None) -> list[str]:
    """The parts of an endpoint URL that may be credentials: user info and query string."""
    if not url:
        return []
    try:
        parts = urlsplit(url)
    except ValueError:
        return [url]
    found = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        found += [userinfo, userinfo.partition(":")[2]]
    if parts.query:
        found += [parts.query, *(pair.split("=", 1)[-1] for pair in parts.query.split("&"))]
    return found


def register(*secrets: str | None) -> None:
    """Scrub these strings from every log record from now on (installs the record factory once)."""
    global _previous_factory
    new = {s for s in secrets if s and len(s) >= _MIN_LENGTH}
    if not new:
        return
    with _lock:
        _secrets.update(new)
        if _previous_factory is None:
            _previous_factory = logging.getLogRecordFactory()
            logging.setLogRecordFactory(_scrubbing_factory)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***`` (longest first, so parts of one do not leak)."""
    if not _secrets:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    assert _previous_factory is not None
    record = _previous_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record is logging's to report, not ours
        return record
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None:
        # Formatters reuse exc_text when it is set: the traceback is formatted once, scrubbed.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record
