"""The article in a news page: its body and metadata, without navigation, ads, share buttons or comments.

``trafilatura`` does the extraction (main-content detection, boilerplate removal, metadata from
JSON-LD, OpenGraph, ``<meta>`` and ``<time>``; the publication date via ``htmldate``). The text it
returns is what gets briefed, so every span in the brief points into it, not into the HTML.
"""

from __future__ import annotations

import logging
from datetime import date

from ..controls import strip_controls
from ..errors import InputError
from .document import Document


def extract_article(page: str, source: str, url: str | None = None, *, origin: str = "html") -> Document:
    """The article text and metadata of an HTML page; ``InputError`` when the page holds no article text."""
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its per-page chatter is not ours to show
    found = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )
    text = strip_controls(getattr(found, "text", None) or "").strip()
    title = _clean(getattr(found, "title", None))
    text = _without_leading_title(text, title)
    if not _has_prose(text):
        raise InputError(f"no article text found in {source}")
    return Document(
        text=text,
        source=source,
        title=title,
        author=_clean(getattr(found, "author", None)),
        site=_clean(getattr(found, "sitename", None)) or _clean(getattr(found, "hostname", None)),
        url=_clean(getattr(found, "url", None)) or url,
        published=_as_date(getattr(found, "date", None)),
        extracted_from=origin,
    )


def _has_prose(text: str, min_words: int = 15) -> bool:
    # On a page with no article, extraction falls back to whatever text is left ("Home World
    # Advertisement"): menu items and labels, not sentences. An article has sentences.
    return sum(len(words) for line in text.splitlines() if len(words := line.split()) >= 6) >= min_words


def _without_leading_title(text: str, title: str | None) -> str:
    # The page's <h1> repeats the title, which is metadata: the brief writes its own headline.
    first, _, rest = text.partition("\n")
    if title and rest and " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
        return rest.strip()
    return text


def _clean(value: object) -> str | None:
    text = " ".join(strip_controls(str(value)).split()) if value else ""
    return text or None


def _as_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
