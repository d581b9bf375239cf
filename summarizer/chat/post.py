"""Posting a brief to a chat webhook: the one place where a retry is decided.

A post is not idempotent: sent twice, it shows twice. So a retry is made only when the post surely
did not arrive: no connection could be made (refused, no such host, connect timeout), or the
platform answered 429 (after its Retry-After), 408 or 5xx (exponential backoff with jitter), at
most ``max_attempts`` tries in all. Not retried: any other 4xx, which means the payload or the
webhook is wrong; and a request that was sent but got no answer (a timeout or a reset after
sending), which may be in the channel already: that is reported, never resent.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from summarizer.retry_after import retry_after_seconds as parse_retry_after
from summarizer.retry_after import seconds_value
from summarizer.schema import Brief

from .errors import ChatDeliveryError
from .platforms import Platform, check_platform, render_payload
from .text import clean, shorten
from .transport import HttpPost, HttpResponse, TransportError, redact_url, scrub, urllib_transport
from .wire import encode

log = logging.getLogger(__name__)

USER_AGENT = "brief-summarizer (chat delivery)"
# Waiting longer than this for one rate limit would stall a newsroom bot; better to fail and
# let the caller (or the next watch pass) try again.
MAX_RETRY_AFTER = 60.0
_ERROR_TEXT_CAP = 300


@dataclass(frozen=True)
class PostResult:
    """What a successful post returned. ``host`` is ``scheme://host`` only, safe to print."""

    platform: Platform
    host: str
    status: int
    attempts: int
    response: str


class _Retryable(Exception):
    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.retry_after = retry_after


def post_brief(
    brief: Brief,
    webhook_url: str,
    platform: str = "slack",
    *,
    timeout: float = 10.0,
    max_attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
    transport: HttpPost = urllib_transport,
) -> PostResult:
    """Render ``brief`` for ``platform`` and post it to ``webhook_url``.

    >>> post_brief(brief, os.environ["SLACK_WEBHOOK"], "slack")  # doctest: +SKIP
    PostResult(platform='slack', host='https://hooks.example.invalid', status=200, attempts=1, response='ok')

    Raises :class:`ChatDeliveryError` (with the platform's own error text, never the URL) when
    the platform rejects the post or it still fails after ``max_attempts`` tries.
    """
    return post_payload(
        render_payload(brief, platform),
        webhook_url,
        platform,
        timeout=timeout,
        max_attempts=max_attempts,
        sleep=sleep,
        transport=transport,
    )


def post_payload(
    payload: dict[str, Any],
    webhook_url: str,
    platform: str = "slack",
    *,
    timeout: float = 10.0,
    max_attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
    transport: HttpPost = urllib_transport,
) -> PostResult:
    """Post an already rendered payload (see :func:`post_brief`)."""
    name = check_platform(platform)
    host = redact_url(webhook_url)
    if not host.startswith(("http://", "https://")):
        message = f"{name}: the webhook URL must start with https:// and name a host"
        raise ChatDeliveryError(message, platform=name, host=host)
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")
    body = encode(payload)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    attempts = 0

    def attempt() -> HttpResponse:
        nonlocal attempts
        attempts += 1
        log.debug(
            "posting %d bytes to %s (%s, attempt %d of %d)", len(body), host, name, attempts, max_attempts
        )
        try:
            response = transport(webhook_url, body, headers, timeout)
        except TransportError as exc:
            if not exc.sent:
                raise _Retryable(f"no connection: {exc}") from None
            raise ChatDeliveryError(
                f"{name} at {host}: no answer after the post was sent ({exc}); it may have been posted, "
                "so it is not sent again: check the channel",
                platform=name,
                host=host,
                error=str(exc),
                attempts=attempts,
                transient=False,
                may_have_arrived=True,
            ) from None
        return _judge(response, name, host, webhook_url, attempts)

    retrying = Retrying(
        stop=stop_after_attempt(max_attempts),
        wait=_wait,
        retry=retry_if_exception_type(_Retryable),
        sleep=sleep,
        before_sleep=lambda state: _log_retry(state, name, host, max_attempts),
        reraise=True,
    )
    try:
        response = retrying(attempt)
    except _Retryable as exc:
        raise ChatDeliveryError(
            f"{name} at {host}: gave up after {attempts} attempts: {exc}",
            platform=name,
            host=host,
            status=exc.status,
            error=str(exc),
            attempts=attempts,
            transient=True,
        ) from None
    log.info("posted brief to %s at %s (HTTP %d, %d attempts)", name, host, response.status, attempts)
    answer = shorten(clean(scrub(response.text, webhook_url)), 200)
    return PostResult(name, host, response.status, attempts, answer)


def _judge(response: HttpResponse, platform: Platform, host: str, url: str, attempts: int) -> HttpResponse:
    """Return a success, raise :class:`_Retryable` for what may pass later, else fail for good."""
    status = response.status
    if 200 <= status < 300:
        return response
    error = platform_error(platform, response, url)
    if status == 429:
        retry_after = response_retry_after(response)
        if retry_after is not None and retry_after > MAX_RETRY_AFTER:
            raise ChatDeliveryError(
                f"{platform} at {host}: rate limited for {retry_after:.0f} s, over the cap",
                platform=platform,
                host=host,
                status=status,
                error=error,
                attempts=attempts,
                transient=True,
            )
        raise _Retryable(f"HTTP 429 {error}", status=status, retry_after=retry_after)
    if status == 408 or status >= 500:
        raise _Retryable(f"HTTP {status} {error}", status=status)
    raise ChatDeliveryError(
        f"{platform} at {host} rejected the post: HTTP {status} {error}",
        platform=platform,
        host=host,
        status=status,
        error=error,
        attempts=attempts,
        transient=False,
    )


def platform_error(platform: str, response: HttpResponse, url: str) -> str:
    """The platform's own words for a failure: Slack's ``invalid_blocks``, Discord's ``50035 ...``."""
    text = response.text.strip()
    data = _json(text)
    if isinstance(data, dict):
        if platform == "discord" and "code" in data:
            details = "; ".join(_discord_errors(data.get("errors")))
            text = f"{data['code']} {data.get('message', '')}" + (f": {details}" if details else "")
        elif isinstance(data.get("error"), dict):  # Teams / Power Automate
            inner = data["error"]
            text = f"{inner.get('code', '')}: {inner.get('message', '')}"
        elif "message" in data:  # Mattermost, Discord without a code
            text = f"{data['message']}" + (f" ({data['id']})" if data.get("id") else "")
    text = clean(scrub(text, url)) or response_reason(response.status)
    return shorten(text, _ERROR_TEXT_CAP)


def response_reason(status: int) -> str:
    return {400: "bad request", 403: "forbidden", 404: "no such webhook", 413: "payload too large"}.get(
        status, "no error text"
    )


def response_retry_after(response: HttpResponse) -> float | None:
    """Seconds to wait: the shared header parser, then Discord's JSON ``retry_after``."""
    seconds = parse_retry_after(response.header)
    if seconds is not None:
        return seconds
    data = _json(response.text)
    return seconds_value(data.get("retry_after")) if isinstance(data, dict) else None


_backoff = wait_exponential_jitter(initial=1.0, max=30.0, jitter=1.0)


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _Retryable) and error.retry_after is not None:
        return error.retry_after
    return _backoff(state)


def _log_retry(state: RetryCallState, platform: str, host: str, max_attempts: int) -> None:
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    log.warning(
        "%s at %s: %s; retrying in %.1f s (attempt %d of %d)",
        platform,
        host,
        error,
        wait,
        state.attempt_number + 1,
        max_attempts,
    )


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _discord_errors(errors: Any, path: str = "") -> list[str]:
    """Flatten Discord's nested ``errors`` object into ``embeds.0.title: Must be 256 or fewer``."""
    if not isinstance(errors, dict):
        return []
    found = [f"{path}: {e.get('message', '')}" for e in errors.get("_errors", []) if isinstance(e, dict)]
    for key, value in errors.items():
        if key != "_errors":
            found += _discord_errors(value, f"{path}.{key}" if path else str(key))
    return found
