"""Writing the briefs an evaluation scores: one per gold article, failures kept as data, not raised."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import BriefError
from ..pipeline import Summarizer
from ..schema import Brief
from ..settings import Settings


class Briefable(Protocol):
    """What a gold article of any dataset offers the runner."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def published(self) -> str | None: ...


@dataclass
class ArticleRun:
    """The brief written for one gold article, or why there is none."""

    article: Any  # the dataset's own article type (GoldArticle, AttributedArticle): scorers read its gold
    brief: Brief | None
    error: str | None = None
    seconds: float = 0.0  # wall time of this brief, retries and repairs included


def brief_articles(
    articles: Sequence[Briefable],
    settings: Settings,
    *,
    on_done: Callable[[ArticleRun], None] | None = None,
    summarizer: Summarizer | None = None,
) -> list[ArticleRun]:
    """Brief each article with its own publication date; a model failure is recorded and the run goes on."""
    writer = summarizer or Summarizer(settings)
    runs: list[ArticleRun] = []
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
