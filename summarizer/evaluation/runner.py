"""Writing the briefs an evaluation scores: one per gold article, failures kept as data, not raised."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from ..errors import BriefError
from ..pipeline import Summarizer
from ..prompts import Prompt, load_prompt
from ..schema import Brief
from ..settings import Settings
from .loader import GoldArticle


@dataclass
class ArticleRun:
    """The brief written for one gold article, or why there is none."""

    article: GoldArticle
    brief: Brief | None
    error: str | None = None
    seconds: float = 0.0  # wall time of this brief, retries and repairs included


@contextmanager
def system_prompt(name: str | None) -> Iterator[Prompt | None]:
    """Use ``prompts/NAME.md`` as the system prompt instead of ``prompts/brief.md``.

    The pipeline loads its system prompt by the fixed name ``brief``; until it takes a prompt
    name from its settings, an evaluation of a prompt variant swaps the file it loads, for the
    duration of the run only. Its id and version land in ``meta.prompt_id``/``prompt_version``.
    """
    if name is None or name == "brief":
        yield None
        return
    try:
        alternative = load_prompt(name)
    except OSError:
        from ..errors import InputError

        raise InputError(f"--prompt {name!r}: no prompts/{name}.md") from None
    from .. import pipeline

    def load(requested: str) -> Prompt:
        return alternative if requested == "brief" else load_prompt(requested)

    with mock.patch.object(pipeline, "load_prompt", load):
        yield alternative


def brief_articles(
    articles: list[GoldArticle],
    settings: Settings,
    *,
    prompt: str | None = None,
    on_done: Callable[[ArticleRun], None] | None = None,
    summarizer: Summarizer | None = None,
) -> list[ArticleRun]:
    """Brief each article with its own publication date; a model failure is recorded and the run goes on."""
    writer = summarizer or Summarizer(settings)
    runs: list[ArticleRun] = []
    with system_prompt(prompt):
        for article in articles:
            started = time.perf_counter()
            try:
                brief = writer.summarize(article.text, published=article.published, source=article.id)
                run = ArticleRun(article, brief, seconds=time.perf_counter() - started)
            except BriefError as error:
                run = ArticleRun(article, None, error=str(error), seconds=time.perf_counter() - started)
            runs.append(run)
            if on_done is not None:
                on_done(run)
    return runs
