"""One call from gold articles to a report: brief each article, score it, aggregate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..pipeline import Summarizer
from ..prompts import load_system_prompt
from ..settings import Settings
from .loader import GoldArticle
from .runner import ArticleRun, brief_articles
from .scoring import build_report


def describe(settings: Settings) -> dict[str, Any]:
    """What the report records about how its briefs were written (never the key)."""
    return {
        "model": settings.model_name,
        "endpoint": settings.endpoint_label,
        "mode": settings.mode,
        "max_retries": settings.max_retries,
        "repair_calls": settings.repair_calls,
        "temperature": settings.temperature,
        "prompt": settings.prompt,
    }


def evaluate(
    articles: list[GoldArticle],
    settings: Settings,
    *,
    dataset: str = "",
    prompt: str | None = None,
    on_progress: Callable[[int, ArticleRun], None] | None = None,
    summarizer: Summarizer | None = None,
) -> dict[str, Any]:
    """Brief and score ``articles``; returns the report :func:`.scoring.build_report` describes.

    ``prompt`` names a system prompt variant (``prompts/NAME.md``) for this run: ``Settings.prompt``.

    >>> from summarizer.evaluation import evaluate, load_dataset          # doctest: +SKIP
    >>> report = evaluate(load_dataset("giveme5w1h-dev"), settings)      # doctest: +SKIP
    >>> report["overall"]["precision_first_four"]                         # doctest: +SKIP
    """
    settings = settings.with_overrides(prompt=prompt)
    load_system_prompt(settings.prompt)  # an unknown name fails before any brief is written
    done: list[ArticleRun] = []

    def track(run: ArticleRun) -> None:
        done.append(run)
        if on_progress is not None:
            on_progress(len(done), run)

    runs = brief_articles(articles, settings, on_done=track, summarizer=summarizer)
    report = build_report(runs, dataset=dataset, settings=describe(settings))
    # The brief's meta says which mode `auto` settled on; record it next to the one asked for.
    modes = sorted({r.brief.meta.mode for r in runs if r.brief is not None})
    report["settings"]["modes_used"] = modes
    if runs and runs[0].brief is not None:
        meta = runs[0].brief.meta
        report["settings"]["prompt"] = f"{meta.prompt_id} v{meta.prompt_version} ({settings.prompt})"
    return report
