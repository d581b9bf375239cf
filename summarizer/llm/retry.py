"""Where a transport retry is decided: timeouts, connection errors, 429 and 5xx.

Exactly one layer owns transport retries: the OpenAI client is built with
``max_retries=0`` and this policy wraps each HTTP call. Validation re-asks are a separate
loop with their own bound (see ``ask.py``); API errors are never fed back to the model.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
)

from ..retry_after import retry_after_seconds as parse_retry_after

RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_WAIT = 60.0  # never sleep longer than this on one Retry-After


def status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def is_transient(exc: BaseException) -> bool:
    """Timeouts, dropped connections, rate limits and server errors; never 400/401/403/404."""
    import openai

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    status = status_of(exc)
    if status is not None:
        return status in RETRYABLE_STATUS and not is_mode_rejection(exc)
    return False


def is_mode_rejection(exc: BaseException) -> bool:
    """An endpoint saying it does not support the request's structured-output shape.

    llama.cpp's server answers 500 to ``response_format: json_schema``; Ollama answers 400
    for tools on models without tool support. Such errors mean "try another mode", not "wait".
    """
    status = status_of(exc)
    if status not in {400, 404, 422, 500, 501}:
        return False
    text = str(getattr(exc, "message", "") or exc).lower()
    return any(word in text for word in ("response_format", "json_schema", "tool", "function", "not supported"))


def error_retry_after(exc: BaseException | None, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, read by the shared parser (``summarizer/retry_after.py``)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    return parse_retry_after(headers.get, now=now)


class BackoffWithRetryAfter:
    """Exponential backoff with full jitter, unless the server said how long to wait."""

    def __init__(self, initial: float = 0.5, maximum: float = 20.0) -> None:
        self.initial = initial
        self.maximum = maximum

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = error_retry_after(exc)
        if asked is not None:
            return min(asked, MAX_WAIT)
        ceiling = min(self.maximum, self.initial * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)


class StopAtDeadline:
    """Stop retrying when the next try would start after the brief's deadline (wait included).

    One deadline covers a whole brief, so it is an absolute time on ``clock``, shared by every
    HTTP call of that brief; ``hit`` tells the caller the deadline, not the attempt bound, stopped it.
    """

    def __init__(self, deadline_at: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.deadline_at = deadline_at
        self.clock = clock
        self.hit = False

    def __call__(self, state: RetryCallState) -> bool:
        if self.clock() + state.upcoming_sleep >= self.deadline_at:
            self.hit = True
        return self.hit


def _policy(attempts: int, deadline: StopAtDeadline, sleep: Any | None) -> dict[str, Any]:
    policy: dict[str, Any] = {
        "retry": retry_if_exception(is_transient),
        "stop": stop_after_attempt(max(1, attempts)) | deadline,
        "wait": BackoffWithRetryAfter(),
        "reraise": True,
    }
    if sleep is not None:
        policy["sleep"] = sleep
    return policy


def transport_retrying(attempts: int, deadline: StopAtDeadline, sleep: Any | None = None) -> Retrying:
    return Retrying(**_policy(attempts, deadline, sleep))


def async_transport_retrying(attempts: int, deadline: StopAtDeadline, sleep: Any | None = None) -> AsyncRetrying:
    return AsyncRetrying(**_policy(attempts, deadline, sleep))
