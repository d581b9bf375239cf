"""The conversation with the model for one article, written once and driven by every caller.

A flow is a generator: it *yields* each ``Question`` for the model and receives the answer
(``None`` when an optional question failed), and *returns* an ``Outcome``. It does no I/O, so
the sync and async drivers (``pipeline.Summarizer``), the Batch API path and tests all drive
the same steps:

    index the article → prepare messages (instructions, fact sheet, article) → ask for a BriefAnswer
        → ground it in the article → (one targeted re-ask for unverifiable quotes)
        → (one follow-up about the paragraphs left out, followup.py) → Outcome

The model is asked only for what needs reading (``answer.py``); quotes, speakers and dates come
from code. A prompt written for the whole draft (``answer: draft``, up to ``brief-v3``) is asked
for a ``BriefDraft`` with its quotes, as before.

A long article is briefed in parts by ``merge.brief_in_parts``, which runs this same flow per
part; ``pipeline.brief_flow`` picks one or the other. ``Conversation`` steps a flow and is the
one place where a generator's ``StopIteration`` is turned back into its outcome.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel

from .answer import fact_sheet, to_draft
from .clean import clean_for_model
from .coverage import draft_coverage
from .datablock import neutralise_tags
from .followup import add_rest, rest_of_story
from .grounding.check import Grounded, apply_repairs, complete_from_article, give_up_on_failures, ground
from .grounding.index import as_index
from .language import LanguagePlan
from .prompts import load_prompt, load_system_prompt
from .quality import rewrite_unsupported_stances
from .repair import QuoteRepairs, build_repair_messages, repairs_by_index
from .schema import BriefAnswer, BriefDraft, RestAnswer

PromptId = tuple[str, str]  # the system prompt's id, and the version of everything the model read


@dataclass(frozen=True)
class Question:
    """One thing the flow needs from the model."""

    messages: list[dict[str, str]]
    response_model: type[BaseModel]
    phase: str  # what the reader of a progress line is waiting for
    optional: bool = False  # a failure here degrades the brief instead of failing it


@dataclass
class Outcome:
    draft: BriefDraft
    grounded: Grounded
    prompt: PromptId
    parts: int = 1  # a long article is briefed in parts, then merged (merge.py)


Flow = Generator[Question, BaseModel | None, Outcome]
Step = Question | Outcome


class Conversation:
    """Steps a flow: ``start()`` gives its first question, ``send(answer)`` the next, until an ``Outcome``."""

    def __init__(self, flow: Flow) -> None:
        self._flow = flow
        self.step: Step | None = None

    def start(self) -> Step:
        return self.send(None)

    def send(self, answer: BaseModel | None) -> Step:
        try:
            self.step = self._flow.send(answer)
        except StopIteration as done:
            self.step = done.value
        return self.step


def build_messages(
    article_text: str,
    published: date | None,
    language: LanguagePlan | None = None,
    *,
    system_prompt: str = "brief",
    facts: str = "",
) -> tuple[list[dict[str, str]], PromptId]:
    """System instructions and the article as delimited data; returns the prompt id and version too.

    ``language`` adds its instruction (brief in another language, quotes verbatim) when it has one;
    ``system_prompt`` names the instructions' file in ``prompts/`` (``Settings.prompt``); ``facts`` is
    the fact sheet (``answer.fact_sheet``), read before the article.
    """
    system = load_system_prompt(system_prompt)
    # The answer prompts read the fact sheet before the article; a draft prompt's message is as it was.
    user = load_prompt("facts" if system.answer == "brief" else "article")
    body = re.sub(r"[ \t]+(?=\n|$)", "", clean_for_model(article_text)).strip()
    body = re.sub(r"\n{3,}", "\n\n", body)
    # A tag inside the article, in any case, spacing, escaping or lookalike, must not end the data block early.
    body = neutralise_tags(body)
    instruction = language.instruction if language else None
    messages = [
        {"role": "system", "content": system.template + (instruction + "\n" if instruction else "")},
        {
            "role": "user",
            "content": user.render(
                published=published.isoformat() if published else "unknown",
                facts=neutralise_tags(facts),
                article=body,
            ),
        },
    ]
    version = f"{system.version}+{user.id}.{user.version}" + (f"+{language.prompt_tag}" if instruction else "")
    return messages, (system.id, version)


def one_part_flow(
    article: str,
    published: date | None,
    repair_calls: int,
    *,
    language: LanguagePlan | None = None,
    system_prompt: str = "brief",
    follow_up: bool = True,
) -> Flow:
    """The brief of an article that fits in one call (and a follow-up when it leaves much out).

    ``follow_up`` is off for the parts of a long article: each part is briefed whole already.
    """
    index = as_index(article)  # scanned once here, read by the fact sheet, every check and coverage (pipeline)
    messages, prompt = build_messages(
        article, published, language, system_prompt=system_prompt, facts=fact_sheet(index)
    )
    draft = yield from ask_for_draft(messages, system_prompt)
    grounded = ground(draft, index, published)
    for _ in range(repair_calls):
        if not grounded.failures:
            break
        answer = yield Question(
            build_repair_messages(messages, grounded.failures), QuoteRepairs, "re-checking quotes", optional=True
        )
        if answer is None:
            grounded.warnings.append("the targeted re-ask for unverified quotes failed")
            break
        assert isinstance(answer, QuoteRepairs)
        apply_repairs(index, grounded, repairs_by_index(answer, grounded.failures))
    give_up_on_failures(grounded)
    complete_from_article(index, grounded)
    if follow_up and answer_model(system_prompt) is BriefAnswer:  # a draft prompt's flow stays as it was
        share, left_out = draft_coverage(draft, grounded, index)
        rest = rest_of_story(messages, draft, share, left_out, index)
        if rest is not None:
            more = yield Question(rest, RestAnswer, "asking about the rest of the story", optional=True)
            if isinstance(more, RestAnswer):
                add_rest(more, draft, grounded, index)
            else:
                grounded.warnings.append("the follow-up question about the rest of the story failed")
    if language is None or not language.instruction:  # a translated stance shares no words with the article
        rewrite_unsupported_stances(index, grounded)
    return Outcome(draft, grounded, prompt)


def answer_model(system_prompt: str) -> type[BriefAnswer] | type[BriefDraft]:
    """What the model fills in under these instructions (their front matter's ``answer``)."""
    return BriefDraft if load_system_prompt(system_prompt).answer == "draft" else BriefAnswer


def ask_for_draft(
    messages: list[dict[str, str]], system_prompt: str
) -> Generator[Question, BaseModel | None, BriefDraft]:
    """The model's answer under these instructions, as the draft grounding reads."""
    answer = yield Question(messages, answer_model(system_prompt), "reading the article and writing the brief")
    if isinstance(answer, BriefAnswer):
        return to_draft(answer)
    assert isinstance(answer, BriefDraft)
    return answer


__all__ = ["Conversation", "Flow", "Outcome", "PromptId", "Question", "Step", "answer_model", "build_messages",
           "one_part_flow"]
