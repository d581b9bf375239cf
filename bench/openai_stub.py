"""A loopback OpenAI-compatible stub for the batch benchmarks (a stub, named as one; not a model).

Every ``POST .../chat/completions`` is answered, after a fixed latency, with the model answer
*recorded* in the sample cassettes (Qwen2.5-Coder-1.5B via llama.cpp) for the tool it asks for:
the brief (``BriefAnswer``), the follow-up about the rest of the story (``RestAnswer``), or a draft
of the earlier prompt (``BriefDraft``, ``--prompt brief-v3``). ``GET /stats`` returns
how many chat requests it served. HTTP/1.1 keep-alive, asyncio, run in its own process so it
does not share the benchmark's interpreter:

    python bench/openai_stub.py --latency 0.2      # prints "port N", then serves until killed
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = (
    ROOT / "fixtures/cassettes/test_replay/test_replayed_brief_is_valid_and_grounded[sample].yaml",
    ROOT / "fixtures/cassettes/recorded-v3/sample.yaml",
)


def recorded_completions() -> dict[str, bytes]:
    """The first recorded answer of each tool name, as the HTTP body to send."""
    answers: dict[str, bytes] = {}
    for cassette in CASSETTES:
        for interaction in yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]:
            body = json.loads(interaction["response"]["body"]["string"])
            for choice in body.get("choices", []):
                for call in choice["message"].get("tool_calls") or []:
                    answers.setdefault(call["function"]["name"], json.dumps(body).encode())
    if "BriefAnswer" not in answers:
        raise LookupError("no BriefAnswer tool call in the sample cassette")
    return answers


def tool_asked(request: bytes) -> str:
    try:
        return json.loads(request)["tool_choice"]["function"]["name"]
    except (ValueError, KeyError, TypeError):
        return "BriefAnswer"


async def serve(latency: float) -> None:
    answers = recorded_completions()
    served = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal served
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                request = await reader.readexactly(length) if length else b""
                if head.startswith(b"GET /stats"):
                    body = json.dumps({"chat_requests": served}).encode()
                else:
                    served += 1
                    if latency:
                        await asyncio.sleep(latency)
                    body = answers.get(tool_asked(request), answers["BriefAnswer"])
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
                             % len(body) + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    try:
        asyncio.run(serve(parser.parse_args().latency))
    except KeyboardInterrupt:
        sys.exit(0)
