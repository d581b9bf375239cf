"""`brief FILE --post PLATFORM`: one command posts the sample brief to a (loopback) chat webhook."""

from __future__ import annotations

import json

import pytest
from chat_receiver import ChatReceiver, rate_limited
from conftest import FIXTURES, SAMPLE, replay_cassette
from typer.testing import CliRunner

from summarizer.chat import PLATFORMS
from summarizer.cli import app
from summarizer.pipeline import Summarizer

runner = CliRunner()
pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])


@pytest.fixture
def replayed_brief(sample_text, replay_settings):
    """The sample's brief from the recorded real-model exchange, served to the CLI without a model."""
    cassette = FIXTURES / "cassettes" / "test_replay" / "test_replayed_brief_is_valid_and_grounded[sample].yaml"
    with replay_cassette(cassette):
        return Summarizer(replay_settings).summarize(sample_text, published="2024-02-02", source=SAMPLE.name)


@pytest.fixture
def no_model(monkeypatch, replayed_brief):
    monkeypatch.setattr(Summarizer, "summarize", lambda self, *a, **k: replayed_brief)
    return replayed_brief


@pytest.mark.parametrize("platform", PLATFORMS)
def test_post_sends_a_valid_payload_and_hides_the_webhook(platform: str, no_model) -> None:
    with ChatReceiver(platform) as hook:
        result = runner.invoke(app, [str(SAMPLE), "--post", platform, "--webhook", hook.url, "-q"])
    assert result.exit_code == 0, result.stderr
    assert len(hook.accepted) == 1 and not hook.violations
    assert hook.secret not in result.stderr + result.stdout
    assert "127.0.0.1" in result.stderr


def test_a_429_then_success_posts_exactly_once(no_model, monkeypatch) -> None:
    monkeypatch.setattr("time.sleep", lambda _s: None)
    with ChatReceiver("slack", [rate_limited("slack", retry_after=0)]) as hook:
        result = runner.invoke(app, [str(SAMPLE), "--post", "slack", "--webhook", hook.url, "-q"])
    assert result.exit_code == 0, result.stderr
    assert len(hook.accepted) == 1


def test_dry_run_prints_the_payload_without_posting(no_model) -> None:
    result = runner.invoke(app, [str(SAMPLE), "--post", "discord", "--dry-run", "-q"])
    payload = json.loads(result.stdout)
    assert result.exit_code == 0
    assert payload["allowed_mentions"] == {"parse": []}
    assert payload["embeds"][0]["title"] == no_model.headline


def test_post_without_a_webhook_is_a_usage_error(no_model, monkeypatch) -> None:
    monkeypatch.delenv("BRIEF_WEBHOOK_URL", raising=False)
    result = runner.invoke(app, [str(SAMPLE), "--post", "slack", "-q"])
    assert result.exit_code == 2 and "--webhook" in result.stderr


def test_a_rejected_payload_is_exit_3_with_the_platform_error(no_model) -> None:
    with ChatReceiver("slack", [__import__("chat_receiver").rejected("slack", "invalid_blocks")]) as hook:
        result = runner.invoke(app, [str(SAMPLE), "--post", "slack", "--webhook", hook.url, "-q"])
    assert result.exit_code == 3
    assert "invalid_blocks" in result.stderr and hook.secret not in result.stderr
