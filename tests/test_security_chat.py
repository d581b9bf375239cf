"""Hostile text in a brief reaches a chat channel inert, on every platform (issue #13, chat side).

Every attack string is put in every field a payload shows (headline, summary, who, where, when,
positions, open questions, source, warnings). The checks (``chat_receiver.live_markup``) are written
from each platform's parsing rules, not from the escaping code. Briefs are built by hand here: what
is tested is rendering, not the model.
"""

from __future__ import annotations

import json

import pytest
from chat_receiver import ChatReceiver, live_markup, sample_brief, shown_texts, visible

from summarizer.chat import PLATFORMS, post_brief, render_payload
from summarizer.chat.text import ZERO_WIDTH_SPACE
from summarizer.schema import Brief

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

# The strings, then the ones found while building this table.
ATTACKS = {
    "markdown link": "[login](https://phish.example)",
    "markdown image": "![x](https://track.example/q.png)",
    "slack channel ping": "<!channel>",
    "slack here ping with label": "<!here|here>",
    "slack user mention": "<@U123>",
    "slack user-group mention": "<!subteam^S0123|@editors>",
    "slack channel link": "<#C0123|general>",
    "slack labelled link": "<https://x.example|y>",
    "at here": "@here",
    "at everyone": "@everyone",
    "at channel": "@channel",
    "at all": "@all",
    "at a person": "@jsmith",
    "raw https URL": "https://phish.example/login",
    "raw http URL": "http://phish.example",
    "other scheme URL": "ftp://phish.example/file",
    "www URL": "www.phish.example",
    "e-mail address": "desk@phish.example",
    "angle-bracket autolink": "<https://phish.example>",
    "HTML image": '<img src="https://track.example/q.png">',
    "HTML link": '<a href="https://phish.example">login</a>',
    "HTML script": "<script>alert(1)</script>",
    "HTML comment": "<!-- hidden -->",
    "reference link": "[login][1]",
    "link definition": "[1]: https://phish.example",
    "link to an angle destination": "[login](<https://phish.example>)",
    "javascript link": "[x](javascript:alert(1))",
    "backslash before a link": "\\](https://phish.example)",
    "discord role mention": "<@&123456789012345678>",
    "discord user mention": "<@123456789012345678>",
    "discord channel mention": "<#123456789012345678>",
    "discord timestamp": "<t:0:R>",
    "mattermost channel link": "~town-square",
    "entity-encoded link": "&lt;https://phish.example&gt;",
}


def hostile(attack: str) -> Brief:
    """The sample brief with ``attack`` in every field a chat payload shows."""
    brief = sample_brief()
    position = brief.positions[0].model_copy(
        update={"actor": f"Kirby {attack}", "stance": f"{attack} said", "quote": f"{attack} x", "quote_verified": True}
    )
    return brief.model_copy(
        update={
            "headline": f"{attack} strikes",
            "summary": f"{attack} The US struck militias. {attack}",
            "who": [brief.who[0].model_copy(update={"name": attack, "role": attack})],
            "where": [brief.where[0].model_copy(update={"name": attack})],
            "when": [brief.when[0].model_copy(update={"mention": attack, "event": attack})],
            "positions": [position],
            "open_questions": [attack],
            "meta": brief.meta.model_copy(update={"source": attack, "warnings": [f"quote {attack} not found"]}),
        }
    )


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_attack_is_inert_in_the_payload(platform: str, attack: str) -> None:
    payload = render_payload(hostile(ATTACKS[attack]), platform)
    assert live_markup(platform, payload) == []


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_attack_is_still_shown_to_the_reader_as_text(platform: str, attack: str) -> None:
    """Inert, not deleted: the reader sees the article's characters, so nothing is hidden either."""
    seen = "\n".join(
        visible(platform, t) for t in shown_texts(platform, render_payload(hostile(ATTACKS[attack]), platform))
    )
    assert f"{ATTACKS[attack]} The US struck militias." in seen


@pytest.mark.parametrize("platform", PLATFORMS)
def test_briefs_own_formatting_still_renders_around_hostile_text(platform: str) -> None:
    payload = render_payload(hostile("[login](https://phish.example) <!channel> **x**"), platform)
    if platform == "slack":
        assert payload["blocks"][0]["type"] == "header"
        sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section" and "text" in b]
        assert any(t.startswith("*Positions*\n• *Kirby ") for t in sections)
        assert any(t.startswith("*Open questions*\n• ") for t in sections)
    elif platform == "mattermost":
        text = payload["text"]
        assert text.startswith("#### ") and "\n\n**Positions**\n- **Kirby " in text
        assert "**Who:** " in text and "**Open questions**\n- " in text
    elif platform == "teams":
        body = payload["attachments"][0]["content"]["body"]
        assert {"Positions", "Open questions"} <= {e["text"] for e in body if e.get("weight") == "Bolder"}
        assert any(e.get("text", "").startswith("**Kirby ") for e in body)
    else:
        names = [f["name"] for f in payload["embeds"][0]["fields"]]
        assert {"Who", "Where", "When", "Open questions"} <= set(names)


def test_slack_turns_off_unfurling_and_automatic_parsing() -> None:
    payload = render_payload(sample_brief(), "slack")
    assert payload["unfurl_links"] is False and payload["unfurl_media"] is False
    mrkdwn = [
        o
        for b in payload["blocks"]
        for o in [b.get("text") or {}, *b.get("fields", []), *b.get("elements", [])]
        if o.get("type") == "mrkdwn"
    ]
    assert mrkdwn and all(o["verbatim"] is True for o in mrkdwn)


def test_slack_escapes_exactly_its_three_control_characters() -> None:
    """Slack: "&" "<" ">" become entities, and nothing else is entity-encoded (it would show as typed)."""
    payload = render_payload(hostile('Q&A <b> "quoted" it\'s'), "slack")
    summary = payload["blocks"][1]["text"]["text"]
    assert 'Q&amp;A &lt;b&gt; "quoted" it\'s The US' in summary.replace(ZERO_WIDTH_SPACE, "")


def test_discord_message_allows_no_mentions_and_has_no_masked_links() -> None:
    payload = render_payload(hostile("[login](https://phish.example)"), "discord")
    assert payload["allowed_mentions"] == {"parse": []}
    assert "](" not in json.dumps(payload, ensure_ascii=False)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_post_with_every_attack_at_once_is_accepted_inert(platform: str) -> None:
    """The loopback receiver rejects any payload with live markup (``live_markup`` runs on every post)."""
    with ChatReceiver(platform) as hook:
        post_brief(hostile(" ".join(ATTACKS.values())), hook.url, platform, sleep=lambda _: None)
    assert hook.violations == []
    assert len(hook.accepted) == 1


# --- Warnings reach the channel, and "100 %" is never claimed beside one ---------------------------


def _with(brief: Brief, **meta: object) -> Brief:
    return brief.model_copy(update={"meta": brief.meta.model_copy(update=meta)})


def _shown(brief: Brief, platform: str) -> str:
    return "\n".join(visible(platform, t) for t in shown_texts(platform, render_payload(brief, platform)))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_perfect_score_with_a_warning_is_not_shown_as_100_percent(platform: str) -> None:
    brief = _with(sample_brief(), faithfulness=1.0, warnings=["quote of John Kirby taken from the article"])
    shown = _shown(brief, platform)
    assert "100%" not in shown and "100 %" not in shown
    assert "Faithfulness: quotes and names checked, 1 warning" in shown
    assert "⚠ Check before use" in shown and "quote of John Kirby taken from the article" in shown


@pytest.mark.parametrize("platform", PLATFORMS)
def test_flagged_free_text_is_shown_first_and_faithfulness_is_not_confirmed(platform: str) -> None:
    flag = "headline: 'US Air Strikes Cancelled' is not supported by the article"
    brief = _with(sample_brief(), faithfulness=1.0, flags=[flag], warnings=[flag, "quote kept as paraphrase"])
    shown = _shown(brief, platform)
    assert "Faithfulness: not confirmed, 1 flagged" in shown and "100%" not in shown
    assert shown.index(f"Flagged: {flag}") < shown.index("quote kept as paraphrase")
    assert shown.count(flag) == 1  # a flag is also a warning: listed once


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_clean_brief_still_says_100_percent(platform: str) -> None:
    brief = _with(sample_brief(), faithfulness=1.0, warnings=[], flags=[])
    shown = _shown(brief, platform)
    assert "Faithfulness: 100%" in shown and "Check before use" not in shown


@pytest.mark.parametrize("platform", PLATFORMS)
def test_99_6_percent_beside_a_warning_is_not_rounded_up_to_100(platform: str) -> None:
    brief = _with(sample_brief(), faithfulness=0.996, warnings=["a name was dropped"])
    assert "Faithfulness: 99%, 1 warning" in _shown(brief, platform)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_many_long_warnings_are_shortened_and_counted_within_the_platform_limits(platform: str) -> None:
    warnings = [f"warning {i}: " + "the quote was not found in the article " * 20 for i in range(40)]
    brief = _with(sample_brief(), warnings=warnings)
    with ChatReceiver(platform) as hook:
        post_brief(brief, hook.url, platform, sleep=lambda _: None)
    assert hook.violations == [] and len(hook.accepted) == 1
    shown = _shown(brief, platform)
    assert "warning 0: the quote" in shown and "more warnings" in shown and "warning 39:" not in shown


@pytest.fixture
def readme_sample_brief(sample_text, replay_settings) -> Brief:
    """The README's sample brief: the recorded real-model exchange, replayed (faithfulness 100 %, its warnings)."""
    from conftest import FIXTURES, SAMPLE, replay_cassette

    from summarizer.pipeline import Summarizer

    cassette = FIXTURES / "cassettes" / "test_replay" / "test_replayed_brief_is_valid_and_grounded[sample].yaml"
    with replay_cassette(cassette):
        return Summarizer(replay_settings).summarize(sample_text, published="2024-02-02", source=SAMPLE.name)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_readme_sample_payload_shows_no_100_percent_beside_its_warnings(platform: str, readme_sample_brief) -> None:
    # Every quote and name of the model checked (as in the first round's recording), and warnings beside it.
    brief = readme_sample_brief.model_copy(
        update={"meta": readme_sample_brief.meta.model_copy(update={"faithfulness": 1.0})}
    )
    assert brief.meta.warnings
    shown = _shown(brief, platform)
    assert "100%" not in shown and "100 %" not in shown
    assert f"quotes and names checked, {len(brief.meta.warnings)} warnings" in shown
    assert "⚠ Check before use" in shown


def test_discord_footer_which_renders_no_markdown_shows_no_backslashes() -> None:
    brief = _with(sample_brief(), model="qwen2.5-coder-1.5b-instruct-q4_k_m", source="us_strikes*final*.txt")
    footer = render_payload(brief, "discord")["embeds"][0]["footer"]["text"]
    assert "Model: qwen2.5-coder-1.5b-instruct-q4_k_m" in footer and "Source: us_strikes*final*.txt" in footer
