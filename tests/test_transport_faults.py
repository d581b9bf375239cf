"""Transport faults against a scripted loopback server (hand-made faults; model answers are recorded ones).

One layer owns transport retries (tenacity); validation re-asks and mode fallback are separate.
"""

from __future__ import annotations

import pytest
from fake_openai import Reply, completion_with_content, completion_with_tool_call, fake_openai, recorded_arguments

from summarizer.errors import EndpointRejected, ModelError
from summarizer.pipeline import Summarizer
from summarizer.settings import Settings

SAMPLE_CASSETTE = "recorded-v3/sample.yaml"
KEY = "sk-live-SECRET-should-never-show-123456"


@pytest.fixture
def recorded_ok() -> Reply:
    return Reply(200, completion_with_tool_call(recorded_arguments(SAMPLE_CASSETTE)))


def _summarizer(url: str, **overrides: object) -> Summarizer:
    options: dict[str, object] = {"mode": "tools", **overrides}
    settings = Settings(base_url=url, api_key=KEY, model="m", timeout=5, prompt="brief-v3", **options)  # type: ignore[arg-type]
    summarizer = Summarizer(settings)
    summarizer.asker.sleep = lambda _seconds: None  # no real waiting in tests
    return summarizer


def test_429_then_success_is_retried_and_both_calls_are_counted(sample_text: str, recorded_ok: Reply) -> None:
    with fake_openai([Reply(429, {"error": {"message": "slow down"}}, {"retry-after": "0"}), recorded_ok]) as srv:
        brief = _summarizer(srv.url).summarize(sample_text, published="2024-02-02")
    assert len(srv.requests) == 2
    assert brief.meta.attempts == 2 and brief.meta.calls == 1


def test_retry_after_header_sets_the_wait(sample_text: str, recorded_ok: Reply) -> None:
    waits: list[float] = []
    with fake_openai([Reply(503, {"error": "busy"}, {"retry-after": "7"}), recorded_ok]) as srv:
        summarizer = _summarizer(srv.url)
        summarizer.asker.sleep = waits.append
        summarizer.summarize(sample_text)
    assert waits == [7.0]


def test_server_errors_give_up_after_the_attempt_bound(sample_text: str) -> None:
    with fake_openai([Reply(502, {"error": "bad gateway"})] * 10) as srv:
        with pytest.raises(ModelError) as caught:
            _summarizer(srv.url, transport_attempts=3).summarize(sample_text)
    assert len(srv.requests) == 3
    assert "127.0.0.1" in str(caught.value) and "502" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried_and_never_show_the_key(sample_text: str, status: int) -> None:
    with fake_openai([Reply(status, {"error": {"message": "no"}})] * 3) as srv:
        with pytest.raises(EndpointRejected) as caught:
            _summarizer(srv.url).summarize(sample_text)
    assert len(srv.requests) == 1
    assert KEY not in str(caught.value) and "SECRET" not in repr(caught.value)
    assert caught.value.exit_code == 1


def test_the_key_is_sent_as_a_bearer_token_only(sample_text: str, recorded_ok: Reply) -> None:
    with fake_openai([recorded_ok]) as srv:
        _summarizer(srv.url).summarize(sample_text)
    assert {k.lower(): v for k, v in srv.requests[0]["headers"].items()}["authorization"] == f"Bearer {KEY}"
    assert KEY not in str(srv.requests[0]["json"])


def test_a_mode_the_endpoint_rejects_falls_back_to_the_next(sample_text: str) -> None:
    rejected = Reply(500, {"error": {"message": "tools are not supported by this server"}})
    as_json = Reply(200, completion_with_content(recorded_arguments(SAMPLE_CASSETTE)))
    with fake_openai([rejected, as_json]) as srv:
        summarizer = _summarizer(srv.url, mode="auto")
        brief = summarizer.summarize(sample_text)
    assert "tools" in srv.requests[0]["json"] and "tools" not in srv.requests[1]["json"]
    assert brief.meta.mode == "json"
    assert summarizer.asker.chosen_mode == "json"


def test_invalid_json_is_re_asked_then_accepted(sample_text: str, recorded_ok: Reply) -> None:
    truncated = Reply(200, completion_with_tool_call('{"headline": "US strikes", "summ'))
    with fake_openai([truncated, recorded_ok]) as srv:
        brief = _summarizer(srv.url, max_retries=1).summarize(sample_text)
    assert len(srv.requests) == 2
    assert brief.meta.calls == 2


def test_invalid_answers_stop_at_the_re_ask_bound(sample_text: str) -> None:
    bad = Reply(200, completion_with_tool_call('{"headline": 3}'))
    with fake_openai([bad] * 5) as srv:
        with pytest.raises(ModelError, match="did not return a valid brief"):
            _summarizer(srv.url, max_retries=2).summarize(sample_text)
    assert len(srv.requests) == 3
