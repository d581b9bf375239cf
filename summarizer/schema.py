"""The data a brief is made of.

Two layers share one set of names:

* the *draft* models (``*Draft``) are what the language model fills in. Their field
  descriptions are written for the model: short, concrete, and explicit about copying
  words from the article rather than inventing them;
* the output models add what only code can know: where each item sits in the article
  (``Span``), whether a quote was verified, resolved ISO dates, and ``Meta``.

Offsets are never taken from the model: grounding computes them from the article text.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .controls import strip_controls

SCHEMA_VERSION = "1"
MAX_LIST = 30  # items in any list the model fills in
MAX_QUESTIONS = 10

ActorKind = Literal["person", "organisation", "group", "country"]


class Span(BaseModel):
    """A half-open character range ``[start, end)`` in the article text as given."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    def of(self, text: str) -> str:
        return text[self.start : self.end]


# --- What the model fills in -------------------------------------------------------


@cache
def _cached_schema(
    model: type[BaseModel], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> dict[str, Any]:
    return BaseModel.model_json_schema.__func__(model, *args, **dict(kwargs))  # type: ignore[attr-defined]



def _without_controls(data: Any) -> Any:
    if isinstance(data, str):
        return strip_controls(data)
    if isinstance(data, dict):
        return {key: _without_controls(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_without_controls(value) for value in data]
    return data


class _Draft(BaseModel):
    # Small models pad names with spaces (" rescuers"); strip them before anything compares names.
    model_config = ConfigDict(str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_controls(cls, data: Any) -> Any:
        # The model's words may repeat an article's escape sequences: none reaches a terminal or a file.
        return _without_controls(data)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        # instructor rebuilds the tool schema on every call (~2 ms); the schema never changes.
        return copy.deepcopy(_cached_schema(cls, args, tuple(sorted(kwargs.items()))))


class ActorDraft(_Draft):
    name: str = Field(description="Full name exactly as written in the article, e.g. 'John Kirby' or 'Hamas'.")
    kind: ActorKind = Field(description="person, organisation, group or country.")
    role: str | None = Field(
        default=None,
        description="Their role as the article states it, e.g. 'National Security Council spokesman'.",
    )


class DateMentionDraft(_Draft):
    mention: str = Field(
        description="The date or time words copied exactly from the article, e.g. 'this Friday (2)' or 'February 8'."
    )
    event: str = Field(description="What happens or happened then, in a few words.")


class PositionDraft(_Draft):
    actor: str = Field(description="Who said it: the person or body the article names as the speaker.")
    stance: str = Field(description="Their position in one plain sentence of your own.")
    quote: str | None = Field(
        default=None,
        description=(
            "Words this actor said, copied character for character from inside quotation marks "
            "in the article. null if the article does not quote them directly."
        ),
    )


class BriefDraft(_Draft):
    """A structured news brief of one article. Use only facts stated in the article."""

    headline: str = Field(min_length=8, description="A factual headline of at most 15 words.")
    summary: str = Field(
        min_length=20, description="Two or three sentences: the main event, its cause and its consequence."
    )
    # Every list has a maximum (far above what a news story needs: the recorded briefs hold at most 13
    # places): with max_tokens, it bounds what one answer can cost, whatever the article asks for.
    who: list[ActorDraft] = Field(
        min_length=1,
        max_length=MAX_LIST,
        description="The main people, organisations, groups and countries involved.",
    )
    what: list[str] = Field(
        min_length=1,
        max_length=MAX_LIST,
        description="The main events, one short sentence each, in the order they happened.",
    )
    where: list[str] = Field(
        max_length=MAX_LIST, description="Places where the events happen, named as in the article."
    )
    when: list[DateMentionDraft] = Field(max_length=MAX_LIST, description="Every date or day the article mentions.")
    positions: list[PositionDraft] = Field(
        max_length=MAX_LIST, description="Who said what: one entry per speaker and statement."
    )
    open_questions: list[str] = Field(
        max_length=MAX_QUESTIONS, description="Questions the article leaves unanswered, at most three."
    )


class Who(_Draft):
    name: str
    kind: ActorKind
    role: str | None = None


class Stance(_Draft):
    speaker: str
    stance: str


class BriefAnswer(_Draft):
    """A news brief."""

    # What the model is asked for (answer.py): no quotes, no descriptions — quotes, speakers and dates
    # come from code, and every token of this schema is read before each brief.
    headline: str = Field(min_length=8)
    summary: str = Field(min_length=20)
    who: list[Who] = Field(min_length=1, max_length=MAX_LIST)
    where: list[str] = Field(max_length=MAX_LIST)
    when: list[str] = Field(max_length=MAX_LIST)
    what: list[str] = Field(min_length=1, max_length=MAX_LIST)
    stances: list[Stance] = Field(max_length=MAX_LIST)
    questions: list[str] = Field(max_length=MAX_QUESTIONS)


class RestAnswer(_Draft):
    """The rest of a story: what a first answer left out (followup.py)."""

    what: list[str] = Field(max_length=MAX_LIST)
    who: list[Who] = Field(max_length=MAX_LIST)
    where: list[str] = Field(max_length=MAX_LIST)


# --- What a brief holds once checked against the article ---------------------------


class _Checked(BaseModel):
    # Output text is the article's own slice: keep it exactly, never strip it.
    model_config = ConfigDict(str_strip_whitespace=False)


class Actor(ActorDraft, _Checked):
    evidence: list[Span] = Field(default_factory=list, description="Where the name occurs in the article.")


class Place(BaseModel):
    name: str
    evidence: list[Span] = Field(default_factory=list)


class DateMention(DateMentionDraft, _Checked):
    evidence: list[Span] = Field(default_factory=list, description="Where the mention occurs in the article.")
    date: str | None = Field(default=None, description="ISO date (YYYY-MM-DD) when the mention resolves to one day.")
    end: str | None = Field(default=None, description="Last day of a range, when the mention is a range.")
    resolved: bool = False
    note: str | None = None


class Position(PositionDraft, _Checked):
    quote_verified: bool = False
    quote_span: Span | None = None
    actor_evidence: list[Span] = Field(default_factory=list)


class Meta(BaseModel):
    model: str
    endpoint: str = Field(description="'embedded' or the host of the OpenAI-compatible endpoint.")
    mode: str
    prompt_id: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    published: str | None = None
    source: str | None = None
    # Where the text came from. For an HTML page or a URL the briefed text is the article body extracted
    # from the page (no navigation, ads or comments), and every span in this brief points into that text.
    title: str | None = Field(default=None, description="The page's title, when the article came from a page.")
    author: str | None = None
    site: str | None = Field(default=None, description="The publication or site name the page gives.")
    url: str | None = Field(default=None, description="The page's URL (after redirects), or its canonical URL.")
    extracted_from: str | None = Field(
        default=None, description="'html' (a saved page) or 'url' (a fetched page); None for text as given."
    )
    published_from: str | None = Field(default=None, description="'given' (--published) or 'page' (its metadata).")
    language: str | None = Field(default=None, description="Detected language of the article (ISO 639-1).")
    brief_language: str | None = Field(
        default=None, description="The language the brief was asked for, when not the article's English."
    )
    parts: int = Field(default=1, description="Parts a long article was briefed in, then merged.")
    calls: int = 0
    attempts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    faithfulness: float | None = Field(
        default=None, description="Share of quotes and names in the brief found in the article."
    )
    warnings: list[str] = Field(default_factory=list)
    # Free text (headline, summary, what, stances, open questions) is the model's own wording: it is
    # checked against the article separately from the quotes and names that faithfulness counts.
    free_text_support: float | None = Field(
        default=None, description="Share of free-text items with nothing unsupported or hostile flagged in them."
    )
    flags: list[str] = Field(
        default_factory=list,
        description="Free-text problems: instructions, links, mentions or markup the article does not carry, "
        "names, numbers or quotes it does not contain. Each is also a warning; a strict run holds the brief back.",
    )
    quality_flags: list[str] = Field(
        default_factory=list,
        description="Free-text quality problems found in code (quality.py): quoted words told as narration, "
        "`what` items that are fragments, stances their speaker's words do not support. Each is also a warning; "
        "unlike `flags`, they do not hold a brief back under --strict.",
    )
    coverage: float | None = Field(
        default=None,
        description="Share of the article's paragraphs (weighted by the names, numbers and quotes they hold) "
        "that at least one brief item is grounded in.",
    )


class Brief(BaseModel):
    headline: str
    summary: str
    who: list[Actor] = Field(default_factory=list)
    what: list[str] = Field(default_factory=list)
    where: list[Place] = Field(default_factory=list)
    when: list[DateMention] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    open_questions: list[str] = Field(default_factory=list)
    meta: Meta
