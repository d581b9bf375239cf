"""Positions from the article's quoted passages: every attributed quote, short ones too, grouped by speaker."""

from __future__ import annotations

from summarizer.grounding.check import Grounded, complete_from_article, grouped_by_speaker
from summarizer.schema import Position

ARTICLE = (
    "Senator Jane Doe called the bill “reckless,” and said it was “a gift to lobbyists.”\n"
    "Governor John Roe disagreed. “It will pass this week,” Roe said on “Fox and Friends.”\n"
    "Doe later added: “We will fight it.”"
)


def test_every_attributed_quote_becomes_a_position_one_word_ones_too_but_not_a_title() -> None:
    out = Grounded(who=[], where=[], when=[], positions=[])
    complete_from_article(ARTICLE, out)
    quotes = [(p.actor, p.quote) for p in out.positions]
    assert ("Senator Jane Doe", "reckless,") in quotes or ("Jane Doe", "reckless,") in quotes
    assert all(q != "Fox and Friends." for _, q in quotes)
    assert all(p.quote_verified and p.quote_span and p.quote_span.of(ARTICLE) == p.quote for p in out.positions)
    assert len(out.positions) == 4


def test_positions_are_grouped_by_speaker_in_the_order_they_are_first_named() -> None:
    positions = [Position(actor=a, stance=s) for a, s in
                 (("Jane Doe", "1"), ("John Roe", "2"), ("Doe", "3"), ("Governor John Roe", "4"))]
    assert [p.stance for p in grouped_by_speaker(positions)] == ["1", "3", "2", "4"]
