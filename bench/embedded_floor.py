"""The embedded brief against this machine's floor, measured in one run.

The floor for an article is what the model cannot avoid: reading the article's own tokens and
writing the brief's tokens unconstrained, at the speeds this machine shows in this run. The brief
is then timed end to end in fresh processes, as an analyst runs it:

* cold: no saved prompt prefix (the first run after an install);
* warm: a second process, which loads the prefix the first one saved.

Each brief is broken down into model load, prefix (read or loaded), reading the article, writing,
grounding and rendering; the ratio to the floor is printed. Absolute times differ by machine and
by what else runs on it; ratios measured in one run do not.

    .venv/bin/python bench/embedded_floor.py [--rounds 3] [--article PATH --published DATE] [--json OUT]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt"
FREE_TOKENS = 128  # generated unconstrained to measure the writing speed


def floor(gguf: Path, article: str) -> dict[str, float]:
    """Prompt and free-generation speed of the embedded model, with the settings briefs use."""
    from summarizer.llm.embedded import EmbeddedTransport
    from summarizer.settings import Settings

    llama = EmbeddedTransport(Settings(gguf=gguf), gguf).load()
    tokens = llama.tokenize(article.encode("utf-8"), add_bos=False)
    llama.reset()
    started = time.perf_counter()
    llama.eval(tokens)
    read = time.perf_counter() - started
    started = time.perf_counter()
    for count, _token in enumerate(llama.generate(tokens, top_k=1, temp=0.0), start=1):
        if count == FREE_TOKENS:
            break
    write = time.perf_counter() - started
    return {"article_tokens": len(tokens), "prompt_tps": len(tokens) / read, "write_tps": FREE_TOKENS / write}


def one_brief(gguf: Path, article_path: Path, published: str) -> dict[str, Any]:
    """A brief as the CLI makes it, in this (fresh) process, with where its time went."""
    started = time.perf_counter()
    from rich.console import Console

    from summarizer.llm.wrap import innermost
    from summarizer.pipeline import Summarizer
    from summarizer.prepare import parse_published
    from summarizer.render.text import to_renderable
    from summarizer.settings import settings_from_env
    from summarizer.sources import load_article

    imported = time.perf_counter()
    settings = settings_from_env().with_overrides(gguf=gguf)
    summarizer = Summarizer(settings)
    transport = innermost(summarizer.transport)  # loads the model
    loaded = time.perf_counter()
    brief = summarizer.summarize(load_article(article_path), published=parse_published(published))
    briefed = time.perf_counter()
    Console(file=io.StringIO(), width=100).print(to_renderable(brief))
    rendered = time.perf_counter()
    calls = transport.requests
    first = calls[0]  # a fresh process: every request it made is here

    def total(field: str) -> float:
        return sum(getattr(call, field) for call in calls)

    model = total("prefix_seconds") + total("read_seconds") + total("write_seconds")
    return {
        "import": imported - started,
        "model load": loaded - imported,
        "prefix": total("prefix_seconds"),
        "prefix how": first.prefix,
        "read article": total("read_seconds"),
        "write": total("write_seconds"),
        "grounding and the rest": (briefed - loaded) - model,
        "render": rendered - briefed,
        "brief": rendered - imported,  # model load to rendered text: what the floor is compared with
        "calls": brief.meta.calls,
        "prompt_tokens": brief.meta.prompt_tokens,
        "completion_tokens": brief.meta.completion_tokens,
        "prefix_tokens": first.prefix_tokens,
        "first_prompt_tokens": first.prompt_tokens,  # the brief's own prompt; a follow-up repeats it
        "read_tokens": int(total("read_tokens")),
    }


def child(kind: str, gguf: Path, article: Path, published: str, cache: Path) -> dict[str, Any]:
    """Run ``kind`` in a fresh process with its own cache folder (so 'cold' finds no saved prefix)."""
    env = {**os.environ, "BRIEF_CACHE_DIR": str(cache)}
    args = [sys.executable, __file__, "--child", kind, "--gguf", str(gguf), "--article", str(article)]
    started = time.perf_counter()
    done = subprocess.run([*args, "--published", published], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{kind} run failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--article", type=Path, default=SAMPLE)
    parser.add_argument("--published", default="2024-02-02")
    parser.add_argument("--gguf", type=Path, help="default: the embedded model (assembled on first use)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--rounds", type=int, default=1, help="repeat floor, cold and warm; show the median round")
    parser.add_argument("--child", choices=["floor", "brief"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    if args.child:
        text = args.article.read_text(encoding="utf-8")
        result = floor(args.gguf, text) if args.child == "floor" else one_brief(args.gguf, args.article, args.published)
        print(json.dumps(result))
        return

    from summarizer.llm.model_store import ensure_embedded_model

    gguf = args.gguf or ensure_embedded_model()
    rounds = []
    for _ in range(args.rounds):  # a shared machine's speed drifts: each round has its own floor
        with tempfile.TemporaryDirectory(prefix="brief-floor-") as tmp:
            cache = Path(tmp)
            speeds = child("floor", gguf, args.article, args.published, cache)
            cold = child("brief", gguf, args.article, args.published, cache)
            warm = child("brief", gguf, args.article, args.published, cache)  # finds the prefix cold saved
        rounds.append((speeds, cold, warm))
    rounds.sort(key=lambda r: ratio(r[0], r[2]))
    speeds, cold, warm = rounds[len(rounds) // 2]  # the round with the median warm ratio
    report(speeds, cold, warm)
    if len(rounds) > 1:
        for name, i in (("warm", 2), ("cold", 1)):
            ratios = sorted(ratio(r[0], r[i]) for r in rounds)
            print(f"{name} over {len(rounds)} rounds: " + ", ".join(f"{x:.2f}x" for x in ratios)
                  + f"; median {ratios[len(ratios) // 2]:.2f}x")
    if args.json:
        figures = [{"floor": f, "cold": c, "warm": w} for f, c, w in rounds]
        args.json.write_text(json.dumps(figures if len(figures) > 1 else figures[0], indent=2), encoding="utf-8")


def ratio(speeds: dict[str, float], run: dict[str, Any]) -> float:
    """The brief's time over its floor: the article read and the brief's tokens written at this round's speeds."""
    return run["brief"] / floor_seconds(speeds, run)


def floor_seconds(speeds: dict[str, float], run: dict[str, Any]) -> float:
    return speeds["article_tokens"] / speeds["prompt_tps"] + run["completion_tokens"] / speeds["write_tps"]


def report(speeds: dict[str, float], cold: dict[str, Any], warm: dict[str, Any]) -> None:
    print(f"machine: {os.cpu_count()} cores; article {speeds['article_tokens']} tokens")
    print(f"floor speeds: prompt {speeds['prompt_tps']:.1f} tok/s, free generation {speeds['write_tps']:.1f} tok/s")
    rows = ["model load", "prefix", "read article", "write", "grounding and the rest", "render", "brief", "process"]
    print(f"\n{'':24}{'cold':>10}{'warm':>10}")
    for row in rows:
        print(f"{row:24}{cold[row]:>9.2f}s{warm[row]:>9.2f}s")
    print(f"{'prefix (how)':24}{cold['prefix how']:>10}{warm['prefix how']:>10}")
    for name, run in (("cold", cold), ("warm", warm)):
        base = floor_seconds(speeds, run)
        # The brief's prompt beyond the article: instructions, fact sheet, template. A follow-up call (the rest
        # of the story) re-sends that prompt, of which llama.cpp reads only the new turn: read_tokens counts it.
        overhead = run["first_prompt_tokens"] - speeds["article_tokens"]
        print(
            f"{name}: {run['calls']} call(s), {run['prompt_tokens']} prompt + {run['completion_tokens']} completion "
            f"tokens; the brief's prompt {run['first_prompt_tokens']} tokens ({overhead} beyond the article), "
            f"{run['read_tokens']} read beyond the prefix in all; floor {base:.1f}s; brief {run['brief']:.1f}s "
            f"= {run['brief'] / base:.2f}x the floor"
        )


if __name__ == "__main__":
    main()
