"""Everything decided about an article before the model is asked: its text, date, language and parts.

Plain code, no model: the pipeline's entry points call ``prepare_job`` and hand the result to the flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .article import Article
from .chunking import Part, article_budget, split_article, token_counter
from .errors import InputError
from .language import LanguagePlan, plan_language
from .settings import Settings


@dataclass(frozen=True)
class Job:
    article: str
    published: date | None
    source: str | None
    parts: list[Part]
    language: LanguagePlan
    about: dict[str, Any] = field(default_factory=dict)  # Meta fields on where the text came from


def prepare_job(
    text: str | Article,
    settings: Settings,
    *,
    published: date | None = None,
    source: str | None = None,
    lang: str | None = None,
) -> Job:
    """Resolve the text and its metadata, plan the language, and split an article too long for one call."""
    about: dict[str, Any] = {}
    if isinstance(text, Article):
        source = source or text.source
        page_meta = getattr(text, "meta", None)
        about = page_meta() if callable(page_meta) else {}
        page_date = getattr(text, "published", None)
        if published is None and page_date is not None:
            published, about["published_from"] = page_date, "page"
        text = text.text
    if not isinstance(text, str) or not text.strip():
        raise InputError("the article is empty")
    if published is not None and "published_from" not in about:
        about["published_from"] = "given"
    language = plan_language(text, lang)
    budget = article_budget(settings)
    parts = split_article(text, budget, token_counter(settings))
    if len(parts) > settings.max_parts:
        raise InputError(
            f"{source or 'the article'}: too long — {len(parts)} parts of up to {budget:,} tokens each, "
            f"over the limit of {settings.max_parts} (BRIEF_MAX_PARTS)"
        )
    about |= {"language": language.detected, "brief_language": language.target if language.instruction else None}
    return Job(text, published, source, parts, language, about)
