"""Sending one HTTP POST, and keeping the webhook URL out of everything else.

A webhook URL *is* the credential (Slack's token, Discord's id/token, the Teams ``sig``), so
only :func:`redact_url` output may reach messages and logs. The standard library does the
request: it logs nothing, unlike httpx (which logs full URLs at INFO) or urllib3 (paths at DEBUG).
"""

from __future__ import annotations

import http.client
import re
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from summarizer.errors import DeliveryFailed

# Error bodies are short; a cap keeps a misbehaving server from filling memory.
_MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class TransportError(DeliveryFailed):
    """The request got no HTTP answer (refused, reset, timed out). The message has no URL.

    ``sent`` is False only when no connection was made (refused, no such host, a connect timeout,
    a failed TLS handshake): then the platform surely has not got the post and it may be sent again.
    """

    def __init__(self, message: str, *, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent


class HttpPost(Protocol):
    """How a webhook post is sent (``urllib_transport``, or a fake in tests); not ``llm.transport.Transport``."""


    def __call__(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> HttpResponse: ...


def redact_url(url: str) -> str:
    """``scheme://host[:port]`` of a URL: what may be shown of a webhook.

    >>> redact_url("https://hooks.example.invalid/services/PLACEHOLDER")
    'https://hooks.example.invalid'
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<invalid URL>"
    if not parts.scheme or not host:
        return "<invalid URL>"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}"


def secret_parts(url: str) -> list[str]:
    """Pieces of ``url`` that must never be shown: its path, query and user info."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return [url]
    pieces = [parts.path, parts.query, parts.username or "", parts.password or ""]
    # Path segments that look like ids or tokens, in case a server echoes one on its own.
    pieces += [s for s in parts.path.split("/") if len(s) >= 20 or (len(s) >= 8 and re.search(r"\d", s))]
    return [p for p in pieces if p and p != "/"]


def scrub(text: str, url: str) -> str:
    """``text`` with any secret part of ``url`` replaced, for text a server sent back."""
    for piece in sorted(secret_parts(url), key=len, reverse=True):
        text = text.replace(piece, "[redacted]")
    return text


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A webhook answers directly; following a redirect would resend the payload somewhere else.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


# Whether this thread's request got as far as an open connection: after that, the body may have
# reached the platform, and a missing answer does not mean a missing post.
_progress = threading.local()


class _TrackedHTTP(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _progress.connected = True


class _TrackedHTTPS(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()  # TCP, proxy tunnel and TLS handshake
        _progress.connected = True


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_TrackedHTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(context=self._tls)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_TrackedHTTPS, req, context=self._tls)


_OPENER = urllib.request.build_opener(_NoRedirects, _HTTPHandler, _HTTPSHandler)


def urllib_transport(url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> HttpResponse:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    _progress.connected = False
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return HttpResponse(response.status, response.read(_MAX_RESPONSE_BYTES), dict(response.headers))
    except urllib.error.HTTPError as exc:  # a non-2xx answer is still an answer
        with exc:
            return HttpResponse(exc.code, exc.read(_MAX_RESPONSE_BYTES), dict(exc.headers or {}))
    except urllib.error.URLError as exc:
        reason = exc.reason
        detail = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
    except (OSError, http.client.HTTPException) as exc:
        detail = f"{type(exc).__name__}: {exc}"
    # Raised outside the except blocks so the original (which may carry the URL) is not chained.
    raise TransportError(scrub(detail, url), sent=bool(getattr(_progress, "connected", False)))
