"""Running ``brief serve`` for tests: in a thread (uvicorn, a real socket on 127.0.0.1) or as a process.

The model is the loopback fake endpoint answering with the real model's recorded answer
(``fake_openai.recorded_ok``); ``Gate`` is middleware that holds every model call until released,
so a test can fill the queue or pass the deadline on purpose (hand-made, named as such).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from conftest import FAKE_KEY, RECORDED_MODEL, ROOT

try:
    import uvicorn
except ImportError:  # the serve extra: CI installs it, so there its absence is a failure, not a skip
    if os.environ.get("CI"):
        raise
    pytest.skip("needs the serve extra: pip install -e '.[serve]'", allow_module_level=True)

from summarizer.llm.wrap import TransportWrapper
from summarizer.pipeline import Summarizer
from summarizer.serve import ServeConfig, create_app
from summarizer.settings import Settings


def model_settings(url: str, *, allow_private_urls: bool = True) -> Settings:
    # The test article sites are on 127.0.0.1: allowed here, as BRIEF_ALLOW_PRIVATE_URLS=1 allows an intranet.
    return Settings(base_url=url, api_key=FAKE_KEY, model=RECORDED_MODEL, mode="tools", max_retries=0,
                    prompt="brief-v3", transport_attempts=1, allow_private_urls=allow_private_urls)


class Gate:
    """Middleware holding each model call until ``open()`` (a hand-made slow model)."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.entered = threading.Event()

    def open(self) -> None:
        self.released.set()

    def __call__(self, inner: Any) -> TransportWrapper:
        gate = self

        class Held(TransportWrapper):
            async def acreate(self, **kwargs: Any) -> Any:
                gate.entered.set()
                await asyncio.to_thread(gate.released.wait, 30)
                return await self.inner.acreate(**kwargs)

        return Held(inner)


@dataclass
class Running:
    url: str
    app: Any
    server: uvicorn.Server

    @property
    def service(self) -> Any:
        return self.app.state.service


@contextmanager
def serving(
    model_url: str, config: ServeConfig | None = None, middleware: tuple[Any, ...] = (), *,
    allow_private_urls: bool = True,
) -> Iterator[Running]:
    """The app under a real uvicorn server on 127.0.0.1 (a free port), in a thread of this process."""
    summarizer = Summarizer(model_settings(model_url, allow_private_urls=allow_private_urls), middleware=middleware)
    app = create_app(summarizer, config=config or ServeConfig())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=5))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not (server.started and server.servers):
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Running(f"http://127.0.0.1:{port}", app, server)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None,
         raw: bytes | None = None, timeout: float = 30) -> Answer:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers={
        **({"Content-Type": "application/json"} if body is not None else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def events(url: str, timeout: float = 30) -> list[tuple[str, dict[str, Any]]]:
    """Read a server-sent-event stream to its end: (event name, data) pairs."""
    out: list[tuple[str, dict[str, Any]]] = []
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        name = "message"
        for line in response:
            text = line.decode("utf-8").rstrip("\n")
            if text.startswith("event: "):
                name = text[7:]
            elif text.startswith("data: "):
                out.append((name, json.loads(text[6:])))
    return out


@contextmanager
def article_site(text: str) -> Iterator[str]:
    """A loopback web server with one article page at /article.txt."""
    body = text.encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/article.txt" else 404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/article.txt"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Process:
    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


@contextmanager
def serve_process(model_url: str, *args: str, env: dict[str, str] | None = None) -> Iterator[Process]:
    """``brief serve --port 0`` as its own process, with this worktree's code; stderr is collected."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEF_", "OPENAI_"))}
    environment.update({"BRIEF_BASE_URL": model_url, "BRIEF_API_KEY": FAKE_KEY, "BRIEF_MODEL": RECORDED_MODEL,
                        "BRIEF_MODE": "tools", "BRIEF_PROMPT": "brief-v3", "PYTHONPATH": str(ROOT), **(env or {})})
    process = subprocess.Popen(
        [sys.executable, "-c", "from summarizer.cli import main; main()", "serve", "--port", "0", *args],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=environment, cwd=ROOT,
    )
    assert process.stderr is not None
    running = Process("", process)
    found = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            running.lines.append(line)
            match = re.search(r"running on (http://127\.0\.0\.1:\d+)", line, re.IGNORECASE)
            if match and not found.is_set():
                running.url = match.group(1)
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not found.wait(60):
            raise RuntimeError("brief serve did not start:\n" + "".join(running.lines))
        yield running
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=5)

