"""The rest of the story: a follow-up question only when the first answer leaves much of the article out."""

from __future__ import annotations

from pathlib import Path

from summarizer.coverage import draft_coverage
from summarizer.followup import EXCERPT_CHARS, FOLLOW_UP_BELOW, OPENING_WORDS, add_rest, rest_of_story
from summarizer.grounding.check import complete_from_article, ground
from summarizer.grounding.index import ArticleIndex
from summarizer.schema import ActorDraft, BriefDraft, RestAnswer, Who

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "articles" / "us-strikes-iraq-syria-2024-02-02.txt"
MESSAGES = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]


def _draft(what: list[str], who: list[str]) -> BriefDraft:
    return BriefDraft.model_construct(
        headline="US strikes militias in Syria and Iraq",
        summary="The US struck more than 80 targets in Syria and Iraq on Friday.",
        who=[ActorDraft.model_construct(name=n, kind="person", role=None) for n in who],
        what=what, where=["Syria", "Iraq"], when=[], positions=[], open_questions=[],
    )


def _state(draft: BriefDraft, index: ArticleIndex):
    grounded = ground(draft, index, None)
    complete_from_article(index, grounded)
    return grounded, *draft_coverage(draft, grounded, index)


def test_a_brief_of_the_first_half_asks_for_the_paragraphs_it_left_out() -> None:
    index = ArticleIndex(SAMPLE.read_text(encoding="utf-8"))
    draft = _draft(["The US struck more than 80 targets in Syria and Iraq."], ["Joe Biden", "John Kirby"])
    grounded, share, left_out = _state(draft, index)
    assert share is not None and share < FOLLOW_UP_BELOW
    messages = rest_of_story(MESSAGES, draft, share, left_out, index)
    assert messages is not None and messages[:2] == MESSAGES and messages[2]["role"] == "user"
    asked = messages[2]["content"]
    assert "Blinken" in asked and "The draft agreement was then sent" in asked  # the trip and Hamas's answer
    assert "more than 80 Iranian-backed" not in asked  # the first paragraph is covered already
    assert asked.count("<article>") == 1 and asked.count("</article>") == 1
    # the opening words of the heaviest sentence of each left-out paragraph: the article is in the
    # model's context already, so it reads a pointer to each sentence, not the sentence again
    excerpt = [line.removesuffix(" …") for line in asked.split("<article>\n")[1].split("\n</article>")[0].splitlines()]
    assert 2 <= len(excerpt) and all(len(line.split()) <= OPENING_WORDS for line in excerpt)
    assert "signaled acceptance" not in asked  # the rest of that sentence stays in the article
    left = [index.text[p.start : p.end] for p in left_out]
    assert all(sum(line in text for text in left) == 1 for line in excerpt)
    assert not any(line in index.text[p.start : p.end] for line in excerpt for p in left_out if p.weight < 2)
    assert len(asked) < EXCERPT_CHARS

    rest = RestAnswer(
        what=["Antony Blinken travels to the Middle East this Sunday.", "Hamas signaled acceptance"],
        who=[Who(name="Antony Blinken", kind="person", role="Secretary of State"),
             Who(name="Ismail Haniyeh", kind="person", role=None), Who(name="Zorro", kind="person", role=None)],
        where=["Qatar", "Atlantis"],
    )
    add_rest(rest, draft, grounded, index)
    assert draft.what == ["The US struck more than 80 targets in Syria and Iraq.",
                          "Antony Blinken travels to the Middle East this Sunday.", "Hamas signaled acceptance"]
    names = [a.name for a in grounded.who]
    assert "Antony Blinken" in names and "Ismail Haniyeh" in names and "Zorro" not in names  # checked as ever
    assert "Qatar" in [p.name for p in grounded.where] and "Atlantis" not in [p.name for p in grounded.where]
    assert draft_coverage(draft, grounded, index)[0] > share


def test_a_brief_that_covers_the_story_in_sentences_asks_nothing_more() -> None:
    index = ArticleIndex(SAMPLE.read_text(encoding="utf-8"))
    draft = _draft(
        ["The US struck more than 80 targets in Syria and Iraq.",
         "Antony Blinken travels to Saudi Arabia, Egypt, Qatar, Israel and the West Bank.",
         "Ismail Haniyeh demanded a total stop of fighting in the Gaza Strip.",
         "Israeli, American and Egyptian intelligence chiefs met in Paris on a truce.",
         "Qatari Foreign Ministry spokesman Majed Al Ansari said Hamas signaled acceptance."],
        ["Joe Biden", "John Kirby", "Antony Blinken", "Ismail Haniyeh", "Majed Al Ansari"],
    )
    _, share, left_out = _state(draft, index)
    assert share is not None and share >= FOLLOW_UP_BELOW
    assert rest_of_story(MESSAGES, draft, share, left_out, index) is None


def test_fragments_alone_ask_again_and_the_answers_sentences_replace_them() -> None:
    index = ArticleIndex(SAMPLE.read_text(encoding="utf-8"))
    draft = _draft(["air strikes in Syria and Iraq", "success"], ["Joe Biden"])
    grounded, _, left_out = _state(draft, index)
    assert rest_of_story(MESSAGES, draft, 0.99, left_out, index) is not None  # covered, but no sentence
    add_rest(RestAnswer(what=["Hamas signaled acceptance of the truce."], who=[], where=[]), draft, grounded, index)
    assert draft.what == ["Hamas signaled acceptance of the truce."]


def test_the_flow_asks_the_follow_up_only_when_allowed() -> None:
    from datetime import date

    from summarizer.flow import Conversation, Outcome, Question, one_part_flow
    from summarizer.schema import BriefAnswer

    text = SAMPLE.read_text(encoding="utf-8")
    # A hand-made first answer about the strikes only, in phrases: coverage well under the threshold.
    thin = BriefAnswer(headline="US strikes militias in Syria and Iraq", summary="The US struck militias on Friday.",
                       who=[Who(name="Joe Biden", kind="person")], where=["Syria"], when=["this Friday (2)"],
                       what=["air strikes in Syria and Iraq"], stances=[], questions=[])
    for allowed, asked in ((True, 2), (False, 1)):
        conversation = Conversation(one_part_flow(text, date(2024, 2, 2), 0, follow_up=allowed))
        questions = [conversation.start()]
        step = conversation.send(thin)
        if isinstance(step, Question):
            questions.append(step)
            assert step.response_model is RestAnswer and step.optional
            step = conversation.send(None)  # the follow-up failed: the brief stands, with a warning
            assert any("rest of the story failed" in w for w in step.grounded.warnings)
        assert isinstance(step, Outcome) and len(questions) == asked
