"""Positions built from the article's quoted passages, scored against PolNeAR dev (no model).

Two figures, both by ``brief eval``'s own rules (``summarizer.evaluation.attribution.score_brief``):

* **code alone**: every article of polnear-dev (first annotator of each, as ``brief eval`` reads it),
  briefed with no model answer at all — the positions are what grounding builds from the quoted
  passages and their attributed speakers (``check.complete_from_article`` on an empty draft);
* **recorded briefs**: the four recorded model briefs of ``tests/test_eval_attribution.py``
  (``fixtures/cassettes/test_eval_attribution``) replayed through today's code (needs ``vcrpy``,
  a dev dependency; skipped without it).

Prints quote recall and speaker accuracy on the matched quotes, pooled, and the share by gold
source kind. Run: ``.venv/bin/python bench/quote_positions.py [path/to/polnear-dev.jsonl] [-v]``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared_data import POLNEAR_DEV

from summarizer.evaluation.attribution import AttributedArticle, load_polnear, score_brief
from summarizer.grounding.check import Grounded, add_missed_quotes, complete_from_article, quoted_passages
from summarizer.schema import Brief, Meta

ROOT = Path(__file__).resolve().parents[1]



def code_alone(article: AttributedArticle, min_confidence: float = 0.0) -> Brief:
    grounded = Grounded(who=[], where=[], when=[], positions=[])
    if min_confidence:
        add_missed_quotes(article.text, grounded, quoted_passages(article.text), min_confidence=min_confidence)
    else:
        complete_from_article(article.text, grounded)  # what a brief does
    meta = Meta(model="none", endpoint="none", mode="none", prompt_id="none", prompt_version="0")
    return Brief(headline="", summary="", positions=grounded.positions, meta=meta)


def pooled(rows: list[dict]) -> str:
    gold = sum(r["gold_quotes"] for r in rows)
    found = sum(r["found"] for r in rows)
    matched = sum(r["matched"] for r in rows)
    right = sum(r["right"] for r in rows)
    unmatched = sum(r["unmatched"] for r in rows)
    return (
        f"quote recall {found / max(gold, 1):.3f} ({found}/{gold}), speaker accuracy "
        f"{right / max(matched, 1):.3f} ({right}/{matched}), unmatched {unmatched}, "
        f"positions/article {sum(r['verified_quotes'] for r in rows) / max(len(rows), 1):.1f}"
    )


def recorded_briefs() -> list[tuple[AttributedArticle, Brief]] | None:
    try:
        import vcr  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return None
    from recorded_briefs import polnear_briefs

    return list(polnear_briefs())


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    articles = load_polnear(Path(args[0]) if args else POLNEAR_DEV)
    rows = [score_brief(a, code_alone(a)) for a in articles]
    print(f"code alone, {len(articles)} PolNeAR dev articles: {pooled(rows)}")
    if verbose:
        for row in rows:
            for wrong in row["wrong"]:
                print(f"  WRONG {row['id'][:40]}: {wrong['actor']!r} for {wrong['gold']!r}: {wrong['quote'][:60]!r}")
    for floor in (0.4, 0.6, 0.9):  # only speakers found in ways right at least this often (speakers.CONFIDENCE)
        rows = [score_brief(a, code_alone(a, floor)) for a in articles]
        print(f"  code alone, speaker confidence >= {floor}: {pooled(rows)}")
    recorded = recorded_briefs()
    if recorded is None:
        print("recorded briefs: skipped (vcrpy not installed)")
        return
    rows = [score_brief(a, b) for a, b in recorded]
    print(f"recorded briefs replayed, {len(rows)} articles: {pooled(rows)}")
    rows = [score_brief(a, code_alone(a)) for a, _ in recorded]
    print(f"code alone on the same {len(rows)} articles: {pooled(rows)}")


if __name__ == "__main__":
    main()
