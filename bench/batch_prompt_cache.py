"""Does a RAM cache of prompt KV states speed up the embedded model in a batch? (Not run in CI.)

Briefs the same N articles with the embedded model twice, in fresh processes: without and
with ``LlamaRAMCache`` (``brief batch --prompt-cache-mb``). Prints wall time per brief and
prompt tokens per second. Runs the real model: minutes per article on 2 cores.

    .venv/bin/python bench/batch_prompt_cache.py --articles 5 --cache-mb 2048
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt"


def child(articles: int, cache_mb: int) -> None:
    import asyncio

    from summarizer.batch.cache import BriefCache  # noqa: F401 - imports before the clock
    from summarizer.batch.job import BatchJob, run_batch
    from summarizer.settings import settings_from_env

    text = SAMPLE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp, "in")
        folder.mkdir()
        for number in range(articles):
            (folder / f"a{number}.txt").write_text(f"{text}\n\n(Archive copy {number}.)\n", encoding="utf-8")
        job = BatchJob([str(folder)], Path(tmp, "out.jsonl"), settings_from_env(), published="2024-02-02",
                       concurrency=1, cache=None, prompt_cache_bytes=cache_mb * 2**20 or None)
        started = time.perf_counter()
        summary = asyncio.run(run_batch(job))
        wall = time.perf_counter() - started
    print(json.dumps({"wall": wall, "done": summary.done, "prompt_tokens": summary.prompt_tokens}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--cache-mb", type=int, default=2048)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.articles, args.child)
        return
    for cache_mb in (0, args.cache_mb):
        out = subprocess.run([sys.executable, __file__, "--articles", str(args.articles), "--child", str(cache_mb)],
                             capture_output=True, text=True, check=True)
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        per = figures["wall"] / max(1, figures["done"])
        print(f"prompt cache {cache_mb:>5} MiB: {per:6.1f} s per brief, "
              f"{figures['prompt_tokens'] / figures['wall']:7.1f} prompt tokens/s over {figures['done']} briefs")


if __name__ == "__main__":
    main()
