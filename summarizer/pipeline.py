"""Article in, ``Brief`` out: ``Summarizer``, the one public seam every way in goes through.

The CLI, ``summarize()``, batch, eval, the web service and the distributed engine all call the same
four steps, and nothing private::

    with Summarizer(settings) as s:
        prepared = s.prepare(text, published="2024-02-02")   # CPU only: text, date, language, parts
        brief = s.brief(prepared)                            # or: await s.abrief(prepared)

``summarize``/``asummarize`` do both at once. The model is reached through a *transport*
(``llm.transport.Transport``: an endpoint, the embedded model, or anything with the same shape);
``middleware`` wraps it (metering and pacing in a batch, endpoint pools, fakes in tests). What the
model is asked lives in ``flow.py`` (one part) and ``merge.py`` (many parts); this module only
drives it, once for sync callers and once for async ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .article import Article
from .coverage import with_coverage
from .errors import InputError, ModelError
from .finish import finish_brief
from .flow import Conversation, Flow, Outcome, Question, Step, one_part_flow
from .grounding.index import as_index
from .lane import off_loop
from .language import LanguagePlan
from .llm.ask import Asker, Ledger
from .prepare import ArticlePlan, parse_published, plan_article
from .progress import OnProgress, Progress, ignore
from .quality import with_quality_flags
from .schema import Brief, Meta
from .settings import Settings, settings_from_env

if TYPE_CHECKING:
    from .chunking import Part
    from .llm.transport import Transport

Middleware = Callable[["Transport"], "Transport"]


def brief_flow(
    article: str,
    published: date | None,
    repair_calls: int,
    *,
    parts: list[Part] | None = None,
    language: LanguagePlan | None = None,
    system_prompt: str = "brief",
    follow_up: bool = True,
) -> Flow:
    """The whole brief as a conversation with the model: in one call, or in parts then merged."""
    if parts and len(parts) > 1:
        from .merge import brief_in_parts

        return brief_in_parts(article, parts, published, repair_calls, language, system_prompt)
    return one_part_flow(
        article, published, repair_calls, language=language, system_prompt=system_prompt, follow_up=follow_up
    )


@dataclass
class Prepared:
    """An article ready for the model: its plan and the flow's first question. Briefed once.

    ``prepare`` does the CPU work before the first call (reading the text's metadata, language,
    splitting, the prompt), so a batch can do it off the event loop while requests are in flight.
    """

    plan: ArticlePlan
    conversation: Conversation = field(repr=False)
    first: Step = field(repr=False)
    used: bool = field(default=False, repr=False)

    @property
    def first_question(self) -> Question | None:
        """The first request's messages (the Batch API sends them ahead); None if no call is needed."""
        return self.first if isinstance(self.first, Question) else None

    def take(self) -> Step:
        if self.used:
            raise RuntimeError("a Prepared article is briefed once: prepare it again")
        self.used = True
        return self.first


class Summarizer:
    """A configured brief writer: holds the transport (and a loaded local model) across calls.

    ``transport`` replaces the one the settings would make (an endpoint or the embedded model);
    ``middleware`` wraps it, first to last; ``on_progress`` hears what each brief is doing (from the
    thread that drives it; the embedded model's token counts come from its worker thread).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        transport: Transport | None = None,
        middleware: Iterable[Middleware] = (),
        on_progress: OnProgress | None = None,
    ) -> None:
        self.settings = settings or settings_from_env()
        self.on_progress = on_progress or ignore
        self._given = transport
        self._middleware = tuple(middleware)
        self._asker: Asker | None = None

    # -- the model ------------------------------------------------------------------------------
    @property
    def asker(self) -> Asker:
        """What asks the model a structured question (mode fallback, retries, the deadline)."""
        if self._asker is None:
            transport = self._given
            if transport is None:
                from .llm.factory import make_transport

                transport = make_transport(self.settings, on_progress=self._progress)
            s = self.settings
            # "auto" takes the transport's own best mode where it has one (the embedded model: json_schema).
            mode = getattr(transport, "preferred_mode", None) if s.mode == "auto" else None
            for wrap in self._middleware:
                transport = wrap(transport)
            self._asker = Asker(
                transport=transport,
                mode=mode or s.mode,
                max_retries=s.max_retries,
                transport_attempts=s.transport_attempts,
                deadline=s.deadline,
                temperature=s.temperature,
                max_tokens=s.output_tokens,
            )
        return self._asker

    @property
    def transport(self) -> Transport:
        """The transport in use, middleware applied; made (and a local model loaded) on first use."""
        return self.asker.transport

    def _progress(self, event: Progress) -> None:
        # A display's failure must never cost a brief.
        try:
            self.on_progress(event)
        except Exception:  # noqa: BLE001
            pass

    # -- the four steps -------------------------------------------------------------------------
    def prepare(
        self,
        text: str | Article,
        *,
        published: str | date | None = None,
        source: str | None = None,
        lang: str | None = None,
    ) -> Prepared:
        """Everything before the first model call; raises ``InputError`` for text that cannot be briefed.

        ``text``: a string, or an ``Article``/``Document`` (``sources.load_article``) with its metadata.
        ``lang`` (ISO 639-1, e.g. ``"en"``) asks for the brief in that language; quotes stay verbatim.
        """
        if not isinstance(text, Article | str):
            raise InputError(f"cannot brief a {type(text).__name__}: give text or an Article")
        plan = plan_article(text, self.settings, published=published, source=source, lang=lang)
        s = self.settings
        flow = brief_flow(
            plan.article, plan.published, s.repair_calls,
            parts=plan.parts, language=plan.language, system_prompt=s.prompt, follow_up=s.follow_up_calls > 0,
        )
        conversation = Conversation(flow)
        return Prepared(plan, conversation, conversation.start())

    def brief(self, prepared: Prepared) -> Brief:
        """Ask the model what the flow needs and finish the brief (blocking)."""
        step, asker, ledger, started = prepared.take(), self.asker, Ledger(), time.perf_counter()
        while isinstance(step, Question):
            self._progress(Progress("asking", step.phase))
            try:
                answer = asker.ask(step.messages, step.response_model, ledger)
            except ModelError as error:
                answer = _degrade(step, error)
            self._progress(Progress("checking", "checking the answer against the article"))
            step = prepared.conversation.send(answer)
        return self._finish(step, ledger, prepared.plan, started)

    async def abrief(self, prepared: Prepared) -> Brief:
        """The async twin of :meth:`brief`: the CPU-bound steps run on the lane (``lane.py``), off the loop."""
        step, asker, ledger, started = prepared.take(), self.asker, Ledger(), time.perf_counter()
        while isinstance(step, Question):
            self._progress(Progress("asking", step.phase))
            try:
                answer = await asker.aask(step.messages, step.response_model, ledger)
            except ModelError as error:
                answer = _degrade(step, error)
            self._progress(Progress("checking", "checking the answer against the article"))
            step = await off_loop(prepared.conversation.send, answer)
        return self._finish(step, ledger, prepared.plan, started)

    def summarize(
        self,
        text: str | Article,
        *,
        published: str | date | None = None,
        source: str | None = None,
        lang: str | None = None,
    ) -> Brief:
        """``prepare`` then ``brief``."""
        return self.brief(self.prepare(text, published=published, source=source, lang=lang))

    async def asummarize(
        self,
        text: str | Article,
        *,
        published: str | date | None = None,
        source: str | None = None,
        lang: str | None = None,
    ) -> Brief:
        """``prepare`` (on the lane) then ``abrief``."""
        prepared = await off_loop(self._prepare_kw, text, published, source, lang)
        return await self.abrief(prepared)

    def _prepare_kw(self, text: str | Article, published: Any, source: str | None, lang: str | None) -> Prepared:
        return self.prepare(text, published=published, source=source, lang=lang)

    def _finish(self, outcome: Outcome, ledger: Ledger, plan: ArticlePlan, started: float) -> Brief:
        asker = self.asker
        meta = Meta(
            model=asker.transport.model,
            endpoint=asker.transport.label,
            mode=asker.chosen_mode or asker.mode,
            prompt_id=outcome.prompt[0],
            prompt_version=outcome.prompt[1],
            published=plan.published.isoformat() if plan.published else None,
            source=plan.source,
            calls=len(ledger.calls),
            attempts=ledger.attempts,
            prompt_tokens=ledger.prompt_tokens,
            completion_tokens=ledger.completion_tokens,
            seconds=round(time.perf_counter() - started, 3),
            parts=outcome.parts,
            **plan.provenance.as_meta(),
        )
        brief = finish_brief(outcome.draft, outcome.grounded, meta, plan.article)
        brief = with_coverage(brief, as_index(plan.article))
        brief = with_quality_flags(brief, as_index(plan.article))
        self._progress(Progress("done", "brief written"))
        return brief

    # -- lifetime -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the transport's connections (a loaded local model stays loaded for the process)."""
        if self._asker is not None:
            close = getattr(self._asker.transport, "close", None)
            if callable(close):
                close()

    async def aclose(self) -> None:
        if self._asker is not None:
            aclose = getattr(self._asker.transport, "aclose", None)
            if callable(aclose):
                await aclose()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    async def __aenter__(self) -> Summarizer:
        return self

    async def __aexit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self.aclose()


def _degrade(question: Question, error: ModelError) -> BaseModel | None:
    """An optional question (a repair) may fail without failing the brief; a required one may not."""
    if not question.optional:
        raise error
    return None


def summarize(
    text: str | Article,
    *,
    published: str | date | None = None,
    settings: Settings | None = None,
    source: str | None = None,
    lang: str | None = None,
) -> Brief:
    """Write a grounded brief of one article.

    >>> brief = summarize(article_text, published="2024-02-02")  # doctest: +SKIP
    >>> brief.headline                                           # doctest: +SKIP
    >>> brief = summarize(load_article("page.html"), lang="en")  # doctest: +SKIP
    """
    return _default(settings).summarize(text, published=published, source=source, lang=lang)


async def asummarize(
    text: str | Article,
    *,
    published: str | date | None = None,
    settings: Settings | None = None,
    source: str | None = None,
    lang: str | None = None,
) -> Brief:
    """The async twin of :func:`summarize`."""
    return await _default(settings).asummarize(text, published=published, source=source, lang=lang)


_SHARED: dict[Settings, Summarizer] = {}


def _default(settings: Settings | None) -> Summarizer:
    # Reuse one Summarizer per configuration so a local model loads once per process.
    key = settings or settings_from_env()
    if key not in _SHARED:
        _SHARED[key] = Summarizer(key)
    return _SHARED[key]


__all__ = ["Middleware", "Prepared", "Summarizer", "asummarize", "brief_flow", "parse_published", "summarize"]
