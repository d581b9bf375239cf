"""A FAKE OpenAI-compatible server on 127.0.0.1 for batch tests: chat completions, Files and Batches.

Hand-made plumbing, named as such; every model answer in it is the *recorded* tool call of
the sample article (``fake_openai.recorded_arguments``), never text written here. It
implements the documented shapes only as far as the batch code uses them:
``POST /v1/chat/completions``, ``POST /v1/files`` (multipart), ``GET /v1/files/{id}/content``,
``POST /v1/batches``, ``GET /v1/batches/{id}`` (in_progress once, then completed).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fake_openai import completion_with_tool_call, recorded_arguments

SAMPLE_CASSETTE = "recorded-v3/sample.yaml"


@dataclass
class FakeBatchServer:
    answer: dict[str, Any]
    fail_marker: str | None = None  # an article containing this gets HTTP 400 (a hand-made fault)
    batch_errors: set[str] = field(default_factory=set)  # custom_ids the Batch output marks as failed
    transient_every: int = 0  # every Nth chat request gets a hand-made 503 or 429 (0: never)
    chat_requests: list[dict[str, Any]] = field(default_factory=list)
    batch_requests: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def chat_calls(self) -> int:
        return len(self.chat_requests)


def _multipart_file(body: bytes, content_type: str) -> bytes:
    boundary = re.search(r"boundary=\"?([^\";]+)", content_type)
    assert boundary, content_type
    for part in body.split(b"--" + boundary.group(1).encode()):
        head, _, data = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            return data.removesuffix(b"\r\n")
    raise AssertionError("no file part in the upload")


def _batch_output(state: FakeBatchServer, data: bytes) -> bytes:
    lines = []
    for raw in data.decode().splitlines():
        request = json.loads(raw)
        state.batch_requests.append(request)
        custom_id = request["custom_id"]
        if custom_id in state.batch_errors:
            response = {"status_code": 500, "request_id": "req_fake", "body": {"error": {"message": "fake fault"}}}
        else:
            response = {"status_code": 200, "request_id": "req_fake", "body": state.answer}
        lines.append(json.dumps({"id": f"batch_req_{custom_id}", "custom_id": custom_id, "response": response,
                                 "error": None}))
    return ("\n".join(lines) + "\n").encode()


@contextmanager
def fake_openai_batch(latency: float = 0.0, **options: Any) -> Iterator[FakeBatchServer]:
    answer = completion_with_tool_call(recorded_arguments(SAMPLE_CASSETTE))
    state = FakeBatchServer(answer=answer, **options)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json" if raw is None else "application/octet-stream")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path.endswith("/chat/completions"):
                payload = json.loads(body)
                with state.lock:
                    state.chat_requests.append(payload)
                    number = len(state.chat_requests)
                if state.transient_every and number % state.transient_every == 0:
                    # Alternate the two transient faults a busy endpoint gives.
                    if number // state.transient_every % 2:
                        return self._send(503, {"error": {"message": "fake overload"}})
                    return self._send(429, {"error": {"message": "fake rate limit"}})
                if latency:
                    time.sleep(latency)
                article = payload["messages"][-1]["content"]
                if state.fail_marker and state.fail_marker in article:
                    return self._send(400, {"error": {"message": "fake rejection"}})
                return self._send(200, state.answer)
            if self.path.endswith("/files"):
                with state.lock:
                    file_id = f"file-{len(state.files)}"
                    state.files[file_id] = _multipart_file(body, self.headers["content-type"])
                return self._send(200, {"id": file_id, "object": "file", "bytes": len(state.files[file_id]),
                                        "created_at": 0, "filename": "input.jsonl", "purpose": "batch",
                                        "status": "processed"})
            if self.path.endswith("/batches"):
                payload = json.loads(body)
                with state.lock:
                    batch_id = f"batch_{len(state.batches)}"
                    state.batches[batch_id] = {
                        "id": batch_id, "object": "batch", "endpoint": payload["endpoint"],
                        "input_file_id": payload["input_file_id"], "completion_window": "24h",
                        "status": "validating", "created_at": 0,
                        "request_counts": {"total": 0, "completed": 0, "failed": 0},
                    }
                return self._send(200, state.batches[batch_id])
            self._send(404, {"error": {"message": f"fake server has no {self.path}"}})

        def do_GET(self) -> None:
            match = re.search(r"/batches/([^/]+)$", self.path)
            if match and match.group(1) in state.batches:
                with state.lock:
                    batch = state.batches[match.group(1)]
                    if batch["status"] == "validating":
                        batch["status"] = "in_progress"
                    elif batch["status"] == "in_progress":
                        output = _batch_output(state, state.files[batch["input_file_id"]])
                        output_id = f"file-{len(state.files)}"
                        state.files[output_id] = output
                        total = output.count(b"\n")
                        failed = len(state.batch_errors)
                        batch.update(status="completed", output_file_id=output_id,
                                     request_counts={"total": total, "completed": total - failed, "failed": failed})
                return self._send(200, batch)
            match = re.search(r"/files/([^/]+)/content$", self.path)
            if match and match.group(1) in state.files:
                return self._send(200, None, raw=state.files[match.group(1)])
            self._send(404, {"error": {"message": f"fake server has no {self.path}"}})

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
