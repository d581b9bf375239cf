"""Reading a 5W1H gold standard: the Giveme5W1H JSON files, as they are (the gold is never edited).

One JSON object per file; the fields used are ``text``, ``date_publish``, ``title`` and ``fiveWoneH``::

    {"who": {"label": "who", "annotated": [{"text": "Chinese boy", "coderPhraseCount": 3}]},
     "when": {"label": "when", "annotated": [{"text": "Sunday", "parsed": "2016-11-12", "coderPhraseCount": 3}]}}

``coderPhraseCount`` is how many coders chose the phrase. An entry with a count but no text is
the coders agreeing that the article has no answer to that question.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError

QUESTIONS: tuple[str, ...] = ("who", "what", "when", "where", "why", "how")


@dataclass(frozen=True)
class GoldAnswer:
    """One annotated phrase; ``text`` is None for an agreed "no answer".

    A ``when`` entry with a ``parsed`` date but no text is an answer all the same: the coders
    agreed on the day although no phrase in the article names it (matched by date only).
    """

    text: str | None
    count: int = 1
    parsed: str | None = None  # ISO date of a `when` phrase, as the coders resolved it

    @property
    def is_no_answer(self) -> bool:
        return not self.text and not self.parsed


@dataclass(frozen=True)
class GoldArticle:
    id: str
    text: str
    published: str | None  # YYYY-MM-DD
    title: str = ""
    publisher: str = ""
    category: str = ""
    url: str = ""
    gold: dict[str, tuple[GoldAnswer, ...]] = field(default_factory=dict)

    def answers(self, question: str) -> tuple[GoldAnswer, ...]:
        """The answers the coders gave (no-answer entries left out)."""
        return tuple(a for a in self.gold.get(question, ()) if not a.is_no_answer)

    def has_no_answer(self, question: str) -> bool:
        """The coders gave no phrase for ``question``: only no-answer entries, or none at all."""
        return not self.answers(question)


def _answer(raw: dict[str, Any]) -> GoldAnswer:
    text = raw.get("text")
    count = raw.get("coderPhraseCount")
    return GoldAnswer(
        text=text.strip() if isinstance(text, str) and text.strip() else None,
        count=int(count) if isinstance(count, int | float) and count > 0 else 1,
        parsed=raw.get("parsed") or None,
    )


def parse_article(data: dict[str, Any], *, article_id: str) -> GoldArticle:
    """One Giveme5W1H object to a :class:`GoldArticle`."""
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{article_id}: no article text")
    published = data.get("date_publish")
    five = data.get("fiveWoneH") or {}
    gold = {q: tuple(_answer(a) for a in (five.get(q) or {}).get("annotated") or []) for q in QUESTIONS}
    return GoldArticle(
        id=article_id,
        text=text,
        published=str(published)[:10] if published else None,
        title=data.get("title") or "",
        publisher=data.get("publisher") or "",
        category=data.get("category") or "",
        url=data.get("url") or "",
        gold=gold,
    )


def load_gold_article(path: Path) -> GoldArticle:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: not a readable Giveme5W1H JSON file ({error})") from None
    if not isinstance(data, dict) or "fiveWoneH" not in data:
        raise InputError(f"{path}: no 'fiveWoneH' gold in this file")
    return parse_article(data, article_id=path.stem)


def load_dataset(path: Path, *, limit: int | None = None, ids: list[str] | None = None) -> list[GoldArticle]:
    """Every ``*.json`` in a directory (sorted by name), or one file.

    ``ids`` keeps the files whose name starts with one of them (a hash prefix is enough).
    """
    path = Path(path)
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(path.glob("*.json"))
    else:
        raise InputError(f"{path}: no such file or directory")
    if ids:
        files = [f for f in files if any(f.stem.startswith(i) for i in ids)]
    if not files:
        raise InputError(f"{path}: no Giveme5W1H .json files")
    articles = [load_gold_article(f) for f in files]
    return articles[:limit] if limit else articles
