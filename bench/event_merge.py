"""How long the code part of an event brief takes: the merge of each dev event (no model).

Each Giveme5W1H dev category is one event; its articles get the recorded briefs when given
(``--briefs``), else an empty brief each (the merge's code-only parts still run: figures, times,
dates, quotes, spellings). Prints, per event: articles, merge seconds (fastest of ``--repeat``),
and how many disagreements, only-in items and quotes it found.

    python bench/event_merge.py [--briefs fixtures/events/giveme5w1h-dev-briefs.jsonl] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from summarizer.event.inputs import load_articles, read_briefs
from summarizer.event.merge import merge_event
from summarizer.event.sources import Source
from summarizer.schema import Brief, Meta

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "giveme5w1h-dev"
EMPTY = Meta(model="-", endpoint="-", mode="-", prompt_id="-", prompt_version="-")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--briefs", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    recorded = read_briefs(args.briefs) if args.briefs else {}
    print(f"{'event':<18} {'arts':>4} {'merge s':>8} {'disagr':>6} {'only-in':>7} {'quotes':>6}")
    for name, articles in sorted(load_articles([str(DEV)], "category").items()):
        best, event = float("inf"), None
        for _ in range(args.repeat):
            sources = [Source(f"s{i + 1}", a, recorded.get(Path(a.origin).stem) or Brief(
                headline=a.title or "-", summary="-", meta=EMPTY)) for i, a in enumerate(articles)]
            started = time.perf_counter()
            event = merge_event(sources)  # a fresh Source each run: the article index is built inside
            best = min(best, time.perf_counter() - started)
        assert event is not None
        quotes = sum(len(p.quotes) for p in event.positions)
        print(f"{name:<18} {len(articles):>4} {best:>8.2f} {len(event.disagreements):>6} {len(event.only_in):>7} "
              f"{quotes:>6}")


if __name__ == "__main__":
    main()
