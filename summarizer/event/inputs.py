"""Reading an event's articles (files, saved pages, URLs, a folder, Giveme5W1H JSON) and recorded briefs.

The I/O edge of ``summarizer.event``: everything here returns ``sources.EventArticle`` values (text and
metadata) or briefs read from a JSONL file; the merge never reads a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..schema import Brief
from .sources import EventArticle

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json")


def _published(raw: object) -> str | None:
    """'2016-11-09 08:46:26' → '2016-11-09T08:46:26'; a midnight stamp is a date alone (the time is unknown)."""
    if not raw:
        return None
    text = str(raw).strip().replace(" ", "T")
    return text[:10] if text.endswith("T00:00:00") else text


def from_giveme5w1h(data: dict[str, Any], origin: str) -> EventArticle:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{origin}: no article text")
    return EventArticle(text=text, origin=origin, outlet=str(data.get("publisher") or Path(origin).stem),
                   title=data.get("title") or None, published=_published(data.get("date_publish")))


def load_one(target: str, max_bytes: int | None = None) -> tuple[EventArticle, dict[str, Any]]:
    """One article, and the raw fields of a JSON article (for ``--group-by``)."""
    path = Path(target)
    if path.suffix.lower() == ".json" and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(f"{target}: not a readable JSON article ({error})") from None
        if not isinstance(data, dict):
            raise InputError(f"{target}: a JSON article must be an object with a 'text' field")
        return from_giveme5w1h(data, path.stem), data
    from ..sources import load_article

    doc = load_article(target, **({"max_bytes": max_bytes} if max_bytes else {}))
    outlet = doc.site or (doc.url.split("/")[2] if doc.url and "//" in doc.url else Path(target).stem)
    published = doc.published.isoformat() if doc.published else None
    return EventArticle(text=doc.text, origin=target, outlet=outlet, title=doc.title, published=published), {}


def expand(targets: list[str]) -> list[str]:
    """Folders become their article files (sorted); files and URLs stay as given."""
    out: list[str] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
            if not files:
                raise InputError(f"{target}: no article files ({', '.join(ARTICLE_SUFFIXES)}) in this folder")
            out.extend(str(f) for f in files)
        else:
            out.append(target)
    return out


def load_articles(targets: list[str], group_by: str | None = None) -> dict[str, list[EventArticle]]:
    """The articles of ``targets``, as one event, or grouped by a JSON field (``--group-by category``)."""
    groups: dict[str, list[EventArticle]] = {}
    for target in expand(targets):
        article, raw = load_one(target)
        key = str(raw.get(group_by) or "(none)") if group_by else "event"
        groups.setdefault(key, []).append(article)
    return groups


def read_briefs(path: Path) -> dict[str, Brief]:
    """Recorded briefs by article id: JSONL lines ``{"id": …, "brief": {…}}`` (a recording or ``brief batch``'s
    output, whose ``source`` names the file); lines without a brief are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    out: dict[str, Brief] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            raw = row.get("brief")
            if raw is None:
                continue
            brief = Brief.model_validate(raw)
        except (ValueError, AttributeError) as error:
            raise InputError(f"{path}:{n}: not a brief record ({str(error)[:120]})") from None
        key = row.get("id") or row.get("source") or brief.meta.source
        if key:
            out[Path(str(key)).stem] = brief
    return out
