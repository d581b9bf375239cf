"""Newsroom delivery: post a brief to Slack, Mattermost, Microsoft Teams or Discord.

>>> from summarizer.chat import post_brief, render_payload
>>> render_payload(brief, "teams")["type"]  # doctest: +SKIP
'message'
>>> post_brief(brief, webhook_url, "slack").attempts  # doctest: +SKIP
1

``watch`` runs a directory-watching bot loop that briefs each new article once and posts it at most once.
"""

from __future__ import annotations

from .errors import ChatDeliveryError, HeldBack, WatchLocked, WatchStateError
from .gate import check_strict, hold_reason
from .platforms import PLATFORMS, Platform, render_payload
from .post import PostResult, post_brief, post_payload
from .transport import redact_url
from .watch import InboxFile, WatchEvent, WatchReport, watch

__all__ = [
    "PLATFORMS",
    "ChatDeliveryError",
    "HeldBack",
    "InboxFile",
    "Platform",
    "PostResult",
    "WatchEvent",
    "WatchLocked",
    "WatchReport",
    "WatchStateError",
    "check_strict",
    "hold_reason",
    "post_brief",
    "post_payload",
    "redact_url",
    "render_payload",
    "watch",
]
