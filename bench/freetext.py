"""What the free-text check (``summarizer/freetext.py``) costs per brief, on the sample and the dev articles.

Each article gets a brief-sized set of free-text items (a headline, a summary, five events, four stances,
three questions: fourteen items, built from the article's own sentences so every check runs in full),
checked as ``finish_brief`` checks them. Prints milliseconds per brief: the median of repeated runs.

    python bench/freetext.py
"""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

from summarizer.freetext import check_free_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "articles" / "us-strikes-iraq-syria-2024-02-02.txt"
DEV = ROOT.parent / "shared" / "eval" / "giveme5w1h-dev"
REPEATS = 20


def _items(text: str) -> list[tuple[str, str]]:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20] or [text[:200]]
    pick = [sentences[i % len(sentences)] for i in range(14)]
    names = ["headline", "summary"] + [f"what {n}" for n in range(1, 6)]
    names += [f"stance of speaker {n}" for n in range(1, 5)] + [f"open question {n}" for n in range(1, 4)]
    return list(zip(names, pick, strict=True))


def _ms(text: str, published: str | None) -> float:
    items = _items(text)
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        check_free_text(items, text, published=published)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    articles = [("sample", SAMPLE.read_text(encoding="utf-8"), "2024-02-02")]
    for path in sorted(DEV.glob("*.json")) if DEV.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles.append((path.stem[:12], data["text"], (data.get("date_publish") or "")[:10] or None))
    figures = []
    for name, text, published in articles:
        ms = _ms(text, published)
        figures.append(ms)
        print(f"{name:14} {len(text):7,} chars  {ms:6.2f} ms per brief")
    print(f"{len(figures)} articles: median {statistics.median(figures):.2f} ms, max {max(figures):.2f} ms per brief")


if __name__ == "__main__":
    main()
