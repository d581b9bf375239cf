"""The one Retry-After parser: for LLM endpoints (``llm/retry.py``) and chat webhooks (``chat/post.py``).

A server says how long to wait in ``retry-after-ms`` (OpenAI), ``Retry-After`` as seconds or an
HTTP date (RFC 9110 §10.2.3), or ``X-RateLimit-Reset-After`` (Discord). Anything else, a date that
does not parse, a negative, NaN or infinite number, is no answer: the caller backs off on its own.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable

# Milliseconds first: a server that sends both gives the finer figure there.
_HEADERS = (("retry-after-ms", 0.001), ("retry-after", 1.0), ("x-ratelimit-reset-after", 1.0))


def retry_after_seconds(header: Callable[[str], str | None], *, now: float | None = None) -> float | None:
    """Seconds a server asked to wait, from the first header that holds a usable value.

    ``header(name)`` looks a header up (case-insensitively); ``now`` (epoch seconds) is for HTTP dates.

    >>> retry_after_seconds({"retry-after": "2"}.get)
    2.0
    >>> retry_after_seconds({"retry-after": "soon"}.get) is None
    True
    """
    for name, scale in _HEADERS:
        value = header(name)
        if not value:
            continue
        seconds = _seconds(value.strip(), now)
        if seconds is not None:
            return seconds * scale
    return None


def seconds_value(value: object) -> float | None:
    """A wait given as a JSON number (Discord's ``retry_after``), or None when it is not a usable one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return _finite(float(value))


def _seconds(value: str, now: float | None) -> float | None:
    try:
        return _finite(float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:  # RFC 9110 dates are GMT; a zone-less one is not one of them
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _finite(number: float) -> float | None:
    if math.isnan(number) or math.isinf(number):
        return None
    return max(0.0, number)
