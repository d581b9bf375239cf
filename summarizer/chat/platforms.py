"""The platforms a brief can be posted to, and the one function that renders for each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, cast, get_args

from summarizer.schema import Brief

from .discord import render_discord
from .mattermost import render_mattermost
from .slack import render_slack
from .teams import render_teams

Platform = Literal["slack", "mattermost", "teams", "discord"]
PLATFORMS: tuple[Platform, ...] = get_args(Platform)

_RENDERERS: dict[str, Callable[[Brief], dict[str, Any]]] = {
    "slack": render_slack,
    "mattermost": render_mattermost,
    "teams": render_teams,
    "discord": render_discord,
}


def check_platform(platform: str) -> Platform:
    if platform not in _RENDERERS:
        raise ValueError(f"unknown chat platform {platform!r}; choose one of: {', '.join(PLATFORMS)}")
    return cast(Platform, platform)


def render_payload(brief: Brief, platform: str) -> dict[str, Any]:
    """The JSON body ``platform``'s incoming webhook expects for ``brief``, within its limits.

    >>> payload = render_payload(brief, "discord")  # doctest: +SKIP
    >>> payload["allowed_mentions"]  # doctest: +SKIP
    {'parse': []}
    """
    return _RENDERERS[check_platform(platform)](brief)
