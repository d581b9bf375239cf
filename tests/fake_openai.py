"""A scripted OpenAI-compatible server on 127.0.0.1 for fault tests (hand-made faults, named as such).

Each request pops the next scripted reply. Successful bodies are built from *recorded*
model output (see ``recorded_arguments``), so no model answer here is written by hand.
Every fault is made by a function of ``Faults`` (``FAULTS.rate_limited()``, ``FAULTS.hang()``…)
whose name says what it is; a fault that carries model output (a truncated answer, a brief
with fabricated quotes) is recorded output cut or altered by hand, and says so.

Besides answers, a reply can *misbehave on the wire*: ``hang`` holds the request open past the
client's timeout and sends nothing; ``reset`` sends the headers and half the body, then resets
the connection (TCP RST).
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import yaml

CASSETTES = Path(__file__).resolve().parent.parent / "fixtures" / "cassettes"
SAMPLE_CASSETTE = "recorded-v3/sample.yaml"
# The only recorded targeted re-ask (QuoteRepairs): the model answering for quotes grounding refused.
# A real quote re-ask, recorded with prompt v3 (v4 asks for no quotes, so it never re-asks for one).
REPAIR_CASSETTE = "recorded-v3/injection.yaml"

Action = Literal["reply", "hang", "reset"]


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    action: Action = "reply"
    name: str = "ok"  # what this reply is, for test ids and failure messages
    takes: float = 0.0  # virtual seconds the server "spends" on it: advances FakeServer.clock, no real wait


@dataclass
class FakeServer:
    replies: list[Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    served: list[str] = field(default_factory=list)  # names of the replies given, in order
    offset: float = 0.0  # virtual seconds added to the real clock (see ``takes`` and ``advance``)

    def clock(self) -> float:
        """A monotonic clock that also counts virtual time: give it to ``Asker.clock``."""
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        """Let virtual time pass: give it to ``Asker.sleep`` so backoff waits cost nothing real."""
        self.offset += seconds


def completion_with_tool_call(arguments: str, name: str = "BriefDraft") -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "call_0", "type": "function", "function": {"name": name, "arguments": arguments}}
                    ],
                },
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }


def completion_with_content(content: str) -> dict[str, Any]:
    body = completion_with_tool_call("{}")
    body["choices"][0]["finish_reason"] = "stop"
    body["choices"][0]["message"] = {"role": "assistant", "content": content}
    return body


def recorded_arguments(cassette: str, tool: str | None = None) -> str:
    """The tool-call arguments the real model produced in a recorded cassette (the first, or the first ``tool``)."""
    data = yaml.safe_load((CASSETTES / cassette).read_text(encoding="utf-8"))
    for interaction in data["interactions"]:
        body = json.loads(interaction["response"]["body"]["string"])
        for choice in body.get("choices", []):
            for call in choice["message"].get("tool_calls") or []:
                if tool is None or call["function"]["name"] == tool:
                    return call["function"]["arguments"]
    raise LookupError(f"no {tool or 'tool'} call recorded in {cassette}")


def recorded_ok(cassette: str = SAMPLE_CASSETTE) -> Reply:
    """A success: the real model's recorded answer, as a tool call."""
    return Reply(200, completion_with_tool_call(recorded_arguments(cassette)), name="recorded answer")


def recorded_repair() -> Reply:
    """A success for the repair call: the real model's recorded QuoteRepairs answer."""
    arguments = recorded_arguments(REPAIR_CASSETTE, tool="QuoteRepairs")
    return Reply(200, completion_with_tool_call(arguments, name="QuoteRepairs"), name="recorded repair answer")


# Quotes no one in the sample article said: hand-made, to test that grounding never verifies them.
FABRICATED_QUOTES = {
    "John Kirby": "We will strike Tehran itself before the week is out",
    "Antony Blinken": "The hostages will all be home by Sunday night",
}


class Faults:
    """Hand-made faults, one function each. Model output inside a fault comes from a cassette."""

    @staticmethod
    def rate_limited(retry_after: str | None = None) -> Reply:
        headers = {"retry-after": retry_after} if retry_after is not None else {}
        body = {"error": {"message": "Rate limit reached (fault injected)", "type": "requests", "code": "rate_limit"}}
        return Reply(429, body, headers, name=f"429 retry-after={retry_after}")

    @staticmethod
    def server_error(status: int = 500, retry_after: str | None = None) -> Reply:
        headers = {"retry-after": retry_after} if retry_after is not None else {}
        return Reply(status, {"error": {"message": f"HTTP {status} (fault injected)"}}, headers, name=str(status))

    @staticmethod
    def hang() -> Reply:
        """Read the request, then send nothing until the client gives up (or the server stops)."""
        return Reply(action="hang", name="hang")

    @staticmethod
    def reset_mid_body(cassette: str = SAMPLE_CASSETTE) -> Reply:
        """Headers and the first half of a recorded answer, then a TCP reset."""
        return Reply(
            200, completion_with_tool_call(recorded_arguments(cassette)), action="reset", name="reset mid-body"
        )

    @staticmethod
    def truncated_by_length(cassette: str = SAMPLE_CASSETTE) -> Reply:
        """``finish_reason: length``: the recorded answer cut in the middle, as a model out of tokens sends it."""
        arguments = recorded_arguments(cassette)
        body = completion_with_tool_call(arguments[: len(arguments) // 2])
        body["choices"][0]["finish_reason"] = "length"
        body["usage"]["completion_tokens"] = 4096
        return Reply(200, body, name="finish_reason=length")

    @staticmethod
    def invalid_json(cassette: str = SAMPLE_CASSETTE) -> Reply:
        """Recorded answer with its closing brace dropped and a stray comma: not JSON."""
        arguments = recorded_arguments(cassette).rstrip().removesuffix("}") + ","
        return Reply(200, completion_with_tool_call(arguments), name="invalid JSON")

    @staticmethod
    def schema_violation(cassette: str = SAMPLE_CASSETTE) -> Reply:
        """Recorded answer, parsed, with the wrong types and a required field missing."""
        data = json.loads(recorded_arguments(cassette))
        data["headline"] = 3
        data["who"] = "everyone"
        data.pop("summary", None)
        return Reply(200, completion_with_tool_call(json.dumps(data)), name="schema violation")

    @staticmethod
    def fabricated_quotes(cassette: str = SAMPLE_CASSETTE) -> Reply:
        """Recorded answer, valid, with quotes that are not in the article put in its positions' mouths."""
        data = json.loads(recorded_arguments(cassette))
        for position in data["positions"]:
            position["quote"] = FABRICATED_QUOTES.get(position["actor"], "A sentence nobody in the article said")
        return Reply(200, completion_with_tool_call(json.dumps(data)), name="fabricated quotes")

    @staticmethod
    def empty_content() -> Reply:
        body = completion_with_content("")
        body["usage"]["completion_tokens"] = 0
        return Reply(200, body, name="empty content")

    @staticmethod
    def refusal() -> Reply:
        body = completion_with_content("")
        body["choices"][0]["message"] = {
            "role": "assistant",
            "content": None,
            "refusal": "I'm sorry, I can't help with that request. (fault injected)",
        }
        return Reply(200, body, name="refusal")

    @staticmethod
    def wrong_tool_name(cassette: str = SAMPLE_CASSETTE) -> Reply:
        """The recorded answer, under a tool name that was never offered."""
        body = completion_with_tool_call(recorded_arguments(cassette), name="get_weather")
        return Reply(200, body, name="wrong tool name")

    @staticmethod
    def wrong_tool_with_foreign_arguments() -> Reply:
        """A call to a tool that was never offered, with that tool's arguments (hand-made): not a brief."""
        body = completion_with_tool_call('{"location": "Paris", "unit": "celsius"}', name="get_weather")
        return Reply(200, body, name="wrong tool, foreign arguments")


FAULTS = Faults()


@contextmanager
def fake_openai(replies: list[Reply], hang_seconds: float = 30.0) -> Iterator[FakeServer]:
    """Serve ``replies`` in order on 127.0.0.1 (a free port); an exhausted script answers 500."""
    state = FakeServer(replies=list(replies))
    lock = threading.Lock()
    stopping = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers: a reset must not look like a normal close

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            payload = json.loads(self.rfile.read(length) or b"{}")
            with lock:
                state.requests.append({"path": self.path, "json": payload, "headers": dict(self.headers)})
                reply = state.replies.pop(0) if state.replies else Reply(500, {"error": "script exhausted"})
                state.served.append(reply.name)
                state.offset += reply.takes
            if reply.action == "hang":
                stopping.wait(hang_seconds)
                self.close_connection = True
                return
            raw = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
            data = raw.encode()
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if reply.action == "reset":
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                # SO_LINGER 0: close() sends RST instead of FIN, as a crashed proxy does.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
