"""Framework overhead per brief: a zero-latency loopback stub serving a recorded answer.

What is left when the model costs nothing: the HTTP round trip on loopback, instructor's
parse + pydantic validation, grounding, building the Brief and rendering its JSON line.
Target: ≤ 5 ms per brief. Prints figures; it is not a timed test.

    .venv/bin/python bench/batch_overhead.py [--briefs 200] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from _stub import stub

from summarizer.batch.inputs import Item
from summarizer.batch.metering import Meter, MeteredTransport
from summarizer.batch.runner import Engine
from summarizer.llm.wrap import TransportWrapper
from summarizer.pipeline import Summarizer
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt").read_text(encoding="utf-8")


class TimedTransport(TransportWrapper):
    """Adds up the time spent waiting for HTTP answers, to subtract the stub from the total."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.seconds = 0.0

    async def acreate(self, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await self.inner.acreate(**kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def articles(count: int, offset: int = 0) -> list[Item]:
    # Distinct texts (distinct hashes) that ground exactly like the sample.
    return [Item(i, f"sample-{i + offset}", text=f"{SAMPLE}\n\n(Archive copy {i + offset}.)") for i in range(count)]


async def run(url: str, count: int, concurrency: int) -> dict[str, float]:
    settings = Settings(base_url=url, api_key="stub", model="stub", mode="tools", timeout=30)
    timers: list[TimedTransport] = []

    def timed_wrap(inner: Any) -> Any:
        timers.append(TimedTransport(inner))
        return timers[-1]

    def metered(inner: Any) -> Any:
        return MeteredTransport(inner, Meter())

    # The timer right on the endpoint, under the meter: only HTTP time, not waiting for a slot.
    summarizer = Summarizer(settings, middleware=[timed_wrap, metered])
    assert summarizer.transport.inner is timers[0]  # made now, so the timer exists
    timed = timers[0]
    engine = Engine(summarizer, concurrency, "2024-02-02")
    async for _ in engine.run(articles(5, offset=10_000)):  # warm-up: imports, first connection
        pass
    timed.seconds = 0.0
    render = 0.0
    started, cpu = time.perf_counter(), time.process_time()
    async for result in engine.run(articles(count)):
        assert result.ok, result.error
        t = time.perf_counter()
        assert result.brief is not None
        result.brief.model_dump_json()
        render += time.perf_counter() - t
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    await summarizer.aclose()
    return {"wall": wall, "http": timed.seconds, "render": render, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--briefs", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of the sequential run")
    args = parser.parse_args()
    with stub(latency=0.0) as url:
        if args.profile:
            from pyinstrument import Profiler

            with Profiler() as profiler:
                asyncio.run(run(url, args.briefs, 1))
            profiler.print(show_all=False)
            return
        for concurrency in (1, 8):
            figures = asyncio.run(run(url, args.briefs, concurrency))
            per = figures["wall"] / args.briefs * 1000
            http = figures["http"] / args.briefs * 1000
            print(
                f"concurrency {concurrency:>2}: {per:6.2f} ms/brief wall,"
                f" {figures['cpu'] / args.briefs * 1000:5.2f} ms CPU"
                + (f" (of which waiting on HTTP {http:5.2f} ms, framework {per - http:5.2f} ms;"
                   f" JSON render {figures['render'] / args.briefs * 1000:.2f} ms)" if concurrency == 1 else
                   f"  → {args.briefs / figures['wall']:.0f} briefs/s")
            )
    print("target: ≤ 5 ms per brief (parse + validate + ground + render)")


if __name__ == "__main__":
    main()
