"""A brief far too long for any platform still posts, shortened by rule and within every limit."""

from __future__ import annotations

import json

import pytest
from chat_receiver import ChatReceiver, oversized_brief, sample_brief

from summarizer.chat import PLATFORMS, post_brief, render_payload
from summarizer.chat.text import ELLIPSIS

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

SHAPES = {
    "80 long positions, 5,000-character summary": {"positions": 80, "summary_chars": 5_000},
    "500 short positions": {"positions": 500, "summary_chars": 200, "quote_words": 2},
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_oversized_brief_posts_within_every_limit(platform: str, shape: str) -> None:
    with ChatReceiver(platform) as hook:
        post_brief(oversized_brief(**SHAPES[shape]), hook.url, platform, sleep=lambda _: None)
    assert hook.violations == []
    assert len(hook.accepted) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_oversized_brief_says_how_many_positions_were_left_out(platform: str) -> None:
    shown = json.dumps(render_payload(oversized_brief(), platform), ensure_ascii=False)
    assert f"{ELLIPSIS}and " in shown
    assert "more positions" in shown


@pytest.mark.parametrize("platform", PLATFORMS)
def test_oversized_brief_keeps_its_footer_and_open_questions(platform: str) -> None:
    shown = json.dumps(render_payload(oversized_brief(), platform), ensure_ascii=False)
    assert "Faithfulness: 92%" in shown
    assert "Open questions" in shown


def test_shortened_headline_ends_on_a_whole_word() -> None:
    brief = oversized_brief()
    header = render_payload(brief, "slack")["blocks"][0]["text"]["text"]
    assert header.endswith(ELLIPSIS) and len(header) <= 150
    assert brief.headline.startswith(header.removesuffix(ELLIPSIS) + " ")


def test_brief_that_fits_loses_nothing() -> None:
    shown = json.dumps(render_payload(sample_brief(), "discord"), ensure_ascii=False)
    assert ELLIPSIS not in shown
