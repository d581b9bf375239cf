"""Pick FUZZY_THRESHOLD for find_quote from real quotes and model-style corruptions.

Quotes: the passages inside quotation marks within the attribution contents of
polnear-dev (12-300 characters, at least three words). For each quote we make:

* ``marks``     quote marks swapped to straight single ones, curly apostrophes
                straightened, final period dropped           -> must be 'normalised'
* ``word``      one word replaced by a word from elsewhere   -> near-verbatim, accept
* ``drop``      one word dropped                             -> near-verbatim, accept
* ``paraphrase`` 30% of words (at least 3) replaced, one dropped -> reject
* ``fabricated`` a quote from a different article             -> reject

and record the score find_quote gives with ``min_score=0``. Run:
``.venv/bin/python bench/quote_threshold.py [path/to/polnear-dev.jsonl]``
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared_data import POLNEAR_DEV

from summarizer.grounding.normalize import normalized
from summarizer.grounding.spans import find_quote, quoted_regions

DATA = POLNEAR_DEV  # ../shared beside the project root
NEAR = ("word", "drop")
FAR = ("paraphrase", "fabricated")


def direct_quotes(rows: list[dict]) -> list[tuple[int, str]]:
    """(row index, quoted words) for every quoted passage inside an attribution content."""
    out: dict[tuple[int, str], None] = {}
    for k, row in enumerate(rows):
        text = row["text"]
        regions = quoted_regions(text)
        for att in row["attributions"]:
            content = att.get("content") or {}
            for cs, ce in content.get("spans") or []:
                for a, b in regions:
                    if cs <= a and b <= ce:
                        q = text[a + 1 : b].strip()
                        if 12 <= len(q) <= 300 and len(q.split()) >= 3:
                            out[(k, q)] = None
    return list(out)


def corrupt(q: str, kind: str, rng: random.Random, vocab: list[str], others: list[str]) -> str:
    words = q.split()
    if kind == "marks":
        return "'" + q.replace("’", "'").replace("“", '"').replace("”", '"').rstrip(".") + "'"
    if kind == "word":
        i = rng.randrange(len(words))
        words[i] = rng.choice([w for w in vocab if w.lower() != words[i].lower()][:50] or ["thing"])
        return " ".join(words)
    if kind == "drop":
        del words[rng.randrange(len(words))]
        return " ".join(words)
    if kind == "paraphrase":
        n = max(3, round(0.3 * len(words)))
        for i in rng.sample(range(len(words)), min(n, len(words))):
            words[i] = rng.choice(vocab)
        if len(words) > 4:
            del words[rng.randrange(len(words))]
        return " ".join(words)
    return rng.choice(others)


def foreign_quotes(text: str, quotes: list[tuple[int, str]], k: int) -> list[str]:
    """Quotes of other articles that do not occur in this one (some articles share text)."""
    norm = normalized(text)[0]
    return [o for j, o in quotes if j != k and normalized(o)[0] not in norm]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    rows = [json.loads(line) for line in path.open()]
    quotes = direct_quotes(rows)
    rng = random.Random(7)
    vocab = sorted({w for _, q in quotes for w in q.split() if w.isalpha() and len(w) > 2})
    rng.shuffle(vocab)
    scores: dict[str, list[tuple[str, float]]] = {k: [] for k in ("marks", *NEAR, *FAR)}
    elapsed = 0.0
    for k, q in quotes:
        text = rows[k]["text"]
        others = foreign_quotes(text, quotes, k)
        for kind in scores:
            variant = corrupt(q, kind, rng, vocab, others)
            started = time.perf_counter()
            m = find_quote(text, variant, min_score=0)
            elapsed += time.perf_counter() - started
            scores[kind].append((m.status, m.score if m.span else 0.0))
    calls = len(quotes) * len(scores)
    print(
        f"{len(quotes)} quotes from {len(rows)} articles; {calls} find_quote calls, "
        f"{1000 * elapsed / calls:.2f} ms each on average"
    )
    marks = scores["marks"]
    print(
        f"marks: {sum(s == 'normalised' for s, _ in marks)}/{len(marks)} normalised, "
        f"{sum(s == 'exact' for s, _ in marks)} exact (the article itself uses straight single quotes), "
        f"{sum(s not in ('exact', 'normalised') for s, _ in marks)} other"
    )
    print("threshold  " + "  ".join(f"{k:>10}" for k in (*NEAR, *FAR)) + "   recall  precision")
    for t in (70, 75, 80, 85, 87, 88, 89, 90, 91, 92, 93, 95):
        rate = {k: sum(v >= t for _, v in scores[k]) / len(scores[k]) for k in (*NEAR, *FAR)}
        tp = sum(v >= t for k in NEAR for _, v in scores[k])
        fp = sum(v >= t for k in FAR for _, v in scores[k])
        recall = tp / sum(len(scores[k]) for k in NEAR)
        precision = tp / (tp + fp) if tp + fp else 1.0
        print(
            f"{t:>9}  "
            + "  ".join(f"{rate[k]:>10.3f}" for k in (*NEAR, *FAR))
            + f"   {recall:.3f}   {precision:.3f}"
        )


if __name__ == "__main__":
    main()
