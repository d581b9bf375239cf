"""One article of an event, as the merge reads it: its text, where it came from, and its own brief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ..grounding.index import ArticleIndex
from ..schema import Brief, Span
from .schema import EventSource, SourceSpans


@dataclass(frozen=True)
class EventArticle:
    """An article before it is briefed: text and metadata (``origin`` is a path, URL or dataset id)."""

    text: str
    origin: str
    outlet: str
    title: str | None = None
    published: str | None = None  # ISO date or date-time


@dataclass(frozen=True, eq=False)
class Source:
    """A briefed article of the event, with its text scanned once (``index``)."""

    id: str
    article: EventArticle
    brief: Brief

    @cached_property
    def index(self) -> ArticleIndex:
        return ArticleIndex(self.article.text)

    @property
    def text(self) -> str:
        return self.article.text

    @property
    def published(self) -> str:
        return self.article.published or ""

    @property
    def day(self) -> date | None:
        try:
            return date.fromisoformat(self.published[:10]) if self.published else None
        except ValueError:
            return None

    def support(self, spans: list[Span]) -> SourceSpans:
        """This source's support for an item: up to three spans, and its words at the first."""
        spans = sorted(set(spans), key=lambda s: s.start)[:3]
        return SourceSpans(source=self.id, spans=spans, text=spans[0].of(self.text) if spans else None)

    def as_event_source(self) -> EventSource:
        a = self.article
        return EventSource(id=self.id, outlet=a.outlet, title=a.title, published=a.published, origin=a.origin,
                           brief=self.brief)
