"""What a batch reads: paths, directories and globs expanded into articles, each read lazily.

An input that cannot be used (missing, binary, empty, a glob that matches nothing) is not an
exception here: it becomes a failed item with the reason, so the rest of the batch goes on.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..article import MAX_INPUT_BYTES, Article, over_limit, read_article
from ..errors import InputError
from ..sources.url import public_url

ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm"})
_GLOB_CHARS = frozenset("*?[")


def content_hash(text: str) -> str:
    """The identity of an article's text: what the cache and the resume logic key on."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Item:
    """One input of a batch: a file to read, or text given directly, or a problem found while expanding."""

    index: int
    source: str
    path: Path | None = None
    text: str | None = None
    problem: str | None = None  # e.g. "no files match"; reading it raises InputError with this reason

    def read(self, max_bytes: int = MAX_INPUT_BYTES) -> Article:
        """The article, or ``InputError`` with a reason a person can act on; ``max_bytes`` caps every kind:
        a file, a saved page, and text given directly."""
        if self.problem is not None:
            raise InputError(f"{self.source}: {self.problem}")
        if self.text is not None:
            if len(self.text.encode("utf-8", "surrogatepass")) > max_bytes:
                raise over_limit(self.source, max_bytes)
            return Article(text=self.text, source=self.source)
        assert self.path is not None
        if self.path.suffix.lower() in {".html", ".htm"}:
            from ..sources import load_article  # a saved page: brief its article body, not its markup

            return load_article(self.path, max_bytes=max_bytes)
        return read_article(self.path, max_bytes)


def _article_files(directory: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            Path(root, name) for name in sorted(files)
            if not name.startswith(".") and Path(name).suffix.lower() in ARTICLE_SUFFIXES
        )
    return found


def expand_paths(patterns: Iterable[str | Path]) -> list[Item]:
    """Files as given, directories walked for article files (.txt, .md, .html), globs expanded (``**`` too).

    Each file appears once, however many patterns name it, in the order first named.
    """
    items: list[Item] = []
    seen: set[str] = set()

    def add(path: Path, source: str | None = None) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            items.append(Item(index=len(items), source=source or str(path), path=path))

    for pattern in patterns:
        text = str(pattern)
        path = Path(text).expanduser()
        if path.is_dir():
            files = _article_files(path)
            if not files:
                items.append(Item(len(items), text, problem="no article files (.txt, .md, .html) in this directory"))
            for file in files:
                add(file)
        elif not path.exists() and _GLOB_CHARS & set(text):
            matches = [Path(m) for m in sorted(glob.glob(os.path.expanduser(text), recursive=True))]
            files = [m for m in matches if m.is_file()]
            for directory in (m for m in matches if m.is_dir()):
                files.extend(_article_files(directory))
            if not files:
                items.append(Item(len(items), text, problem="no files match this pattern"))
            for file in files:
                add(file)
        else:
            add(path, text)  # a missing file is read later and fails with a clear reason
    return items


def as_items(texts_or_paths: Iterable[str | Path | Article]) -> Iterable[Item]:
    """Python inputs to items, lazily: ``Path`` is a file, ``Article`` is text with its source, ``str`` is text."""
    for index, value in enumerate(texts_or_paths):
        if isinstance(value, Path):
            yield Item(index, str(value), path=value)
        elif isinstance(value, Article):
            # A URL as the source is shown and stored (JSONL, failures) without credentials or tokens.
            yield Item(index, public_url(value.source), text=value.text)
        elif isinstance(value, str):
            yield Item(index, f"<text {index}>", text=value)
        else:
            yield Item(index, f"<input {index}>", problem=f"not an article: {type(value).__name__}")
