"""Everything decided about an article before the model is asked: its text, date, language and parts.

Plain code, no model: ``Summarizer.prepare`` calls ``plan_article`` and hands the result to the flow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from .article import Article
from .chunking import Part, article_budget, split_article, token_counter
from .errors import InputError
from .language import LanguagePlan, plan_language
from .settings import Settings
from .sources.url import public_url


@dataclass(frozen=True)
class Provenance:
    """Where the text came from and what language it is in: the ``Meta`` fields decided before the model.

    Typed, so a misspelt field is an error where it is written, not a key pydantic silently drops.
    """

    title: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None
    extracted_from: str | None = None
    published_from: str | None = None
    language: str | None = None
    brief_language: str | None = None

    def as_meta(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class ArticlePlan:
    """What ``plan_article`` decided: the text, its date and source, its parts, its language, its provenance."""

    article: str
    published: date | None
    source: str | None
    parts: list[Part]
    language: LanguagePlan
    provenance: Provenance = field(default_factory=Provenance)


def parse_published(value: str | date | None) -> date | None:
    """``2024-02-02`` (or a ``date``) to a ``date``; anything else is a clear input error."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise InputError(f"--published must be a date like 2024-02-02, not {value!r}") from None


def plan_article(
    text: str | Article,
    settings: Settings,
    *,
    published: str | date | None = None,
    source: str | None = None,
    lang: str | None = None,
) -> ArticlePlan:
    """Resolve the text and its metadata, plan the language, and split an article too long for one call."""
    published = parse_published(published)
    page: dict[str, str | None] = {}
    published_from: str | None = None
    if isinstance(text, Article):
        source = source or text.source
        page_meta = getattr(text, "meta", None)
        page = page_meta() if callable(page_meta) else {}
        page_date = getattr(text, "published", None)
        if published is None and page_date is not None:
            published, published_from = page_date, "page"
        text = text.text
    # A URL given as the source (or a page's canonical URL) may carry credentials or tokens: from here on
    # (errors, meta, JSONL, the cache, chat footers) only its public form is used, whoever gave it.
    source = public_url(source) if source else source
    if page.get("url"):
        page = {**page, "url": public_url(str(page["url"]))}
    if not isinstance(text, str) or not text.strip():
        # The one empty check, for every way in (a file, stdin, a page, a URL, a batch, a watched folder).
        raise InputError(f"{source}: the article is empty" if source else "the article is empty")
    if published is not None and published_from is None:
        published_from = "given"
    language = plan_language(text, lang)
    budget = article_budget(settings)
    parts = split_article(text, budget, token_counter(settings))
    if len(parts) > settings.max_parts:
        raise InputError(
            f"{source or 'the article'}: too long — {len(parts)} parts of up to {budget:,} tokens each, "
            f"over the limit of {settings.max_parts} (BRIEF_MAX_PARTS)"
        )
    provenance = Provenance(
        **{key: page.get(key) for key in ("title", "author", "site", "url", "extracted_from")},
        published_from=published_from,
        language=language.detected,
        brief_language=language.target if language.instruction else None,
    )
    return ArticlePlan(text, published, source, parts, language, provenance)
