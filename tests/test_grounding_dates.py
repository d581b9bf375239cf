"""Dates the model names are located in the article; a masthead in capitals is not a date."""

from __future__ import annotations

from datetime import date

from summarizer.grounding.check import ground
from summarizer.schema import ActorDraft, BriefDraft, DateMentionDraft

MASTHEAD = "LONDON (USA TODAY) — Toblerone changed the shape of its bars in the UK, maker Mondelez said on Tuesday."
ARTICLE = MASTHEAD + "\nFans reacted angrily today on social media."


def _draft(*mentions: str) -> BriefDraft:
    return BriefDraft.model_construct(
        headline="Toblerone changes its shape", summary="Mondelez changed the shape of Toblerone bars in the UK.",
        who=[ActorDraft.model_construct(name="Mondelez", kind="organisation", role=None)],
        what=[], where=[], positions=[], open_questions=[],
        when=[DateMentionDraft.model_construct(mention=m, event=None) for m in mentions],
    )


def test_a_date_word_inside_a_name_in_capitals_is_dropped_and_the_real_date_comes_first() -> None:
    grounded = ground(_draft("TODAY", "Tuesday"), MASTHEAD, date(2016, 11, 9))
    assert [(d.mention, d.date) for d in grounded.when] == [("Tuesday", "2016-11-08")]
    assert any("dropped date 'TODAY': part of a name in capitals" in w for w in grounded.warnings)


def test_the_same_word_in_running_text_is_still_a_date() -> None:
    grounded = ground(_draft("TODAY"), ARTICLE, date(2016, 11, 9))  # the model's capitals, the article's word
    assert [(d.mention, d.date) for d in grounded.when] == [("Tuesday", "2016-11-08"), ("today", "2016-11-09")]
    assert not grounded.warnings  # the masthead is not found as a date either, and nothing was dropped
