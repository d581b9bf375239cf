"""Long articles: split on paragraph (or sentence) boundaries, briefed part by part, merged into one brief.

The first test replays a real run of the embedded model on a 25,602-character Daily Mail story
(giveme5w1h ``b1c14ee2…``, one scraped paragraph), which does not fit one call's budget at the
recorded server's 8,192-token window: two parts and one merge call. Cassette:
``fixtures/cassettes/test_long_article/``. The 16× test serves recorded answers from a loopback
stub (``fake_openai``): the sample's recorded brief for every part, the recorded merge answer last.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest
from conftest import RECORDED_PROMPT, load_eval_article
from fake_openai import SAMPLE_CASSETTE, Reply, completion_with_tool_call, fake_openai, recorded_arguments, recorded_ok

from summarizer.chunking import Part, article_budget, estimate_tokens, split_article
from summarizer.merge import BriefLead, merge_grounded, shift
from summarizer.pipeline import Summarizer
from summarizer.schema import Brief

LONG = "b1c14ee2e6dbb2eb6b70d916cc54e19d9286c2c8646f81972ab655f4.json"  # dailymail, trump and obama
LONG_CASSETTE = "test_long_article/test_a_long_article_is_briefed_in_parts_and_merged.yaml"


@pytest.fixture
def long_settings(replay_settings):
    # The recording server is shared and answers one request at a time: wait for it rather than retry.
    return replace(replay_settings, timeout=900.0, deadline=3600.0)


def assert_spans_point_into(brief: Brief, text: str) -> None:
    for position in brief.positions:
        if position.quote_verified:
            assert position.quote_span is not None and position.quote_span.of(text) == position.quote
        else:
            assert position.quote is None
        for span in position.actor_evidence:
            assert span.of(text).strip()
    for actor in brief.who:
        assert actor.evidence and all(span.of(text).strip() for span in actor.evidence)
    for place in brief.where:
        assert place.evidence and all(span.of(text).casefold() == place.name.casefold() for span in place.evidence)
    for mention in brief.when:
        assert all(span.of(text).casefold() == mention.mention.casefold() for span in mention.evidence)


@pytest.mark.vcr
def test_a_long_article_is_briefed_in_parts_and_merged(long_settings) -> None:
    data = load_eval_article(LONG)
    text = data["text"]
    parts = split_article(text, article_budget(long_settings))
    assert len(parts) == 2

    brief = Summarizer(long_settings).summarize(text, published=data["date_publish"][:10], source="dailymail")

    assert brief.meta.parts == 2
    assert brief.meta.calls >= 3  # a brief per part, one merge
    assert brief.meta.prompt_version.endswith("+merge.1")
    assert brief.headline and brief.summary
    assert_spans_point_into(brief, text)
    # Items found in the second part carry spans into the second half of the whole article.
    spans = [s for a in brief.who for s in a.evidence] + [p.quote_span for p in brief.positions if p.quote_span]
    assert any(span.start >= parts[0].end for span in spans)


# --- Splitting ------------------------------------------------------------------------


def test_an_article_that_fits_is_one_part(sample_text: str) -> None:
    assert split_article(sample_text, 5000) == [Part(0, len(sample_text))]


def test_parts_fit_the_budget_and_cover_the_article_on_paragraph_boundaries(sample_text: str) -> None:
    parts = split_article(sample_text, 300)
    assert len(parts) > 1
    assert all(estimate_tokens(p.of(sample_text)) <= 300 for p in parts)
    assert parts[0].start == 0 and parts[-1].end == len(sample_text)
    for before, after in itertools.pairwise(parts):
        assert after.start <= before.end + 1  # nothing skipped (at most the newline between them)
        assert sample_text[before.end] == "\n" and (after.start == 0 or sample_text[after.start - 1] == "\n")


def test_consecutive_parts_overlap_by_a_paragraph_when_it_is_small(sample_text: str) -> None:
    parts = split_article(sample_text, 300, overlap_tokens=60)
    assert any(after.start < before.end for before, after in itertools.pairwise(parts))


def test_a_paragraph_over_budget_splits_on_sentences() -> None:
    text = load_eval_article(LONG)["text"]  # one 25,602-character paragraph
    parts = split_article(text, 2000)
    assert len(parts) >= 4
    for part in parts[:-1]:
        assert text[part.end - 1] in ".!?'\"”’" or text[part.end - 1].isalnum()
        assert estimate_tokens(part.of(text)) <= 2000


def test_parts_are_balanced_not_a_full_part_and_a_scrap(sample_text: str) -> None:
    text = "\n".join([sample_text] * 5)
    parts = split_article(text, estimate_tokens(text) * 3 // 4)
    sizes = [estimate_tokens(p.of(text)) for p in parts]
    assert len(parts) == 2 and min(sizes) > max(sizes) / 2


# --- Merging --------------------------------------------------------------------------


def test_sixteen_times_the_sample_is_one_merged_brief_with_spans_into_the_whole(sample_text, replay_settings):
    text = "\n\n".join([sample_text] * 16)
    parts = split_article(text, article_budget(replay_settings))
    lead = recorded_arguments(LONG_CASSETTE, tool="BriefLead")
    replies = [recorded_ok(SAMPLE_CASSETTE) for _ in parts] + [
        Reply(200, completion_with_tool_call(lead, name="BriefLead"), name="recorded merge answer")
    ]
    with fake_openai(replies) as server:
        settings = replace(replay_settings, base_url=server.url, prompt=RECORDED_PROMPT)
        brief = Summarizer(settings).summarize(text, published="2024-02-02", source="sample x16")

    assert 1 < len(parts) == brief.meta.parts
    assert brief.meta.calls == len(parts) + 1 == len(server.requests)
    assert brief.headline == json.loads(lead)["headline"]
    assert_spans_point_into(brief, text)
    # One entry per actor, with evidence in every copy of the article.
    names = [a.name for a in brief.who]
    assert len(names) == len(set(names))
    kirby = next(a for a in brief.who if a.name == "John Kirby")  # named in every copy
    copies = {span.start // (len(sample_text) + 2) for span in kirby.evidence}
    assert copies == set(range(16))
    # Dates merge by mention and resolved day; each keeps its spans in all 16 copies.
    friday = next(d for d in brief.when if d.mention == "this Friday (2)")
    assert friday.date == "2024-02-02" and len({s.start // (len(sample_text) + 2) for s in friday.evidence}) == 16
    # Positions: the same speaker's same words (the 16 copies) are one position, grounded in the first copy.
    quotes = [(p.actor, p.quote) for p in brief.positions if p.quote]
    assert len(quotes) == len(set(quotes))


def test_each_part_request_carries_only_its_part(sample_text, replay_settings):
    text = "\n\n".join([sample_text] * 16)
    parts = split_article(text, article_budget(replay_settings))
    lead = recorded_arguments(LONG_CASSETTE, tool="BriefLead")
    replies = [recorded_ok(SAMPLE_CASSETTE) for _ in parts] + [
        Reply(200, completion_with_tool_call(lead, name="BriefLead"), name="recorded merge answer")
    ]
    with fake_openai(replies) as server:
        Summarizer(replace(replay_settings, base_url=server.url, prompt=RECORDED_PROMPT)).summarize(
            text, published="2024-02-02")
    sizes = [len(json.dumps(r["json"]["messages"])) for r in server.requests]
    assert max(sizes[:-1]) < len(text) / (len(parts) - 1)
    assert sizes[-1] < 4000  # the merge call sees the parts' briefs, not the article


def test_a_failed_merge_call_keeps_part_one_lead_with_a_warning(sample_text, replay_settings):
    text = "\n\n".join([sample_text] * 16)
    parts = split_article(text, article_budget(replay_settings))
    replies = [recorded_ok(SAMPLE_CASSETTE) for _ in parts] + [Reply(400, {"error": {"message": "bad (injected)"}})]
    with fake_openai(replies) as server:
        settings = replace(replay_settings, base_url=server.url, max_retries=0, prompt=RECORDED_PROMPT)
        brief = Summarizer(settings).summarize(text)
    assert brief.headline == json.loads(recorded_arguments(SAMPLE_CASSETTE))["headline"]
    assert any("headline for the whole article failed" in w for w in brief.meta.warnings)


def test_shifted_spans_land_on_the_same_words_in_the_whole_article(sample_text):
    from summarizer.grounding.check import ground
    from summarizer.schema import BriefDraft

    draft = BriefDraft.model_validate_json(recorded_arguments(SAMPLE_CASSETTE))
    text = "Preface paragraph.\n" + sample_text
    part = Part(len("Preface paragraph.\n"), len(text))
    moved = shift(ground(draft, part.of(text), None), part.start)
    merged = merge_grounded([moved])
    for actor in merged.who:
        for span in actor.evidence:
            assert span.of(text) == span.model_copy(update={"start": span.start - part.start,
                                                             "end": span.end - part.start}).of(sample_text)


def test_the_merge_answer_model_is_small() -> None:
    assert set(BriefLead.model_fields) == {"headline", "summary"}
