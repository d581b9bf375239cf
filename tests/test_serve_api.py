"""``brief serve``'s HTTP API, driven over real HTTP against uvicorn on 127.0.0.1.

The model is the loopback fake endpoint answering with the real model's recorded answer for the
sample article (``fake_openai.recorded_ok``); ``Gate`` holds model calls to fill the queue on purpose.
"""

from __future__ import annotations

import json
import logging
import threading

import pytest
from conftest import SAMPLE
from fake_openai import fake_openai, recorded_ok
from serve_harness import Gate, call, events, serving

from summarizer.errors import InputError
from summarizer.progress import Progress
from summarizer.schema import Brief
from summarizer.serve import ServeConfig
from summarizer.serve.config import check_config

ARTICLE = SAMPLE.read_text(encoding="utf-8")
ASK = {"text": ARTICLE, "published": "2024-02-02"}


def _assert_grounded(brief: Brief) -> None:
    verified = [p for p in brief.positions if p.quote_verified]
    assert verified
    for position in verified:
        assert position.quote_span is not None and position.quote_span.of(ARTICLE) == position.quote


def test_post_text_answers_a_valid_grounded_brief() -> None:
    with fake_openai([recorded_ok()]) as model, serving(model.url) as api:
        answer = call("POST", f"{api.url}/v1/briefs", ASK)
    assert answer.status == 200, answer.body
    brief = Brief.model_validate_json(answer.body)
    _assert_grounded(brief)
    assert brief.meta.published == "2024-02-02" and brief.meta.calls == 1


def test_the_same_summarizer_serves_every_request_and_html_and_markdown_renderings() -> None:
    with fake_openai([recorded_ok(), recorded_ok()]) as model, serving(model.url) as api:
        summarizer = api.service.summarizer
        page = call("POST", f"{api.url}/v1/briefs?format=html", ASK)
        markdown = call("POST", f"{api.url}/v1/briefs?format=markdown", ASK)
        assert api.service.summarizer is summarizer
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert 'class="ev k-quote' in page.text and "&lt;" not in ARTICLE
    assert markdown.status == 200 and markdown.text.startswith("# ")
    assert len(model.requests) == 2


def test_long_work_answers_202_then_the_job_its_events_and_its_renderings() -> None:
    gate = Gate()
    with fake_openai([recorded_ok()]) as model, serving(model.url, middleware=(gate,)) as api:
        accepted = call("POST", f"{api.url}/v1/briefs?wait=0", ASK)
        assert accepted.status == 202, accepted.body
        job = accepted.json()
        assert accepted.headers["location"] == job["status_url"] == f"/v1/briefs/{job['id']}"
        assert call("GET", api.url + job["status_url"]).json()["state"] in ("queued", "running")
        threading.Timer(0.3, gate.open).start()
        stream = events(api.url + job["events_url"])
        status = call("GET", api.url + job["status_url"]).json()
        page = call("GET", api.url + job["status_url"] + "?format=html")
    names = [name for name, _ in stream]
    assert names[0] == "state" and names[-1] == "done"
    stages = [data["stage"] for name, data in stream if name == "progress"]
    assert "asking" in stages and "checking" in stages
    assert [data["state"] for name, data in stream if name == "state"][:2] == ["queued", "running"]
    assert status["state"] == "done"
    _assert_grounded(Brief.model_validate(status["brief"]))
    assert page.status == 200 and "k-quote" in page.text


def test_a_full_queue_answers_429_with_retry_after() -> None:
    gate = Gate()
    config = ServeConfig(workers=1, queue=1)
    with fake_openai([recorded_ok(), recorded_ok()]) as model, serving(model.url, config, (gate,)) as api:
        first = call("POST", f"{api.url}/v1/briefs?wait=0", ASK)
        second = call("POST", f"{api.url}/v1/briefs?wait=0", ASK)
        assert gate.entered.wait(10)
        refused = call("POST", f"{api.url}/v1/briefs?wait=0", ASK)
        gate.open()
        done = [events(api.url + a.json()["events_url"])[-1][0] for a in (first, second)]
    assert (first.status, second.status) == (202, 202)
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert "busy" in refused.json()["error"]
    assert done == ["done", "done"], "the two admitted briefs are not lost"
    assert len(model.requests) == 2, "the refused one never reached the model"


def test_a_brief_past_the_deadline_fails_with_504() -> None:
    gate = Gate()
    with fake_openai([recorded_ok()]) as model, serving(model.url, ServeConfig(deadline=0.5), (gate,)) as api:
        answer = call("POST", f"{api.url}/v1/briefs?wait=5", ASK)
        gate.open()
    assert answer.status == 504
    assert "deadline" in answer.json()["error"]


def test_bad_input_is_422_with_one_clear_message() -> None:
    with fake_openai([]) as model, serving(model.url) as api:
        empty = call("POST", f"{api.url}/v1/briefs", {"text": "   "})
        both = call("POST", f"{api.url}/v1/briefs", {"text": "a", "url": "https://example.org/"})
        bad_date = call("POST", f"{api.url}/v1/briefs", {**ASK, "published": "yesterday"})
        not_json = call("POST", f"{api.url}/v1/briefs", raw=b"{", headers={"Content-Type": "application/json"})
    assert empty.status == 422 and "empty" in empty.json()["error"]
    assert both.status == 422 and "exactly one" in both.text
    assert bad_date.status == 422 and "2024-02-02" in bad_date.json()["error"]
    assert not_json.status == 422
    assert model.requests == []


def test_a_body_over_the_limit_is_413_before_any_work() -> None:
    with fake_openai([]) as model, serving(model.url, ServeConfig(max_body=1000)) as api:
        answer = call("POST", f"{api.url}/v1/briefs", ASK)
    assert answer.status == 413 and "limit" in answer.json()["error"]
    assert model.requests == []


def test_with_a_token_v1_needs_the_bearer_and_health_does_not(caplog: pytest.LogCaptureFixture) -> None:
    token = "serve-token-0123456789-secret"
    caplog.set_level(logging.INFO, logger="brief.serve.access")
    with fake_openai([recorded_ok()]) as model, serving(model.url, ServeConfig(token=token)) as api:
        missing = call("POST", f"{api.url}/v1/briefs", ASK)
        wrong = call("POST", f"{api.url}/v1/briefs", ASK, {"Authorization": "Bearer nope"})
        right = call("POST", f"{api.url}/v1/briefs?wait=0", ASK, {"Authorization": f"Bearer {token}"})
        job = right.json()
        anonymous = call("GET", api.url + job["status_url"])
        with_ticket = events(api.url + job["events_url"])
        health = call("GET", f"{api.url}/healthz")
    assert (missing.status, wrong.status, right.status, anonymous.status) == (401, 401, 202, 401)
    assert with_ticket[-1][0] == "done"
    assert health.status == 200
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "brief.serve.access"]
    assert {line["status"] for line in lines} >= {401, 202, 200}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert token not in logged and job["events_url"].split("ticket=")[1] not in logged


def test_health_readiness_and_the_openapi_schema() -> None:
    with fake_openai([]) as model, serving(model.url) as api:
        health, ready = call("GET", f"{api.url}/healthz"), call("GET", f"{api.url}/readyz")
        schema = call("GET", f"{api.url}/openapi.json").json()
        page = call("GET", f"{api.url}/")
    assert health.status == 200 and ready.status == 200 and ready.json()["status"] == "ready"
    assert {"BriefRequest", "Brief", "JobAccepted", "JobStatus"} <= set(schema["components"]["schemas"])
    assert {"/v1/briefs", "/v1/briefs/{job_id}", "/v1/briefs/{job_id}/events"} <= set(schema["paths"])
    assert page.status == 200 and "EventSource" in page.text and "/v1/briefs" in page.text


def test_shutdown_fails_a_running_brief_cleanly_after_the_grace_period() -> None:
    gate = Gate()
    with fake_openai([recorded_ok()]) as model, serving(model.url, ServeConfig(grace=0.5), (gate,)) as api:
        job_id = call("POST", f"{api.url}/v1/briefs?wait=0", ASK).json()["id"]
        assert gate.entered.wait(10)
        queue = api.service.queue
    gate.open()
    job = queue.get(job_id)
    assert job.state == "failed" and "shutting down" in (job.error or "") and job.status == 503


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "example.org"])
def test_listening_beyond_loopback_without_a_token_is_refused(host: str) -> None:
    with pytest.raises(InputError, match="BRIEF_SERVE_TOKEN"):
        check_config(ServeConfig(host=host))
    check_config(ServeConfig(host=host, token="a-token"))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_token(host: str) -> None:
    check_config(ServeConfig(host=host))


def test_a_saved_page_is_extracted_and_briefed_with_its_metadata() -> None:
    page = (SAMPLE.parent / "html" / "us-strikes-iraq-syria-2024-02-02.html").read_text(encoding="utf-8")
    with fake_openai([recorded_ok()]) as model, serving(model.url) as api:
        answer = call("POST", f"{api.url}/v1/briefs", {"html": page, "published": "2024-02-02"})
    assert answer.status == 200, answer.body
    brief = Brief.model_validate_json(answer.body)
    assert brief.meta.extracted_from == "html" and brief.meta.published == "2024-02-02"
    sent = model.requests[0]["json"]["messages"][-1]["content"]
    assert "<html" not in sent.lower() and "John Kirby" in sent, "the model saw the article body, not the page"


def test_progress_from_the_model_thread_reaches_the_one_running_job() -> None:
    """The embedded model counts tokens on its own thread, outside any job's context."""
    gate = Gate()
    with fake_openai([recorded_ok()]) as model, serving(model.url, ServeConfig(workers=1), (gate,)) as api:
        job = call("POST", f"{api.url}/v1/briefs?wait=0", ASK).json()
        assert gate.entered.wait(10)
        for count in (1, 2, 3):
            thread = threading.Thread(target=api.service.summarizer.on_progress,
                                      args=(Progress("writing", f"writing the brief: {count} tokens", count),))
            thread.start()
            thread.join()
        gate.open()
        stream = events(api.url + job["events_url"])
    writing = [data for name, data in stream if name == "progress" and data["stage"] == "writing"]
    assert writing and writing[-1]["done"] == 3
    assert len(writing) == 1, "a run of token counts is kept as its latest for late listeners"


def test_a_chunked_body_is_cut_off_at_the_limit_without_reaching_the_app() -> None:
    import asyncio

    from summarizer.serve.guard import Guard

    reached: list[bytes] = []

    async def app(scope: dict, receive, send) -> None:
        reached.append((await receive())["body"])

    chunks = [{"type": "http.request", "body": b"x" * 400, "more_body": True} for _ in range(5)]
    sent: list[dict] = []

    async def receive() -> dict:
        return chunks.pop(0)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/briefs", "headers": [], "client": ("127.0.0.1", 1)}
    asyncio.run(Guard(app, max_body=1000)(scope, receive, send))
    assert sent[0]["status"] == 413 and reached == []
    assert len(chunks) == 2, "it stopped reading once over the limit"


def test_while_draining_new_briefs_get_503_and_readyz_says_so() -> None:
    with fake_openai([]) as model, serving(model.url) as api:
        api.service.draining = True  # what SIGTERM sets first (serve/run.py)
        answer = call("POST", f"{api.url}/v1/briefs", ASK)
        ready = call("GET", f"{api.url}/readyz")
        api.service.draining = False
    assert answer.status == 503 and "shutting down" in answer.json()["error"]
    assert ready.status == 503 and model.requests == []
