"""The article index: each structure found once per article, and the same answers as a fresh scan.

``bench/grounding_time.py --compare`` checks the whole grounding output against the code before the
index on every dev and fixture article; these tests hold the index's own promises.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

import summarizer.grounding.index as index_module
from summarizer.grounding.check import apply_repairs, complete_from_article, give_up_on_failures, ground
from summarizer.grounding.index import ArticleIndex, as_index
from summarizer.grounding.spans import find_all, find_quote, inside_quotation_marks
from summarizer.grounding.speakers import speaker_of
from summarizer.schema import ActorDraft, BriefDraft, DateMentionDraft, PositionDraft, Span

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]
    texts += [
        json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((ARTICLES / "giveme5w1h").glob("*.json"))
    ]
    lines = (ARTICLES / "polnear" / "polnear-dev-sample.jsonl").read_text(encoding="utf-8").splitlines()
    texts += [json.loads(line)["text"] for line in lines]
    return texts


TEXTS = _texts()


def test_there_are_articles_to_check() -> None:
    assert len(TEXTS) >= 15


@pytest.mark.parametrize("text", TEXTS[:8])
def test_masked_units_and_unit_lookup_match_a_plain_scan(text: str) -> None:
    index = ArticleIndex(text)
    units = index.units
    assert units and all(a.end <= b.start for a, b in pairwise(units))
    for i, unit in enumerate(units):
        chars = list(text[unit.start : unit.end])
        for a, b in index.quoted_regions:
            for k in range(a, b + 1):
                if unit.start <= k < unit.end:
                    chars[k - unit.start] = "#"
        assert index.masked(i) == "".join(chars)
    for pos in range(0, len(text), 37):
        linear = next((i for i, u in enumerate(units) if u.start <= pos < u.end), len(units) - 1)
        assert index.unit_at(pos) == linear


@pytest.mark.parametrize("text", TEXTS[:8])
def test_a_shared_index_answers_as_a_fresh_one_for_every_check(text: str) -> None:
    shared = ArticleIndex(text)
    for a, b in shared.quoted_regions:
        span = Span(start=a + 1, end=max(a + 2, b))
        words = text[a + 1 : b]
        assert speaker_of(shared, span) == speaker_of(ArticleIndex(text), span)
        assert inside_quotation_marks(shared, span) == inside_quotation_marks(ArticleIndex(text), span)
        if len(words) >= 12:
            assert find_quote(shared, words.lower()) == find_quote(ArticleIndex(text), words.lower())
    for name in dict.fromkeys(re.findall(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?", text)[:20]):
        assert find_all(shared, name) == find_all(ArticleIndex(text), name)


def test_grounding_a_draft_scans_the_article_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names and dates are found once for all checks (the scanners are the index module's public imports)."""
    calls = {"name_runs": 0, "find_date_mentions": 0}
    for name in calls:
        real = getattr(index_module, name)

        def counted(text: str, real=real, name=name):  # type: ignore[no-untyped-def]
            calls[name] += 1
            return real(text)

        monkeypatch.setattr(index_module, name, counted)
    text = (ARTICLES / "us-strikes-iraq-syria-2024-02-02.txt").read_text(encoding="utf-8")
    quotes = re.findall(r"“([^”]{12,})”", text)
    draft = BriefDraft(
        headline="US strikes in Iraq and Syria",
        summary="The United States struck targets in Iraq and Syria.",
        who=[ActorDraft(name="John Kirby", kind="person"), ActorDraft(name="Joe Biden", kind="person")],
        what=["strikes"],
        where=["Iraq", "Syria"],
        when=[DateMentionDraft(mention="Friday", event="strikes")],
        positions=[PositionDraft(actor="Joe Biden", stance="a stance", quote=q.lower()) for q in quotes[:4]]
        + [PositionDraft(actor="Someone", stance="a stance", quote="words that are nowhere in the article")],
        open_questions=[],
    )
    index = ArticleIndex(text)
    grounded = ground(draft, index, None)
    apply_repairs(index, grounded, {f.index: quotes[0] for f in grounded.failures})
    give_up_on_failures(grounded)
    complete_from_article(index, grounded)
    assert grounded.positions and grounded.who and grounded.when
    assert calls == {"name_runs": 1, "find_date_mentions": 1}


def test_text_callers_share_one_index_per_text() -> None:
    text = TEXTS[0]
    assert as_index(text) is as_index(text)
    own = ArticleIndex(text)
    assert as_index(own) is own
