"""Article in, ``Brief`` out: the one path every entry point (CLI, Python, batch) goes through.

The steps are written once, as a generator that *yields* each question for the model and
receives the answer (``brief_flow``). The sync and async entry points only drive it, so
there is one design, not two copies:

    prepare messages → ask for a BriefDraft → ground it in the article
        → (one targeted re-ask for unverifiable quotes) → Brief
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import BaseModel

from .article import Article
from .chunking import Part
from .clean import clean_for_model
from .errors import InputError, ModelError
from .finish import finish_brief
from .grounding.check import Grounded, apply_repairs, complete_from_article, give_up_on_failures, ground
from .job import Job, prepare_job
from .lane import off_loop
from .language import LanguagePlan
from .llm.ask import Asker, Ledger
from .prompts import load_prompt, load_system_prompt
from .repair import QuoteRepairs, build_repair_messages, repairs_by_index
from .schema import Brief, BriefDraft
from .settings import Settings, settings_from_env

Phase = Callable[[str], None]  # progress: called with a short description of what is happening


def parse_published(value: str | date | None) -> date | None:
    """``2024-02-02`` (or a ``date``) to a ``date``; anything else is a clear input error."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InputError(f"--published must be a date like 2024-02-02, not {value!r}") from None


def build_messages(
    article_text: str,
    published: date | None,
    language: LanguagePlan | None = None,
    *,
    system_prompt: str = "brief",
) -> tuple[list[dict[str, str]], tuple[str, str]]:
    """System instructions and the article as delimited data; returns the prompt id and version too.

    ``language`` adds its instruction (brief in another language, quotes verbatim) when it has one;
    ``system_prompt`` names the instructions' file in ``prompts/`` (``Settings.prompt``).
    """
    system = load_system_prompt(system_prompt)
    user = load_prompt("article")
    body = re.sub(r"[ \t]+(?=\n|$)", "", clean_for_model(article_text)).strip()
    body = re.sub(r"\n{3,}", "\n\n", body)
    # A closing tag inside the article must not end the data block early.
    body = body.replace("</article>", "</ article>")
    instruction = language.instruction if language else None
    messages = [
        {"role": "system", "content": system.template + (instruction + "\n" if instruction else "")},
        {
            "role": "user",
            "content": user.render(published=published.isoformat() if published else "unknown", article=body),
        },
    ]
    version = f"{system.version}+{user.id}.{user.version}" + (f"+{language.prompt_tag}" if instruction else "")
    return messages, (system.id, version)


@dataclass(frozen=True)
class Question:
    """One thing the flow needs from the model."""

    messages: list[dict[str, str]]
    response_model: type[BaseModel]
    phase: str
    optional: bool = False  # a failure here degrades the brief instead of failing it
    flow: Any = None  # the flow that asked, so drivers can answer it


@dataclass
class Outcome:
    draft: BriefDraft
    grounded: Grounded
    prompt: tuple[str, str]
    parts: int = 1  # a long article is briefed in parts, then merged (merge.py)


Flow = Generator[Question, BaseModel | None, Outcome]
Begun = tuple[Job, Question | Outcome]  # a prepared job and its flow's first step


def brief_flow(
    article: str,
    published: date | None,
    repair_calls: int,
    *,
    parts: list[Part] | None = None,
    language: LanguagePlan | None = None,
    system_prompt: str = "brief",
) -> Flow:
    """The whole brief, as a conversation with the model; I/O-free so tests can drive it.

    ``parts`` (from ``chunking.split_article``): more than one, and each is briefed by this same
    flow, then merged into one brief whose spans point into the whole article (``merge.py``).
    """
    if parts and len(parts) > 1:
        from .merge import brief_in_parts  # merge builds on this flow

        return (yield from brief_in_parts(article, parts, published, repair_calls, language, system_prompt))
    messages, prompt = build_messages(article, published, language, system_prompt=system_prompt)
    draft = yield Question(messages, BriefDraft, "reading the article and writing the brief")
    assert isinstance(draft, BriefDraft)
    grounded = ground(draft, article, published)
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
        apply_repairs(article, grounded, repairs_by_index(answer, grounded.failures))
    give_up_on_failures(grounded)
    complete_from_article(article, grounded)
    return Outcome(draft, grounded, prompt)


def _advance(flow: Flow, answer: BaseModel | None) -> Question | Outcome:
    """Feed the model's answer to the flow; get its next question, or its outcome when done."""
    try:
        question = flow.send(answer)
    except StopIteration as done:
        return done.value
    return replace(question, flow=flow)


def _degrade(question: Question, error: ModelError) -> None:
    """An optional question (a repair) may fail without failing the brief; a required one may not."""
    if not question.optional:
        raise error
    return None


def _check_text(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError("the article is empty")
    return text


class Summarizer:
    """A configured brief writer: holds the transport (and a loaded local model) across calls."""

    def __init__(self, settings: Settings | None = None, *, on_phase: Phase | None = None) -> None:
        self.settings = settings or settings_from_env()
        self.on_phase = on_phase or (lambda _phase: None)
        self._asker: Asker | None = None

    def _get_asker(self) -> Asker:
        if self._asker is None:
            from .llm.factory import make_transport

            transport = make_transport(self.settings, on_phase=self.on_phase)
            s = self.settings
            self._asker = Asker(
                transport=transport,
                mode=s.mode,
                max_retries=s.max_retries,
                transport_attempts=s.transport_attempts,
                deadline=s.deadline,
                temperature=s.temperature,
            )
        return self._asker

    def _job(self, text: str | Article, published: str | date | None, source: str | None, lang: str | None) -> Job:
        text = text if isinstance(text, Article) else _check_text(text)
        return prepare_job(text, self.settings, published=parse_published(published), source=source, lang=lang)

    def _begin(self, text: str | Article, published: str | date | None, source: str | None, lang: str | None) -> Begun:
        """Prepare the job and get the flow's first question: the CPU work before the first call."""
        job = self._job(text, published, source, lang)
        return job, _advance(self._flow(job), None)

    def _flow(self, job: Job) -> Flow:
        return brief_flow(
            job.article,
            job.published,
            self.settings.repair_calls,
            parts=job.parts,
            language=job.language,
            system_prompt=self.settings.prompt,
        )

    def summarize(
        self,
        text: str | Article,
        *,
        published: str | date | None = None,
        source: str | None = None,
        lang: str | None = None,
    ) -> Brief:
        """Brief ``text``: a string, or an ``Article``/``Document`` (``sources.load_article``) with its metadata.

        ``lang`` (ISO 639-1, e.g. ``"en"``) asks for the brief in that language; quotes stay verbatim.
        """
        job, step = self._begin(text, published, source, lang)
        asker, ledger, started = self._get_asker(), Ledger(), time.perf_counter()
        while isinstance(step, Question):
            self.on_phase(step.phase)
            try:
                answer = asker.ask(step.messages, step.response_model, ledger)
            except ModelError as error:
                answer = _degrade(step, error)
            step = _advance(step.flow, answer)
        self.on_phase("checking the brief against the article")
        return self._finish(step, asker, ledger, job, started)

    async def asummarize(
        self,
        text: str | Article,
        *,
        published: str | date | None = None,
        source: str | None = None,
        lang: str | None = None,
    ) -> Brief:
        begun = await off_loop(self._begin, text, published, source, lang)
        return await self._acontinue(begun)

    async def _acontinue(self, begun: Begun) -> Brief:
        """Ask the model the flow's questions and finish the brief; ``begun`` comes from ``_begin``.

        The CPU-bound steps run on the lane (``lane.py``), so the event loop only waits on the model.
        """
        job, step = begun
        asker, ledger, started = self._get_asker(), Ledger(), time.perf_counter()
        while isinstance(step, Question):
            try:
                answer = await asker.aask(step.messages, step.response_model, ledger)
            except ModelError as error:
                answer = _degrade(step, error)
            step = await off_loop(_advance, step.flow, answer)
        return self._finish(step, asker, ledger, job, started)

    def _finish(self, outcome: Outcome, asker: Asker, ledger: Ledger, job: Job, started: float) -> Brief:
        published, source = job.published, job.source
        meta: dict[str, Any] = {
            "model": asker.transport.model,
            "endpoint": asker.transport.label,
            "mode": asker.chosen_mode or asker.mode,
            "prompt_id": outcome.prompt[0],
            "prompt_version": outcome.prompt[1],
            "published": published.isoformat() if published else None,
            "source": source,
            "calls": len(ledger.calls),
            "attempts": ledger.attempts,
            "prompt_tokens": ledger.prompt_tokens,
            "completion_tokens": ledger.completion_tokens,
            "seconds": round(time.perf_counter() - started, 3),
            "parts": outcome.parts,
            **job.about,
        }
        return finish_brief(outcome.draft, outcome.grounded, meta)


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
