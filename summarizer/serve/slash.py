"""Slash commands: checking that a request really comes from Slack or Mattermost, and what it asks for.

Pure functions; the routes are in ``commands.py``.

* Slack signs each request: ``X-Slack-Signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{raw body}")``
  with ``X-Slack-Request-Timestamp``; a timestamp more than 5 minutes off is refused so a captured
  request cannot be replayed (https://api.slack.com/authentication/verifying-requests-from-slack).
* Mattermost sends the command's token in the form (``token=…``).

Both comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import urlsplit

from ..errors import BriefError

MAX_SKEW = 300  # seconds: Slack's documented replay window


class Forged(BriefError):
    """The request is not from the platform (bad or missing signature or token, stale timestamp)."""


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify_slack(secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float) -> None:
    if not timestamp or not signature:
        raise Forged("missing Slack signature headers")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_SKEW:
        raise Forged("stale or malformed Slack timestamp")
    if not hmac.compare_digest(slack_signature(secret, timestamp, body).encode(), signature.encode()):
        raise Forged("bad Slack signature")


def verify_token(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forged("bad command token")


_SLACK_LINK = re.compile(r"^<([^<>|]+)(?:\|[^<>]*)?>$")


def command_url(text: str) -> str | None:
    """The URL in ``/brief <url>`` (Slack wraps links as ``<url>`` or ``<url|label>``); None if there is none."""
    word = text.strip().split()[0] if text.strip() else ""
    match = _SLACK_LINK.match(word)
    if match:
        word = match.group(1)
    return word if word.lower().startswith(("http://", "https://")) else None


def allowed_response_url(url: str, hosts: tuple[str, ...]) -> bool:
    """Only the platform's own hosts (``ServeConfig.response_hosts``) receive a command's answer."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    secure = parts.scheme == "https" or (parts.scheme == "http" and host in ("127.0.0.1", "localhost", "::1"))
    return secure and host in hosts


__all__ = ["MAX_SKEW", "Forged", "allowed_response_url", "command_url", "slack_signature", "verify_slack",
           "verify_token"]
