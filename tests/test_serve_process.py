"""``brief serve`` as a person runs it: its own process, uvicorn on 127.0.0.1, driven over HTTP, stopped by SIGTERM."""

from __future__ import annotations

import json
import signal

from conftest import SAMPLE
from fake_openai import fake_openai, recorded_ok
from serve_harness import call, serve_process
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.schema import Brief

ARTICLE = SAMPLE.read_text(encoding="utf-8")


def test_brief_serve_answers_a_brief_serves_the_page_and_stops_cleanly_on_sigterm() -> None:
    token = "process-token-0123456789-secret"
    with fake_openai([recorded_ok()]) as model, serve_process(model.url, env={"BRIEF_SERVE_TOKEN": token}) as server:
        ready = call("GET", f"{server.url}/readyz")
        page = call("GET", f"{server.url}/")
        answer = call("POST", f"{server.url}/v1/briefs", {"text": ARTICLE, "published": "2024-02-02"},
                      {"Authorization": f"Bearer {token}"})
        code = server.stop()
    assert ready.status == 200 and page.status == 200 and "<form" in page.text
    assert answer.status == 200, answer.body
    brief = Brief.model_validate_json(answer.body)
    assert any(p.quote_verified for p in brief.positions)
    # uvicorn finishes its shutdown, then re-raises the SIGTERM it caught, as a service stopped by it should.
    assert code in (0, -signal.SIGTERM), "".join(server.lines)
    assert "Application shutdown complete." in "".join(server.lines)
    access = [json.loads(line) for line in server.lines if line.startswith("{")]
    assert {(a["method"], a["path"], a["status"]) for a in access} >= {("POST", "/v1/briefs", 200), ("GET", "/", 200)}
    assert token not in "".join(server.lines)


def test_brief_serve_beyond_loopback_without_a_token_refuses_to_start(clean_env) -> None:
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    assert "BRIEF_SERVE_TOKEN" in result.output
