"""Posting to a webhook: retries where the platform says "later", never where it says "wrong",
and never a webhook URL (the credential) in an error or a log line."""

from __future__ import annotations

import logging
import socket
import traceback

import pytest
from chat_receiver import (
    ChatReceiver,
    Reply,
    rate_limited,
    rejected,
    sample_brief,
    server_error,
)

from summarizer.chat import PLATFORMS, ChatDeliveryError, post_brief, redact_url

# Every test here talks to a receiver on the loopback interface, and nothing else.
pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])


class Sleeps(list[float]):
    """Stands in for time.sleep: records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _everything_said(error: BaseException, caplog: pytest.LogCaptureFixture) -> str:
    shown = "".join(traceback.format_exception(error))
    return "\n".join([str(error), repr(error), shown, caplog.text, *map(str, vars(error).values())])


@pytest.mark.parametrize("platform", PLATFORMS)
def test_accepted_post_reports_host_status_and_one_attempt(platform: str) -> None:
    with ChatReceiver(platform) as hook:
        result = post_brief(sample_brief(), hook.url, platform, sleep=Sleeps())
    assert (result.platform, result.attempts) == (platform, 1)
    assert 200 <= result.status < 300
    assert result.host == redact_url(hook.url)
    assert hook.violations == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_rate_limited_post_waits_retry_after_and_is_delivered_exactly_once(platform: str) -> None:
    sleeps = Sleeps()
    with ChatReceiver(platform, script=[rate_limited(platform, retry_after=3)]) as hook:
        result = post_brief(sample_brief(), hook.url, platform, sleep=sleeps)
    assert len(hook.accepted) == 1
    assert len(hook.requests) == 2
    assert result.attempts == 2
    assert sleeps == [3.0]


def test_discord_json_retry_after_is_honoured_without_a_header() -> None:
    body = '{"message": "You are being rate limited.", "retry_after": 0.25, "global": false}'
    sleeps = Sleeps()
    with ChatReceiver("discord", script=[Reply(429, body)]) as hook:
        post_brief(sample_brief(), hook.url, "discord", sleep=sleeps)
    assert sleeps == [0.25]
    assert len(hook.accepted) == 1


def test_server_errors_are_retried_with_growing_backoff() -> None:
    sleeps = Sleeps()
    with ChatReceiver("slack", script=[server_error("slack"), server_error("slack")]) as hook:
        result = post_brief(sample_brief(), hook.url, "slack", sleep=sleeps)
    assert result.attempts == 3
    assert len(hook.accepted) == 1
    assert 1.0 <= sleeps[0] <= 2.0 <= sleeps[1] <= 3.0  # 1 s, then 2 s, each plus up to 1 s of jitter


def test_giving_up_after_max_attempts_raises_a_transient_error() -> None:
    with ChatReceiver("teams", script=[server_error("teams")] * 5) as hook:
        with pytest.raises(ChatDeliveryError) as caught:
            post_brief(sample_brief(), hook.url, "teams", max_attempts=3, sleep=Sleeps())
    assert len(hook.requests) == 3
    assert caught.value.transient
    assert caught.value.attempts == 3
    assert caught.value.status == 503


def test_retry_after_beyond_the_cap_fails_at_once_instead_of_stalling() -> None:
    sleeps = Sleeps()
    with ChatReceiver("slack", script=[rate_limited("slack", retry_after=3600)]) as hook:
        with pytest.raises(ChatDeliveryError, match="rate limited for 3600 s") as caught:
            post_brief(sample_brief(), hook.url, "slack", sleep=sleeps)
    assert sleeps == []
    assert len(hook.requests) == 1
    assert caught.value.transient


def test_rejected_payload_is_not_retried_and_the_error_has_slacks_text() -> None:
    with ChatReceiver("slack", script=[rejected("slack")]) as hook:
        with pytest.raises(ChatDeliveryError) as caught:
            post_brief(sample_brief(), hook.url, "slack", sleep=Sleeps())
    assert len(hook.requests) == 1
    error = caught.value
    assert (error.status, error.error, error.transient) == (400, "invalid_blocks", False)
    assert "invalid_blocks" in str(error)
    assert hook.secret not in str(error)


def test_discord_rejection_shows_its_error_code_and_field() -> None:
    with ChatReceiver("discord", script=[rejected("discord", "Must be 1024 or fewer in length.")]) as hook:
        with pytest.raises(ChatDeliveryError) as caught:
            post_brief(sample_brief(), hook.url, "discord", sleep=Sleeps())
    assert "50035 Invalid Form Body: embeds.0: Must be 1024 or fewer in length." in str(caught.value)


def test_mattermost_rejection_shows_its_message_and_id() -> None:
    with ChatReceiver("mattermost", script=[rejected("mattermost")]) as hook:
        with pytest.raises(ChatDeliveryError, match=r"Unable to parse incoming data\. \(web\.incoming"):
            post_brief(sample_brief(), hook.url, "mattermost", sleep=Sleeps())


def test_teams_rejection_shows_its_error_code_and_message() -> None:
    with ChatReceiver("teams", script=[rejected("teams")]) as hook:
        with pytest.raises(
            ChatDeliveryError, match="InvalidRequestContent: The request content is not valid"
        ):
            post_brief(sample_brief(), hook.url, "teams", sleep=Sleeps())


def test_unknown_webhook_is_not_retried() -> None:
    with ChatReceiver("slack") as hook:
        wrong = hook.url.replace("sEcReT", "WrOnG")
        with pytest.raises(ChatDeliveryError, match="no_service"):
            post_brief(sample_brief(), wrong, "slack", sleep=Sleeps())
    assert len(hook.requests) == 1


@pytest.mark.parametrize("platform", PLATFORMS)
def test_webhook_path_never_appears_in_errors_or_logs(
    platform: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    script = [rate_limited(platform, retry_after=1), server_error(platform), rejected(platform)]
    with ChatReceiver(platform, script=script) as hook:
        with pytest.raises(ChatDeliveryError) as caught:
            post_brief(sample_brief(), hook.url, platform, sleep=Sleeps())
    said = _everything_said(caught.value, caplog)
    assert caplog.records, "expected the retries to be logged"
    assert hook.secret.split("?")[0] not in said
    assert all(part not in said for part in hook.secret.replace("?", "/").split("/") if len(part) > 12)
    assert redact_url(hook.url) in str(caught.value)


def test_unreachable_webhook_fails_as_transient_without_its_url(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with socket.socket() as closed:  # a port that was free a moment ago: nothing listens on it
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    url = f"http://127.0.0.1:{port}/services/T0SECRET01/B0SECRET02/sEcReTtOkEn0123456789abcd"
    with pytest.raises(ChatDeliveryError) as caught:
        post_brief(sample_brief(), url, "slack", max_attempts=2, sleep=Sleeps())
    assert caught.value.transient
    assert caught.value.attempts == 2
    assert "sEcReTtOkEn" not in _everything_said(caught.value, caplog)


def test_malformed_webhook_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(ChatDeliveryError) as caught:
        post_brief(sample_brief(), "hooks.example.invalid/services/sEcReTtOkEn", "slack", sleep=Sleeps())
    assert "sEcReTtOkEn" not in str(caught.value)
    assert "https://" in str(caught.value)


def test_redacted_url_keeps_only_scheme_and_host() -> None:
    assert redact_url("https://hooks.example.invalid/services/PLACEHOLDER?x=1") == "https://hooks.example.invalid"
    assert redact_url("https://user:pw@example.org:8443/hooks/abc") == "https://example.org:8443"
    assert redact_url("not a url") == "<invalid URL>"
