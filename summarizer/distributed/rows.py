"""The rows a distributed batch reads and writes: plain dicts, so any engine (Ray Data, pandas, Spark) can carry them.

A row in has ``text``, or ``path`` (a file the worker can read) or ``url``; optionally ``published``
(YYYY-MM-DD) and ``id``. A row out (``OUTPUT_COLUMNS``) has the same ``id`` and either ``brief``
(the brief's JSON, as a string) or ``error``/``reason``/``exit_code``; both kinds carry ``content_hash``,
``key``, tokens and seconds. A row that cannot be read or briefed is a row with its error, never a crash.

``key`` is what makes a rerun skip work already done: the article's content hash plus everything else
a brief depends on (model, prompt id and version, schema version, publication date). The endpoint is
left out on purpose: the same model behind another server (or a pool) gives the same brief.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from ..article import Article
from ..batch.inputs import Item, content_hash
from ..errors import EXIT_INPUT, BriefError, InputError
from ..schema import SCHEMA_VERSION
from ..settings import Settings

INPUT_COLUMNS = ("id", "text", "path", "url", "published")
# name → pyarrow type name; one schema for every block, so Parquet parts and JSONL lines agree.
OUTPUT_COLUMNS: dict[str, str] = {
    "id": "string",
    "source": "string",
    "content_hash": "string",
    "key": "string",
    "published": "string",
    "model": "string",
    "prompt": "string",
    "brief": "string",
    "error": "string",
    "reason": "string",
    "exit_code": "int64",
    "calls": "int64",
    "prompt_tokens": "int64",
    "completion_tokens": "int64",
    "seconds": "float64",
    "run": "string",
}


@cache
def prompt_identity(system_prompt: str) -> str:
    """``brief v3+article.1``: the system prompt's id and the version of everything the model reads."""
    from ..flow import build_messages

    prompt_id, version = build_messages("x", None, system_prompt=system_prompt)[1]
    return f"{prompt_id} {version}"


def brief_key(digest: str, settings: Settings, published: str | None) -> str:
    """What a brief depends on, hashed: the same key means the same brief, so a rerun skips it."""
    parts = [digest, settings.model_name, prompt_identity(settings.prompt), SCHEMA_VERSION, published or ""]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def _text(value: Any) -> str | None:
    # Parquet and pandas give NaN or None for a missing cell; both mean "not given".
    return value if isinstance(value, str) and value != "" else None


@dataclass(frozen=True)
class Loaded:
    """A row in, read: its text (or why there is none) and its key."""

    id: str
    source: str
    published: str | None
    text: str | None = None
    content_hash: str | None = None
    key: str | None = None
    error: BriefError | None = None


def row_id(row: Mapping[str, Any], index: int) -> str:
    """The row's ``id``; else its path or URL; else its position (``row N``)."""
    for name in ("id", "path", "url"):
        value = row.get(name)
        if value is not None and not (isinstance(value, float) and value != value):  # NaN
            return str(value)
    return f"row {index}"


def published_of(row: Mapping[str, Any], default: str | None) -> str | None:
    """The row's own ``published`` (checked), else the job's."""
    from ..prepare import parse_published

    given = _text(row.get("published")) or default
    day = parse_published(given) if given else None
    return day.isoformat() if isinstance(day, date) else None


def read_row(row: Mapping[str, Any], index: int, settings: Settings, published: str | None = None) -> Loaded:
    """Read a row's article (the text, the file or the page) and key it; a bad row keeps its reason."""
    ident = row_id(row, index)
    text, path, url = _text(row.get("text")), _text(row.get("path")), _text(row.get("url"))
    source = path or url or ident
    try:
        day = published_of(row, published)
    except InputError as error:
        return Loaded(ident, source, None, error=InputError(f"{ident}: {error}"))
    try:
        if text is not None:
            article = Item(index, source, text=text).read()
        elif path is not None:
            article = Item(index, source, path=Path(path)).read()
        elif url is not None:
            from ..sources import load_article

            article = load_article(url, max_bytes=settings.max_input_bytes, timeout=settings.fetch_timeout)
        else:
            raise InputError(f"{ident}: the row has no text, path or url")
    except BriefError as error:
        return Loaded(ident, source, day, error=error)
    digest = content_hash(article.text)
    return Loaded(ident, source, day, article.text, digest, brief_key(digest, settings, day))


def as_article(loaded: Loaded) -> Article:
    assert loaded.text is not None
    return Article(text=loaded.text, source=loaded.source)


def output_row(
    loaded: Loaded,
    settings: Settings,
    run: str,
    *,
    brief: Any = None,
    error: BaseException | None = None,
    seconds: float = 0.0,
) -> dict[str, Any]:
    """One row out: the brief as JSON, or the error with its exit code; tokens and seconds either way."""
    meta = getattr(brief, "meta", None)
    failed = error if error is not None else (loaded.error if brief is None else None)
    return {
        "id": loaded.id,
        "source": loaded.source,
        "content_hash": loaded.content_hash,
        "key": loaded.key,
        "published": loaded.published,
        "model": settings.model_name,
        "prompt": prompt_identity(settings.prompt),
        "brief": brief.model_dump_json() if brief is not None else None,
        "error": type(failed).__name__ if failed is not None else None,
        "reason": str(failed) if failed is not None else None,
        "exit_code": int(getattr(failed, "exit_code", 1)) if failed is not None else 0,
        "calls": int(getattr(meta, "calls", 0)),
        "prompt_tokens": int(getattr(meta, "prompt_tokens", 0)),
        "completion_tokens": int(getattr(meta, "completion_tokens", 0)),
        "seconds": round(float(seconds), 4),
        "run": run,
    }


def output_schema() -> Any:
    """The ``pyarrow.schema`` of rows out (pyarrow is imported here, on first use)."""
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, kind)()) for name, kind in OUTPUT_COLUMNS.items()])


def settles(row: Mapping[str, Any]) -> bool:
    """Whether a row out ends its key's story: a brief, or input that will never brief (it would fail again).

    A model failure does not: a rerun tries it again.
    """
    if row.get("key") is None:
        return False
    return row.get("brief") is not None or row.get("exit_code") == EXIT_INPUT


__all__ = [
    "INPUT_COLUMNS",
    "OUTPUT_COLUMNS",
    "Loaded",
    "as_article",
    "brief_key",
    "output_row",
    "output_schema",
    "prompt_identity",
    "published_of",
    "read_row",
    "row_id",
    "settles",
]
