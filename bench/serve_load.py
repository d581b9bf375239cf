"""``brief serve`` under load: requests/s and p50/p99 latency at concurrency 1, 2, 4 … 64, nothing lost.

The model is ``openai_stub.py`` (a stub, named as one) answering every call with the recorded
sample answer after a fixed ``--latency``; ``brief serve`` runs as its own process (uvicorn, JSON
access logs on, workers and queue sized so nothing is refused) and the client here sends the sample
article as ``POST /v1/briefs`` over keep-alive connections, ``concurrency`` at a time.

Overhead is what the service adds to the stub's latency, per request:
* ``p50-stub``: wall p50 − latency: everything (HTTP, JSON, the brief's own grounding, queueing);
* ``p50-lib``: wall p50 − the library alone (``Summarizer.asummarize`` against the same stub, one at a
  time, in this process): the service's own share;
* ``cpu ms/req`` and ``cpu-lib``: the service process's CPU per request (/proc), and that less the
  library's CPU per brief (the machine may be shared, so wall time alone misleads).
Target: service overhead ≤ 10 ms p50 beyond the stub's latency. Prints figures; not a timed test.

    .venv/bin/python bench/serve_load.py [--latency 0.2] [--max-concurrency 64] [--per-level 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _stub import served, stub

from summarizer.pipeline import Summarizer
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt").read_text(encoding="utf-8")
BODY = json.dumps({"text": SAMPLE, "published": "2024-02-02"}).encode()
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def start_service(model_url: str, workers: int, queue: int) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEF_", "OPENAI_"))}
    env.update({"BRIEF_BASE_URL": model_url, "BRIEF_API_KEY": "stub", "BRIEF_MODEL": "stub", "BRIEF_MODE": "tools",
                "BRIEF_SERVE_WORKERS": str(workers), "BRIEF_SERVE_QUEUE": str(queue), "BRIEF_SERVE_WAIT": "120",
                "PYTHONPATH": str(ROOT)})
    process = subprocess.Popen([sys.executable, "-c", "from summarizer.cli import main; main()", "serve", "--port",
                                "0"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert process.stderr is not None
    for line in process.stderr:
        match = re.search(r"running on http://127\.0\.0\.1:(\d+)", line, re.IGNORECASE)
        if match:
            # Keep reading stderr (the access log) so the service never blocks on a full pipe.
            threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()  # type: ignore[union-attr]
            return process, match.group(1)
    raise RuntimeError("brief serve did not start")


async def post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: str) -> int:
    writer.write(b"POST /v1/briefs HTTP/1.1\r\nhost: 127.0.0.1:%s\r\ncontent-type: application/json\r\n"
                 b"content-length: %d\r\n\r\n" % (port.encode(), len(BODY)) + BODY)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    lines = head.split(b"\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:"))
    await reader.readexactly(length)
    return status


async def level(port: str, concurrency: int, requests: int) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    statuses: list[int] = []
    left = requests

    async def client() -> None:
        nonlocal left
        reader, writer = await asyncio.open_connection("127.0.0.1", int(port))
        try:
            while left > 0:
                left -= 1
                started = time.perf_counter()
                statuses.append(await post(reader, writer, port))
                latencies.append(time.perf_counter() - started)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def library_alone(model_url: str, count: int) -> tuple[float, float]:
    """The library alone (prepare + abrief against the same stub), one at a time: p50 seconds, CPU ms each."""
    settings = Settings(base_url=model_url, api_key="stub", model="stub", mode="tools")
    times = []
    async with Summarizer(settings) as summarizer:
        await summarizer.asummarize(SAMPLE, published="2024-02-02")  # first-use imports
        cpu = time.process_time()
        for _ in range(count):
            started = time.perf_counter()
            await summarizer.asummarize(SAMPLE, published="2024-02-02")
            times.append(time.perf_counter() - started)
        cpu = (time.process_time() - cpu) / count * 1000
    return statistics.median(times), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.2, help="the stub's seconds per model call")
    parser.add_argument("--max-concurrency", type=int, default=64)
    parser.add_argument("--per-level", type=int, default=4, help="requests per client at each level (at least 32)")
    args = parser.parse_args()
    levels = [c for c in (1, 2, 4, 8, 16, 32, 64) if c <= args.max_concurrency]
    with stub(args.latency) as model_url:
        library, library_cpu = asyncio.run(library_alone(model_url, 20))
        process, port = start_service(model_url, workers=max(levels), queue=max(levels))
        try:
            asyncio.run(level(port, 2, 6))  # warm-up: first-use imports, connection set-up
            print(f"stub latency {args.latency * 1000:.0f} ms; library alone (Summarizer.asummarize, one at a time): "
                  f"p50 {library * 1000:.1f} ms = {(library - args.latency) * 1000:.1f} ms beyond the stub, "
                  f"{library_cpu:.1f} ms CPU per brief")
            print(f"{'conc':>4} {'reqs':>5} {'ok':>5} {'lost':>4} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'p50-stub':>9} {'p50-lib':>8} {'cpu ms/req':>10} {'cpu-lib':>8}")
            for concurrency in levels:
                count = max(32, concurrency * args.per_level)
                before_served, before_cpu = served(model_url), cpu_seconds(process.pid)
                latencies, statuses, seconds = asyncio.run(level(port, concurrency, count))
                cpu = (cpu_seconds(process.pid) - before_cpu) / count * 1000
                ok = statuses.count(200)
                lost = count - ok + abs((served(model_url) - before_served) - count)
                p50, p99 = pct(latencies, 0.5) * 1000, pct(latencies, 0.99) * 1000
                print(f"{concurrency:>4} {count:>5} {ok:>5} {lost:>4} {count / seconds:>7.1f} {p50:>8.1f} {p99:>8.1f} "
                      f"{p50 - args.latency * 1000:>9.1f} {p50 - library * 1000:>8.1f} {cpu:>10.1f} "
                      f"{cpu - library_cpu:>8.1f}")
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
