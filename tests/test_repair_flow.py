"""Repair before re-ask, driven through the I/O-free flow (no server, no model).

The draft is the real model's recorded answer for the sample; the faults injected into it
(a reporter's sentence passed off as a quote, a quote pinned on the wrong speaker, a
quote with its quote marks changed) are hand-made and named as such.
"""

from __future__ import annotations

import json

from fake_openai import recorded_arguments

from summarizer.flow import Conversation, Question
from summarizer.pipeline import brief_flow
from summarizer.repair import QuoteRepair, QuoteRepairs
from summarizer.schema import BriefDraft

SAMPLE_CASSETTE = "recorded-v3/sample.yaml"
NARRATIVE = "The American air raid carried out this Friday was in retaliation for the drone attack"
BIDEN = "will continue at times and places of our choosing."

# A stance of a sentence: a bare label ("a violation") with nothing behind it is dropped (quality.py).
STANCE = "the strikes are a violation of sovereignty"

def recorded_draft(**changes: object) -> BriefDraft:
    data = json.loads(recorded_arguments(SAMPLE_CASSETTE))
    data.update(changes)
    return BriefDraft.model_validate(data)


def _with_positions(*positions: dict[str, object]) -> BriefDraft:
    return recorded_draft(positions=list(positions))


def run(draft: BriefDraft, text: str, repair: QuoteRepairs | None = None, repair_calls: int = 1):
    """Drive the flow: answer the first question with ``draft``, a repair question with ``repair``."""
    questions: list[Question] = []
    conversation = Conversation(brief_flow(text, None, repair_calls))
    step = conversation.start()
    answers = iter([draft, repair])
    while isinstance(step, Question):
        questions.append(step)
        step = conversation.send(next(answers))
    return step, questions


def test_a_verbatim_draft_needs_no_second_call(sample_text: str) -> None:
    outcome, questions = run(recorded_draft(), sample_text)
    assert len(questions) == 1
    assert not outcome.grounded.failures


def test_quote_marks_swapped_by_the_model_are_normalised_not_re_asked(sample_text: str) -> None:
    # Fault (hand-made): curly double quotes turned into straight single ones, as the model did.
    draft = _with_positions({"actor": "Joe Biden", "stance": "more strikes", "quote": f"'{BIDEN}'"})
    outcome, questions = run(draft, sample_text)
    position = outcome.grounded.positions[0]
    assert len(questions) == 1
    assert position.quote_verified and position.quote == BIDEN
    assert position.quote_span.of(sample_text) == BIDEN


def test_a_given_up_quote_is_replaced_by_the_speakers_real_words(sample_text: str) -> None:
    draft = _with_positions({"actor": "Iraqi military", "stance": "a violation of sovereignty", "quote": NARRATIVE})
    outcome, _ = run(draft, sample_text, repair=None)
    position = outcome.grounded.positions[0]
    assert position.quote_verified and position.quote == "a violation of the country's sovereignty"


def test_a_misattributed_quote_is_given_to_its_real_speaker(sample_text: str) -> None:
    # Fault (hand-made): Biden's words pinned on the United States, as seen with the real model.
    draft = _with_positions({"actor": "United States", "stance": "more strikes", "quote": BIDEN})
    outcome, _ = run(draft, sample_text)
    position = outcome.grounded.positions[0]
    assert "Biden" in position.actor
    assert any("re-attributed" in w for w in outcome.grounded.warnings)


def test_a_reporters_sentence_is_re_asked_for_that_item_only(sample_text: str) -> None:
    # Fault (hand-made): the reporter's narrative returned as a quote of the United States.
    draft = _with_positions(
        {"actor": "Joe Biden", "stance": "more strikes", "quote": BIDEN},
        {"actor": "United States", "stance": "the raid was retaliation", "quote": NARRATIVE},
    )
    conversation = Conversation(brief_flow(sample_text, None, 1))
    conversation.start()
    step = conversation.send(draft)
    assert isinstance(step, Question) and step.response_model is QuoteRepairs and step.optional
    request = step.messages[-1]["content"]
    assert NARRATIVE in request and "reporter's words" in request
    assert BIDEN not in request  # the verified item is not sent back
    assert len(step.messages) == 3  # system, article, the failing items: not the whole first answer


def test_a_repaired_quote_is_verified_and_reported(sample_text: str) -> None:
    draft = _with_positions({"actor": "Iraqi military", "stance": STANCE, "quote": NARRATIVE})
    # Repair answer (hand-made): the model copies the real quoted words this time.
    repair = QuoteRepairs(repairs=[QuoteRepair(item=0, quote="a violation of the country's sovereignty")])
    outcome, questions = run(draft, sample_text, repair)
    position = outcome.grounded.positions[0]
    assert len(questions) == 2
    assert position.quote_verified and position.quote == "a violation of the country's sovereignty"
    assert any("targeted re-ask" in w for w in outcome.grounded.warnings)


def test_a_quote_still_unverified_after_the_re_ask_becomes_a_paraphrase(sample_text: str) -> None:
    # Blinken is never quoted in the article, so no article quote can stand in for the bad one.
    draft = _with_positions({"actor": "Antony Blinken", "stance": STANCE, "quote": NARRATIVE})
    repair = QuoteRepairs(repairs=[QuoteRepair(item=0, quote="words nobody said anywhere in this article")])
    outcome, _ = run(draft, sample_text, repair)
    position = outcome.grounded.positions[0]
    assert position.quote is None and not position.quote_verified
    assert position.stance == STANCE
    assert any("kept as paraphrase" in w for w in outcome.grounded.warnings)


def test_without_repair_calls_a_bad_quote_is_dropped_without_a_second_question(sample_text: str) -> None:
    draft = _with_positions({"actor": "Antony Blinken", "stance": STANCE, "quote": NARRATIVE})
    outcome, questions = run(draft, sample_text, repair_calls=0)
    assert len(questions) == 1
    assert outcome.grounded.positions[0].quote is None


def test_a_failed_repair_call_keeps_the_brief_with_a_warning(sample_text: str) -> None:
    draft = _with_positions({"actor": "Antony Blinken", "stance": STANCE, "quote": NARRATIVE})
    outcome, questions = run(draft, sample_text, repair=None)
    assert len(questions) == 2
    assert outcome.grounded.positions[0].quote is None
    assert any("re-ask for unverified quotes failed" in w for w in outcome.grounded.warnings)
