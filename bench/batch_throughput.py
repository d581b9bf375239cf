"""Batch throughput against a loopback stub with a fixed 200 ms latency (recorded answers).

1. 200 articles at concurrency 16: briefs/s against the ideal 16 / 0.2 s = 80/s (target ≥ 90 %).
2. The same articles again with the cache warm: time per brief and calls to the stub (target 0).
3. 10, 100 and 1,000 articles: wall time and peak RSS, each in a fresh process
   (target: time linear in the count, memory flat).

The whole job runs as ``brief batch`` does: files read, JSONL appended and fsynced, cache written.
Prints figures; it is not a timed test.  Usage: ``.venv/bin/python bench/batch_throughput.py``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _stub import served, stub

from summarizer.batch.cache import BriefCache
from summarizer.batch.job import BatchJob, run_batch
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt").read_text(encoding="utf-8")
LATENCY = 0.2


def write_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"a{number:05d}.txt").write_text(f"{SAMPLE}\n\n(Archive copy {number}.)\n", encoding="utf-8")


def job(url: str, folder: Path, output: Path, concurrency: int, cache: BriefCache | None) -> BatchJob:
    settings = Settings(base_url=url, api_key="stub", model="stub", mode="tools", timeout=60)
    return BatchJob([str(folder)], output, settings, published="2024-02-02", concurrency=concurrency, cache=cache)


def child(url: str, count: int, concurrency: int) -> None:
    """One run in a fresh process, so its peak RSS is its own."""
    import instructor  # noqa: F401 - imports are paid before the clock starts
    import openai  # noqa: F401

    import summarizer.pipeline  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "in")
        write_articles(folder, count)
        started = time.perf_counter()
        summary = asyncio.run(run_batch(job(url, folder, Path(tmp, "out.jsonl"), concurrency, None)))
        wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"count": count, "done": summary.done, "wall": wall, "peak_mib": peak_kib / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--sizes", default="10,100,1000")
    args = parser.parse_args()
    if args.child:
        child(args.url, args.child, args.concurrency)
        return
    ideal = args.concurrency / LATENCY
    with stub(latency=LATENCY) as url, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "in")
        write_articles(folder, args.articles)
        with BriefCache(Path(tmp, "cache.sqlite3")) as cache:
            write_articles(Path(tmp, "warm"), 2)
            asyncio.run(run_batch(job(url, Path(tmp, "warm"), Path(tmp, "warm.jsonl"), 1, None)))  # imports
            started = time.perf_counter()
            summary = asyncio.run(run_batch(job(url, folder, Path(tmp, "first.jsonl"), args.concurrency, cache)))
            wall = time.perf_counter() - started
            rate = summary.done / wall
            print(f"{summary.done} briefs, concurrency {args.concurrency}, {LATENCY * 1000:.0f} ms latency: "
                  f"{wall:.2f} s, {rate:.1f} briefs/s = {rate / ideal:.1%} of the ideal {ideal:.0f}/s (target ≥ 90 %)")

            before = served(url)
            started = time.perf_counter()
            summary = asyncio.run(run_batch(job(url, folder, Path(tmp, "second.jsonl"), args.concurrency, cache)))
            wall = time.perf_counter() - started
            print(f"cache warm: {summary.cached}/{summary.done} cached, {wall / summary.done * 1000:.2f} ms per brief, "
                  f"{served(url) - before} calls to the stub (target 0)")
        for size in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(size), "--url", url, "--concurrency", str(args.concurrency)],
                capture_output=True, text=True, check=True,
            )
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{size:>5} articles: {figures['wall']:7.2f} s wall ({figures['wall'] / size * 1000:6.1f} ms each), "
                  f"peak RSS {figures['peak_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
