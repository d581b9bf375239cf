"""Slash commands: ``/brief <url>`` from Slack (signed) and Mattermost (token), answered at the response_url.

A signed request is acknowledged at once and the brief is posted later to a loopback receiver that
checks Slack's and Mattermost's documented payload rules (``chat_receiver.py``); forged, unsigned or
stale requests get 401 and nothing is fetched, briefed or posted.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from chat_receiver import ChatReceiver, visible
from conftest import SAMPLE
from fake_openai import SAMPLE_CASSETTE, fake_openai, recorded_arguments, recorded_ok
from serve_harness import Answer, article_site, call, serving

from summarizer.serve import ServeConfig
from summarizer.serve.slash import allowed_response_url, command_url, slack_signature

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # the shape of a Slack signing secret; not a real one
MM_TOKEN = "xr3j5x3p4pfk7ar3kd7yaqayoe"
CONFIG = ServeConfig(slack_secret=SECRET, mattermost_token=MM_TOKEN, response_hosts=("127.0.0.1",))


def _slack(api_url: str, form: dict[str, str], *, secret: str = SECRET, skew: int = 0,
           signature: str | None = None) -> Answer:
    body = urlencode(form).encode()
    timestamp = str(int(time.time()) - skew)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": signature or slack_signature(secret, timestamp, body)}
    return call("POST", f"{api_url}/slack/commands", raw=body, headers=headers)


def _wait_for(receiver: ChatReceiver, count: int = 1, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while len(receiver.requests) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_signed_slack_command_is_acknowledged_at_once_then_the_brief_is_posted() -> None:
    with fake_openai([recorded_ok()]) as model, article_site(SAMPLE.read_text(encoding="utf-8")) as article, \
            ChatReceiver("slack") as hook, serving(model.url, CONFIG) as api:
        started = time.monotonic()
        ack = _slack(api.url, {"command": "/brief", "text": f"<{article}>", "response_url": hook.url,
                               "user_id": "U0TEST"})
        acked = time.monotonic() - started
        _wait_for(hook)
    assert ack.status == 200 and acked < 3
    assert ack.json()["response_type"] == "ephemeral" and "Working" in ack.json()["text"]
    assert len(hook.requests) == 1 and hook.violations == []
    posted = hook.accepted[0]
    assert posted["response_type"] == "in_channel"
    assert len(model.requests) == 1
    recorded_headline = json.loads(recorded_arguments(SAMPLE_CASSETTE))["headline"].strip()
    assert visible("slack", posted["blocks"][0]["text"]["text"]) == recorded_headline


@pytest.mark.parametrize(
    "forgery",
    [
        {"secret": "not-the-signing-secret-00000000"},
        {"signature": "v0=" + "0" * 64},
        {"skew": 6 * 60},  # a replay of a request older than five minutes
    ],
    ids=["wrong secret", "made-up signature", "stale timestamp"],
)
def test_a_forged_slack_command_gets_401_and_nothing_is_done(forgery: dict) -> None:
    with fake_openai([recorded_ok()]) as model, article_site("unused") as article, ChatReceiver("slack") as hook, \
            serving(model.url, CONFIG) as api:
        answer = _slack(api.url, {"text": article, "response_url": hook.url}, **forgery)
        time.sleep(0.3)
    assert answer.status == 401
    assert hook.requests == [] and model.requests == []


def test_an_unsigned_slack_command_gets_401() -> None:
    with fake_openai([]) as model, ChatReceiver("slack") as hook, serving(model.url, CONFIG) as api:
        body = urlencode({"text": "https://example.org/a", "response_url": hook.url}).encode()
        answer = call("POST", f"{api.url}/slack/commands", raw=body,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 401 and hook.requests == []


def test_a_response_url_off_the_allowed_hosts_is_refused_even_when_signed() -> None:
    with fake_openai([]) as model, serving(model.url, ServeConfig(slack_secret=SECRET)) as api:
        answer = _slack(api.url, {"text": "https://example.org/a", "response_url": "http://127.0.0.1:9/steal"})
    assert answer.status == 400 and model.requests == []


def test_a_command_without_a_url_answers_its_usage() -> None:
    with fake_openai([]) as model, ChatReceiver("slack") as hook, serving(model.url, CONFIG) as api:
        answer = _slack(api.url, {"text": "", "response_url": hook.url})
    assert answer.status == 200 and "Usage" in answer.json()["text"]


def test_an_article_that_cannot_be_fetched_is_reported_to_the_channel_not_crashed_on() -> None:
    with fake_openai([]) as model, article_site("x") as article, ChatReceiver("slack") as hook, \
            serving(model.url, CONFIG) as api:
        _slack(api.url, {"text": article.replace("article.txt", "missing"), "response_url": hook.url})
        _wait_for(hook)
    assert hook.violations == [] and len(hook.accepted) == 1
    assert "No brief" in hook.accepted[0]["text"] and "404" in hook.accepted[0]["text"]
    assert model.requests == []


def test_a_mattermost_command_with_its_token_is_briefed_and_a_wrong_token_gets_401() -> None:
    with fake_openai([recorded_ok()]) as model, article_site(SAMPLE.read_text(encoding="utf-8")) as article, \
            ChatReceiver("mattermost") as hook, serving(model.url, CONFIG) as api:
        form = {"command": "/brief", "text": article, "response_url": hook.url}
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        forged = call("POST", f"{api.url}/mattermost/commands", raw=urlencode({**form, "token": "wrong"}).encode(),
                      headers=headers)
        ack = call("POST", f"{api.url}/mattermost/commands", raw=urlencode({**form, "token": MM_TOKEN}).encode(),
                   headers=headers)
        _wait_for(hook)
    assert forged.status == 401
    assert ack.status == 200 and ack.json()["response_type"] == "ephemeral"
    assert len(hook.accepted) == 1 and hook.violations == []
    assert hook.accepted[0]["response_type"] == "in_channel" and hook.accepted[0]["text"].startswith("#### ")
    assert len(model.requests) == 1


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("<https://example.org/a|example.org/a>", "https://example.org/a"),
        ("<https://example.org/a>", "https://example.org/a"),
        ("https://example.org/a please", "https://example.org/a"),
        ("summarise this", None),
        ("<ftp://example.org/a>", None),
    ],
)
def test_the_url_is_read_from_the_command_text(text: str, url: str | None) -> None:
    assert command_url(text) == url


def test_only_the_platform_hosts_receive_answers() -> None:
    hosts = ("hooks.slack.com",)
    assert allowed_response_url("https://hooks.slack.com/commands/T1/2/abc", hosts)
    assert not allowed_response_url("http://hooks.slack.com/commands/T1/2/abc", hosts)
    assert not allowed_response_url("https://hooks.slack.com.evil.example/x", hosts)
    assert not allowed_response_url("https://169.254.169.254/latest/meta-data", hosts)
