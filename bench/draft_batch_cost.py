"""What checking guessed tokens costs on this machine: why prompt-lookup decoding is not used here.

Speculative decoding (prompt lookup: guess the next tokens by finding the last few written ones in
the article) writes the same tokens in fewer steps only if checking k guesses in one batch costs
little more than reading one token. On a GPU it does; on a 2-core CPU each extra token in a batch
costs most of a token read alone, so guesses must almost always be right to pay. This prints, for
the embedded model after the sample article, the time to read a batch of 1..9 tokens with logits for
every position (what checking guesses needs) and the share of guesses that must be right to break even.

Measured 2026-12-02 on a 2-core AMD EPYC (AVX2): 28 / 49 / 62 / 97 / 186 ms for 1 / 2 / 3 / 5 / 9
tokens, so a guess of 4 pays only if more than ~2 of them are right on average; a prompt-lookup writer
(3-gram index, latest match, up to 8 guesses) wrote the sample's first answer in 234 steps for 397
tokens and took 23.3 s against 12.8 s for one token a step, and 24.8 s with 2 guesses a step (the brief
also changed: batched logits differ in the last bits). So briefs are written one token a step.

    .venv/bin/python bench/draft_batch_cost.py [--repeat 6]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=6)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from summarizer.llm.embedded import EmbeddedTransport
    from summarizer.llm.model_store import ensure_embedded_model
    from summarizer.settings import Settings

    gguf = ensure_embedded_model()
    llama = EmbeddedTransport(Settings(gguf=gguf), gguf).load()
    tokens = llama.tokenize(SAMPLE.read_text(encoding="utf-8").encode("utf-8"), add_bos=False)
    llama.reset()
    llama.eval(tokens)
    base = llama.n_tokens
    costs: dict[int, float] = {}
    for size in (1, 2, 3, 5, 9):
        times = []
        for _ in range(args.repeat):
            llama.n_tokens = base
            started = time.perf_counter()
            _read_with_logits(llama, tokens[:size])
            times.append(time.perf_counter() - started)
        costs[size] = min(times)
    print(f"after {base} tokens of the sample, {args.repeat} tries each, best:")
    one = costs[1]
    for size, cost in costs.items():
        # k = size - 1 guesses; a step writes (right guesses + 1) tokens: it pays when that beats cost / one.
        need = max(0.0, cost / one - 1)
        share = f"{need / (size - 1):.0%} of {size - 1}" if size > 1 else "-"
        print(f"  batch of {size}: {cost * 1000:6.1f} ms = {cost / one:.2f}x one token; to break even, right: {share}")


def _read_with_logits(llama: Any, batch: list[int]) -> None:
    n_past = llama.n_tokens
    llama._ctx.kv_cache_seq_rm(-1, n_past, -1)
    llama._batch.set_batch(batch=batch, n_past=n_past, logits_all=True)
    llama._ctx.decode(llama._batch)
    llama.n_tokens = n_past + len(batch)


if __name__ == "__main__":
    main()
