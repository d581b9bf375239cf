"""One call from gold articles to a report: brief each article, score it, aggregate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..pipeline import Summarizer
from ..prompts import load_system_prompt
from ..settings import Settings
from .attribution import AttributedArticle, attribution_report
from .loader import GoldArticle
from .runner import ArticleRun, Briefable, brief_articles
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


def _brief_all(
    articles: Sequence[Briefable],
    settings: Settings,
    prompt: str | None,
    on_progress: Callable[[int, ArticleRun], None] | None,
    summarizer: Summarizer | None,
) -> tuple[list[ArticleRun], Settings]:
    settings = settings.with_overrides(prompt=prompt)
    load_system_prompt(settings.prompt)  # an unknown name fails before any brief is written
    done: list[ArticleRun] = []

    def track(run: ArticleRun) -> None:
        done.append(run)
        if on_progress is not None:
            on_progress(len(done), run)

    return brief_articles(articles, settings, on_done=track, summarizer=summarizer), settings


def _describe_run(report: dict[str, Any], runs: list[ArticleRun], settings: Settings) -> dict[str, Any]:
    # The brief's meta says which mode `auto` settled on; record it next to the one asked for.
    report["settings"]["modes_used"] = sorted({r.brief.meta.mode for r in runs if r.brief is not None})
    if runs and runs[0].brief is not None:
        meta = runs[0].brief.meta
        report["settings"]["prompt"] = f"{meta.prompt_id} v{meta.prompt_version} ({settings.prompt})"
    return report


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
    runs, settings = _brief_all(articles, settings, prompt, on_progress, summarizer)
    return _describe_run(build_report(runs, dataset=dataset, settings=describe(settings)), runs, settings)


def recorded_runs(articles: Sequence[Briefable], briefs_file: Path) -> list[ArticleRun]:
    """The recorded brief of each article (``--briefs``: JSONL ``{"id": …, "brief": {…}}``), no model.

    An article without a recorded brief counts as a failure, so two recordings compare on the same articles.
    """
    from ..event.inputs import read_briefs

    recorded = read_briefs(briefs_file)
    return [
        ArticleRun(a, recorded.get(a.id), None if a.id in recorded else "no recorded brief",
                   recorded[a.id].meta.seconds if a.id in recorded else 0.0)
        for a in articles
    ]


def evaluate_recorded(articles: Sequence[Briefable], briefs_file: Path, *, dataset: str = "") -> dict[str, Any]:
    """Score recorded briefs: the 5W1H report, or the attribution report for PolNeAR articles."""
    runs = recorded_runs(articles, briefs_file)
    first = next((r.brief for r in runs if r.brief is not None), None)
    settings: dict[str, Any] = {"briefs": str(briefs_file)}
    if first is not None:  # how the recording was written, as its briefs say
        meta = first.meta
        settings |= {"model": meta.model, "endpoint": meta.endpoint, "mode": meta.mode,
                     "prompt": f"{meta.prompt_id} v{meta.prompt_version}"}
    if articles and isinstance(articles[0], AttributedArticle):
        return attribution_report(runs, dataset=dataset, settings=settings)
    return build_report(runs, dataset=dataset, settings=settings)


def evaluate_attribution(
    articles: list[AttributedArticle],
    settings: Settings,
    *,
    dataset: str = "",
    prompt: str | None = None,
    on_progress: Callable[[int, ArticleRun], None] | None = None,
    summarizer: Summarizer | None = None,
) -> dict[str, Any]:
    """Brief PolNeAR ``articles`` and score who said what (:func:`.attribution.attribution_report`)."""
    runs, settings = _brief_all(articles, settings, prompt, on_progress, summarizer)
    return _describe_run(attribution_report(runs, dataset=dataset, settings=describe(settings)), runs, settings)
