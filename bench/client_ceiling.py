"""What this machine allows before brief does anything: the same stub, the same load, no briefs.

``batch_throughput.py`` measures brief against the ideal 16 / 0.2 s = 80/s. Two clients that do
nothing but send and receive show how close anything can come here:

* a raw asyncio HTTP/1.1 client (one keep-alive connection per slot, the body read and dropped);
* the bare ``openai`` client, as brief's endpoint transport makes it (no retries, no instructor).

200 requests, 16 at a time, 200 ms stub latency, by default. 200 requests are 12.5 rounds of 16,
so even a free client needs 13 rounds: 200 / (13 × 0.2 s) = 77/s at most. Prints figures; it is
not a timed test::

    .venv/bin/python bench/client_ceiling.py [--requests 200] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Callable

from _stub import stub

LATENCY = 0.2
BODY = json.dumps({"model": "stub", "messages": [{"role": "user", "content": "x" * 6000}]}).encode()


async def raw_client(port: int, requests: int, concurrency: int) -> float:
    remaining = iter(range(requests))

    async def slot() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        head = b"POST /v1/chat/completions HTTP/1.1\r\nhost: stub\r\ncontent-type: application/json\r\n"
        for _ in remaining:
            writer.write(head + b"content-length: %d\r\n\r\n" % len(BODY) + BODY)
            await writer.drain()
            answer_head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in answer_head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(slot() for _ in range(concurrency)))
    return requests / (time.perf_counter() - started)


async def openai_client(url: str, requests: int, concurrency: int) -> float:
    import openai

    client = openai.AsyncOpenAI(base_url=url, api_key="stub", max_retries=0, timeout=30)
    slots = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with slots:
            await client.chat.completions.create(model="stub", messages=[{"role": "user", "content": "x" * 6000}])

    await asyncio.gather(*(one() for _ in range(concurrency)))  # connections opened before the clock starts
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(requests)))
    rate = requests / (time.perf_counter() - started)
    await client.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    ideal = args.concurrency / LATENCY
    with stub(latency=LATENCY) as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        clients: list[tuple[str, Callable[[], Awaitable[float]]]] = [
            ("raw asyncio HTTP client", lambda: raw_client(port, args.requests, args.concurrency)),
            ("bare openai client", lambda: openai_client(url, args.requests, args.concurrency)),
        ]
        for name, run in clients:
            rate = asyncio.run(run())
            print(f"{name:>24}: {rate:5.1f} requests/s = {rate / ideal:.1%} of the ideal {ideal:.0f}/s")


if __name__ == "__main__":
    main()
