"""The service's door: a request-size limit and one structured access-log line per request.

A plain ASGI middleware (no per-request task or thread, unlike Starlette's ``BaseHTTPMiddleware``),
so it adds microseconds, not milliseconds. The log line holds the method, the path *without* its
query string (an SSE ticket travels there), the status, the time and the body sizes: never a header,
a token or a body.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

log = logging.getLogger("brief.serve.access")

Scope = dict[str, Any]
Message = dict[str, Any]


class Guard:
    def __init__(self, app: Any, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 0, "sent": 0, "received": 0}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["sent"] += len(message.get("body", b""))
            await send(message)

        try:
            body = await self._read_body(scope, receive)
            if body is None:
                await _too_large(sending, self.max_body)
                return
            seen["received"] = len(body)
            await self.app(scope, _replay(body, receive), sending)
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info(json.dumps({
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": seen["status"],
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "in": seen["received"],
                    "out": seen["sent"],
                    "client": (scope.get("client") or ("", 0))[0],
                }))

    async def _read_body(self, scope: Scope, receive: Any) -> bytes | None:
        """The whole body, or None when it is over the limit (by its declared length or as it arrives)."""
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            return b""
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive: Any) -> Any:
    done = False

    async def replay() -> Message:
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later calls wait for the disconnect, as the server's own receive does

    return replay


async def _too_large(send: Any, limit: int) -> None:
    body = json.dumps({"error": f"the request body is over the {limit:,}-byte limit"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


__all__ = ["Guard"]
