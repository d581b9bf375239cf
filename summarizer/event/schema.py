"""The data an event brief is made of: several articles on one event, merged with grounding.

Every item names the sources that support it and, for each source, the spans in that source's
text (``SourceSpans``); offsets are into the source's text as briefed (``EventSource.text`` is not
stored: a caller keeps the articles, and the renderers take them when they quote evidence).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..schema import Brief, Span

EVENT_SCHEMA_VERSION = "1"

DisagreementKind = Literal["number", "date", "time", "name", "role", "attribution"]
FactKind = Literal["who", "what", "where", "when", "number", "quote"]


class SourceSpans(BaseModel):
    """Where one source supports an item: the source's id and spans into its text."""

    source: str
    spans: list[Span] = Field(default_factory=list)
    text: str | None = Field(default=None, description="The source's own words at the first span.")


class EventSource(BaseModel):
    id: str = Field(description="A short id for this source within the event (s1, s2, …).")
    outlet: str = Field(description="The publisher, from the article's metadata, or its file name.")
    title: str | None = None
    published: str | None = Field(default=None, description="Publication time (ISO date or date-time).")
    origin: str = Field(description="Where the article came from: a path, a URL, or a dataset id.")
    brief: Brief


class CoreItem(BaseModel):
    """One who/what/where/when item, merged across the sources that report it."""

    kind: Literal["who", "what", "where", "when"]
    label: str = Field(description="The item as shown: a name, an event, a place, or a date mention.")
    variants: list[str] = Field(default_factory=list, description="Other spellings or wordings across sources.")
    role: str | None = None
    date: str | None = Field(default=None, description="ISO date (when items).")
    end: str | None = None
    sources: list[SourceSpans]


class QuoteVariant(BaseModel):
    text: str
    speaker: str | None = Field(default=None, description="Who this source says said it.")
    sources: list[SourceSpans]


class Quote(BaseModel):
    """One statement across outlets: the same words shown once, with every source that carries them."""

    text: str
    variants: list[QuoteVariant] = Field(description="Wordings as the sources give them (one when all agree).")
    speakers: list[str] = Field(description="Every speaker the sources name for it.")
    attribution_differs: bool = Field(default=False, description="Outlets name different speakers for it.")


class SpeakerPositions(BaseModel):
    speaker: str
    aliases: list[str] = Field(default_factory=list)
    quotes: list[Quote]


class CompetingValue(BaseModel):
    value: str = Field(description="The value as normalised for comparison, e.g. 'at least 7', '2016-11-09'.")
    sources: list[SourceSpans]
    published: list[str] = Field(default_factory=list, description="Publication times of those sources.")


class Disagreement(BaseModel):
    kind: DisagreementKind
    subject: str = Field(description="What the values are of: 'killed', 'age of Martin Bamford', 'time of the crash'.")
    values: list[CompetingValue]
    maybe_update: bool = Field(
        default=False, description="The sources were published at different times: the later may be an update."
    )
    note: str | None = None


class OnlyIn(BaseModel):
    kind: FactKind
    label: str
    source: SourceSpans


class TimelineEntry(BaseModel):
    date: str
    end: str | None = None
    what: str
    sources: list[SourceSpans]


class EventMeta(BaseModel):
    schema_version: str = EVENT_SCHEMA_VERSION
    headline_from: Literal["model", "code"] = "code"
    model: str | None = None
    calls: int = Field(default=0, description="Model calls this event brief made (per-source briefs included).")
    cached_briefs: int = Field(default=0, description="Per-source briefs taken from the cache or a recording.")
    warnings: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list, description="Free-text problems found in the headline or summary.")


class EventBrief(BaseModel):
    headline: str
    summary: str
    sources: list[EventSource]
    who: list[CoreItem] = Field(default_factory=list)
    what: list[CoreItem] = Field(default_factory=list)
    where: list[CoreItem] = Field(default_factory=list)
    when: list[CoreItem] = Field(default_factory=list)
    positions: list[SpeakerPositions] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)
    only_in: list[OnlyIn] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    meta: EventMeta = Field(default_factory=EventMeta)


class EventSummaryDraft(BaseModel):
    """A headline and summary of an event, written only from the merged facts given."""

    headline: str = Field(min_length=8, description="A factual headline of at most 15 words.")
    summary: str = Field(
        min_length=20, description="Two or three sentences using only the facts listed, naming no outlet."
    )
