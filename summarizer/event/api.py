"""``summarize_event`` / ``asummarize_event``: several articles on one event in, an ``EventBrief`` out.

Each article is briefed through the public seam (``Summarizer``), behind the batch brief cache
(``batch.cache``: same key as ``brief batch``), so re-running with one more article costs one brief;
then the merge (pure code, ``event.merge``); then at most one model call writes the headline and
summary from the merged items (``event.headline``), skippable with ``write_headline=False``.

>>> event = summarize_event(["a.html", "b.txt", "https://example.org/c"])   # doctest: +SKIP
>>> [d.subject for d in event.disagreements]                                 # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelError
from ..schema import Brief, Meta
from .headline import facts_text, free_text_flags, prompt_id, summary_messages
from .merge import merge_event
from .schema import EventBrief, EventSummaryDraft
from .sources import EventArticle, Source

if TYPE_CHECKING:
    from ..batch.cache import BriefCache, CacheKey
    from ..pipeline import Summarizer
    from ..settings import Settings

ArticleLike = EventArticle | str | Path
OnSource = Callable[[int, int, EventArticle, bool], None]  # (done, total, article, from_cache)


@dataclass
class _Counts:
    calls: int = 0
    cached: int = 0


def as_articles(items: Sequence[ArticleLike]) -> list[EventArticle]:
    from .inputs import load_one

    return [item if isinstance(item, EventArticle) else load_one(str(item))[0] for item in items]


def _key(article: EventArticle, summarizer: Summarizer) -> CacheKey:
    from ..batch.cache import CacheKey
    from ..batch.inputs import content_hash
    from ..pipeline import parse_published

    return CacheKey.for_article(content_hash(article.text), summarizer.settings, parse_published(article.published))


def _recorded(article: EventArticle, briefs: Mapping[str, Brief] | None) -> Brief | None:
    return briefs.get(Path(article.origin).stem) if briefs else None


def _sources(articles: list[EventArticle], briefs: list[Brief]) -> list[Source]:
    # Ids in publication order, so s1 is the first report and "later" reads left to right.
    order = sorted(range(len(articles)), key=lambda i: (articles[i].published or "", i))
    return [Source(f"s{n + 1}", articles[i], briefs[i]) for n, i in enumerate(order)]


def _finish(event: EventBrief, counts: _Counts, summarizer: Summarizer | None, draft: EventSummaryDraft | None,
            warning: str | None, unbriefed: list[str] | None = None) -> EventBrief:
    meta = event.meta.model_copy(update={"calls": counts.calls, "cached_briefs": counts.cached})
    if warning:
        meta.warnings.append(warning)
    if unbriefed:
        meta.warnings.append(f"{len(unbriefed)} source(s) without a brief (offline): only the facts code reads "
                             f"from their text — {', '.join(unbriefed)}")
    update: dict[str, object] = {"meta": meta}
    if draft is not None:
        meta.headline_from = "model"
        meta.model = summarizer.transport.model if summarizer else None
        meta.flags = free_text_flags(f"{draft.headline}\n{draft.summary}", facts_text(event))
        meta.warnings.extend(meta.flags)
        update |= {"headline": draft.headline, "summary": draft.summary}
    return event.model_copy(update=update)


class EventWriter:
    """Briefs (cached) and merges; one per call of ``summarize_event``, sync or async."""

    def __init__(self, summarizer: Summarizer, cache: BriefCache | None, briefs: Mapping[str, Brief] | None,
                 on_source: OnSource | None, offline: bool = False) -> None:
        self.summarizer, self.cache, self.briefs, self.on_source = summarizer, cache, briefs, on_source
        self.offline = offline
        self.counts = _Counts()
        self.unbriefed: list[str] = []

    def _hit(self, article: EventArticle) -> Brief | None:
        recorded = _recorded(article, self.briefs)
        if recorded is not None:
            return recorded
        hit = self.cache.get(_key(article, self.summarizer)) if self.cache is not None else None
        if hit is None and self.offline:
            # No model: the article still gives what code reads from its text (figures, times, quotes,
            # support for the other sources' items); only its own brief's items are missing.
            self.unbriefed.append(article.origin)
            meta = Meta(model="none", endpoint="-", mode="-", prompt_id="-", prompt_version="-",
                        published=article.published, source=article.origin)
            return Brief(headline=article.title or article.origin, summary="", meta=meta)
        return hit

    def _keep(self, article: EventArticle, brief: Brief) -> Brief:
        self.counts.calls += brief.meta.calls
        if self.cache is not None:
            self.cache.put(_key(article, self.summarizer), brief)
        return brief

    def _told(self, done: int, total: int, article: EventArticle, cached: bool) -> None:
        if cached and article.origin not in self.unbriefed:  # an offline placeholder is no brief
            self.counts.cached += 1
        if self.on_source is not None:
            self.on_source(done, total, article, cached)

    def brief_all(self, articles: list[EventArticle]) -> list[Brief]:
        out = []
        for n, article in enumerate(articles, 1):
            brief = self._hit(article)
            cached = brief is not None
            if brief is None:
                brief = self._keep(article, self.summarizer.summarize(
                    article.text, published=article.published, source=article.origin))
            self._told(n, len(articles), article, cached)
            out.append(brief)
        return out

    async def abrief_all(self, articles: list[EventArticle]) -> list[Brief]:
        out = []
        for n, article in enumerate(articles, 1):
            brief = self._hit(article)
            cached = brief is not None
            if brief is None:
                brief = self._keep(article, await self.summarizer.asummarize(
                    article.text, published=article.published, source=article.origin))
            self._told(n, len(articles), article, cached)
            out.append(brief)
        return out

    def headline(self, event: EventBrief) -> EventBrief:
        from ..llm.ask import Ledger

        try:
            draft = self.summarizer.asker.ask(summary_messages(event), EventSummaryDraft, Ledger())
        except ModelError as error:
            return _finish(event, self.counts, None, None, f"the shared headline call failed ({error}); code-built",
                           self.unbriefed)
        self.counts.calls += 1
        return _finish(event, self.counts, self.summarizer, draft, None, self.unbriefed)

    async def aheadline(self, event: EventBrief) -> EventBrief:
        from ..llm.ask import Ledger

        try:
            draft = await self.summarizer.asker.aask(summary_messages(event), EventSummaryDraft, Ledger())
        except ModelError as error:
            return _finish(event, self.counts, None, None, f"the shared headline call failed ({error}); code-built",
                           self.unbriefed)
        self.counts.calls += 1
        return _finish(event, self.counts, self.summarizer, draft, None, self.unbriefed)


def _writer(settings: Settings | None, summarizer: Summarizer | None, cache: BriefCache | bool | None,
            briefs: Mapping[str, Brief] | None, on_source: OnSource | None, offline: bool) -> EventWriter:
    from ..pipeline import Summarizer
    from ..settings import settings_from_env

    # Each source is briefed in one call: the event's coverage comes from every source's text, not from a
    # follow-up about one article's left-out paragraphs (and one more article must cost one brief call).
    writer = summarizer or Summarizer((settings or settings_from_env()).with_overrides(follow_up_calls=0))
    store: BriefCache | None
    if cache is True:
        from ..batch.cache import BriefCache

        store = BriefCache.open()
    else:  # a BriefCache has a length: an empty one is falsy, so test for the flags, not truth
        store = None if cache is None or cache is False else cache
    return EventWriter(writer, store, briefs, on_source, offline)


def summarize_event(
    articles: Sequence[ArticleLike],
    *,
    settings: Settings | None = None,
    summarizer: Summarizer | None = None,
    cache: BriefCache | bool | None = True,
    briefs: Mapping[str, Brief] | None = None,
    write_headline: bool = True,
    on_source: OnSource | None = None,
    offline: bool = False,
) -> EventBrief:
    """The event brief of ``articles`` (``event.sources.EventArticle`` values, paths or URLs).

    ``cache``: the batch brief cache (``True``: the default file; a ``BriefCache``; ``False``: none).
    ``briefs``: briefs already written, by article id (file stem): used instead of the model.
    ``write_headline=False``: no model call for the headline; the code-built one stays.
    ``offline=True``: no model at all; an article with no recorded or cached brief still gives the facts
    code reads from its text (figures, times, quotes), with a warning naming it.
    """
    items = as_articles(articles)
    writer = _writer(settings, summarizer, cache, briefs, on_source, offline)
    event = merge_event(_sources(items, writer.brief_all(items)))
    if write_headline and not offline:
        return writer.headline(event)
    return _finish(event, writer.counts, None, None, None, writer.unbriefed)


async def asummarize_event(
    articles: Sequence[ArticleLike],
    *,
    settings: Settings | None = None,
    summarizer: Summarizer | None = None,
    cache: BriefCache | bool | None = True,
    briefs: Mapping[str, Brief] | None = None,
    write_headline: bool = True,
    on_source: OnSource | None = None,
    offline: bool = False,
) -> EventBrief:
    """The async twin of :func:`summarize_event`; the merge (CPU) runs on the lane, off the loop."""
    from ..lane import off_loop

    items = await off_loop(as_articles, articles)
    writer = _writer(settings, summarizer, cache, briefs, on_source, offline)
    sources = _sources(items, await writer.abrief_all(items))
    event = await off_loop(merge_event, sources)
    if write_headline and not offline:
        return await writer.aheadline(event)
    return _finish(event, writer.counts, None, None, None, writer.unbriefed)


__all__ = ["ArticleLike", "asummarize_event", "prompt_id", "summarize_event"]
