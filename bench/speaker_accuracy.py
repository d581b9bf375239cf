"""How often speaker_of names the right speaker of a direct quote (polnear-dev).

For every attribution whose content holds a passage in quotation marks, the first such
passage (its words, marks excluded) is the span; the gold speaker is the annotated
source. Gold sources fall in three groups:

* named ('Trump', 'House Speaker Paul D. Ryan (R-Wis.)'): correct when
  ``same_actor(predicted, gold)``;
* pronouns ('he', 'she', 'it', 'they', 'who'): the annotation does not resolve them,
  so the reference is the nearest named source annotated before the pronoun in the
  same article (the speaker the pronoun most likely continues); correct when
  ``same_actor(predicted, reference)``; when there is none the quote is skipped;
* unnamed descriptions ('a source', 'the announcer', 'Small groups of protesters'):
  reported apart; the right answer there is usually ``None``.

Accuracy = correct / predicted, coverage = predicted / quotes.
Run: ``.venv/bin/python bench/speaker_accuracy.py [path/to/polnear-dev.jsonl] [-v]``
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared_data import POLNEAR_DEV

from summarizer.evaluation.attribution import quote_in as quote_span
from summarizer.evaluation.attribution import source_kind as kind_of
from summarizer.grounding.speakers import same_actor, speaker_of

DATA = POLNEAR_DEV  # ../shared beside the project root


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    path = Path(args[0]) if args else DATA
    rows = [json.loads(line) for line in path.open()]
    tally: dict[str, Counter] = {k: Counter() for k in ("named", "pronoun", "unnamed")}
    elapsed, calls = 0.0, 0
    for row in rows:
        text = row["text"]
        atts = [a for a in row["attributions"] if a.get("source") and a["source"].get("spans")]
        for att in atts:
            content = att.get("content") or {}
            span = quote_span(text, content.get("spans") or [])
            if span is None:
                continue
            gold = att["source"]["text"].strip()
            kind = kind_of(gold, text)
            reference = gold
            if kind == "pronoun":
                at = att["source"]["spans"][0][0]
                earlier = [
                    (a["source"]["spans"][0][0], a["source"]["text"])
                    for a in atts
                    if a["source"]["spans"][0][0] < at
                    and kind_of(a["source"]["text"].strip(), text) == "named"
                ]
                if not earlier:
                    tally[kind]["skipped"] += 1
                    continue
                reference = max(earlier)[1]
            started = time.perf_counter()
            predicted = speaker_of(text, span)
            elapsed += time.perf_counter() - started
            calls += 1
            t = tally[kind]
            t["quotes"] += 1
            if predicted is None:
                if verbose and kind != "unnamed":
                    print(f"NONE  [{kind}] gold={reference!r}  quote={span.of(text)[:60]!r}")
                continue
            t["predicted"] += 1
            if kind != "unnamed" and same_actor(predicted, reference):
                t["correct"] += 1
            elif kind == "unnamed" and same_actor(predicted, gold):
                t["correct"] += 1
            elif verbose:
                quote = span.of(text)[:60]
                print(f"WRONG [{kind}] gold={reference!r} predicted={predicted!r}  quote={quote!r}")
    print(f"{calls} quotes in {len(rows)} articles, {1000 * elapsed / max(calls, 1):.2f} ms per speaker_of")
    for kind, t in tally.items():
        q, p, c = t["quotes"], t["predicted"], t["correct"]
        extra = f", {t['skipped']} skipped (no named source before)" if t["skipped"] else ""
        print(
            f"{kind:>8}: {q:4d} quotes, coverage {p / max(q, 1):.3f}, accuracy {c / max(p, 1):.3f}, "
            f"correct/all {c / max(q, 1):.3f}{extra}"
        )
    q = sum(tally[k]["quotes"] for k in ("named", "pronoun"))
    p = sum(tally[k]["predicted"] for k in ("named", "pronoun"))
    c = sum(tally[k]["correct"] for k in ("named", "pronoun"))
    print(
        f"named+pronoun: {q} quotes, coverage {p / q:.3f}, accuracy {c / max(p, 1):.3f}, "
        f"correct/all {c / q:.3f}"
    )
    u = tally["unnamed"]
    print(f"unnamed sources: speaker_of returned None for {1 - u['predicted'] / max(u['quotes'], 1):.3f}")


if __name__ == "__main__":
    main()
