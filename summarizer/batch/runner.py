"""Many articles, briefed concurrently: results come back as each one finishes.

``asummarize_many`` is the engine (``Summarizer.asummarize`` underneath, a bounded number
in flight, the cache in front); ``summarize_many`` drives it from plain synchronous code.
One article's failure is a result with its error, never the end of the batch.

>>> for result in summarize_many(Path("articles").glob("*.txt"), concurrency=8):   # doctest: +SKIP
...     print(result.source, result.brief.headline if result.ok else result.error)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..article import Article
from ..errors import BriefError, InputError, ModelError
from ..lane import drain, off_loop
from ..llm.wrap import layer
from ..schema import Brief, Meta
from ..settings import Settings
from ..sources.url import public_url
from .cache import BriefCache, CacheKey
from .inputs import Item, as_items, content_hash
from .limits import Pacer, limits_for
from .metering import Meter, MeteredTransport

if TYPE_CHECKING:
    from ..llm.transport import Transport
    from ..pipeline import Middleware, Prepared, Summarizer

Published = str | date | None | Callable[[str], str | date | None]  # one date, or one per source
T = TypeVar("T")


@dataclass(frozen=True)
class BatchResult:
    """Which input this was, and either its ``brief`` or its ``error``."""

    index: int  # position in the inputs
    source: str  # the path, or "<text N>" for text given directly
    content_hash: str | None = None  # None when the input could not be read
    brief: Brief | None = None
    error: BriefError | None = None
    cached: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.brief is not None


_PAGE_FIELDS = ("title", "author", "site", "url", "extracted_from")


def _own_meta(cached: Meta, source: str, page: dict[str, str | None]) -> Meta:
    """A cached brief's meta for the article at hand: the same text may come from another page, whose
    source, title and URL are its own (never the page the brief was first written for)."""
    own = {key: page.get(key) for key in _PAGE_FIELDS}
    own["url"] = public_url(own["url"]) if own["url"] else None
    return cached.model_copy(update={"source": public_url(source), **own})


def _page_date(article: Article) -> date | None:
    page_date = getattr(article, "published", None)
    return page_date if isinstance(page_date, date) else None


@dataclass
class _Looked:
    """An article read and looked up: a cached brief, a prepared one, or why it cannot be briefed."""

    digest: str
    key: CacheKey | None = None
    hit: Brief | None = None
    prepared: Prepared | None = None
    error: BriefError | None = None
    page: dict[str, str | None] = field(default_factory=dict)  # this article's own title, url… (a page)


@dataclass
class Engine:
    """Briefs items with at most ``concurrency`` requests in flight; the pieces ``run_batch`` and the API share.

    The CPU-bound steps of each article run on the lane (``lane.py``), off the event loop.
    """

    summarizer: Summarizer
    concurrency: int = 8
    published: Published = None
    cache: BriefCache | None = None

    def __post_init__(self) -> None:
        # Requests in flight are capped where they are sent, so the engine can read and prepare
        # as many articles again: a slot freed by an answer is taken at once by a prepared request,
        # instead of waiting for the answer to be checked and the next article to be read.
        self._depth = max(1, self.concurrency)
        transport = layer(self.summarizer.transport, MeteredTransport)
        if transport is not None:
            # Pacing is for endpoints: the embedded model's CPU time is the answer itself, not its check.
            pacer = Pacer() if self.summarizer.settings.uses_endpoint else None
            transport.cap_in_flight(self.concurrency, pacer)
            self._depth *= 2

    def published_for(self, source: str) -> date | None:
        from ..prepare import parse_published

        value = self.published(source) if callable(self.published) else self.published
        return parse_published(value)

    def _look_up(self, item: Item) -> _Looked:
        """Read the article, look it up in the cache and, on a miss, begin its brief.

        File I/O, hashing, language detection and the prompt: one hop on the CPU lane.
        Raises ``BriefError`` when the item cannot be read.
        """
        article = item.read(self.summarizer.settings.max_input_bytes)
        page_meta = getattr(article, "meta", None)
        looked = _Looked(content_hash(article.text), page=page_meta() if callable(page_meta) else {})
        day = self.published_for(item.source)
        if self.cache is not None:
            # A page's own date resolves its dates when none is given: it is part of what the brief depends on.
            looked.key = CacheKey.for_article(looked.digest, self.summarizer.settings, day or _page_date(article))
            looked.hit = self.cache.get(looked.key)
            if looked.hit is not None:
                return looked
        try:
            # The article itself, not only its text: a page's title, URL and date go into the brief's meta.
            looked.prepared = self.summarizer.prepare(article, published=day, source=item.source)
        except BriefError as error:  # read, but cannot be briefed (too long): its failure keeps the hash
            looked.error = error
        return looked

    async def brief_one(self, item: Item) -> BatchResult:
        started = time.perf_counter()
        digest: str | None = None
        try:
            looked = await off_loop(self._look_up, item)
            digest, hit, key = looked.digest, looked.hit, looked.key
            if hit is not None:
                brief = hit.model_copy(update={"meta": _own_meta(hit.meta, item.source, looked.page)})
                return BatchResult(item.index, item.source, digest, brief, cached=True, seconds=_since(started))
            if looked.error is not None:
                raise looked.error
            assert looked.prepared is not None
            brief = await self.summarizer.abrief(looked.prepared)
            if key is not None and self.cache is not None:
                # At once: an interrupted batch keeps what it paid for.
                await off_loop(self.cache.put, key, brief)
            return BatchResult(item.index, item.source, digest, brief, seconds=_since(started))
        except BriefError as error:
            return BatchResult(item.index, item.source, digest, error=error, seconds=_since(started))
        except Exception as error:  # noqa: BLE001 - one article's surprise must not end the batch
            wrapped = ModelError(f"{type(error).__name__}: {error}")
            return BatchResult(item.index, item.source, digest, error=wrapped, seconds=_since(started))

    async def run(self, items: Iterable[Item]) -> AsyncIterator[BatchResult]:
        """Results in the order they finish. Items are pulled lazily, so memory stays flat."""
        pending: set[asyncio.Task[BatchResult]] = set()
        source = iter(items)
        limit = self._depth

        def fill() -> None:
            while len(pending) < limit and (item := next(source, None)) is not None:
                pending.add(asyncio.ensure_future(self.brief_one(item)))

        fill()
        try:
            while pending:
                done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                pending.difference_update(done)
                fill()  # keep the pipe full while the caller handles what is done
                for task in sorted(done, key=lambda t: t.result().index):
                    yield task.result()
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            await drain()  # a step of a cancelled task may still be running on the lane


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 4)


def prepare_summarizer(
    settings: Settings,
    *,
    meter: Meter | None = None,
    rpm: float | None = None,
    tpm: float | None = None,
    prompt_cache_bytes: int | None = None,
    middleware: Iterable[Middleware] = (),
) -> Summarizer:
    """A ``Summarizer`` whose every call is counted in ``meter`` and paced by the endpoint's limits.

    ``middleware`` wraps the metered transport further (the Batch API's answers, for one).
    """
    from ..pipeline import Summarizer

    counted = meter or Meter()

    def metered(transport: Transport) -> Transport:
        return MeteredTransport(transport, counted, limits_for(transport.label, rpm, tpm))

    summarizer = Summarizer(settings, middleware=[metered, *middleware])
    if prompt_cache_bytes:
        from .embedded import enable_prompt_cache

        enable_prompt_cache(summarizer, prompt_cache_bytes)
    return summarizer


def effective_concurrency(settings: Settings, concurrency: int) -> int:
    # The embedded model answers one request at a time (transport lock): more in flight only queues threads.
    return concurrency if settings.uses_endpoint else 1


async def asummarize_many(
    texts_or_paths: Iterable[str | Path | Article],
    *,
    concurrency: int = 8,
    settings: Settings | None = None,
    published: Published = None,
    cache: BriefCache | bool = False,
    rpm: float | None = None,
    tpm: float | None = None,
    meter: Meter | None = None,
) -> AsyncIterator[BatchResult]:
    """Brief many articles concurrently; yields a ``BatchResult`` as each finishes.

    ``Path`` items are files, ``str`` items are article text, ``Article`` items are text with a source.
    ``published`` is one date for all, or a function of the source. ``cache=True`` uses the user cache.

    >>> async for result in asummarize_many(paths, concurrency=16):   # doctest: +SKIP
    ...     print(result.index, result.ok)
    """
    from ..settings import settings_from_env

    resolved = settings or settings_from_env()
    if not callable(published):
        from ..pipeline import parse_published

        published = parse_published(published)  # a bad date is a usage error, before any work
    if concurrency < 1:
        raise InputError("concurrency must be at least 1")
    store = BriefCache.open() if cache is True else (cache if isinstance(cache, BriefCache) else None)
    summarizer = None
    try:
        summarizer = prepare_summarizer(resolved, meter=meter, rpm=rpm, tpm=tpm)
        engine = Engine(summarizer, effective_concurrency(resolved, concurrency), published, store)
        async for result in engine.run(as_items(texts_or_paths)):
            yield result
    finally:
        if summarizer is not None:
            await summarizer.aclose()
        if cache is True and store is not None:
            store.close()


def summarize_many(
    texts_or_paths: Iterable[str | Path | Article],
    *,
    concurrency: int = 8,
    settings: Settings | None = None,
    published: Published = None,
    cache: BriefCache | bool = False,
    rpm: float | None = None,
    tpm: float | None = None,
    meter: Meter | None = None,
) -> Iterator[BatchResult]:
    """The synchronous twin of :func:`asummarize_many`: an iterator of results as they finish.

    >>> for result in summarize_many([text_a, text_b], published="2024-02-02"):   # doctest: +SKIP
    ...     print(result.source, result.ok)
    """
    return iterate_sync(
        asummarize_many(
            texts_or_paths, concurrency=concurrency, settings=settings, published=published, cache=cache,
            rpm=rpm, tpm=tpm, meter=meter,
        )
    )


def iterate_sync(results: AsyncIterator[T]) -> Iterator[T]:
    """Drive an async iterator from sync code on a private event loop; Ctrl-C cancels what is in flight."""

    async def step() -> T:
        return await anext(results)

    async def close() -> None:
        await results.aclose()  # type: ignore[attr-defined]

    with asyncio.Runner() as runner:
        try:
            while True:
                try:
                    yield runner.run(step())
                except StopAsyncIteration:
                    return
        finally:
            try:
                runner.run(close())
            except RuntimeError:  # already closing after an interrupt: the runner cancels the rest
                pass


__all__ = ["BatchResult", "Engine", "asummarize_many", "iterate_sync", "prepare_summarizer", "summarize_many"]
