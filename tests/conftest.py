"""Shared fixtures: replayed cassettes of real model exchanges, and settings that point at them.

Cassettes under ``fixtures/cassettes`` were recorded from Qwen2.5-Coder-1.5B-Instruct Q4_K_M
served by ``llama_cpp.server`` on 127.0.0.1:8765 (see README, "Re-recording fixtures").
Replay needs no model and no network: pytest-recording's default mode is "none".
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SAMPLE = FIXTURES / "articles" / "us-strikes-iraq-syria-2024-02-02.txt"
# The shared evaluation data sits beside the project root: ../shared, on every checkout.
SHARED = ROOT.parent / "shared"
EVAL_DIR = SHARED / "eval" / "giveme5w1h-dev"

RECORD_BASE_URL = os.environ.get("BRIEF_RECORD_BASE_URL", "http://127.0.0.1:8765/v1")
RECORDED_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
# The prompt of the fakes' recorded answer (fixtures/cassettes/recorded-v3/sample.yaml): the whole draft
# with its quotes (prompts/brief-v3.md). The tests of transport, batch, fault and secret handling serve
# that real answer, so they ask with the prompt that produced it (``prompt_of_the_fakes`` below). The
# default prompt's own recordings are the cassettes of test_replay, test_eval_replay, test_eval_attribution,
# test_injection, test_languages and test_long_article, replayed with ``replay_settings``.
RECORDED_PROMPT = "brief-v3"
FAKE_KEY = "sk-test-0000-not-a-real-key"


def _pretty_body(response: dict[str, Any]) -> dict[str, Any]:
    # Pretty JSON makes cassettes diff cleanly when fixtures are re-recorded.
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if isinstance(body, str):
        try:
            # vcr also runs this hook on playback, where the body must stay bytes.
            response["body"]["string"] = json.dumps(json.loads(body), indent=1, ensure_ascii=False).encode()
        except ValueError:
            pass
    for header in ("set-cookie", "openai-organization", "openai-project"):
        response.get("headers", {}).pop(header, None)
    return response


# Output bounds added after the cassettes were recorded (issue #13): ``max_tokens`` on every request and
# ``maxItems`` on every list of the schema. They cap an answer; they do not change what the model is asked,
# and no recorded answer comes near them (the longest list holds 13 items, the longest answer ~900 tokens),
# so a request matches its recording when everything else in the body is byte-for-byte the same.
_BOUNDS = ("max_tokens", "maxItems")


def _unbounded(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _unbounded(v) for k, v in value.items() if k not in _BOUNDS}
    if isinstance(value, list):
        return [_unbounded(v) for v in value]
    return value


def _bounded_body(r1: Any, r2: Any) -> None:
    def parsed(request: Any) -> Any:
        body = request.body or b""
        try:
            return _unbounded(json.loads(body))
        except ValueError:
            return body

    if parsed(r1) != parsed(r2):
        raise AssertionError("request bodies differ (beyond max_tokens and maxItems)")


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_matcher("bounded_body", _bounded_body)


def replay_cassette(path: Path) -> Any:
    """A recorded exchange replayed outside pytest-recording's marker (a fixture's own brief), matched as above."""
    import vcr

    player = vcr.VCR(record_mode="none", match_on=["method", "path", "bounded_body"])
    player.register_matcher("bounded_body", _bounded_body)
    return player.use_cassette(str(path))


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": ["authorization", "api-key", "x-api-key", "openai-organization", "openai-project",
                           "cookie"],
        "match_on": ["method", "scheme", "host", "port", "path", "bounded_body"],
        "before_record_response": _pretty_body,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """One folder of cassettes per test module, under fixtures/ (the design card's home for them)."""
    return str(FIXTURES / "cassettes" / request.module.__name__.split(".")[-1])


@pytest.fixture
def replay_settings() -> Settings:
    """Settings that send requests where the cassettes were recorded; the key is fake and scrubbed."""
    return Settings(
        base_url=RECORD_BASE_URL, api_key=FAKE_KEY, model=RECORDED_MODEL, mode="tools", max_retries=1
    )


@pytest.fixture(autouse=True)
def prompt_of_the_fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands read BRIEF_PROMPT: the fakes answer as the model answered brief-v3 (see RECORDED_PROMPT)."""
    monkeypatch.setenv("BRIEF_PROMPT", RECORDED_PROMPT)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No endpoint, key or setting leaks in from the machine; the brief cache lives in tmp_path."""
    for name in list(os.environ):
        if name.startswith(("BRIEF_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BRIEF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BRIEF_PROMPT", RECORDED_PROMPT)  # what the fakes' recorded answer was asked with


@pytest.fixture
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def shared_data(*parts: str) -> Path:
    """A path under ``../shared``; a test that needs it is skipped without it, but fails in CI.

    In CI (``CI`` set) the shared data must be there: a test skipped for want of it would pass
    silently while checking nothing.
    """
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing in CI: {path} (../shared beside the project root)")
        pytest.skip(f"shared data not found: {path} (../shared beside the project root)")
    return path


def load_eval_article(name: str) -> dict[str, Any]:
    """A copy of a giveme5w1h dev article stored in fixtures (the shared set is read-only and may move)."""
    return json.loads((FIXTURES / "articles" / "giveme5w1h" / name).read_text(encoding="utf-8"))


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler for loopback test servers: no access log, and a one-call reply."""

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client refused the page from its headers (too big, wrong type): as it should

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def loopback_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served on 127.0.0.1 in a thread while the block runs; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
