"""``Document``: an article and what its page said about itself (a module of its own: no import cycle)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..article import Article


@dataclass(frozen=True)
class Document(Article):
    """An article and what its page said about it (None when the page did not say, or it was plain text)."""

    title: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None
    published: date | None = None
    extracted_from: str | None = None  # "html" (a page) or "url" (a fetched page); None for text as given

    def meta(self) -> dict[str, Any]:
        """The fields a brief's ``Meta`` records about where its text came from."""
        return {
            "title": self.title,
            "author": self.author,
            "site": self.site,
            "url": self.url,
            "extracted_from": self.extracted_from,
        }
