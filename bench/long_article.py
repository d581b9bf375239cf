"""Cost of long articles: calls and tokens for 1×, 4×, 16× and 64× the sample's length.

No model runs. A loopback stub speaks the OpenAI chat API and answers with *recorded* model output:
the embedded model's brief of the sample (fixtures/cassettes/test_replay/…[sample].yaml) for every
part, and its recorded merge answer (fixtures/cassettes/test_long_article/…) for the merge call. The
stub counts prompt tokens of each request it receives with Qwen2.5's own tokenizer when llama-cpp-python
and the embedded GGUF are installed (vocab only, no weights run), else with ``chunking``'s chars/3.0
estimate; completion tokens are the recorded answers' own counts. Everything else — splitting,
the requests, grounding every part, merging — is the real code path.

    python bench/long_article.py [--sizes 1,4,16,64] [--budget TOKENS]

Prints one row per size and whether cost per character stays flat (linear growth).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.chunking import article_budget, estimate_tokens, split_article  # noqa: E402
from summarizer.pipeline import Summarizer  # noqa: E402
from summarizer.settings import Settings  # noqa: E402

SAMPLE = ROOT / "fixtures" / "articles" / "us-strikes-iraq-syria-2024-02-02.txt"
CASSETTES = ROOT / "fixtures" / "cassettes"
BRIEF_CASSETTE = CASSETTES / "test_replay" / "test_replayed_brief_is_valid_and_grounded[sample].yaml"
MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MERGE_CASSETTE = CASSETTES / "test_long_article" / "test_a_long_article_is_briefed_in_parts_and_merged.yaml"


def recorded_answers() -> dict[str, tuple[str, int]]:
    """Tool name → (recorded arguments, recorded completion tokens)."""
    answers: dict[str, tuple[str, int]] = {}
    for cassette in (BRIEF_CASSETTE, MERGE_CASSETTE):
        for interaction in yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]:
            body = json.loads(interaction["response"]["body"]["string"])
            for call in body["choices"][0]["message"].get("tool_calls") or []:
                name = call["function"]["name"]
                answers.setdefault(name, (call["function"]["arguments"], body["usage"]["completion_tokens"]))
    return answers


def tokenizer() -> tuple[Callable[[str], int], str]:
    try:
        from llama_cpp import Llama

        from summarizer.llm.model_store import ensure_embedded_model

        vocab = Llama(model_path=str(ensure_embedded_model()), vocab_only=True, verbose=False)
        return (lambda text: len(vocab.tokenize(text.encode(), add_bos=False))), "Qwen2.5 tokenizer (vocab-only GGUF)"
    except Exception:  # noqa: BLE001 - no llama.cpp or no model: the estimate is the fallback
        return estimate_tokens, "chars/3.0 estimate"


@contextmanager
def stub(answers: dict[str, tuple[str, int]], count: Callable[[str], int]) -> Iterator[dict[str, Any]]:
    seen: dict[str, Any] = {"requests": 0, "request_bytes": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            request = json.loads(raw)
            tool = request["tools"][0]["function"]["name"]
            arguments, completion_tokens = answers[tool]
            prompt = "".join(m.get("content") or "" for m in request["messages"]) + json.dumps(request["tools"])
            seen["requests"] += 1
            seen["request_bytes"] += len(raw)
            body = json.dumps({
                "id": "stub", "object": "chat.completion", "created": 0, "model": request["model"],
                "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                    "role": "assistant", "content": None,
                    "tool_calls": [{"id": "c0", "type": "function",
                                    "function": {"name": tool, "arguments": arguments}}]}}],
                "usage": {"prompt_tokens": count(prompt), "completion_tokens": completion_tokens,
                          "total_tokens": 0},
            }).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    seen["url"] = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,4,16,64", help="multiples of the sample's length")
    parser.add_argument("--budget", type=int, default=None, help="article tokens per call (default: 8192 window)")
    args = parser.parse_args()
    sample = SAMPLE.read_text(encoding="utf-8")
    count, counted_by = tokenizer()
    answers = recorded_answers()
    print(f"prompt tokens counted by the stub with the {counted_by}; completion tokens as recorded")
    header = f"{'size':>5} {'chars':>8} {'parts':>5} {'calls':>5} {'prompt tok':>10} {'compl tok':>9} " \
             f"{'prompt tok/1k chars':>19} {'calls/part':>10} {'seconds':>7} {'ms/1k chars':>11}"
    print(header)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        text = "\n\n".join([sample] * size)
        with stub(answers, count) as seen:
            settings = Settings(base_url=seen["url"], api_key="sk-bench-not-a-key", model=MODEL, mode="tools",
                                max_retries=0, max_article_tokens=args.budget, max_parts=10_000)
            parts = split_article(text, article_budget(settings))
            Summarizer(settings).summarize(sample, published="2024-02-02")  # warm-up: imports, client
            seen["requests"] = 0
            started = time.perf_counter()
            brief = Summarizer(settings).summarize(text, published="2024-02-02", source=f"sample x{size}")
            seconds = time.perf_counter() - started
        meta = brief.meta
        assert meta.calls == seen["requests"] and meta.parts == len(parts)
        per_k = meta.prompt_tokens / (len(text) / 1000)
        rows.append((size, per_k, seconds / (len(text) / 1000)))
        print(f"{size:>4}x {len(text):>8,} {meta.parts:>5} {meta.calls:>5} {meta.prompt_tokens:>10,} "
              f"{meta.completion_tokens:>9,} {per_k:>19.0f} {meta.calls / meta.parts:>10.2f} {seconds:>7.2f} "
              f"{1000 * seconds / (len(text) / 1000):>11.1f}")
    largest = rows[-1]
    single_part = [r for r in rows if r[0] > 1] or rows
    print(f"budget per call: {article_budget(Settings(base_url='http://x', max_article_tokens=args.budget)):,} "
          f"article tokens; prompt tokens per 1k chars at {largest[0]}x vs {single_part[0][0]}x: "
          f"{largest[1] / single_part[0][1]:.2f} (1.00 = linear)")


if __name__ == "__main__":
    main()
