"""Article text is untrusted: nothing in it may ping a channel, a room or a person."""

from __future__ import annotations

import json

import pytest
from chat_receiver import ChatReceiver, hostile_brief

from summarizer.chat import PLATFORMS, post_brief, render_payload
from summarizer.chat.text import ZERO_WIDTH_SPACE

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])


def _rendered(platform: str) -> str:
    return json.dumps(render_payload(hostile_brief(), platform), ensure_ascii=False)


def test_slack_control_characters_from_the_article_are_escaped() -> None:
    shown = _rendered("slack")
    assert "<!channel>" not in shown and "<@U024BE7LH>" not in shown and "<https://" not in shown
    assert "&lt;!channel&gt;" in shown


@pytest.mark.parametrize("platform", ["mattermost", "teams", "slack"])
def test_channel_wide_mentions_are_neutralised(platform: str) -> None:
    shown = _rendered(platform)
    for word in ("here", "all", "channel"):
        assert f"@{word}" not in shown
        assert f"@{ZERO_WIDTH_SPACE}{word}" in shown


def test_discord_message_allows_no_mentions_at_all() -> None:
    assert render_payload(hostile_brief(), "discord")["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_hostile_brief_is_accepted_by_the_platform_without_live_mentions(platform: str) -> None:
    with ChatReceiver(platform) as hook:
        post_brief(hostile_brief(), hook.url, platform, sleep=lambda _: None)
    assert hook.violations == []
    assert len(hook.accepted) == 1
