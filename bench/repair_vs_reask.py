"""Calls and tokens per valid brief: brief's repair-before-re-ask vs instructor's default re-ask.

Both strategies run on the same articles, the same model and endpoint, in one run:

* ``instructor``: the naive design. Quotes are checked strictly inside the response model
  (a validator: each quote must occur verbatim in the article), and instructor's default
  re-ask sends the whole conversation back with the error, up to ``--reasks`` times.
* ``brief``: the draft is validated for structure only; grounding repairs deterministically
  (normalise, snap, re-attribute, attach the article's own quotes), then at most one
  targeted re-ask lists only the failing quotes; what still fails becomes a paraphrase.

Needs a live OpenAI-compatible endpoint serving the model, e.g.

    python -m llama_cpp.server --model ~/.cache/brief/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf \\
        --host 127.0.0.1 --port 8765 --n_ctx 8192 &
    python bench/repair_vs_reask.py --base-url http://127.0.0.1:8765/v1 [--articles 8]

Prints one row per article and strategy, then the totals.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationInfo, field_validator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared_data import GIVEME_DEV  # noqa: E402

from summarizer.flow import build_messages  # noqa: E402
from summarizer.grounding.normalize import normalize  # noqa: E402
from summarizer.llm.ask import Asker, Ledger  # noqa: E402
from summarizer.llm.transport import EndpointTransport  # noqa: E402
from summarizer.pipeline import Summarizer, parse_published  # noqa: E402
from summarizer.schema import BriefDraft, PositionDraft  # noqa: E402
from summarizer.settings import Settings  # noqa: E402

EVAL = GIVEME_DEV
FIXTURE_EVAL = ROOT / "fixtures" / "articles" / "giveme5w1h"


class StrictPosition(PositionDraft):
    @field_validator("quote")
    @classmethod
    def quote_must_be_verbatim(cls, quote: str | None, info: ValidationInfo) -> str | None:
        article = (info.context or {}).get("article", "")
        if quote and quote not in article:
            raise ValueError(f"quote is not verbatim in the article: {quote!r}")
        return quote


class StrictBriefDraft(BriefDraft):
    positions: list[StrictPosition]  # type: ignore[assignment]


def articles(limit: int) -> list[tuple[str, str, str]]:
    items = [("sample", (ROOT / "fixtures/articles/us-strikes-iraq-syria-2024-02-02.txt").read_text(), "2024-02-02")]
    extra = sorted(p for p in EVAL.glob("*.json") if not (FIXTURE_EVAL / p.name).exists())
    files = sorted(FIXTURE_EVAL.glob("*.json")) + extra
    for path in files[: max(0, limit - 1)]:
        data = json.loads(path.read_text())
        items.append((path.stem[:10], data["text"], data["date_publish"][:10]))
    return items


def run_instructor(settings: Settings, text: str, published: str, reasks: int) -> dict[str, Any]:
    from instructor.core.exceptions import InstructorRetryException

    transport = EndpointTransport(settings)
    ledger = Ledger()
    asker = Asker(transport=transport, mode="tools")
    create = asker._patched(asker._counted_create("tools", ledger), "tools")
    messages, _ = build_messages(text, parse_published(published))
    ok, mismatch_only = True, False
    try:
        create(
            model=transport.model,
            messages=messages,
            response_model=StrictBriefDraft,
            max_retries=reasks,
            temperature=0.0,
            context={"article": text},
        )
    except InstructorRetryException as exc:
        ok = False
        bad = [str(e.get("input")) for e in getattr(exc.__cause__, "errors", lambda: [])() if e.get("input")]
        norm_article = normalize(text)[0]
        mismatch_only = bool(bad) and all(normalize(q)[0] in norm_article for q in bad)
    return {"ok": ok, "calls": len(ledger.calls), "prompt": ledger.prompt_tokens,
            "completion": ledger.completion_tokens, "lost_to_quote_marks": mismatch_only}


def run_brief(settings: Settings, text: str, published: str) -> dict[str, Any]:
    brief = Summarizer(settings).summarize(text, published=published)
    shown = [p for p in brief.positions if p.quote]
    ok = all(p.quote_verified and p.quote_span and p.quote_span.of(text) == p.quote for p in shown)
    return {"ok": ok, "calls": brief.meta.calls, "prompt": brief.meta.prompt_tokens,
            "completion": brief.meta.completion_tokens, "lost_to_quote_marks": False}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8765/v1")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4_k_m")
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--reasks", type=int, default=3, help="instructor re-asks (its usual setting)")
    args = parser.parse_args()
    settings = Settings(base_url=args.base_url, api_key="not-needed", model=args.model, mode="tools", timeout=600)

    totals: dict[str, dict[str, float]] = {}
    print(f"{'article':12} {'strategy':10} {'valid':>5} {'calls':>5} {'prompt':>7} {'compl':>6} {'secs':>6}")
    for name, text, published in articles(args.articles):
        for strategy in ("instructor", "brief"):
            started = time.perf_counter()
            row = run_instructor(settings, text, published, args.reasks) if strategy == "instructor" \
                else run_brief(settings, text, published)
            seconds = time.perf_counter() - started
            t = totals.setdefault(strategy, {"briefs": 0, "valid": 0, "calls": 0, "prompt": 0, "completion": 0,
                                             "lost_to_quote_marks": 0})
            t["briefs"] += 1
            for key in ("calls", "prompt", "completion"):
                t[key] += row[key]
            t["valid"] += row["ok"]
            t["lost_to_quote_marks"] += row["lost_to_quote_marks"]
            print(f"{name:12} {strategy:10} {row['ok']!s:>5} {row['calls']:>5} {row['prompt']:>7} "
                  f"{row['completion']:>6} {seconds:>6.1f}", flush=True)
    print()
    print(f"{'strategy':10} {'valid':>9} {'calls/valid':>12} {'tokens/valid':>13} {'lost to quote marks':>20}")
    for strategy, t in totals.items():
        valid = max(1, t["valid"])
        print(f"{strategy:10} {int(t['valid']):>4}/{int(t['briefs']):<4} {t['calls'] / valid:>12.2f} "
              f"{(t['prompt'] + t['completion']) / valid:>13.0f} {int(t['lost_to_quote_marks']):>20}")


if __name__ == "__main__":
    main()
