"""A local SQLite cache of finished briefs, so the same article is never paid for twice.

The key is everything a brief depends on: the article's content hash, the model (and for a local GGUF
the sha256 of its bytes), the endpoint's whole base URL (credentials and tokens removed), the texts of
the prompts, the draft schemas, the package version and the publication date used to resolve dates.
Change any of them and the entry no longer matches. A hit makes no LLM call.

>>> cache = BriefCache.open()                                   # doctest: +SKIP
>>> brief = cached_summarize(text, published="2024-02-02")      # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from functools import cache as memoize
from pathlib import Path
from typing import TYPE_CHECKING

from ..schema import SCHEMA_VERSION, Brief
from ..settings import Settings

if TYPE_CHECKING:
    from ..pipeline import Summarizer

CACHE_FILE = "briefs.sqlite3"


def default_cache_path() -> Path:
    """``briefs.sqlite3`` in the user cache dir (``BRIEF_CACHE_DIR`` overrides it)."""
    from ..llm.model_store import cache_dir

    return cache_dir() / CACHE_FILE


@memoize
def _prompt_identity(system_prompt: str) -> tuple[str, str]:
    from ..flow import build_messages

    # The pipeline's own (id, version) pair, so the cache can never disagree with meta.prompt_version.
    return build_messages("x", None, system_prompt=system_prompt)[1]


@memoize
def prompts_digest(system_prompt: str) -> str:
    """The texts of every prompt a brief may send, not their front-matter versions: an edit is a new key."""
    from ..prompts import load_prompt, load_system_prompt

    texts = [load_system_prompt(system_prompt).template]
    texts += [load_prompt(name).template for name in ("article", "facts", "rest", "repair", "merge", "language")]
    return _sha256("\0".join(texts))


@memoize
def schema_digest() -> str:
    """The JSON schemas the model fills in (the brief, the quote repairs, the merged lead)."""
    from ..merge import BriefLead
    from ..repair import QuoteRepairs
    from ..schema import BriefAnswer, BriefDraft

    schemas = [m.model_json_schema() for m in (BriefAnswer, BriefDraft, QuoteRepairs, BriefLead)]
    return _sha256(json.dumps(schemas, sort_keys=True))


def _model_identity(settings: Settings) -> str:
    """What answers: the model's name, and for a local GGUF the sha256 of its bytes (hashed once per file)."""
    from ..llm.model_store import GGUF_SHA256, file_sha256

    if settings.uses_endpoint:
        return settings.model_name
    digest = file_sha256(settings.gguf) if settings.gguf is not None else GGUF_SHA256
    return f"{settings.model_name}@sha256:{digest}"


def _endpoint_identity(settings: Settings) -> str:
    """The whole base URL (its path picks the deployment on many servers), credentials and tokens removed."""
    from ..sources.url import public_url

    if not settings.uses_endpoint:
        return "embedded"
    return public_url(settings.base_url or "https://api.openai.com/v1").rstrip("/")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class CacheKey:
    content_hash: str
    model: str
    endpoint: str
    prompt_id: str
    prompt_version: str
    schema_version: str
    published: str | None
    prompts: str = ""  # sha256 of the prompt texts
    schema: str = ""  # sha256 of the draft schemas
    package: str = ""  # brief's version: grounding and finishing change with it

    @classmethod
    def for_article(cls, content_hash: str, settings: Settings, published: date | None) -> CacheKey:
        from .. import __version__

        prompt_id, prompt_version = _prompt_identity(settings.prompt)
        return cls(
            content_hash=content_hash,
            model=_model_identity(settings),
            endpoint=_endpoint_identity(settings),
            prompt_id=prompt_id,
            prompt_version=prompt_version,
            schema_version=SCHEMA_VERSION,
            published=published.isoformat() if published else None,
            prompts=prompts_digest(settings.prompt),
            schema=schema_digest(),
            package=__version__,
        )

    @property
    def digest(self) -> str:
        raw = json.dumps(self.__dict__, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


class BriefCache:
    """Briefs by ``CacheKey``, in one SQLite file (WAL: readers never block the writer)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # A batch uses it from one thread (the event loop); check_same_thread=False lets a
        # sync caller hand it to asyncio.to_thread without a surprise.
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS briefs (key TEXT PRIMARY KEY, content_hash TEXT NOT NULL, model TEXT,"
            " endpoint TEXT, prompt TEXT, schema_version TEXT, brief TEXT NOT NULL, created REAL NOT NULL)"
        )

    @classmethod
    def open(cls, path: Path | None = None) -> BriefCache:
        return cls(path or default_cache_path())

    def get(self, key: CacheKey) -> Brief | None:
        row = self._db.execute("SELECT brief FROM briefs WHERE key = ?", (key.digest,)).fetchone()
        if row is None:
            return None
        try:
            return Brief.model_validate_json(row[0])
        except ValueError:  # written by an incompatible version: treat as a miss, it will be replaced
            return None

    def put(self, key: CacheKey, brief: Brief) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO briefs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key.digest, key.content_hash, key.model, key.endpoint, f"{key.prompt_id}@{key.prompt_version}",
             key.schema_version, brief.model_dump_json(), time.time()),
        )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM briefs").fetchone()[0])

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        count = len(self)
        self._db.execute("DELETE FROM briefs")
        self._db.execute("VACUUM")
        return count

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> BriefCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def clear_cache(path: Path | None = None) -> int:
    """Empty the brief cache (``brief batch --clear-cache``); returns how many briefs it held."""
    target = path or default_cache_path()
    if not target.exists():
        return 0
    with BriefCache(target) as cache:
        return cache.clear()


def cached_summarize(
    text: str,
    *,
    published: str | date | None = None,
    source: str | None = None,
    summarizer: Summarizer | None = None,
    cache: BriefCache | None = None,
) -> Brief:
    """:func:`summarizer.summarize` with the brief cache in front: a second call with the same article is free.

    >>> brief = cached_summarize(text, published="2024-02-02")  # doctest: +SKIP
    """
    from ..pipeline import Summarizer, parse_published
    from .inputs import content_hash

    writer = summarizer or Summarizer()
    day = parse_published(published)
    store = cache if cache is not None else BriefCache.open()
    try:
        key = CacheKey.for_article(content_hash(text), writer.settings, day)
        hit = store.get(key)
        if hit is not None:
            return hit.model_copy(update={"meta": hit.meta.model_copy(update={"source": source})})
        brief = writer.summarize(text, published=day, source=source)
        store.put(key, brief)
        return brief
    finally:
        if cache is None:
            store.close()
